"""File audio sources: a recorded call replayed like a live one, block by block.

* `StereoFileSource`: one stereo file, left = rep mic, right = customer loopback (`swap=True`
  flips them).
* `PairFileSource`: two mono files, one per side (any rates; they are aligned at t = 0).

Any format/rate/width `soundfile` reads (WAV, FLAC, OGG, ...; `wave` as a fallback for plain PCM
WAV) is accepted and resampled to 16 kHz. Files are streamed in blocks and never loaded whole, so
hours of audio cost a few hundred kB. Replay is as fast as the consumer takes it by default;
`realtime=True` paces it to the wall clock like a live call.

Problems a user can cause (missing, unreadable, corrupt, empty, mono where stereo is expected)
raise `AudioInputError` with a fix, when the source is built (header checks) or while streaming.
"""

from __future__ import annotations

import threading
import time
import wave
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from salesmind_desktop.audio.polyphase import Resampler
from salesmind_desktop.errors import AudioInputError
from salesmind_desktop.events import SAMPLE_RATE, AudioChunk, Channel, SourceStatus

DEFAULT_CHUNK_MS = 256


@dataclass(frozen=True)
class FileInfo:
    path: Path
    rate: int
    channels: int
    frames: int

    @property
    def duration(self) -> float:
        return self.frames / self.rate if self.rate else 0.0


class _Reader:
    """Reads float32 frames [n, channels] in blocks from soundfile, else from `wave`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._sf = None
        self._wave: wave.Wave_read | None = None
        if not path.exists():
            raise AudioInputError(f"audio file {path} does not exist", "check the path")
        if not path.is_file():
            raise AudioInputError(f"{path} is not a file", "pass an audio file (WAV, FLAC, OGG)")
        sf_error = ""
        try:
            import soundfile

            self._sf = soundfile.SoundFile(str(path))
            self.info = FileInfo(path, int(self._sf.samplerate), int(self._sf.channels), int(self._sf.frames))
        except Exception as exc:  # libsndfile errors are RuntimeError subclasses; be broad on purpose
            sf_error = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
            self._sf = None
            self._open_wave(sf_error)
        if self.info.rate <= 0:
            self.close()
            raise AudioInputError(f"{path} has an invalid sample rate", "re-export the recording")

    def _open_wave(self, sf_error: str) -> None:
        try:
            w = wave.open(str(self.path), "rb")
        except (wave.Error, EOFError, OSError) as exc:
            raise AudioInputError(f"cannot read audio file {self.path}: {sf_error or exc}",
                                  "the file is corrupt or not audio; re-export it as WAV or FLAC") from None
        if w.getsampwidth() not in (1, 2, 3, 4):
            w.close()
            raise AudioInputError(f"{self.path}: unsupported sample width {w.getsampwidth()}",
                                  "re-export it as 16-bit PCM WAV")
        self._wave = w
        self.info = FileInfo(self.path, w.getframerate(), w.getnchannels(), w.getnframes())

    def read(self, n: int) -> np.ndarray:
        try:
            if self._sf is not None:
                return self._sf.read(n, dtype="float32", always_2d=True)
            assert self._wave is not None
            raw = self._wave.readframes(n)
        except Exception as exc:
            raise AudioInputError(f"{self.path} is damaged and could not be read to the end: {exc}",
                                  "re-export the recording; the audio before the damage was still analysed") from None
        return _pcm_to_float(raw, self._wave.getsampwidth(), self.info.channels)

    def close(self) -> None:
        if self._sf is not None:
            self._sf.close()
        if self._wave is not None:
            self._wave.close()


def _pcm_to_float(raw: bytes, width: int, channels: int) -> np.ndarray:
    usable = len(raw) - len(raw) % (width * channels)
    raw = raw[:usable]
    if width == 1:
        data = (np.frombuffer(raw, dtype=np.uint8).astype(np.float32) - 128.0) / 128.0
    elif width == 2:
        data = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
    elif width == 3:
        b = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        v = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)
        v = np.where(v >= 1 << 23, v - (1 << 24), v)
        data = v.astype(np.float32) / float(1 << 23)
    else:
        data = np.frombuffer(raw, dtype="<i4").astype(np.float32) / float(1 << 31)
    return data.reshape(-1, channels)


def probe(path: str | Path) -> FileInfo:
    """Open a file's header and return its format (raises `AudioInputError`)."""
    reader = _Reader(Path(path))
    reader.close()
    return reader.info


