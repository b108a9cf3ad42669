"""Clean ASR/chat text before it reaches a text emotion model.

Speech transcripts carry fillers ("um", "uh", "you know" used as a filler), stutters and
restarts ("I I think", "the the"), and run-on monologues. This module removes the disfluencies
and cuts long text into sentence chunks that fit the model's token budget. It deliberately does
**not** touch negation ("not", "n't"), intensifiers or sarcasm-prone phrasing: those carry
meaning the model has learned to read, and a word list would get them wrong.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# Pure fillers: never meaningful in a sales call transcript.
_FILLERS = r"uh[- ]huh|um[- ]hmm|u+m+|u+h+m*|e+r+m*|a+h+|hm+|mhm"
_FILLER_RE = re.compile(rf"(?<![\w'])(?:{_FILLERS})(?![\w'])[,.]?\s*", re.IGNORECASE)

# "you know" / "I mean" / "like" as fillers: only when set off as a parenthetical (commas, or at
# the start of the utterance followed by a comma/space), never "do you know", "I mean it".
_YOU_KNOW_RE = re.compile(r",\s*you know\s*,|(?:^|(?<=[.;!?]\s))\s*you know,|,\s*you know(?=[.!?]|$)", re.IGNORECASE)
_I_MEAN_RE = re.compile(r"(?:^|(?<=[,.;!?]\s))\s*i mean,\s*", re.IGNORECASE)
_LIKE_RE = re.compile(r",\s*like,\s*", re.IGNORECASE)

# Immediate repetitions of one to three words: "I I think", "we we we", "it's it's", "to the to the".
_REPEAT_RE = re.compile(r"\b((?:[\w']+[\s,]+){0,2}[\w']+)(?:[\s,]+\1\b)+", re.IGNORECASE)

_SPACES_RE = re.compile(r"\s+")
_SPACE_PUNCT_RE = re.compile(r"\s+([,.;!?])")
_DOUBLE_PUNCT_RE = re.compile(r"([,;])\s*(?=[,.;!?])")
_SENTENCE_RE = re.compile(r"(?<=[.!?])\s+")


def remove_disfluencies(text: str) -> str:
    """Drop fillers and repeated words; keep everything that carries meaning.

    >>> remove_disfluencies("um I I think uh the price is, you know, too high")
    'I think the price is too high'
    """
    out = _FILLER_RE.sub("", text)
    out = _YOU_KNOW_RE.sub(" ", out)
    out = _I_MEAN_RE.sub("", out)
    out = _LIKE_RE.sub(" ", out)
    out = _REPEAT_RE.sub(r"\1", out)
    out = _DOUBLE_PUNCT_RE.sub("", out)
    out = _SPACE_PUNCT_RE.sub(r"\1", out)
    out = _SPACES_RE.sub(" ", out).strip(" ,")
    return out


def split_sentences(text: str) -> list[str]:
    """Split on sentence-final punctuation; unpunctuated ASR text stays one piece."""
    return [s for s in (p.strip() for p in _SENTENCE_RE.split(text)) if s]


def chunk_for_model(text: str, count_tokens: Callable[[str], int], max_tokens: int = 128) -> list[str]:
    """Sentences packed greedily into chunks of at most `max_tokens` model tokens.

    A single sentence longer than the budget is cut on word boundaries. `count_tokens` counts a
    string's tokens including the model's special tokens.
    """
    chunks: list[str] = []
    current = ""
    for sentence in split_sentences(text):
        for piece in _cut_long(sentence, count_tokens, max_tokens):
            candidate = f"{current} {piece}".strip()
            if current and count_tokens(candidate) > max_tokens:
                chunks.append(current)
                current = piece
            else:
                current = candidate
    if current:
        chunks.append(current)
    return chunks


def _cut_long(sentence: str, count_tokens: Callable[[str], int], max_tokens: int) -> list[str]:
    if count_tokens(sentence) <= max_tokens:
        return [sentence]
    pieces: list[str] = []
    words: list[str] = []
    for word in sentence.split():
        if words and count_tokens(" ".join([*words, word])) > max_tokens:
            pieces.append(" ".join(words))
            words = []
        words.append(word)
    if words:
        pieces.append(" ".join(words))
    return pieces


def clean(text: str) -> str:
    """What every text engine scores: disfluencies removed, whitespace normalised."""
    return remove_disfluencies(text or "")
