"""Fit the hybrid's stacked combiner on text the transformer never trained on; write hybrid.json.

    .venv/bin/python training/text/fit_hybrid.py --val training/text/data/sales_val_natural.tsv \
        --corpus training/text/data/sales_utterances_v4.tsv [--model models/text_emotion]   # 1.4.0
    .venv/bin/python training/text/fit_hybrid.py [--model ...]   # 1.3.0: the corpus's whole held-out split

With `--val` the fitting set is natural text only: the hand-written validation set (folds by call
scene), the corpus's held-out *hand-written* groups and the held-out tweets. Without it, the
corpus's whole held-out split (template groups included; their style leaked into 1.3.0's
combiner, e.g. "a question mark means neutral"). Never the dev set.
Scores the set with the model's int8 ONNX graph and VADER, builds the combiner's features
(`emotion.hybrid.features`), and fits two L2-regularised multinomial logistic regressions in
numpy: sentiment on sales lines + tweets (each source weighted equally), emotion on sales lines
(tweets carry no emotion label), each in residual form (logits = the transformer's log-probabilities
+ a linear correction; a strong penalty leaves the transformer as it is). The L2 strength of each
head is chosen by 5-fold cross-validation *within* that set, folds by scene/group (tweets by
index), so a group never sits in both the fitting and the scoring folds; the same cross-validation chooses
the feature subset (`FEATURE_SETS`: VADER's compound only ... all features; a tie goes to the
smaller set). The out-of-fold macro-F1
of the combiner, the transformer alone and VADER alone are written to the manifest
(`metrics.hybrid_cv`) — the evidence that the combination helps was gathered without the dev set.
Then `hybrid.json` is written beside the model and added to the manifest's sha256 list.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "src"))

from calibration import macro_f1  # noqa: E402
from data_sources import IGNORE, load_tweets  # noqa: E402

LAMBDAS = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 10.0, 100.0)
FOLDS = 5
# Feature subsets the cross-validation chooses between (per head, with the L2 strength): a feature
# left out gets a zero column, so its weight stays 0 (to ~1e-9) and hybrid.json keeps one format.
# On a tie the smaller subset wins.
FEATURE_SETS = {
    "vader_compound": ("v_compound",),
    "vader": ("v_pos", "v_neu", "v_neg", "v_compound"),
    "vader_and_transformer": ("v_pos", "v_neu", "v_neg", "v_compound", "t_logp_positive", "t_logp_neutral",
                              "t_logp_negative", "t_logp_satisfied", "t_logp_neutral_emotion", "t_logp_stressed",
                              "t_logp_irritated"),
    "all": None,
}


Arrays = tuple[list[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _fitting_set(sources: list[tuple[Path, str, object]]) -> Arrays:
    """texts, sentiment, emotion, fold id, is_tweet: rows of each (tsv, fold key column, row filter)
    source, folds by a hash of the key (a group or scene never straddles folds), + held-out tweets."""
    import csv

    from data_sources import EMOTIONS, SENTIMENTS

    texts, ys, ye, fold, tweet = [], [], [], [], []
    for path, key, keep in sources:
        with open(path, encoding="utf-8") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                if not keep(row):
                    continue
                texts.append(row["text"])
                ys.append(SENTIMENTS.index(row["sentiment"]))
                ye.append(EMOTIONS.index(row["emotion"]))
                fold.append(hashlib.sha256(row[key].encode()).digest()[0] % FOLDS)
                tweet.append(False)
    _, tweets = load_tweets(1000, 200)
    for i, e in enumerate(tweets):
        texts.append(e.text)
        ys.append(e.sentiment)
        ye.append(IGNORE)
        fold.append(i % FOLDS)
        tweet.append(True)
    return texts, np.array(ys), np.array(ye), np.array(fold), np.array(tweet)


def heldout_with_groups(corpus: Path) -> Arrays:
    """The corpus's whole held-out split (template and hand-written groups) + held-out tweets (1.3.0)."""
    return _fitting_set([(corpus, "group", lambda r: r["split"] == "heldout")])


def natural_with_scenes(val: Path, corpus: Path) -> Arrays:
    """Natural text only: the hand-written validation set (folds by call scene), the corpus's held-out
    *hand-written* groups (`a4:`, `a5a:` ...; folds by group; no templated lines) + held-out tweets."""
    return _fitting_set([(val, "scene", lambda r: True),
                         (corpus, "group", lambda r: r["split"] == "heldout" and r["group"].startswith("a"))])


