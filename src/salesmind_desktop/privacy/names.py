"""Names and postal addresses in call transcripts, found from the words around them.

There is no named-entity model on board, so a name is masked where the conversation marks it as
one: an introduction ("my name is Dana Whitfield", "this is Marco from Acme", "I'm Priya with
the IT team"), a title ("Ms. Okafor"), being asked for or put through ("ask for Tom", "speak to
Lena"), or a greeting or thanks addressed to someone ("Hi Jenny", "thanks, Raj"). The name itself
must be capitalised, as Whisper writes names; common words after a greeting ("hi there", "thanks
again") are not names. A name said with no such cue is not found (documented in docs/crm.md).

Addresses: a house number, up to three capitalised words and a street type ("221 Baker Street",
"1600 Amphitheatre Parkway, Suite 200") and UK postcodes ("SW1A 1AA", which narrow a home down to
a few houses). A US ZIP code alone covers thousands of homes and stays, as in the labelled cases.
"""

from __future__ import annotations

import re

_NAME = r"[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?"
_FULL_NAME = rf"{_NAME}(?:\s+(?:[A-Z]\.\s+)?{_NAME})?"
_NOT_NAMES = frozenset("""
    There Team All Everyone Everybody Again So Very For Guys Folks Both Sir Madam Maam I Okay Ok Yes No The
    That This It We You Great Good Sure Much Lot Bye Hello Hi Hey Thanks Thank Well Oh Um Uh Right Just Now
    Then And But Or Of Mate Buddy Man Anyway Honestly Really Actually Back Morning Afternoon Evening
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday Ladies Gentlemen Cheers Sorry Fine Glad
    Happy Not Afraid Mr Mrs Ms Miss Dr Prof Excited Calling Looking Here Done Interested Confused
    Worried Busy Ready Still Also
""".split())
# Introductions and titles: the cue is enough, any capitalised name after it counts.
_INTRO = re.compile(
    rf"(?i:\b(?:my name is|my name's|name's|call me|ask for|speak (?:to|with)|talk (?:to|with)|"
    rf"put me through to|transfer me to|this is|i'm|i am|it's)\s+)(?P<name>{_FULL_NAME})"
    rf"(?P<tail>(?i:\s+(?:from|at|with|speaking|calling|here|over at|in)\b)|[,.!?]|$)?")
_TITLE = re.compile(rf"\b(?:Mr|Mrs|Ms|Miss|Dr|Prof)\.?\s+(?P<name>{_NAME}(?:\s+{_NAME})?)")
_GREETING = re.compile(rf"(?i:\b(?:hi|hello|hey|dear|thanks|thank you|bye|goodbye|morning|cheers),?\s+)"
                       rf"(?P<name>{_FULL_NAME})\b")
_STREET_TYPES = (r"Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|"
                 r"Terrace|Parkway|Pkwy|Square|Sq|Highway|Hwy|Close|Crescent|Gardens")
_STREET = re.compile(rf"\b\d{{1,5}}(?:\s+[A-Z][a-z]+){{1,3}}\s+(?:{_STREET_TYPES})\b\.?"
                     r"(?:,?\s+(?:Suite|Apt\.?|Apartment|Unit|Floor|Flat)\s+\w+)?")
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b")


def _is_name(candidate: str) -> bool:
    return bool(candidate) and candidate.split()[0] not in _NOT_NAMES


def name_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each cued personal name in `text`."""
    spans = []
    for m in _INTRO.finditer(text):
        name = m.group("name")
        cue = text[m.start():m.start("name")].strip().lower()
        # "this is / I'm / it's" introduce a name only with a tail ("from Acme", "speaking") or at
        # the end of a clause; otherwise "I'm Happy" or "it's Tuesday" would count.
        weak_cue = cue in ("this is", "i'm", "i am", "it's")
        if _is_name(name) and (not weak_cue or m.group("tail") is not None):
            spans.append((m.start("name"), m.end("name")))
    for rx in (_TITLE, _GREETING):
        spans += [(m.start("name"), m.end("name")) for m in rx.finditer(text) if _is_name(m.group("name"))]
    return spans


def address_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each street address or UK postcode in `text`."""
    return [(m.start(), m.end()) for rx in (_STREET, _POSTCODE) for m in rx.finditer(text)]
