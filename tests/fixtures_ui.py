"""Fixtures for the UI tests: scripted calls driven through the real `CallInsight`.

`InsightPipeline` stands in for `CallPipeline` *only* in what it feeds the insight (scripted
utterances instead of audio → ASR → emotion); the badge states, cues, throttling and summary are
computed by the real core, so the UI tests check the UI against what the core decided.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest

from salesmind_desktop.events import (
    CallEnded,
    FusedEmotion,
    LevelMeter,
    ObjectionResult,
    ScoredUtterance,
    SourceStatus,
    SpeechActivity,
)

EMOTION_FOR = {True: "satisfied", False: "irritated"}


def utt(uid: int, channel: str, start: float, end: float, text: str, ess: float | None = None,
        objection: str = "none", confidence: float = 0.9) -> ScoredUtterance:
    fused = None
    if ess is not None:
        emotion = "satisfied" if ess >= 6 else "irritated" if ess < 3.5 else "neutral"
        sentiment = "positive" if ess >= 6 else "negative" if ess < 4.5 else "neutral"
        fused = FusedEmotion(emotion, {emotion: 1.0}, sentiment, (ess - 5) / 5, ess, confidence,
                             why=f"{sentiment} words")
    return ScoredUtterance(uid, channel, start, end, text, (), 0.9, None, None,
                           ObjectionResult(objection, 0.9 if objection != "none" else 0.0,
                                           text if objection != "none" else ""), fused)


def price_call() -> list[ScoredUtterance]:
    """Positive opening with one negative sentence (must not flip the badge), then a sustained
    negative stretch after a price objection (turns the badge red and brings a cue)."""
    lines = [
        ("rep", "Hi, thanks for taking the call. How is the new dashboard working for you?", None, "none"),
        ("customer", "It has been great, the team loves it and reports are much faster.", 8.0, "none"),
        ("rep", "Glad to hear it. Anything that bothers you?", None, "none"),
        ("customer", "The export button was annoying once.", 3.0, "none"),
        ("customer", "But honestly everything else works really well for us.", 8.0, "none"),
        ("rep", "The renewal for next year is twelve thousand dollars.", None, "none"),
        ("customer", "Twelve thousand? That is way too expensive, we cannot pay that.", 1.5, "price"),
        ("customer", "Honestly this is ridiculous, the price went up again without warning.", 1.2, "price"),
        ("customer", "I am really frustrated, our budget is already cut this year.", 1.5, "none"),
        ("customer", "I do not see why we should keep paying more for the same thing.", 1.8, "price"),
        ("rep", "I understand. Let me look at what we can do.", None, "none"),
        ("customer", "Okay, I am listening, but it has to make sense for us.", 4.5, "none"),
    ]
    out, t = [], 1.0
    for i, (channel, text, ess, objection) in enumerate(lines, start=1):
        dur = max(2.0, len(text.split()) * 0.38)
        out.append(utt(i, channel, t, t + dur, text, ess, objection))
        t += dur + 0.8
    return out


class StopSource:
    """What the controller stops: a flag the scripted pipeline checks."""

    def __init__(self) -> None:
        self.stopped = threading.Event()

    def stop(self) -> None:
        self.stopped.set()


class InsightPipeline:
    """Replays scripted utterances through the real CallInsight, in audio-time order."""

    def __init__(self, script: list[ScoredUtterance], settings=None, pace: float = 0.0,
                 call_id: str = "ui-test-call", tail_s: float = 3.0, context=None) -> None:
        from salesmind_desktop.insight.call import CallInsight
        from salesmind_desktop.settings import CoachingSettings

        self.script, self.pace, self.call_id, self.tail_s = script, pace, call_id, tail_s
        self.insight = CallInsight(settings or CoachingSettings(), context=context)
        self._lock = threading.Lock()
        self.events: list[object] = []
        self.feedback_calls: list[tuple[int, str, float]] = []

    def feedback(self, cue_id: int, action: str, t: float) -> None:
        with self._lock:
            self.feedback_calls.append((cue_id, action, t))
            self.insight.feedback(cue_id, action, t)

    def _emit(self, listener, events) -> None:
        for e in events:
            self.events.append(e)
            listener(e)

    def run(self, source: StopSource, listener):
        self._emit(listener, [SourceStatus("running", "scripted call")])
        t = 0.0
        for u in sorted(self.script, key=lambda u: u.end):
            if source.stopped.is_set():
                break
            while t + 0.5 < u.end:  # audio time passes in blocks, as in the real pipeline
                t += 0.5
                with self._lock:
                    self._emit(listener, [LevelMeter(t, -60.0, -60.0, False, False)] + self.insight.advance(t))
                if self.pace:
                    time.sleep(0.5 / self.pace)
            with self._lock:
                self._emit(listener, [SpeechActivity(u.channel, u.start, u.end), u]
                           + self.insight.on_activity(SpeechActivity(u.channel, u.start, u.end))
                           + self.insight.on_utterance(u))
        end = (self.script[-1].end if self.script else 0.0) + self.tail_s
        if source.stopped.is_set():
            end = t
        while t < end and not source.stopped.is_set():
            t += 0.5
            with self._lock:
                self._emit(listener, self.insight.advance(t))
        with self._lock:
            summary = self.insight.finish(self.call_id, end)
        self._emit(listener, [SourceStatus("ended", "end of script", t=end), CallEnded(end, summary)])
        return summary


def scripted_factory(pipeline: InsightPipeline):
    def factory(progress):
        progress("Loading scripted call…")
        return pipeline, StopSource()

    return factory


@pytest.fixture
def desktop(qtbot):
    """A DesktopApp with no consent prompt and settings saved to the isolated home."""
    from salesmind_desktop import settings as settings_mod
    from salesmind_desktop.ui.desktop import DesktopApp

    created = []

    def make(factory=None, consent=lambda: True, settings=None, crm=(None, None)):
        app = DesktopApp(settings or settings_mod.load(), session_factory=factory, consent=consent, crm=crm)
        qtbot.addWidget(app.badge)
        qtbot.addWidget(app.transcript)
        created.append(app)
        return app

    yield make
    for app in created:
        app.shutdown()
        for w in list(app.summary_windows):
            w.close()
        app.toasts.clear()
    created.clear()
    import gc

    gc.collect()  # this test's Qt garbage goes now, on the GUI thread, not in a later test's worker


@pytest.fixture(scope="session")
def xvfb_display():
    """A private Xvfb server (a real X11 display) for tests that need real window-manager-free X."""
    if not shutil.which("Xvfb"):
        pytest.fail("Xvfb is required for the UI tests: run scripts/setup.sh (apt-get install xvfb)")
    for n in range(120, 160):
        if Path(f"/tmp/.X11-unix/X{n}").exists() or Path(f"/tmp/.X{n}-lock").exists():
            continue
        proc = subprocess.Popen(["Xvfb", f":{n}", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            if Path(f"/tmp/.X11-unix/X{n}").exists():
                break
            time.sleep(0.05)
        if proc.poll() is None and Path(f"/tmp/.X11-unix/X{n}").exists():
            yield f":{n}"
            proc.terminate()
            proc.wait(5)
            return
        proc.kill()
    pytest.fail("could not start Xvfb")
