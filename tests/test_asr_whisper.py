"""Whisper transcriber: real tiny.en on rendered speech, hallucination guards, device choice."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile
from fixtures_core import shared_transcriber, wer

from salesmind_desktop.asr import whisper
from salesmind_desktop.asr.whisper import (
    FULL_WINDOW_FRAMES, Decoded, WhisperTranscriber, fitted_frames, guard, looped, max_new_tokens, repeated_ngram, repeated_sentence,
    resolve_device)
from salesmind_desktop.errors import ConfigError, ModelError
from salesmind_desktop.events import Utterance, Word


def _decoded(text, logprob=-0.3, no_speech=0.05, ratio=1.2, p=0.9):
    words = tuple(Word(w, 0.1 * i, 0.1 * i + 0.1, p) for i, w in enumerate(text.split()))
    return Decoded(text, words, logprob, no_speech, ratio)


LOUD = (0.3 * np.sin(np.arange(16000) / 5)).astype(np.float32)
QUIET = np.random.default_rng(0).normal(0, 0.001, 16000).astype(np.float32)


def test_guards():
    assert guard(_decoded("I would like a lower price please"), LOUD, 2.0) is None
    assert guard(_decoded("Thank you."), LOUD, 1.0) is None  # a real "thank you" stays
    assert "phantom" in guard(_decoded("Thank you."), QUIET, 1.0)
    assert "phantom" in guard(_decoded("Thank you.", p=0.3), LOUD, 1.0)
    assert "no speech" in guard(_decoded(""), LOUD, 1.0)
    assert "no-speech" in guard(_decoded("hello there", logprob=-1.2, no_speech=0.8), LOUD, 1.0)
    assert "compression" in guard(_decoded("la la la", ratio=3.0), LOUD, 1.0)
    assert "repeated" in guard(_decoded("we can we can we can we can do it"), LOUD, 5.0)
    assert "words in" in guard(_decoded(" ".join(f"w{i}" for i in range(14))), LOUD, 1.0)
    assert "confidence" in guard(_decoded("something", logprob=-2.0), LOUD, 1.0)


def test_repeated_ngram():
    assert repeated_ngram("a b c a b c a b c a b c".split()) == "a b c"
    assert repeated_ngram("yes yes yes".split()) is None
    assert repeated_ngram("one two three four".split()) is None


def test_fitted_frames_cover_the_speech_plus_margin():
    assert fitted_frames(2 * 16000) == 1000  # 2 s + 6 s margin, but at least 10 s
    assert fitted_frames(5 * 16000) == 1200  # 5 s + 6 s margin, whole seconds
    assert fitted_frames(12 * 16000) == 1900
    assert fitted_frames(2 * 16000, margin_s=3.0, min_s=0) == 600
    assert fitted_frames(40 * 16000) == FULL_WINDOW_FRAMES


def test_repeated_sentence_and_loop_reasons():
    assert repeated_sentence(["I'm not sure we can keep working with you.", "I'm not sure we can keep working with you."])
    assert repeated_sentence(["They loved it.", "The scheduling view was a big hit.", "The scheduling view"])
    assert repeated_sentence(["Don't put me on hold again. Don't put me on hold again. Don't put"])  # one segment
    assert repeated_sentence(["Yes.", "Yes."]) is None  # one word repeated is ordinary speech
    assert repeated_sentence(["Send it over.", "Thanks, Jenny."]) is None
    text = "Send it over. Send it over."
    looping = Decoded(text, (), -0.2, 0.0, 1.5, ("Send it over.", "Send it over."))
    assert "repeated sentence" in looped(looping, 3.0)
    assert guard(looping, LOUD, 3.0) is None  # "Thank you. Thank you." can be real: retried, not rejected
    assert looped(Decoded("Send it over.", (), -0.2, 0.0, 1.1, ("Send it over.",)), 3.0) is None
    assert max_new_tokens(2.0) == 31 and max_new_tokens(100.0) == 440


class _LoopsInFittedWindow(WhisperTranscriber):
    """Whisper stand-in: loops when the encoder window is fitted, clean with the full window."""

    def __init__(self, window="fit"):
        super().__init__("/unused", device="cpu", window=window)
        self.windows = []

    def decode(self, pcm, encoder_frames=None):
        self.windows.append(encoder_frames)
        self.stats["passes"] += 1
        texts = ("Great, let's do it.", "Great, let's do it.") if encoder_frames else ("Great, let's do it.",)
        words = tuple(Word(w, 0.2 * i, 0.2 * i + 0.2, 0.9) for i, w in enumerate(" ".join(texts).split()))
        return Decoded(" ".join(texts), words, -0.2, 0.01, 1.2, texts)


def test_a_loop_in_the_fitted_window_is_decoded_again_with_the_full_window():
    asr = _LoopsInFittedWindow()
    tr = asr.transcribe(Utterance(0, "customer", 1.0, 3.0, LOUD.repeat(2)))
    assert asr.windows == [1000, None] and asr.stats == {"passes": 2, "full_retries": 1}
    assert tr.text == "Great, let's do it." and tr.rejected_reason is None
    full = _LoopsInFittedWindow(window="full")
    full.transcribe(Utterance(0, "customer", 1.0, 3.0, LOUD.repeat(2)))
    assert full.windows == [None]


def test_auto_window_is_fitted_on_live_calls_only():
    asr = _LoopsInFittedWindow(window="auto")
    asr.transcribe(Utterance(0, "customer", 1.0, 3.0, LOUD.repeat(2)))
    assert asr.windows == [None]  # a file: the full window
    asr.live = True
    asr.transcribe(Utterance(0, "customer", 1.0, 3.0, LOUD.repeat(2)))
    assert asr.windows[1:] == [1000, None]  # live: fitted (then the loop retry)


def test_unknown_window_is_a_config_error():
    with pytest.raises(ConfigError, match="encoder window"):
        WhisperTranscriber("/unused", device="cpu", window="short")


def test_device_choice(monkeypatch):
    monkeypatch.setattr(whisper, "_cuda_devices", lambda: 0)
    assert resolve_device("auto") == "cpu"
    assert resolve_device("cpu") == "cpu"
    with pytest.raises(ModelError, match="no CUDA"):
        resolve_device("cuda")
    with pytest.raises(ModelError, match="unknown"):
        resolve_device("tpu")
    monkeypatch.setattr(whisper, "_cuda_devices", lambda: 1)
    assert resolve_device("auto") == "cuda"
    t = whisper.WhisperTranscriber("/nonexistent", device="auto")
    assert t.compute_type == "int8_float16"


def test_missing_model_dir_is_a_model_error(tmp_path):
    t = whisper.WhisperTranscriber(tmp_path, device="cpu")
    with pytest.raises(ModelError, match="cannot load"):
        t.load()


@pytest.mark.slow
def test_real_tiny_en_on_rendered_customer_turns(render_call):
    wav, truth = render_call("d4_late_spike")
    data, _ = soundfile.read(str(wav), dtype="float32")
    asr = shared_transcriber()
    refs, hyps = [], []
    for i, turn in enumerate(t for t in truth["turns"] if t["speaker"] == "customer"):
        a, b = int((turn["start"] - 0.2) * 16000), int((turn["end"] + 0.2) * 16000)
        utt = Utterance(i, "customer", a / 16000, b / 16000, data[a:b, 1])
        tr = asr.transcribe(utt)
        assert tr.rejected_reason is None, (turn["text"], tr.rejected_reason)
        assert tr.words and all(utt.start - 0.01 <= w.start <= w.end <= utt.end + 0.01 for w in tr.words)
        assert abs(tr.words[0].start - turn["start"]) < 0.5  # word times are call time
        refs.append(turn["text"])
        hyps.append(tr.text)
    assert wer(" ".join(refs), " ".join(hyps)) <= 0.15


@pytest.mark.slow
def test_real_model_on_silence_and_noise_invents_nothing():
    asr = shared_transcriber()
    rng = np.random.default_rng(1)
    for pcm in (np.zeros(32000, np.float32), rng.normal(0, 0.003, 48000).astype(np.float32),
                rng.normal(0, 0.2, 32000).astype(np.float32)):
        tr = asr.transcribe(Utterance(1, "customer", 5.0, 5.0 + len(pcm) / 16000, pcm))
        assert tr.text == "" and tr.rejected_reason and tr.words == ()


@pytest.mark.slow
def test_fitted_window_matches_the_full_window_on_real_speech(render_call):
    """The default fitted encoder window keeps tiny.en's accuracy on real (rendered) speech."""
    wav, truth = render_call("d2_price_timing")
    data, _ = soundfile.read(str(wav), dtype="float32")
    shared = shared_transcriber()
    asr = WhisperTranscriber(shared.model_dir, device="cpu", window="fit")
    full = WhisperTranscriber(shared.model_dir, device="cpu", window="full")
    asr._model = full._model = shared.load()  # same loaded model, two windows
    refs, fit_hyps, full_hyps = [], [], []
    passes = asr.stats["passes"]
    turns = [t for t in truth["turns"] if t["speaker"] == "customer"]
    for i, turn in enumerate(turns):
        a, b = int((turn["start"] - 0.2) * 16000), int((turn["end"] + 0.3) * 16000)
        utt = Utterance(i, "customer", a / 16000, b / 16000, data[a:b, 1])
        refs.append(turn["text"])
        fit_hyps.append(asr.transcribe(utt).text)
        full_hyps.append(full.transcribe(utt).text)
    assert asr.window == "fit" and asr.stats["passes"] - passes >= len(turns)
    assert full.stats["full_retries"] == 0 and full.stats["passes"] == len(turns)
    assert wer(" ".join(refs), " ".join(fit_hyps)) <= wer(" ".join(refs), " ".join(full_hyps)) + 0.05
    assert wer(" ".join(refs), " ".join(fit_hyps)) <= 0.15
