"""Hybrid text engine: VADER's lexicon and the transformer, combined (the paper's hybrid design).

The two fail differently. The transformer reads context (negation, sarcasm, objections phrased
politely) but was fine-tuned on a limited corpus; VADER knows thousands of scored words and
intensifiers ("absolutely", "!!!") the corpus never showed the transformer, but reads words,
not meaning. The hybrid:

* sentiment: a log-linear pool of the two distributions, `p ∝ p_transformer^(1-w) · p_vader^w`,
  so VADER sways the result when the transformer is unsure and barely moves it when confident;
* emotion: the transformer's emotion distribution, re-weighted by how compatible each emotion is
  with the pooled sentiment (satisfied ~ positive, neutral ~ neutral, stressed/irritated ~
  negative), so the two heads cannot contradict each other;
* valence: pooled P(positive) - P(negative), sharpened toward VADER's compound for intensity;
* confidence: the pooled probability of the chosen sentiment.

`VADER_WEIGHT` and `EMOTION_COUPLING` were chosen on the training data's held-out split
(`training/text/fit_hybrid.py`), never on the dev set: there w = 0 and w = 0.1 tie within 0.0004
(VADER helps on held-out tweets, slightly hurts on the in-domain sales lines), and the larger
weight is kept; coupling 0 (the transformer's emotion head is already consistent with its
sentiment head on that split).
"""

from __future__ import annotations

import math

from salesmind_desktop.emotion.preprocess import clean
from salesmind_desktop.events import EMOTIONS, SENTIMENTS, TextEmotion

VADER_WEIGHT = 0.1
EMOTION_COUPLING = 0.0
VALENCE_VADER_SHARE = 0.2
VADER_SMOOTHING = 0.2

# Which sentiment each emotion goes with (rows sum to 1 over SENTIMENTS order pos/neu/neg).
_COMPAT = {
    "satisfied": {"positive": 1.0, "neutral": 0.0, "negative": 0.0},
    "neutral": {"positive": 0.0, "neutral": 1.0, "negative": 0.0},
    "stressed": {"positive": 0.0, "neutral": 0.15, "negative": 0.85},
    "irritated": {"positive": 0.0, "neutral": 0.0, "negative": 1.0},
}


def pool_sentiment(transformer: dict[str, float], vader: dict[str, float], weight: float = VADER_WEIGHT) -> dict[str, float]:
    """Log-linear pool of two sentiment distributions (weight = VADER's share).

    VADER's distribution is smoothed toward uniform first (it often puts exactly 0 on a class,
    which a log pool would turn into a veto).
    """
    smooth = {k: (1 - VADER_SMOOTHING) * vader[k] + VADER_SMOOTHING / len(SENTIMENTS) for k in SENTIMENTS}
    logs = {k: (1 - weight) * math.log(max(transformer[k], 1e-6)) + weight * math.log(smooth[k])
            for k in SENTIMENTS}
    top = max(logs.values())
    exp = {k: math.exp(v - top) for k, v in logs.items()}
    total = sum(exp.values())
    return {k: v / total for k, v in exp.items()}


def couple_emotion(emotion: dict[str, float], sentiment: dict[str, float], coupling: float = EMOTION_COUPLING) -> dict[str, float]:
    """Re-weight emotion probabilities by their agreement with the sentiment distribution."""
    weighted = {}
    for e in EMOTIONS:
        agreement = sum(_COMPAT[e][s] * sentiment[s] for s in SENTIMENTS)
        weighted[e] = emotion[e] * ((1 - coupling) + coupling * agreement)
    total = sum(weighted.values()) or 1.0
    return {e: v / total for e, v in weighted.items()}


class HybridTextEngine:
    """`TextEmotionEngine` combining `VaderEngine` and `TransformerTextEngine`."""

    source = "hybrid"

    def __init__(self, transformer, vader, *, vader_weight: float = VADER_WEIGHT,
                 coupling: float = EMOTION_COUPLING) -> None:
        self.transformer = transformer
        self.vader = vader
        self.vader_weight = vader_weight
        self.coupling = coupling

    def score(self, text: str) -> TextEmotion:
        cleaned = clean(text)
        t = self.transformer.score(cleaned)
        if not cleaned:
            return TextEmotion(t.sentiment, t.sentiment_scores, t.emotion, t.emotion_scores, 0.0, 0.0, self.source)
        v = self.vader.score(cleaned)
        sentiment_scores = pool_sentiment(t.sentiment_scores, v.sentiment_scores, self.vader_weight)
        emotion_scores = couple_emotion(t.emotion_scores, sentiment_scores, self.coupling)
        sentiment = max(sentiment_scores, key=sentiment_scores.__getitem__)
        emotion = max(emotion_scores, key=emotion_scores.__getitem__)
        pooled = sentiment_scores["positive"] - sentiment_scores["negative"]
        valence = (1 - VALENCE_VADER_SHARE) * pooled + VALENCE_VADER_SHARE * v.valence
        return TextEmotion(sentiment, sentiment_scores, emotion, emotion_scores, round(valence, 4),
                           round(sentiment_scores[sentiment], 4), self.source)
