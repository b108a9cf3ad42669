"""`salesmind-desktop score-text [FILE|-]`: score text utterances or a chat transcript.

Input is either one utterance per line, or a chat/call transcript with `Speaker: text` lines.
It is treated as a transcript when at least half of the non-empty lines start with a speaker
label (a name of up to four words followed by a colon). In a transcript only the customer's
lines are scored (`--all-speakers` scores everyone). The customer is recognised as:

1. the speaker named by `--customer NAME`, else
2. a speaker labelled like a customer (customer, client, buyer, prospect, caller, lead, guest,
   visitor, user, them), else
3. every speaker not labelled like the rep (rep, agent, sales, seller, salesperson, advisor,
   support, me, us, host), else
4. every speaker except the one on the first line (the rep usually opens), with a note on stderr.

Prints one JSON object per scored line: text, speaker, line, sentiment, sentiment_scores,
emotion, emotion_scores, objection, objection_confidence, objection_evidence, valence,
confidence, engine. Empty lines are skipped; a transcript line without a label continues the
previous speaker.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

_LABEL_RE = re.compile(r"^\s*(?:\[[^\]]{1,20}\]\s*)?([A-Za-z][\w.'-]*(?: [\w.'-]+){0,3})\s*:\s+(.*\S)\s*$")
CUSTOMER_LABELS = {"customer", "client", "buyer", "prospect", "caller", "lead", "guest", "visitor", "user", "them"}
REP_LABELS = {"rep", "agent", "sales", "seller", "salesperson", "sales rep", "advisor", "support", "me", "us", "host"}


@dataclass(frozen=True)
class Line:
    number: int
    speaker: str | None
    text: str


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("score-text", help="score the emotion and objection of text lines or a chat transcript",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("file", nargs="?", default="-", help="text file (UTF-8), or - for standard input (default)")
    p.add_argument("--engine", choices=("hybrid", "transformer", "vader"), help="text engine (default: settings)")
    p.add_argument("--customer", metavar="NAME", help="the customer's speaker label in a transcript")
    p.add_argument("--all-speakers", action="store_true", help="score every speaker's lines, not just the customer's")
    p.set_defaults(func=run)


def parse_lines(raw: str) -> tuple[list[Line], bool]:
    """The non-empty lines and whether the text is a `Speaker: text` transcript."""
    rows = [(n, s.strip()) for n, s in enumerate(raw.splitlines(), start=1) if s.strip()]
    labelled = [(n, _LABEL_RE.match(s)) for n, s in rows]
    is_chat = bool(rows) and sum(m is not None for _, m in labelled) * 2 >= len(rows)
    if not is_chat:
        return [Line(n, None, s) for n, s in rows], False
    lines: list[Line] = []
    speaker: str | None = None
    for (n, s), (_, m) in zip(rows, labelled):
        if m:
            speaker, text = m.group(1).strip(), m.group(2)
        else:
            text = s
        lines.append(Line(n, speaker, text))
    return lines, True


def customer_speakers(lines: list[Line], named: str | None) -> tuple[set[str], str]:
    """The speakers treated as the customer, and how they were recognised."""
    speakers = [ln.speaker for ln in lines if ln.speaker]
    unique = list(dict.fromkeys(speakers))
    if named:
        match = {s for s in unique if s.lower() == named.lower()}
        if not match:
            from salesmind_desktop.errors import SalesMindError

            raise SalesMindError(f"no speaker called '{named}' in the transcript (speakers: {', '.join(unique)})",
                                 "pass --customer with one of those labels")
        return match, "--customer"
    by_label = {s for s in unique if s.lower() in CUSTOMER_LABELS}
    if by_label:
        return by_label, "customer label"
    not_rep = {s for s in unique if s.lower() not in REP_LABELS}
    if not_rep and len(not_rep) < len(unique):
        return not_rep, "not labelled as the rep"
    return set(unique[1:]) or set(unique), "every speaker except the first (the rep usually opens)"


def read_input(name: str) -> str:
    from salesmind_desktop.errors import SalesMindError

    if name == "-":
        return sys.stdin.read()
    path = Path(name)
    if not path.is_file():
        raise SalesMindError(f"cannot read {path}: no such file", "give a text file with one utterance per line, or - for stdin")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SalesMindError(f"{path} is not UTF-8 text", "save it as UTF-8 (plain text), one utterance per line") from None


def run(args: argparse.Namespace) -> int:
    from salesmind_desktop import app, settings as settings_mod

    settings = settings_mod.load()
    if args.engine:
        settings.emotion.text_engine = args.engine
    lines, is_chat = parse_lines(read_input(args.file))
    if is_chat and not args.all_speakers:
        customers, how = customer_speakers(lines, args.customer)
        print(f"transcript: scoring {', '.join(sorted(customers))} as the customer ({how})", file=sys.stderr)
        lines = [ln for ln in lines if ln.speaker in customers]
    engine = app.build_text_engine(settings)
    tagger = app.build_objection_tagger(settings)
    out = sys.stdout
    for ln in lines:
        emo = engine.score(ln.text)
        obj = tagger.tag(ln.text)
        record = {
            "line": ln.number,
            "speaker": ln.speaker,
            "text": ln.text,
            "sentiment": emo.sentiment,
            "sentiment_scores": {k: round(v, 4) for k, v in emo.sentiment_scores.items()},
            "emotion": emo.emotion,
            "emotion_scores": {k: round(v, 4) for k, v in emo.emotion_scores.items()},
            "objection": obj.type,
            "objection_confidence": round(obj.confidence, 4),
            "objection_evidence": obj.evidence,
            "valence": round(emo.valence, 4),
            "confidence": round(emo.confidence, 4),
            "engine": emo.source,
        }
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    out.flush()
    return 0
