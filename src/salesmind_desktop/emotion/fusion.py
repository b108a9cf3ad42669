"""Confidence-weighted late fusion of text and voice into the score the product shows.

Each reading gets a weight: the text engine's confidence scaled by how much the ASR can be
trusted (a garbled transcript says little), the voice engine's confidence scaled by
`VOICE_TRUST` (voice carries arousal well and valence weakly). The four-emotion distributions
are mixed by these weights; valence and sentiment likewise, with the voice's valence counted at
half weight.

Words and voice can disagree. Positive words said in an agitated voice ("Oh great, another
fee.") are the sarcasm case: the positive wording is distrusted in proportion to the voice's
agitation times min(1, voice weight / text weight) (its "satisfied" mass moves to "irritated" and
its valence turns negative) and the result is flagged `mixed_signal`. This needs prosodic
evidence: arousal >= 0.75 or an agitation cue ("louder", "higher pitch", ...) in the voice reading. Negative words in a pleased voice are flagged too but the
words win (customers often state a problem calmly).

ESS (0..10, 5 neutral) per utterance, documented in docs/voice-emotion.md:

    v_dist = sum(p[e] * EMOTION_VALENCE[e])          # valence implied by the emotion mix
    v      = 0.6 * fused_valence + 0.4 * v_dist
    raw    = 5 + 5 * v - OBJECTION_PENALTY * objection.confidence   (if an objection is tagged)
    ess    = clamp(5 + (raw - 5) * min(1, 0.4 + confidence), 0, 10)

so a confident, clearly satisfied utterance reaches ~9-10, a confident irritated one ~0-1, and
a low-confidence reading stays near 5.
"""

from __future__ import annotations

from dataclasses import dataclass

from salesmind_desktop.events import (
    EMOTIONS,
    SENTIMENTS,
    FusedEmotion,
    ObjectionResult,
    TextEmotion,
    VoiceEmotion,
)

NOT_RAISED = ObjectionResult("none", 0.0)
EMOTION_VALENCE = {"satisfied": 1.0, "neutral": 0.0, "stressed": -0.6, "irritated": -1.0}
"""Valence implied by each emotion class (used for ESS and for voice-derived sentiment)."""

NEGATIVE_EMOTIONS = ("stressed", "irritated")


@dataclass(frozen=True)
class FusionParams:
    """Tunable constants of `LateFusion` (defaults documented in docs/voice-emotion.md)."""

    voice_trust: float = 0.6  # voice weight = voice.confidence * voice_trust
    voice_valence_share: float = 0.5  # voice valence counts at this share of its weight
    asr_floor: float = 0.25  # ASR confidence at/below which the words are ignored
    asr_full: float = 0.70  # ASR confidence at/above which the words count fully
    min_weight: float = 0.05  # a reading lighter than this is treated as absent
    positive_words_at: float = 0.2  # text valence above which words count as positive
    negative_words_at: float = -0.2
    agitated_at: float = 0.5  # voice stressed+irritated mass (or arousal) marking agitation
    pleased_at: float = 0.5  # voice satisfied mass marking a pleased voice
    objection_penalty: float = 0.75  # ESS points removed for a certain objection
    objection_min_conf: float = 0.4  # objections below this are not mentioned in `why`
    mixed_confidence_factor: float = 0.75  # disagreement lowers the fused confidence
    mixed_min_voice_weight: float = 0.2  # a weaker voice reading never overrules the words
    # Reading positive words as sarcasm needs prosodic evidence, not just the voice model's label:
    # high arousal, or a cue that the speaker sounds more agitated than their own baseline.
    sarcasm_arousal_at: float = 0.75
    agitation_cues: tuple[str, ...] = ("louder", "higher pitch", "faster speech", "tenser voice", "wider pitch range")


DEFAULT_PARAMS = FusionParams()


def _clamp(x: float, lo: float, hi: float) -> float:
    return lo if x < lo else hi if x > hi else x


