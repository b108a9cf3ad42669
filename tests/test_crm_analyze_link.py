"""`analyze CALL.wav --customer ID` on a rendered call through the real models: the call lands in
the local store linked to the customer, syncs to the wire server, and feeds the pre-call context."""

from __future__ import annotations

import json

import pytest

from salesmind_desktop import secrets
from salesmind_desktop.cli import main
from salesmind_desktop.store.local import LocalStore

pytest_plugins = ["fixtures_mongo"]  # nx-27017 server, once per session
pytestmark = [pytest.mark.slow, pytest.mark.crm]


def test_analyze_with_customer_persists_and_syncs(render_call, repo, mongo_uri, crm_db_name, monkeypatch, capsys):
    wav, _truth = render_call("d2_price_timing")
    monkeypatch.setenv(secrets.ENV_URI, mongo_uri)
    monkeypatch.setenv("SALESMIND_CRM_DATABASE", crm_db_name)
    monkeypatch.setenv("SALESMIND_CRM_REP_ID", "rep-z")
    assert main(["analyze", str(wav), "--customer", "C-77", "--no-voice", "--call-id", "d2-link"]) == 0
    assert "queued for CRM sync" in capsys.readouterr().err
    with LocalStore() as store:
        call = store.call("d2-link")
        assert call["customer_id"] == "C-77" and call["rep_id"] == "rep-z"
        assert len(store.utterances("d2-link")) > 3 and store.outbox_item("d2-link").status == "pending"
    assert main(["sync"]) == 0
    doc = repo.interaction("d2-link")
    assert doc["customer_id"] == "C-77" and 0 <= doc["ess"]["overall"] <= 10 and doc["talk"]["rep_share"] > 0
    capsys.readouterr()
    assert main(["crm", "context", "C-77", "--json"]) == 0
    ctx = json.loads(capsys.readouterr().out)
    assert ctx["past_ess"] == [doc["ess"]["overall"]]
