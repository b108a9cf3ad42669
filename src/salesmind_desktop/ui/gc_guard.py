"""Run Python's cyclic garbage collector on the GUI thread only.

Python starts a collection in whichever thread happens to allocate past the threshold. During a
call that is often the pipeline's reader or ASR thread; if the garbage holds Qt objects (closed
windows, finished dialogs with signal connections that form cycles), Qt destroys them from that
thread and the process can crash (seen as a segfault in CI while the call worker was loading
models). `MainThreadGc` turns automatic collection off and instead collects from a timer on the
GUI thread, generation by generation with the interpreter's own thresholds — the usual remedy
for PySide/PyQt apps. Reference-counted objects are still freed at once, as always.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


class MainThreadGc(QObject):
    """While started, cyclic GC runs only here, on the thread that owns this object (the GUI)."""

    _active = 0  # nested owners (several apps in one test process): GC comes back after the last

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)
        self._thresholds = gc.get_threshold()
        self._started = False
        self.collections = 0

    def start(self) -> None:
        if self._started:
            return
        self._started = True
        MainThreadGc._active += 1
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        if not self._started:
            return
        self._started = False
        self._timer.stop()
        MainThreadGc._active -= 1
        if MainThreadGc._active == 0:
            gc.enable()

    def check(self) -> None:
        """Collect the generations whose counts passed the thresholds (as the interpreter would)."""
        counts = gc.get_count()
        if counts[0] <= self._thresholds[0]:
            return
        generation = 0
        if counts[1] > self._thresholds[1]:
            generation = 2 if counts[2] > self._thresholds[2] else 1
        gc.collect(generation)
        self.collections += 1
