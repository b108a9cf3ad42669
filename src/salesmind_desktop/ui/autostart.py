"""Automatic start: when both channels carry speech, a call has begun — start listening.

While armed, a monitor reads the live source on a worker thread and only measures levels (the
core's `LevelTracker`: RMS and "is speaking" against an adaptive noise floor). Nothing is
transcribed or kept. When the rep and the customer have each spoken for `need_s` within the last
`window_s` seconds, the monitor releases the devices and emits `triggered`; the app then shows
the consent reminder (if configured) and starts the call.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from salesmind_desktop.errors import SalesMindError

log = logging.getLogger(__name__)


class BothSidesDetector:
    """Pure: feed `LevelMeter`s; True once both sides spoke `need_s` within `window_s`."""

    def __init__(self, need_s: float = 1.0, window_s: float = 8.0) -> None:
        self.need_s, self.window_s = need_s, window_s
        self._last_t: float | None = None
        self._speech: dict[str, deque[tuple[float, float]]] = {"rep": deque(), "customer": deque()}

    def feed(self, level) -> bool:
        dt = 0.0 if self._last_t is None else max(0.0, level.t - self._last_t)
        self._last_t = level.t
        for channel, speaking in (("rep", level.rep_speaking), ("customer", level.customer_speaking)):
            spans = self._speech[channel]
            if speaking and dt > 0:
                spans.append((level.t, dt))
            while spans and spans[0][0] < level.t - self.window_s:
                spans.popleft()
        return all(sum(d for _, d in spans) >= self.need_s for spans in self._speech.values())


class _MonitorWorker(QObject):
    triggered = Signal()
    failed = Signal(str, str)
    finished = Signal()

    def __init__(self, source_factory: Callable[[], Any], detector: BothSidesDetector) -> None:
        super().__init__()
        self._factory, self._detector = source_factory, detector
        self._source: Any = None
        self._stopped = False

    @Slot()
    def run(self) -> None:
        from salesmind_desktop.audio.levels import LevelTracker
        from salesmind_desktop.events import AudioChunk

        try:
            self._source = self._factory()
            if self._stopped:
                self._source.stop()
            tracker = LevelTracker()
            for item in self._source.stream():
                if self._stopped:
                    break
                level = tracker.feed(item) if isinstance(item, AudioChunk) else None
                if level is not None and self._detector.feed(level):
                    self._source.stop()
                    self.triggered.emit()
                    break
        except SalesMindError as exc:
            self.failed.emit(exc.message, exc.fix)
        except Exception as exc:  # a device problem must not kill the app
            log.exception("auto-start monitor failed")
            self.failed.emit(f"automatic start stopped: {exc!r}", "start calls with the button or Ctrl+Shift+L")
        finally:
            if self._source is not None:
                self._source.stop()
            self.finished.emit()

    def stop(self) -> None:
        self._stopped = True
        if self._source is not None:
            self._source.stop()


class AutoStartMonitor(QObject):
    triggered = Signal()
    failed = Signal(str, str)

    def __init__(self, source_factory: Callable[[], Any], parent: QObject | None = None,
                 detector_factory: Callable[[], BothSidesDetector] = BothSidesDetector) -> None:
        super().__init__(parent)
        self._source_factory = source_factory
        self._detector_factory = detector_factory
        self._thread: QThread | None = None
        self._worker: _MonitorWorker | None = None

    def armed(self) -> bool:
        return self._thread is not None

    def arm(self) -> None:
        if self.armed():
            return
        thread, worker = QThread(), _MonitorWorker(self._source_factory, self._detector_factory())
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.triggered.connect(self.triggered)
        worker.failed.connect(self.failed)
        worker.finished.connect(self._on_finished)
        self._thread, self._worker = thread, worker
        thread.start()

    def disarm(self, wait_ms: int = 5000) -> None:
        """Release the devices (before a call starts, or when the setting is turned off)."""
        if self._worker is not None:
            self._worker.stop()
        thread, worker = self._thread, self._worker
        self._thread, self._worker = None, None
        if thread is not None:
            thread.quit()
            thread.wait(wait_ms)
            thread.deleteLater()
        if worker is not None:
            worker.deleteLater()

    @Slot()
    def _on_finished(self) -> None:
        if self.sender() is not self._worker:
            return  # already torn down by disarm()
        thread, worker = self._thread, self._worker
        self._thread, self._worker = None, None
        if thread is not None:
            thread.quit()
            thread.wait(5000)
            thread.deleteLater()
        if worker is not None:
            worker.deleteLater()
