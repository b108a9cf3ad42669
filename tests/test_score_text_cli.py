"""`salesmind-desktop score-text`: lines and chat transcripts in, JSON lines out (real model)."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from salesmind_desktop.cli import main
from salesmind_desktop.cli.score_text import customer_speakers, parse_lines

FIELDS = {"text", "sentiment", "sentiment_scores", "emotion", "emotion_scores", "objection", "valence"}


def _run(monkeypatch, capsys, stdin: str, *args: str) -> tuple[int, list[dict], str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(["score-text", *args])
    captured = capsys.readouterr()
    return code, [json.loads(line) for line in captured.out.splitlines()], captured.err


@pytest.mark.slow
def test_one_utterance_per_line(monkeypatch, capsys) -> None:
    code, rows, _ = _run(monkeypatch, capsys, "That's far too expensive for us.\n\nThanks, this is great!\n")
    assert code == 0 and len(rows) == 2
    assert all(FIELDS <= set(r) for r in rows)
    assert rows[0]["objection"] == "price" and rows[0]["sentiment"] == "negative"
    assert rows[1]["sentiment"] == "positive" and rows[1]["objection"] == "none"
    assert rows[0]["line"] == 1 and rows[1]["line"] == 3
    assert rows[0]["engine"] == "hybrid"


@pytest.mark.slow
def test_chat_transcript_scores_customer_lines_only(monkeypatch, capsys, tmp_path) -> None:
    chat = tmp_path / "chat.txt"
    chat.write_text("Rep: Hi Dana, thanks for taking the call.\n"
                    "Customer: Sure. Honestly we already use HubSpot for this.\n"
                    "Rep: Understood, what do you like about it?\n"
                    "Customer: It's fine, but the reporting is a mess.\n", encoding="utf-8")
    code, rows, err = _run(monkeypatch, capsys, "", str(chat), "--engine", "vader")
    assert code == 0
    assert [r["speaker"] for r in rows] == ["Customer", "Customer"]
    assert rows[0]["objection"] == "competitor"
    assert all(r["engine"] == "vader" for r in rows)
    assert "Customer" in err and "customer label" in err


def test_speaker_recognition_rules() -> None:
    lines, is_chat = parse_lines("Alex: hello there\nJordan: hi\nAlex: so about pricing\n")
    assert is_chat
    assert customer_speakers(lines, None) == ({"Jordan"}, "every speaker except the first (the rep usually opens)")
    assert customer_speakers(lines, "alex")[0] == {"Alex"}
    lines, _ = parse_lines("Agent: hello\nMaria Lopez: hi, it's Maria\n")
    assert customer_speakers(lines, None)[0] == {"Maria Lopez"}
    lines, is_chat = parse_lines("Note: this is one line\nand this is plain text\nand more plain text\n")
    assert not is_chat


def test_unknown_customer_name_is_a_clear_error(monkeypatch, capsys) -> None:
    code, rows, err = _run(monkeypatch, capsys, "Rep: hi\nClient: hello\n", "--customer", "Bob", "--engine", "vader")
    assert code == 1 and rows == []
    assert "no speaker called 'Bob'" in err and "fix:" in err


def test_missing_and_binary_files_are_clear_errors(monkeypatch, capsys, tmp_path) -> None:
    code, _, err = _run(monkeypatch, capsys, "", str(tmp_path / "missing.txt"))
    assert code == 1 and "no such file" in err
    binary = tmp_path / "blob.bin"
    binary.write_bytes(b"\xff\xfe\x00\x81" * 20)
    code, _, err = _run(monkeypatch, capsys, "", str(binary))
    assert code == 1 and "not UTF-8" in err and "Traceback" not in err


@pytest.mark.slow
def test_console_entry_point_reads_stdin() -> None:
    proc = subprocess.run([sys.executable, "-m", "salesmind_desktop", "score-text", "-"],
                          input="we need to run this past our CFO first\n", capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    row = json.loads(proc.stdout.strip())
    assert row["objection"] == "authority"
