"""Every rule of the cue policy, driven by scripted event streams through the real CallInsight."""

import pytest

from salesmind_desktop.events import Cue, EssUpdate, LevelMeter
from salesmind_desktop.insight.call import CallInsight
from salesmind_desktop.insight.scripted import Turn, replay
from salesmind_desktop.settings import CoachingSettings


def cues(events):
    return [e for e in events if isinstance(e, Cue)]


def types(events):
    return [c.type for c in cues(events)]


def positive_stretch(t0=0.0, n=4):
    turns, t = [], t0
    for i in range(n):
        turns.append(Turn("rep", t, t + 2.5, "Tell me how the rollout went?"))
        turns.append(Turn("customer", t + 3.0, t + 6.0, "It went really well, the team likes it.", 7.5))
        t += 6.5
    return turns, t


def test_sustained_negative_trend_fires_once_with_evidence():
    turns, t = positive_stretch(n=2)
    for i in range(4):
        turns.append(Turn("rep", t, t + 2.0, "I see."))
        turns.append(Turn("customer", t + 2.5, t + 5.5, "This is not working for us at all.", 1.5))
        t += 6.0
    events = replay(CallInsight(), turns)
    trend = [c for c in cues(events) if c.type == "negative_trend"]
    assert len(trend) == 1
    assert "below" in trend[0].reason and "customer speech" in trend[0].reason
    assert any("not working" in e for e in trend[0].evidence)
    badges = [e.badge for e in events if isinstance(e, EssUpdate)]
    assert badges[-1] in ("amber", "red")


def test_single_negative_sentence_in_positive_stretch_gives_no_cue_and_no_badge_change():
    turns, t = positive_stretch(n=3)
    turns.append(Turn("rep", t, t + 2.0, "And the reports?"))
    turns.append(Turn("customer", t + 2.5, t + 5.5, "Honestly the reports were awful and slow.", 1.0))
    more, _ = positive_stretch(t + 6.0, n=3)
    events = replay(CallInsight(), turns + more)
    assert cues(events) == []
    assert {e.badge for e in events if isinstance(e, EssUpdate)} == {"green"}


@pytest.mark.parametrize("kind", ["price", "timing", "competitor", "authority", "need", "trust", "contract"])
def test_objection_of_each_type_gives_its_playbook_cue(kind):
    turns = [Turn("rep", 0.5, 3.0, "Here is the proposal."),
             Turn("customer", 3.5, 6.5, f"Something about {kind}.", 4.5, objection=kind)]
    found = cues(replay(CallInsight(), turns))
    assert [c.type for c in found] == [f"objection_{kind}"]
    cue = found[0]
    assert cue.text and cue.suggestion and kind in cue.reason
    assert cue.evidence[0].startswith("00:03") and f"about {kind}" in cue.evidence[0]
    assert cue.t >= 6.5 + CoachingSettings().hold_gap_s - 1e-9  # held until the customer stopped


def test_weak_objection_below_confidence_gives_no_cue():
    from salesmind_desktop.insight.scripted import utterance

    ins = CallInsight()
    u = utterance(1, "customer", 1.0, 4.0, "maybe later", 5.0, objection="timing", objection_confidence=0.2)
    assert cues(ins.on_utterance(u) + ins.advance(10.0)) == []


def test_favourable_theme_mention_is_no_objection_cue():
    # The objection head tags the theme ("the price is fair" -> price); said positively it is no objection.
    turns = [Turn("rep", 0.5, 3.0, "Here is the proposal."),
             Turn("customer", 3.5, 6.5, "The price is fair for what we get.", 7.5, objection="price"),
             Turn("customer", 12.0, 15.0, "How is the per seat price worked out?", 5.0, objection="price")]
    found = cues(replay(CallInsight(), turns))
    assert [c.type for c in found] == ["objection_price"] and "00:12" in found[0].evidence[0]


def test_counts_as_objection_reads_the_words_when_there_is_no_fused_score():
    from dataclasses import replace

    from salesmind_desktop.events import TextEmotion
    from salesmind_desktop.insight.coach import counts_as_objection
    from salesmind_desktop.insight.scripted import utterance

    u = utterance(1, "customer", 0.0, 3.0, "We're happy to leave our old vendor.", objection="competitor")
    words = TextEmotion("positive", {"positive": 0.9, "neutral": 0.1, "negative": 0.0}, "satisfied",
                        {"satisfied": 1.0, "neutral": 0.0, "stressed": 0.0, "irritated": 0.0}, 0.9, 0.9, "hybrid")
    assert counts_as_objection(u) and not counts_as_objection(replace(u, text_emotion=words))
    assert counts_as_objection(replace(u, text_emotion=replace(words, sentiment="negative")), 0.5)
    assert not counts_as_objection(replace(u, text_emotion=replace(words, sentiment="negative")), 0.95)


