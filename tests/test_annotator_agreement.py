"""The annotator agreement study: its files are complete and its agreement measures are right."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fixtures_core import load_script

ROOT = Path(__file__).resolve().parents[1]


def _module():
    return load_script("eval/annotator_agreement.py")


def test_every_annotator_labels_every_dev_and_validation_line() -> None:
    study = _module()
    texts, annotators = study.read_annotations()
    gold = study.read_gold()
    assert set(texts.values()) == set(gold["dev"]) | set(gold["val"])
    assert len(texts) == len(gold["dev"]) + len(gold["val"])
    assert sorted(annotators) == ["A", "B", "C"]


def test_an_incomplete_annotation_file_is_refused(tmp_path: Path) -> None:
    study = _module()
    (tmp_path / "lines.tsv").write_text("id\ttext\n1\tfine\n2\ttoo pricey\n", encoding="utf-8")
    (tmp_path / "annotator_X.tsv").write_text("id\tsentiment\temotion\tobjection\n1\tpositive\tsatisfied\tnone\n",
                                               encoding="utf-8")
    with pytest.raises(ValueError, match="exactly once"):
        study.read_annotations(tmp_path)
    (tmp_path / "annotator_X.tsv").write_text("id\tsentiment\temotion\tobjection\n1\tpositive\tsatisfied\tnone\n"
                                               "2\tnegative\tangry\tprice\n", encoding="utf-8")
    with pytest.raises(ValueError, match="'angry' is not one of"):
        study.read_annotations(tmp_path)


def test_kappa_majority_and_scores() -> None:
    study = _module()
    # Textbook case: 50 items, observed agreement 0.7, chance agreement 0.5 -> kappa 0.4.
    a = ["y"] * 25 + ["n"] * 25
    b = ["y"] * 20 + ["n"] * 5 + ["y"] * 10 + ["n"] * 15
    assert study.cohen_kappa(a, b) == pytest.approx(0.4)
    assert study.cohen_kappa(a, a) == 1.0
    votes = [("positive", "neutral", "price"), ("neutral", "neutral", "none"), ("positive", "satisfied", "none")]
    assert study.majority(votes) == ("positive", "neutral", "none")
    gold = [("positive", "satisfied", "price"), ("negative", "irritated", "none")]
    assert study.scores(gold, gold)["objection_f1"] == 1.0
    assert study.scores(gold, [gold[1], gold[0]])["objection_binary_f1"] == 0.0


def test_nothing_in_training_reads_the_annotations() -> None:
    for path in (ROOT / "training").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"annotations[\"'/]|annotator_", text), path
