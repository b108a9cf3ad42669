"""Automatic start when both channels carry speech (setting ui.auto_start)."""

from __future__ import annotations

import pytest

from fixtures_ui import InsightPipeline, desktop, price_call, scripted_factory  # noqa: F401
from salesmind_desktop import settings as settings_mod
from salesmind_desktop.events import LevelMeter
from salesmind_desktop.ui.autostart import BothSidesDetector

pytestmark = pytest.mark.gui
ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]


def levels(pattern):
    return [LevelMeter(i * 0.1, -20, -20, rep, cust) for i, (rep, cust) in enumerate(pattern)]


def test_detector_needs_both_sides_within_the_window():
    one_sided = BothSidesDetector(need_s=1.0, window_s=8.0)
    assert not any(one_sided.feed(m) for m in levels([(True, False)] * 200))  # the rep alone: no call
    both = BothSidesDetector(need_s=1.0, window_s=8.0)
    fired = [both.feed(m) for m in levels([(True, False)] * 15 + [(False, True)] * 15)]
    assert fired.index(True) == 24  # 1 s (10 meters) of customer speech after the rep's
    stale = BothSidesDetector(need_s=1.0, window_s=3.0)
    pattern = [(True, False)] * 15 + [(False, False)] * 40 + [(False, True)] * 15
    assert not any(stale.feed(m) for m in levels(pattern))  # the rep spoke too long ago


def test_auto_start_fires_on_a_real_two_sided_recording(qtbot, desktop):
    from salesmind_desktop.audio.sources import StereoFileSource

    settings = settings_mod.load()
    settings.ui.auto_start = True
    opened = []

    def monitor_source():
        source = StereoFileSource(ROOT / "assets" / "examples" / "demo_call.wav", realtime=False)
        opened.append(source)
        return source

    consent = []
    pipeline = InsightPipeline(price_call())
    app = desktop(scripted_factory(pipeline), consent=lambda: consent.append(1) or True, settings=settings)
    app._monitor_source = monitor_source
    with qtbot.waitSignal(app.controller.summary_ready, timeout=20_000):
        app.show()
        assert app.autostart is not None and app.autostart.armed()
    assert consent == [1] and len(opened) >= 1  # consent was asked before the call started
    qtbot.waitUntil(lambda: app.controller.state == "idle")
    qtbot.waitUntil(lambda: len(opened) == 2)  # re-armed for the next call
    app.autostart.disarm()
    assert not app.autostart.armed()


def test_auto_start_off_opens_no_device(qtbot, desktop):
    opened = []
    app = desktop()
    app._monitor_source = lambda: opened.append(1)
    app.show()
    qtbot.wait(100)
    assert app.autostart is None and opened == []


def test_declined_consent_does_not_ask_again_at_once(qtbot, desktop, monkeypatch):
    from salesmind_desktop.audio.sources import StereoFileSource
    from salesmind_desktop.ui import desktop as desktop_mod

    monkeypatch.setattr(desktop_mod, "AUTOSTART_BACKOFF_MS", 400)
    settings = settings_mod.load()
    settings.ui.auto_start = True
    asked = []
    app = desktop(scripted_factory(InsightPipeline(price_call())), consent=lambda: asked.append(1) and False,
                  settings=settings)
    app._monitor_source = lambda: StereoFileSource(ROOT / "assets" / "examples" / "demo_call.wav")
    app.show()
    qtbot.waitUntil(lambda: len(asked) == 1, timeout=10_000)
    qtbot.wait(200)
    assert len(asked) == 1 and app.controller.state == "idle"
    assert app.badge.status.text() == "Not recording this call"
    qtbot.waitUntil(lambda: len(asked) == 2, timeout=10_000)  # asks again after the back-off