def test_mixed_signal_cue():
    turns = [Turn("rep", 0.5, 2.0, "Is that okay?"),
             Turn("customer", 2.5, 4.0, "Sure, fine.", 5.5, mixed=True)]
    found = cues(replay(CallInsight(), turns))
    assert [c.type for c in found] == ["mixed_signal"]


def test_rep_talk_share_over_the_last_two_minutes():
    turns, t = [], 0.0
    while t < 130:
        turns.append(Turn("rep", t, t + 10.0, "We cover the setup and the reporting and the export in the plan today."))
        turns.append(Turn("customer", t + 10.5, t + 11.5, "Right.", 5.0))
        t += 12.0
    found = cues(replay(CallInsight(), turns))
    share = [c for c in found if c.type == "talk_share"]
    assert len(share) == 1
    assert share[0].t >= 120.0 and "%" in share[0].text
    assert "monologue" not in [c.type for c in found]  # the customer's turns break the monologue


def test_balanced_talk_gives_no_talk_share_cue():
    turns, t = [], 0.0
    while t < 150:
        turns.append(Turn("rep", t, t + 5.0, "What matters most to the team this quarter?"))
        turns.append(Turn("customer", t + 5.5, t + 10.5, "Mostly reporting, and getting the export working.", 6.0))
        t += 11.0
    assert "talk_share" not in types(replay(CallInsight(), turns))


def test_rep_monologue_over_a_minute():
    turns, t = [Turn("customer", 0.0, 2.0, "Go ahead.", 5.5)], 2.5
    while t < 70:
        turns.append(Turn("rep", t, t + 11.0, "so the platform handles scheduling and reporting and exports for the whole team"))
        t += 11.5
    found = [c for c in cues(replay(CallInsight(), turns)) if c.type == "monologue"]
    assert len(found) == 1 and found[0].t > 60.0
    assert "s" in found[0].text and "without a customer turn" in found[0].reason


def test_short_rep_turns_give_no_monologue():
    turns, _ = positive_stretch(n=8)
    assert "monologue" not in types(replay(CallInsight(), turns))


def test_fast_pace():
    fast = " ".join(["word"] * 40)  # 40 words in 10 s = 240 wpm
    turns = [Turn("rep", 0.0, 10.0, fast), Turn("rep", 10.5, 20.5, fast),
             Turn("customer", 21.0, 23.0, "Okay.", 5.0)]
    found = [c for c in cues(replay(CallInsight(), turns)) if c.type == "pace"]
    assert len(found) == 1 and "wpm" in found[0].reason


def test_normal_pace_gives_no_cue():
    normal = " ".join(["word"] * 25)  # 150 wpm
    turns = [Turn("rep", 0.0, 10.0, normal), Turn("rep", 10.5, 20.5, normal)]
    assert "pace" not in types(replay(CallInsight(), turns))


def test_repeated_interruptions():
    turns = [Turn("customer", 0.0, 6.0, "So what we need is a way to", 5.0),
             Turn("rep", 2.0, 4.0, "Sure, we do that."),
             Turn("customer", 8.0, 14.0, "And the other thing is the export of", 5.0),
             Turn("rep", 9.5, 12.0, "Yes, exports too.")]
    found = [c for c in cues(replay(CallInsight(), turns)) if c.type == "interrupting"]
    assert len(found) == 1 and "2 times" in found[0].reason


def test_one_interruption_is_not_a_situation():
    turns = [Turn("customer", 0.0, 6.0, "So what we need is a way to", 5.0),
             Turn("rep", 2.0, 4.0, "Sure, we do that.")]
    assert "interrupting" not in types(replay(CallInsight(), turns))


def test_rep_starting_right_after_customer_is_no_interruption():
    turns = [Turn("customer", 0.0, 6.0, "That is all from me.", 5.0), Turn("rep", 6.0, 8.0, "Thanks."),
             Turn("customer", 9.0, 12.0, "One more thing.", 5.0), Turn("rep", 12.1, 13.0, "Go on.")]
    ins = CallInsight()
    replay(ins, turns)
    assert ins.talk.interruptions == []


