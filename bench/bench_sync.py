"""Outbox drain throughput, and exactly-N under repeated server failures (run by hand).

    .venv/bin/python bench/bench_sync.py [--calls 300] [--runs 3] [--kills 5]

Starts its own nx-27017 (a MongoDB wire-protocol server backed by SQLite, on a file so it
survives kills) unless MONGODB_URI is set (then a fresh database per run on that server).
Part 1 reports calls/s for draining N persisted calls (median of --runs).
Part 2 kill -9s and restarts the server --kills times while the outbox drains, then checks that
the CRM holds exactly N interaction documents, one per call_id.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fixtures_mongo import NxServer  # noqa: E402
from fixtures_summaries import make_summary  # noqa: E402

from salesmind_desktop.crm.mongo import CrmRepository  # noqa: E402
from salesmind_desktop.crm.sync import SyncWorker  # noqa: E402
from salesmind_desktop.settings import Settings  # noqa: E402
from salesmind_desktop.store.local import LocalStore  # noqa: E402
from salesmind_desktop.store.persist import persist_call  # noqa: E402


def fill(store: LocalStore, n: int) -> None:
    s = Settings()
    s.crm.rep_id, s.crm.team = "rep-bench", "bench"
    for i in range(n):
        persist_call(make_summary(f"bench-{i:05d}", overall=3 + i % 6, objections=("price",) if i % 3 else ()),
                     customer_id=f"C-{i % 40}", settings=s, store=store)


def server(work: Path) -> tuple[str, NxServer | None]:
    if os.environ.get("MONGODB_URI"):
        return os.environ["MONGODB_URI"], None
    return (srv := NxServer(work, db="file").start()).uri, srv


def throughput(n: int, runs: int) -> None:
    rates = []
    for r in range(runs):
        work = Path(tempfile.mkdtemp(prefix="bench-sync-"))
        uri, srv = server(work)
        db = f"bench_{uuid.uuid4().hex[:8]}"
        store = LocalStore(work / "s.db")
        fill(store, n)
        worker = SyncWorker(store, lambda: CrmRepository.connect(uri, db, timeout_ms=5000))
        t0 = time.perf_counter()
        status = worker.drain()
        dt = time.perf_counter() - t0
        assert status.sent == n and status.pending == 0, status
        repo = CrmRepository.connect(uri, db)
        assert repo.count_interactions() == n
        repo.client.drop_database(db)
        repo.close()
        worker.stop()
        rates.append(n / dt)
        print(f"  run {r + 1}: {n} calls in {dt:.2f} s = {n / dt:.0f} calls/s")
        if srv:
            srv.stop()
    print(f"drain throughput: median {statistics.median(rates):.0f} calls/s over {runs} runs ({n} calls each)")


def under_failures(n: int, kills: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-sync-fail-"))
    uri, srv = server(work)
    if srv is None:
        print("failure part needs the local nx-27017 (unset MONGODB_URI)")
        return
    db = f"bench_{uuid.uuid4().hex[:8]}"
    store = LocalStore(work / "s.db")
    fill(store, n)
    worker = SyncWorker(store, lambda: CrmRepository.connect(uri, db, timeout_ms=1500), base_delay=0.05, max_delay=0.5)
    done = threading.Event()

    def chaos() -> None:
        step = max(1, n // (kills + 1))
        for k in range(kills):
            while store.outbox_counts()["sent"] < step * (k + 1) and not done.is_set():
                time.sleep(0.001)
            if done.is_set():
                return
            srv.kill()
            time.sleep(0.3)
            srv.start()

    t = threading.Thread(target=chaos)
    t.start()
    t0 = time.perf_counter()
    failures = 0
    while store.outbox_counts()["pending"]:
        status = worker.drain(batch=10)
        if status.error_kind:
            failures += 1
            time.sleep(0.05)
        if time.perf_counter() - t0 > 300:
            break
    done.set()
    t.join()
    dt = time.perf_counter() - t0
    repo = CrmRepository.connect(uri, db)
    docs = repo.count_interactions()
    distinct = len({d["call_id"] for d in repo.interactions.find({}, {"call_id": 1})})
    print(f"under {kills} server kills: {n} calls -> {docs} documents ({distinct} distinct call_ids), "
          f"{failures} failed drain passes, {dt:.1f} s; exactly N: {docs == distinct == n}")
    repo.close()
    worker.stop()
    srv.stop()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--calls", type=int, default=300)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--kills", type=int, default=5)
    args = ap.parse_args()
    throughput(args.calls, args.runs)
    under_failures(args.calls, args.kills)


if __name__ == "__main__":
    main()
