"""Alert-fatigue controls: cap, cooldowns, minimum gap, hold, snooze, adaptive suppression."""

from hypothesis import given, settings as hsettings, strategies as st

from salesmind_desktop.events import Cue, LevelMeter
from salesmind_desktop.insight.call import CallInsight
from salesmind_desktop.insight.scripted import Turn, replay, utterance
from salesmind_desktop.settings import CoachingSettings

KINDS = ["price", "timing", "competitor", "authority", "need", "trust", "contract", "none"]


def cues(events):
    return [e for e in events if isinstance(e, Cue)]


def objection_call(n, kind="price", spacing=20.0):
    turns = []
    for i in range(n):
        t = i * spacing
        turns.append(Turn("rep", t, t + 2.0, "Here is the offer."))
        turns.append(Turn("customer", t + 2.5, t + 5.0, "That is a problem.", 4.0, objection=kind))
    return turns


turn_strategy = st.tuples(
    st.sampled_from(["rep", "customer"]),
    st.floats(0.3, 14.0),           # duration
    st.floats(0.0, 4.0),            # gap before
    st.floats(0.0, 10.0),           # ess
    st.sampled_from(KINDS),
    st.booleans(),                  # mixed signal
    st.sampled_from(["What do you think?", "We can do that.", " ".join(["fast"] * 45), "Okay."]),
)


@hsettings(max_examples=60, deadline=None)
@given(st.lists(turn_strategy, min_size=1, max_size=45), st.integers(0, 6), st.floats(0.0, 90.0),
       st.floats(0.0, 20.0))
def test_cap_cooldown_and_gap_always_hold(spec, cap, cooldown, gap):
    s = CoachingSettings(max_cues_per_call=cap, cooldown_s=cooldown, min_gap_s=gap)
    turns, t = [], 0.0
    for channel, dur, before, ess, kind, mixed, text in spec:
        t += before
        turns.append(Turn(channel, t, t + dur, text, ess if channel == "customer" else None,
                          kind if channel == "customer" else "none", mixed and channel == "customer"))
        t += dur
    ins = CallInsight(s)
    found = cues(replay(ins, turns, step_s=1.0))
    assert len(found) <= cap
    assert [c.t for c in found] == sorted(c.t for c in found)
    for a, b in zip(found, found[1:]):
        assert b.t - a.t >= gap - 1e-9
    last: dict[str, float] = {}
    for c in found:
        if c.type in last:
            assert c.t - last[c.type] >= cooldown - 1e-9
        last[c.type] = c.t
    assert len({c.id for c in found}) == len(found)
    hold = s.hold_gap_s
    for c in found:  # never shown while the customer talks, nor in the hold gap right after
        for turn in turns:
            if turn.channel == "customer":
                assert not (turn.start < c.t < turn.end + hold - 1e-9), (c.type, c.t, turn)
    summary = ins.finish("p", t + 5)
    assert len(summary.cues) == len(found)


def test_per_type_cooldown_drops_repeats():
    found = cues(replay(CallInsight(CoachingSettings(cooldown_s=45.0)), objection_call(7, spacing=10.0)))
    times = [c.t for c in found if c.type == "objection_price"]
    assert len(times) == 2 and times[1] - times[0] >= 45.0


def test_cap_per_call():
    turns = []
    for i, kind in enumerate(KINDS[:-1] * 2):
        t = i * 30.0
        turns.append(Turn("customer", t, t + 3.0, "Problem.", 4.5, objection=kind))
    found = cues(replay(CallInsight(CoachingSettings(max_cues_per_call=3)), turns))
    assert len(found) == 3


def test_cue_waits_while_customer_keeps_speaking():
    ins = CallInsight()
    ins.on_level(LevelMeter(2.0, -60, -20, False, True))
    u = utterance(1, "customer", 2.0, 5.0, "It's too expensive.", 3.0, objection="price")
    assert cues(ins.on_utterance(u) + ins.advance(6.0) + ins.advance(9.0)) == []  # still talking
    ins.on_level(LevelMeter(10.0, -60, -60, False, False))
    assert cues(ins.advance(10.5)) == []  # quiet for less than hold_gap_s
    got = cues(ins.advance(11.0))
    assert [c.type for c in got] == ["objection_price"] and got[0].t >= 10.8 - 1e-9


def test_held_cue_goes_stale_when_the_moment_passed():
    ins = CallInsight()
    ins.on_level(LevelMeter(2.0, -60, -20, False, True))
    ins.on_utterance(utterance(1, "customer", 2.0, 5.0, "It's too expensive.", 3.0, objection="price"))
    ins.advance(40.0)
    ins.on_level(LevelMeter(41.0, -60, -60, False, False))
    assert cues(ins.advance(45.0)) == []


