"""The interface every capture backend implements (PulseAudio, WASAPI loopback, macOS, PortAudio).

A backend lists the inputs it can capture — microphones (`kind="mic"`) and system-output
loopbacks (`kind="loopback"`) — and opens one of them as a running stream that hands mono
float32 blocks to a callback on the audio thread. The callback must only copy; everything else
(resampling, levels, queues) happens in `audio/live.py` on the consumer side.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np

DeviceKind = Literal["mic", "loopback"]

FrameCallback = Callable[[np.ndarray], None]
"""Receives one block of mono float32 samples at the stream's `samplerate` (audio thread)."""


@dataclass(frozen=True)
class DeviceInfo:
    """One capturable input. `id` is what settings and `--mic/--loopback` store."""

    id: str
    name: str
    kind: DeviceKind
    backend: str
    default: bool = False
    samplerate: float = 0.0  # the device's native rate when known, else 0


class CaptureStream(Protocol):
    """A started input stream; `samplerate` is the rate of the blocks given to the callback.

    Streams may also offer `device_now() -> str | None`: the id of the input the sound server is
    feeding them *now* (PulseAudio moves streams when a device vanishes), None when unknown.
    """

    samplerate: int

    def close(self) -> None: ...


class ChangeWatch(Protocol):
    """Tells the capture loop when the system's devices may have changed (hot-plug, new default)."""

    def changed(self) -> bool: ...

    def close(self) -> None: ...


class PollWatch:
    """A `ChangeWatch` for systems without change events: says "changed" every `interval_s`."""

    def __init__(self, interval_s: float = 2.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval_s = interval_s
        self.clock = clock
        self._next = clock() + interval_s

    def changed(self) -> bool:
        now = self.clock()
        if now < self._next:
            return False
        self._next = now + self.interval_s
        return True

    def close(self) -> None:
        pass


class CaptureBackend(Protocol):
    name: str

    def list_devices(self) -> list[DeviceInfo]:
        """Every mic and loopback input this backend can open now (defaults flagged)."""
        ...

    def open(self, device: DeviceInfo, callback: FrameCallback, block_ms: int) -> CaptureStream:
        """Open and start `device`; raises `AudioInputError` when it cannot be opened."""
        ...

    def setup_hint(self, kind: DeviceKind) -> str:
        """What the rep should do when no input of `kind` exists on this system."""
        ...

    def watch(self) -> ChangeWatch:
        """A watch that reports device changes (events where the OS has them, else polling)."""
        ...


def mono(indata: np.ndarray) -> np.ndarray:
    """A mono float32 copy of a (frames, channels) block: the only work done in a callback."""
    if indata.ndim == 1:
        return np.array(indata, dtype=np.float32)
    if indata.shape[1] == 1:
        return indata[:, 0].astype(np.float32, copy=True)
    return indata.mean(axis=1, dtype=np.float32)
