"""The masker on real ASR output: PII sentences spoken by flite, transcribed by the app's Whisper."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from salesmind_desktop.privacy.masker import find_pii, mask

pytestmark = pytest.mark.slow
SENTENCES = Path(__file__).parent / "data" / "asr_pii_sentences.txt"


def _leaks(kind: str, text: str) -> bool:
    if kind == "EMAIL":
        return bool(re.search(r"\S+@\S+|\b\w+\.(?:com|io|uk|org|net)\b", text))
    return bool(re.search(r"\d(?:[\s,.-]?\d){3,}", text))


def test_masker_on_whisper_transcripts_of_spoken_pii(tmp_path):
    if not (shutil.which("flite") and shutil.which("sox")):
        pytest.fail("flite and sox are required: run scripts/setup.sh")
    import soundfile as sf

    from salesmind_desktop import app
    from salesmind_desktop.events import Utterance
    from salesmind_desktop.settings import Settings

    transcriber = app.build_transcriber(Settings())
    rows = [line.split("|", 1) for line in SENTENCES.read_text().splitlines() if line and not line.startswith("#")]
    masked_ok, leaked, false_pos, clean = [], [], [], 0
    for i, (kind, spoken) in enumerate(rows):
        raw, wav = tmp_path / f"{i}.wav", tmp_path / f"{i}k.wav"
        subprocess.run(["flite", "-t", spoken, "-o", str(raw)], check=True, capture_output=True)
        subprocess.run(["sox", str(raw), "-r", "16000", "-c", "1", str(wav)], check=True, capture_output=True)
        pcm, _ = sf.read(str(wav), dtype="float32")
        heard = transcriber.transcribe(Utterance(i, "customer", 0.0, len(pcm) / 16000, pcm)).text
        if kind == "NONE":
            clean += 1
            if find_pii(heard):
                false_pos.append(heard)
        elif _leaks(kind, heard):  # the PII survived ASR, so the masker has something to catch
            (leaked if _leaks(kind, mask(heard)) else masked_ok).append(heard)
    survived = len(masked_ok) + len(leaked)
    assert survived >= 10, "ASR lost most of the spoken PII: check the ASR model"
    assert len(masked_ok) / survived >= 0.75, leaked
    assert clean >= 5 and not false_pos, false_pos
