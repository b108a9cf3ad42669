"""Rolling ESS and the badge's hysteresis: sustained trends only, never one sentence."""

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from salesmind_desktop.events import EssUpdate
from salesmind_desktop.insight.badge import Badge
from salesmind_desktop.insight.call import CallInsight
from salesmind_desktop.insight.ess import NEUTRAL, RollingEss, ScoredSpan, call_stats
from salesmind_desktop.insight.scripted import Turn, replay
from salesmind_desktop.settings import CoachingSettings


def test_rolling_is_neutral_before_speech_and_shrinks_the_first_sentence():
    r = RollingEss(30.0)
    assert r.value(10.0) == NEUTRAL
    first = r.add(0.5, 2.0, 10.0, 1.0)
    assert 5.0 < first < 10.0  # the neutral prior keeps one sentence from jumping to the extreme


def test_rolling_weights_recent_and_longer_utterances_more():
    r = RollingEss(30.0)
    r.add(0.0, 6.0, 8.0, 0.8)
    late = r.add(60.0, 62.0, 2.0, 0.8)
    assert late < 5.0  # a minute later the old positive sentence has decayed
    r2 = RollingEss(30.0)
    r2.add(0.0, 1.0, 8.0, 0.8)
    r2.add(1.5, 7.5, 2.0, 0.8)
    assert r2.value(7.5) < 5.0  # the long negative sentence outweighs the short positive one


def test_low_confidence_counts_less():
    a, b = RollingEss(), RollingEss()
    for r, conf in ((a, 0.9), (b, 0.0)):
        r.add(0.0, 3.0, 7.0, 0.9)
        r.add(3.5, 6.5, 1.0, conf)
    assert b.value(6.5) > a.value(6.5)


def test_call_stats_overall_min_final_and_trend():
    spans = [ScoredSpan(0, 3, 8.0, 0.8), ScoredSpan(10, 13, 7.0, 0.8), ScoredSpan(20, 23, 4.0, 0.8),
             ScoredSpan(30, 33, 3.0, 0.8), ScoredSpan(40, 43, 2.0, 0.8), ScoredSpan(50, 53, 2.5, 0.8)]
    st_ = call_stats(spans, 60.0, 2.4)
    plain_mean = sum(s.ess for s in spans) / len(spans)
    assert st_.overall < plain_mean  # recency weighting: the bad end counts more
    assert st_.min == 2.0 and st_.min_t == 40 and st_.final == 2.4
    assert st_.trend == "declining" and st_.trend_delta < -1
    assert call_stats([], 10.0, 5.0).trend == "n/a"


def test_badge_needs_sustained_speech_to_turn_and_to_recover():
    b = Badge(amber_below=4.5, red_below=3.0, sustain_s=5.0, hysteresis=0.5)
    assert b.update(1, 4.0, 3.0) is None and b.state == "green"  # 3 s below: not yet
    change = b.update(2, 4.0, 3.0)
    assert change is not None and change.state == "amber"  # 6 s below
    assert b.update(3, 4.8, 6.0) is None and b.state == "amber"  # above 4.5 but inside the margin
    assert b.update(4, 5.2, 3.0) is None  # above threshold + margin for only 3 s
    assert b.update(5, 5.2, 3.0).state == "green"


def test_badge_can_go_straight_to_red_and_back_via_amber():
    b = Badge(4.5, 3.0, 5.0, 0.5)
    b.update(1, 1.0, 6.0)
    assert b.state == "red"
    assert b.update(2, 4.0, 6.0).state == "amber"  # 4.0 >= 3.0 + 0.5 but < 4.5 + 0.5
    assert b.update(3, 6.0, 6.0).state == "green"


def test_one_sentence_never_flips_the_badge_in_a_call():
    turns = []
    for i in range(6):
        t = i * 8.0
        bad = i == 3
        turns.append(Turn("customer", t, t + 4.0, "awful" if bad else "great", 0.5 if bad else 7.5))
    badges = {e.badge for e in replay(CallInsight(), turns) if isinstance(e, EssUpdate)}
    assert badges == {"green"}


@hsettings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.floats(0.0, 10.0), st.floats(0.2, 8.0)), min_size=1, max_size=60),
       st.floats(1.0, 10.0))
def test_badge_changes_are_separated_by_more_than_sustain_s_of_speech(readings, sustain):
    b = Badge(4.5, 3.0, sustain, 0.5)
    since = 0.0
    for i, (rolling, speech) in enumerate(readings):
        since += speech
        change = b.update(i, rolling, speech)
        if change is not None:
            assert since > sustain
            since = 0.0


def test_ess_updates_carry_badge_and_why():
    events = replay(CallInsight(), [Turn("customer", 0.0, 3.0, "Great stuff.", 8.0)])
    upd = [e for e in events if isinstance(e, EssUpdate)]
    assert len(upd) == 1 and upd[0].badge == "green" and upd[0].utterance_ess == 8.0


@pytest.mark.parametrize("field, value", [("red_below", 6.0), ("sustain_s", -1.0), ("talk_share_max", 1.5),
                                          ("half_life_s", 0.0), ("max_cues_per_call", -1)])
def test_impossible_coaching_settings_give_a_clear_error(field, value):
    from salesmind_desktop.errors import ConfigError

    s = CoachingSettings()
    setattr(s, field, value)
    with pytest.raises(ConfigError) as info:
        CallInsight(s)
    assert "coaching." in str(info.value) and info.value.fix
