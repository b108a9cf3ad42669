"""Retention: purge calls (and their opt-in audio files) older than `PrivacySettings.retention_days`.

Only recordings the app made itself (in `audio.recorder.recordings_dir()`) are deleted; a call
analysed from the rep's own file keeps a link to it, and that file is never touched.

Calls whose CRM document has not been synced yet are kept (a summary is never lost) and reported,
so the rep can sync or discard them explicitly. `retention_days <= 0` keeps everything.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from salesmind_desktop.audio.recorder import is_app_recording
from salesmind_desktop.settings import PrivacySettings
from salesmind_desktop.store.local import LocalStore

DAY_S = 86_400.0


@dataclass(frozen=True)
class PurgeReport:
    calls_deleted: int
    audio_files_deleted: int
    kept_unsynced: tuple[str, ...]


def purge(store: LocalStore, settings: PrivacySettings, now: float | None = None) -> PurgeReport:
    if settings.retention_days <= 0:
        return PurgeReport(0, 0, ())
    now = time.time() if now is None else now
    cutoff = now - settings.retention_days * DAY_S
    old = store.old_calls(cutoff)
    kept = tuple(call_id for call_id, _, unsynced in old if unsynced)
    doomed = [(call_id, audio) for call_id, audio, unsynced in old if not unsynced]
    audio_deleted = 0
    for _, audio in doomed:
        if audio and is_app_recording(audio):  # never a file the rep analysed from their own folder
            try:
                Path(audio).unlink()
                audio_deleted += 1
            except FileNotFoundError:
                pass
    deleted = store.delete_calls([call_id for call_id, _ in doomed])
    return PurgeReport(deleted, audio_deleted, kept)
