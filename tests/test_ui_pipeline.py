"""The live UI on the real pipeline: a recorded call (real ASR, text emotion, insight) replayed
through DesktopApp, checking that the windows show exactly what the core emitted."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fixtures_ui import desktop  # noqa: F401
from salesmind_desktop import settings as settings_mod
from salesmind_desktop.ui.sessions import file_session

pytestmark = [pytest.mark.gui, pytest.mark.slow]
DEMO = Path(__file__).resolve().parents[1] / "assets" / "examples" / "demo_call.wav"


def test_real_pipeline_drives_badge_toasts_transcript_and_summary(qtbot, desktop, monkeypatch):
    from salesmind_desktop.ui import sessions

    monkeypatch.setattr(sessions, "MODELS", sessions.ModelCache())  # load models with progress
    settings = settings_mod.load()
    # Light engines keep this UI test quick on CI's two cores; ASR, VAD, text emotion (VADER),
    # objections and the insight are the real ones. The full engines are tested by their owners.
    settings.emotion.voice = False
    settings.emotion.text_engine = "vader"
    app = desktop(file_session(settings, DEMO, speed=None), settings=settings)
    app.show()
    got = {"ess": [], "cue": [], "utt": [], "ended": []}
    app.bridge.ess.connect(got["ess"].append)
    app.bridge.cue.connect(got["cue"].append)
    app.bridge.utterance.connect(got["utt"].append)
    app.bridge.call_ended.connect(got["ended"].append)
    progress, errors, summaries = [], [], []
    app.controller.progress.connect(progress.append)
    app.controller.error.connect(lambda message, fix: errors.append(f"{message} (fix: {fix})"))
    app.controller.summary_ready.connect(summaries.append)
    assert app.controller.request_start()
    qtbot.waitUntil(lambda: app.controller.state == "idle", timeout=240_000)
    assert errors == []
    summary = summaries[0]

    assert [p for p in progress if p.startswith("Loading")][1:] == [
        "Loading the speech model (tiny.en, auto)…", "Loading voice detection…", "Loading emotion models…"]
    assert got["ended"] and got["ended"][0].summary is summary
    assert got["ess"], "the customer was scored"
    last = got["ess"][-1]
    assert app.badge.badge_state == last.badge and app.badge.score.text() == f"{last.rolling:.1f}"
    assert [c.id for c in app.toasts.shown_cues] == [c.id for c in got["cue"]] == [c.id for c in summary.cues]
    lines = app.transcript.view.lines()
    assert [(line.start, line.text) for line in lines] == sorted((u.start, u.text) for u in got["utt"] if u.text)
    assert any("discount" in line.text.lower() for line in lines)

    assert re.fullmatch(r"\d{8}-\d{6}-[0-9a-f]{4}", summary.call_id)
    window = app.summary_windows[-1]
    assert window.data["ess"] == summary.to_dict()["ess"]
    played = []
    monkeypatch.setattr("salesmind_desktop.ui.playback.Player.play",
                        lambda self, path, start, seconds=20.0: played.append((path, start)))
    window.show_time(10.0)  # a replayed file can be listened to from any key moment
    assert played == [(str(DEMO.resolve()), 9.0)]
    assert len(window.transcript.lines()) == len([u for u in summary.utterances if u.text])
    from salesmind_desktop.store.local import LocalStore

    with LocalStore() as store:
        assert store.summary(summary.call_id)["ess"]["overall"] == summary.ess.overall
    # a second call reuses the loaded speech and VAD models
    app.toasts.clear()
    progress.clear()
    assert app.controller.request_start()
    qtbot.waitUntil(lambda: app.controller.state == "listening", timeout=30_000)
    app.controller.stop()
    qtbot.waitUntil(lambda: app.controller.state == "idle", timeout=60_000)
    assert errors == [] and "Loading voice detection…" not in progress
