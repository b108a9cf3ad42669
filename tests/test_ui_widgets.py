"""Widget behaviour under Qt offscreen: bridge threading, badge, focus, position, toasts, tray,
transcript panel, settings dialog, consent."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QPoint, Qt, QThread
from PySide6.QtWidgets import QApplication, QDialog

from fixtures_ui import desktop, xvfb_display  # noqa: F401
from salesmind_desktop import settings as settings_mod
from salesmind_desktop.events import Cue, EssUpdate, LevelMeter, SourceStatus
from salesmind_desktop.ui.badge import Badge
from salesmind_desktop.ui.bridge import EventBridge
from salesmind_desktop.ui.style import BADGE_COLORS

pytestmark = pytest.mark.gui

CUE = Cue(t=31.0, type="objection_price", text="Price objection: sell value before any discount.",
          reason="customer raised a price objection at 00:27", suggestion="Ask what they compare it with.",
          evidence=("00:27 “Is there a discount?”",), id=7)


def test_bridge_delivers_worker_thread_events_on_the_gui_thread(qtbot):
    bridge = EventBridge(level_interval_s=10.0)
    got = []
    bridge.ess.connect(lambda e: got.append(("ess", e, QThread.currentThread())))
    bridge.cue.connect(lambda e: got.append(("cue", e, QThread.currentThread())))
    bridge.level.connect(lambda e: got.append(("level", e, QThread.currentThread())))
    update = EssUpdate(3.0, 6.5, 7.0, "green", "positive words")

    def worker():
        bridge.listener(update)
        bridge.listener(CUE)
        for i in range(50):  # level meters every block: throttled to one per interval
            bridge.listener(LevelMeter(3.0 + i * 0.03, -20, -30, True, False))

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: len(got) >= 3)
    qtbot.wait(50)
    gui = QApplication.instance().thread()
    assert [g[0] for g in got] == ["ess", "cue", "level"]
    assert all(g[2] is gui for g in got)
    assert got[0][1] is update and got[1][1] is CUE


def test_badge_shows_core_state_colour_and_why(qtbot):
    badge = Badge()
    qtbot.addWidget(badge)
    assert badge.color() == BADGE_COLORS["idle"] and badge.score.text() == "–"
    for state in ("green", "amber", "red", "green"):
        badge.on_ess(EssUpdate(10.0, 5.0, 5.0, state, f"why {state}"))
        assert badge.color() == BADGE_COLORS[state]
        assert badge.score.property("state") == state
        assert f"why {state}" in badge.toolTip()
    badge.on_ess(EssUpdate(12.0, 2.0, 1.0, "green", "still green: not sustained yet"))
    assert badge.color() == BADGE_COLORS["green"]  # shows the core's hysteresis, not its own
    assert badge.score.text() == "2.0"
    badge.set_time(125.0)
    assert badge.clock.text() == "02:05"
    badge.on_level(LevelMeter(125.0, -20, -25, False, True))
    assert badge.status.text() == "Not listening"  # levels only matter during a call
    badge.set_call_state("listening")
    badge.on_level(LevelMeter(125.1, -20, -25, False, True))
    assert badge.status.text() == "Listening · customer"
    badge.on_level(LevelMeter(125.2, -20, -25, True, True))
    assert badge.status.text() == "Listening · rep + customer"


FOCUS_SCRIPT = r"""
import json
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit
from salesmind_desktop import settings
from salesmind_desktop.events import Cue, EssUpdate
from salesmind_desktop.ui.desktop import DesktopApp

app = QApplication([])
def settle():
    for _ in range(30):
        app.processEvents()
        QTest.qWait(10)
editor = QLineEdit(); editor.setWindowTitle("softphone"); editor.show(); editor.activateWindow(); editor.setFocus()
settle()
before = QApplication.focusWidget() is editor
desk = DesktopApp(settings.load(), consent=lambda: True, crm=(None, None), save_settings=False)
desk.show(); desk.toggle_transcript(True)
desk.bridge.ess.emit(EssUpdate(3.0, 2.0, 1.5, "red", "negative"))
toast = desk.toasts.show_cue(Cue(t=3.0, type="negative_trend", text="Mood is dropping", reason="r", id=1))
settle()
QTest.keyClicks(QApplication.focusWidget() or editor, "hello")
print(json.dumps({"before": before, "focus_is_editor": QApplication.focusWidget() is editor,
                  "active_is_editor": QApplication.activeWindow() is editor, "text": editor.text(),
                  "toast_visible": toast.isVisible(), "badge_visible": desk.badge.isVisible()}))
