"""kill -9 in the middle of writing: every committed call survives whole, nothing half-written."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from salesmind_desktop.store.local import LocalStore

WRITER = textwrap.dedent("""
    import sys
    sys.path.insert(0, sys.argv[2])
    from fixtures_summaries import make_summary
    from salesmind_desktop.store.local import LocalStore
    store = LocalStore(sys.argv[1])
    i = 0
    while True:
        s = make_summary(f"call-{i:05d}")
        s["utterances"] = s["utterances"] * 40          # 120 rows per call: a write that takes a while
        store.save_call(s, outbox_payload={"call_id": s["call_id"], "n": i})
        print(s["call_id"], flush=True)                 # printed only after COMMIT returned
        i += 1
""")


def test_kill_minus_nine_mid_write_loses_nothing_committed(tmp_path):
    db = tmp_path / "calls.sqlite3"
    tests_dir = str(Path(__file__).parent)
    for round_ in range(3):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(db), tests_dir], stdout=subprocess.PIPE, text=True)
        committed: list[str] = []
        deadline = time.monotonic() + 30
        while len(committed) < 15 and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            committed.append(line.strip())
        time.sleep(0.013 * (round_ + 1))  # land the kill somewhere inside a later write
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        committed += [line.strip() for line in proc.stdout.read().splitlines()]
        assert len(committed) >= 15, "writer did not get going"

        with LocalStore(db) as store:
            assert store.integrity_ok()
            ids = set(store.call_ids())
            assert set(committed) <= ids  # every acknowledged call is there
            for call_id in ids:  # and nothing is half-written
                assert len(store.utterances(call_id)) == 120
                assert store.summary(call_id) is not None and store.outbox_item(call_id) is not None