def test_long_silence_after_a_question():
    ins = CallInsight()
    turns = [Turn("customer", 0.0, 2.0, "Hello.", 5.0), Turn("rep", 2.5, 5.0, "What budget did you plan for this?")]
    events = replay(ins, turns, tail_s=12.0)
    found = [c for c in cues(events) if c.type == "silence_after_question"]
    assert len(found) == 1
    assert found[0].t >= 5.0 + CoachingSettings().question_silence_s - 1e-9
    assert "budget" in found[0].evidence[0]


def test_answered_question_gives_no_silence_cue():
    turns = [Turn("rep", 0.0, 2.5, "What budget did you plan for this?"),
             Turn("customer", 6.0, 9.0, "About ten thousand.", 5.5)]
    assert "silence_after_question" not in types(replay(CallInsight(), turns, tail_s=12.0))


def test_no_silence_cue_while_the_customer_is_audibly_speaking():
    ins = CallInsight()
    replay(ins, [Turn("rep", 0.0, 2.5, "What budget did you plan for this?")], tail_s=0.5)
    ins.on_level(LevelMeter(4.0, -60.0, -20.0, False, True))  # customer started, region not closed yet
    assert cues(ins.advance(12.0)) == []


def test_coaching_disabled_keeps_badge_but_no_cues():
    turns = [Turn("customer", 0.0, 3.0, "Too expensive.", 3.0, objection="price")]
    events = replay(CallInsight(CoachingSettings(enabled=False)), turns)
    assert cues(events) == [] and any(isinstance(e, EssUpdate) for e in events)


def _with_readings(u, text_valence, voice_valence):
    from dataclasses import replace

    from salesmind_desktop.events import TextEmotion, VoiceEmotion

    sentiment = "positive" if text_valence > 0.2 else "negative" if text_valence < -0.2 else "neutral"
    te = TextEmotion(sentiment, {}, "neutral", {}, text_valence, 0.8, "test")
    ve = VoiceEmotion("neutral", {}, 0.5, voice_valence, 0.7)
    return replace(u, text_emotion=te, voice_emotion=ve)


def test_mixed_signal_cues_the_sarcasm_case_not_calm_complaints():
    from salesmind_desktop.insight.scripted import utterance

    sarcasm = _with_readings(utterance(1, "customer", 1.0, 3.0, "Oh great, another fee.", 3.0, mixed=True), 0.7, -0.6)
    calm = _with_readings(utterance(1, "customer", 1.0, 3.0, "The export is broken.", 3.5, mixed=True), -0.6, 0.5)
    a, b = CallInsight(), CallInsight()
    assert [c.type for c in cues(a.on_utterance(sarcasm) + a.advance(6.0))] == ["mixed_signal"]
    assert cues(b.on_utterance(calm) + b.advance(6.0)) == []


def test_objection_raised_in_earlier_calls_says_so_and_uses_the_variant():
    from salesmind_desktop.insight.context import CustomerContext

    ctx = CustomerContext(customer_id="c1", past_objections=("price", "price", "timing"))
    found = cues(replay(CallInsight(context=ctx), [Turn("customer", 0.0, 3.0, "Still too expensive.", 3.5,
                                                         objection="price")]))
    assert "raised 2 times in earlier calls" in found[0].reason
    assert found[0].text.startswith("Price again")


def test_a_few_fast_seconds_are_not_a_pace_situation():
    burst = " ".join(["word"] * 30)  # 30 words in 8 s = 225 wpm, but only 8 s of speech
    turns = [Turn("rep", 0.0, 8.0, burst), Turn("customer", 8.5, 11.0, "Okay.", 5.0)]
    assert "pace" not in types(replay(CallInsight(), turns))


def test_an_objection_with_a_close_call_on_its_type_still_counts():
    """The gate is "is this an objection at all" (presence), not "which type" (confidence)."""
    from dataclasses import replace

    from salesmind_desktop.events import ObjectionResult
    from salesmind_desktop.insight.coach import counts_as_objection
    from salesmind_desktop.insight.scripted import utterance

    u = utterance(1, "customer", 0.0, 3.0, "Why am I paying for features I never asked for?", objection="price")
    close_call = ObjectionResult("price", 0.49, "paying for features", presence=0.98)
    assert counts_as_objection(replace(u, objection=close_call), 0.5)
    assert not counts_as_objection(replace(u, objection=replace(close_call, presence=0.3)), 0.5)
    # Without a presence (pattern tagger, scripted calls) the type's confidence gates as before.
    assert not counts_as_objection(replace(u, objection=replace(close_call, presence=None)), 0.5)
    assert replace(close_call, presence=None).strength == 0.49