"""


def test_badge_toast_and_transcript_never_take_keyboard_focus(qtbot, desktop, xvfb_display):
    """On a real X server (Xvfb): the rep keeps typing in the softphone while they pop up.
    (Qt's offscreen plugin activates every window it shows, so this runs under xcb.)"""
    import json
    import os
    import subprocess
    import sys

    env = {**os.environ, "DISPLAY": xvfb_display, "QT_QPA_PLATFORM": "xcb"}
    out = subprocess.run([sys.executable, "-c", FOCUS_SCRIPT], env=env, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result == {"before": True, "focus_is_editor": True, "active_is_editor": True, "text": "hello",
                      "toast_visible": True, "badge_visible": True}
    app = desktop()  # and the windows ask for exactly that
    toast = app.toasts.show_cue(CUE)
    for window in (app.badge, toast, app.transcript):
        assert window.windowFlags() & Qt.WindowType.WindowDoesNotAcceptFocus
        assert window.testAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        assert window.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    assert all(b.focusPolicy() == Qt.FocusPolicy.NoFocus for b in toast.buttons.values())


def test_badge_position_is_remembered_across_restarts(qtbot, desktop):
    app = desktop()
    app.show()
    start = app.badge.pos()
    qtbot.mousePress(app.badge, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    app.badge.mouseMoveEvent(_move_event(app.badge, QPoint(5, 5) + QPoint(-120, 40)))
    qtbot.mouseRelease(app.badge, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    moved = app.badge.pos()
    assert moved == start + QPoint(-120, 40)
    saved = settings_mod.load()
    assert (saved.ui.badge_x, saved.ui.badge_y) == (moved.x(), moved.y())
    again = desktop(settings=saved)
    again.show()
    assert again.badge.pos() == moved


def _move_event(widget, local: QPoint):
    from PySide6.QtCore import QEvent, QPointF
    from PySide6.QtGui import QMouseEvent

    global_pos = QPointF(widget.mapToGlobal(local))
    return QMouseEvent(QEvent.Type.MouseMove, QPointF(local), global_pos, Qt.MouseButton.NoButton,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)


def test_transcript_panel_is_collapsed_by_default_and_toggles(qtbot, desktop):
    app = desktop()
    app.show()
    assert not app.transcript.isVisible()
    qtbot.mouseClick(app.badge.transcript_button, Qt.MouseButton.LeftButton)
    assert app.transcript.isVisible() and settings_mod.load().ui.show_transcript is True
    app.tray.menu.actions()[3].trigger()  # "Live transcript"
    assert not app.transcript.isVisible() and settings_mod.load().ui.show_transcript is False


def test_toast_buttons_send_feedback_and_close(qtbot, desktop):
    app = desktop()
    sent = []
    app.toasts.feedback.connect(lambda *a: sent.append(a))
    for action in ("helpful", "snooze", "dismissed"):
        toast = app.toasts.show_cue(CUE)
        assert "Price objection" in toast.findChild(type(app.badge.status), "title").text()
        assert "Why: customer raised" in toast.findChild(type(app.badge.status), "reason").text()
        assert "Ask what they compare" in toast.suggestion.text()
        qtbot.mouseClick(toast.buttons[action], Qt.MouseButton.LeftButton)
        assert toast not in app.toasts.toasts()
    assert sent == [(7, "helpful", 31.0), (7, "snooze", 31.0), (7, "dismissed", 31.0)]


def test_toasts_stack_near_the_badge_and_expire_without_feedback(qtbot, desktop):
    app = desktop()
    app.show()
    app.toasts._timeout_ms = 200
    sent = []
    app.toasts.feedback.connect(lambda *a: sent.append(a))
    toasts = [app.toasts.show_cue(Cue(t=float(i), type=f"t{i}", text=f"cue {i}", reason="r", id=i)) for i in range(4)]
    visible = app.toasts.toasts()
    assert len(visible) == 3 and toasts[0] not in visible  # the oldest made room
    badge = app.badge.frameGeometry()
    for toast in visible:
        assert abs(toast.frameGeometry().right() - badge.right()) <= 1
        assert toast.frameGeometry().top() > badge.bottom()
    qtbot.waitUntil(lambda: app.toasts.toasts() == [], timeout=3000)
    assert sent == []


def test_tray_and_badge_show_call_state_and_problems(qtbot, desktop):
    app = desktop()
    app.show()
    app.controller._set_state("listening")
    assert app.tray.tooltip() == "SalesMind — listening" and app.tray.icon_name == "tray-listening"
    assert app.badge.dot.property("call") == "listening"
    app.bridge.ess.emit(EssUpdate(5.0, 2.5, 2.0, "red", "negative"))
    assert app.tray.icon_name == "tray-red" and "customer red" in app.tray.tooltip()
    app.bridge.source_status.emit(SourceStatus("paused", "microphone unplugged", "rep", 6.0))
    assert "microphone unplugged" in app.badge.status.text()
    app.controller._set_state("idle")
    assert app.tray.icon_name == "tray-idle" and app.tray.call_action.text() == "Start listening"


def test_hotkey_and_toast_time_come_from_settings(qtbot, desktop):
    settings = settings_mod.load()
    settings.ui.hotkey, settings.ui.toast_seconds = "Ctrl+Alt+S", 0
    app = desktop(settings=settings)
    assert app.shortcut.key().toString() == "Ctrl+Alt+S" and "Ctrl+Alt+S" in app.badge.call_button.toolTip()
    toast = app.toasts.show_cue(CUE)
    assert not toast._timer.isActive()  # 0 = stays until answered


def test_hotkey_toggles_the_call(qtbot, desktop):
    app = desktop()
    calls = []
    app.controller.toggle = lambda: calls.append("toggle")  # noqa: E731
    app.shortcut.activated.disconnect()
    app.shortcut.activated.connect(app.controller.toggle)
    assert app.shortcut.key().toString() == "Ctrl+Shift+L"
    assert app.shortcut.context() == Qt.ShortcutContext.ApplicationShortcut
    app.shortcut.activated.emit()
    assert calls == ["toggle"]


def test_consent_gate_uses_the_configured_script(qtbot):
    from salesmind_desktop.ui.consent import ConsentDialog, consent_gate

    privacy = settings_mod.PrivacySettings(consent_script="May I analyse this call to help you?")
    shown = []

    class Auto(ConsentDialog):
        def exec(self):
            shown.append(self.script.text())
            return QDialog.DialogCode.Accepted

    assert consent_gate(privacy, dialog_factory=Auto)() is True
    assert shown == ["“May I analyse this call to help you?”"]

    class Decline(ConsentDialog):
        def exec(self):
            return QDialog.DialogCode.Rejected

    assert consent_gate(privacy, dialog_factory=Decline)() is False
    privacy.consent_required = False
    assert consent_gate(privacy, dialog_factory=Decline)() is True


def test_settings_dialog_saves_changes_and_respects_it_locks(qtbot, tmp_path, monkeypatch):
    from salesmind_desktop.ui.settings_dialog import SettingsDialog

    policy = tmp_path / "policy.toml"
    policy.write_text('[privacy]\nkeep_audio = false\n[lock]\nkeys = ["privacy.keep_audio"]\n')
    monkeypatch.setenv("SALESMIND_POLICY_FILE", str(policy))
    settings = settings_mod.load()
    from salesmind_desktop.audio.loopback.base import DeviceInfo

    devices = [DeviceInfo("alsa_input.usb-headset", "USB headset", "mic", "pulse"),
               DeviceInfo("speakers.monitor", "Monitor of speakers", "loopback", "pulse", default=True)]
    dialog = SettingsDialog(settings, devices=lambda: devices)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle().startswith("SalesMind")
    assert not dialog.editors["privacy.keep_audio"].isEnabled()
    dialog.editors["asr.model"].setCurrentText("base")
    dialog.editors["asr.device"].setCurrentText("cpu")
    dialog.editors["coaching.amber_below"].setValue(5.0)
    dialog.editors["coaching.playbook"].setText("/etc/salesmind/playbook.toml")
    dialog.editors["privacy.consent_script"].setPlainText("Is it okay if I take notes with SalesMind?")
    mic, loopback = dialog.editors["audio.mic_device"], dialog.editors["audio.loopback_device"]
    dialog._fill_devices(mic, "mic")
    dialog._fill_devices(loopback, "loopback")
    assert [mic.itemText(i) for i in range(mic.count())] == ["", "USB headset"]
    assert [loopback.itemText(i) for i in range(loopback.count())] == ["", "Monitor of speakers (default)"]
    mic.setCurrentIndex(1)
    assert dialog.apply()
    saved = settings_mod.load()
    assert (saved.asr.model, saved.asr.device, saved.coaching.amber_below) == ("base", "cpu", 5.0)
    assert saved.coaching.playbook == "/etc/salesmind/playbook.toml"
    assert saved.privacy.consent_script == "Is it okay if I take notes with SalesMind?"
    assert saved.audio.mic_device == "alsa_input.usb-headset" and saved.audio.loopback_device == ""

    dialog.editors["coaching.max_cues_per_call"].setValue(3)
    dialog.editors["asr.beam_size"].setValue(2)
    dialog.editors["ui.auto_start"].setChecked(True)
    assert dialog.apply() and settings_mod.load().ui.auto_start is True


@pytest.mark.keyring
def test_crm_connection_goes_to_the_keychain_not_the_settings_file(qtbot, monkeypatch):
    from salesmind_desktop import secrets
    from salesmind_desktop.ui.settings_dialog import SettingsDialog

    monkeypatch.delenv(secrets.ENV_URI, raising=False)
    dialog = SettingsDialog(settings_mod.load(), devices=lambda: [])
    qtbot.addWidget(dialog)
    dialog.crm_secret.setText("not a uri")
    assert not dialog.apply() and "MongoDB URI" in dialog.status.text()
    uri = "mongodb://rep:s3cret-pw@127.0.0.1:27017/?tls=false"
    dialog.crm_secret.setText(uri)
    try:
        assert dialog.apply(), dialog.status.text()
        assert secrets.load_crm_uri() == uri and dialog.crm_secret.text() == ""
        assert "s3cret-pw" not in settings_mod.user_settings_file().read_text()
    finally:
        secrets.forget_crm_uri()


def test_saved_hotkey_and_popup_time_apply_without_a_restart(qtbot, desktop):
    from PySide6.QtGui import QKeySequence

    app = desktop()
    app.show_settings()
    dialog = app.settings_dialog
    app.settings.set("ui.hotkey", "Ctrl+Alt+K")
    app.settings.set("ui.toast_seconds", 7)
    dialog.accepted.emit()  # what the dialog's Save does after writing the settings
    assert app.shortcut.key() == QKeySequence("Ctrl+Alt+K")
    assert "Ctrl+Alt+K" in app.badge.call_button.toolTip()
    assert app.toasts._timeout_ms == 7000
    app.settings.set("ui.hotkey", "not a key +++")
    app.apply_settings()
    assert not app.shortcut.key().isEmpty()  # never left without a hotkey
    dialog.reject()


def test_cyclic_garbage_is_collected_on_the_gui_thread_only(qtbot):
    import gc
    import weakref

    from salesmind_desktop.ui.gc_guard import MainThreadGc

    class Node:
        pass

    guard = MainThreadGc(interval_ms=20)
    guard.start()
    try:
        assert not gc.isenabled()  # no thread (a call's ASR thread included) starts a collection
        a, b = Node(), Node()
        a.other, b.other = b, a  # a cycle only the collector can free
        alive = weakref.ref(a)
        del a, b
        junk = [[i] for i in range(gc.get_threshold()[0] * 2)]  # past the generation-0 threshold
        qtbot.waitUntil(lambda: guard.collections > 0, timeout=5_000)
        del junk
        assert alive() is None
    finally:
        guard.stop()
    assert gc.isenabled()
