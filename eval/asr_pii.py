"""Masker on real ASR output: speak PII sentences with flite, transcribe with the app's Whisper,
mask, and report what leaked. Needs flite and sox (scripts/setup.sh) and the default ASR model.

    .venv/bin/python eval/asr_pii.py            # prints one line per sentence and the totals

A spoken item counts as masked when the masked transcript keeps no run of 4+ digits (numbers) or
no address-like token (e-mails); items whose transcript had none to begin with are reported as
garbled by ASR (not counted). A NONE sentence is a false positive when anything is masked.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

SENTENCES = Path(__file__).resolve().parents[1] / "tests" / "data" / "asr_pii_sentences.txt"


def load() -> list[tuple[str, str]]:
    rows = []
    for line in SENTENCES.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            kind, _, text = line.partition("|")
            rows.append((kind, text))
    return rows


def transcribe_all(rows: list[tuple[str, str]]) -> list[str]:
    import soundfile as sf

    from salesmind_desktop import app
    from salesmind_desktop.events import Utterance
    from salesmind_desktop.settings import Settings

    transcriber = app.build_transcriber(Settings())
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, (_, text) in enumerate(rows):
            raw, wav = Path(tmp) / f"{i}.wav", Path(tmp) / f"{i}_16k.wav"
            subprocess.run(["flite", "-t", text, "-o", str(raw)], check=True, capture_output=True)
            subprocess.run(["sox", str(raw), "-r", "16000", "-c", "1", str(wav)], check=True, capture_output=True)
            pcm, _ = sf.read(str(wav), dtype="float32")
            t = transcriber.transcribe(Utterance(id=i, channel="customer", start=0.0, end=len(pcm) / 16000, pcm=pcm))
            out.append(t.text if not t.rejected_reason else "")
    return out


def leaked(kind: str, masked: str) -> bool:
    if kind == "EMAIL":
        return bool(re.search(r"\S+@\S+|\b\w+\.(?:com|io|uk|org|net)\b", masked))
    return bool(re.search(r"\d(?:[\s,.-]?\d){3,}", masked))


def main() -> int:
    from salesmind_desktop.privacy.masker import find_pii, mask

    rows = load()
    texts = transcribe_all(rows)
    tp = fn = fp = tn = empty = lost = 0
    for (kind, spoken), heard in zip(rows, texts):
        masked = mask(heard)
        if not heard:
            empty += 1
            verdict = "ASR dropped it"
        elif kind == "NONE":
            bad = bool(find_pii(heard))
            fp += bad
            tn += not bad
            verdict = "FALSE POSITIVE" if bad else "ok"
        elif not leaked(kind, heard):
            lost += 1
            verdict = "ASR garbled it"  # no digits/address left to mask: neither a hit nor a miss
        else:
            bad = leaked(kind, masked)
            fn += bad
            tp += not bad
            verdict = "LEAKED" if bad else "masked"
        print(f"{kind:11s} {verdict:15s} {heard!r} -> {masked!r}")
    pii = tp + fn
    print(f"\nPII sentences transcribed: {pii}, masked {tp} (recall {tp / pii if pii else 1:.2f}); "
          f"clean sentences: {fp + tn}, false positives {fp}; ASR returned nothing for {empty}, "
          f"garbled the PII beyond recognition in {lost}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
