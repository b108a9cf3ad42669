#!/usr/bin/env python3
"""Live-session latency, CPU and memory: a rendered call played into a private PulseAudio.

    .venv/bin/python bench/bench_latency.py [CALL_ID ...] [--model tiny.en] [--window fit|full]
    # default: all four calls, product settings (fitted encoder window, voice emotion on);
    # BENCH_VOICE=0 turns voice emotion off, SALESMIND_VAD_MIN_SILENCE_MS=300 shortens the end-of-speech wait,
    # SALESMIND_VAD_SPECULATE_MS=0 turns speculative ASR off

The rep side goes into the virtual mic and the customer side into the virtual speakers (as in
tests/fixtures_pulse.py); the real `listen` path runs: DeviceSource -> bleed tap -> CallPipeline
(Silero VAD, faster-whisper, scoring, insight). Latency = wall time when a customer utterance is
scored minus the wall time at which its last word ended (audio time + capture start). CPU is this
process's user+sys time over the session (model loading excluded), per second of call audio.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import wave
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))


def run_call(call: str, s, transcriber, vad, tmp: Path) -> dict:
    import os

    from fixtures_pulse import PulseServer, split_sides

    from salesmind_desktop import app
    from salesmind_desktop.events import ScoredUtterance

    wav = tmp / f"{call}.wav"
    subprocess.run([sys.executable, str(ROOT / "tools/render_call.py"), str(ROOT / f"tools/calls/{call}.json"),
                    str(wav)], check=True, capture_output=True)
    (tmp / call).mkdir(exist_ok=True)
    sides = split_sides(wav, tmp / call)
    with wave.open(str(wav)) as w:
        seconds = w.getnframes() / w.getframerate()

    server = PulseServer(tmp / f"pulse-{call}")
    server.start()
    os.environ["PULSE_SERVER"] = server.env["PULSE_SERVER"]
    try:
        pipeline, source = app.build_live_session(s, mic="pulse:virtual_mic", loopback="",
                                                  duration_s=seconds + 2.0, transcriber=transcriber, vad=vad)
        events: list = []

        def player():
            while not events:
                time.sleep(0.01)
            procs = [server.play("mic_feed", sides["rep"]), server.play("speakers", sides["customer"])]
            for p in procs:
                p.wait()

        threading.Thread(target=player, daemon=True).start()
        r0 = resource.getrusage(resource.RUSAGE_SELF)
        pipeline.run(source, events.append, call_id="bench")
        r1 = resource.getrusage(resource.RUSAGE_SELF)
    finally:
        server.stop()
    cust = [e for e in events if isinstance(e, ScoredUtterance) and e.channel == "customer"]
    for e in (e for e in events if isinstance(e, ScoredUtterance)):
        print(f"{call} {e.channel:>8} {e.start:6.1f}-{e.end:5.1f}s scored {e.wall_scored - (source.t0 + e.end):5.2f}s "
              f"after its end (asr+scoring {e.wall_scored - e.wall_end:4.2f}s): {e.text[:60]}", file=sys.stderr)
    return {
        "audio_s": seconds,
        "latency": [e.wall_scored - (source.t0 + e.end) for e in cust],  # last word's end -> scored
        "close": [e.wall_end - (source.t0 + e.end) for e in cust],  # capture + VAD end-of-speech wait
        "score": [e.wall_scored - e.wall_end for e in cust],  # ASR queue + transcription + scoring
        "speculation": dict(pipeline.speculation),
        "cpu_s": (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime),
        "peak_rss_mb": r1.ru_maxrss / 1024,
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("calls", nargs="*", default=["d1_demo_followup", "d2_price_timing", "d3_billing_irate",
                                                  "d4_late_spike"])
    ap.add_argument("--model", default="tiny.en")
    ap.add_argument("--window", choices=("fit", "full"), default="fit", help="Whisper encoder window (asr.window)")
    args = ap.parse_args()
    import os

    tmp = Path(tempfile.mkdtemp(prefix="bench-latency-"))
    os.environ.setdefault("SALESMIND_HOME", str(tmp / "home"))
    from salesmind_desktop import app, settings as settings_mod

    s = settings_mod.load()
    s.asr.model = args.model
    s.asr.window = args.window
    s.emotion.voice = os.environ.get("BENCH_VOICE", "1") == "1"  # the product default: voice on
    if os.environ.get("BENCH_TEXT"):
        s.emotion.text_engine = os.environ["BENCH_TEXT"]
    transcriber, vad = app.build_transcriber(s), app.build_vad(s)  # loaded once, as the app does
    runs = [run_call(call, s, transcriber, vad, tmp) for call in args.calls]
    lat = sorted(x for r in runs for x in r["latency"])
    close = [x for r in runs for x in r["close"]]
    score = [x for r in runs for x in r["score"]]
    audio = sum(r["audio_s"] for r in runs)
    cpu = sum(r["cpu_s"] for r in runs)

    def pct(values, q):
        return round(values[min(len(values) - 1, int(np.ceil(q * len(values))) - 1)], 3) if values else None

    with open("/proc/loadavg") as fh:
        load = fh.read().split()[0]
    print(json.dumps({
        "calls": args.calls, "model": args.model, "window": args.window, "voice": s.emotion.voice,
        "min_silence_ms": s.vad.min_silence_ms, "speculate_ms": s.vad.speculate_ms, "asr_passes": transcriber.stats,
        "speculative_asr": {k: sum(r["speculation"][k] for r in runs) for k in ("transcribed", "reused")},
        "audio_s": round(audio, 1), "customer_utterances": len(lat),
        "latency_median_s": round(statistics.median(lat), 3) if lat else None,
        "latency_p95_s": pct(lat, 0.95), "latency_max_s": round(max(lat), 3) if lat else None,
        "segment_close_median_s": round(statistics.median(close), 3) if close else None,
        "asr_and_scoring_median_s": round(statistics.median(score), 3) if score else None,
        "asr_and_scoring_p95_s": pct(sorted(score), 0.95),
        "cpu_per_audio_s": round(cpu / audio, 3), "cpu_per_channel_audio_s": round(cpu / (2 * audio), 3),
        "peak_rss_mb": round(max(r["peak_rss_mb"] for r in runs), 1), "load_average_at_end": float(load),
    }, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
