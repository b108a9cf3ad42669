"""MongoDB for the CRM tests: the nx-27017 wire-protocol server on 127.0.0.1 (a subprocess), or
a real MongoDB when `MONGODB_URI` is set (each test run then uses its own database name).

`NxServer` can be stopped and restarted on the same port and file, for the fault tests.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

TIMEOUTS = dict(serverSelectionTimeoutMS=3000, socketTimeoutMS=5000, connectTimeoutMS=3000)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def nx_binary() -> str:
    exe = Path(sys.executable).with_name("nx-27017")
    found = str(exe) if exe.exists() else shutil.which("nx-27017")
    if not found:
        pytest.fail("nx-27017 is not installed: pip install -e '.[dev]' (scripts/setup.sh)")
    return found


class NxServer:
    """One nx-27017 process; `db` is a SQLite file (survives restarts) or "memory"."""

    def __init__(self, workdir: Path, db: str = "file", port: int | None = None) -> None:
        self.workdir = workdir
        self.port = port or free_port()
        self.db = str(workdir / "nx.db") if db == "file" else "memory"
        self.proc: subprocess.Popen | None = None

    @property
    def uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/?directConnection=true"

    def start(self, timeout: float = 15.0) -> "NxServer":
        self.proc = subprocess.Popen(
            [nx_binary(), "--db", self.db, "--host", "127.0.0.1", "--port", str(self.port),
             "--pid-file", str(self.workdir / f"nx-{self.port}.pid"),
             "--log-file", str(self.workdir / f"nx-{self.port}.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout: float) -> None:
        import pymongo

        deadline = time.monotonic() + timeout
        client = pymongo.MongoClient(self.uri, serverSelectionTimeoutMS=300, socketTimeoutMS=1000,
                                     connectTimeoutMS=300)
        try:
            while True:
                try:
                    client.admin.command("ping")
                    return
                except pymongo.errors.PyMongoError:
                    if self.proc and self.proc.poll() is not None:
                        pytest.fail(f"nx-27017 exited with {self.proc.returncode}")
                    if time.monotonic() > deadline:
                        pytest.fail("nx-27017 did not answer ping in time")
                    time.sleep(0.05)
        finally:
            client.close()

    def kill(self) -> None:
        """kill -9: the server vanishes mid-conversation."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


@pytest.fixture(scope="session")
def mongo_uri(tmp_path_factory):
    """URI of a MongoDB-compatible server for the whole session."""
    if os.environ.get("MONGODB_URI"):
        yield os.environ["MONGODB_URI"]
        return
    server = NxServer(tmp_path_factory.mktemp("nx"), db="memory").start()
    yield server.uri
    server.stop()


@pytest.fixture
def crm_db_name():
    return f"salesmind_test_{uuid.uuid4().hex[:10]}"


@pytest.fixture
def repo(mongo_uri, crm_db_name):
    from salesmind_desktop.crm.mongo import CrmRepository

    r = CrmRepository.connect(mongo_uri, crm_db_name, timeout_ms=TIMEOUTS["socketTimeoutMS"])
    yield r
    try:
        r.client.drop_database(crm_db_name)
    finally:
        r.close()


@pytest.fixture
def nx_server(tmp_path):
    """A private nx-27017 on a file database, for tests that stop, kill and restart the server."""
    server = NxServer(tmp_path, db="file")
    yield server
    server.stop()
