"""Call control: start/stop a call on a worker thread, consent first, feedback back to the core.

The controller owns no analysis. A *session factory* builds `(pipeline, source)` on the worker
thread (model loading happens there, with progress messages), then the worker runs
`pipeline.run(source, bridge.listener)` until the source ends or `stop()` is called. The GUI
thread only ever receives signals.

States: idle -> loading -> listening -> stopping -> idle (errors go back to idle with `error`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from salesmind_desktop.errors import SalesMindError

log = logging.getLogger(__name__)

Progress = Callable[[str], None]
SessionFactory = Callable[[Progress], tuple[Any, Any]]
"""Builds `(pipeline, source)`; may load models (slow); called on the worker thread."""

IDLE, LOADING, LISTENING, STOPPING = "idle", "loading", "listening", "stopping"


class CallWorker(QObject):
    progress = Signal(str)
    listening = Signal()
    finished = Signal(object)  # the CallSummary returned by pipeline.run (or None)
    failed = Signal(str, str)  # message, fix

    def __init__(self, factory: SessionFactory, listener: Callable[[object], None]) -> None:
        super().__init__()
        self._factory = factory
        self._listener = listener
        self._source: Any = None
        self.pipeline: Any = None
        self._stop_requested = False

    @Slot()
    def run(self) -> None:
        summary = None
        try:
            pipeline, source = self._factory(self.progress.emit)
            self.pipeline, self._source = pipeline, source
            if self._stop_requested:
                source.stop()
            self.listening.emit()
            summary = pipeline.run(source, self._listener)
        except SalesMindError as exc:
            summary = getattr(self.pipeline, "partial", None)
            self.failed.emit(exc.message, _kept(exc.fix, summary))
        except Exception as exc:  # a bug must not kill the app silently
            log.exception("call worker failed")
            summary = getattr(self.pipeline, "partial", None)
            self.failed.emit(f"the analysis stopped unexpectedly: {exc!r}",
                             _kept("please report this with the log file", summary))
        self.finished.emit(summary)
        QThread.currentThread().quit()  # end this thread's loop now, so wait() never hangs

    def stop(self) -> None:
        """Thread-safe: ask the source to end; the pipeline then drains and finishes the call."""
        self._stop_requested = True
        stop_pipeline = getattr(self.pipeline, "stop", None)
        if stop_pipeline is not None:
            stop_pipeline()  # ends the source too, then drains what was already heard
        elif self._source is not None:
            self._source.stop()


def _kept(fix: str, partial: object) -> str:
    if partial is None:
        return fix
    return (fix + "; " if fix else "") + "the call up to this point was kept and its summary opened"


class CallController(QObject):
    state_changed = Signal(str)
    progress = Signal(str)
    error = Signal(str, str)
    summary_ready = Signal(object)

    def __init__(self, listener: Callable[[object], None],
                 consent: Callable[[], bool] | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._listener = listener
        self._consent = consent
        self._state = IDLE
        self._thread: QThread | None = None
        self._worker: CallWorker | None = None
        self.default_factory: SessionFactory | None = None
        self.started_at: str | None = None  # ISO 8601 UTC wall clock when listening began
        self.last_audio_path = ""  # recording of the last call, when the session had one

    @property
    def state(self) -> str:
        return self._state

    def is_active(self) -> bool:
        return self._state != IDLE

    def _set_state(self, state: str) -> None:
        if state != self._state:
            self._state = state
            self.state_changed.emit(state)

    def request_start(self, factory: SessionFactory | None = None) -> bool:
        """Start a call after the consent reminder (when one is configured). False if declined."""
        if self.is_active():
            return False
        if self._consent is not None and not self._consent():
            self.progress.emit("Call not started: consent not confirmed")
            return False
        return self.start(factory)

    def start(self, factory: SessionFactory | None = None) -> bool:
        factory = factory or self.default_factory
        if self.is_active() or factory is None:
            return False
        self._set_state(LOADING)
        self.progress.emit("Loading models…")
        thread = QThread()
        worker = CallWorker(factory, self._listener)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.progress.connect(self.progress)
        worker.listening.connect(self._on_listening)
        worker.failed.connect(self.error)
        worker.finished.connect(self._on_finished)
        self._thread, self._worker = thread, worker
        thread.start()
        return True

    def stop(self) -> None:
        if self._worker is not None and self._state in (LOADING, LISTENING):
            self._set_state(STOPPING)
            self.progress.emit("Finishing the call…")
            self._worker.stop()

    def toggle(self) -> None:
        if self.is_active():
            self.stop()
        else:
            self.request_start()

    def feedback(self, cue_id: int, action: str, t: float) -> None:
        """Send the rep's reaction to a cue to the coaching policy (dismissed/helpful/snooze)."""
        pipeline = self._worker.pipeline if self._worker is not None else None
        target = getattr(pipeline, "feedback", None)
        if target is None:
            target = getattr(getattr(pipeline, "insight", None), "feedback", None)
        if target is None:
            log.info("cue feedback %s for cue %s not delivered: no call running", action, cue_id)
            return
        target(cue_id, action, t)

    def wait(self, ms: int = 10_000) -> bool:
        """Block until the worker thread ends (tests and shutdown only)."""
        return self._thread.wait(ms) if self._thread is not None else True

    @Slot()
    def _on_listening(self) -> None:
        if self._state == LOADING:
            import datetime as dt

            self.started_at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
            self._set_state(LISTENING)
            self.progress.emit("Listening")

    @Slot(object)
    def _on_finished(self, summary: object) -> None:
        thread, worker = self._thread, self._worker
        self.last_audio_path = str(getattr(worker.pipeline if worker else None, "audio_path", "") or "")
        if thread is not None:
            thread.quit()  # the worker's run() has returned; end its event loop
            thread.wait(5000)
            thread.deleteLater()
        if worker is not None:
            worker.deleteLater()
        self._thread, self._worker = None, None
        self._set_state(IDLE)
        if summary is not None:
            self.summary_ready.emit(summary)
