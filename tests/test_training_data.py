"""The text model's hand-written training and validation data never repeat a dev-set line."""

from __future__ import annotations

import csv
from pathlib import Path

from fixtures_core import load_script


def _audit_module():
    return load_script("eval/audit_overlap.py")


def test_no_training_or_validation_line_is_close_to_a_dev_line() -> None:
    audit = _audit_module()
    files = audit.data_files()
    assert len(files) >= 2 and all(f.exists() for f in files)
    assert audit.audit(files) == {}


def test_the_audit_catches_a_copied_and_a_reworded_dev_line(tmp_path: Path) -> None:
    audit = _audit_module()
    with open(audit.DEV, encoding="utf-8") as fh:
        dev = [r["text"] for r in csv.DictReader(fh, delimiter="\t")]
    long_line = next(t for t in dev if len(t.split()) >= 8)
    reworded = long_line.upper().replace(".", "!") + " honestly"
    path = tmp_path / "sales_authored_v4x.tsv"
    path.write_text("sentiment\temotion\tobjection\tgroup\ttext\n"
                    f"neutral\tneutral\tnone\tg1\tCould you resend the calendar invite for our call tomorrow afternoon?\n"
                    f"neutral\tneutral\tnone\tg2\t{dev[0]}\n"
                    f"neutral\tneutral\tnone\tg3\t{reworded}\n", encoding="utf-8")
    assert audit.audit([path]) == {path: [1, 2]}
    audit.drop(path, [1, 2])
    assert audit.audit([path]) == {} and len(path.read_text().splitlines()) == 2
