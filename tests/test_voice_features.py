"""voice_features: pitch, energy, rate, pauses on exact signals and real TTS speech; the baseline."""

from __future__ import annotations

import numpy as np
import pytest
from fixtures_voice import RATE, harmonic, tts

from salesmind_desktop.emotion import voice_features as vf
from salesmind_desktop.events import Word

LINE = "I wanted to ask about the invoice from last month."


def feat(pcm, name, words=()):
    return float(vf.extract(pcm, words).values[vf.INDEX[name]])


@pytest.mark.parametrize("f0", [90.0, 150.0, 240.0, 380.0])
def test_pitch_track_finds_known_f0(f0):
    track = vf.pitch_track(harmonic(f0, seconds=1.0))
    voiced = track[track > 0]
    assert len(voiced) > 0.9 * len(track)
    assert abs(np.median(voiced) - f0) / f0 < 0.02


def test_silence_is_unvoiced_and_features_finite():
    silence = np.zeros(RATE, dtype=np.float32)
    assert not (vf.pitch_track(silence) > 0).any()
    f = vf.extract(silence)
    assert f.voiced_frames == 0
    assert f.values.shape == (vf.N_FEATURES,) and np.isfinite(f.values).all()


def test_tiny_input_does_not_crash():
    f = vf.extract(np.zeros(10, dtype=np.float32))
    assert np.isfinite(f.values).all()


def test_rising_glide_reads_as_rising():
    flat = np.concatenate([harmonic(150, seconds=0.9), harmonic(150, 230, seconds=0.4)])
    assert feat(flat, "pitch_end_rise") > 3.0
    assert feat(flat, "pitch_slope") > 0
    assert abs(feat(harmonic(150, seconds=1.3), "pitch_end_rise")) < 0.3


def test_pause_measured():
    gap = np.zeros(int(0.4 * RATE), dtype=np.float32)
    pcm = np.concatenate([harmonic(140, seconds=0.6), gap, harmonic(140, seconds=0.6)])
    assert 0.2 < feat(pcm, "pause_ratio") < 0.35
    assert feat(pcm, "pauses_per_s") > 0
    assert feat(harmonic(140, seconds=1.6), "pause_ratio") == 0.0


def test_rate_from_word_timings():
    words = [Word("invoice", 10.0, 10.5, 0.9), Word("from", 10.5, 10.7, 0.9), Word("today", 11.0, 11.5, 0.9)]
    # syllables: in-voi-ce -> 3 vowel groups (i, oi, e), from 1, to-day 2 -> 6; span 1.5 s minus 0.3 s gap
    assert feat(harmonic(150, seconds=1.5), "rate", words) == pytest.approx(6 / 1.2, rel=1e-3)


def test_real_speech_pitch_shift_and_gain():
    base = vf.extract(tts(LINE)).values
    up = vf.extract(tts(LINE, cents=400)).values
    loud = vf.extract(tts(LINE, gain_db=6)).values
    i = vf.INDEX
    assert up[i["pitch_median"]] - base[i["pitch_median"]] == pytest.approx(4.0, abs=1.0)
    assert loud[i["energy_p90"]] - base[i["energy_p90"]] == pytest.approx(6.0, abs=0.7)
    assert abs(loud[i["pitch_median"]] - base[i["pitch_median"]]) < 0.5
    assert 100 < 100 * 2 ** (base[i["pitch_median"]] / 12) < 260  # slt is a female voice
    assert base[i["voiced_frac"]] > 0.3


def test_real_speech_faster_tempo_raises_rate_estimate():
    slow = feat(tts(LINE, tempo=0.8), "rate")
    fast = feat(tts(LINE, tempo=1.3), "rate")
    assert fast > slow * 1.2
    assert 1.5 < slow < 9


def test_treble_boost_raises_tilt():
    assert feat(tts(LINE, treble_db=8), "tilt") > feat(tts(LINE), "tilt") + 2


def test_speaker_baseline_running_mean():
    b = vf.SpeakerBaseline(warmup=2)
    x1 = np.full(vf.N_FEATURES, 1.0, np.float32)
    rel, warmth = b.relative(x1)
    assert warmth == 0.0 and not rel.any()
    b.update(x1)
    b.update(np.full(vf.N_FEATURES, 3.0, np.float32))
    assert np.allclose(b.mean, 2.0)
    b.update(np.full(vf.N_FEATURES, 4.0, np.float32))  # EMA with weight 1/2 after warm-up
    assert np.allclose(b.mean, 3.0)
    rel, warmth = b.relative(np.full(vf.N_FEATURES, 5.0, np.float32))
    assert np.allclose(rel, 2.0) and 0 < warmth <= 1


def test_model_input_layout():
    b = vf.SpeakerBaseline()
    f = vf.extract(harmonic(150, seconds=1.0))
    row, warmth = vf.model_input(f, b)
    assert row.shape == (vf.INPUT_DIM,) and row.dtype == np.float32
    assert warmth == 0.0 and b.count == 1
    louder = vf.extract(harmonic(150, seconds=1.0, amp=0.6))
    row2, _ = vf.model_input(louder, b)
    rel_energy = row2[vf.N_FEATURES + vf.INDEX["energy_p90"]]
    assert rel_energy == pytest.approx(20 * np.log10(2), abs=0.3)


def test_absolute_half_of_model_input_ignores_line_level():
    """Loudness on a phone line is arbitrary: only the change against the baseline may carry it."""
    pcm = tts(LINE)
    quiet, _ = vf.model_input(vf.extract(pcm * 0.25), vf.SpeakerBaseline())
    loud, _ = vf.model_input(vf.extract(pcm), vf.SpeakerBaseline())
    n = vf.N_FEATURES
    assert np.allclose(quiet[:n], loud[:n], atol=0.05, rtol=0.02)
    for name in vf.LEVEL_FEATURES:
        assert loud[vf.INDEX[name]] == 0.0


def test_mfcc_matches_python_speech_features():
    from python_speech_features import delta, mfcc

    pcm = tts(LINE)
    ref = mfcc(pcm, RATE, winlen=0.025, winstep=0.01, numcep=13, nfilt=26, nfft=512, appendEnergy=True,
               winfunc=np.hamming)
    ours = vf.mfcc_frames(pcm)
    assert ours.shape == ref.shape
    assert np.allclose(ours, ref, atol=1e-3)
    assert np.allclose(vf.deltas(ref), delta(ref, 2), atol=1e-9)
