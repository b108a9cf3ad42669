#!/usr/bin/env python3
"""Whole-file analysis speed and memory: CPU-seconds per audio-second (both channels) and peak RSS.

    .venv/bin/python bench/bench_analyze.py                 # tiny.en and base, 3 runs each
    .venv/bin/python bench/bench_analyze.py --models tiny.en --runs 5
    .venv/bin/python bench/bench_analyze.py --models tiny.en --window full   # the 30 s encoder window

The four scripted calls in tools/calls are rendered once and joined into one stereo call
(~3 minutes, both sides speaking). Each run is a fresh process that loads the models and then
replays the call through the full pipeline (`app.build_pipeline`: Silero VAD on both channels,
Whisper, text/voice emotion, fusion, insight) as fast as it can. CPU time is user + system of
the whole process (all threads) during the replay; model loading is reported separately. Peak RSS
is the process maximum. Medians over the runs are printed as a table.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CALLS = ("d1_demo_followup", "d2_price_timing", "d3_billing_irate", "d4_late_spike")


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def render(workdir: Path) -> Path:
    import numpy as np
    import soundfile

    parts = []
    for call in CALLS:
        wav = workdir / f"{call}.wav"
        subprocess.run([sys.executable, str(ROOT / "tools" / "render_call.py"), str(ROOT / "tools" / "calls" / f"{call}.json"),
                        str(wav)], check=True, capture_output=True)
        data, rate = soundfile.read(str(wav), dtype="float32")
        parts.append(data)
    out = workdir / "bench_call.wav"
    soundfile.write(str(out), np.concatenate(parts), rate, subtype="PCM_16")
    return out


def child(model: str, wav: Path, realtime: bool = False) -> dict:
    """One measured run (in its own process)."""
    from salesmind_desktop import app, modelstore
    from salesmind_desktop import settings as settings_mod
    from salesmind_desktop.audio.sources import StereoFileSource
    from salesmind_desktop.errors import ModelError

    settings = settings_mod.Settings()
    settings.asr.model = model
    settings.asr.device = "cpu"
    settings.asr.window = __import__("os").environ.get("BENCH_WINDOW", "fit")
    for name, fallback in (("voice_emotion", lambda: setattr(settings.emotion, "voice", False)),
                           ("text_emotion", lambda: setattr(settings.emotion, "text_engine", "vader"))):
        try:  # measure the shipped engines; fall back (and say so in the table) while one is missing
            modelstore.project_model(name)
        except ModelError:
            fallback()
    c0, w0 = _cpu(), time.perf_counter()
    transcriber = app.build_transcriber(settings)
    transcriber.load()
    pipeline = app.build_pipeline(settings, transcriber=transcriber)
    load_cpu = _cpu() - c0
    source = StereoFileSource(wav, realtime=realtime)
    latencies: list[float] = []

    def listener(event) -> None:
        if type(event).__name__ == "ScoredUtterance" and event.channel == "customer":
            latencies.append(event.wall_scored - event.wall_end)

    c1, w1 = _cpu(), time.perf_counter()
    summary = pipeline.run(source, listener, call_id="bench")
    cpu, wall = _cpu() - c1, time.perf_counter() - w1
    return {"model": model, "audio_s": source.duration, "cpu_s": cpu, "wall_s": wall, "load_cpu_s": load_cpu,
            "load_wall_s": w1 - w0, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "utterances": len(summary.utterances), "voice": settings.emotion.voice,
            "text_engine": settings.emotion.text_engine, "window": settings.asr.window,
            "latency_s": sorted(latencies)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", nargs="+", default=["tiny.en", "base"])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--window", choices=("fit", "full"), default="fit", help="Whisper encoder window (asr.window)")
    ap.add_argument("--latency", action="store_true",
                    help="instead: replay one call (d4) in real time and report customer end-of-speech -> "
                         "scored latency")
    ap.add_argument("--child", nargs=3, metavar=("MODEL", "WAV", "REALTIME"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], Path(args.child[1]), args.child[2] == "1")))
        return
    __import__("os").environ["BENCH_WINDOW"] = args.window  # for the child processes
    if args.latency:
        latency(args.models)
        return
    with tempfile.TemporaryDirectory() as tmp:
        wav = render(Path(tmp))
        rows = []
        for model in args.models:
            results = []
            for i in range(args.runs):
                proc = subprocess.run([sys.executable, __file__, "--child", model, str(wav), "0"],
                                      capture_output=True, text=True)
                if proc.returncode != 0:
                    print(f"{model}: run failed\n{proc.stderr.strip().splitlines()[-1] if proc.stderr else ''}")
                    break
                results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
                r = results[-1]
                print(f"  {model} run {i + 1}: {r['cpu_s'] / r['audio_s']:.3f} CPU-s/audio-s, "
                      f"RTF {r['wall_s'] / r['audio_s']:.3f}, peak {r['peak_rss_mb']:.0f} MB", file=sys.stderr)
            if results:
                med = lambda key: statistics.median(r[key] for r in results)  # noqa: E731
                rows.append((model, len(results), results[0]["audio_s"], med("cpu_s") / results[0]["audio_s"],
                             med("wall_s") / results[0]["audio_s"], med("load_wall_s"), med("peak_rss_mb"),
                             results[0]["utterances"], results[0]["voice"], results[0]["text_engine"],
                             results[0]["window"]))
    print(f"\nwhole-file analysis, both channels, medians ({time.strftime('%Y-%m-%d')}, "
          f"{__import__('os').cpu_count()} CPUs)")
    print("| model | window | runs | audio s | CPU-s per audio-s | wall RTF | model load s | peak RSS MB | utterances "
          "| voice | text |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for m, n, audio, cpu, rtf, load, rss, utts, voice, text, window in rows:
        print(f"| {m} | {window} | {n} | {audio:.1f} | {cpu:.3f} | {rtf:.3f} | {load:.1f} | {rss:.0f} | {utts} | "
              f"{'on' if voice else 'off'} | {text} |")


def latency(models: list[str]) -> None:
    """Live-like latency: customer utterance closed by the VAD -> transcribed and scored (wall s)."""
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "d4.wav"
        subprocess.run([sys.executable, str(ROOT / "tools" / "render_call.py"),
                        str(ROOT / "tools" / "calls" / "d4_late_spike.json"), str(wav)], check=True, capture_output=True)
        print("| model | customer utterances | median latency s | max latency s |")
        print("|---|---|---|---|")
        for model in models:
            proc = subprocess.run([sys.executable, __file__, "--child", model, str(wav), "1"],
                                  capture_output=True, text=True)
            if proc.returncode != 0:
                print(f"| {model} | failed | | |")
                continue
            lat = json.loads(proc.stdout.strip().splitlines()[-1])["latency_s"]
            print(f"| {model} | {len(lat)} | {statistics.median(lat):.2f} | {max(lat):.2f} |")


if __name__ == "__main__":
    main()
