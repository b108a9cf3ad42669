"""Hybrid text engine: VADER's lexicon and the transformer, combined by a stacked classifier.

The two fail differently. The transformer reads context (negation, sarcasm, objections phrased
politely) but was fine-tuned on a limited corpus; VADER knows thousands of human-rated words and
its rules for intensifiers, "but" and "!!!" cover phrasings the corpus never showed the
transformer, but it reads words, not meaning. Instead of a fixed blend, a small **stacked
combiner** learns when to trust which:

* features (`FEATURES`): the transformer's calibrated log-probabilities for sentiment (3) and
  emotion (4); VADER's pos/neu/neg proportions and compound score; surface cues VADER's rules use
  but the transformer may under-weight (exclamation marks, a question mark, intensifiers,
  negations, length). (Interaction terms "VADER x transformer entropy" were tried and did not
  help in cross-validation on the held-out split, so the simpler set stayed);
* two multinomial logistic regressions (sentiment, emotion) in *residual* form: each head's
  logits are the transformer's own log-probabilities plus a learned linear correction from the
  standardised features. With no correction the hybrid *is* the transformer, so the L2 penalty
  pulls toward the transformer and VADER only moves a decision where it helped. Fitted by
  `training/text/fit_hybrid.py --val` on **natural text the transformer never trained on** (the
  hand-written validation set, the corpus's held-out hand-written groups and held-out tweets;
  never the dev set; no templated lines, whose style it would learn), L2 strength chosen by
  grouped cross-validation there; weights in `models/text_emotion/hybrid.json` (sha256 in the
  model manifest);
* valence: P(positive) - P(negative) of the combined sentiment, sharpened toward VADER's compound
  (`VALENCE_VADER_SHARE`) for intensity; confidence: the combined probability of the chosen sentiment.

Plain numpy at run time (a 16-wide dot product per head): well under a millisecond.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from salesmind_desktop.emotion.preprocess import clean
from salesmind_desktop.errors import ModelError
from salesmind_desktop.events import EMOTIONS, SENTIMENTS, TextEmotion

COMBINER_FILE = "hybrid.json"
VALENCE_VADER_SHARE = 0.2
FEATURES: tuple[str, ...] = (
    "t_logp_positive", "t_logp_neutral", "t_logp_negative",
    "t_logp_satisfied", "t_logp_neutral_emotion", "t_logp_stressed", "t_logp_irritated",
    "v_pos", "v_neu", "v_neg", "v_compound",
    "cue_exclamation", "cue_question", "cue_intensifier", "cue_negation", "cue_log_words",
)
# Each head starts from the transformer's log-probabilities for it (feature slices of `FEATURES`).
OFFSETS = {"sentiment": slice(0, 3), "emotion": slice(3, 7)}
_WORD = re.compile(r"[a-z']+")
_REBUILD = "rebuild it with `python training/text/fit_hybrid.py` (see training/text/README.md)"


@lru_cache(maxsize=1)
def _vader_word_sets() -> tuple[frozenset[str], frozenset[str]]:
    from vaderSentiment import vaderSentiment as vs

    boosters = frozenset(w for w in vs.BOOSTER_DICT if " " not in w)
    negations = frozenset(w.replace("'", "") for w in vs.NEGATE)
    return boosters, negations


def features(transformer: TextEmotion, vader: dict[str, float], text: str) -> np.ndarray:
    """The combiner's input vector (order = `FEATURES`) for one cleaned utterance."""
    boosters, negations = _vader_word_sets()
    raw = _WORD.findall(text.lower())
    words = [w.replace("'", "") for w in raw]
    negated = sum(w.replace("'", "") in negations or w.endswith("n't") for w in raw)
    logp = lambda p: math.log(max(p, 1e-6))  # noqa: E731
    return np.array([
        *(logp(transformer.sentiment_scores[s]) for s in SENTIMENTS),
        *(logp(transformer.emotion_scores[e]) for e in EMOTIONS),
        vader["pos"], vader["neu"], vader["neg"], vader["compound"],
        min(text.count("!"), 3) / 3.0,
        1.0 if "?" in text else 0.0,
        min(sum(w in boosters for w in words), 2) / 2.0,
        min(negated, 2) / 2.0,
        math.log1p(len(words)) / 3.0,
    ], dtype=np.float64)


