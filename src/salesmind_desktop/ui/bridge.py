"""Core events -> Qt signals, delivered on the GUI thread.

The pipeline calls `EventBridge.listener(event)` from its worker thread. The bridge lives on the
GUI thread, so every signal emitted from another thread reaches GUI-thread receivers through a
queued connection: widgets never run on the pipeline's thread and the pipeline never waits on
the GUI. Level meters arrive every audio block; the bridge forwards at most one every
`level_interval_s` so a busy pipeline cannot flood the event loop.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, Signal

from salesmind_desktop.events import (
    CallEnded,
    Cue,
    EssUpdate,
    LevelMeter,
    ScoredUtterance,
    SourceStatus,
    SpeechActivity,
)


class EventBridge(QObject):
    """One signal per core event type. Connect widgets to these, never to the pipeline."""

    utterance = Signal(object)  # ScoredUtterance
    ess = Signal(object)  # EssUpdate
    cue = Signal(object)  # Cue
    level = Signal(object)  # LevelMeter (throttled)
    source_status = Signal(object)  # SourceStatus
    activity = Signal(object)  # SpeechActivity
    call_ended = Signal(object)  # CallEnded
    audio_time = Signal(float)  # latest audio time seen on any event, for the call clock
    unknown = Signal(object)  # any other event (forward compatibility)
    sync_status = Signal(object)  # crm.sync.SyncStatus from the background sync thread

    def __init__(self, parent: QObject | None = None, level_interval_s: float = 0.1) -> None:
        super().__init__(parent)
        self._level_interval_s = level_interval_s
        self._last_level_wall = float("-inf")
        self._last_t = 0.0

    def listener(self, event: object) -> None:
        """Called by the pipeline (any thread) for every event."""
        t = _event_time(event)
        if t is not None and t > self._last_t:
            self._last_t = t
            self.audio_time.emit(t)
        if isinstance(event, LevelMeter):
            now = time.monotonic()
            if now - self._last_level_wall >= self._level_interval_s:
                self._last_level_wall = now
                self.level.emit(event)
        elif isinstance(event, ScoredUtterance):
            self.utterance.emit(event)
        elif isinstance(event, EssUpdate):
            self.ess.emit(event)
        elif isinstance(event, Cue):
            self.cue.emit(event)
        elif isinstance(event, SourceStatus):
            self.source_status.emit(event)
        elif isinstance(event, SpeechActivity):
            self.activity.emit(event)
        elif isinstance(event, CallEnded):
            self.call_ended.emit(event)
        else:
            self.unknown.emit(event)

    def reset(self) -> None:
        """Start a new call: the clock and the level throttle start over."""
        self._last_t = 0.0
        self._last_level_wall = float("-inf")


def _event_time(event: object) -> float | None:
    for name in ("t", "end"):
        value = getattr(event, name, None)
        if isinstance(value, (int, float)):
            return float(value)
    return None
