"""The contract between audio sources (file replay, live devices) and the pipeline."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from salesmind_desktop.events import AudioChunk, SourceStatus


class AudioSource(Protocol):
    """Yields 16 kHz mono float32 chunks per channel in audio-time order, and status changes.

    `stream()` blocks until audio arrives and ends when the source is exhausted or `stop()` is
    called (from any thread). Sources never drop audio silently: an overflow is reported as a
    `SourceStatus(state="overflow")`.
    """

    def stream(self) -> Iterator[AudioChunk | SourceStatus]: ...

    def stop(self) -> None: ...
