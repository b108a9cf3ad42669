"""Outbox sync against a real wire server: down then back, killed mid-drain, bad credentials,
too slow, a crash between upload and bookkeeping, approval preview, the background thread."""

from __future__ import annotations

import threading
import time

import pytest
from fixtures_summaries import make_summary

from salesmind_desktop.crm.mongo import CrmRepository
from salesmind_desktop.crm.sync import SyncWorker, backoff_delay
from salesmind_desktop.settings import Settings
from salesmind_desktop.store.local import LocalStore
from salesmind_desktop.store.persist import persist_call

pytest_plugins = ["fixtures_mongo"]  # nx-27017 server, once per session
pytestmark = pytest.mark.crm
FAST = dict(base_delay=0.05, max_delay=0.2)


def settings(approve: bool = False) -> Settings:
    s = Settings()
    s.crm.rep_id, s.crm.team, s.crm.approve_before_sync = "rep-a", "east", approve
    return s


def fill(store: LocalStore, n: int, approve: bool = False) -> list[str]:
    return [persist_call(make_summary(f"call-{i:04d}", customer_id="C-1"), settings=settings(approve), store=store)
            for i in range(n)]


def connect(uri: str, db: str, timeout_ms: int = 1500) -> CrmRepository:
    return CrmRepository.connect(uri, db, timeout_ms=timeout_ms)


def test_server_down_at_sync_time_then_back_gives_exactly_one_document(nx_server, tmp_path, crm_db_name):
    store = LocalStore(tmp_path / "s.db")
    fill(store, 1)
    worker = SyncWorker(store, lambda: connect(nx_server.uri, crm_db_name), **FAST)
    down = worker.drain()
    assert down.state == "retrying" and down.error_kind == "unreachable" and down.pending == 1
    assert "unreachable" in down.describe() and store.outbox_item("call-0000").attempts == 1
    nx_server.start()
    time.sleep(0.3)  # past the backoff
    up = worker.drain()
    assert up.state == "ok" and up.sent == 1 and up.pending == 0 and up.last_error is None
    assert worker.drain().sent_this_pass == 0  # nothing re-sent
    check = connect(nx_server.uri, crm_db_name)
    assert check.count_interactions() == 1 and check.count_interactions({"call_id": "call-0000"}) == 1


def test_server_killed_mid_drain_then_restarted_ends_with_exactly_n(nx_server, tmp_path, crm_db_name):
    n = 60
    store = LocalStore(tmp_path / "s.db")
    fill(store, n)
    nx_server.start()
    worker = SyncWorker(store, lambda: connect(nx_server.uri, crm_db_name), **FAST)
    killer = threading.Thread(target=lambda: (_wait_for_sent(store, 10), nx_server.kill()))
    killer.start()
    first = worker.drain(batch=5)
    killer.join()
    assert first.state == "retrying" and 10 <= first.sent < n
    nx_server.start()  # same file: what was acknowledged before the kill is still there
    deadline = time.monotonic() + 20
    while worker.status().pending and time.monotonic() < deadline:
        time.sleep(0.05)
        worker.drain()
    assert worker.status().sent == n
    check = connect(nx_server.uri, crm_db_name)
    assert check.count_interactions() == n
    assert sorted(d["call_id"] for d in check.interactions.find({}, {"call_id": 1})) == sorted(store.call_ids())


def _wait_for_sent(store: LocalStore, k: int) -> None:
    while store.outbox_counts()["sent"] < k:
        time.sleep(0.002)


class CrashAfterUpload(LocalStore):
    """The app dies after MongoDB acknowledged but before the outbox recorded it (once)."""

    crashed = False

    def mark_sent(self, call_id, payload=None):
        if not self.crashed:
            self.crashed = True
            raise KeyboardInterrupt("power cut")
        super().mark_sent(call_id, payload)


def test_crash_between_upload_and_bookkeeping_does_not_duplicate(repo, mongo_uri, crm_db_name, tmp_path):
    store = CrashAfterUpload(tmp_path / "s.db")
    fill(store, 3)
    worker = SyncWorker(store, lambda: connect(mongo_uri, crm_db_name), **FAST)
    with pytest.raises(KeyboardInterrupt):
        worker.drain()
    assert repo.count_interactions() == 1 and store.outbox_counts()["pending"] == 3
    restarted = SyncWorker(LocalStore(tmp_path / "s.db"), lambda: connect(mongo_uri, crm_db_name), **FAST)
    assert restarted.drain().sent == 3
    assert repo.count_interactions() == 3


