"""Find digit strings that ASR wrote out as words ("four one one one", "double five", "oh").

`spoken_digit_runs(text)` returns `(start, end, digits)` for each run of number words (and
written digit groups mixed in), so the masker can validate and replace them like written numbers.
"oh"/"o" count as zero only next to other number words, so "oh, I see" is left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

UNITS = {"zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
         "seven": "7", "eight": "8", "nine": "9", "niner": "9"}
ZERO_ALIASES = {"oh", "o", "nought", "nil"}
TEENS = {"ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14",
         "fifteen": "15", "sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19"}
TENS = {"twenty": "2", "thirty": "3", "forty": "4", "fifty": "5", "sixty": "6", "seventy": "7",
        "eighty": "8", "ninety": "9"}
REPEAT = {"double": 2, "triple": 3}
SCALE = {"hundred": "00", "thousand": "000"}

_TOKEN = re.compile(r"[A-Za-z]+|\d+|[^\sA-Za-z\d]")
_JOINERS = {",", "-", ".", "/"}  # punctuation ASR puts between spoken digit groups


@dataclass(frozen=True)
class _Tok:
    text: str
    start: int
    end: int


def _is_number_word(word: str) -> bool:
    w = word.lower()
    return w in UNITS or w in TEENS or w in TENS or w in REPEAT or w in SCALE or w in ZERO_ALIASES or w.isdigit()


def _digit_of(word: str) -> str | None:
    w = word.lower()
    if w in UNITS:
        return UNITS[w]
    if w in ZERO_ALIASES:
        return "0"
    return None


def _convert(words: list[str]) -> str:
    """Digits spoken by `words` (all number words), read the way people say phone/card numbers."""
    out: list[str] = []
    i = 0
    while i < len(words):
        w = words[i].lower()
        if w.isdigit():
            out.append(w)
        elif w in REPEAT:
            nxt = _digit_of(words[i + 1]) if i + 1 < len(words) else None
            if nxt is not None:
                out.append(nxt * REPEAT[w])
                i += 1
        elif w in TEENS:
            out.append(TEENS[w])
        elif w in TENS:
            nxt = words[i + 1].lower() if i + 1 < len(words) else ""
            if nxt in UNITS and nxt != "zero":
                out.append(TENS[w] + UNITS[nxt])
                i += 1
            else:
                out.append(TENS[w] + "0")
        elif w in SCALE:
            if out:  # "eight hundred" -> 800; a bare "hundred" adds nothing
                out.append(SCALE[w])
        else:
            digit = _digit_of(w)
            if digit is not None:
                out.append(digit)
        i += 1
    return "".join(out)


def _digit_groups(text: str, words: list[_Tok]) -> bool:
    """ASR wrote the digits as groups ("5500, oh, 5500, 5500"): 8+ digits, not a thousands-grouped amount."""
    raw = text[words[0].start:words[-1].end]
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+", raw):
        return False
    digits = [w.text for w in words if w.text.isdigit()]
    groups = [len(d) for d in digits]
    if digits and all(re.fullmatch(r"(?:19|20)\d\d", d) for d in digits):
        return False  # "2019, 2020, 2021" are years
    alias = any(w.text.lower() in ZERO_ALIASES | set(REPEAT) for w in words)
    id_like = alias or max(groups, default=0) >= 4 or (len(groups) >= 4 and min(groups) >= 3)
    return sum(groups) >= 8 and ("," in raw or alias) and id_like  # "10, 25, 50, 100" is a list


def spoken_digit_runs(text: str, min_words: int = 3) -> list[tuple[int, int, str]]:
    """Runs of at least `min_words` number tokens with a spelled-out word, or digit groups ASR joined
    with commas/"oh" (8+ digits)."""
    toks = [_Tok(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    runs: list[tuple[int, int, str]] = []
    i = 0
    while i < len(toks):
        if not _is_number_word(toks[i].text) or toks[i].text.lower() in ZERO_ALIASES | set(REPEAT) | set(SCALE):
            i += 1
            continue
        words: list[_Tok] = []
        # also accept a leading "oh"/"double" just before i
        while i > 0 and toks[i - 1].text.lower() in ZERO_ALIASES | set(REPEAT):
            i -= 1
        j = i
        while j < len(toks):
            t = toks[j].text
            if _is_number_word(t):
                words.append(toks[j])
                j += 1
            elif t in _JOINERS and j + 1 < len(toks) and _is_number_word(toks[j + 1].text) and words:
                j += 1
            else:
                break
        # trailing "oh"/"o"/"double"/"hundred" alone at the end: keep "oh" (a zero), drop dangling "double"
        while words and words[-1].text.lower() in REPEAT:
            words.pop()
        spelled = [w for w in words if not w.text.isdigit()]
        has_real_word = any(w.text.lower() not in ZERO_ALIASES for w in spelled)
        amount = any(w.text.lower() == "thousand" for w in words)  # "fifty thousand" is money, not an id
        long_pair = len(words) == 2 and sum(len(w.text) for w in words if w.text.isdigit()) >= 12
        if (len(words) >= min_words or long_pair) and not amount and (has_real_word or _digit_groups(text, words)):
            runs.append((words[0].start, words[-1].end, _convert([w.text for w in words])))
        i = max(j, i + 1)
    return runs
