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
