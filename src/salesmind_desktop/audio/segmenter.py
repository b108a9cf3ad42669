"""Turns one channel's VAD frames into utterances for ASR and speech regions for talk metrics.

Pure and audio-timed (no threads, no clock except the optional `wall` for latency stamps):

* speech starts when a frame's probability reaches `threshold`, and the utterance takes
  `pre_roll_ms` of audio from before it so the first word is not clipped;
* it ends after `min_silence_ms` below `threshold - 0.15` (hysteresis), keeping a short tail;
* a region with less than `min_speech_ms` of speech still counts as `SpeechActivity` but is not
  transcribed;
* a monologue is cut at `max_utterance_s` (at the quietest frame of the last 1.5 s) so results
  keep coming; the cut piece is marked `forced_cut`;
* speculation: once `speculate_ms` of silence has passed (and at least the tail kept after the
  last speech frame, so the audio can no longer change), a `provisional` copy of the utterance is
  emitted (id 0). If the speaker stays quiet until `min_silence_ms`, the final utterance has
  exactly the same audio, so ASR can start during the end-of-speech wait; if they speak again,
  the copy is simply superseded.
"""

from __future__ import annotations

import itertools
import time
from collections import deque
from collections.abc import Callable, Iterator

import numpy as np

from salesmind_desktop.audio.vad import FRAME_S
from salesmind_desktop.events import SAMPLE_RATE, Channel, SpeechActivity, Utterance
from salesmind_desktop.settings import VadSettings

HYSTERESIS = 0.15
CUT_SEARCH_S = 1.5


class Segmenter:
    def __init__(self, channel: Channel, settings: VadSettings, ids: Iterator[int] | None = None,
                 t0: float = 0.0, wall: Callable[[], float] = time.monotonic) -> None:
        self.channel = channel
        self.threshold = float(settings.threshold)
        self.off_threshold = max(0.01, self.threshold - HYSTERESIS)
        self.pre_n = max(0, round(settings.pre_roll_ms / 1000 / FRAME_S))
        self.silence_n = max(1, round(settings.min_silence_ms / 1000 / FRAME_S))
        spec_n = round(getattr(settings, "speculate_ms", 0) / 1000 / FRAME_S)
        # no earlier than the tail is complete (the audio is then final), and only if it is early
        self.speculate_n = max(spec_n, self.pre_n) if 0 < spec_n and max(spec_n, self.pre_n) < self.silence_n else 0
        self.min_speech_s = settings.min_speech_ms / 1000
        self.max_n = max(self.silence_n + 2, int(settings.max_utterance_s / FRAME_S))
        self.ids = ids if ids is not None else itertools.count(1)
        self.wall = wall
        self._k = 0  # frames seen
        self.t0 = t0
        self._ring: deque[np.ndarray] = deque(maxlen=self.pre_n or 1)
        self._frames: list[np.ndarray] = []
        self._probs: list[float] = []
        self._seg_k = 0  # frame index of _frames[0]
        self._active_k = 0  # frame index where the current speech region (activity) began
        self._last_speech_k = 0  # index one past the last speech frame
        self._speech_n = 0  # speech frames in the current segment
        self._silence = 0
        self.speaking = False

    @property
    def t(self) -> float:
        """Audio time at the end of the last frame pushed."""
        return self._time(self._k)

    def _time(self, k: int) -> float:
        return self.t0 + k * FRAME_S

    def push(self, frames: np.ndarray, probs: np.ndarray) -> list[Utterance | SpeechActivity]:
        out: list[Utterance | SpeechActivity] = []
        for frame, p in zip(frames, probs):
            self._step(frame, float(p), out)
        return out

    def flush(self) -> list[Utterance | SpeechActivity]:
        """Close an open region at the end of the stream."""
        out: list[Utterance | SpeechActivity] = []
        if self.speaking:
            self._close(out)
        return out

    def _step(self, frame: np.ndarray, p: float, out: list) -> None:
        k = self._k
        self._k += 1
        if not self.speaking:
            if p >= self.threshold:
                pre = list(self._ring) if self.pre_n else []
                self._frames = pre + [frame]
                self._probs = [0.0] * len(pre) + [p]
                self._seg_k = k - len(pre)
                self._active_k = k
                self._last_speech_k = k + 1
                self._speech_n = 1
                self._silence = 0
                self.speaking = True
            elif self.pre_n:
                self._ring.append(frame)
            return
        self._frames.append(frame)
        self._probs.append(p)
        if p >= self.off_threshold:
            self._silence = 0
            self._last_speech_k = k + 1
            self._speech_n += 1
        else:
            self._silence += 1
            if self._silence >= self.silence_n:
                self._close(out)
                return
            if self._silence == self.speculate_n:
                self._speculate(out)
        if len(self._frames) >= self.max_n:
            self._force_cut(out)

    def _emit(self, out: list, n_frames: int, speech_end_k: int, forced: bool) -> None:
        start = self._time(self._seg_k)
        out.append(SpeechActivity(self.channel, self._time(self._active_k), self._time(speech_end_k)))
        if (speech_end_k - self._active_k) * FRAME_S >= self.min_speech_s:
            pcm = np.concatenate(self._frames[:n_frames]).astype(np.float32, copy=False)
            out.append(Utterance(id=next(self.ids), channel=self.channel, start=start,
                                 end=start + len(pcm) / SAMPLE_RATE, pcm=pcm,
                                 forced_cut=forced, wall_end=self.wall()))

    def _close_frames(self) -> int:
        """Frames the utterance keeps if it closes now: up to the last speech frame plus the tail."""
        tail = min(self.pre_n, self._k - self._last_speech_k)
        return self._last_speech_k - self._seg_k + tail

    def _speculate(self, out: list) -> None:
        if (self._last_speech_k - self._active_k) * FRAME_S < self.min_speech_s:
            return
        start = self._time(self._seg_k)
        pcm = np.concatenate(self._frames[:self._close_frames()]).astype(np.float32, copy=False)
        out.append(Utterance(id=0, channel=self.channel, start=start, end=start + len(pcm) / SAMPLE_RATE,
                             pcm=pcm, wall_end=self.wall(), provisional=True))

    def _close(self, out: list) -> None:
        n = self._close_frames()
        self._emit(out, n, self._last_speech_k, forced=False)
        self._ring.clear()
        if self.pre_n:
            for frame in self._frames[-self.pre_n:]:
                self._ring.append(frame)
        self._frames, self._probs = [], []
        self.speaking = False

    def _force_cut(self, out: list) -> None:
        search = max(1, int(CUT_SEARCH_S / FRAME_S))
        lo = max(len(self._frames) // 2, len(self._frames) - search)
        cut = lo + int(np.argmin(self._probs[lo:])) + 1  # keep the quietest frame in this piece
        cut_k = self._seg_k + cut
        self._emit(out, cut, min(cut_k, self._last_speech_k), forced=True)
        self._frames, self._probs = self._frames[cut:], self._probs[cut:]
        self._seg_k = cut_k
        self._active_k = cut_k
        self._last_speech_k = max(self._last_speech_k, cut_k)
