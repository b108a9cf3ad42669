"""Audit: no training or validation line may repeat or nearly repeat a dev-set line.

    .venv/bin/python eval/audit_overlap.py [--drop]

Compares every hand-written line (`training/text/data/sales_authored_v*.tsv`) and the natural
validation set (`sales_val_natural.tsv`) with `eval/text_dev.tsv`: lower-cased word sequences,
punctuation removed; a line is too close when it is identical or, with 4+ words, its
`difflib` similarity ratio exceeds `RATIO`. Exit status 1 lists them; `--drop` removes them from
the data files (the authors never saw the dev set; common phrases like "not bad at all,
actually" still coincide). It also lists, for information, the validation lines that a
hand-written training line repeats: the validation set chooses between runs, not the dev
measurement, and the coincidences are backchannels and stock phrases ("mm-hm", "yeah that makes
sense"). Lives in eval/ because nothing under training/ may read the dev set.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "eval" / "text_dev.tsv"
DATA = ROOT / "training" / "text" / "data"
VAL = DATA / "sales_val_natural.tsv"
RATIO = 0.8


def words(text: str) -> list[str]:
    return re.sub(r"[^a-z0-9 ]", " ", text.lower()).split()


def too_close(line: list[str], dev: list[list[str]]) -> bool:
    for d in dev:
        if line == d:
            return True
        if len(line) >= 4:
            m = difflib.SequenceMatcher(None, line, d)
            if m.real_quick_ratio() > RATIO and m.quick_ratio() > RATIO and m.ratio() > RATIO:
                return True
    return False


def data_files() -> list[Path]:
    return sorted(DATA.glob("sales_authored_v*.tsv")) + [VAL]


def validation_repeats() -> list[str]:
    """Validation lines that some hand-written training line repeats or nearly repeats."""
    training = [words(t) for path in sorted(DATA.glob("sales_authored_v*.tsv")) for t in _texts(path)]
    return [t for t in _texts(VAL) if too_close(words(t), training)]


def _texts(path: Path) -> list[str]:
    with open(path, encoding="utf-8") as fh:
        return [r["text"] for r in csv.DictReader(fh, delimiter="\t")]


def audit(files: list[Path] | None = None) -> dict[Path, list[int]]:
    """{file: [row indices (0-based, header excluded) too close to a dev line]}."""
    dev = [words(t) for t in _texts(DEV)]
    found: dict[Path, list[int]] = {}
    for path in files or data_files():
        hits = [i for i, text in enumerate(_texts(path)) if too_close(words(text), dev)]
        if hits:
            found[path] = hits
    return found


def drop(path: Path, rows_to_drop: list[int]) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    skip = {i + 1 for i in rows_to_drop}  # +1: the header line
    path.write_text("".join(line for n, line in enumerate(lines) if n not in skip), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--drop", action="store_true", help="remove the lines found from the data files")
    args = p.parse_args(argv)
    found = audit()
    for path, hits in found.items():
        print(f"{path.relative_to(ROOT)}: {len(hits)} line(s) too close to the dev set")
        if args.drop:
            drop(path, hits)
    if not found:
        print("no training or validation line repeats a dev-set line")
    repeats = validation_repeats()
    print(f"for information: {len(repeats)} of the validation lines are repeated by a hand-written training line"
          + (f" ({'; '.join(repeats[:8])}{' ...' if len(repeats) > 8 else ''})" if repeats else ""))
    return 1 if found and not args.drop else 0


if __name__ == "__main__":
    raise SystemExit(main())
