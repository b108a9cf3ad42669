"""Streaming resampling of live blocks to the pipeline's 16 kHz (devices that refuse 16 kHz).

A windowed-sinc low-pass (cut-off just under 8 kHz) followed by linear interpolation, carrying
filter and phase state across blocks so block boundaries leave no clicks. Good enough for speech
recognition; runs on the consumer thread, never in an audio callback.
"""

from __future__ import annotations

import numpy as np

from salesmind_desktop.events import SAMPLE_RATE


class StreamResampler:
    def __init__(self, in_rate: int, out_rate: int = SAMPLE_RATE, taps: int = 63) -> None:
        self.in_rate, self.out_rate = int(in_rate), int(out_rate)
        self._step = self.in_rate / self.out_rate
        self._pos = 0.0  # position of the next output sample in the filtered input stream
        if self.in_rate > self.out_rate:
            cutoff = 0.45 * self.out_rate / self.in_rate
            n = np.arange(taps) - (taps - 1) / 2
            h = 2 * cutoff * np.sinc(2 * cutoff * n) * np.hamming(taps)
            self._fir = (h / h.sum()).astype(np.float32)
        else:
            self._fir = np.ones(1, dtype=np.float32)
        self._hist = np.zeros(len(self._fir) - 1, dtype=np.float32)
        self._tail = np.zeros(0, dtype=np.float32)  # filtered samples not yet consumed

    def process(self, block: np.ndarray) -> np.ndarray:
        if self.in_rate == self.out_rate:
            return block.astype(np.float32, copy=False)
        x = np.concatenate([self._hist, block.astype(np.float32, copy=False)])
        filtered = np.convolve(x, self._fir, mode="valid")
        self._hist = x[len(x) - (len(self._fir) - 1):] if len(self._fir) > 1 else self._hist
        y = np.concatenate([self._tail, filtered])
        last = len(y) - 1  # interpolation needs sample i and i + 1
        if last < 1 or self._pos > last - 1:
            self._tail = y
            return np.zeros(0, dtype=np.float32)
        count = int(np.floor((last - 1 - self._pos) / self._step)) + 1
        idx = self._pos + self._step * np.arange(count)
        i0 = idx.astype(np.int64)
        frac = (idx - i0).astype(np.float32)
        out = y[i0] * (1 - frac) + y[i0 + 1] * frac
        next_pos = self._pos + self._step * count
        drop = min(int(np.floor(next_pos)), len(y))
        self._tail = y[drop:]
        self._pos = next_pos - drop
        return out.astype(np.float32, copy=False)
