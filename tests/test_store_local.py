"""Local SQLite store: migrations, masking before the disk, atomic save + outbox, notes, approval."""

from __future__ import annotations

import sqlite3

from fixtures_summaries import make_summary

from salesmind_desktop.settings import Settings
from salesmind_desktop.store import migrations
from salesmind_desktop.store.local import LocalStore, default_path
from salesmind_desktop.store.persist import add_note, persist_call


def test_fresh_store_is_migrated_to_latest(tmp_path):
    with LocalStore(tmp_path / "s.db") as store:
        assert store.count("calls") == 0
    conn = sqlite3.connect(tmp_path / "s.db")
    assert [r[0] for r in conn.execute("SELECT version FROM schema_version ORDER BY version")] == \
        [v for v, _ in migrations.MIGRATIONS]
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_old_schema_upgrades_in_place_keeping_data(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrations.migrate(conn, target=1)
    conn.execute("INSERT INTO calls (call_id, started_at, created_at) VALUES ('old', 1.0, 1.0)")
    conn.execute("INSERT INTO outbox (call_id, payload, status, enqueued_at) VALUES ('old', '{}', 'pending', 1.0)")
    conn.close()
    with LocalStore(path) as store:
        assert store.call_ids() == ["old"]
        item = store.outbox_item("old")
        assert item is not None and item.error_kind is None  # column added by migration 2
    assert migrations.migrate(sqlite3.connect(path, isolation_level=None)) == []  # idempotent


def test_default_path_is_in_the_user_data_dir(isolated_home):
    assert default_path().is_relative_to(isolated_home / "data")


def test_pii_never_reaches_the_disk(tmp_path):
    path = tmp_path / "s.db"
    with LocalStore(path) as store:
        persist_call(make_summary("c1", customer_id="C-1"), settings=Settings(), store=store)
        add_note(store, "c1", "call back on 020 7946 0018 or bob@corp.io", Settings())
        assert store.utterances("c1")[1]["text"] == "My card is [CARD] and my email is [EMAIL]"
        assert store.notes("c1") == ["call back on [PHONE] or [EMAIL]"]
        assert store.outbox_item("c1").payload["notes"] == ["call back on [PHONE] or [EMAIL]"]
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("s.db"))
    for secret in (b"4111 1111 1111 1111", b"jane.doe@example.com", b"7946 0018", b"bob@corp.io", b"555 123 4567"):
        assert secret not in raw


def test_save_is_atomic_and_idempotent(tmp_path):
    with LocalStore(tmp_path / "s.db") as store:
        settings = Settings()
        persist_call(make_summary("c1"), customer_id="C-9", settings=settings, store=store)
        persist_call(make_summary("c1", overall=3.0), customer_id="C-9", settings=settings, store=store)
        assert store.count("calls") == 1 and store.count("utterances") == 3 and store.count("outbox") == 1
        assert store.call("c1")["ess_overall"] == 3.0 and store.call("c1")["customer_id"] == "C-9"
        assert store.summary("c1")["ess"]["overall"] == 3.0
        assert store.count("cues") == 1 and store.count("scores") == 3  # 2 ESS points + 1 badge point


def test_failed_write_leaves_nothing_half_written(tmp_path):
    with LocalStore(tmp_path / "s.db") as store:
        bad = make_summary("c2")
        bad["utterances"].append({"channel": "customer", "start": "not a number"})
        try:
            store.save_call(bad, outbox_payload={"call_id": "c2"})
        except ValueError:
            pass
        assert store.count("calls") == 0 and store.count("utterances") == 0 and store.count("outbox") == 0


def test_approve_before_sync_holds_entries(tmp_path):
    settings = Settings()
    settings.crm.approve_before_sync = True
    with LocalStore(tmp_path / "s.db") as store:
        persist_call(make_summary("c1"), settings=settings, store=store)
        assert store.outbox_counts()["awaiting_approval"] == 1 and store.due() == []
        assert store.approve("c1") and not store.approve("c1")
        assert [i.call_id for i in store.due()] == ["c1"]


def test_audio_path_kept_only_when_the_rep_opted_in(tmp_path):
    settings = Settings()
    with LocalStore(tmp_path / "s.db") as store:
        persist_call(make_summary("c1"), settings=settings, store=store, audio_path="/tmp/a.wav")
        assert store.call("c1")["audio_path"] is None
        settings.privacy.keep_audio = True
        persist_call(make_summary("c2"), settings=settings, store=store, audio_path="/tmp/b.wav")
        assert store.call("c2")["audio_path"] == "/tmp/b.wav"
