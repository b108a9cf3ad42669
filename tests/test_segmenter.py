"""Segmenter (pure, on synthetic probabilities) and the real Silero VAD on rendered speech."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from fixtures_core import vad_path

from salesmind_desktop.audio.segmenter import Segmenter
from salesmind_desktop.audio.vad import FRAME, FRAME_S, SileroVad
from salesmind_desktop.events import SpeechActivity, Utterance
from salesmind_desktop.settings import VadSettings


def _run(probs, settings=None, t0=0.0):
    seg = Segmenter("customer", settings or VadSettings(), itertools.count(1), t0=t0)
    frames = np.tile(np.arange(len(probs), dtype=np.float32)[:, None], (1, FRAME))  # frame k holds k
    out = seg.push(frames, np.asarray(probs, dtype=np.float32)) + seg.flush()
    return ([o for o in out if isinstance(o, Utterance) and not o.provisional],
            [o for o in out if isinstance(o, SpeechActivity)])


def _provisional(probs, settings=None):
    seg = Segmenter("customer", settings or VadSettings(), itertools.count(1))
    frames = np.tile(np.arange(len(probs), dtype=np.float32)[:, None], (1, FRAME))
    out = seg.push(frames, np.asarray(probs, dtype=np.float32)) + seg.flush()
    return [o for o in out if isinstance(o, Utterance)]


def test_provisional_copy_during_the_end_of_speech_wait_has_the_final_audio():
    out = _provisional(_probs([(1.0, 0.0), (2.0, 0.9), (1.0, 0.0)]))
    assert [u.provisional for u in out] == [True, False]
    early, final = out
    assert early.id == 0 and final.id == 1
    assert early.start == final.start and early.end == final.end and np.array_equal(early.pcm, final.pcm)
    assert early.wall_end <= final.wall_end


def test_speech_resuming_after_the_provisional_copy_makes_a_longer_final():
    # a 0.35 s pause: past speculate_ms (0.256 s), short of min_silence_ms (0.5 s)
    out = _provisional(_probs([(1.0, 0.0), (1.0, 0.9), (0.35, 0.0), (1.0, 0.9), (1.0, 0.0)]))
    provisional = [u for u in out if u.provisional]
    final = [u for u in out if not u.provisional]
    assert len(provisional) == 2 and len(final) == 1
    assert not np.array_equal(provisional[0].pcm, final[0].pcm)  # stale: superseded
    assert np.array_equal(provisional[1].pcm, final[0].pcm)


def test_no_provisional_copy_when_off_too_late_or_too_short():
    probs = _probs([(1.0, 0.0), (2.0, 0.9), (1.0, 0.0)])
    assert not any(u.provisional for u in _provisional(probs, VadSettings(speculate_ms=0)))
    assert not any(u.provisional for u in _provisional(probs, VadSettings(speculate_ms=600)))  # >= min_silence
    short = _probs([(1.0, 0.0), (0.1, 0.9), (1.0, 0.0)])  # under min_speech_ms: never transcribed
    assert _provisional(short) == []


def _probs(spec):
    """spec: list of (seconds, prob)."""
    out = []
    for seconds, p in spec:
        out += [p] * round(seconds / FRAME_S)
    return out


def test_pre_roll_tail_and_times():
    utts, acts = _run(_probs([(1.0, 0.0), (2.0, 0.9), (1.0, 0.0)]))
    assert len(utts) == 1 and len(acts) == 1
    u = utts[0]
    k0 = round(1.0 / FRAME_S)
    assert acts[0].start == pytest.approx(k0 * FRAME_S)
    assert acts[0].end == pytest.approx((k0 + round(2.0 / FRAME_S)) * FRAME_S)
    pre = round(0.2 / FRAME_S)
    assert u.start == pytest.approx((k0 - pre) * FRAME_S)
    assert u.pcm[0] == k0 - pre  # the pre-roll audio really is the frames before speech
    assert u.end - acts[0].end == pytest.approx(pre * FRAME_S)  # short tail kept
    assert u.duration == pytest.approx(len(u.pcm) / 16000)
    assert not u.forced_cut


def test_short_pause_does_not_split_but_long_one_does():
    utts, _ = _run(_probs([(0.5, 0), (1, 0.9), (0.3, 0.1), (1, 0.9), (1, 0)]))
    assert len(utts) == 1
    utts, acts = _run(_probs([(0.5, 0), (1, 0.9), (0.8, 0.1), (1, 0.9), (1, 0)]))
    assert len(utts) == 2 and len(acts) == 2
    assert utts[0].id < utts[1].id


def test_hysteresis_keeps_speech_between_thresholds():
    utts, _ = _run(_probs([(0.5, 0), (1, 0.9), (1.0, 0.4), (1, 0)]))  # 0.4 > 0.5 - 0.15
    assert len(utts) == 1 and utts[0].duration > 2.0


def test_too_short_speech_is_activity_only():
    utts, acts = _run(_probs([(0.5, 0), (0.1, 0.9), (1, 0)]))
    assert utts == [] and len(acts) == 1


def test_monologue_is_cut_at_max_length_at_the_quietest_frame():
    settings = VadSettings(max_utterance_s=5.0)
    probs = _probs([(0.3, 0), (4.5, 0.95), (0.1, 0.36), (7.0, 0.95), (1, 0)])
    utts, acts = _run(probs, settings)
    assert len(utts) >= 3
    assert all(u.duration <= 5.0 + 1e-6 for u in utts)
    assert utts[0].forced_cut and not utts[-1].forced_cut
    dip = (round(0.3 / FRAME_S) + round(4.5 / FRAME_S) + 1) * FRAME_S
    assert utts[0].end == pytest.approx(dip, abs=FRAME_S)  # cut right after the dip
    for a, b in itertools.pairwise(utts):
        assert b.start == pytest.approx(a.end)  # contiguous pieces, nothing lost
    assert sum(a.end - a.start for a in acts) == pytest.approx(4.6 + 7.0, abs=0.1)


def test_flush_closes_open_speech_and_t0_offsets():
    utts, acts = _run(_probs([(0.5, 0), (1, 0.9)]), t0=10.0)
    assert len(utts) == 1 and utts[0].start == pytest.approx(10.0 + 0.5 - 0.2, abs=FRAME_S)


@pytest.mark.slow
def test_silero_on_rendered_call_matches_truth(render_call):
    import soundfile

    wav, truth = render_call("d3_billing_irate")
    data, rate = soundfile.read(str(wav), dtype="float32")
    assert rate == 16000
    vad = SileroVad(vad_path())
    ids = itertools.count(1)
    segs = {ch: Segmenter(ch, VadSettings(), ids) for ch in ("rep", "customer")}
    out = []
    for col, ch in enumerate(("rep", "customer")):
        for i in range(0, len(data), 4000):  # odd block size: frames straddle blocks
            frames, probs = vad.frames(ch, data[i:i + 4000, col])
            out += segs[ch].push(frames, probs)
        out += segs[ch].flush()
    utts = [o for o in out if isinstance(o, Utterance) and not o.provisional]
    early = [o for o in out if isinstance(o, Utterance) and o.provisional]
    assert len(utts) == len(truth["turns"])
    # each turn ends in a pause: its provisional copy already had the final audio (speculative ASR)
    for u in utts:
        assert any(e.channel == u.channel and e.start == u.start and np.array_equal(e.pcm, u.pcm) for e in early), u
    for turn in truth["turns"]:
        match = [u for u in utts if u.channel == turn["speaker"] and abs(u.start - turn["start"]) < 0.5]
        assert len(match) == 1, turn
    # silence only: nothing
    vad.reset()
    frames, probs = vad.frames("rep", np.random.default_rng(0).normal(0, 0.003, 16000 * 3).astype(np.float32))
    assert probs.max() < 0.5
