#!/usr/bin/env python3
"""Live-session latency, CPU and memory: a rendered call played into a private PulseAudio.

    .venv/bin/python bench/bench_latency.py [CALL_ID] [--model tiny.en]

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


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("call", nargs="?", default="d2_price_timing")
    ap.add_argument("--model", default="tiny.en")
    args = ap.parse_args()

    import os

    from fixtures_pulse import PulseServer

    from salesmind_desktop import app, settings as settings_mod
    from salesmind_desktop.audio.bleed import BleedFilter, BleedGate, LoopbackTap
    from salesmind_desktop.events import ScoredUtterance

    tmp = Path(tempfile.mkdtemp(prefix="bench-latency-"))
    wav = tmp / "call.wav"
    subprocess.run([sys.executable, str(ROOT / "tools/render_call.py"), str(ROOT / f"tools/calls/{args.call}.json"),
                    str(wav)], check=True, capture_output=True)
    with wave.open(str(wav)) as w:
        pcm = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).reshape(-1, 2)
    sides = {}
    for col, side in ((0, "rep"), (1, "customer")):
        sides[side] = tmp / f"{side}.wav"
        with wave.open(str(sides[side]), "wb") as out:
            out.setnchannels(1), out.setsampwidth(2), out.setframerate(16000)
            out.writeframes(pcm[:, col].copy().tobytes())
    seconds = len(pcm) / 16000

    server = PulseServer(tmp / "pulse")
    server.start()
    os.environ["PULSE_SERVER"] = server.env["PULSE_SERVER"]
    os.environ.setdefault("SALESMIND_HOME", str(tmp / "home"))
    try:
        s = settings_mod.load()
        s.asr.model = args.model
        s.emotion.voice = os.environ.get("BENCH_VOICE", "0") == "1"
        transcriber = app.build_transcriber(s)
        vad = app.build_vad(s)
        guard = app.build_bleed_guard(s)
        source = app.build_live_source(s, mic="pulse:virtual_mic", loopback="", duration_s=seconds + 2.0)
        tap = LoopbackTap(source, guard)
        pipeline = app.build_pipeline(s, transcriber=BleedFilter(transcriber, guard), vad=vad,
                                      frame_gate=BleedGate(guard, tap))
        events: list = []

        def player():
            while not events:
                time.sleep(0.01)
            procs = [server.play("mic_feed", sides["rep"]), server.play("speakers", sides["customer"])]
            for p in procs:
                p.wait()

        threading.Thread(target=player, daemon=True).start()
        r0, w0 = resource.getrusage(resource.RUSAGE_SELF), time.monotonic()
        pipeline.run(tap, events.append, call_id="bench")
        r1, w1 = resource.getrusage(resource.RUSAGE_SELF), time.monotonic()
    finally:
        server.stop()

    lat = [e.wall_scored - (source.t0 + e.end) for e in events
           if isinstance(e, ScoredUtterance) and e.channel == "customer"]
    cust = [e for e in events if isinstance(e, ScoredUtterance) and e.channel == "customer"]
    to_close = [e.wall_end - (source.t0 + e.end) for e in cust]  # capture + VAD end-of-speech wait
    to_score = [e.wall_scored - e.wall_end for e in cust]  # ASR queue + transcription + scoring
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    lat_sorted = sorted(lat)
    p95 = lat_sorted[min(len(lat_sorted) - 1, int(round(0.95 * (len(lat_sorted) - 1))))] if lat else float("nan")
    result = {
        "call": args.call, "model": args.model, "audio_s": round(seconds, 1), "wall_s": round(w1 - w0, 1),
        "customer_utterances": len(lat),
        "latency_median_s": round(statistics.median(lat), 3) if lat else None,
        "latency_p95_s": round(p95, 3), "latency_max_s": round(max(lat), 3) if lat else None,
        "segment_close_median_s": round(statistics.median(to_close), 3) if cust else None,
        "asr_and_scoring_median_s": round(statistics.median(to_score), 3) if cust else None,
        "asr_and_scoring_max_s": round(max(to_score), 3) if cust else None,
        "cpu_s": round(cpu, 1), "cpu_per_audio_s": round(cpu / seconds, 3),
        "cpu_per_channel_audio_s": round(cpu / (2 * seconds), 3),
        "peak_rss_mb": round(r1.ru_maxrss / 1024, 1),
    }
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
