"""Compare model folders on the corpus's held-out split (+ held-out tweets) before adopting one.

    .venv/bin/python training/text/compare_heldout.py models/text_emotion build/text_emotion/stage4_out \
        [--corpus data/sales_utterances_v4.tsv] [--val data/sales_val_natural.tsv]

Scores each folder's int8 ONNX graph (through the runtime `TextModel`, calibrated) on the same
held-out examples: whole template groups of the current corpus and the fixed held-out tweets,
and with `--val` the hand-written natural validation set (`val_*` rows; its lines go through the
runtime's ASR clean-up, as in the product). A later stage is adopted only when it is no worse
here. Never reads eval/text_dev.tsv.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "src"))

from calibration import macro_f1  # noqa: E402
from data_sources import EMOTIONS, OBJECTIONS, SENTIMENTS, Example, labelled, load_corpus, load_tweets  # noqa: E402


def load_val(path: Path) -> list[Example]:
    """The natural validation set (`sentiment, emotion, objection, scene, text`), through the ASR clean-up."""
    import csv

    from salesmind_desktop.emotion.preprocess import clean

    with open(path, encoding="utf-8") as fh:
        return [labelled(r, "val", clean(r["text"]) or r["text"]) for r in csv.DictReader(fh, delimiter="\t")]


def _argmax(probs: dict[str, float], labels: list[str]) -> int:
    return labels.index(max(probs, key=probs.__getitem__))


def heldout_metrics(folder: Path, corpus: Path, val: Path | None = None) -> dict[str, float]:
    from salesmind_desktop.emotion.text import TextModel

    _, held = load_corpus(corpus)
    _, tweets = load_tweets(1000, 200)
    sets = [("sales", held), ("tweets", tweets)] + ([("val", load_val(val))] if val else [])
    model = TextModel(folder, cache_size=0)
    out: dict[str, float] = {}
    for name, examples in sets:
        preds = [model.predict(e.text) for e in examples]
        ys = np.array([e.sentiment for e in examples])
        sp = np.array([_argmax(p["sentiment"], SENTIMENTS) for p in preds])
        out[f"{name}_sentiment_f1"] = round(macro_f1(sp, ys, 3), 4)
        if name != "tweets":
            ye = np.array([e.emotion for e in examples])
            yo = np.array([e.objection for e in examples])
            ep = np.array([_argmax(p["emotion"], EMOTIONS) for p in preds])
            op = np.array([_argmax(p["objection"], OBJECTIONS) for p in preds])
            out[f"{name}_emotion_f1"] = round(macro_f1(ep, ye, 4), 4)
            out[f"{name}_objection_f1"] = round(macro_f1(op, yo, 8), 4)
            none = OBJECTIONS.index("none")
            tp = int(((yo != none) & (op != none)).sum())
            fp = int(((yo == none) & (op != none)).sum())
            fn = int(((yo != none) & (op == none)).sum())
            out[f"{name}_objection_binary_f1"] = round(2 * tp / max(1, 2 * tp + fp + fn), 4)
    out["sentiment_f1_mean_of_sources"] = round((out["sales_sentiment_f1"] + out["tweets_sentiment_f1"]) / 2, 4)
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("folders", nargs="+", type=Path)
    p.add_argument("--corpus", type=Path, default=HERE / "data" / "sales_utterances.tsv")
    p.add_argument("--val", type=Path, help="also score this natural validation set (data/sales_val_natural.tsv)")
    args = p.parse_args(argv)
    rows = {str(f): heldout_metrics(f, args.corpus, args.val) for f in args.folders}
    keys = list(next(iter(rows.values())))
    print(f"{'metric':32s} " + " ".join(f"{Path(f).name:>16s}" for f in rows))
    for k in keys:
        print(f"{k:32s} " + " ".join(f"{rows[f][k]:16.4f}" for f in rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