def _normalise(scores: dict[str, float], keys: tuple[str, ...]) -> dict[str, float]:
    vals = {k: max(0.0, float(scores.get(k, 0.0))) for k in keys}
    total = sum(vals.values())
    if total <= 0:
        return {k: (1.0 if k == "neutral" else 0.0) for k in keys}
    return {k: v / total for k, v in vals.items()}


def _argmax(scores: dict[str, float]) -> str:
    return max(scores, key=scores.__getitem__)


class LateFusion:
    """`FusionEngine`: stateless, so one instance serves both channels and every call."""

    def __init__(self, params: FusionParams = DEFAULT_PARAMS) -> None:
        self.p = params

    # ------------------------------------------------------------------ weights
    def _text_weight(self, text: TextEmotion | None, asr_confidence: float) -> float:
        if text is None:
            return 0.0
        p = self.p
        asr = _clamp((asr_confidence - p.asr_floor) / (p.asr_full - p.asr_floor), 0.0, 1.0)
        w = _clamp(float(text.confidence), 0.0, 1.0) * asr
        return w if w >= p.min_weight else 0.0

    def _voice_weight(self, voice: VoiceEmotion | None) -> float:
        if voice is None:
            return 0.0
        w = _clamp(float(voice.confidence), 0.0, 1.0) * self.p.voice_trust
        return w if w >= self.p.min_weight else 0.0

    # ------------------------------------------------------------------ fusion
    def fuse(
        self,
        text: TextEmotion | None,
        voice: VoiceEmotion | None,
        objection: ObjectionResult,
        asr_confidence: float,
    ) -> FusedEmotion:
        p = self.p
        wt = self._text_weight(text, asr_confidence)
        wv = self._voice_weight(voice)

        t_emo = _normalise(text.emotion_scores, EMOTIONS) if text is not None else None
        t_sent = _normalise(text.sentiment_scores, SENTIMENTS) if text is not None else None
        t_val = _clamp(float(text.valence), -1.0, 1.0) if text is not None else 0.0
        v_emo = _normalise(voice.emotion_scores, EMOTIONS) if voice is not None else None
        v_val = _clamp(float(voice.valence), -1.0, 1.0) if voice is not None else 0.0

        mixed = False
        mixed_note = ""
        if wt > 0 and wv >= p.mixed_min_voice_weight and t_emo is not None and v_emo is not None and voice is not None:
            agitation = max(sum(v_emo[e] for e in NEGATIVE_EMOTIONS),
                            _clamp(float(voice.arousal), 0.0, 1.0) if _argmax(v_emo) in NEGATIVE_EMOTIONS else 0.0)
            words_positive = t_val >= p.positive_words_at or _argmax(t_emo) == "satisfied"
            words_negative = t_val <= p.negative_words_at or _argmax(t_emo) in NEGATIVE_EMOTIONS
            evidence = (float(voice.arousal) >= p.sarcasm_arousal_at
                        or any(c in p.agitation_cues for c in voice.cues))
            if words_positive and agitation >= p.agitated_at and evidence:
                # Sarcasm: distrust the positive wording in proportion to the agitation, and to how
                # far the voice is trusted relative to the words (a weaker voice flips less).
                mixed = True
                mixed_note = "positive words, agitated voice"
                agitation *= min(1.0, wv / wt)
                moved = t_emo["satisfied"] * agitation
                t_emo = dict(t_emo, satisfied=t_emo["satisfied"] - moved, irritated=t_emo["irritated"] + moved)
                t_val = t_val * (1 - agitation) - abs(t_val) * agitation
                moved_s = t_sent["positive"] * agitation if t_sent else 0.0
                t_sent = t_sent and dict(t_sent, positive=t_sent["positive"] - moved_s, negative=t_sent["negative"] + moved_s)
            elif words_negative and v_emo["satisfied"] >= p.pleased_at:
                mixed = True
                mixed_note = "negative words, pleased voice"

        total = wt + wv
        if total <= 0:
            emotion_scores = {e: (1.0 if e == "neutral" else 0.0) for e in EMOTIONS}
            valence = 0.0
            sentiment_scores = {s: (1.0 if s == "neutral" else 0.0) for s in SENTIMENTS}
        else:
            emotion_scores = {
                e: (wt * (t_emo[e] if t_emo else 0.0) + wv * (v_emo[e] if v_emo else 0.0)) / total
                for e in EMOTIONS
            }
            wv_val = wv * p.voice_valence_share
            valence = (wt * t_val + wv_val * v_val) / (wt + wv_val)
            v_sent = None
            if v_emo is not None:
                v_sent = {"positive": v_emo["satisfied"], "neutral": v_emo["neutral"],
                          "negative": v_emo["stressed"] + v_emo["irritated"]}
            sentiment_scores = {
                s: (wt * (t_sent[s] if t_sent else 0.0) + wv_val * (v_sent[s] if v_sent else 0.0)) / (wt + wv_val)
                for s in SENTIMENTS
            }

        confidence = 1.0 - (1.0 - wt) * (1.0 - wv)
        if mixed:
            confidence *= p.mixed_confidence_factor
        emotion = _argmax(emotion_scores)
        sentiment = _argmax(sentiment_scores)
        # The objection head names a buying theme whatever the tone (docs/text-emotion.md): said
        # positively ("that price is better than I expected") it is no objection and costs no ESS.
        raised = objection if sentiment != "positive" else NOT_RAISED
        ess = self._ess(emotion_scores, valence, raised, confidence)
        why = self._why(text, voice, raised, wt, wv, sentiment, emotion, mixed_note, asr_confidence)
        return FusedEmotion(
            emotion=emotion,
            emotion_scores=emotion_scores,
            sentiment=sentiment,
            valence=_clamp(valence, -1.0, 1.0),
            ess=ess,
            confidence=_clamp(confidence, 0.0, 1.0),
            mixed_signal=mixed,
            why=why,
        )

    # ------------------------------------------------------------------ ESS and why
    def _ess(self, emotion_scores: dict[str, float], valence: float,
             objection: ObjectionResult, confidence: float) -> float:
        p = self.p
        v_dist = sum(emotion_scores[e] * EMOTION_VALENCE[e] for e in EMOTIONS)
        v = 0.6 * valence + 0.4 * v_dist
        raw = 5.0 + 5.0 * v
        if objection.type != "none":
            raw -= p.objection_penalty * _clamp(float(objection.confidence), 0.0, 1.0)
        ess = 5.0 + (raw - 5.0) * min(1.0, 0.4 + confidence)
        return round(_clamp(ess, 0.0, 10.0), 2)

    def _why(self, text: TextEmotion | None, voice: VoiceEmotion | None, objection: ObjectionResult,
             wt: float, wv: float, sentiment: str, emotion: str, mixed_note: str,
             asr_confidence: float) -> str:
        p = self.p
        parts: list[str] = []
        if objection.type != "none" and objection.confidence >= p.objection_min_conf:
            parts.append(f"{objection.type} objection")
        if mixed_note:
            parts.append(mixed_note + (" (possible sarcasm)" if mixed_note.startswith("positive") else ""))
        elif wt > 0 and text is not None and text.sentiment != "neutral":
            parts.append(f"{text.sentiment} words")
        elif text is not None and wt == 0 and wv > 0 and asr_confidence < p.asr_full:
            parts.append("unclear words: voice only")
        if wv > 0 and voice is not None:
            cues = [c for c in voice.cues if c][:2]
            if cues:
                parts.extend(cues)
            elif voice.emotion != "neutral" and not mixed_note:
                parts.append(f"{voice.emotion} voice")
        if not parts:
            if wt + wv == 0:
                parts.append("no clear signal")
            else:
                parts.append("calm, neutral" if emotion == "neutral" and sentiment == "neutral" else f"{emotion}, {sentiment}")
        return " + ".join(parts[:4])
