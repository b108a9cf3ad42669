"""How well do independent annotators agree with the dev and validation labels? (measurement only)

    .venv/bin/python eval/annotator_agreement.py [--no-model] [--json out.json]

`eval/annotations/lines.tsv` holds the 89 dev lines and the 482 validation lines, shuffled
together under neutral ids; `annotator_*.tsv` are labels given to those ids by independent
annotators who saw neither gold file (their brief is `eval/annotations/README.md`). Against the
gold labels of each set this prints, per annotator, per majority vote and for the shipped model:
sentiment, emotion, 8-type objection macro-F1 and binary objection F1 (the numbers
`eval/eval_text.py` reports for the engines); then the annotators' agreement with each other
(Cohen's kappa per head); then a bootstrap 95 % interval for the model's dev figures.

The point: a target above what careful annotators reach against the same gold is a target on
the labelling convention, not on the model. Nothing here feeds training; the annotations are
never read by anything under `training/`.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "eval"))

from eval_text import HeadOnlyTagger, binary_f1, bootstrap_interval, load, macro_f1  # noqa: E402

from salesmind_desktop.events import EMOTIONS, OBJECTIONS, SENTIMENTS  # noqa: E402

ANNOTATIONS = ROOT / "eval" / "annotations"
GOLD = {"dev": ROOT / "eval" / "text_dev.tsv", "val": ROOT / "training" / "text" / "data" / "sales_val_natural.tsv"}
HEADS = {"sentiment": SENTIMENTS, "emotion": EMOTIONS, "objection": OBJECTIONS}
Labels = dict[str, tuple[str, str, str]]  # text -> (sentiment, emotion, objection)


def read_annotations(folder: Path = ANNOTATIONS) -> tuple[dict[str, str], dict[str, Labels]]:
    """id -> text, and annotator name -> {text: labels}; checks every file covers every id with valid labels."""
    texts = {r["id"]: r["text"] for r in load(folder / "lines.tsv")}
    out: dict[str, Labels] = {}
    for path in sorted(folder.glob("annotator_*.tsv")):
        rows = load(path)
        ids = [r["id"] for r in rows]
        if sorted(ids) != sorted(texts) or len(set(ids)) != len(ids):
            raise ValueError(f"{path.name}: must label each id of lines.tsv exactly once")
        for r in rows:
            for head, allowed in HEADS.items():
                if r[head] not in allowed:
                    raise ValueError(f"{path.name}: id {r['id']}: {head} {r[head]!r} is not one of {allowed}")
        out[path.stem.removeprefix("annotator_")] = {texts[r["id"]]: (r["sentiment"], r["emotion"], r["objection"]) for r in rows}
    return texts, out


def read_gold() -> dict[str, Labels]:
    return {name: {r["text"]: (r["sentiment"], r["emotion"], r["objection"]) for r in load(path)}
            for name, path in GOLD.items()}


def scores(gold: list[tuple[str, str, str]], pred: list[tuple[str, str, str]]) -> dict[str, float]:
    """The four figures eval_text.py reports, for any labeller against gold."""
    col = lambda rows, i: [r[i] for r in rows]  # noqa: E731
    return {"sentiment_f1": macro_f1(col(gold, 0), col(pred, 0), SENTIMENTS),
            "emotion_f1": macro_f1(col(gold, 1), col(pred, 1), EMOTIONS),
            "objection_f1": macro_f1(col(gold, 2), col(pred, 2), OBJECTIONS),
            "objection_binary_f1": binary_f1(col(gold, 2), col(pred, 2))}


def cohen_kappa(a: list[str], b: list[str]) -> float:
    """Chance-corrected agreement of two labellers on the same items."""
    n = len(a)
    observed = sum(x == y for x, y in zip(a, b)) / n
    ca, cb = Counter(a), Counter(b)
    expected = sum(ca[k] * cb[k] for k in ca) / (n * n)
    return round((observed - expected) / (1 - expected), 4) if expected < 1 else 1.0


def majority(votes: list[tuple[str, str, str]]) -> tuple[str, str, str]:
    """Per head, the most common label; a tie goes to the first annotator's label (alphabetical name order)."""
    out = []
    for i in range(3):
        counts = Counter(v[i] for v in votes)
        top = max(counts.values())
        out.append(next(v[i] for v in votes if counts[v[i]] == top))
    return tuple(out)  # type: ignore[return-value]


