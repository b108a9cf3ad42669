"""The desktop app's wiring: bridge → widgets, widgets → controller. No analysis here.

`DesktopApp` owns the badge, toasts, live transcript, tray, and opens the summary, history and
settings windows. Everything it shows arrives as a core event through `EventBridge`; everything
the rep does goes back through `CallController`.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QMessageBox

from salesmind_desktop import settings as settings_mod
from salesmind_desktop.errors import SalesMindError
from salesmind_desktop.ui.archive import JsonArchive, StoreArchive
from salesmind_desktop.ui.badge import Badge
from salesmind_desktop.ui.bridge import EventBridge
from salesmind_desktop.ui.consent import consent_gate
from salesmind_desktop.ui.controller import LOADING, CallController, SessionFactory
from salesmind_desktop.ui.toast import TOAST_WIDTH, ToastStack
from salesmind_desktop.ui.transcript import TranscriptPanel
from salesmind_desktop.ui.tray import Tray

log = logging.getLogger(__name__)
HOTKEY = "Ctrl+Shift+L"
PROBLEM_STATES = ("paused", "overflow", "muted", "error")
CANCELLED_BELOW_S = 5.0  # a call this short in which nobody was transcribed is not kept
AUTOSTART_BACKOFF_MS = 120_000  # after a declined consent, auto-start waits this long


def crm_hooks(settings) -> tuple[Any, Any]:
    """(preview, approve) from `salesmind_desktop.crm.ui_hooks(settings)` when the CRM provides it."""
    try:
        crm = importlib.import_module("salesmind_desktop.crm")
        hooks = getattr(crm, "ui_hooks", None)
        return hooks(settings) if hooks is not None else (None, None)
    except SalesMindError as exc:
        log.warning("CRM sync unavailable: %s", exc)
    except ImportError as exc:
        log.warning("CRM sync unavailable: %s", exc)
    return None, None


class DesktopApp(QObject):
    def __init__(self, settings, session_factory: SessionFactory | None = None, consent=None,
                 archive=None, crm=None, save_settings: bool = True, monitor_source=None) -> None:
        super().__init__()
        from salesmind_desktop.ui.gc_guard import MainThreadGc

        self.gc_guard = MainThreadGc(self)  # Qt garbage must never be collected on a call thread
        self.gc_guard.start()
        self.settings = settings
        self._save_settings = save_settings
        self.archive = archive if archive is not None else StoreArchive(settings)
        self._crm = crm
        self.bridge = EventBridge(self)
        self.badge = Badge()
        self.controller = CallController(self.bridge.listener,
                                         consent if consent is not None else consent_gate(settings.privacy, None),
                                         self)
        self.customer = ""  # phone / email / CRM id picked for the next call
        if session_factory is None:
            from salesmind_desktop.ui.sessions import live_session

            session_factory = live_session(settings, customer=lambda: self.customer)
        self.controller.default_factory = session_factory
        self.toasts = ToastStack(self.badge, timeout_ms=max(0, settings.ui.toast_seconds) * 1000)
        self.transcript = TranscriptPanel()
        self.tray = Tray(self)
        self.summary_windows: list[Any] = []
        self.history_window = None
        self.settings_dialog = None
        self.last_error: tuple[str, str] | None = None
        self.sync = None  # background CRM sync worker (attach_sync)
        self._monitor_source = monitor_source  # live source factory for automatic start
        self.autostart = None
        self._closing = False
        self._wire()
        self.badge.place(settings.ui.badge_x, settings.ui.badge_y)
        self.badge.set_menu(self.tray.menu)
        self.shortcut = QShortcut(QKeySequence(settings.ui.hotkey or HOTKEY), self.badge)
        self.shortcut.setContext(Qt.ShortcutContext.ApplicationShortcut)
        self.badge.hotkey = self.shortcut.key().toString()
        self.badge.set_call_state("idle")
        self.shortcut.activated.connect(self.controller.toggle)

    def _wire(self) -> None:
        b, c = self.bridge, self.controller
        b.ess.connect(self.badge.on_ess)
        b.ess.connect(lambda u: self.tray.set_badge(u.badge))
        b.cue.connect(self.toasts.show_cue)
        b.utterance.connect(self.transcript.on_utterance)
        b.audio_time.connect(self.badge.set_time)
        b.level.connect(self.badge.on_level)
        b.source_status.connect(self._on_source_status)
        self.toasts.feedback.connect(c.feedback)
        c.state_changed.connect(self._on_state)
        c.progress.connect(self._on_progress)
        c.error.connect(self._on_error)
        c.summary_ready.connect(self.on_summary)
        self.badge.toggle_call.connect(c.toggle)
        self.badge.toggle_transcript.connect(self.toggle_transcript)
        self.badge.moved.connect(self._remember_position)
        self.badge.moved.connect(lambda _pos: self.toasts.relayout())
        self.tray.toggle_call.connect(c.toggle)
        self.tray.show_badge.connect(self.badge.show)
        self.tray.toggle_transcript.connect(self.toggle_transcript)
        self.tray.pick_customer.connect(self.pick_customer)
        self.tray.show_history.connect(self.show_history)
        self.tray.show_settings.connect(self.show_settings)
        self.tray.quit.connect(self.quit)

    def show(self) -> None:
        self.badge.show()
        self.tray.show()
        if self.settings.ui.show_transcript:
            self.toggle_transcript(True)
        self._rearm()

    # ----------------------------------------------------------------------- auto-start

    def _rearm(self) -> None:
        """Arm automatic start while idle and the setting is on; disarm otherwise."""
        wanted = self.settings.ui.auto_start and not self.controller.is_active() and not self._closing
        if wanted and self.autostart is None:
            from salesmind_desktop.ui.autostart import AutoStartMonitor

            source = self._monitor_source
            if source is None:
                from salesmind_desktop.ui.sessions import live_source_factory

                source = live_source_factory(self.settings)
            self.autostart = AutoStartMonitor(source, self)
            self.autostart.triggered.connect(self._on_autostart)
            self.autostart.failed.connect(self._on_error)
        if self.autostart is None:
            return
        if wanted:
            self.autostart.arm()
            self.badge.set_status_text("Waiting for a call…")
        else:
            self.autostart.disarm()

    def _on_autostart(self) -> None:
        if self._closing:
            return
        self.controller.request_start()
        if not self.controller.is_active():  # consent declined: don't ask again during this call
            from PySide6.QtCore import QTimer

            self.badge.set_status_text("Not recording this call")
            QTimer.singleShot(AUTOSTART_BACKOFF_MS, self._rearm)

    # ------------------------------------------------------------------------- handlers

    def _on_state(self, state: str) -> None:
        if state == LOADING:  # a new call starts with a clean slate
            if self.autostart is not None:
                self.autostart.disarm()  # release the devices before the call opens them
            self.bridge.reset()
            self.badge.reset()
            self.toasts.clear()
            self.transcript.clear()
        self.badge.set_call_state(state)
        self.tray.set_call_state(state)
        if state == "idle":
            self._rearm()

    def _on_progress(self, text: str) -> None:
        if text.startswith("Customer: "):
            self.badge.set_context(text)
        if self.controller.state in (LOADING, "stopping"):
            self.badge.set_status_text(text)
        self.badge.status.setToolTip(text)

    def _on_source_status(self, status) -> None:
        if status.state in PROBLEM_STATES:
            self.badge.set_status_text(f"⚠ {status.message}")
            if self.tray.icon.isVisible():
                self.tray.icon.showMessage("SalesMind", status.message)
        elif status.state in ("running", "recovered") and self.controller.state == "listening":
            self.badge.set_call_state("listening")

    def _on_error(self, message: str, fix: str) -> None:
        self.last_error = (message, fix)
        box = QMessageBox(QMessageBox.Icon.Warning, "SalesMind — problem", message,
                          QMessageBox.StandardButton.Ok)
        box.setInformativeText(f"Fix: {fix}" if fix else "")
        box.setModal(False)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.show()  # never exec(): the GUI must keep running

    def on_summary(self, summary: Any) -> None:
        """A call ended: keep the summary, then open its window."""
        from salesmind_desktop.ui.summary_model import summary_dict

        data = dict(summary_dict(summary))
        if not data.get("utterances") and float(data.get("duration_s") or 0) < CANCELLED_BELOW_S:
            self.badge.set_status_text("Call cancelled")  # stopped at once: nothing was heard
            return
        if self.controller.last_audio_path and not data.get("audio_path"):
            data["audio_path"] = self.controller.last_audio_path
        if not data.get("customer_id") and self.customer:
            data["customer_id"] = self.customer
        if not data.get("started_at") and self.controller.started_at:
            data["started_at"] = self.controller.started_at
        self.save_call(data)
        self.open_summary(data)

    def save_call(self, data: dict) -> None:
        """Keep the call in the store; if that fails, keep a JSON copy so nothing is lost."""
        try:
            self.archive.save(data)
        except (SalesMindError, OSError) as exc:
            message = exc.message if isinstance(exc, SalesMindError) else str(exc)
            try:
                backup = JsonArchive().save(data)
                fix = f"a copy was saved to {backup}; {getattr(exc, 'fix', '') or 'check free disk space'}"
            except OSError as backup_exc:
                fix = f"no copy could be written either ({backup_exc}); export it from the summary window"
            self._on_error(f"could not keep the call in the local store: {message}", fix)
        if self.sync is not None:
            self.sync.kick()

    def open_summary(self, summary: Any):
        from salesmind_desktop.ui.summary_window import SummaryWindow

        preview, approve = self._crm if self._crm is not None else crm_hooks(self.settings)
        c = self.settings.coaching
        window = SummaryWindow(summary, preview, approve, thresholds=(c.amber_below, c.red_below))
        window.saved.connect(self.save_call)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.destroyed.connect(lambda *_: self.summary_windows.remove(window)
                                 if window in self.summary_windows else None)
        self.summary_windows.append(window)
        window.show()
        return window

    def attach_sync(self, worker) -> None:
        """Show the background CRM sync's status (worker thread → GUI thread via the bridge)."""
        self.sync = worker
        self.bridge.sync_status.connect(self._on_sync_status)
        worker.on_status = self.bridge.sync_status.emit

    def _on_sync_status(self, status) -> None:
        self.tray.set_sync(status.describe() if status.state != "not_configured" else "")
        if status.state == "error" and status.last_error and self.tray.icon.isVisible():
            self.tray.icon.showMessage("SalesMind — CRM sync", status.last_error)

    def pick_customer(self) -> None:
        """Who is the next call with? Their CRM history tunes the coaching (fetched at start)."""
        from PySide6.QtWidgets import QInputDialog

        text, ok = QInputDialog.getText(None, "SalesMind — customer for the next call",
                                        "Phone, email or CRM id (empty = unknown):", text=self.customer)
        if ok:
            self.customer = text.strip()
            self.badge.set_context(f"Customer: {self.customer}" if self.customer else "")

    def toggle_transcript(self, visible: bool | None = None) -> None:
        visible = (not self.transcript.isVisible()) if visible is None else visible
        if visible:
            geo = self.badge.frameGeometry()  # left of the badge and the toasts stacked under it
            x = min(geo.left(), geo.right() - TOAST_WIDTH) - self.transcript.width() - 8
            self.transcript.move(QPoint(x, geo.top()) if x >= 0 else QPoint(geo.left(), geo.bottom() + 240))
            self.transcript.show()
        else:
            self.transcript.hide()
        self._set_ui("ui.show_transcript", visible)

    def show_history(self) -> None:
        from salesmind_desktop.ui.history import HistoryWindow

        if self.history_window is None:
            self.history_window = HistoryWindow(self.archive)
            self.history_window.open_summary.connect(self.open_summary)
        self.history_window.refresh()
        self.history_window.show()
        self.history_window.raise_()

    def show_settings(self) -> None:
        from salesmind_desktop.ui.settings_dialog import SettingsDialog

        self.settings_dialog = SettingsDialog(self.settings)
        self.settings_dialog.accepted.connect(self.apply_settings)
        self.settings_dialog.open()

    def apply_settings(self) -> None:
        """Settings the rep just saved take effect now, not at the next start: the start/stop
        hotkey, how long pop-ups stay, and automatic start. (Audio, model and coaching settings
        apply from the next call, which builds its pipeline from them.)"""
        ui = self.settings.ui
        key = QKeySequence(ui.hotkey or HOTKEY)
        if key.isEmpty():  # unreadable text: keep the default rather than no hotkey at all
            key = QKeySequence(HOTKEY)
        self.shortcut.setKey(key)
        self.badge.hotkey = key.toString()
        self.badge.set_call_state(self.controller.state)  # the button's tooltip names the hotkey
        self.toasts.set_timeout(max(0, ui.toast_seconds) * 1000)
        self._rearm()

    def _remember_position(self, pos: QPoint) -> None:
        self._set_ui("ui.badge_x", pos.x())
        self._set_ui("ui.badge_y", pos.y())

    def _set_ui(self, key: str, value: Any) -> None:
        if key in self.settings.locked or self.settings.get(key) == value:
            return
        self.settings.set(key, value)
        if self._save_settings:
            try:
                settings_mod.save(self.settings)
            except (OSError, SalesMindError) as exc:
                log.warning("could not save window settings: %s", exc)

    def quit(self) -> None:
        self.shutdown()
        QApplication.quit()

    def shutdown(self) -> None:
        """Stop everything this app started: the call (kept), auto-start, background sync."""
        self._closing = True
        if self.controller.is_active():
            self.controller.stop()
            self.controller.wait(15_000)
        self.gc_guard.stop()
        if self.sync is not None:
            self.sync.stop()
        if self.autostart is not None:
            self.autostart.disarm()
