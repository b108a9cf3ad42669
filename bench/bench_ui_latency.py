#!/usr/bin/env python3
"""GUI event-loop latency while the app loads models and analyses a call (report P50/P95/max).

A 10 ms QTimer probe runs on the GUI thread of the real desktop app (badge, toasts, transcript
panel visible) while a recorded call goes through the real pipeline on the worker thread. Each
tick's lateness (actual gap − 10 ms) is one sample, tagged with the call state: `loading`
(models being built) or `listening` (analysis, widgets updating). A frozen GUI would show up as
lateness in the hundreds of milliseconds.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_ui_latency.py [CALL.wav] [--speed 4]

Uses a throw-away SALESMIND_HOME. `--speed 0` replays as fast as the analysis goes (worst case
for the GUI: events arrive in bursts).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("call", nargs="?", type=Path, default=ROOT / "assets" / "examples" / "demo_call.wav")
    parser.add_argument("--speed", type=float, default=4.0, help="replay speed; 0 = unpaced")
    parser.add_argument("--interval-ms", type=int, default=10)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["SALESMIND_HOME"] = tempfile.mkdtemp(prefix="salesmind-bench-")

    from PySide6.QtCore import Qt, QTimer

    from salesmind_desktop import settings as settings_mod
    from salesmind_desktop.cli.gui import make_qt_app
    from salesmind_desktop.ui.desktop import DesktopApp
    from salesmind_desktop.ui.sessions import file_session

    qt = make_qt_app()
    settings = settings_mod.load()
    app = DesktopApp(settings, session_factory=file_session(settings, args.call, speed=args.speed or None),
                     consent=lambda: True, crm=(None, None), save_settings=False)
    app.show()
    app.toggle_transcript(True)
    samples: dict[str, list[float]] = {}
    interval = args.interval_ms / 1000
    last = [time.perf_counter()]
    errors: list[str] = []
    counts = {"ess": 0, "cue": 0, "utterance": 0}

    def tick() -> None:
        now = time.perf_counter()
        samples.setdefault(app.controller.state, []).append(max(0.0, now - last[0] - interval) * 1000)
        last[0] = now

    probe = QTimer()
    probe.setTimerType(Qt.TimerType.PreciseTimer)
    probe.setInterval(args.interval_ms)
    probe.timeout.connect(tick)
    app.controller.error.connect(lambda m, f: (errors.append(f"{m} (fix: {f})"), qt.quit()))
    app.controller.summary_ready.connect(lambda _s: QTimer.singleShot(300, qt.quit))
    for name in counts:
        getattr(app.bridge, name).connect(lambda _e, n=name: counts.__setitem__(n, counts[n] + 1))
    t0 = time.perf_counter()
    probe.start()
    app.controller.request_start()
    qt.exec()
    wall = time.perf_counter() - t0
    app.shutdown()
    if errors:
        print("error:", errors[0], file=sys.stderr)
        return 1
    print(f"call: {args.call.name}  speed: {args.speed or 'unpaced'}  wall: {wall:.1f} s  "
          f"events: {counts}  probe: {args.interval_ms} ms timer")
    print(f"{'state':<10} {'ticks':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for state in ("loading", "listening", "stopping", "idle"):
        values = samples.get(state)
        if values:
            print(f"{state:<10} {len(values):>6} {statistics.median(values):>8.1f} {pct(values, 0.95):>8.1f} "
                  f"{max(values):>8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
