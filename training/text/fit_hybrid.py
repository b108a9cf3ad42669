"""Choose the hybrid's VADER weight and emotion coupling on the training data's held-out split.

    .venv/bin/python training/text/fit_hybrid.py

Scores the held-out corpus groups and held-out tweets (the same split the temperatures were
fitted on; never the dev set) with the committed ONNX model and VADER, then grid-searches
`VADER_WEIGHT` and `EMOTION_COUPLING` for the best score = mean(sentiment macro-F1 on held-out sales lines and on held-out tweets) / 2
+ emotion macro-F1 / 2.
Prints the table; copy the winner into `src/salesmind_desktop/emotion/hybrid.py`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "src"))

from calibration import macro_f1  # noqa: E402
from data_sources import EMOTIONS, IGNORE, SENTIMENTS, load_corpus, load_tweets  # noqa: E402


def main() -> int:
    from salesmind_desktop.emotion.hybrid import couple_emotion, pool_sentiment
    from salesmind_desktop.emotion.preprocess import clean
    from salesmind_desktop.emotion.text import load_text_model
    from salesmind_desktop.emotion.vader import VaderEngine

    _, held = load_corpus(HERE / "data" / "sales_utterances.tsv")
    _, tweets = load_tweets(1000, 200)
    examples = held + tweets
    model, vader = load_text_model(), VaderEngine()
    preds = [(model.predict(e.text), vader.score(clean(e.text))) for e in examples]
    ys = np.array([e.sentiment for e in examples])
    ye = np.array([e.emotion for e in examples])
    has_emotion = ye != IGNORE
    rows = []
    for w in (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.7, 1.0):
        for c in (0.0, 0.25, 0.5, 0.75, 1.0):
            sp, ep = [], []
            for probs, v in preds:
                s = pool_sentiment(probs["sentiment"], v.sentiment_scores, w)
                e = couple_emotion(probs["emotion"], s, c)
                sp.append(SENTIMENTS.index(max(s, key=s.__getitem__)))
                ep.append(EMOTIONS.index(max(e, key=e.__getitem__)))
            sp_arr = np.array(sp)
            sf1_sales = macro_f1(sp_arr[has_emotion], ys[has_emotion], 3)
            sf1_tweets = macro_f1(sp_arr[~has_emotion], ys[~has_emotion], 3)
            ef1 = macro_f1(np.array(ep)[has_emotion], ye[has_emotion], 4)
            # Each source counts equally: the sales split is in the transformer's own domain, the
            # tweets are text it saw little of (where a lexicon is expected to help).
            score = (sf1_sales + sf1_tweets) / 2 * 0.5 + ef1 * 0.5
            rows.append((score, w, c, sf1_sales, sf1_tweets, ef1))
    rows.sort(reverse=True)
    print("score  vader_w coupling  sent_F1_sales sent_F1_tweets emo_F1")
    for score, w, c, s1, s2, ef1 in rows[:15]:
        print(f"{score:.4f}  {w:5.2f}   {c:5.2f}    {s1:.4f}        {s2:.4f}         {ef1:.4f}")
    vader_only = [SENTIMENTS.index(v.sentiment) for _, v in preds]
    print(f"VADER alone sentiment F1 on this split: {macro_f1(np.array(vader_only), ys, 3):.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
