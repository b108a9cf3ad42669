"""Pre-call customer context from the CRM (real MongoDB wire server), shown in the UI and fed to
the coaching; the call is linked to the customer."""

from __future__ import annotations

import pytest
from fixtures_summaries import make_summary

from fixtures_ui import InsightPipeline, StopSource, desktop, price_call  # noqa: F401
from salesmind_desktop import secrets
from salesmind_desktop import settings as settings_mod
from salesmind_desktop.cli import main
from salesmind_desktop.settings import Settings
from salesmind_desktop.store.persist import persist_call
from salesmind_desktop.ui import sessions

pytest_plugins = ["fixtures_mongo"]
pytestmark = [pytest.mark.gui, pytest.mark.crm]


@pytest.fixture
def crm_with_history(monkeypatch, mongo_uri, crm_db_name):
    monkeypatch.setenv("SALESMIND_CRM_DATABASE", crm_db_name)
    monkeypatch.setenv(secrets.ENV_URI, mongo_uri)
    for i, ess in enumerate((6.5, 5.0, 3.0, 2.5)):
        persist_call(make_summary(f"past-{i}", overall=ess, objections=("price",)), customer_id="C-7",
                     settings=Settings())
    assert main(["sync"]) == 0


def test_context_is_fetched_described_and_used(qtbot, desktop, crm_with_history):
    settings = settings_mod.load()
    contexts = []

    def factory(progress):
        ctx = sessions._context(settings, lambda: app.customer, progress)
        contexts.append(ctx)
        return InsightPipeline(price_call(), context=ctx, call_id="with-context"), StopSource()

    app = desktop(factory, settings=settings)
    app.customer = "C-7"
    progress = []
    app.controller.progress.connect(progress.append)
    with qtbot.waitSignal(app.controller.summary_ready, timeout=20_000):
        app.controller.request_start()
    ctx = contexts[0]
    assert ctx is not None and sorted(ctx.past_ess) == [2.5, 3.0, 5.0, 6.5]
    line = next(p for p in progress if p.startswith("Customer: "))
    assert f"4 past calls, ESS trend {ctx.ess_trend}" in line and "objections: price" in line
    assert line in app.badge.toolTip()
    from salesmind_desktop.store.local import LocalStore

    with LocalStore() as store:
        assert store.call("with-context")["customer_id"] == "C-7"


def test_unknown_customer_or_no_crm_runs_without_context(monkeypatch, crm_with_history):
    progress = []
    assert sessions._context(settings_mod.load(), lambda: "C-nobody", progress.append) is None
    assert progress[-1] == "Customer: C-nobody (no CRM history for customer C-nobody)"
    assert sessions._context(settings_mod.load(), lambda: "", progress.append) is None


def test_crm_panel_with_the_real_crm_hooks(qtbot, monkeypatch, mongo_uri, crm_db_name, repo):
    """Approve-before-sync through crm.ui_hooks: the panel shows the stored, masked document and
    the interaction reaches MongoDB only after "Approve"."""
    from salesmind_desktop.ui.desktop import crm_hooks
    from salesmind_desktop.ui.summary_window import SummaryWindow

    monkeypatch.setenv("SALESMIND_CRM_DATABASE", crm_db_name)
    monkeypatch.setenv("SALESMIND_CRM_APPROVE_BEFORE_SYNC", "true")
    monkeypatch.setenv(secrets.ENV_URI, mongo_uri)
    settings = settings_mod.load()
    summary = InsightPipeline(price_call(), call_id="crm-panel-call").run(StopSource(), lambda e: None)
    data = {**summary.to_dict(), "notes": "call me at 555-123-4567 or jenny@example.com"}
    preview, approve = crm_hooks(settings)
    window = SummaryWindow(data, crm_preview=preview, crm_approve=approve)
    qtbot.addWidget(window)
    shown = window.crm.fields.toPlainText()
    assert "crm-panel-call" in shown and "call me at" in shown  # the notes go, masked:
    assert "jenny@example.com" not in shown and "555-123-4567" not in shown
    assert repo.interaction("crm-panel-call") is None  # held for approval
    with qtbot.waitSignal(window.crm.synced, timeout=15_000):
        window.crm.approve()
    assert window.crm.status.text() == "Synced to the CRM."
    assert repo.interaction("crm-panel-call") is not None