def test_snooze_silences_all_cues_for_snooze_s():
    s = CoachingSettings(cooldown_s=0.0, min_gap_s=0.0, snooze_s=100.0)
    ins = CallInsight(s)
    first = cues(replay(ins, objection_call(1)))
    ins.feedback(first[0].id, "snooze", first[0].t)
    later = cues(replay(ins, [Turn("customer", 30.0, 33.0, "Not now.", 4.0, objection="timing")]))
    assert later == []
    after = cues(replay(ins, [Turn("customer", 120.0, 123.0, "We use a competitor.", 4.0, objection="competitor")]))
    assert [c.type for c in after] == ["objection_competitor"]
    assert ins.finish("s", 130).cues[0].feedback == "snooze"


def test_dismissals_double_the_cooldown_then_mute_the_type():
    s = CoachingSettings(cooldown_s=10.0, min_gap_s=0.0, mute_after_dismissals=2)
    ins = CallInsight(s)
    shown = []
    for i in range(12):
        t = i * 8.0
        new = cues(replay(ins, [Turn("customer", t, t + 2.0, "Too pricey.", 4.0, objection="price")], tail_s=1.0))
        new = [c for c in new if c.type == "objection_price"]  # the falling mood adds a trend cue
        for c in new:
            ins.feedback(c.id, "dismissed", c.t + 0.5)
        shown += new
    times = [c.t for c in shown]
    assert len(shown) == 2  # after two dismissals the type is muted
    assert times[1] - times[0] >= 20.0  # one dismissal doubled the 10 s cooldown
    # other types are unaffected
    assert cues(replay(ins, [Turn("customer", 200.0, 202.0, "Is it secure?", 4.0, objection="trust")]))


def test_helpful_resets_the_dismissal_count():
    s = CoachingSettings(cooldown_s=10.0, min_gap_s=0.0, mute_after_dismissals=2)
    ins = CallInsight(s)
    c1 = cues(replay(ins, objection_call(1)))[0]
    ins.feedback(c1.id, "dismissed", c1.t)
    ins.feedback(c1.id, "helpful", c1.t + 1)
    assert ins.throttle.cooldown("objection_price") == 10.0


def test_unknown_feedback_action_is_rejected():
    import pytest

    with pytest.raises(ValueError, match="dismissed"):
        CallInsight().feedback(1, "liked", 0.0)


def test_hold_uses_customer_regions_that_arrive_before_their_utterances():
    """File replay: the VAD runs ahead of ASR, so later customer regions are known early."""
    from salesmind_desktop.events import SpeechActivity

    ins = CallInsight()
    ins.on_activity(SpeechActivity("customer", 2.0, 5.0))
    ins.on_activity(SpeechActivity("customer", 5.4, 9.0))  # she went on talking after a short pause
    ins.on_activity(SpeechActivity("rep", 9.5, 12.0))
    got = cues(ins.on_utterance(utterance(1, "customer", 2.0, 5.0, "Too expensive.", 3.0, objection="price")))
    assert got == []  # audio time is 5.0: she is still talking
    got = cues(ins.advance(9.5)) + cues(ins.advance(12.0))
    assert [c.type for c in got] == ["objection_price"]
    assert abs(got[0].t - (9.0 + CoachingSettings().hold_gap_s)) < 1e-9  # not during her second sentence


def _file_order(ins, turns):
    """How a file replay looks to the insight: every VAD region first, then utterances + watermark."""
    from salesmind_desktop.events import SpeechActivity

    events = []
    ordered = sorted(turns, key=lambda t: t.start)
    for turn in ordered:
        events += ins.on_activity(SpeechActivity(turn.channel, turn.start, turn.end))
    for n, turn in enumerate(ordered, 1):
        events += ins.on_utterance(utterance(n, turn.channel, turn.start, turn.end, turn.text, turn.ess,
                                             objection=turn.objection, mixed=turn.mixed))
        nxt = ordered[n].start if n < len(ordered) else turn.end + 3.0
        events += ins.advance(nxt)
    return events


@hsettings(max_examples=40, deadline=None)
@given(st.lists(turn_strategy, min_size=1, max_size=25))
def test_file_replay_order_gives_the_same_cues_as_live_order(spec):
    """VAD regions arriving far ahead of their transcripts must not change which cues fire or when."""
    turns, t = [], 0.0
    for channel, dur, before, ess, kind, mixed, text in spec:
        t += before + 0.1
        turns.append(Turn(channel, t, t + dur, text, ess if channel == "customer" else None,
                          kind if channel == "customer" else "none", mixed and channel == "customer"))
        t += dur
    live = cues(replay(CallInsight(), turns, step_s=1000.0))  # advance only at the next turn's start
    filed = cues(_file_order(CallInsight(), turns))
    assert [(c.type, round(c.t, 6)) for c in filed] == [(c.type, round(c.t, 6)) for c in live]
