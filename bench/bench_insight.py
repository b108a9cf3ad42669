#!/usr/bin/env python3
"""Cost of `CallInsight` on a long call: per-event time for a scripted 60-minute conversation.

    .venv/bin/python bench/bench_insight.py [--minutes 60] [--tick 0.1] [--runs 3]

Alternating rep/customer turns (2-12 s, short pauses, some overlaps), a speech region and a
scored utterance per turn, and `advance()` every `--tick` seconds of audio, as the live pipeline
does. Reports the median over runs of total CPU seconds and microseconds per advance().
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def script(minutes: float, seed: int = 0):
    from salesmind_desktop.insight.scripted import Turn

    rng = random.Random(seed)
    turns, t, n = [], 0.5, 0
    kinds = ["none"] * 12 + ["price", "timing", "competitor", "trust"]
    while t < minutes * 60:
        channel = "rep" if n % 2 == 0 else "customer"
        dur = rng.uniform(2.0, 12.0)
        words = " ".join(["word"] * int(dur * 2.6))
        text = words + ("?" if channel == "rep" and rng.random() < 0.4 else ".")
        ess = rng.uniform(1.5, 9.0) if channel == "customer" else None
        turns.append(Turn(channel, t, t + dur, text, ess, rng.choice(kinds) if channel == "customer" else "none",
                          channel == "customer" and rng.random() < 0.05))
        t += dur + rng.uniform(-0.8, 1.5)
        n += 1
    return turns


def run_once(turns, tick: float) -> tuple[float, int, int]:
    from salesmind_desktop.events import SpeechActivity
    from salesmind_desktop.insight.call import CallInsight
    from salesmind_desktop.insight.scripted import utterance

    ins = CallInsight()
    advances = 0
    t0 = time.process_time()
    now = 0.0
    for i, turn in enumerate(turns, 1):
        while now + tick <= turn.end:
            now += tick
            ins.advance(now)
            advances += 1
        ins.on_activity(SpeechActivity(turn.channel, turn.start, turn.end))
        ins.on_utterance(utterance(i, turn.channel, turn.start, turn.end, turn.text, turn.ess,
                                   objection=turn.objection, mixed=turn.mixed))
    summary = ins.finish("bench", now)
    return time.process_time() - t0, advances, len(summary.cues)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=60.0)
    ap.add_argument("--tick", type=float, default=0.1)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    turns = script(args.minutes)
    results = [run_once(turns, args.tick) for _ in range(args.runs)]
    cpu = statistics.median(r[0] for r in results)
    advances = results[0][1]
    print(f"{args.minutes:.0f} min call, {len(turns)} turns, {advances} advance() calls, cues {results[0][2]}")
    print(f"median CPU {cpu:.2f} s total, {1e6 * cpu / max(1, advances + 2 * len(turns)):.0f} us per event "
          f"({cpu / (args.minutes * 60) * 1000:.2f} ms CPU per audio second)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