class _ChannelFeed:
    """One file channel (column) -> 16 kHz float32 blocks."""

    def __init__(self, rate: int) -> None:
        self.resampler = Resampler(rate, SAMPLE_RATE) if rate != SAMPLE_RATE else None

    def push(self, x: np.ndarray) -> np.ndarray:
        return self.resampler.process(x) if self.resampler else np.ascontiguousarray(x, dtype=np.float32)

    def flush(self) -> np.ndarray:
        return self.resampler.flush() if self.resampler else np.zeros(0, dtype=np.float32)


class _FileSourceBase(ABC):
    """Shared replay loop: read block(s), resample, cut into fixed 16 kHz chunks, pace if asked."""

    live = False

    def __init__(self, realtime: bool = False, chunk_ms: int = DEFAULT_CHUNK_MS) -> None:
        self.realtime = realtime
        self.chunk = max(1, int(SAMPLE_RATE * chunk_ms / 1000))
        self._stop = threading.Event()

    def stop(self) -> None:
        self._stop.set()

    @property
    @abstractmethod
    def duration(self) -> float:
        """Length of the call in seconds."""

    @abstractmethod
    def _feeds(self) -> list[tuple[Channel, Iterator[np.ndarray]]]:
        """One iterator of 16 kHz blocks per channel."""

    def stream(self) -> Iterator[AudioChunk | SourceStatus]:
        feeds = self._feeds()
        pending: dict[Channel, np.ndarray] = {ch: np.zeros(0, np.float32) for ch, _ in feeds}
        done: dict[Channel, bool] = {ch: False for ch, _ in feeds}
        pos = 0  # samples emitted per channel
        wall0 = time.monotonic()
        yield SourceStatus("running", "replaying file", t=0.0)
        failure: AudioInputError | None = None
        try:
            while not self._stop.is_set():
                for ch, it in feeds:
                    while not done[ch] and len(pending[ch]) < self.chunk:
                        try:
                            block = next(it, None)
                        except AudioInputError as exc:  # damaged mid-file: keep what was read
                            failure, block = exc, None
                            done = {c: True for c in done}
                        if block is None:
                            done[ch] = True
                        else:
                            pending[ch] = np.concatenate([pending[ch], block])
                if all(len(p) == 0 for p in pending.values()):
                    break
                start = pos / SAMPLE_RATE
                if self.realtime:
                    delay = wall0 + (pos + self.chunk) / SAMPLE_RATE - time.monotonic()
                    if delay > 0 and self._stop.wait(delay):
                        break
                now = time.monotonic()
                for ch, _ in feeds:
                    pcm, pending[ch] = pending[ch][: self.chunk], pending[ch][self.chunk:]
                    if len(pcm):  # short only at the end of that channel's file
                        yield AudioChunk(ch, start, pcm, wall_time=now)
                pos += self.chunk
        finally:
            for _, it in feeds:
                close = getattr(it, "close", None)
                if close:
                    close()
        if failure is not None:
            yield SourceStatus("error", str(failure), t=pos / SAMPLE_RATE)
        yield SourceStatus("ended", "stopped" if self._stop.is_set() else "end of file", t=pos / SAMPLE_RATE)


def _column_blocks(reader: _Reader, columns: list[int], block_frames: int) -> Iterator[list[np.ndarray]]:
    feeds = [_ChannelFeed(reader.info.rate) for _ in columns]
    try:
        while True:
            data = reader.read(block_frames)
            if len(data) == 0:
                break
            yield [f.push(data[:, c]) for f, c in zip(feeds, columns)]
        yield [f.flush() for f in feeds]
    finally:
        reader.close()


