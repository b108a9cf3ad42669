"""Silero VAD v6 (ONNX) run directly on onnxruntime: one session, streaming state per channel.

The v6 graph takes frames of 512 new samples preceded by the previous frame's last 64 samples
(`input[seq, 576]`) plus LSTM state `h`, `c` of shape [1, 1, 128], and returns one speech
probability per frame. A batch of consecutive frames is one sequence, so a block of frames is
scored in one call while `h`, `c` and the 64-sample context carry over between calls.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from salesmind_desktop.errors import ModelError
from salesmind_desktop.events import SAMPLE_RATE, Channel

FRAME = 512  # samples per VAD frame (32 ms at 16 kHz)
CONTEXT = 64
FRAME_S = FRAME / SAMPLE_RATE


@dataclass
class _ChannelState:
    h: np.ndarray = field(default_factory=lambda: np.zeros((1, 1, 128), np.float32))
    c: np.ndarray = field(default_factory=lambda: np.zeros((1, 1, 128), np.float32))
    context: np.ndarray = field(default_factory=lambda: np.zeros(CONTEXT, np.float32))
    leftover: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))


class SileroVad:
    """`frames(channel, pcm)` -> (frames [n, 512], speech probabilities [n]) for whole frames.

    Samples that do not fill a frame wait for the next call. Thread-safe per call; each channel
    keeps its own state, and `reset()` starts a new call.
    """

    def __init__(self, model_path: str | Path) -> None:
        try:
            import onnxruntime
        except ImportError as exc:  # pragma: no cover - onnxruntime is a runtime dependency
            raise ModelError("onnxruntime is not installed", "pip install onnxruntime") from exc
        opts = onnxruntime.SessionOptions()
        opts.inter_op_num_threads = 1
        opts.intra_op_num_threads = 1
        opts.log_severity_level = 4
        try:
            self._session = onnxruntime.InferenceSession(str(model_path), sess_options=opts,
                                                         providers=["CPUExecutionProvider"])
        except Exception as exc:
            raise ModelError(f"cannot load the voice activity model {model_path}: {exc}",
                             "reinstall faster-whisper or fix SALESMIND_MODEL_VAD") from None
        self._states: dict[Channel, _ChannelState] = {}
        self._lock = threading.Lock()

    def reset(self, channel: Channel | None = None) -> None:
        with self._lock:
            if channel is None:
                self._states.clear()
            else:
                self._states.pop(channel, None)

    def frames(self, channel: Channel, pcm: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        with self._lock:
            st = self._states.setdefault(channel, _ChannelState())
            audio = np.concatenate([st.leftover, np.asarray(pcm, dtype=np.float32)])
            n = len(audio) // FRAME
            st.leftover = audio[n * FRAME:]
            if n == 0:
                return np.zeros((0, FRAME), np.float32), np.zeros(0, np.float32)
            frames = audio[: n * FRAME].reshape(n, FRAME)
            contexts = np.vstack([st.context[None, :], frames[:-1, -CONTEXT:]])
            batch = np.ascontiguousarray(np.concatenate([contexts, frames], axis=1))
            probs, st.h, st.c = self._session.run(None, {"input": batch, "h": st.h, "c": st.c})
            st.context = frames[-1, -CONTEXT:].copy()
            return frames, np.asarray(probs, dtype=np.float32).reshape(-1)
