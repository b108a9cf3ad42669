"""Shared, process-wide helpers for the streaming-core tests (one Whisper model per session).

Imported by the core test modules (tests/ is on sys.path under pytest's default import mode).
"""

from __future__ import annotations

import functools
import wave
from pathlib import Path

import numpy as np


@functools.lru_cache(maxsize=1)
def shared_transcriber():
    """The real tiny.en transcriber, loaded once per test process."""
    from salesmind_desktop import modelstore
    from salesmind_desktop.asr.whisper import WhisperTranscriber

    transcriber = WhisperTranscriber(modelstore.asr_model("tiny.en").path, device="cpu", cpu_threads=2)
    transcriber.load()
    return transcriber


@functools.lru_cache(maxsize=1)
def vad_path() -> Path:
    from salesmind_desktop import modelstore

    return modelstore.vad_model().path


def write_wav(path: Path, data: np.ndarray, rate: int = 16000, width: int = 2) -> Path:
    """Write float data [-1, 1] shaped [n] or [n, channels] as PCM WAV."""
    data = np.asarray(data, dtype=np.float64)
    if data.ndim == 1:
        data = data[:, None]
    with wave.open(str(path), "wb") as w:
        w.setnchannels(data.shape[1])
        w.setsampwidth(width)
        w.setframerate(rate)
        if width == 1:
            raw = np.clip(data * 127 + 128, 0, 255).astype(np.uint8).tobytes()
        else:
            scale = float(2 ** (8 * width - 1) - 1)
            ints = np.clip(data * scale, -scale - 1, scale).astype(np.int32 if width != 2 else np.int16)
            if width == 3:
                b = ints.astype("<i4").view(np.uint8).reshape(-1, 4)[:, :3]
                raw = b.tobytes()
            else:
                raw = ints.astype("<i2" if width == 2 else "<i4").tobytes()
        w.writeframes(raw)
    return path


def wer(reference: str, hypothesis: str) -> float:
    """Word error rate after lower-casing and dropping punctuation (hyphens split words)."""
    import re

    def norm(s: str) -> list[str]:
        s = s.lower().replace("-", " ")
        return re.sub(r"[^a-z0-9' ]+", " ", s).split()

    ref, hyp = norm(reference), norm(hypothesis)
    d = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, d[0] = d[0], i
        for j, h in enumerate(hyp, 1):
            cur = min(d[j] + 1, d[j - 1] + 1, prev + (r != h))
            prev, d[j] = d[j], cur
    return d[len(hyp)] / max(1, len(ref))


def voice_model_present() -> bool:
    """True when the project's voice emotion model is installed (it is built by another issue)."""
    from salesmind_desktop import modelstore
    from salesmind_desktop.errors import ModelError

    try:
        modelstore.project_model("voice_emotion")
        return True
    except ModelError:
        return False


def text_model_present() -> bool:
    """True when the project's text emotion model is installed (it is built by another issue)."""
    from salesmind_desktop import modelstore
    from salesmind_desktop.errors import ModelError

    try:
        modelstore.project_model("text_emotion")
        return True
    except ModelError:
        return False


def load_script(relative: str):
    """A project script outside the package (eval/, training/) loaded as a module by its path."""
    import importlib.util
    import sys

    path = Path(__file__).resolve().parents[1] / relative
    sys.path.insert(0, str(path.parent))  # its sibling imports (training/text/data_sources.py ...)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
