"""Build scored utterances by hand and replay them through `CallInsight`.

For unit tests, demos and what-if checks of the cue policy: a call written as a list of turns
becomes the same event stream the pipeline would produce (speech regions, utterances, time).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from salesmind_desktop.events import FusedEmotion, ObjectionResult, ScoredUtterance, SpeechActivity, Word


def fused(ess: float, *, mixed: bool = False, confidence: float = 0.8, why: str = "") -> FusedEmotion:
    """A fused reading with a consistent sentiment/emotion for an ESS value."""
    if ess >= 6.0:
        sentiment, emotion = "positive", "satisfied"
    elif ess <= 2.5:
        sentiment, emotion = "negative", "irritated"
    elif ess <= 4.0:
        sentiment, emotion = "negative", "stressed"
    else:
        sentiment, emotion = "neutral", "neutral"
    return FusedEmotion(emotion, {emotion: 1.0}, sentiment, max(-1.0, min(1.0, (ess - 5) / 5)), ess,
                        confidence, mixed, why)


def utterance(uid: int, channel: str, start: float, end: float, text: str, ess: float | None = None, *,
              objection: str = "none", objection_confidence: float = 0.9, mixed: bool = False,
              confidence: float = 0.8, words: bool = True) -> ScoredUtterance:
    """One utterance; customer lines need `ess`. Words are spread evenly over the span."""
    tokens = text.split()
    step = (end - start) / max(1, len(tokens))
    word_tuple = tuple(Word(w, start + i * step, start + (i + 1) * step, 0.9) for i, w in enumerate(tokens)) if words else ()
    obj = ObjectionResult(objection, objection_confidence if objection != "none" else 0.0, "")
    f = fused(ess, mixed=mixed, confidence=confidence) if ess is not None else None
    return ScoredUtterance(uid, channel, start, end, text, word_tuple, 0.9, None, None, obj, f)


@dataclass(frozen=True)
class Turn:
    channel: str
    start: float
    end: float
    text: str
    ess: float | None = None
    objection: str = "none"
    mixed: bool = False


def replay(insight, turns: Iterable[Turn], *, step_s: float = 0.5, tail_s: float = 3.0,
           activity: bool = True) -> list[object]:
    """Feed turns in time order as the pipeline would: region, utterance, then time ticks."""
    events: list[object] = []
    ordered = sorted(turns, key=lambda t: t.start)
    for n, turn in enumerate(ordered, 1):
        if activity:
            events += insight.on_activity(SpeechActivity(turn.channel, turn.start, turn.end))
        events += insight.on_utterance(utterance(n, turn.channel, turn.start, turn.end, turn.text, turn.ess,
                                                 objection=turn.objection, mixed=turn.mixed))
        nxt = ordered[n].start if n < len(ordered) else turn.end + tail_s
        t = turn.end + step_s
        while t < nxt:
            events += insight.advance(t)
            t += step_s
        events += insight.advance(nxt)
    return events