def test_bad_credentials_are_reported_as_auth_and_retried(tmp_path):
    from mockupdb import MockupDB

    server = MockupDB(auto_ismaster={"maxWireVersion": 21, "minWireVersion": 0})
    server.autoresponds("saslStart", {"ok": 0, "errmsg": "Authentication failed.", "code": 18,
                                      "codeName": "AuthenticationFailed"})
    server.run()
    try:
        store = LocalStore(tmp_path / "s.db")
        fill(store, 2)
        uri = f"mongodb://rep:wrong-password@127.0.0.1:{server.port}/?directConnection=true&authSource=admin"
        worker = SyncWorker(store, lambda: connect(uri, "crm"), base_delay=30.0)
        status = worker.drain()
        assert status.state == "retrying" and status.error_kind == "auth"
        assert "credentials" in status.last_error and "wrong-password" not in status.describe()
        assert status.pending == 2 and 20 < status.next_retry_at - time.time() < 40
        assert all(store.outbox_item(c).error_kind == "auth" for c in ("call-0000", "call-0001"))
        assert store.due() == []  # both wait for the retry, nothing lost
    finally:
        server.stop()


def test_slow_server_times_out_and_stays_queued(tmp_path):
    from mockupdb import MockupDB

    server = MockupDB(auto_ismaster={"maxWireVersion": 21, "minWireVersion": 0})  # answers hello only
    server.run()
    try:
        store = LocalStore(tmp_path / "s.db")
        fill(store, 1)
        worker = SyncWorker(store, lambda: connect(f"mongodb://127.0.0.1:{server.port}/?directConnection=true",
                                                   "crm", timeout_ms=500), **FAST)
        status = worker.drain()
        assert status.error_kind == "timeout" and status.pending == 1
    finally:
        server.stop()


def test_approve_before_sync_sends_exactly_the_previewed_fields(repo, mongo_uri, crm_db_name, tmp_path):
    store = LocalStore(tmp_path / "s.db")
    fill(store, 1, approve=True)
    worker = SyncWorker(store, lambda: connect(mongo_uri, crm_db_name), **FAST)
    preview = worker.preview("call-0000")
    assert worker.drain().awaiting_approval == 1 and repo.count_interactions() == 0
    assert "[CARD]" not in str(preview) and "[PHONE]" in preview["key_moments"][0]["text"]
    assert worker.approve("call-0000")
    assert worker.drain().sent == 1
    stored = repo.interaction("call-0000")
    sent_fields = {k: v for k, v in stored.items() if k not in ("created_at", "synced_at", "started_at", "ended_at")}
    assert sent_fields == {k: v for k, v in preview.items() if k not in ("started_at", "ended_at")}


def test_background_thread_syncs_and_stops(repo, mongo_uri, crm_db_name, tmp_path):
    store = LocalStore(tmp_path / "s.db")
    seen = []
    worker = SyncWorker(store, lambda: connect(mongo_uri, crm_db_name), on_status=seen.append, **FAST)
    worker.start(interval_s=5.0)
    try:
        fill(store, 4)
        worker.kick()
        deadline = time.monotonic() + 10
        while repo.count_interactions() < 4 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        worker.stop()
    assert repo.count_interactions() == 4 and worker.status().sent == 4
    assert any(s.state == "ok" for s in seen)


def test_backoff_doubles_up_to_the_cap():
    delays = [backoff_delay(a, base=2.0, cap=60.0) for a in range(1, 9)]
    assert 1.7 <= delays[0] <= 2.3 and 3.4 <= delays[1] <= 4.6 and 51 <= delays[-1] <= 69


def test_ui_hooks_preview_is_what_approve_sends(repo, mongo_uri, crm_db_name, tmp_path, monkeypatch):
    from salesmind_desktop import crm, secrets

    monkeypatch.setenv(secrets.ENV_URI, mongo_uri)
    s = settings(approve=True)
    s.crm.database = crm_db_name
    store = LocalStore(tmp_path / "s.db")
    preview, approve = crm.ui_hooks(s, store=store)
    summary = make_summary("ui-1", customer_id="C-5")
    shown = preview(summary)
    assert shown == preview(summary) and store.outbox_counts()["awaiting_approval"] == 1
    assert repo.count_interactions() == 0
    assert approve(summary) == "Synced to the CRM."
    stored = repo.interaction("ui-1")
    assert stored["customer_id"] == "C-5" and stored["ess"] == shown["ess"] and stored["notes"] == shown["notes"]
