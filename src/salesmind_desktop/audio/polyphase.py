"""Streaming rational resampler (polyphase windowed-sinc FIR) in numpy, for file replay.

Output sample n sits exactly at input position n * rate_in / rate_out (no group delay), so audio
times survive resampling. The filter is a Kaiser-windowed sinc whose cutoff is just below the lower
Nyquist frequency; the per-phase coefficient table is precomputed once. Blocks may have any size
and give the same output as one call on the whole signal.
"""

from __future__ import annotations

from math import gcd

import numpy as np

ZERO_CROSSINGS = 12  # per side, at the lower of the two rates
KAISER_BETA = 8.0
ROLLOFF = 0.94  # cutoff as a fraction of the lower Nyquist frequency


class Resampler:
    """Feed blocks with `process()`, then call `flush()` once at the end."""

    def __init__(self, rate_in: int, rate_out: int) -> None:
        if rate_in <= 0 or rate_out <= 0:
            raise ValueError("sample rates must be positive")
        self.rate_in, self.rate_out = int(rate_in), int(rate_out)
        g = gcd(rate_in, rate_out)
        self.up, self.down = rate_out // g, rate_in // g  # L, M: output n <-> input n*M/L
        ratio = min(1.0, rate_out / rate_in)  # cutoff relative to the input Nyquist
        cutoff = ROLLOFF * ratio
        half = int(np.ceil(ZERO_CROSSINGS / ratio))  # half width in input samples
        self.half = half
        taps = np.arange(-half + 1, half + 1, dtype=np.float64)  # input offsets j
        phases = np.arange(self.up, dtype=np.float64) / self.up  # fractional positions
        x = taps[None, :] - phases[:, None]  # distance from the output position
        window = np.i0(KAISER_BETA * np.sqrt(np.clip(1 - (x / (half + 1)) ** 2, 0, None))) / np.i0(KAISER_BETA)
        self.table = (cutoff * np.sinc(cutoff * x) * window).astype(np.float32)  # [L, 2*half]
        self._buf = np.zeros(half - 1, dtype=np.float32)  # zeros before the first sample
        self._buf_start = -(half - 1)  # absolute input index of _buf[0]
        self._n = 0  # next output index
        self._total_in = 0
        self._flushed = False

    def process(self, x: np.ndarray) -> np.ndarray:
        if self._flushed:
            raise RuntimeError("resampler already flushed")
        x = np.asarray(x, dtype=np.float32)
        if self.up == self.down:  # same rate: nothing to do (and no filter delay)
            return x
        self._total_in += len(x)
        self._buf = np.concatenate([self._buf, x])
        return self._emit(limit=None)

    def flush(self) -> np.ndarray:
        """Emit the tail (zero-padded); the output ends at ceil(total_in * L / M) samples."""
        self._flushed = True
        if self.up == self.down:
            return np.zeros(0, dtype=np.float32)
        self._buf = np.concatenate([self._buf, np.zeros(self.half + 1, dtype=np.float32)])
        total_out = -(-self._total_in * self.up // self.down)
        return self._emit(limit=total_out)

    def _emit(self, limit: int | None) -> np.ndarray:
        buf_end = self._buf_start + len(self._buf)
        # output n needs input up to i_n + half, where i_n = n*M // L
        n_end = ((buf_end - self.half) * self.up - 1) // self.down + 1
        if limit is not None:
            n_end = min(n_end, limit)
        if n_end <= self._n:
            return np.zeros(0, dtype=np.float32)
        n = np.arange(self._n, n_end, dtype=np.int64)
        pos = n * self.down
        i = pos // self.up
        phase = pos % self.up
        first = i - self.half + 1 - self._buf_start  # index into _buf of the first tap
        view = np.lib.stride_tricks.sliding_window_view(self._buf, 2 * self.half)
        out = np.einsum("ij,ij->i", view[first], self.table[phase])
        self._n = n_end
        next_first = (self._n * self.down) // self.up - self.half + 1  # keep what comes next
        drop = max(0, next_first - self._buf_start)
        if drop:
            self._buf = self._buf[drop:]
            self._buf_start += drop
        return out.astype(np.float32)
