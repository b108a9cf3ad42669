"""The live UI driven by a scripted call through the real CallInsight (badge, toasts, summary)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from salesmind_desktop.events import Cue, EssUpdate
from salesmind_desktop.settings import CoachingSettings
from salesmind_desktop.ui.style import badge_color

from fixtures_ui import InsightPipeline, StopSource, desktop, price_call, scripted_factory  # noqa: F401

pytestmark = pytest.mark.gui


def run_call(qtbot, app, timeout=20_000):
    with qtbot.waitSignal(app.controller.summary_ready, timeout=timeout) as blocker:
        assert app.controller.request_start()
    qtbot.waitUntil(lambda: app.controller.state == "idle", timeout=timeout)
    return blocker.args[0]


def test_scripted_call_shows_core_badge_cues_and_summary(qtbot, desktop):
    pipeline = InsightPipeline(price_call())
    app = desktop(scripted_factory(pipeline))
    app.show()
    seen = []  # (core badge state, colour the badge shows) after each update
    app.bridge.ess.connect(lambda u: seen.append((u.t, u.badge, app.badge.color(), app.badge.score.text())))
    summary = run_call(qtbot, app)

    updates = [e for e in pipeline.events if isinstance(e, EssUpdate)]
    assert [s[1] for s in seen] == [u.badge for u in updates]
    assert all(color == badge_color(state) for _, state, color, _ in seen)
    assert [s[3] for s in seen] == [f"{u.rolling:.1f}" for u in updates]
    # one negative sentence in a positive stretch: the core kept green and so does the badge
    assert seen[1][1] == "green" and seen[1][2] == badge_color("green")
    assert seen[-1][1] == "red" and app.badge.color() == badge_color("red")
    assert app.badge.sparkline.values() == pytest.approx([u.rolling for u in updates])

    cues = [e for e in pipeline.events if isinstance(e, Cue)]
    assert cues, "the scripted price stretch should bring a cue"
    assert [c.id for c in app.toasts.shown_cues] == [c.id for c in cues]

    # the summary window shows the core's summary and the call was archived for history
    assert summary is not None and len(app.summary_windows) == 1
    window = app.summary_windows[0]
    app.toggle_transcript(True)
    app.show_history()
    app.show_settings()
    shown = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    assert {type(w).__name__ for w in shown} >= {"Badge", "CueToast", "TranscriptPanel", "SummaryWindow",
                                                   "HistoryWindow", "SettingsDialog"}
    assert all(w.windowTitle().startswith("SalesMind") for w in shown), [w.windowTitle() for w in shown]
    app.settings_dialog.reject()
    assert window.data["ess"] == summary.to_dict()["ess"]
    from salesmind_desktop.store.local import LocalStore

    with LocalStore() as store:  # kept in the real local store (masked) and queued for CRM sync
        assert store.summary("ui-test-call")["ess"] == summary.to_dict()["ess"]
        assert store.summary("ui-test-call")["started_at"] == app.controller.started_at
        assert store.outbox_item("ui-test-call") is not None


def test_suppressed_cues_never_become_toasts(qtbot, desktop):
    full = InsightPipeline(price_call())
    full.run(StopSource(), lambda e: None)
    assert len([e for e in full.events if isinstance(e, Cue)]) >= 2  # the policy had two to give

    capped = InsightPipeline(price_call(), CoachingSettings(max_cues_per_call=1))
    app = desktop(scripted_factory(capped))
    app.show()
    run_call(qtbot, app)
    core_cues = [e for e in capped.events if isinstance(e, Cue)]
    assert len(core_cues) == 1
    assert [c.id for c in app.toasts.shown_cues] == [core_cues[0].id]


def test_cue_feedback_goes_back_to_the_core(qtbot, desktop):
    pipeline = InsightPipeline(price_call(), pace=10.0)  # slow enough to answer the toast mid-call
    app = desktop(scripted_factory(pipeline))
    app.show()
    with qtbot.waitSignal(app.controller.summary_ready, timeout=30_000) as blocker:
        app.controller.request_start()
        qtbot.waitUntil(lambda: len(app.toasts.toasts()) == 1, timeout=20_000)
        toast = app.toasts.toasts()[0]
        cue = toast.cue
        qtbot.mouseClick(toast.buttons["helpful"], Qt.MouseButton.LeftButton)
    assert pipeline.feedback_calls == [(cue.id, "helpful", cue.t)]
    summary = blocker.args[0]
    first = next(c for c in summary.cues if c.id == cue.id)
    assert first.feedback == "helpful"
    assert cue not in [t.cue for t in app.toasts.toasts()]  # the toast closed itself


def test_stop_from_the_tray_ends_the_call_early_with_a_summary(qtbot, desktop):
    pipeline = InsightPipeline(price_call(), pace=10.0)
    app = desktop(scripted_factory(pipeline))
    app.show()
    states = []
    app.controller.state_changed.connect(states.append)
    app.controller.request_start()
    qtbot.waitUntil(lambda: app.controller.state == "listening", timeout=10_000)
    assert app.badge.status.text() == "Listening" and app.tray.call_action.text() == "Stop listening"
    qtbot.wait(300)
    with qtbot.waitSignal(app.controller.summary_ready, timeout=10_000) as blocker:
        app.tray.call_action.trigger()
    qtbot.waitUntil(lambda: app.controller.state == "idle")
    assert states == ["loading", "listening", "stopping", "idle"]
    assert blocker.args[0].duration_s < price_call()[-1].end
    assert app.badge.status.text() == "Not listening" and app.tray.call_action.text() == "Start listening"


def test_declined_consent_does_not_start(qtbot, desktop):
    pipeline = InsightPipeline(price_call())
    app = desktop(scripted_factory(pipeline), consent=lambda: False)
    assert app.controller.request_start() is False
    assert app.controller.state == "idle" and pipeline.events == []


def test_a_failing_session_reports_message_and_fix(qtbot, desktop):
    from salesmind_desktop.errors import ModelError

    def broken(progress):
        raise ModelError("speech model tiny.en is missing", "run scripts/setup.sh")

    app = desktop(broken)
    with qtbot.waitSignal(app.controller.error, timeout=5000) as blocker:
        app.controller.request_start()
    qtbot.waitUntil(lambda: app.controller.state == "idle")
    assert blocker.args == ["speech model tiny.en is missing", "run scripts/setup.sh"]
    assert app.last_error == ("speech model tiny.en is missing", "run scripts/setup.sh")


def test_a_failure_mid_call_keeps_what_was_understood(qtbot, desktop):
    """The real SessionPipeline wrapper around a pipeline that dies after a few utterances."""
    from salesmind_desktop.insight.call import CallInsight
    from salesmind_desktop.pipeline import PipelineError
    from salesmind_desktop.settings import CoachingSettings
    from salesmind_desktop.ui.sessions import SessionPipeline

    class DiesMidCall:
        insight_factory = staticmethod(lambda: CallInsight(CoachingSettings()))

        def run(self, source, listener, call_id="call"):
            insight = self.insight_factory()
            for u in price_call()[:5]:
                listener(u)
                for e in insight.on_utterance(u):
                    listener(e)
            raise PipelineError("speech recognition failed: out of memory", "close other programs")

        def stop(self):
            pass

    app = desktop(lambda progress: (SessionPipeline(DiesMidCall()), StopSource()))
    errors = []
    app.controller.error.connect(lambda m, f: errors.append((m, f)))
    with qtbot.waitSignal(app.controller.summary_ready, timeout=10_000) as blocker:
        app.controller.request_start()
    partial = blocker.args[0]
    assert [u.text for u in partial.utterances] == [u.text for u in price_call()[:5]]
    assert errors[0][0] == "speech recognition failed: out of memory"
    assert errors[0][1].startswith("close other programs; the call up to this point was kept")
    assert app.summary_windows and app.summary_windows[-1].view.call_id == partial.call_id


def test_stopping_while_loading_opens_no_empty_summary(qtbot, desktop):
    pipeline = InsightPipeline([], tail_s=0.0)
    app = desktop(scripted_factory(pipeline))
    with qtbot.waitSignal(app.controller.summary_ready, timeout=10_000):
        app.controller.request_start()
        app.controller.stop()
    assert app.summary_windows == [] and app.badge.status.text() == "Call cancelled"
