"""Objection tagging: pattern tagger units and the default tagger's contract."""

from __future__ import annotations

import pytest

from salesmind_desktop.emotion.objections import PatternObjectionTagger, build_default_tagger, pattern_hits
from salesmind_desktop.events import OBJECTIONS, ObjectionResult


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("That is way too expensive for us.", "price"),
        ("We already use HubSpot and it works.", "competitor"),
        ("I need to run this by my CFO first.", "authority"),
        ("Call me back next quarter.", "timing"),
        ("We are locked into a contract until March.", "contract"),
        ("Honestly I do not see the need for this.", "need"),
        ("How do I know this is not just a sales pitch?", "trust"),
        ("Sounds great, thanks!", "none"),
        ("", "none"),
    ],
)
def test_pattern_tagger_types(text: str, expected: str) -> None:
    result = PatternObjectionTagger().tag(text)
    assert isinstance(result, ObjectionResult)
    assert result.type == expected
    assert 0.0 <= result.confidence <= 1.0
    assert (result.evidence != "") == (expected != "none")


def test_patterns_cover_every_objection_type() -> None:
    from salesmind_desktop.emotion.objections import _PATTERNS

    assert set(_PATTERNS) | {"none"} == set(OBJECTIONS)


def test_evidence_is_a_phrase_of_the_text() -> None:
    text = "ok so the thing is the price is too high for a small shop like ours and we would need a discount"
    hit = pattern_hits(text)[0]
    assert hit.type == "price"
    assert hit.evidence in text and len(hit.evidence) < 80


def test_default_tagger_returns_known_types(tmp_path) -> None:
    tagger = build_default_tagger()
    for text in ("too pricey", "we're good, thanks", "our contract renews in june"):
        assert tagger.tag(text).type in OBJECTIONS


def test_default_tagger_without_model_falls_back_to_patterns(tmp_path) -> None:
    assert isinstance(build_default_tagger(tmp_path), PatternObjectionTagger)


# ------------------------------------------------------------------ the model-based tagger (real ONNX)

# Paraphrases that share no trigger phrase with the pattern lists, written for this test.
PARAPHRASES = [
    ("Honestly that number would eat our entire tooling allowance for the year.", "price"),
    ("Ping me again once the dust settles after our office move in autumn.", "timing"),
    ("The folks at Insightly gave us nearly the same package last month.", "competitor"),
    ("Our managing partner signs anything like this, not me.", "authority"),
    ("We get by perfectly well with a shared calendar and a notebook.", "need"),
    ("Your company is two years old, what happens to our records if you fold?", "trust"),
    ("Our lawyers won't accept an uncapped indemnity in the agreement.", "contract"),
    ("The walkthrough was clear and my colleagues enjoyed it.", "none"),
]


@pytest.fixture(scope="module")
def model_tagger():
    from salesmind_desktop.emotion.objections import ModelObjectionTagger
    from salesmind_desktop.emotion.text import load_text_model

    return ModelObjectionTagger(load_text_model())


@pytest.mark.slow
def test_default_tagger_uses_the_model_when_installed() -> None:
    from salesmind_desktop.emotion.objections import ModelObjectionTagger

    assert isinstance(build_default_tagger(), ModelObjectionTagger)


@pytest.mark.slow
def test_model_tagger_generalises_beyond_patterns(model_tagger) -> None:
    patterns = PatternObjectionTagger()
    model_right = sum(model_tagger.tag(text).type == kind for text, kind in PARAPHRASES)
    pattern_right = sum(patterns.tag(text).type == kind for text, kind in PARAPHRASES)
    assert model_right >= 6, [(t, model_tagger.tag(t).type) for t, _ in PARAPHRASES]
    assert model_right > pattern_right


@pytest.mark.slow
@pytest.mark.parametrize(
    "text", ["Sounds great, thank you!", "Can we export the call notes to PDF?", "Sorry, my train just went into a tunnel."],
)
def test_lines_about_no_buying_theme_are_none(model_tagger, text: str) -> None:
    assert model_tagger.tag(text).type == "none"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "theme"),
    [("The price you quoted is fair, let's do it.", "price"), ("Leaving our old vendor for you was a great move.", "competitor")],
)
def test_favourable_theme_mentions_are_tagged_with_the_theme_and_read_positive(model_tagger, text: str, theme: str) -> None:
    """Guideline (docs/text-emotion.md): the head names the theme; the positive sentiment is what
    keeps coaching and the summary from calling it an objection (insight.coach.counts_as_objection)."""
    from salesmind_desktop.emotion.hybrid import HybridTextEngine
    from salesmind_desktop.emotion.text import TransformerTextEngine
    from salesmind_desktop.emotion.vader import VaderEngine

    assert model_tagger.tag(text).type == theme
    assert HybridTextEngine(TransformerTextEngine(model_tagger._model), VaderEngine()).score(text).sentiment == "positive"


@pytest.mark.slow
def test_model_tagger_result_shape(model_tagger) -> None:
    result = model_tagger.tag("That is way too expensive for a team our size.")
    assert result.type == "price"
    assert 0.0 < result.confidence <= 1.0
    assert result.confidence <= result.presence <= 1.0  # P(not none) covers the type's own probability
    assert "expensive" in result.evidence
    assert model_tagger.tag("").type == "none" and model_tagger.tag("").presence is None