def _check_not_empty(info: FileInfo) -> None:
    if info.frames == 0:
        raise AudioInputError(f"{info.path} contains no audio (0 samples)", "record or export the call again")


class StereoFileSource(_FileSourceBase):
    """A stereo call recording: left = rep, right = customer (or swapped)."""

    def __init__(self, path: str | Path, swap: bool = False, realtime: bool = False,
                 chunk_ms: int = DEFAULT_CHUNK_MS) -> None:
        super().__init__(realtime, chunk_ms)
        self.path = Path(path)
        self.swap = swap
        self.info = probe(self.path)
        _check_not_empty(self.info)
        if self.info.channels != 2:
            kind = "mono" if self.info.channels == 1 else f"{self.info.channels}-channel"
            raise AudioInputError(
                f"{self.path} is {kind}; a call recording needs 2 channels (rep and customer)",
                "record both sides as a stereo file (left = rep, right = customer), or pass two mono "
                "files with --rep FILE --customer-audio FILE")

    @property
    def duration(self) -> float:
        return self.info.duration

    def _feeds(self) -> list[tuple[Channel, Iterator[np.ndarray]]]:
        reader = _Reader(self.path)
        block = max(1024, int(reader.info.rate * self.chunk / SAMPLE_RATE))
        rep_col, cust_col = (1, 0) if self.swap else (0, 1)
        shared = _column_blocks(reader, [rep_col, cust_col], block)
        return _split_shared(shared)


def _split_shared(shared: Iterator[list[np.ndarray]]) -> list[tuple[Channel, Iterator[np.ndarray]]]:
    """Turn one iterator of [rep, customer] block pairs into two per-channel iterators."""
    queues: dict[int, list[np.ndarray]] = {0: [], 1: []}
    state = {"done": False}

    def side(k: int) -> Iterator[np.ndarray]:
        while True:
            if queues[k]:
                yield queues[k].pop(0)
                continue
            if state["done"]:
                return
            pair = next(shared, None)
            if pair is None:
                state["done"] = True
                continue
            queues[0].append(pair[0])
            queues[1].append(pair[1])

    class _Closing:
        def __init__(self, k: int) -> None:
            self.it = side(k)

        def __iter__(self):
            return self

        def __next__(self):
            return next(self.it)

        def close(self) -> None:
            shared.close()  # type: ignore[attr-defined]

    return [("rep", _Closing(0)), ("customer", _Closing(1))]


class PairFileSource(_FileSourceBase):
    """Two mono recordings, one per side, aligned at t = 0 (the shorter one ends early)."""

    def __init__(self, rep_path: str | Path, customer_path: str | Path, realtime: bool = False,
                 chunk_ms: int = DEFAULT_CHUNK_MS) -> None:
        super().__init__(realtime, chunk_ms)
        self.paths: dict[Channel, Path] = {"rep": Path(rep_path), "customer": Path(customer_path)}
        self.infos = {ch: probe(p) for ch, p in self.paths.items()}
        for ch, info in self.infos.items():
            _check_not_empty(info)
            if info.channels != 1:
                raise AudioInputError(f"{info.path} ({ch} side) has {info.channels} channels; expected mono",
                                      "pass one mono file per side, or a single stereo file without --rep")

    @property
    def duration(self) -> float:
        return max(info.duration for info in self.infos.values())

    def _feeds(self) -> list[tuple[Channel, Iterator[np.ndarray]]]:
        feeds: list[tuple[Channel, Iterator[np.ndarray]]] = []
        for ch, path in self.paths.items():
            reader = _Reader(path)
            block = max(1024, int(reader.info.rate * self.chunk / SAMPLE_RATE))
            feeds.append((ch, (b[0] for b in _column_blocks(reader, [0], block))))
        return feeds
