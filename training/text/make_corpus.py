"""Expand the authored templates into the labelled sales-utterance corpus (deterministic).

    python training/text/make_corpus.py            # writes training/text/data/sales_utterances.tsv (v3)
    python training/text/make_corpus.py --out training/text/data/sales_utterances_v4.tsv \
        --authored training/text/data/sales_authored_v4*.tsv   # v4 = v3 + the hand-written lines

The templates are `data/sales_templates_v3.build_templates()`: the v2 templates of
`data/sales_templates.py` relabelled under the objection-theme guideline plus a third batch of
lines (the v2 corpus it generated is kept as `data/sales_utterances_v2.tsv` for stages 2-3).

Each line: sentiment, emotion, objection, group, split, text. `group` names the template frame
and its core phrase; the held-out split (`split == "heldout"`) holds out *whole groups*, so
calibration and held-out metrics measure paraphrase generalisation, not memorised lines.
About a third of the lines are rendered in ASR style (lowercase, no punctuation) and a quarter
get disfluencies (fillers, repeated words), like live transcripts.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "data"))

from sales_templates_v3 import MOVED, build_templates  # noqa: E402

SLOTS, FRAMES = build_templates()

OUT = HERE / "data" / "sales_utterances.tsv"
SEED = 20261122
DRAWS_PER_WEIGHT = 150
HELDOUT_FRACTION = 0.15
_SLOT_RE = re.compile(r"\{(\w+)\}")
_FRAMING_SLOTS = {"pos_open", "pos_close", "calm_lead", "irr_open", "irr_close", "str_open", "str_close",
                  "irr_lead", "str_lead", "pos_lead", "mild_neg_lead"}
_FILLERS = ["um", "uh", "you know,", "like", "I mean,", "uh,", "um,", "so"]


def expand(template: str, rng: random.Random, depth: int = 0) -> str:
    if depth > 6:
        raise RuntimeError(f"template recursion too deep: {template}")
    return _SLOT_RE.sub(lambda m: expand(rng.choice(SLOTS[m.group(1)]), rng, depth + 1), template)


def core_group(frame_index: int, template: str, rng_state: random.Random) -> tuple[str, str]:
    """Pick the frame's core slot value first, so the group is known before rendering."""
    for name in _SLOT_RE.findall(template):
        if name not in _FRAMING_SLOTS:
            choice = rng_state.choice(SLOTS[name])
            return f"f{frame_index}:{name}:{SLOTS[name].index(choice)}", template.replace("{" + name + "}", choice, 1)
    return f"f{frame_index}", template


def asr_style(text: str) -> str:
    text = text.lower()
    text = re.sub(r"[^\w\s'-]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def disfluent(text: str, rng: random.Random) -> str:
    words = text.split()
    if not words:
        return text
    for _ in range(rng.choice([1, 1, 2])):
        i = rng.randrange(len(words))
        if rng.random() < 0.5:
            words.insert(i, rng.choice(_FILLERS))
        else:
            words.insert(i, words[i])  # a stutter: "I I", "the the"
    return " ".join(words)


def render(text: str, rng: random.Random) -> str:
    text = text.strip()
    text = text[0].upper() + text[1:] if text else text
    r = rng.random()
    if r < 0.1:
        text = text.replace("I'm", "I am").replace("don't", "do not").replace("can't", "cannot").replace("it's", "it is")
    if rng.random() < 0.25:
        text = disfluent(text, rng)
    if rng.random() < 0.35:
        text = asr_style(text)
    return text


def heldout(group: str) -> bool:
    digest = hashlib.sha256(f"{SEED}:{group}".encode()).digest()
    return digest[0] / 256 < HELDOUT_FRACTION


def build(seed: int = SEED) -> list[tuple[str, str, str, str, str, str]]:
    rng = random.Random(seed)
    rows: dict[str, tuple[str, str, str, str, str, str]] = {}
    for index, (sentiment, emotion, objection, template, weight) in enumerate(FRAMES):
        for _ in range(weight * DRAWS_PER_WEIGHT):
            group, partial = core_group(index, template, rng)
            expanded = expand(partial, rng)
            if MOVED in expanded:  # a slot value relabelled in v3 (it lives in another frame now)
                continue
            text = render(expanded, rng)
            key = text.lower()
            if key not in rows:
                split = "heldout" if heldout(group) else "train"
                rows[key] = (sentiment, emotion, objection, group, split, text)
    return sorted(rows.values(), key=lambda r: (r[3], r[5]))


AUTHORED_RENDERINGS = 2  # each hand-written line is kept as written plus this many seeded renderings


def authored(path: Path, seed: int = SEED) -> list[tuple[str, str, str, str, str, str]]:
    """Hand-written lines (`sentiment, emotion, objection, group, text`), each kept as written plus
    `AUTHORED_RENDERINGS` ASR-style/disfluent renderings; whole groups held out as for templates.
    Groups are prefixed per file (`sales_authored_v4b.tsv` -> `a4b:`), so authors never share one."""
    import csv

    rng = random.Random(seed + 4)
    prefix = "a" + path.stem.rsplit("_v", 1)[-1] + ":"
    out: dict[str, tuple[str, str, str, str, str, str]] = {}
    with open(path, encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            group = prefix + row["group"]
            split = "heldout" if heldout(group) else "train"
            variants = [row["text"].strip()] + [render(row["text"], rng) for _ in range(AUTHORED_RENDERINGS)]
            for text in variants:
                out.setdefault(text.lower(), (row["sentiment"], row["emotion"], row["objection"], group, split, text))
    return sorted(out.values(), key=lambda r: (r[3], r[5]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--authored", type=Path, nargs="*", default=[], help="append these hand-written lines (v4)")
    args = parser.parse_args(argv)
    rows = build()
    for path in sorted(args.authored):
        seen = {r[5].lower() for r in rows}
        rows += [r for r in authored(path) if r[5].lower() not in seen]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as fh:
        fh.write("sentiment\temotion\tobjection\tgroup\tsplit\ttext\n")
        for row in rows:
            fh.write("\t".join(row) + "\n")
    held = sum(r[4] == "heldout" for r in rows)
    print(f"wrote {len(rows)} lines ({held} held out) to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
