"""PII masking applied before anything is written to disk or sent to the CRM.

`mask(text)` replaces personal data with typed placeholders:

* `[EMAIL]` - written (`a.b@c.com`) and spoken (`john dot smith at gmail dot com`) addresses
* `[CARD]` - 13-19 digit card numbers that pass the Luhn check (written or spoken)
* `[IBAN]` - IBANs that pass the ISO 13616 mod-97 check
* `[NATIONAL_ID]` - US SSN (`123-45-6789`, or 9 spoken digits after "social"/"SSN"), UK NI numbers
* `[PHONE]` - 7-15 digit phone numbers (written with separators/`+`, or spoken digit strings)
* `[NUMBER]` - any other run of 6+ digits (account, order or policy numbers; unchecked card-like
  numbers): masked rather than leaked
* `[NAME]` - personal names the conversation marks as names (introductions, titles, greetings;
  `privacy.names`)
* `[ADDRESS]` - street addresses, UK postcodes, cued ZIP codes

Spoken digit strings from ASR ("four one one one ...", "double five", "oh") are read by
`privacy.spoken`. Money amounts, dates, times and small numbers are left alone. `mask_obj` masks
every free-text string inside a summary dict while leaving ids, enums and numbers untouched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from salesmind_desktop.privacy.names import address_spans, name_spans
from salesmind_desktop.privacy.spoken import spoken_digit_runs

PLACEHOLDERS = ("EMAIL", "CARD", "IBAN", "NATIONAL_ID", "PHONE", "NUMBER", "ADDRESS", "NAME")

_EMAIL = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
_TLD = r"(?:com|org|net|edu|gov|io|co|uk|de|fr|es|it|nl|ie|us|ca|au|info|biz)"
_SPOKEN_EMAIL = re.compile(
    rf"\b[A-Za-z0-9]+(?:\s+(?:dot|underscore|dash)\s+[A-Za-z0-9]+)*\s+at\s+[A-Za-z0-9]+"
    rf"(?:\s+dot\s+[A-Za-z0-9]+)*\s+dot\s+{_TLD}\b", re.IGNORECASE)
# "mary at northwind.com" (ASR wrote the domain): only after an e-mail cue, "look at google.com" stays
_AT_DOMAIN_EMAIL = re.compile(
    rf"\b(?:e-?mail|mail|address|write|send|contact|reach)\b[^.!?\n]{{0,25}}?\b"
    rf"(?!(?:me|us|him|her|them|you)\s)([A-Za-z0-9._-]+\s+at\s+[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.{_TLD})\b", re.IGNORECASE)
# "my email is john.smiths.com" (ASR dropped the "at"): a domain-like token right after an e-mail cue
_CUED_EMAIL = re.compile(
    rf"\be-?mail(?:\s+address)?(?:\s+is|:)?\s+([A-Za-z0-9._%+-]+(?:@[A-Za-z0-9.-]+)?\.{_TLD})\b", re.IGNORECASE)
_IBAN = re.compile(r"\b[A-Za-z]{2}\d{2}(?:[ ]?[A-Za-z0-9]){11,30}\b")
_SSN = re.compile(r"\b(?!000|666|9\d\d)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}\b")
_NINO = re.compile(r"\b(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
                   r"\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b", re.IGNORECASE)
_DIGITS = re.compile(r"(?<![\w$£€.,])(?:\+\s?)?(?:\(\d{1,5}\)[\s.-]?)?\d(?:[\s.-]?\(?\d\)?)+(?![\w%])")
# a US number as Whisper writes a spoken one: "646. 555. 1 2 1 2" (3 + 3 + 4 digits)
_DOTTED_PHONE = re.compile(r"(?<![\w.,])\d{3}\.\s\d{3}\.\s\d(?:\s?\d){3}(?![\w%])")
_GROUPED = re.compile(r"(?<![\w.,])\d{1,3}(?:,\d{3}){3,}(?![\w%]|,\d)")  # ASR's "4,111,111,111,111,111"
_DATE = re.compile(r"^\d{4}[-./]\d{1,2}[-./]\d{1,2}$|^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$")
_REF_CONTEXT = re.compile(r"(order|policy|reference|ref|account|invoice|ticket|member|case)\W+(?:number|no|#)?\W*(?:is\W+)?$",
                          re.IGNORECASE)
_ID_CONTEXT = re.compile(r"(social|ssn|security number|national insurance|\bni\b|tax id)", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    kind: str  # one of PLACEHOLDERS
    start: int
    end: int
    text: str


def luhn_ok(digits: str) -> bool:
    if not digits.isdigit() or len(digits) < 2:
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def iban_ok(candidate: str) -> bool:
    s = candidate.replace(" ", "").upper()
    if not (15 <= len(s) <= 34) or not s[:2].isalpha() or not s[2:4].isdigit():
        return False
    moved = s[4:] + s[:4]
    try:
        number = int("".join(str(int(ch, 36)) for ch in moved))
    except ValueError:
        return False
    return number % 97 == 1


def _classify_digits(digits: str, before: str, spoken: bool) -> str | None:
    """Placeholder type for a digit string, or None if it is not personal data."""
    n = len(digits)
    if 13 <= n <= 19 and luhn_ok(digits):
        return "CARD"
    if n == 9 and _ID_CONTEXT.search(before[-40:]):
        return "NATIONAL_ID"
    if n >= 6 and _REF_CONTEXT.search(before[-40:]):
        return "NUMBER"
    if 7 <= n <= 15 and not (13 <= n and not spoken and luhn_ok(digits)):
        return "PHONE"
    if n >= 6:
        return "NUMBER"
    return None


def _written_numbers(text: str) -> list[Finding]:
    found: list[Finding] = []
    for m in _DIGITS.finditer(text):
        raw = m.group()
        digits = re.sub(r"\D", "", raw)
        if _DATE.match(raw.strip()) or re.fullmatch(r"\d{1,2}[.:]\d{2}", raw):
            continue
        if re.fullmatch(r"\d+\.\d+", raw):  # a decimal amount, not an id
            continue
        kind = _classify_digits(digits, text[: m.start()], spoken=False)
        if kind == "PHONE" and len(digits) < 10 and not re.search(r"[\s.()+-]", raw) and len(digits) < 7:
            continue
        if kind:
            found.append(Finding(kind, m.start(), m.end(), raw))
    return found


def _grouped_numbers(text: str) -> list[Finding]:
    """Digits ASR wrote with thousands separators: 10+ digits is no price, so it is checked as an id."""
    found = []
    for m in _GROUPED.finditer(text):
        if text[max(0, m.start() - 1):m.start()] in ("$", "£", "€"):
            continue
        kind = _classify_digits(m.group().replace(",", ""), text[: m.start()], spoken=False)
        if kind:
            found.append(Finding(kind, m.start(), m.end(), m.group()))
    return found


def find_pii(text: str) -> list[Finding]:
    """All PII spans in `text`, non-overlapping, in order (longer spans, then stronger types, win)."""
    candidates: list[Finding] = []
    for rx, kind in ((_EMAIL, "EMAIL"), (_SPOKEN_EMAIL, "EMAIL")):
        candidates += [Finding(kind, m.start(), m.end(), m.group()) for m in rx.finditer(text)]
    for rx in (_AT_DOMAIN_EMAIL, _CUED_EMAIL):
        candidates += [Finding("EMAIL", m.start(1), m.end(1), m.group(1)) for m in rx.finditer(text)]
    for m in _IBAN.finditer(text):
        raw = m.group()
        for end in range(len(raw), 14, -1):  # the regex is greedy: find the longest valid prefix
            if raw[end - 1] != " " and iban_ok(raw[:end]):
                candidates.append(Finding("IBAN", m.start(), m.start() + end, raw[:end]))
                break
    for rx in (_SSN, _NINO):
        candidates += [Finding("NATIONAL_ID", m.start(), m.end(), m.group()) for m in rx.finditer(text)]
    candidates += _written_numbers(text) + _grouped_numbers(text)
    candidates += [Finding("PHONE", m.start(), m.end(), m.group()) for m in _DOTTED_PHONE.finditer(text)]
    candidates += [Finding("ADDRESS", a, b, text[a:b]) for a, b in address_spans(text)]
    candidates += [Finding("NAME", a, b, text[a:b]) for a, b in name_spans(text)]
    for start, end, digits in spoken_digit_runs(text):
        kind = _classify_digits(digits, text[:start], spoken=True)
        if kind:
            candidates.append(Finding(kind, start, end, text[start:end]))
    rank = {k: i for i, k in enumerate(PLACEHOLDERS)}
    # the longest span wins an overlap (a whole spoken card over the digit group inside it), then the type
    candidates.sort(key=lambda f: (-(f.end - f.start), rank[f.kind], f.start))
    chosen: list[Finding] = []
    for f in candidates:
        if all(f.end <= c.start or f.start >= c.end for c in chosen):
            chosen.append(f)
    return sorted(chosen, key=lambda f: f.start)


def mask(text: str) -> str:
    """`text` with every PII span replaced by its `[TYPE]` placeholder."""
    if not text:
        return text
    out: list[str] = []
    pos = 0
    for f in find_pii(text):
        out.append(text[pos:f.start])
        out.append(f"[{f.kind}]")
        pos = f.end
    out.append(text[pos:])
    return "".join(out)


# Keys whose string values are identifiers or enums, never free text from the call.
STRUCTURAL_KEYS = frozenset({
    "call_id", "customer_id", "rep_id", "team", "schema_version", "type", "kind", "channel",
    "sentiment", "emotion", "objection", "state", "badge", "source", "started_at", "ended_at",
    "created_at", "id", "action", "language", "model", "day", "rep_day", "team_day", "synced_at",
})


def mask_obj(obj: Any, key: str | None = None) -> Any:
    """Deep copy of a JSON-like value with every free-text string masked."""
    if isinstance(obj, str):
        return obj if key in STRUCTURAL_KEYS else mask(obj)
    if isinstance(obj, dict):
        return {k: mask_obj(v, k) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [mask_obj(v, key) for v in obj]
    return obj
