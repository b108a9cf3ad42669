"""LateFusion: weighting, missing inputs, the mixed-signal (sarcasm) flag, ESS mapping and `why`."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesmind_desktop.emotion.fusion import LateFusion
from salesmind_desktop.events import EMOTIONS, ObjectionResult, TextEmotion, VoiceEmotion

NONE = ObjectionResult("none", 0.0)


def text(emotion: str, valence: float, confidence: float = 0.8) -> TextEmotion:
    emo = {e: 0.05 for e in EMOTIONS}
    emo[emotion] = 0.85
    sent = "positive" if valence > 0.1 else "negative" if valence < -0.1 else "neutral"
    sscores = {s: 0.1 for s in ("positive", "neutral", "negative")}
    sscores[sent] = 0.8
    return TextEmotion(sent, sscores, emotion, emo, valence, confidence, "test")


def voice(emotion: str, arousal: float, confidence: float = 0.8, cues: tuple[str, ...] = ()) -> VoiceEmotion:
    emo = {e: 0.05 for e in EMOTIONS}
    emo[emotion] = 0.85
    valence = {"satisfied": 0.4, "neutral": 0.0, "stressed": -0.3, "irritated": -0.5}[emotion]
    return VoiceEmotion(emotion, emo, arousal, valence, confidence, cues)


@pytest.fixture
def fusion():
    return LateFusion()


def test_agreeing_text_and_voice(fusion):
    f = fusion.fuse(text("satisfied", 0.8), voice("satisfied", 0.5), NONE, 0.9)
    assert f.emotion == "satisfied" and f.sentiment == "positive"
    assert not f.mixed_signal
    assert f.ess >= 8.0
    assert abs(sum(f.emotion_scores.values()) - 1.0) < 1e-9


def test_irritated_with_price_objection_is_low_and_explained(fusion):
    obj = ObjectionResult("price", 0.9, "too expensive")
    f = fusion.fuse(text("irritated", -0.7), voice("irritated", 0.9, cues=("rising pitch",)), obj, 0.9)
    assert f.emotion == "irritated" and f.sentiment == "negative"
    assert f.ess <= 2.0
    assert f.why.startswith("price objection")
    assert "rising pitch" in f.why


def test_objection_lowers_ess(fusion):
    t = text("neutral", 0.0)
    plain = fusion.fuse(t, None, NONE, 0.9).ess
    with_obj = fusion.fuse(t, None, ObjectionResult("timing", 1.0), 0.9).ess
    assert with_obj < plain


def test_a_theme_said_positively_is_no_objection(fusion):
    t = text("satisfied", 0.7)  # "That price is better than I expected."
    plain = fusion.fuse(t, None, NONE, 0.9)
    themed = fusion.fuse(t, None, ObjectionResult("price", 0.95, "price"), 0.9)
    assert themed.ess == plain.ess and "objection" not in themed.why
    negative = fusion.fuse(text("irritated", -0.6), None, ObjectionResult("price", 0.95, "price"), 0.9)
    assert negative.why.startswith("price objection")


def test_sarcasm_positive_words_agitated_voice(fusion):
    # "Oh great, another fee." — positive wording, irritated voice.
    f = fusion.fuse(text("satisfied", 0.6), voice("irritated", 0.9, cues=("louder",)), NONE, 0.9)
    assert f.mixed_signal
    assert f.emotion == "irritated"
    assert f.valence < 0
    assert f.ess < 5.0
    assert "sarcasm" in f.why


def test_negative_words_pleased_voice_flags_but_words_win(fusion):
    f = fusion.fuse(text("irritated", -0.6), voice("satisfied", 0.5), NONE, 0.9)
    assert f.mixed_signal
    assert f.sentiment == "negative"
    assert f.ess < 5.0


def test_text_only(fusion):
    f = fusion.fuse(text("stressed", -0.5), None, NONE, 0.9)
    assert f.emotion == "stressed" and not f.mixed_signal
    assert f.ess < 5.0
    assert "negative words" in f.why


def test_voice_only_when_text_missing(fusion):
    f = fusion.fuse(None, voice("irritated", 0.9, cues=("sharp onset",)), NONE, 0.0)
    assert f.emotion == "irritated"
    assert f.ess < 5.0
    assert f.confidence > 0
    assert "sharp onset" in f.why


def test_low_asr_confidence_ignores_words(fusion):
    # Garbled ASR says "great" but the audio is agitated: the voice decides.
    f = fusion.fuse(text("satisfied", 0.9), voice("irritated", 0.8), NONE, 0.1)
    assert f.emotion == "irritated"
    assert not f.mixed_signal
    assert "voice only" in f.why


def test_empty_text_zero_confidence_uses_voice(fusion):
    empty = TextEmotion("neutral", {"positive": 0, "neutral": 1, "negative": 0}, "neutral",
                        {"satisfied": 0, "neutral": 1, "stressed": 0, "irritated": 0}, 0.0, 0.0, "test")
    f = fusion.fuse(empty, voice("stressed", 0.8), NONE, 0.9)
    assert f.emotion == "stressed"


def test_nothing_reads_neutral(fusion):
    f = fusion.fuse(None, None, NONE, 0.0)
    assert f.emotion == "neutral" and f.ess == 5.0 and f.confidence == 0.0
    assert f.why == "no clear signal"


def test_low_confidence_stays_near_neutral(fusion):
    weak = fusion.fuse(text("irritated", -0.8, confidence=0.1), None, NONE, 0.9)
    strong = fusion.fuse(text("irritated", -0.8, confidence=0.9), None, NONE, 0.9)
    assert strong.ess < weak.ess < 5.0


def test_real_vader_sarcasm_case():
    """Through the real VADER engine: positive lexicon on a sarcastic line + an agitated voice."""
    from salesmind_desktop.emotion.vader import VaderEngine

    t = VaderEngine().score("Oh great, another fee.")
    assert t.valence > 0  # the words alone read positive
    f = LateFusion().fuse(t, voice("irritated", 0.9), ObjectionResult("price", 0.8, "fee"), 0.9)
    assert f.mixed_signal and f.valence < 0 and f.ess < 5.0
    assert "price objection" in f.why


def test_custom_params_change_behaviour():
    from salesmind_desktop.emotion.fusion import FusionParams

    t, v = text("neutral", 0.0, 0.3), voice("irritated", 0.9)
    default = LateFusion().fuse(t, v, NONE, 0.9)
    voice_heavy = LateFusion(FusionParams(voice_trust=1.0)).fuse(t, v, NONE, 0.9)
    assert voice_heavy.emotion_scores["irritated"] > default.emotion_scores["irritated"]


unit = st.floats(0.0, 1.0)
emo_scores = st.fixed_dictionaries({e: unit for e in EMOTIONS})


@settings(max_examples=200, deadline=None)
@given(emo_scores, st.floats(-1, 1), unit, emo_scores, unit, st.floats(-1, 1), unit, unit,
       st.sampled_from(["none", "price", "trust"]), unit, st.booleans(), st.booleans())
def test_outputs_always_in_range(te, tv, tc, ve, va, vv, vc, asr, otype, oconf, has_t, has_v):
    t = TextEmotion("neutral", {"positive": 0.3, "neutral": 0.4, "negative": 0.3}, "neutral", te, tv, tc, "h")
    v = VoiceEmotion("neutral", ve, va, vv, vc)
    f = LateFusion().fuse(t if has_t else None, v if has_v else None, ObjectionResult(otype, oconf), asr)
    assert 0.0 <= f.ess <= 10.0
    assert -1.0 <= f.valence <= 1.0
    assert 0.0 <= f.confidence <= 1.0
    assert f.emotion in EMOTIONS
    assert abs(sum(f.emotion_scores.values()) - 1.0) < 1e-6
    assert f.why


def test_weak_voice_does_not_overrule_words(fusion):
    f = fusion.fuse(text("satisfied", 0.7), voice("irritated", 0.9, confidence=0.2), NONE, 0.9)
    assert not f.mixed_signal
    assert f.emotion == "satisfied" and f.ess > 6.0


def test_sarcasm_needs_prosodic_evidence(fusion):
    """A voice model that labels thanks 'irritated' without any agitation cue does not flip the words."""
    t = text("satisfied", 0.7)
    unsupported = fusion.fuse(t, voice("irritated", 0.6, cues=("more pauses",)), NONE, 0.9)
    assert not unsupported.mixed_signal and unsupported.valence > 0
    louder = fusion.fuse(t, voice("irritated", 0.6, cues=("louder",)), NONE, 0.9)
    assert louder.mixed_signal and louder.valence < unsupported.valence
