"""Session factories for the call controller: live devices, or a recorded call replayed.

Each factory runs on the controller's worker thread: it builds the pipeline through the
composition root (`salesmind_desktop.app`, which loads the models — the slow part, reported as
progress) and the audio source, and returns both.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

from salesmind_desktop.ui.controller import Progress, SessionFactory


class PacedSource:
    """Replays a fast file source at `speed` × real time (demo/screenshots at 2×, 4×, ...)."""

    def __init__(self, inner, speed: float) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.inner, self.speed = inner, speed
        self._stop = threading.Event()

    def stream(self) -> Iterator[object]:
        wall0 = time.monotonic()
        for item in self.inner.stream():
            end = getattr(item, "end", None)
            if end is not None:
                delay = wall0 + end / self.speed - time.monotonic()
                if delay > 0 and self._stop.wait(delay):
                    self.inner.stop()
            yield item

    def stop(self) -> None:
        self._stop.set()
        self.inner.stop()

    def __getattr__(self, name: str):
        return getattr(self.inner, name)


def _pipeline(settings, progress: Progress):
    from salesmind_desktop import app

    progress("Loading speech and emotion models…")
    return app.build_pipeline(settings)


def file_session(settings, path: str | Path, speed: float = 1.0) -> SessionFactory:
    """Replay a recorded call through the live UI at `speed` × real time (1.0 = like a call)."""

    def factory(progress: Progress):
        from salesmind_desktop import app

        pipeline = _pipeline(settings, progress)
        progress(f"Opening {Path(path).name}…")
        source = app.build_file_source(settings, path, realtime=speed == 1.0)
        return pipeline, (source if speed == 1.0 else PacedSource(source, speed))

    return factory


def live_session(settings) -> SessionFactory:
    """The rep's microphone and the system loopback."""

    def factory(progress: Progress):
        from salesmind_desktop import app

        pipeline = _pipeline(settings, progress)
        progress("Opening the microphone and the call audio…")
        return pipeline, app.build_live_source(settings)

    return factory
