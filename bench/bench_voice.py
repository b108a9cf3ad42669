#!/usr/bin/env python3
"""Voice-emotion latency per 2 s of audio on this CPU, batch 1 (run by hand).

    nice .venv/bin/python bench/bench_voice.py [--runs 200] [--json]

Audio: a 2 s window of real TTS speech (flite slt + kal16 via sox), so pitch tracking sees voiced
and unvoiced frames as in a call. Reports median and P95 of: feature extraction alone, the ONNX
model alone, and the whole `OnnxVoiceEngine.score()` (features + baseline + model + cues), plus
the model's file size, and the mean process CPU time of `score()` (less sensitive to other load).
Median is the headline number; P95 shows scheduler noise on shared CPUs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

LINE = "I wanted to ask about the invoice from last month, and nobody called me back."


def speech_2s() -> list[np.ndarray]:
    import soundfile as sf

    if not (shutil.which("flite") and shutil.which("sox")):
        raise SystemExit("flite and sox are needed (scripts/setup.sh)")
    clips = []
    with tempfile.TemporaryDirectory() as tmp:
        for voice in ("slt", "kal16"):
            raw, out = Path(tmp) / f"{voice}.wav", Path(tmp) / f"{voice}16.wav"
            subprocess.run(["flite", "-voice", voice, "-t", LINE, "-o", str(raw)], check=True)
            subprocess.run(["sox", str(raw), "-r", "16000", "-c", "1", "-b", "16", str(out)], check=True)
            pcm, _ = sf.read(str(out), dtype="float32")
            clips.append(pcm[: 2 * 16000])
    return clips


def stats(samples: list[float]) -> dict[str, float]:
    ms = np.asarray(samples) * 1000
    return {"median_ms": round(float(np.median(ms)), 3), "p95_ms": round(float(np.percentile(ms, 95)), 3)}


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    from salesmind_desktop.emotion import voice_features as vf
    from salesmind_desktop.emotion.voice import OnnxVoiceEngine

    clips = speech_2s()
    engine = OnnxVoiceEngine()
    row, _ = vf.model_input(vf.extract(clips[0]), vf.SpeakerBaseline())
    session = engine._session
    for clip in clips:  # warm up
        engine.score("customer", clip, ())

    i = iter(range(10**9))
    feat = timed(lambda: vf.extract(clips[next(i) % 2]), args.runs)
    model = timed(lambda: session.run(["probs", "arousal"], {"features": row[None, :]}), args.runs)
    j = iter(range(10**9))
    total = timed(lambda: engine.score("customer", clips[next(j) % 2], ()), args.runs)
    cpu0 = time.process_time()
    for k in range(args.runs):
        engine.score("customer", clips[k % 2], ())
    cpu_ms = (time.process_time() - cpu0) / args.runs * 1000
    model_file = engine.model.path / "model.onnx"
    result = {
        "audio_s": 2.0, "runs": args.runs, "cpu": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(), "load_avg_1m": round(os.getloadavg()[0], 2),
        "features": stats(feat), "model": stats(model), "engine_total": stats(total),
        "engine_cpu_ms_mean": round(cpu_ms, 3),
        "model_bytes": model_file.stat().st_size, "model_version": engine.model.version,
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"voice emotion per 2 s of audio ({args.runs} runs, load avg {result['load_avg_1m']}):")
        for key in ("features", "model", "engine_total"):
            print(f"  {key:13s} median {result[key]['median_ms']:7.3f} ms   P95 {result[key]['p95_ms']:7.3f} ms")
        print(f"  engine CPU time (all threads) mean {cpu_ms:.3f} ms")
        print(f"  model file    {result['model_bytes'] / 1024:.1f} KiB ({model_file})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
