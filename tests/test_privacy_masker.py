"""PII masker: each detector, the validity checks, spoken digits, and the labelled evaluation."""

from __future__ import annotations

from pathlib import Path

import pytest

from salesmind_desktop.privacy.evaluate import evaluate, load_cases
from salesmind_desktop.privacy.masker import find_pii, iban_ok, luhn_ok, mask, mask_obj
from salesmind_desktop.privacy.spoken import spoken_digit_runs

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize("text, expected", [
    ("card 4111 1111 1111 1111 ok", "card [CARD] ok"),
    ("mail jane.doe@example.com now", "mail [EMAIL] now"),
    ("it's jane dot doe at example dot com", "it's [EMAIL]"),
    ("call +44 20 7946 0958", "call [PHONE]"),
    ("IBAN GB82 WEST 1234 5698 7654 32 please", "IBAN [IBAN] please"),
    ("SSN 123-45-6789", "SSN [NATIONAL_ID]"),
    ("NI AB 12 34 56 C", "NI [NATIONAL_ID]"),
    ("four one one one one one one one one one one one one one one one", "[CARD]"),
    ("double five double five one two three four", "[PHONE]"),
    ("my social is one two three four five six seven eight nine", "my social is [NATIONAL_ID]"),
    ("Bring me back on 6 4 6 5 5 5 1 2 1 2 thanks", "Bring me back on [PHONE] thanks"),  # Whisper's spacing
    ("call 646. 555. 1 2 1 2 tomorrow", "call [PHONE] tomorrow"),
    ("Hi Jenny, this is Marco from Acme.", "Hi [NAME], this is [NAME] from Acme."),
    ("Send it to 221 Baker Street, London NW1 6XE.", "Send it to [ADDRESS], London [ADDRESS]."),
])
def test_masks_each_kind(text, expected):
    assert mask(text) == expected


@pytest.mark.parametrize("text", [
    "It costs $1,250 per seat.", "Renewal on 2025-03-31 at 10:30.", "Oh, I see, one or two options.",
    "Fifty thousand dollars is too much.", "We have 150 users.", "It is 12.99 per user.",
    "We met in 2019. 300 people came.", "It is 1 2 3 easy.", "I'm happy with it.", "Thanks again, really.",
])
def test_leaves_ordinary_numbers_alone(text):
    assert mask(text) == text


def test_luhn_and_iban_checks_reject_near_misses():
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")
    assert iban_ok("GB82 WEST 1234 5698 7654 32") and not iban_ok("GB83 WEST 1234 5698 7654 32")
    # a 16-digit number failing Luhn is not called a card, but it is still masked
    assert [f.kind for f in find_pii("number 4111 1111 1111 1112")] != ["CARD"]
    assert "1112" not in mask("number 4111 1111 1111 1112")


def test_spoken_runs_read_oh_double_and_tens():
    runs = spoken_digit_runs("call oh seven seven double oh, twelve thirty four please")
    assert [r[2] for r in runs] == ["07700" + "1234"]
    assert spoken_digit_runs("oh, I see") == []


def test_mask_obj_masks_text_but_not_ids():
    data = {"call_id": "4111111111111111", "customer_id": "jane@example.com",
            "utterances": [{"text": "jane@example.com", "channel": "customer", "ess": 4.0}]}
    out = mask_obj(data)
    assert out["call_id"] == data["call_id"] and out["customer_id"] == data["customer_id"]
    assert out["utterances"][0] == {"text": "[EMAIL]", "channel": "customer", "ess": 4.0}
    assert data["utterances"][0]["text"] == "jane@example.com"  # input untouched


@pytest.mark.parametrize("name", ["pii_cases.tsv", "pii_cases_holdout.tsv", "pii_cases_names.tsv"])
def test_precision_and_recall_on_labelled_cases(name):
    cases = load_cases(DATA / name)
    assert len(cases) >= 25
    scores = evaluate(cases, strict=True)
    assert scores.precision >= 0.95, scores.errors
    assert scores.recall >= 0.95, scores.errors
