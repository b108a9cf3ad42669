"""Rolling and call-level Emotional Satisfaction Score (ESS, 0-10, 5 neutral).

Only customer utterances are scored. Each one carries its fused ESS (`FusedEmotion.ess`) and a
confidence. Two aggregates are kept:

* **rolling** (live, drives the badge): a weighted mean of utterance ESS with weight
  ``duration * (0.3 + 0.7 * confidence) * 0.5 ** (age / half_life)``, where age is the audio time
  since the utterance ended, plus a neutral prior (5.0, weight `PRIOR_WEIGHT_S` seconds, decaying
  from t = 0) so the first sentence of a call cannot swing the score to an extreme on its own.
* **overall** (the call's score): a duration- and recency-weighted mean over the whole call,
  weight ``duration * (0.3 + 0.7 * confidence) * (1 + RECENCY_GAIN * position)`` with position
  the utterance's midpoint as a fraction of the call (the last word counts twice the first).

`trend` compares the first and last third of the call's customer speech.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from salesmind_desktop.insight.summary import EssSummary

NEUTRAL = 5.0
PRIOR_WEIGHT_S = 1.5
RECENCY_GAIN = 1.0
TREND_DELTA = 1.0  # ESS points between the first and last third that count as a trend


def clamp_ess(value: float) -> float:
    if not math.isfinite(value):
        return NEUTRAL
    return min(10.0, max(0.0, float(value)))


def _quality(duration: float, confidence: float) -> float:
    conf = min(1.0, max(0.0, confidence if math.isfinite(confidence) else 0.0))
    return max(duration, 0.05) * (0.3 + 0.7 * conf)


@dataclass(frozen=True)
class ScoredSpan:
    """One customer utterance's score as the aggregates see it."""

    start: float
    end: float
    ess: float
    confidence: float

    @property
    def duration(self) -> float:
        return max(0.0, self.end - self.start)


class RollingEss:
    """Live rolling ESS; `add()` returns the new rolling value at the utterance's end."""

    def __init__(self, half_life_s: float = 30.0) -> None:
        self.half_life_s = max(1e-3, half_life_s)
        self.spans: list[ScoredSpan] = []

    def add(self, start: float, end: float, ess: float, confidence: float) -> float:
        self.spans.append(ScoredSpan(start, end, clamp_ess(ess), confidence))
        return self.value(end)

    def value(self, t: float) -> float:
        """Rolling ESS as of audio time `t` (neutral before any customer speech)."""
        decay = math.log(2) / self.half_life_s
        total = PRIOR_WEIGHT_S * math.exp(-decay * max(0.0, t))
        acc = NEUTRAL * total
        for s in self.spans:
            if s.end > t + 1e-9:
                continue
            w = _quality(s.duration, s.confidence) * math.exp(-decay * max(0.0, t - s.end))
            acc += s.ess * w
            total += w
        return acc / total if total > 0 else NEUTRAL


def call_stats(spans: list[ScoredSpan], duration_s: float, final_rolling: float) -> EssSummary:
    """Call-level ESS from all customer utterances (neutral 5.0 and trend "n/a" when none)."""
    if not spans:
        return EssSummary(NEUTRAL, NEUTRAL, NEUTRAL, "n/a", 0.0, None)
    length = max(duration_s, max(s.end for s in spans), 1e-6)
    acc = total = 0.0
    for s in spans:
        position = min(1.0, max(0.0, (s.start + s.end) / 2 / length))
        w = _quality(s.duration, s.confidence) * (1.0 + RECENCY_GAIN * position)
        acc += s.ess * w
        total += w
    lowest = min(spans, key=lambda s: s.ess)
    trend, delta = _trend(spans)
    return EssSummary(round(acc / total, 2), round(lowest.ess, 2), round(final_rolling, 2),
                    trend, round(delta, 2), round(lowest.start, 2))


def _trend(spans: list[ScoredSpan]) -> tuple[str, float]:
    if len(spans) < 3:
        return "n/a", 0.0
    third = max(1, len(spans) // 3)
    first, last = spans[:third], spans[-third:]

    def mean(group: list[ScoredSpan]) -> float:
        w = sum(_quality(s.duration, s.confidence) for s in group)
        return sum(s.ess * _quality(s.duration, s.confidence) for s in group) / w

    delta = mean(last) - mean(first)
    if delta >= TREND_DELTA:
        return "improving", delta
    if delta <= -TREND_DELTA:
        return "declining", delta
    return "steady", delta
