"""Audio for the voice-emotion tests: real TTS speech (flite + sox) and exact numpy signals.

Imported by the voice test modules (tests/ is on sys.path under pytest's default import mode).
Clips are rendered at test time, cached per process.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pytest

RATE = 16000


def need_tts() -> None:
    if not (shutil.which("flite") and shutil.which("sox")):
        pytest.fail("flite and sox are required for the voice tests: run scripts/setup.sh")


@functools.lru_cache(maxsize=64)
def tts(text: str, voice: str = "slt", tempo: float = 1.0, cents: float = 0.0, gain_db: float = 0.0,
        treble_db: float = 0.0) -> np.ndarray:
    """Speak `text` with a flite voice and style it with sox (deterministic) -> 16 kHz float32."""
    import soundfile as sf

    need_tts()
    with tempfile.TemporaryDirectory() as tmp:
        raw, out = Path(tmp) / "raw.wav", Path(tmp) / "out.wav"
        subprocess.run(["flite", "-voice", voice, "-t", text, "-o", str(raw)], check=True, capture_output=True)
        subprocess.run(["sox", "-R", str(raw), "-r", str(RATE), "-c", "1", "-b", "16", str(out), "gain", "-n", "-8",
                        "tempo", "-s", str(tempo), "pitch", str(cents), "treble", str(treble_db), "3000",
                        "gain", str(gain_db)], check=True, capture_output=True)
        pcm, _ = sf.read(str(out), dtype="float32")
    pad = np.zeros(int(0.15 * RATE), dtype=np.float32)
    return np.concatenate([pad, pcm, pad])


def write_wav(path: Path, pcm: np.ndarray, rate: int = RATE) -> Path:
    import soundfile as sf

    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(str(path), pcm, rate, subtype="PCM_16")
    return path


def harmonic(f0_start: float, f0_end: float | None = None, seconds: float = 1.0, amp: float = 0.3) -> np.ndarray:
    """A voiced-like tone (5 harmonics) gliding from f0_start to f0_end, exact pitch known."""
    n = int(seconds * RATE)
    f0 = np.linspace(f0_start, f0_end if f0_end is not None else f0_start, n)
    phase = 2 * np.pi * np.cumsum(f0) / RATE
    sig = sum(np.sin(k * phase) / k for k in range(1, 6))
    return (amp * sig / np.max(np.abs(sig))).astype(np.float32)
