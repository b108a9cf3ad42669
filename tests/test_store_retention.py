"""Retention purges old calls and their opt-in audio, but never an unsynced summary."""

from __future__ import annotations

import time

from fixtures_summaries import make_summary

from salesmind_desktop.audio.recorder import recordings_dir
from salesmind_desktop.privacy.retention import DAY_S, purge
from salesmind_desktop.settings import PrivacySettings
from salesmind_desktop.store.local import LocalStore


def test_purges_old_synced_calls_and_audio_keeps_unsynced_and_recent(tmp_path):
    now = time.time()
    audio = recordings_dir() / "old.wav"  # a recording the app made (isolated SALESMIND_HOME)
    audio.parent.mkdir(parents=True)
    audio.write_bytes(b"RIFF")
    with LocalStore(tmp_path / "s.db") as store:
        store.save_call(make_summary("old-synced"), started_at=now - 100 * DAY_S, audio_path=str(audio),
                        outbox_payload={"call_id": "old-synced"})
        store.mark_sent("old-synced")
        store.save_call(make_summary("old-unsynced"), started_at=now - 100 * DAY_S,
                        outbox_payload={"call_id": "old-unsynced"})
        store.save_call(make_summary("old-local"), started_at=now - 95 * DAY_S)
        store.save_call(make_summary("recent"), started_at=now - 5 * DAY_S)
        store.add_note("old-local", "note")

        report = purge(store, PrivacySettings(retention_days=90), now=now)

        assert report.calls_deleted == 2 and report.audio_files_deleted == 1
        assert report.kept_unsynced == ("old-unsynced",)
        assert sorted(store.call_ids()) == ["old-unsynced", "recent"]
        assert not audio.exists()
        assert store.count("notes") == 0 and store.count("utterances") == 6  # cascades


def test_zero_retention_keeps_everything(tmp_path):
    with LocalStore(tmp_path / "s.db") as store:
        store.save_call(make_summary("ancient"), started_at=0.0)
        assert purge(store, PrivacySettings(retention_days=0)).calls_deleted == 0
        assert store.call_ids() == ["ancient"]


def test_never_deletes_the_reps_own_file_that_a_call_was_analysed_from(tmp_path):
    own = tmp_path / "customer-call.wav"
    own.write_bytes(b"RIFF")
    with LocalStore(tmp_path / "s.db") as store:
        store.save_call(make_summary("old-file"), started_at=time.time() - 100 * DAY_S, audio_path=str(own),
                        outbox_payload={"call_id": "old-file"})
        store.mark_sent("old-file")
        report = purge(store, PrivacySettings(retention_days=90))
        assert report.calls_deleted == 1 and report.audio_files_deleted == 0
        assert own.exists()