def bootstrap(gold: list[tuple[str, str, str]], pred: list[tuple[str, str, str]]) -> dict[str, tuple[float, float]]:
    """95 % intervals of each score over resamples of the lines (`eval_text.bootstrap_interval`)."""
    keys = scores(gold[:1], pred[:1])
    return {k: bootstrap_interval(len(gold), lambda idx, k=k: scores([gold[i] for i in idx], [pred[i] for i in idx])[k])
            for k in keys}


def model_labels(texts: list[str]) -> dict[str, Labels]:
    """The shipped engines' labels: transformer (head only) and the product default (hybrid + tagger)."""
    from salesmind_desktop.emotion.hybrid import HybridTextEngine
    from salesmind_desktop.emotion.objections import ModelObjectionTagger
    from salesmind_desktop.emotion.text import TransformerTextEngine, load_text_model
    from salesmind_desktop.emotion.vader import VaderEngine

    model = load_text_model()
    transformer = TransformerTextEngine(model)
    setups = {"model:transformer": (transformer, HeadOnlyTagger(model)),
              "model:hybrid": (HybridTextEngine(transformer, VaderEngine()), ModelObjectionTagger(model))}
    out: dict[str, Labels] = {}
    for name, (engine, tagger) in setups.items():
        out[name] = {}
        for text in texts:
            r = engine.score(text)
            out[name][text] = (r.sentiment, r.emotion, tagger.tag(text).type)
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--no-model", action="store_true", help="annotators only (no model run)")
    p.add_argument("--json", type=Path)
    args = p.parse_args(argv)

    texts, annotators = read_annotations()
    gold = read_gold()
    for name, labels in gold.items():
        missing = set(labels) - set(texts.values())
        if missing:
            raise SystemExit(f"lines.tsv lacks {len(missing)} {name} lines (e.g. {sorted(missing)[0]!r}); rebuild it")
    names = sorted(annotators)
    labellers: dict[str, Labels] = dict(annotators)
    if len(names) >= 3:
        labellers["majority"] = {t: majority([annotators[a][t] for a in names]) for t in texts.values()}
    if not args.no_model:
        labellers.update(model_labels(list(texts.values())))

    report: dict[str, dict] = {}
    print(f"{'set':4s} {'labeller':18s} {'sent F1':>8s} {'emo F1':>8s} {'obj F1':>8s} {'obj bin':>8s}")
    for set_name, g in gold.items():
        keys = list(g)
        for who, labels in labellers.items():
            s = scores([g[k] for k in keys], [labels[k] for k in keys])
            report.setdefault(set_name, {})[who] = s
            print(f"{set_name:4s} {who:18s} {s['sentiment_f1']:8.3f} {s['emotion_f1']:8.3f} {s['objection_f1']:8.3f} "
                  f"{s['objection_binary_f1']:8.3f}")
    if not args.no_model:
        print("(val: the hybrid's combiner was fitted on this set, so its val row is in-sample)")
    print("\nCohen's kappa between annotators (all lines)")
    all_texts = list(texts.values())
    for a, b in combinations(names, 2):
        kap = {head: cohen_kappa([annotators[a][t][i] for t in all_texts], [annotators[b][t][i] for t in all_texts])
               for i, head in enumerate(HEADS)}
        report.setdefault("kappa", {})[f"{a}-{b}"] = kap
        print(f"  {a}-{b}: " + "  ".join(f"{h} {v:.3f}" for h, v in kap.items()))
    for who in [w for w in labellers if w.startswith("model:")] + names:
        keys = list(gold["dev"])
        ci = bootstrap([gold["dev"][k] for k in keys], [labellers[who][k] for k in keys])
        report.setdefault("dev_bootstrap_95", {})[who] = ci
    print("\ndev 95 % bootstrap intervals (2,000 resamples of the 89 lines)")
    for who, ci in report["dev_bootstrap_95"].items():
        print(f"  {who:18s} " + "  ".join(f"{k.removesuffix('_f1')} {lo:.2f}-{hi:.2f}" for k, (lo, hi) in ci.items()))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
