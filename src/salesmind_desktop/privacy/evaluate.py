"""Precision/recall of the PII masker on a labelled TSV (`text<TAB>TYPE=substring || ...`).

A found span is a true positive when it overlaps a labelled span; `strict` also requires the same
placeholder type. Run `python eval/eval_masker.py` for the report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from salesmind_desktop.privacy.masker import find_pii


@dataclass(frozen=True)
class Case:
    text: str
    labels: tuple[tuple[str, int, int], ...]  # (type, start, end)


@dataclass
class Scores:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def load_cases(path: Path) -> list[Case]:
    cases: list[Case] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        text, _, raw = line.partition("\t")
        labels = []
        for item in filter(None, (s.strip() for s in raw.split("||"))):
            kind, _, sub = item.partition("=")
            start = text.find(sub)
            if start < 0:
                raise ValueError(f"{path}:{n}: label {sub!r} is not in the text")
            labels.append((kind, start, start + len(sub)))
        cases.append(Case(text, tuple(labels)))
    return cases


def evaluate(cases: list[Case], strict: bool = False) -> Scores:
    scores = Scores()
    for case in cases:
        found = find_pii(case.text)
        matched: set[int] = set()
        for f in found:
            hit = next((i for i, (k, s, e) in enumerate(case.labels)
                        if f.start < e and s < f.end and (not strict or k == f.kind) and i not in matched), None)
            if hit is None:
                scores.fp += 1
                scores.errors.append(f"FP {f.kind}: {f.text!r} in {case.text!r}")
            else:
                matched.add(hit)
                scores.tp += 1
        for i, (k, s, e) in enumerate(case.labels):
            if i not in matched:
                scores.fn += 1
                scores.errors.append(f"FN {k}: {case.text[s:e]!r} in {case.text!r}")
    return scores
