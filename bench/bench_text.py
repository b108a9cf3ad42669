"""Text emotion latency, batch 1, on this CPU (run by hand; numbers go in docs/text-emotion.md).

    .venv/bin/python bench/bench_text.py [--repeats 200] [--threads 2]

Measures, per utterance: the transformer (ONNX int8) alone, the hybrid (transformer + VADER +
preprocessing), and the objection tagger on an already-scored utterance (shared cache). Inputs
are sales utterances of ~12, ~32 and ~64 tokens; the cache is bypassed by making every call's
text unique. Prints P50/P95 in milliseconds, the model size and the load time.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

UTTERANCES = {
    "short": "That's way more than we budgeted for this year.",
    "medium": ("Honestly I like the dashboard a lot, but I'd need to run the price past our finance director "
               "before we can commit to anything this quarter."),
    "long": ("Look, I have been on hold for forty minutes, the sync failed again this morning, my manager keeps "
             "asking me why the numbers don't match, and now you tell me the renewal price is going up by twenty "
             "percent, so I really need someone to explain what we are paying for here."),
}


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=200)
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args(argv)

    from salesmind_desktop.emotion.hybrid import HybridTextEngine
    from salesmind_desktop.emotion.objections import ModelObjectionTagger
    from salesmind_desktop.emotion.text import MODEL_FILE, TransformerTextEngine, default_model_dir, load_text_model
    from salesmind_desktop.emotion.vader import VaderEngine

    t0 = time.perf_counter()
    model = load_text_model(threads=args.threads)
    load_s = time.perf_counter() - t0
    transformer = TransformerTextEngine(model)
    hybrid = HybridTextEngine(transformer, VaderEngine())
    tagger = ModelObjectionTagger(model)
    hybrid.score("warm up")
    report = {"model_mb": round((default_model_dir() / MODEL_FILE).stat().st_size / 1e6, 1),
              "load_s": round(load_s, 3), "threads": args.threads, "repeats": args.repeats}
    for name, text in UTTERANCES.items():
        tokens = model.count_tokens(text)
        for label, fn in (("transformer", transformer.score), ("hybrid", hybrid.score)):
            times = []
            for i in range(args.repeats):
                unique = f"{text} {i}"  # defeat the per-text cache
                start = time.perf_counter()
                fn(unique)
                times.append((time.perf_counter() - start) * 1000)
            report[f"{label}_{name}_{tokens}tok"] = {"p50_ms": round(statistics.median(times), 2),
                                                     "p95_ms": round(pct(times, 0.95), 2)}
        times = []
        for i in range(args.repeats):
            unique = f"{text} {i}"
            hybrid.score(unique)  # as in the pipeline: the text engine scores first
            start = time.perf_counter()
            tagger.tag(unique)  # reads the cached objection head
            times.append((time.perf_counter() - start) * 1000)
        report[f"objection_after_score_{name}"] = {"p50_ms": round(statistics.median(times), 3),
                                                   "p95_ms": round(pct(times, 0.95), 3)}
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
