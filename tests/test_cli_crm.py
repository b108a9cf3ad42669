"""`salesmind-desktop crm ...` and `sync` end to end against the wire server."""

from __future__ import annotations

import json
import os
import uuid

import keyring
import pytest
from fixtures_summaries import make_summary

from salesmind_desktop import paths, secrets
from salesmind_desktop.cli import main
from salesmind_desktop.settings import Settings
from salesmind_desktop.store.persist import persist_call

pytest_plugins = ["fixtures_mongo"]  # nx-27017 server, once per session
pytestmark = pytest.mark.crm


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def crm_env(monkeypatch, mongo_uri, crm_db_name):
    monkeypatch.setenv("SALESMIND_CRM_DATABASE", crm_db_name)
    monkeypatch.setenv("SALESMIND_CRM_REP_ID", "rep-a")
    monkeypatch.setenv(secrets.ENV_URI, mongo_uri)
    return mongo_uri


def test_sync_then_context_leads_rollup(crm_env, repo, capsys):
    settings = Settings()
    settings.crm.rep_id = "rep-a"
    for i, ess in enumerate([7.0, 3.0, 2.5, 3.5]):
        persist_call(make_summary(f"c{i}", overall=ess, objections=("price",)), customer_id="C-1", settings=settings)
    assert main(["sync"]) == 0
    out = capsys.readouterr().out
    assert "sent 4 call(s)" in out and "sync: ok" in out
    assert repo.count_interactions() == 4

    assert main(["crm", "context", "C-1", "--json"]) == 0
    ctx = json.loads(capsys.readouterr().out)
    assert ctx["customer_id"] == "C-1" and len(ctx["past_ess"]) == 4 and ctx["open_objections"] == ["price"]
    assert main(["crm", "leads"]) == 0
    assert "C-1" in capsys.readouterr().out
    assert main(["crm", "rollup", "--threshold", "0.3"]) == 0
    out = capsys.readouterr().out
    assert "rep-a" in out and "ALERT" in out and "75%" in out
    assert main(["crm", "context", "nobody"]) == 5
    assert "no customer" in capsys.readouterr().err


def test_sync_shows_the_cause_when_the_crm_is_down(monkeypatch, capsys):
    monkeypatch.setenv(secrets.ENV_URI, f"mongodb://127.0.0.1:{free_port()}/?directConnection=true"
                                        "&serverSelectionTimeoutMS=300")
    persist_call(make_summary("c1"), settings=Settings())
    assert main(["sync"]) == 5
    out = capsys.readouterr().out
    assert "retrying" in out and "unreachable" in out and "1 queued" in out


def test_connect_rejects_bad_and_unreachable_uris_without_traceback(capsys):
    assert main(["crm", "connect", "http://not-mongo"]) == 5
    err = capsys.readouterr().err
    assert err.startswith("error:") and "fix:" in err and "Traceback" not in err
    assert main(["crm", "connect", f"mongodb://u:pw123@127.0.0.1:{free_port()}/?directConnection=true",
                 "--timeout-ms", "300"]) == 5
    err = capsys.readouterr().err
    assert "unreachable" in err and "pw123" not in err


@pytest.mark.keyring
def test_connect_stores_the_uri_in_the_keychain_only(mongo_uri, crm_db_name, monkeypatch, capsys):
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        pytest.skip("needs a D-Bus session with gnome-keyring: run via `bash scripts/test.sh`")
    monkeypatch.setattr(secrets, "SERVICE", f"salesmind-test-{uuid.uuid4().hex[:8]}")
    monkeypatch.delenv(secrets.ENV_URI, raising=False)
    monkeypatch.setenv("SALESMIND_CRM_DATABASE", crm_db_name)
    try:
        assert main(["crm", "connect", mongo_uri]) == 0
        assert "stored in the OS keychain" in capsys.readouterr().out
        assert keyring.get_password(secrets.SERVICE, secrets.CRM_URI_KEY) == mongo_uri
        for folder in (paths.config_dir(), paths.data_dir()):
            for f in folder.rglob("*") if folder.exists() else ():
                assert mongo_uri.encode() not in f.read_bytes()
        assert main(["sync"]) == 0  # the worker finds the URI in the keychain
    finally:
        secrets.forget_crm_uri()


def test_sync_preview_and_approve(crm_env, repo, monkeypatch, capsys):
    monkeypatch.setenv("SALESMIND_CRM_APPROVE_BEFORE_SYNC", "true")
    from salesmind_desktop import settings as settings_mod

    persist_call(make_summary("held", customer_id="C-2"), settings=settings_mod.load())
    assert main(["sync"]) == 0
    assert "1 awaiting approval" in capsys.readouterr().out and repo.count_interactions() == 0
    assert main(["sync", "--preview", "held"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["call_id"] == "held" and shown["customer_id"] == "C-2" and "[PHONE]" in json.dumps(shown)
    assert main(["sync", "--approve", "held"]) == 0
    assert "approved held" in capsys.readouterr().out
    assert repo.interaction("held")["key_moments"] == shown["key_moments"]
    assert main(["sync", "--approve", "held"]) == 5  # nothing left to approve: a clear error


def test_sync_applies_retention_after_sending(crm_env, repo, capsys):
    import time

    from salesmind_desktop.store.local import LocalStore

    persist_call(make_summary("ancient"), settings=Settings(), started_at=time.time() - 400 * 86400)
    assert main(["sync"]) == 0
    out = capsys.readouterr().out
    assert "sent 1 call(s)" in out and "retention: removed 1 call(s)" in out
    assert repo.interaction("ancient") is not None  # in the CRM, gone from the PC
    with LocalStore() as store:
        assert store.call_ids() == []


def test_fetch_context_is_best_effort(crm_env, repo, monkeypatch):
    from salesmind_desktop import settings as settings_mod
    from salesmind_desktop.crm.connection import fetch_context

    persist_call(make_summary("p1", overall=3.0, objections=("timing",)), customer_id="C-3", settings=Settings())
    assert main(["sync"]) == 0
    ctx, note = fetch_context(settings_mod.load(), "C-3")
    assert note is None and ctx.past_ess == (3.0,) and ctx.open_objections == ("timing",)
    assert fetch_context(settings_mod.load(), "C-unknown") == (None, "no CRM history for customer C-unknown")
    monkeypatch.setenv(secrets.ENV_URI, f"mongodb://u:pw9@127.0.0.1:{free_port()}/?directConnection=true")
    ctx, note = fetch_context(settings_mod.load(), "C-3", timeout_ms=300)
    assert ctx is None and "unreachable" in note and "pw9" not in note
