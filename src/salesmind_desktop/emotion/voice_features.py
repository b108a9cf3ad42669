"""Prosodic and spectral features of one utterance, and a running per-speaker baseline.

`extract(pcm, words)` turns 16 kHz mono float32 speech into a fixed vector of `FEATURE_NAMES`
(absolute values): MFCC + deltas from `python_speech_features`, pitch (YIN-style difference
function on voiced frames, in semitones re 100 Hz), energy (dB), spectral tilt/centroid, speaking
rate (syllables per second from ASR word timings when given, else a syllable-nucleus estimate from
the energy envelope) and pauses.

`SpeakerBaseline` keeps a running mean of those vectors per channel for the current call, so a
model sees *relative* change ("louder and higher than this customer was so far") next to the
absolute values. Everything is vectorised numpy; see bench/bench_voice.py for timings.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from salesmind_desktop.events import SAMPLE_RATE, Word

HOP_S = 0.01
PITCH_SR = 8000  # pitch is tracked on a 2x-decimated signal
PITCH_WIN = 200  # 25 ms at 8 kHz
PITCH_HOP = 80  # 10 ms
F0_MIN, F0_MAX = 60.0, 450.0
YIN_THRESHOLD = 0.2
SPEECH_RANGE_DB = 35.0  # frames within this many dB of the loudest count as speech
SILENCE_FLOOR_DB = -60.0
MIN_PAUSE_S = 0.15
MIN_VOICED_FRAMES = 3

_MFCC = [f"mfcc{i}_mean" for i in range(13)] + [f"mfcc{i}_std" for i in range(13)] + [f"dmfcc{i}_std" for i in range(13)]
FEATURE_NAMES: tuple[str, ...] = tuple(_MFCC) + (
    "pitch_median", "pitch_range", "pitch_std", "pitch_slope", "pitch_end_rise", "voiced_frac",
    "energy_p90", "energy_median", "energy_std", "energy_range", "energy_attack",
    "tilt", "centroid",
    "rate", "pause_ratio", "pauses_per_s",
)
N_FEATURES = len(FEATURE_NAMES)
INDEX = {name: i for i, name in enumerate(FEATURE_NAMES)}


@dataclass(frozen=True)
class Features:
    """Absolute features of one utterance plus facts the engine uses for confidence."""

    values: np.ndarray  # float32, shape (N_FEATURES,)
    speech_s: float  # seconds of speech (frames above the speech threshold)
    voiced_frames: int


def _frame_db(pcm: np.ndarray, hop: int) -> np.ndarray:
    n = len(pcm) // hop
    frames = pcm[: n * hop].reshape(n, hop)
    return 10.0 * np.log10(np.mean(frames * frames, axis=1) + 1e-10)


@functools.lru_cache(maxsize=4)
def _mel_filterbank(nfilt: int, nfft: int, rate: int) -> np.ndarray:
    from python_speech_features import get_filterbanks

    return get_filterbanks(nfilt, nfft, rate)


@functools.lru_cache(maxsize=4)
def _mel_bands(nfilt: int, nfft: int, rate: int) -> tuple[tuple[int, int, np.ndarray], ...]:
    """Each triangular filter as (first bin, end bin, weights): a band-limited product instead of
    a dense BLAS matmul, which is ~40x slower when OpenBLAS threads fight for a busy CPU."""
    bands = []
    for row in _mel_filterbank(nfilt, nfft, rate):
        nz = np.flatnonzero(row)
        a, b = (int(nz[0]), int(nz[-1]) + 1) if len(nz) else (0, 1)
        bands.append((a, b, row[a:b].copy()))
    return tuple(bands)


@functools.lru_cache(maxsize=4)
def _window(n: int) -> np.ndarray:
    return np.hamming(n)


def mfcc_frames(pcm: np.ndarray) -> np.ndarray:
    """13 MFCCs per 10 ms frame (c0 = log frame energy), numerically the same as
    `python_speech_features.mfcc(pcm, 16000, winfunc=np.hamming)` but with the filterbank and
    window cached and strided framing (that function rebuilds both on every call)."""
    from python_speech_features import lifter
    from python_speech_features.sigproc import powspec, preemphasis
    from scipy.fftpack import dct

    win_len, hop, nfft = int(0.025 * SAMPLE_RATE), int(HOP_S * SAMPLE_RATE), 512
    sig = preemphasis(pcm.astype(np.float64), 0.97)
    n = 1 if len(sig) <= win_len else 1 + int(np.ceil((len(sig) - win_len) / hop))
    sig = np.concatenate([sig, np.zeros((n - 1) * hop + win_len - len(sig))])
    frames = np.lib.stride_tricks.sliding_window_view(sig, win_len)[::hop][:n] * _window(win_len)
    pspec = powspec(frames, nfft)
    energy = np.sum(pspec, axis=1)
    energy = np.where(energy == 0, np.finfo(float).eps, energy)
    feat = np.empty((len(pspec), 26))
    for i, (a, b, w) in enumerate(_mel_bands(26, nfft, SAMPLE_RATE)):
        feat[:, i] = pspec[:, a:b] @ w
    feat = np.where(feat == 0, np.finfo(float).eps, feat)
    feat = lifter(dct(np.log(feat), type=2, axis=1, norm="ortho")[:, :13], 22)
    feat[:, 0] = np.log(energy)
    return feat


def deltas(feat: np.ndarray, width: int = 2) -> np.ndarray:
    """Regression deltas over +-width frames (the formula of `python_speech_features.delta`)."""
    padded = np.pad(feat, ((width, width), (0, 0)), mode="edge")
    n = len(feat)
    num = sum(k * (padded[width + k: width + k + n] - padded[width - k: width - k + n]) for k in range(1, width + 1))
    return num / (2 * sum(k * k for k in range(1, width + 1)))


def _mfcc(pcm: np.ndarray) -> np.ndarray:
    """Mean and std of the MFCCs and std of their deltas over speech frames (c0 within
    SPEECH_RANGE_DB of the loudest frame), so silences and line level do not leak in."""
    feats = mfcc_frames(pcm)
    d = deltas(feats) if len(feats) >= 3 else np.zeros_like(feats)
    speech = feats[:, 0] > feats[:, 0].max() - SPEECH_RANGE_DB * np.log(10) / 10
    if speech.sum() >= 2:
        feats, d = feats[speech], d[speech]
    return np.concatenate([feats.mean(0), feats.std(0), d.std(0)])


def pitch_track(pcm: np.ndarray) -> np.ndarray:
    """F0 in Hz per 10 ms frame (0 where unvoiced), YIN cumulative-mean-normalised difference."""
    even = len(pcm) - len(pcm) % 2
    x = 0.5 * (pcm[0:even:2] + pcm[1:even:2])  # crude low-pass + decimate to 8 kHz
    max_lag = int(PITCH_SR / F0_MIN)
    min_lag = int(PITCH_SR / F0_MAX)
    flen = PITCH_WIN + max_lag
    if len(x) < flen:
        return np.zeros(0, dtype=np.float32)
    frames = np.lib.stride_tricks.sliding_window_view(x, flen)[::PITCH_HOP]
    frames = frames - frames.mean(axis=1, keepdims=True)
    nfft = 1 << int(np.ceil(np.log2(flen)))  # lags <= max_lag never wrap: j + tau < flen
    spec_full = np.fft.rfft(frames, nfft)
    spec_win = np.fft.rfft(frames[:, :PITCH_WIN], nfft)
    # r[tau] = sum_{j<W} x[j] x[j+tau]
    r = np.fft.irfft(np.conj(spec_win) * spec_full, nfft)[:, : max_lag + 1]
    sq = np.cumsum(np.concatenate([np.zeros((len(frames), 1)), frames * frames], axis=1), axis=1)
    e0 = sq[:, PITCH_WIN]
    lags = np.arange(max_lag + 1)
    e_tau = sq[:, lags + PITCH_WIN] - sq[:, lags]
    d = np.maximum(e0[:, None] + e_tau - 2.0 * r, 0.0)
    d[:, 0] = 0.0
    cum = np.cumsum(d[:, 1:], axis=1)
    cmnd = np.ones_like(d)
    cmnd[:, 1:] = d[:, 1:] * lags[1:] / np.maximum(cum, 1e-12)
    search = cmnd[:, min_lag:]
    below = search < YIN_THRESHOLD
    first = np.where(below.any(axis=1), below.argmax(axis=1), search.argmin(axis=1))
    # walk to the local minimum just after the first dip below threshold
    window = np.minimum(first[:, None] + np.arange(8)[None, :], search.shape[1] - 1)
    local = np.take_along_axis(search, window, axis=1)
    best = window[np.arange(len(window)), local.argmin(axis=1)]
    val = search[np.arange(len(search)), best]
    tau = best + min_lag
    # parabolic interpolation around the minimum
    left = cmnd[np.arange(len(cmnd)), np.maximum(tau - 1, 1)]
    right = cmnd[np.arange(len(cmnd)), np.minimum(tau + 1, max_lag)]
    denom = left - 2 * val + right
    shift = np.where(np.abs(denom) > 1e-9, 0.5 * (left - right) / np.where(np.abs(denom) > 1e-9, denom, 1), 0.0)
    f0 = PITCH_SR / (tau + np.clip(shift, -0.5, 0.5))
    energy = 10 * np.log10(e0 / PITCH_WIN + 1e-10)
    voiced = (val < 0.35) & (energy > max(energy.max() - SPEECH_RANGE_DB, SILENCE_FLOOR_DB))
    return np.where(voiced, f0, 0.0).astype(np.float32)


def _vowel_groups(word: str) -> int:
    return max(1, len(re.findall(r"[aeiouy]+", word.lower())))


def _pitch_features(f0: np.ndarray) -> tuple[list[float], int]:
    voiced = f0 > 0
    n_voiced = int(voiced.sum())
    if n_voiced < MIN_VOICED_FRAMES:
        return [0.0, 0.0, 0.0, 0.0, 0.0, float(voiced.mean()) if len(f0) else 0.0], n_voiced
    st = 12.0 * np.log2(f0[voiced] / 100.0)
    t = np.flatnonzero(voiced) * HOP_S
    med = float(np.median(st))
    p10, p90 = np.percentile(st, [10, 90])
    slope = float(np.polyfit(t, st, 1)[0]) if t[-1] > t[0] else 0.0
    cut = max(1, int(0.75 * n_voiced))
    end_rise = float(np.median(st[cut:]) - np.median(st[:cut])) if n_voiced >= 4 else 0.0
    return [med, float(p90 - p10), float(st.std()), float(np.clip(slope, -30, 30)), end_rise,
            float(voiced.mean())], n_voiced


def _syllable_nuclei(db: np.ndarray, speech: np.ndarray) -> int:
    """Peaks of the smoothed energy envelope at least 2 dB above the dip before them."""
    if len(db) < 5:
        return 0
    smooth = np.convolve(db, np.ones(3) / 3, mode="same")
    pad = np.pad(smooth, 7, mode="edge")  # peaks at least ~70 ms apart
    win = np.lib.stride_tricks.sliding_window_view(pad, 15)
    peak = (smooth >= win.max(axis=1)) & speech
    dip = win.min(axis=1)
    return int(np.count_nonzero(peak & (smooth - dip > 2.0)))


def extract(pcm: np.ndarray, words: Sequence[Word] = ()) -> Features:
    """Absolute feature vector of one utterance (see FEATURE_NAMES)."""
    pcm = np.asarray(pcm, dtype=np.float32).reshape(-1)
    hop = int(SAMPLE_RATE * HOP_S)
    if len(pcm) < 4 * hop:
        pcm = np.pad(pcm, (0, 4 * hop - len(pcm)))
    db = _frame_db(pcm, hop)
    speech = db > max(db.max() - SPEECH_RANGE_DB, SILENCE_FLOOR_DB)
    speech_db = db[speech] if speech.any() else db
    speech_s = float(speech.sum() * HOP_S)

    mf = _mfcc(pcm)
    pitch, n_voiced = _pitch_features(pitch_track(pcm))

    p10, p50, p90, p95 = np.percentile(speech_db, [10, 50, 90, 95])
    attack = float(np.max(db[5:] - db[:-5])) if len(db) > 5 else 0.0
    energy = [float(p90), float(p50), float(speech_db.std()), float(p95 - p10), attack]

    n = len(pcm) // hop
    frames = pcm[: n * hop].reshape(n, hop)[speech[:n]]
    if len(frames):
        power = np.abs(np.fft.rfft(frames * np.hanning(hop), 256)) ** 2
        freqs = np.fft.rfftfreq(256, 1.0 / SAMPLE_RATE)
        total = power.sum(axis=1) + 1e-10
        high = power[:, freqs >= 1000].sum(axis=1) + 1e-10
        tilt = float(np.mean(10 * np.log10(high / (total - high + 1e-10))))
        centroid = float(np.mean((power * freqs).sum(axis=1) / total) / 1000.0)
    else:
        tilt, centroid = 0.0, 0.0

    idx = np.flatnonzero(speech)
    span = float((idx[-1] - idx[0] + 1) * HOP_S) if len(idx) else 0.0
    gaps = ~speech[idx[0]: idx[-1] + 1] if len(idx) else np.zeros(0, bool)
    pause_runs = _runs(gaps)
    pauses = [r for r in pause_runs if r * HOP_S >= MIN_PAUSE_S]
    pause_s = sum(pauses) * HOP_S
    if words:
        syllables = sum(_vowel_groups(w.text) for w in words)
        w_span = max(words[-1].end - words[0].start, 0.1)
        w_gaps = [b.start - a.end for a, b in zip(words, words[1:]) if b.start - a.end >= MIN_PAUSE_S]
        rate = syllables / max(w_span - sum(w_gaps), 0.1)
    else:
        rate = _syllable_nuclei(db, speech) / max(span - pause_s, 0.1)
    timing = [float(min(rate, 12.0)), pause_s / span if span > 0 else 0.0,
              len(pauses) / span if span > 0 else 0.0]

    values = np.concatenate([mf, pitch, energy, [tilt, centroid], timing]).astype(np.float32)
    values[~np.isfinite(values)] = 0.0
    return Features(values=values, speech_s=speech_s, voiced_frames=n_voiced)


def _runs(mask: np.ndarray) -> list[int]:
    """Lengths of the runs of True in a boolean array."""
    if not len(mask):
        return []
    padded = np.concatenate([[False], mask, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return list(edges[1::2] - edges[0::2])


class SpeakerBaseline:
    """Running mean of one speaker's feature vectors during a call.

    A cumulative mean for the first `warmup` utterances, then an exponential moving average with
    weight `1/warmup`, so a long agitated stretch slowly becomes the new normal. `relative(x)`
    returns `(x - mean, warmth)`, warmth in [0, 1] growing with the utterances seen (0 = no
    baseline yet, the difference is then all zeros).
    """

    def __init__(self, warmup: int = 8) -> None:
        self.warmup = warmup
        self.count = 0
        self.mean = np.zeros(N_FEATURES, dtype=np.float64)

    def relative(self, values: np.ndarray) -> tuple[np.ndarray, float]:
        if self.count == 0:
            return np.zeros(N_FEATURES, dtype=np.float32), 0.0
        warmth = min(self.count, 4) / 4.0
        return (values - self.mean).astype(np.float32), warmth

    def update(self, values: np.ndarray) -> None:
        self.count += 1
        alpha = 1.0 / min(self.count, self.warmup)
        self.mean += alpha * (values.astype(np.float64) - self.mean)


LEVEL_FEATURES = ("mfcc0_mean", "energy_p90", "energy_median")
"""Absolute loudness says nothing on a phone line (mic gain, distance, codec): the model gets these
only relative to the speaker's baseline; in the absolute half they are zeroed."""
_LEVEL_MASK = np.array([name not in LEVEL_FEATURES for name in FEATURE_NAMES], dtype=np.float32)


def model_input(feats: Features, baseline: SpeakerBaseline, update: bool = True) -> tuple[np.ndarray, float]:
    """The model's input row `[absolute (level-free), relative, warmth]` for one utterance;
    updates the baseline."""
    rel, warmth = baseline.relative(feats.values)
    if update:
        baseline.update(feats.values)
    row = np.concatenate([feats.values * _LEVEL_MASK, rel, [warmth]]).astype(np.float32)
    return row, warmth


INPUT_DIM = 2 * N_FEATURES + 1
