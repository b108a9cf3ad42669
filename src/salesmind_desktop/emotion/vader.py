"""VADER lexicon sentiment as a TextEmotionEngine (fast, no model file, weak on emotion).

VADER scores polarity from a human-rated word lexicon with rules for negation, intensifiers,
"but" and punctuation. It knows polarity, not arousal or its cause, so the emotion is a coarse
guess: positive -> satisfied, neutral -> neutral, negative -> stressed or irritated, split by a
small cue lexicon (worry/pressure words vs. blame/impatience words) and by intensity.
"""

from __future__ import annotations

import math
import re
from functools import cached_property

from salesmind_desktop.events import TextEmotion

# VADER's documented thresholds on the compound score.
POSITIVE_AT = 0.05
NEGATIVE_AT = -0.05

_STRESS = re.compile(r"\b(?:worr(?:y|ied|ying)|nervous|anxious|stress(?:ed|ful)?|pressure|deadline|scared|afraid|"
                     r"panick?(?:ing)?|overwhelm(?:ed|ing)?|confus(?:ed|ing)|lost|trouble|can'?t afford|"
                     r"don'?t know (?:how|what|if)|what if|blamed?|drowning|swamped)\b", re.IGNORECASE)
_IRRITATION = re.compile(r"\b(?:ridiculous|unacceptable|annoy(?:ed|ing)|fed up|sick of|again|seriously|"
                         r"useless|joke|waste|nobody|never|rip[- ]?off|outrageous|stop|come on|"
                         r"(?:third|fourth|fifth|umpteenth) time|how hard)\b", re.IGNORECASE)


class VaderEngine:
    """Maps VADER's compound score to the sentiment/emotion taxonomy.

    The sentiment distribution is a softmax over the compound score (so it is never exactly 0
    or 1); the confidence grows with the magnitude of the compound score.
    """

    source = "vader"

    @cached_property
    def _analyzer(self):
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        return SentimentIntensityAnalyzer()

    def polarity(self, text: str) -> dict[str, float]:
        """VADER's raw scores: pos/neu/neg proportions and the compound score in [-1, 1]."""
        raw = self._analyzer.polarity_scores(text or "")
        return {k: float(raw[k]) for k in ("pos", "neu", "neg", "compound")}

    def score(self, text: str) -> TextEmotion:
        text = text or ""
        compound = self.polarity(text)["compound"]
        if compound >= POSITIVE_AT:
            sentiment = "positive"
        elif compound <= NEGATIVE_AT:
            sentiment = "negative"
        else:
            sentiment = "neutral"
        sentiment_scores = sentiment_distribution(compound)
        emotion_scores = _emotion(sentiment_scores, compound, text)
        emotion = max(emotion_scores, key=emotion_scores.__getitem__)
        confidence = 0.3 + 0.5 * abs(compound) if text.strip() else 0.0
        return TextEmotion(
            sentiment=sentiment,
            sentiment_scores=sentiment_scores,
            emotion=emotion,
            emotion_scores=emotion_scores,
            valence=compound,
            confidence=confidence,
            source=self.source,
        )


def sentiment_distribution(compound: float, sharpness: float = 6.0) -> dict[str, float]:
    """A softmax over the compound score whose argmax always agrees with VADER's thresholds."""
    logits = {
        "positive": sharpness * (compound - POSITIVE_AT),
        "neutral": 0.5 * sharpness * (0.3 - abs(compound)),
        "negative": sharpness * (NEGATIVE_AT - compound),
    }
    # Make the argmax match the documented thresholds exactly.
    label = "positive" if compound >= POSITIVE_AT else "negative" if compound <= NEGATIVE_AT else "neutral"
    top = max(logits.values())
    if logits[label] < top:
        logits[label] = top + 0.1
    exp = {k: math.exp(v - max(logits.values())) for k, v in logits.items()}
    total = sum(exp.values())
    return {k: v / total for k, v in exp.items()}


def _emotion(sentiment: dict[str, float], compound: float, text: str) -> dict[str, float]:
    stress = len(_STRESS.findall(text))
    irritation = len(_IRRITATION.findall(text))
    negative = sentiment["negative"]
    # Split the negative mass: cue words first, then intensity (strong negativity reads as irritation).
    share_irritated = 0.3 + 0.4 * min(1.0, abs(min(compound, 0.0)))
    if stress or irritation:
        share_irritated = (irritation + 0.3) / (stress + irritation + 0.6)
    scores = {
        "satisfied": sentiment["positive"],
        "neutral": sentiment["neutral"],
        "stressed": negative * (1 - share_irritated),
        "irritated": negative * share_irritated,
    }
    if stress and sentiment["neutral"] > 0.5:  # calm wording about a worry still reads as stress
        scores["stressed"] += 0.3
    total = sum(scores.values())
    return {k: v / total for k, v in scores.items()}
