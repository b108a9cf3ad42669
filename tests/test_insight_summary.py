"""The post-call summary: schema, round trip, causes in plain words, renderings."""

import json

import jsonschema
import pytest

from salesmind_desktop.errors import ConfigError
from salesmind_desktop.insight.call import CallInsight
from salesmind_desktop.insight.context import CustomerContext
from salesmind_desktop.insight.scripted import Turn, replay
from salesmind_desktop.insight.summary import CallSummary, load_schema, validate

LATE_SPIKE = [
    Turn("rep", 0.5, 3.5, "Hi Lena, thanks for the time. How is the rollout going?"),
    Turn("customer", 4.0, 7.0, "It's going okay. Most of the team is set up now.", 5.5),
    Turn("rep", 7.5, 10.0, "Good. Any questions from the team so far?"),
    Turn("customer", 10.5, 13.0, "A few asked how to export their timesheets.", 5.5),
    Turn("rep", 13.5, 17.0, "Also, from next month the storage add-on is billed separately."),
    Turn("customer", 192.0, 195.0, "Why am I paying for features I never asked for?", 1.2, objection="price"),
    Turn("rep", 195.5, 199.0, "Fair point. Since you don't use the add-on, I'll remove it from your plan."),
    Turn("customer", 199.5, 202.0, "Okay, good. That works for me.", 7.8),
    Turn("rep", 202.5, 204.0, "Done. Anything else?"),
    Turn("customer", 204.5, 207.0, "No, that's all for now. Thanks.", 7.0),
]


@pytest.fixture
def summary():
    ins = CallInsight(context=CustomerContext(customer_id="c-42", name="Lena", industry="saas"))
    replay(ins, LATE_SPIKE)
    return ins.finish("late_spike", 210.0)


def test_summary_validates_against_the_json_schema_and_round_trips(summary):
    data = summary.to_dict()
    validate(data)
    assert list(data)[0] == "schema_version" and data["schema_version"].startswith("1.")
    again = CallSummary.from_dict(json.loads(json.dumps(data)))
    assert again == summary
    assert again.customer_id == "c-42" and again.industry == "saas"


def test_schema_rejects_a_broken_summary(summary):
    data = summary.to_dict()
    data["ess"]["overall"] = 12
    with pytest.raises(jsonschema.ValidationError):
        validate(data)
    bad = summary.to_dict()
    del bad["talk"]["interruptions"]
    with pytest.raises(jsonschema.ValidationError):
        validate(bad)


def test_from_dict_refuses_another_major_version_and_garbage(summary):
    data = summary.to_dict()
    data["schema_version"] = "2.0"
    with pytest.raises(ConfigError, match="schema version 2.0"):
        CallSummary.from_dict(data)
    with pytest.raises(ConfigError, match="missing or has a bad field"):
        CallSummary.from_dict({"schema_version": "1.0", "call_id": "x"})
    newer = summary.to_dict()
    newer["schema_version"] = "1.7"
    newer["future_field"] = 1
    newer["utterances"][0]["future"] = True
    assert CallSummary.from_dict(newer).call_id == "late_spike"


def test_price_spike_is_a_key_moment_with_its_cause_in_plain_words(summary):
    spikes = [k for k in summary.key_moments if k.kind == "negative_spike"]
    assert len(spikes) == 1
    assert spikes[0].t == 192.0
    assert "03:12" in spikes[0].text and spikes[0].cause == "price objection, after billing"
    assert any(k.kind == "recovery" for k in summary.key_moments)
    assert summary.objections[0].type == "price" and summary.objections[0].resolved is True
    assert summary.ess.min == 1.2 and summary.ess.min_t == 192.0


def test_cue_effect_and_advice(summary):
    price = [c for c in summary.cues if c.type == "objection_price"]
    assert len(price) == 1
    assert price[0].ess_before is not None and price[0].improved is True
    assert any("price objection" in w for w in summary.went_well)
    assert summary.talk.rep_questions >= 2


