"""The summary window shows the core's CallSummary; notes, export, history and the CRM preview."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt

from fixtures_ui import InsightPipeline, StopSource, desktop, price_call  # noqa: F401
from salesmind_desktop.errors import CrmError
from salesmind_desktop.insight.summary import CallSummary
from salesmind_desktop.ui.archive import JsonArchive
from salesmind_desktop.ui.style import mmss
from salesmind_desktop.ui.summary_window import SummaryWindow

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def summary() -> CallSummary:
    return InsightPipeline(price_call()).run(StopSource(), lambda e: None)


def test_window_shows_exactly_the_core_summary(qtbot, summary):
    window = SummaryWindow(summary)
    qtbot.addWidget(window)
    d = summary.to_dict()
    assert window.windowTitle() == "SalesMind — call summary ui-test-call"
    for key, value in (("overall", d["ess"]["overall"]), ("min", d["ess"]["min"]), ("final", d["ess"]["final"])):
        assert f">{value:.1f}<" in window.tiles[key].text()
    assert window.chart.points() == [(p["t"], p["rolling"]) for p in d["ess_timeline"]]
    marker_times = sorted(m.t for m in window.chart.markers())
    assert all(k["t"] in marker_times for k in d["key_moments"])
    assert all(c["t"] in marker_times for c in d["cues"])
    moments = [window.moments.item(i).text() for i in range(window.moments.count())]
    for k in d["key_moments"]:
        assert any(m.startswith(mmss(k["t"])) and k["text"] in m for m in moments)
    assert [(line.start, line.channel, line.text) for line in window.transcript.lines()] == \
        [(u["start"], u["channel"], u["text"]) for u in d["utterances"]]
    objections = window.tabs.widget(1)
    assert objections.count() == len(d["objections"]) and d["objections"]
    cues = window.tabs.widget(2)
    assert [cues.item(i).text().split("  ", 1)[1].split(" — ")[0] for i in range(cues.count())] == \
        [c["text"] for c in d["cues"]]
    assert "ESS 4.97 → 3.30".replace("4.97", f"{d['cues'][0]['ess_before']:.1f}").replace(
        "3.30", f"{d['cues'][0]['ess_after']:.1f}") in cues.item(0).text()
    assert window.talk_labels["rep_share"].text() == f"{d['talk']['rep_share']:.0%}"
    assert window.talk_labels["interruptions"].text() == str(d["talk"]["interruptions"])


def test_key_moment_click_opens_the_transcript_there(qtbot, summary):
    window = SummaryWindow(summary)
    qtbot.addWidget(window)
    window.show()
    spike = next(k for k in summary.key_moments if k.kind == "negative_spike" and k.t > 25)
    row = next(i for i in range(window.moments.count())
               if window.moments.item(i).data(Qt.ItemDataRole.UserRole) == spike.t)
    item = window.moments.item(row)
    rect = window.moments.visualItemRect(item)
    qtbot.mouseClick(window.moments.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    line = window.transcript.lines()[window.transcript.highlighted]
    assert line.start <= spike.t + 0.05 and spike.t in [u.start for u in summary.utterances]
    assert line.start == spike.t
    window.chart.time_clicked.emit(2.0)  # clicking the chart jumps as well
    assert window.transcript.lines()[window.transcript.highlighted].start <= 2.0


def test_key_moment_plays_kept_audio_from_that_time(qtbot, summary, monkeypatch, tmp_path):
    played = []
    monkeypatch.setattr("salesmind_desktop.ui.playback.Player.play",
                        lambda self, path, start, seconds=20.0: played.append((str(path), start)))
    data = {**summary.to_dict(), "audio_path": str(tmp_path / "call.wav")}
    window = SummaryWindow(data)
    qtbot.addWidget(window)
    window.show_time(30.0)
    assert played == [(str(tmp_path / "call.wav"), 29.0)]
    no_audio = SummaryWindow(summary)
    qtbot.addWidget(no_audio)
    no_audio.show_time(30.0)
    assert len(played) == 1  # nothing kept, nothing played


def test_missing_recording_is_a_clear_message(qtbot, summary, tmp_path):
    window = SummaryWindow({**summary.to_dict(), "audio_path": str(tmp_path / "gone.wav")})
    qtbot.addWidget(window)
    window.show_time(10.0)
    assert "is not there any more" in window.status.text() and "keep audio" in window.status.text()


def test_notes_and_fields_go_into_exports(qtbot, summary, tmp_path):
    window = SummaryWindow(summary)
    qtbot.addWidget(window)
    window.notes.setPlainText("Send the ROI sheet by Friday.")
    window.customer_edits["customer_name"].setText("Jenny Park")
    window.customer_edits["customer_id"].setText("jenny@example.com")
    window.customer_edits["deal_stage"].setText("negotiation")
    window.deal_edits["next_step"].setText("send ROI sheet")
    saved = []
    window.saved.connect(saved.append)
    window.save()
    exported = json.loads(window.export_json(tmp_path / "call.json").read_text())
    expected = {**summary.to_dict(), "notes": "Send the ROI sheet by Friday.", "customer_name": "Jenny Park",
                "customer_id": "jenny@example.com", "deal_stage": "negotiation"}
    assert {k: exported[k] for k in expected} == expected
    assert exported["deal"]["next_step"] == "send ROI sheet"
    assert saved and saved[0]["notes"] == "Send the ROI sheet by Friday."
    assert CallSummary.from_dict(exported).notes == "Send the ROI sheet by Friday."
    assert CallSummary.from_dict(exported).deal_stage == "negotiation"
    md = window.export_markdown(tmp_path / "call.md").read_text()
    assert md.startswith("# Call summary: ui-test-call")
    assert "Send the ROI sheet by Friday." in md and "Jenny Park" in md and "Next step: send ROI sheet" in md


def test_history_lists_past_calls_and_reopens_their_summary(qtbot, desktop, summary):
    app = desktop()
    app.on_summary(summary)
    other = {**summary.to_dict(), "call_id": "second-call", "customer_name": "Acme"}
    app.archive.save(other)
    app.summary_windows[-1].close()
    app.show_history()
    tree = app.history_window.tree
    assert app.history_window.windowTitle().startswith("SalesMind")
    assert sorted(tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())) == \
        ["second-call", "ui-test-call"]
    item = next(tree.topLevelItem(i) for i in range(tree.topLevelItemCount())
                if tree.topLevelItem(i).text(0) == "second-call")
    assert item.text(3) == f"{summary.ess.overall:.1f}" and item.text(4) == "Acme"
    before = len(app.summary_windows)
    app.history_window._open(item)
    assert len(app.summary_windows) == before + 1
    assert app.summary_windows[-1].view.call_id == "second-call"


def test_archive_skips_damaged_files(tmp_path, summary):
    archive = JsonArchive(tmp_path)
    archive.save(summary.to_dict())
    (tmp_path / "broken.json").write_text("{not json")
    assert [e.call_id for e in archive.entries()] == ["ui-test-call"]


def test_crm_panel_shows_the_exact_fields_and_needs_approval(qtbot, summary):
    sent = []

    def preview(d):
        return {"call_id": d["call_id"], "ess_overall": d["ess"]["overall"], "notes": d["notes"]}

    def approve(d):
        sent.append(d["call_id"])
        return "Queued for sync (1 waiting)"

    window = SummaryWindow(summary, crm_preview=preview, crm_approve=approve)
    qtbot.addWidget(window)
    window.notes.setPlainText("call back Monday")
    window.save()
    assert json.loads(window.crm.fields.toPlainText()) == {
        "call_id": "ui-test-call", "ess_overall": summary.ess.overall, "notes": "call back Monday"}
    assert sent == []  # nothing leaves before the rep approves
    with qtbot.waitSignal(window.crm.synced, timeout=5000):
        qtbot.mouseClick(window.crm.approve_button, Qt.MouseButton.LeftButton)
    assert sent == ["ui-test-call"] and window.crm.status.text() == "Queued for sync (1 waiting)"


def test_crm_panel_without_crm_or_with_a_failure(qtbot, summary):
    window = SummaryWindow(summary)
    qtbot.addWidget(window)
    assert "not configured" in window.crm.status.text() and not window.crm.approve_button.isEnabled()

    def refuse(d):
        raise CrmError("MongoDB refused the credentials", "reconnect with `salesmind-desktop crm connect URI`")

    failing = SummaryWindow(summary, crm_preview=lambda d: {"call_id": d["call_id"]}, crm_approve=refuse)
    qtbot.addWidget(failing)
    with qtbot.waitSignal(failing.crm.synced, timeout=5000):
        failing.crm.approve()
    assert "Not synced: MongoDB refused the credentials" in failing.crm.status.text()
    assert "crm connect" in failing.crm.status.text()


def test_a_failing_store_keeps_a_json_copy_and_says_so(qtbot, desktop, summary):
    from salesmind_desktop.store.local import StoreError

    class BrokenStore:
        def save(self, data):
            raise StoreError("cannot open the local call store", "check the disk and permissions")

    app = desktop()
    app.archive = BrokenStore()
    app.on_summary(summary)
    message, fix = app.last_error
    assert "could not keep the call in the local store" in message and "a copy was saved to" in fix
    assert [e.call_id for e in JsonArchive().entries()] == ["ui-test-call"]
    assert app.summary_windows  # the rep still sees the summary


def test_a_slow_crm_never_blocks_the_window(qtbot, summary):
    import threading
    import time

    release = threading.Event()

    def slow_approve(d):
        release.wait(5)
        return "Synced to the CRM."

    window = SummaryWindow(summary, crm_preview=lambda d: {"call_id": d["call_id"]}, crm_approve=slow_approve)
    qtbot.addWidget(window)
    start = time.monotonic()
    window.crm.approve()
    assert time.monotonic() - start < 0.5  # returned at once
    assert window.crm.status.text() == "Sending to the CRM…" and not window.crm.approve_button.isEnabled()
    window.crm.approve()  # a second click while busy does nothing
    with qtbot.waitSignal(window.crm.synced, timeout=5000):
        release.set()
    assert window.crm.status.text() == "Synced to the CRM." and window.crm.approve_button.isEnabled()
