"""Record a live call to a stereo WAV (rep left, customer right, 16 kHz, 16-bit): the layout
`analyze` reads, so a recorded call can be analysed again offline and played back from the
summary's key moments.

Only when the rep opted in (`privacy.keep_audio`, or `listen --record`). The two channels arrive
as separate chunks on one audio-time line; the recorder lines them up by their start times,
fills gaps (a device that was away) with silence, and rewrites the WAV header after every write,
so the file on disk is a valid WAV up to the last block even if the app is killed mid-call.
Recordings the app makes live in `recordings_dir()`; retention deletes only files there.
"""

from __future__ import annotations

import struct
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from salesmind_desktop import paths
from salesmind_desktop.errors import AudioInputError
from salesmind_desktop.events import SAMPLE_RATE, AudioChunk, SourceStatus

CHANNELS = ("rep", "customer")  # left, right
_HEADER = 44


def recordings_dir() -> Path:
    """Where the app keeps call recordings (per user, under the data dir)."""
    return paths.data_dir() / "recordings"


def new_recording_path() -> Path:
    """A fresh file name in `recordings_dir()` for a call starting now."""
    import time

    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = recordings_dir() / f"call-{stamp}.wav"
    n = 1
    while path.exists():
        n += 1
        path = recordings_dir() / f"call-{stamp}-{n}.wav"
    return path


def is_app_recording(path: str | Path) -> bool:
    """True for a file the app recorded itself (retention may delete it), not a rep's own file."""
    try:
        return Path(path).resolve().is_relative_to(recordings_dir().resolve())
    except (OSError, ValueError):
        return False


def _header(frames: int) -> bytes:
    data = frames * 2 * len(CHANNELS)
    block = 2 * len(CHANNELS)
    return (b"RIFF" + struct.pack("<I", 36 + data) + b"WAVE"
            + b"fmt " + struct.pack("<IHHIIHH", 16, 1, len(CHANNELS), SAMPLE_RATE, SAMPLE_RATE * block, block, 16)
            + b"data" + struct.pack("<I", data))


class CallRecorder:
    """Writes chunks of both channels into one stereo WAV as they arrive (thread-safe)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = open(self.path, "wb")
            self._fh.write(_header(0))
        except OSError as exc:
            raise AudioInputError(f"cannot write the call recording {self.path}: {exc.strerror or exc}",
                             "choose a writable folder or free disk space; or turn off privacy.keep_audio") from None
        self._lock = threading.Lock()
        self._pending = {ch: [] for ch in CHANNELS}  # arrays not yet written, starting at `_written`
        self._end = dict.fromkeys(CHANNELS, 0)  # next sample index per channel
        self.frames = 0  # stereo frames on disk
        self.closed = False

    def feed(self, chunk: AudioChunk) -> None:
        if chunk.channel not in self._pending or self.closed:
            return
        with self._lock:
            start = int(round(chunk.start * SAMPLE_RATE))
            pcm = np.asarray(chunk.pcm, dtype=np.float32)
            end = self._end[chunk.channel]
            if start > end:  # the device was away: keep the timeline, fill with silence
                self._pending[chunk.channel].append(np.zeros(start - end, dtype=np.float32))
            elif start < end:  # overlap (should not happen): keep what is already there
                pcm = pcm[end - start:]
            if len(pcm):
                self._pending[chunk.channel].append(pcm)
            self._end[chunk.channel] = max(end, start + len(chunk.pcm))
            self._flush(min(self._end.values()))

    def close(self) -> Path:
        """Write what is left (the shorter channel padded with silence) and close the file."""
        with self._lock:
            if not self.closed:
                self._flush(max(self._end.values()))
                self._fh.close()
                self.closed = True
        return self.path

    def _flush(self, upto: int) -> None:
        n = upto - self.frames
        if n <= 0:
            return
        stereo = np.zeros((n, len(CHANNELS)), dtype=np.float32)
        for col, ch in enumerate(CHANNELS):
            data = np.concatenate(self._pending[ch]) if self._pending[ch] else np.zeros(0, np.float32)
            take = data[:n]
            stereo[:len(take), col] = take
            self._pending[ch] = [data[n:]] if len(data) > n else []
        pcm16 = (np.clip(stereo, -1.0, 1.0) * 32767).astype("<i2")
        try:
            self._fh.write(pcm16.tobytes())
            self.frames += n
            self._fh.seek(0)
            self._fh.write(_header(self.frames))
            self._fh.seek(0, 2)
            self._fh.flush()
        except OSError as exc:
            raise AudioInputError(f"writing the call recording {self.path} failed: {exc.strerror or exc}",
                             "free disk space; the call analysis goes on without the recording") from None


class RecordingSource:
    """An `AudioSource` that records what another source yields, unchanged, into a `CallRecorder`.

    Other attributes (`devices`, `origin()`, `t0`, ...) are the wrapped source's. A recording that
    fails (disk full) stops recording and is reported as a status; the call goes on.
    """

    def __init__(self, inner, recorder: CallRecorder) -> None:
        self.inner = inner
        self.recorder = recorder

    def __getattr__(self, name: str):
        return getattr(self.inner, name)

    def stream(self) -> Iterator[AudioChunk | SourceStatus]:
        failed = False
        try:
            for item in self.inner.stream():
                if isinstance(item, AudioChunk) and not failed:
                    try:
                        self.recorder.feed(item)
                    except AudioInputError as exc:
                        failed = True
                        yield SourceStatus("error", f"{exc.message}; {exc.fix}", t=item.start)
                yield item
        finally:
            try:
                self.recorder.close()
            except AudioInputError:
                pass

    def stop(self) -> None:
        self.inner.stop()