def fit_softmax(x: np.ndarray, y: np.ndarray, w: np.ndarray, classes: int, lam: float, offset: np.ndarray,
                iters: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """Weighted multinomial logistic regression, logits = offset + x W^T + b, L2 on W and b, by Newton steps.

    `offset` is the transformer's log-probabilities for the head (the residual form): with W = 0,
    b = 0 the model is the transformer itself.
    """
    n, d = x.shape
    xb = np.hstack([x, np.ones((n, 1))])
    theta = np.zeros((classes, d + 1))
    w = w / w.sum()
    reg = np.full(d + 1, lam)  # the bias too: a large penalty leaves exactly the transformer
    for _ in range(iters):
        logits = offset + xb @ theta.T
        p = np.exp(logits - logits.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        onehot = np.eye(classes)[y]
        grad = ((p - onehot) * w[:, None]).T @ xb + reg * theta  # (classes, d+1)
        # Full Hessian of the softmax loss (classes*(d+1))^2: small here (4*17 = 68).
        k = classes * (d + 1)
        hess = np.zeros((k, k))
        for a in range(classes):
            for b in range(classes):
                coef = w * p[:, a] * ((a == b) - p[:, b])
                hess[a * (d + 1):(a + 1) * (d + 1), b * (d + 1):(b + 1) * (d + 1)] = (xb * coef[:, None]).T @ xb
        hess += np.diag(np.tile(reg, classes)) + 1e-8 * np.eye(k)
        step = np.linalg.lstsq(hess, grad.reshape(-1), rcond=None)[0].reshape(classes, d + 1)
        theta -= step
        if np.abs(step).max() < 1e-7:
            break
    return theta[:, :-1], theta[:, -1]


def predict(x: np.ndarray, weights: np.ndarray, bias: np.ndarray, offset: np.ndarray) -> np.ndarray:
    logits = offset + x @ weights.T + bias
    return logits.argmax(1)


def sample_weights(tweet: np.ndarray) -> np.ndarray:
    """Sales lines and tweets count equally in the sentiment fit."""
    w = np.where(tweet, 0.5 / max(1, tweet.sum()), 0.5 / max(1, (~tweet).sum()))
    return w


def main(argv: list[str] | None = None) -> int:
    from salesmind_desktop.emotion.hybrid import COMBINER_FILE, FEATURES, OFFSETS, Combiner, features
    from salesmind_desktop.emotion.preprocess import clean
    from salesmind_desktop.emotion.text import TextModel, TransformerTextEngine, sha256_file
    from salesmind_desktop.emotion.vader import VaderEngine

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", type=Path, default=ROOT / "models" / "text_emotion")
    p.add_argument("--corpus", type=Path, default=HERE / "data" / "sales_utterances.tsv")
    p.add_argument("--val", type=Path, help="fit on natural text: this hand-written set (folds by scene) + the corpus's "
                                            "held-out hand-written groups, instead of its whole held-out split")
    args = p.parse_args(argv)

    texts, ys, ye, fold, tweet = natural_with_scenes(args.val, args.corpus) if args.val else heldout_with_groups(args.corpus)
    model = TextModel(args.model, cache_size=0)
    transformer, vader = TransformerTextEngine(model), VaderEngine()
    rows, t_sent, t_emo, v_sent = [], [], [], []
    for text in texts:
        cleaned = clean(text)
        t = transformer.score(cleaned)
        rows.append(features(t, vader.polarity(cleaned), cleaned))
        t_sent.append(["positive", "neutral", "negative"].index(t.sentiment))
        t_emo.append(["satisfied", "neutral", "stressed", "irritated"].index(t.emotion))
        v_sent.append(["positive", "neutral", "negative"].index(vader.score(cleaned).sentiment))
    x = np.vstack(rows)
    mean, scale = x.mean(0), x.std(0)
    scale[scale < 1e-6] = 1.0
    z = (x - mean) / scale
    t_sent, t_emo, v_sent = np.array(t_sent), np.array(t_emo), np.array(v_sent)
    sales = ~tweet

    def sentiment_score(pred: np.ndarray) -> tuple[float, float, float]:
        s1, s2 = macro_f1(pred[sales], ys[sales], 3), macro_f1(pred[tweet], ys[tweet], 3)
        return (s1 + s2) / 2, s1, s2

    def masked(subset: str) -> np.ndarray:
        names = FEATURE_SETS[subset]
        assert names is None or set(names) <= set(FEATURES), names
        return z if names is None else z * np.array([f in names for f in FEATURES], dtype=float)

    def cross_val(head: str, lam: float, subset: str = "all") -> np.ndarray:
        keep = np.ones(len(texts), bool) if head == "sentiment" else sales
        y = ys if head == "sentiment" else ye
        classes = 3 if head == "sentiment" else 4
        off = x[:, OFFSETS[head]]
        zs = masked(subset)
        out = np.full(len(texts), -1)
        for f in range(FOLDS):
            fit, score = keep & (fold != f), keep & (fold == f)
            wts = sample_weights(tweet[fit]) if head == "sentiment" else np.ones(fit.sum())
            weights, bias = fit_softmax(zs[fit], y[fit], wts, classes, lam, off[fit])
            out[score] = predict(zs[score], weights, bias, off[score])
        return out

    report: dict[str, dict] = {"fit_set": "natural" if args.val else "heldout",
                               "n_sales": int(sales.sum()), "n_tweets": int(tweet.sum()), "folds": FOLDS,
                               "transformer": {}, "vader": {}, "combiner": {}}
    mean_t, s1, s2 = sentiment_score(t_sent)
    report["transformer"] = {"sentiment_f1_mean": round(mean_t, 4), "sentiment_f1_sales": round(s1, 4),
                             "sentiment_f1_tweets": round(s2, 4),
                             "emotion_f1": round(macro_f1(t_emo[sales], ye[sales], 4), 4)}
    mean_v, s1, s2 = sentiment_score(v_sent)
    report["vader"] = {"sentiment_f1_mean": round(mean_v, 4), "sentiment_f1_sales": round(s1, 4),
                       "sentiment_f1_tweets": round(s2, 4)}
    best: dict[str, tuple[float, float, str]] = {}
    print("head       features               lambda   out-of-fold macro-F1")
    for head in ("sentiment", "emotion"):
        for subset in FEATURE_SETS:
            subset_best = 0.0
            for lam in LAMBDAS:
                pred = cross_val(head, lam, subset)
                score = sentiment_score(pred)[0] if head == "sentiment" else macro_f1(pred[sales], ye[sales], 4)
                print(f"{head:10s} {subset:22s} {lam:7.3f}  {score:.4f}")
                subset_best = max(subset_best, score)
                if head not in best or score > best[head][0] + 1e-4:
                    best[head] = (score, lam, subset)
            report.setdefault("by_feature_set", {}).setdefault(head, {})[subset] = round(subset_best, 4)
    pred_s = cross_val("sentiment", best["sentiment"][1], best["sentiment"][2])
    mean_c, s1, s2 = sentiment_score(pred_s)
    report["combiner"] = {"sentiment_f1_mean": round(mean_c, 4), "sentiment_f1_sales": round(s1, 4),
                          "sentiment_f1_tweets": round(s2, 4), "emotion_f1": round(best["emotion"][0], 4),
                          "lambda_sentiment": best["sentiment"][1], "lambda_emotion": best["emotion"][1],
                          "features_sentiment": best["sentiment"][2], "features_emotion": best["emotion"][2]}

    zs, ze = masked(best["sentiment"][2]), masked(best["emotion"][2])
    ws, bs = fit_softmax(zs, ys, sample_weights(tweet), 3, best["sentiment"][1], x[:, OFFSETS["sentiment"]])
    we, be = fit_softmax(ze[sales], ye[sales], np.ones(sales.sum()), 4, best["emotion"][1], x[sales][:, OFFSETS["emotion"]])
    combiner = Combiner(mean, scale, {"sentiment": ws, "emotion": we}, {"sentiment": bs, "emotion": be})
    data = combiner.to_dict()
    fitted = (f"the hand-written natural set training/text/data/{args.val.name} + the held-out hand-written "
              f"groups of training/text/data/{args.corpus.name}" if args.val else
              f"held-out template groups of training/text/data/{args.corpus.name}")
    data["fitted_on"] = fitted + " + 600 held-out tweets; never eval/text_dev.tsv"
    data["cross_validation"] = report
    out = args.model / COMBINER_FILE
    out.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    assert list(data["features"]) == list(FEATURES)

    manifest_path = args.model / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["files"][COMBINER_FILE] = sha256_file(out)
    manifest.setdefault("metrics", {})["hybrid_cv"] = report
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2))
    print(f"wrote {out} and its sha256 into {manifest_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
