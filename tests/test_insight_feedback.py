"""The rep's cue feedback carried across calls (through the real local store)."""

from salesmind_desktop.insight.call import CallInsight
from salesmind_desktop.insight.fatigue import prior_dismissals
from salesmind_desktop.insight.scripted import Turn, replay
from salesmind_desktop.settings import CoachingSettings, Settings


def _summary(call_id, feedback):
    ins = CallInsight(CoachingSettings(min_gap_s=0.0))
    replay(ins, [Turn("customer", 0.0, 3.0, "Too expensive.", 4.0, objection="price"),
                 Turn("rep", 4.0, 14.0, " ".join(["fast"] * 40)), Turn("rep", 14.5, 24.5, " ".join(["fast"] * 40))])
    for cue in ins.cues:
        if cue.type in feedback:
            ins.feedback(cue.id, feedback[cue.type], cue.t + 1)
    assert {c.type for c in ins.cues} >= {"objection_price", "pace"}
    return ins.finish(call_id, 27.0).to_dict()


def test_prior_dismissals_levels_and_helpful_offsets():
    dismissed_price = [_summary(f"c{i}", {"objection_price": "dismissed"}) for i in range(6)]
    assert prior_dismissals(dismissed_price[:2]) == {}
    assert prior_dismissals(dismissed_price[:3]) == {"objection_price": 1}
    assert prior_dismissals(dismissed_price) == {"objection_price": 2}
    assert prior_dismissals(dismissed_price, mute_after=2) == {"objection_price": 1}  # never starts muted
    helpful = [_summary("h", {"objection_price": "helpful"})]
    assert prior_dismissals(dismissed_price[:4] + helpful) == {}
    assert prior_dismissals([None, {}, {"cues": [{"type": 3}]}]) == {}


def test_prior_level_doubles_the_starting_cooldown():
    ins = CallInsight(CoachingSettings(cooldown_s=45.0), prior_dismissals={"pace": 1})
    assert ins.throttle.cooldown("pace") == 90.0 and ins.throttle.cooldown("objection_price") == 45.0


def test_build_insight_reads_feedback_from_the_local_store():
    from salesmind_desktop import app
    from salesmind_desktop.store.local import LocalStore

    settings = Settings()
    assert app.build_insight(settings).throttle.dismissals == {}  # no store yet: nothing created
    from salesmind_desktop.store.local import default_path

    assert not default_path().exists()
    store = LocalStore()
    for i in range(3):
        store.save_call(_summary(f"call-{i}", {"pace": "dismissed"}))
    store.close()
    ins = app.build_insight(settings)
    assert ins.throttle.dismissals == {"pace": 1}
    assert ins.throttle.cooldown("pace") == 2 * settings.coaching.cooldown_s
