"""ASR text preprocessing: disfluency removal keeps meaning; chunking respects the token budget."""

from __future__ import annotations

import pytest

from salesmind_desktop.emotion.preprocess import chunk_for_model, clean, remove_disfluencies, split_sentences


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("um I I think uh the price is, you know, too high", "I think the price is too high"),
        ("uh yeah that that sounds really good", "yeah that sounds really good"),
        ("we we we need to check with the the boss", "we need to check with the boss"),
        ("Uh-huh, sure", "sure"),
        ("you know, it is fine", "it is fine"),
        ("hmm okay", "okay"),
        ("I mean, this is not great", "this is not great"),
        ("ummm errr the demo was fine", "the demo was fine"),
    ],
)
def test_removes_fillers_and_repeats(raw: str, expected: str) -> None:
    assert remove_disfluencies(raw) == expected


@pytest.mark.parametrize(
    "kept",
    [
        "do you know what the price is",  # "you know" inside a question is not a filler
        "I mean it, this is not acceptable",  # "I mean" without a comma carries meaning
        "I don't think this is bad at all",  # negation untouched
        "the umbrella policy covers the hummer",  # words that start like fillers
        "oh great, another outage",  # sarcasm-prone phrasing left for the model
    ],
)
def test_keeps_meaningful_words(kept: str) -> None:
    assert remove_disfluencies(kept) == kept


def test_clean_handles_empty_and_none() -> None:
    assert clean("") == ""
    assert clean(None) == ""  # type: ignore[arg-type]
    assert clean("  um  uh  ") == ""


def test_split_sentences() -> None:
    assert split_sentences("Hi there. Is it ready? Yes!") == ["Hi there.", "Is it ready?", "Yes!"]
    assert split_sentences("no punctuation from the asr at all") == ["no punctuation from the asr at all"]


def _words(text: str) -> int:
    return len(text.split()) + 2  # a stand-in tokenizer: one token per word plus [CLS]/[SEP]


def test_chunks_stay_under_budget_and_keep_every_word() -> None:
    text = " ".join(f"Sentence number {i} is here." for i in range(60))
    chunks = chunk_for_model(text, _words, max_tokens=20)
    assert len(chunks) > 1
    assert all(_words(c) <= 20 for c in chunks)
    assert " ".join(chunks).split() == text.split()


def test_overlong_sentence_is_cut_on_words() -> None:
    text = " ".join(["word"] * 100)
    chunks = chunk_for_model(text, _words, max_tokens=30)
    assert all(_words(c) <= 30 for c in chunks)
    assert sum(len(c.split()) for c in chunks) == 100


def test_short_text_is_one_chunk() -> None:
    assert chunk_for_model("That's too expensive.", _words) == ["That's too expensive."]
    assert chunk_for_model("", _words) == []