def test_all_fields_required_by_analyze_are_present(summary):
    data = summary.to_dict()
    for key in ("call_id", "duration_s", "ess", "utterances", "objections", "key_moments", "talk", "cues", "badge"):
        assert key in data
    assert set(data["ess"]) >= {"overall", "min", "final", "trend"}
    u = data["utterances"][1]
    assert set(u) >= {"id", "channel", "start", "end", "text", "sentiment", "emotion", "objection", "ess",
                      "mixed_signal", "why"}
    assert set(data["cues"][0]) >= {"t", "type", "text", "reason"}
    assert set(data["talk"]) >= {"rep_share", "customer_share", "rep_wpm", "customer_wpm",
                                 "longest_rep_monologue_s", "interruptions"}
    assert data["badge"][0] == {"t": 0.0, "state": "green"}
    assert load_schema()["required"][0] == "schema_version"


def test_text_rendering_shows_scores_moments_and_transcript(summary):
    text = summary.to_text()
    assert "ESS overall" in text and "min 1.2 at 03:12" in text
    assert "03:12  negative spike" in text
    assert "price" in text and "talk ratio rep" in text
    assert "CUST  1.2 negative/irritated [price]  Why am I paying" in text
    assert "Try next time" in text or "What went well" in text


def test_markdown_rendering_has_sections_and_escapes_pipes():
    ins = CallInsight()
    replay(ins, [Turn("customer", 0.0, 3.0, "a | b costs too much", 2.0, objection="price")])
    md = ins.finish("md", 5.0).to_markdown()
    for heading in ("# Call summary: md", "## Key moments", "## Objections", "## Talk", "## Cues shown",
                    "## What went well", "## Try next time", "## Transcript"):
        assert heading in md
    assert "a \\| b costs" in md


def test_empty_call_gives_a_valid_neutral_summary():
    s = CallInsight().finish("empty", 12.0)
    validate(s.to_dict())
    assert s.ess.overall == 5.0 and s.ess.trend == "n/a" and s.utterances == () and s.cues == ()
    assert "(none)" in s.to_text()


def test_nan_and_out_of_range_scores_from_an_engine_stay_out_of_the_summary():
    from dataclasses import replace

    from salesmind_desktop.insight.scripted import utterance

    ins = CallInsight()
    u = utterance(1, "customer", 0.0, 3.0, "Hmm.", 5.0)
    ins.on_utterance(replace(u, fused=replace(u.fused, ess=float("nan"), valence=3.0, confidence=float("inf"))))
    ins.on_utterance(replace(utterance(2, "customer", 4.0, 6.0, "Great!", 5.0),
                             fused=replace(u.fused, ess=14.0)))
    s = ins.finish("nan", 8.0)
    validate(s.to_dict())
    assert [x.ess for x in s.utterances] == [5.0, 10.0] and s.utterances[0].valence == 1.0
    assert 0.0 <= s.ess.overall <= 10.0


def test_unknown_objection_label_is_treated_as_none():
    from dataclasses import replace

    from salesmind_desktop.events import ObjectionResult
    from salesmind_desktop.insight.scripted import utterance

    ins = CallInsight()
    u = utterance(1, "customer", 0.0, 3.0, "Budget is tight.", 4.0)
    ins.on_utterance(replace(u, objection=ObjectionResult("budget", 0.9)))
    s = ins.finish("odd", 5.0)
    validate(s.to_dict())
    assert s.objections == () and s.utterances[0].objection == "none" and s.cues == ()


def test_favourable_theme_mention_is_not_an_objection_in_the_summary():
    turns = [Turn("rep", 0.5, 3.0, "The annual plan is twelve thousand."),
             Turn("customer", 3.5, 6.5, "That's well within what we set aside.", 8.5, objection="price"),
             Turn("rep", 7.0, 9.0, "Great. Anything on the terms?"),
             Turn("customer", 9.5, 12.0, "The renewal clause makes me a bit nervous.", 3.5, objection="contract")]
    ins = CallInsight()
    replay(ins, turns)
    s = ins.finish("fav", 15.0)
    validate(s.to_dict())
    assert [o.type for o in s.objections] == ["contract"]
    spike = [m for m in s.key_moments if m.kind == "negative_spike"]
    assert len(spike) == 1 and spike[0].cause.startswith("contract objection")
    peak = [m for m in s.key_moments if m.kind == "peak"]
    assert peak and "objection" not in peak[0].cause  # the favourable price line is the peak, not an objection
    assert not any("price objection" in m.text or "price objection" in (m.cause or "") for m in s.key_moments)
    assert [c.type for c in s.cues if c.type.startswith("objection_")] == ["objection_contract"]
    assert s.utterances[1].objection == "price"  # the record keeps the theme tag
