"""The playbook: shipped default, IT override, industry and CRM-context variants, clear errors."""

import pytest

from salesmind_desktop.errors import ConfigError
from salesmind_desktop.events import Cue
from salesmind_desktop.insight.call import CallInsight
from salesmind_desktop.insight.context import CustomerContext
from salesmind_desktop.insight.playbook import SITUATIONS, Playbook
from salesmind_desktop.insight.scripted import Turn, replay
from salesmind_desktop.settings import CoachingSettings


def test_shipped_playbook_covers_every_situation():
    pb = Playbook.load()
    for name in SITUATIONS:
        r = pb.render(name, {"share": "70 %", "seconds": "61", "wpm": "190", "count": "2", "ess": "3.9"})
        assert r.text and r.suggestion and "{" not in r.text + r.suggestion, name


def test_industry_and_context_variants():
    pb = Playbook.load()
    assert pb.render("objection_price", industry="saas").variant == "industry:saas"
    ctx = CustomerContext(past_objections=("price", "price"), past_ess=(7.0, 6.5, 4.0, 3.5), name="Tom")
    assert ctx.ess_trend == "declining" and ctx.recurring_objections == ("price",)
    assert pb.render("objection_price", context=ctx).variant == "raised_before"
    trend = pb.render("negative_trend", {"ess": "3.9"}, context=ctx)
    assert trend.variant == "declining" and "Tom" in trend.text
    assert pb.render("objection_timing", context=CustomerContext()).variant == "default"


def test_it_override_changes_only_what_it_names(tmp_path):
    f = tmp_path / "it.toml"
    f.write_text('[situations.objection_price]\ntext = "ACME rule: never discount over 10 %."\n')
    pb = Playbook.load(f)
    assert pb.render("objection_price").text == "ACME rule: never discount over 10 %."
    assert pb.render("objection_price").suggestion  # kept from the shipped default
    assert pb.render("pace", {"wpm": "200"}).text == Playbook.load().render("pace", {"wpm": "200"}).text


def test_cue_text_comes_from_the_configured_playbook(tmp_path):
    f = tmp_path / "it.toml"
    f.write_text('[situations.objection_price]\ntext = "Custom: {quote}"\n')
    ins = CallInsight(CoachingSettings(playbook=str(f)))
    cues = [e for e in replay(ins, [Turn("customer", 0.0, 2.0, "Too dear.", 4.0, objection="price")])
            if isinstance(e, Cue)]
    assert cues[0].text == "Custom: Too dear."


@pytest.mark.parametrize("content, message", [
    ("[situations.objection_price\ntext = 1", "not valid TOML"),
    ('[situations.objection_prize]\ntext = "x"\n', "unknown situation"),
    ('[situations.pace]\ntext = "Slow down {name}"\n', "unknown placeholder"),
    ('[situations.pace]\ntext = "Slow down {"\n', "bad placeholder syntax"),
    ('[situations.pace]\ntext = ""\n', "non-empty string"),
    ('[situations.pace]\ntxt = "x"\n', "unknown key"),
    ('[situations.pace.variants.angry]\ntext = "x"\n', "unknown variant"),
    ('version = 2\n', "not supported"),
])
def test_broken_playbook_gives_a_clear_error(tmp_path, content, message):
    f = tmp_path / "bad.toml"
    f.write_text(content)
    with pytest.raises(ConfigError, match=message) as info:
        CallInsight(CoachingSettings(playbook=str(f)))
    assert str(f) in info.value.message and info.value.fix


def test_missing_playbook_file(tmp_path):
    with pytest.raises(ConfigError, match="does not exist") as info:
        Playbook.load(tmp_path / "nope.toml")
    assert "coaching.playbook" in info.value.fix
