"""Echo/bleed guard on rendered calls: speakers leaking the customer into the mic vs the rep talking."""

from __future__ import annotations

import wave

import numpy as np
import pytest

from salesmind_desktop.audio.bleed import BleedGuard, LoopbackRing, bleed_share

RATE = 16000


@pytest.fixture(scope="module")
def call(render_call):
    wav, truth = render_call("d1_demo_followup")
    with wave.open(str(wav)) as w:
        pcm = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).reshape(-1, 2).astype(np.float32) / 32768
    return pcm[:, 0].copy(), pcm[:, 1].copy(), truth["turns"]


def _room(x: np.ndarray, delay_s: float, gain: float, tau: int = 400, seed: int = 1) -> np.ndarray:
    """x through a small room (decaying noise impulse response) and a delay: what a mic hears."""
    rng = np.random.default_rng(seed)
    ir = (rng.normal(0, 1, 2400) * np.exp(-np.arange(2400) / tau)).astype(np.float32)
    ir[0] = 3.0
    ir /= np.sqrt(np.sum(ir ** 2))
    y = np.convolve(x, ir)[:len(x)] * gain
    d = int(delay_s * RATE)
    return np.concatenate([np.zeros(d, np.float32), y[:len(y) - d]]).astype(np.float32)


def _guard_with(customer: np.ndarray) -> BleedGuard:
    guard = BleedGuard(ring_s=60)
    for i in range(0, len(customer), 512):  # as the live source feeds it, block by block
        guard.push_loopback(i / RATE, customer[i:i + 512])
    return guard


def _span(x, turn):
    return x[int(turn["start"] * RATE):int(turn["end"] * RATE)]


def test_customer_voice_leaking_into_the_mic_is_bleed(call):
    rep, customer, turns = call
    guard = _guard_with(customer)
    mic = _room(customer, 0.08, 0.3) + np.random.default_rng(0).normal(0, 0.003, len(customer)).astype(np.float32)
    for turn in (t for t in turns if t["speaker"] == "customer"):
        verdict = guard.check(turn["start"], turn["end"], _span(mic, turn))
        assert verdict.bleed, (turn["text"], verdict)
        assert abs(verdict.lag_s - 0.08) < 0.01  # found the echo path delay


def test_rep_speaking_is_not_bleed_even_while_the_customer_talks(call):
    rep, customer, turns = call
    guard = _guard_with(customer)
    for turn in turns:
        if turn["speaker"] != "rep":
            continue
        # the rep's own turn; then the same words said over the customer's next turn (double talk)
        assert not guard.check(turn["start"], turn["end"], _span(rep, turn)).bleed
        nxt = turns[turns.index(turn) + 1]
        words = _span(rep, turn)[: int((nxt["end"] - nxt["start"]) * RATE)]
        mic = words + _room(_span(customer, nxt)[:len(words)], 0.06, 0.3)
        verdict = guard.check(nxt["start"], nxt["start"] + len(mic) / RATE, mic)
        assert not verdict.bleed, verdict
        assert verdict.share < 0.2


def test_unrelated_audio_scores_low_and_identical_audio_scores_one(call):
    rep, customer, turns = call
    a, b = _span(customer, turns[1]), _span(rep, turns[0])
    n = min(len(a), len(b))
    assert bleed_share(a[:n], a[:n]) > 0.99
    assert bleed_share(b[:n], a[:n]) < 0.1


def test_silent_loopback_short_circuits():
    guard = BleedGuard()
    guard.push_loopback(0.0, np.zeros(RATE * 3, np.float32))
    mic = np.random.default_rng(0).normal(0, 0.1, RATE).astype(np.float32)
    verdict = guard.check(1.0, 2.0, mic)
    assert not verdict.bleed and "silent" in verdict.reason


def test_ring_keeps_audio_time_and_forgets_old_audio():
    ring = LoopbackRing(seconds=1.0)
    ring.push(0.0, np.full(RATE // 2, 0.5, np.float32))
    ring.push(0.75, np.full(RATE // 4, -0.5, np.float32))  # a gap 0.5-0.75 s reads as zeros
    span = ring.span(0.25, 1.0)
    assert np.allclose(span[: RATE // 4], 0.5) and np.allclose(span[RATE // 4: RATE // 2], 0.0)
    assert np.allclose(span[RATE // 2:], -0.5)
    ring.push(1.0, np.full(RATE, 0.25, np.float32))  # pushes 0-1 s out of a 1 s ring
    assert np.allclose(ring.span(0.0, 1.0), 0.0) and np.allclose(ring.span(1.0, 2.0), 0.25)
    ring.push(2.0, np.full(3 * RATE, 0.1, np.float32))  # longer than the ring: keeps the newest
    assert np.allclose(ring.span(4.0, 5.0), 0.1) and ring.end == pytest.approx(5.0)


def _gate_run(gate, mic, end_s):
    """Feed the gate mic frames from t = 0 like the pipeline does; per-frame (time, speech, vetoed)."""
    rows = []
    for i in range(0, int(end_s * RATE) // 2048 * 2048, 2048):  # 4 VAD frames per chunk
        frames = mic[i:i + 2048].reshape(-1, 512)
        probs = (np.sqrt(np.mean(frames ** 2, axis=1)) > 0.01).astype(np.float32)
        out = gate("rep", frames, probs)
        rows += [((i + 512 * j) / RATE, probs[j] > 0.5, probs[j] > 0.5 and out[j] < 0.5) for j in range(4)]
    return rows


def _inside(rows, turns, speaker):
    spans = [(t["start"], t["end"]) for t in turns if t["speaker"] == speaker]
    picked = [r for r in rows if any(a <= r[0] < b for a, b in spans)]
    return sum(r[1] for r in picked), sum(r[2] for r in picked)


def test_gate_keeps_leaked_speech_out_of_the_reps_talk_time_but_not_the_rep(call):
    from salesmind_desktop.audio.bleed import BleedGate

    rep, customer, turns = call
    guard = _guard_with(customer)
    end = turns[5]["end"]
    rows = _gate_run(BleedGate(guard), _room(customer, 0.05, 0.3), end)  # speakers, rep silent
    speech, vetoed = _inside(rows, turns[:6], "customer")
    assert speech > 50 and vetoed >= 0.7 * speech, (speech, vetoed)

    gate = BleedGate(guard)
    rows = _gate_run(gate, rep + _room(customer, 0.05, 0.3), end)  # the rep talks between the leaks
    speech, vetoed = _inside(rows, turns[:6], "rep")
    assert speech > 50 and vetoed <= 0.05 * speech, (speech, vetoed)
    leak_speech, leak_vetoed = _inside(rows, turns[:6], "customer")
    assert leak_vetoed >= 0.7 * leak_speech, (leak_speech, leak_vetoed)
