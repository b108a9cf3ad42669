"""`salesmind-desktop train-voice`: a small labelled folder end to end, and bad folders."""

from __future__ import annotations

import json

import numpy as np
import pytest
from fixtures_voice import tts, write_wav

from salesmind_desktop.cli import main

LINES = ("Can you send me the new price list?", "We looked at the proposal on Tuesday.",
         "The contract ends in March next year.")
STYLES = {"neutral": {}, "irritated": {"tempo": 1.18, "cents": 150, "gain_db": 6, "treble_db": 5}}


@pytest.fixture(scope="module")
def labelled_folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("company_calls")
    for label, style in STYLES.items():
        for voice in ("kal16", "slt", "awb"):
            for n, line in enumerate(LINES):
                write_wav(root / label / f"{voice}_{n}.wav", tts(line, voice=voice, **style))
        for n, line in enumerate(LINES[:2]):  # speaker given by sub-folder
            write_wav(root / label / "rms" / f"clip{n}.wav", tts(line, voice="rms", **style))
    (root / "neutral" / "broken_1.wav").write_bytes(b"RIFF not really a wav")
    write_wav(root / "laughing" / "x_1.wav", tts(LINES[0]))
    return root


@pytest.mark.slow
def test_train_voice_end_to_end(labelled_folder, tmp_path, capsys, monkeypatch):
    out = tmp_path / "model"
    rc = main(["train-voice", str(labelled_folder), "--out", str(out), "--folds", "2", "--epochs", "40"])
    text = capsys.readouterr().out
    assert rc == 0, text
    assert "speaker-independent evaluation: 2 folds over 4 speaker groups" in text
    assert "UAR" in text and "confusion" in text
    assert "skipped" in text and "broken_1.wav" in text
    assert "unknown labels: laughing" in text

    manifest = json.loads((out / "manifest.json").read_text())
    metrics = manifest["metrics"]["speaker_independent"]
    assert 0.0 <= metrics["uar"] <= 1.0
    assert set(metrics["recall"]) == {"neutral", "irritated"}
    assert manifest["data"]["speakers"] == 4 and manifest["data"]["skipped"] == 1
    assert sum(map(sum, metrics["confusion"])) == metrics["n"]

    # The written folder is a valid, verified model the engine runs on.
    from salesmind_desktop.emotion.voice import OnnxVoiceEngine

    monkeypatch.setenv("SALESMIND_MODEL_VOICE_EMOTION", str(out))
    engine = OnnxVoiceEngine()
    assert engine.model.path == out
    calm = engine.score("customer", tts(LINES[1], voice="slt"), ())
    sharp = engine.score("customer", tts(LINES[1], voice="slt", **STYLES["irritated"]), ())
    assert calm is not None and sharp is not None
    assert sharp.emotion_scores["irritated"] > calm.emotion_scores["irritated"]


def test_missing_folder_is_a_clear_error(tmp_path, capsys):
    rc = main(["train-voice", str(tmp_path / "nope")])
    err = capsys.readouterr().err
    assert rc == 2
    assert "error:" in err and "is not a folder" in err and "fix:" in err


def test_too_few_clips_is_a_clear_error(tmp_path, capsys):
    write_wav(tmp_path / "calls" / "neutral" / "a_1.wav", np.zeros(16000, np.float32))
    rc = main(["train-voice", str(tmp_path / "calls")])
    err = capsys.readouterr().err
    assert rc == 2 and "need at least" in err


def test_refuses_to_overwrite_unrelated_folder(tmp_path, capsys, labelled_folder):
    out = tmp_path / "docs"
    out.mkdir()
    (out / "important.txt").write_text("keep me")
    rc = main(["train-voice", str(labelled_folder), "--out", str(out)])
    assert rc == 4 and "not a voice model folder" in capsys.readouterr().err
    assert (out / "important.txt").read_text() == "keep me"
