"""VADER lexicon sentiment as a TextEmotionEngine (fast, no model file, weak on emotion)."""

from __future__ import annotations

from functools import cached_property

from salesmind_desktop.events import TextEmotion

# VADER's documented thresholds on the compound score.
POSITIVE_AT = 0.05
NEGATIVE_AT = -0.05


class VaderEngine:
    """Maps VADER's compound score to the sentiment/emotion taxonomy.

    VADER knows polarity, not arousal, so the emotion guess is coarse: positive -> satisfied,
    neutral -> neutral, negative -> irritated or stressed by intensity. Its confidence grows with
    the magnitude of the compound score.
    """

    source = "vader"

    @cached_property
    def _analyzer(self):
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        return SentimentIntensityAnalyzer()

    def score(self, text: str) -> TextEmotion:
        raw = self._analyzer.polarity_scores(text or "")
        compound = float(raw["compound"])
        pos, neu, neg = float(raw["pos"]), float(raw["neu"]), float(raw["neg"])
        if compound >= POSITIVE_AT:
            sentiment = "positive"
        elif compound <= NEGATIVE_AT:
            sentiment = "negative"
        else:
            sentiment = "neutral"
        # Turn VADER's proportions into a distribution that agrees with its compound-based label.
        strength = abs(compound)
        scores = {"positive": pos, "neutral": neu, "negative": neg}
        scores[sentiment] += 1.0 + strength
        total = sum(scores.values())
        sentiment_scores = {k: v / total for k, v in scores.items()}

        if sentiment == "positive":
            emotion_scores = {"satisfied": 0.5 + 0.4 * strength, "neutral": 0.5 - 0.4 * strength, "stressed": 0.0, "irritated": 0.0}
        elif sentiment == "negative":
            hot = 0.3 + 0.5 * strength  # strong negativity reads as irritation, mild as stress
            emotion_scores = {"satisfied": 0.0, "neutral": 0.2, "stressed": 0.8 - hot * 0.8, "irritated": hot * 0.8}
        else:
            emotion_scores = {"satisfied": 0.1, "neutral": 0.8, "stressed": 0.05, "irritated": 0.05}
        total = sum(emotion_scores.values())
        emotion_scores = {k: v / total for k, v in emotion_scores.items()}
        emotion = max(emotion_scores, key=emotion_scores.__getitem__)
        confidence = 0.3 + 0.5 * strength if text.strip() else 0.0
        return TextEmotion(
            sentiment=sentiment,
            sentiment_scores=sentiment_scores,
            emotion=emotion,
            emotion_scores=emotion_scores,
            valence=compound,
            confidence=confidence,
            source=self.source,
        )
