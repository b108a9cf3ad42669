"""Echo/bleed guard: a mic utterance that is mostly the loopback signal is not the rep speaking.

When the rep uses speakers, the customer's voice leaks into the microphone, delayed (output and
capture latency, the room) and filtered (speaker, room, mic). The guard keeps the last seconds of
loopback audio in a ring buffer (by audio time) and, for a mic utterance:

1. finds the delay of the loopback in the mic by GCC-PHAT cross-correlation over ±`max_lag_s`;
2. shifts the loopback by that delay and measures the magnitude-squared coherence between mic and
   loopback in the speech band (Welch, 128 ms frames, 32 ms hop). For mic = echo + rep speech, the
   energy-weighted coherence is the share of the mic's energy that is a linear function of the
   loopback, i.e. the share that is bleed: ~1 for pure bleed, ~0 for the rep alone, between for
   double talk. Room reverberation and filtering leave it high; independent speech leaves it low.

An utterance is bleed when that share is at least `threshold` (0.35; raised up to 0.6 for
utterances under 1 s, whose coherence is noisier). Measured on rendered calls (docs/capture.md):
pure bleed 0.37-0.99 depending on reverberation, the rep alone 0.01-0.03, the rep with bleed at
equal loudness 0.02-0.10, unrelated 1-2 s segments at most 0.20.
Pure numpy, no threads; `LoopbackRing` is locked so the capture and ASR threads can share it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from salesmind_desktop.audio.levels import rms_db
from salesmind_desktop.events import SAMPLE_RATE


@dataclass(frozen=True)
class BleedVerdict:
    bleed: bool
    share: float  # share of the mic utterance's speech-band energy explained by the loopback, 0..1
    lag_s: float  # delay of the loopback inside the mic signal
    loopback_db: float  # loopback level over the utterance (dBFS)
    reason: str = ""


class LoopbackRing:
    """The last `seconds` of one channel at 16 kHz, addressed by audio time (zeros where unknown)."""

    def __init__(self, seconds: float = 30.0) -> None:
        self._size = int(seconds * SAMPLE_RATE)
        self._buf = np.zeros(self._size, dtype=np.float32)
        self._end = 0  # absolute sample index one past the newest sample
        self._lock = threading.Lock()

    def push(self, start: float, pcm: np.ndarray) -> None:
        first = int(round(start * SAMPLE_RATE))
        pcm = np.asarray(pcm, dtype=np.float32)
        if len(pcm) > self._size:  # only the newest `seconds` fit
            first += len(pcm) - self._size
            pcm = pcm[-self._size:]
        with self._lock:
            if first > self._end:  # a gap: forget what was there
                self._clear(self._end, first)
            idx = (first + np.arange(len(pcm))) % self._size
            self._buf[idx] = pcm
            self._end = max(self._end, first + len(pcm))

    def _clear(self, a: int, b: int) -> None:
        if b - a >= self._size:
            self._buf[:] = 0
        else:
            self._buf[(a + np.arange(b - a)) % self._size] = 0

    def span(self, t0: float, t1: float) -> np.ndarray:
        a, b = int(round(t0 * SAMPLE_RATE)), int(round(t1 * SAMPLE_RATE))
        out = np.zeros(max(0, b - a), dtype=np.float32)
        with self._lock:
            lo, hi = max(a, self._end - self._size, 0), min(b, self._end)
            if hi > lo:
                out[lo - a:hi - a] = self._buf[np.arange(lo, hi) % self._size]
        return out

    @property
    def end(self) -> float:
        return self._end / SAMPLE_RATE


def _gcc_phat_lag(mic: np.ndarray, ref: np.ndarray, max_lag: int) -> int:
    """Delay d (samples, may be negative) maximising the PHAT-weighted correlation of mic[n] and ref[n - d].

    `ref` is the loopback from `max_lag` samples before the mic segment to `max_lag` after it.
    """
    n = 1 << int(np.ceil(np.log2(len(mic) + len(ref))))
    cross = np.fft.rfft(ref, n) * np.conj(np.fft.rfft(mic, n))
    cross /= np.abs(cross) + 1e-12
    corr = np.fft.irfft(cross, n)
    # corr[k] = sum_t ref[t + k] mic[t]; ref[k] is loopback at time (mic start - max_lag + k).
    k = np.arange(0, 2 * max_lag + 1)
    best = int(k[np.argmax(corr[k])])
    return max_lag - best  # mic[t] ~ loopback[t - d]  with  d = max_lag - k


def _stft_power(x: np.ndarray, frame: int, hop: int) -> np.ndarray:
    if len(x) < frame:
        x = np.pad(x, (0, frame - len(x)))
    count = 1 + (len(x) - frame) // hop
    idx = np.arange(frame)[None, :] + hop * np.arange(count)[:, None]
    return np.fft.rfft(x[idx] * np.hanning(frame).astype(np.float32), axis=1)


def bleed_share(mic: np.ndarray, ref: np.ndarray, band: tuple[float, float] = (200.0, 4000.0),
                frame: int = 2048, hop: int = 512) -> float:
    """Energy-weighted magnitude-squared coherence of aligned mic and loopback in `band`."""
    n = min(len(mic), len(ref))
    if n < frame:
        return 0.0
    m, r = _stft_power(mic[:n], frame, hop), _stft_power(ref[:n], frame, hop)
    freqs = np.fft.rfftfreq(frame, 1 / SAMPLE_RATE)
    sel = (freqs >= band[0]) & (freqs <= band[1])
    m, r = m[:, sel], r[:, sel]
    s_mr = np.abs(np.sum(m * np.conj(r), axis=0)) ** 2
    s_mm = np.sum(np.abs(m) ** 2, axis=0)
    s_rr = np.sum(np.abs(r) ** 2, axis=0)
    coherence = s_mr / (s_mm * s_rr + 1e-20)
    # Welch coherence is biased upwards by about 1/K for unrelated signals, K the number of
    # independent frames (overlapping frames count as n / (frame / 2)): remove that bias.
    k = max(1.0, n / (frame / 2))
    coherence = np.clip((coherence - 1.0 / k) / (1 - 1.0 / k), 0.0, 1.0) if k > 1 else coherence * 0
    return float(np.sum(coherence * s_mm) / (np.sum(s_mm) + 1e-20))


class BleedGuard:
    """Keeps the loopback ring and judges mic utterances (see the module docstring)."""

    def __init__(self, threshold: float = 0.35, max_lag_s: float = 0.5, ring_s: float = 30.0,
                 quiet_db: float = -55.0) -> None:
        self.threshold = threshold
        self.max_lag_s = max_lag_s
        self.quiet_db = quiet_db
        self.ring = LoopbackRing(ring_s)

    def push_loopback(self, start: float, pcm: np.ndarray) -> None:
        self.ring.push(start, pcm)

    def check(self, start: float, end: float, pcm: np.ndarray) -> BleedVerdict:
        pcm = np.asarray(pcm, dtype=np.float32)
        lag = int(self.max_lag_s * SAMPLE_RATE)
        ref = self.ring.span(start - self.max_lag_s, start + len(pcm) / SAMPLE_RATE + self.max_lag_s)
        core = ref[lag:lag + len(pcm)]
        loop_db = rms_db(ref)
        if loop_db < self.quiet_db or len(pcm) < 1024:
            return BleedVerdict(False, 0.0, 0.0, round(loop_db, 1), "loopback silent over the utterance")
        d = _gcc_phat_lag(pcm, ref, lag)
        aligned = ref[lag - d:lag - d + len(pcm)] if 0 <= lag - d else core
        share = bleed_share(pcm, aligned)
        # Coherence from a short utterance is noisy: ask for more evidence below 1 s.
        needed = self.threshold + 0.25 * max(0.0, min(1.0, (1.0 - len(pcm) / SAMPLE_RATE) / 0.7))
        bleed = share >= needed
        why = (f"{share:.0%} of the mic energy is the customer's audio {1000 * d / SAMPLE_RATE:.0f} ms later"
               if bleed else f"only {share:.0%} of the mic energy matches the loopback")
        return BleedVerdict(bleed, round(share, 3), round(d / SAMPLE_RATE, 4), round(loop_db, 1), why)


# ------------------------------------------------------------------ wiring into the pipeline
# `CallPipeline(bleed_guard=...)` pushes the customer channel into the guard on its reader thread
# and asks `check()` before sending a rep utterance to ASR; `BleedGate` is its `frame_gate`.


class BleedGate:
    """A `CallPipeline` frame gate: silences the rep's VAD while the mic is mostly the loopback.

    The pipeline's `bleed_guard` hook judges whole utterances; this gate also keeps leaked speech out of the rep's
    talk time (`SpeechActivity`). Every `every_s` of rep speech it judges the last `window_s` of
    mic audio against the loopback and, when the share reaches `threshold` (stricter than the
    utterance verdict: short windows are noisy), zeroes the speech probabilities until a later
    window says otherwise. The first fraction of a second of a leak can pass; the utterance check
    then rejects that short piece. Runs on the pipeline's reader thread; `rep_origin()` gives the
    audio time of the rep channel's first sample (asked at the first frame), so frames can be
    placed on the call's timeline.
    """

    def __init__(self, guard: BleedGuard, rep_origin: Callable[[], float] | None = None, *,
                 window_s: float = 0.6, every_s: float = 0.2, threshold: float = 0.6,
                 speech_prob: float = 0.5) -> None:
        self.guard, self.rep_origin = guard, rep_origin
        self.window_s, self.every_s, self.threshold, self.speech_prob = window_s, every_s, threshold, speech_prob
        self._mic = LoopbackRing(window_s + 1.0)
        self._samples = 0
        self._t0: float | None = None
        self._next_eval = 0.0
        self._veto = False
        self.vetoed_s = 0.0

    def __call__(self, channel, frames: np.ndarray, probs: np.ndarray) -> np.ndarray:
        if channel != "rep" or len(frames) == 0:
            return probs
        if self._t0 is None:
            self._t0 = self.rep_origin() if self.rep_origin is not None else 0.0
        pcm = np.asarray(frames, dtype=np.float32).reshape(-1)
        t = self._t0 + self._samples / SAMPLE_RATE
        self._samples += len(pcm)
        self._mic.push(t, pcm)
        t_end = t + len(pcm) / SAMPLE_RATE
        speech = bool(np.any(probs >= self.speech_prob))
        # While vetoing, keep judging even through quiet frames so the veto lifts when the leak ends.
        if (speech or self._veto) and t_end >= self._next_eval:
            self._next_eval = t_end + self.every_s
            verdict = self.guard.check(t_end - self.window_s, t_end, self._mic.span(t_end - self.window_s, t_end))
            self._veto = verdict.share >= self.threshold
        if self._veto:  # all frames: weak ones would otherwise keep a leaked region open
            if speech:
                self.vetoed_s += len(pcm) / SAMPLE_RATE
            return np.zeros_like(probs)
        return probs
