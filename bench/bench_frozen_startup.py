#!/usr/bin/env python3
"""Frozen-app start-up, by hand: medians over N runs of the PyInstaller bundle (offscreen).

    bash packaging/build.sh                    # -> dist/SalesMind
    python bench/bench_frozen_startup.py [--bundle dist/SalesMind] [--runs 5]

Per run: `salesmind-desktop --version` (bootloader + Python start) and `selftest --gui`, which
starts the real desktop app, shows the badge, replays the self-test clip at 8x and reports
seconds since process start until the badge is shown, until it is listening (call
audio flowing; Whisper itself loads lazily on the first utterance), until the first score is on the badge
(model loading + first utterance), and until the summary window opens. Also prints the bundle's
size and its largest parts. Each run uses a fresh SALESMIND_HOME (cold user cache).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bundle", type=Path, default=ROOT / "dist" / "SalesMind")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    exe = args.bundle / "salesmind-desktop"
    if not exe.is_file():
        raise SystemExit(f"{exe} not found: build first with `bash packaging/build.sh`")

    internal = args.bundle / "_internal"
    parts = sorted(((du(p) if p.is_dir() else p.stat().st_size, p.name) for p in internal.iterdir()
                    if not p.is_symlink()), reverse=True)  # top-level .so links point into package dirs
    total = du(args.bundle)
    print(f"bundle {args.bundle}: {total / 2**20:.0f} MiB")
    for size, name in parts[:10]:
        print(f"  {size / 2**20:7.1f} MiB  {name}")

    version, shown, listening, scored, summary = [], [], [], [], []
    for i in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            env = {**os.environ, "SALESMIND_HOME": tmp, "QT_QPA_PLATFORM": "offscreen",
                   "SALESMIND_POLICY_FILE": os.path.join(tmp, "none.toml")}
            t0 = time.monotonic()
            subprocess.run([str(exe), "--version"], env=env, check=True, capture_output=True)
            version.append(time.monotonic() - t0)
            report = Path(tmp) / "report.json"
            proc = subprocess.run([str(exe), "selftest", "--gui", "--json", str(report)], env=env,
                                  capture_output=True, text=True)
            if not report.is_file():
                raise SystemExit(f"run {i}: selftest failed:\n{proc.stdout}\n{proc.stderr}")
            times = json.loads(report.read_text())["gui_times"]
            shown.append(times["badge_shown_s"])
            listening.append(times.get("listening_s", float("nan")))
            scored.append(times.get("first_score_s", float("nan")))
            summary.append(times.get("summary_s", float("nan")))
            print(f"run {i + 1}: --version {version[-1]:.2f} s, badge shown {shown[-1]:.2f} s, "
                  f"listening {listening[-1]:.2f} s, first score {scored[-1]:.2f} s, summary {summary[-1]:.2f} s", flush=True)
    med = statistics.median
    print(f"median of {args.runs}: --version {med(version):.2f} s; badge shown {med(shown):.2f} s; "
          f"badge listening {med(listening):.2f} s; "
          f"first score on the badge {med(scored):.2f} s; summary window {med(summary):.2f} s "
          "(seconds since process start)")


if __name__ == "__main__":
    main()
