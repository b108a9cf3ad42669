"""Evaluate the text engines on eval/text_dev.tsv (measurement only; never used for training).

    .venv/bin/python eval/eval_text.py [--tsv eval/text_dev.tsv] [--json out.json] [--write-manifest]

For VADER alone, the transformer alone and the hybrid it reports:
* sentiment macro-F1 (positive/neutral/negative),
* emotion macro-F1 (satisfied/neutral/stressed/irritated),
* objection macro-F1 over the 8 types including "none" (types absent from both truth and
  predictions are skipped), and binary objection-vs-none F1 (positive class = any objection),
* expected calibration error (ECE, 10 bins) of the sentiment and emotion probabilities.
Objection taggers: patterns alone (paired with VADER), the transformer head alone, and the
default tagger (transformer head + pattern backstop, paired with the hybrid).
`--write-manifest` stores the numbers under metrics.dev in models/text_emotion/manifest.json
(the manifest's sha256 list covers model files, not itself).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from salesmind_desktop.events import EMOTIONS, OBJECTIONS, SENTIMENTS, ObjectionResult  # noqa: E402


def load(tsv: Path) -> list[dict[str, str]]:
    with open(tsv, encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def macro_f1(truth: list[str], pred: list[str], labels: tuple[str, ...]) -> float:
    scores = []
    for c in labels:
        tp = sum(t == c and p == c for t, p in zip(truth, pred))
        fp = sum(t != c and p == c for t, p in zip(truth, pred))
        fn = sum(t == c and p != c for t, p in zip(truth, pred))
        if tp + fp + fn:
            scores.append(2 * tp / (2 * tp + fp + fn))
    return round(float(np.mean(scores)), 4) if scores else 0.0


def binary_f1(truth: list[str], pred: list[str]) -> float:
    tp = sum(t != "none" and p != "none" for t, p in zip(truth, pred))
    fp = sum(t == "none" and p != "none" for t, p in zip(truth, pred))
    fn = sum(t != "none" and p == "none" for t, p in zip(truth, pred))
    return round(2 * tp / (2 * tp + fp + fn), 4) if tp + fp + fn else 0.0


def ece(probs: list[dict[str, float]], truth: list[str], bins: int = 10) -> float:
    conf = np.array([max(p.values()) for p in probs])
    correct = np.array([max(p, key=p.__getitem__) == t for p, t in zip(probs, truth)], dtype=float)
    total = 0.0
    edges = np.linspace(0, 1, bins + 1)
    for lo, hi in zip(edges[:-1], edges[1:]):
        m = (conf > lo) & (conf <= hi)
        if m.any():
            total += m.mean() * abs(conf[m].mean() - correct[m].mean())
    return round(float(total), 4)


def bootstrap_interval(n: int, statistic, reps: int = 2000, seed: int = 7) -> tuple[float, float]:
    """95 % percentile interval of `statistic(indices)` over `reps` resamples (with replacement) of n lines."""
    rng = np.random.default_rng(seed)
    values = [statistic(rng.integers(0, n, n)) for _ in range(reps)]
    return round(float(np.percentile(values, 2.5)), 3), round(float(np.percentile(values, 97.5)), 3)


def paired_differences(truth: dict[str, list[str]], a: dict[str, list[str]], b: dict[str, list[str]]) -> dict:
    """Per head: macro-F1 of a minus b on the same lines, with a paired bootstrap 95 % interval."""
    labels = {"sentiment": SENTIMENTS, "emotion": EMOTIONS, "objection": OBJECTIONS}
    out = {}
    for head, t in truth.items():
        def diff(idx, t=t, head=head) -> float:
            pick = lambda xs: [xs[i] for i in idx]  # noqa: E731
            return macro_f1(pick(t), pick(a[head]), labels[head]) - macro_f1(pick(t), pick(b[head]), labels[head])
        out[head] = (round(diff(range(len(t))), 4), bootstrap_interval(len(t), diff))
    return out


def score_engine(engine, tagger, rows: list[dict[str, str]]) -> tuple[dict, list[tuple[str, str, str, str]]]:
    texts = [r["text"] for r in rows]
    results = [engine.score(t) for t in texts]
    objections: list[ObjectionResult] = [tagger.tag(t) for t in texts]
    sent_t, emo_t, obj_t = [r["sentiment"] for r in rows], [r["emotion"] for r in rows], [r["objection"] for r in rows]
    sent_p, emo_p, obj_p = [r.sentiment for r in results], [r.emotion for r in results], [o.type for o in objections]
    metrics = {
        "sentiment_macro_f1": macro_f1(sent_t, sent_p, SENTIMENTS),
        "sentiment_accuracy": round(float(np.mean([a == b for a, b in zip(sent_t, sent_p)])), 4),
        "emotion_macro_f1": macro_f1(emo_t, emo_p, EMOTIONS),
        "emotion_accuracy": round(float(np.mean([a == b for a, b in zip(emo_t, emo_p)])), 4),
        "objection_macro_f1": macro_f1(obj_t, obj_p, OBJECTIONS),
        "objection_binary_f1": binary_f1(obj_t, obj_p),
        "sentiment_ece": ece([r.sentiment_scores for r in results], sent_t),
        "emotion_ece": ece([r.emotion_scores for r in results], emo_t),
        "predictions": {"sentiment": sent_p, "emotion": emo_p, "objection": obj_p},
    }
    errors = [(t, f"{st}/{et}/{ot}", f"{sp}/{ep}/{op}", "")
              for t, st, et, ot, sp, ep, op in zip(texts, sent_t, emo_t, obj_t, sent_p, emo_p, obj_p)
              if (st, et, ot) != (sp, ep, op)]
    return metrics, errors


class HeadOnlyTagger:
    """The transformer's objection head with no pattern backstop (for the ablation)."""

    def __init__(self, model) -> None:
        self.model = model

    def tag(self, text: str) -> ObjectionResult:
        probs = self.model.predict(text)["objection"]
        kind = max(probs, key=probs.__getitem__)
        return ObjectionResult(kind, probs[kind])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="evaluate text engines on the dev set")
    p.add_argument("--tsv", type=Path, default=ROOT / "eval" / "text_dev.tsv")
    p.add_argument("--json", type=Path, default=None)
    p.add_argument("--errors", action="store_true", help="print the hybrid's mistakes")
    p.add_argument("--write-manifest", action="store_true")
    p.add_argument("--paired", action="store_true",
                   help="paired bootstrap 95 %% intervals of the hybrid's macro-F1 minus each part's")
    args = p.parse_args(argv)

    from salesmind_desktop.emotion.hybrid import HybridTextEngine
    from salesmind_desktop.emotion.objections import ModelObjectionTagger, PatternObjectionTagger
    from salesmind_desktop.emotion.text import TransformerTextEngine, load_text_model
    from salesmind_desktop.emotion.vader import VaderEngine

    rows = load(args.tsv)
    model = load_text_model()
    vader, transformer = VaderEngine(), TransformerTextEngine(model)
    setups = {
        "vader": (vader, PatternObjectionTagger()),
        "transformer": (transformer, HeadOnlyTagger(model)),
        "hybrid": (HybridTextEngine(transformer, vader), ModelObjectionTagger(model)),
    }
    report: dict[str, dict] = {"n": len(rows)}
    for name, (engine, tagger) in setups.items():
        report[name], errors = score_engine(engine, tagger, rows)
        if args.errors and name == "hybrid":
            for text, truth, pred, _ in errors:
                print(f"  truth {truth:34s} pred {pred:34s} {text}")
    print(f"{'engine':12s} {'sent F1':>8s} {'emo F1':>8s} {'obj F1':>8s} {'obj bin':>8s} {'sent ECE':>9s} {'emo ECE':>8s}")
    for name in setups:
        m = report[name]
        print(f"{name:12s} {m['sentiment_macro_f1']:8.3f} {m['emotion_macro_f1']:8.3f} {m['objection_macro_f1']:8.3f} "
              f"{m['objection_binary_f1']:8.3f} {m['sentiment_ece']:9.3f} {m['emotion_ece']:8.3f}")
    print("objection taggers: vader row = patterns only, transformer row = model head only, hybrid row = head + patterns")
    truth = {"sentiment": [r["sentiment"] for r in rows], "emotion": [r["emotion"] for r in rows],
             "objection": [r["objection"] for r in rows]}
    preds = {name: report[name].pop("predictions") for name in setups}
    if args.paired:
        print("\nhybrid minus each part, macro-F1 on the same lines (paired bootstrap, 2,000 resamples, 95 % interval)")
        for part in ("transformer", "vader"):
            diffs = paired_differences(truth, preds["hybrid"], preds[part])
            report.setdefault("paired_hybrid_minus", {})[part] = diffs
            print(f"  vs {part:12s} " + "  ".join(f"{h} {d:+.3f} [{lo:+.3f}, {hi:+.3f}]" for h, (d, (lo, hi)) in diffs.items()))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    if args.write_manifest:
        path = ROOT / "models" / "text_emotion" / "manifest.json"
        manifest = json.loads(path.read_text())
        manifest.setdefault("metrics", {})["dev"] = report
        path.write_text(json.dumps(manifest, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