@dataclass(frozen=True)
class Combiner:
    """Standardisation + one softmax layer per head (weights from `hybrid.json`)."""

    mean: np.ndarray
    scale: np.ndarray
    weights: dict[str, np.ndarray]  # head -> (classes, features)
    bias: dict[str, np.ndarray]  # head -> (classes,)

    def predict(self, x: np.ndarray) -> dict[str, dict[str, float]]:
        z = (x - self.mean) / self.scale
        out = {}
        for head, labels in (("sentiment", SENTIMENTS), ("emotion", EMOTIONS)):
            # Residual form: the transformer's own log-probabilities plus a learned correction.
            logits = x[OFFSETS[head]] + self.weights[head] @ z + self.bias[head]
            e = np.exp(logits - logits.max())
            p = e / e.sum()
            out[head] = {label: float(v) for label, v in zip(labels, p)}
        return out

    def to_dict(self) -> dict:
        return {"features": list(FEATURES), "form": "residual", "mean": self.mean.tolist(), "scale": self.scale.tolist(),
                "heads": {h: {"labels": list(SENTIMENTS if h == "sentiment" else EMOTIONS),
                              "weights": self.weights[h].tolist(), "bias": self.bias[h].tolist()}
                          for h in ("sentiment", "emotion")}}

    @classmethod
    def from_dict(cls, data: dict) -> Combiner:
        if list(data["features"]) != list(FEATURES) or data.get("form") != "residual":
            raise ValueError("its feature list does not match this version of SalesMind")
        heads = data["heads"]
        if list(heads["sentiment"]["labels"]) != list(SENTIMENTS) or list(heads["emotion"]["labels"]) != list(EMOTIONS):
            raise ValueError("its label lists do not match this version of SalesMind")
        weights = {h: np.asarray(heads[h]["weights"], dtype=np.float64) for h in ("sentiment", "emotion")}
        bias = {h: np.asarray(heads[h]["bias"], dtype=np.float64) for h in ("sentiment", "emotion")}
        mean, scale = np.asarray(data["mean"], dtype=np.float64), np.asarray(data["scale"], dtype=np.float64)
        n = len(FEATURES)
        if mean.shape != (n,) or scale.shape != (n,) or not (scale > 0).all() or \
                weights["sentiment"].shape != (3, n) or weights["emotion"].shape != (4, n) or \
                bias["sentiment"].shape != (3,) or bias["emotion"].shape != (4,):
            raise ValueError("its arrays have the wrong shapes")
        return cls(mean, scale, weights, bias)


def load_combiner(folder: Path) -> Combiner:
    """The combiner stored beside the text model (its sha256 was checked with the model's manifest)."""
    path = Path(folder) / COMBINER_FILE
    if not path.is_file():
        raise ModelError(f"the hybrid text engine's combiner {path} is missing (model built before 1.3.0?)", _REBUILD)
    try:
        return Combiner.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"the hybrid text engine's combiner {path} is unreadable ({exc})", _REBUILD) from None


class HybridTextEngine:
    """`TextEmotionEngine` combining `VaderEngine` and `TransformerTextEngine` (stacked)."""

    source = "hybrid"

    def __init__(self, transformer, vader, combiner: Combiner | None = None) -> None:
        self.transformer = transformer
        self.vader = vader
        self.combiner = combiner if combiner is not None else load_combiner(transformer.model.folder)

    def score(self, text: str) -> TextEmotion:
        cleaned = clean(text)
        t = self.transformer.score(cleaned)
        if not cleaned:
            return TextEmotion(t.sentiment, t.sentiment_scores, t.emotion, t.emotion_scores, 0.0, 0.0, self.source)
        v = self.vader.polarity(cleaned)
        probs = self.combiner.predict(features(t, v, cleaned))
        sentiment_scores, emotion_scores = probs["sentiment"], probs["emotion"]
        sentiment = max(sentiment_scores, key=sentiment_scores.__getitem__)
        emotion = max(emotion_scores, key=emotion_scores.__getitem__)
        pooled = sentiment_scores["positive"] - sentiment_scores["negative"]
        valence = (1 - VALENCE_VADER_SHARE) * pooled + VALENCE_VADER_SHARE * v["compound"]
        return TextEmotion(sentiment, sentiment_scores, emotion, emotion_scores, round(valence, 4),
                           round(sentiment_scores[sentiment], 4), self.source)
