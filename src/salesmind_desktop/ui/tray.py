"""Tray icon with the call status and the app menu (start/stop, badge, transcript, history, settings)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from salesmind_desktop import paths

STATUS_TEXT = {"idle": "not listening", "loading": "loading models", "listening": "listening",
               "stopping": "finishing the call"}


def icon(name: str) -> QIcon:
    return QIcon(str(paths.assets_dir() / "icons" / f"{name}.svg"))


class Tray(QObject):
    toggle_call = Signal()
    show_badge = Signal()
    toggle_transcript = Signal()
    pick_customer = Signal()
    show_history = Signal()
    show_settings = Signal()
    quit = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.menu = QMenu()
        self.call_action = self._action("Start listening", self.toggle_call)
        self.menu.addSeparator()
        self._action("Show badge", self.show_badge)
        self._action("Live transcript", self.toggle_transcript)
        self._action("Customer for the next call…", self.pick_customer)
        self._action("Call history…", self.show_history)
        self._action("Settings…", self.show_settings)
        self.menu.addSeparator()
        self._action("Quit SalesMind", self.quit)
        self.icon = QSystemTrayIcon(icon("tray-idle"))
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        self.state, self.badge, self.sync_text = "idle", None, ""
        self._refresh()

    def _action(self, text: str, signal) -> QAction:
        action = QAction(text, self.menu)
        action.triggered.connect(signal.emit)
        self.menu.addAction(action)
        return action

    def show(self) -> bool:
        """Show the icon where the desktop has a tray; False otherwise (the badge menu remains)."""
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.icon.show()
            return True
        return False

    def set_call_state(self, state: str) -> None:
        self.state = state
        if state == "idle":
            self.badge = None
        self._refresh()

    def set_badge(self, badge: str) -> None:
        self.badge = badge
        self._refresh()

    def set_sync(self, text: str) -> None:
        self.sync_text = text
        self._refresh()

    def tooltip(self) -> str:
        text = f"SalesMind — {STATUS_TEXT.get(self.state, self.state)}"
        text += f", customer {self.badge}" if self.badge and self.state == "listening" else ""
        return text + (f"\nCRM {self.sync_text}" if self.sync_text else "")

    def _refresh(self) -> None:
        active = self.state in ("loading", "listening")
        self.call_action.setText("Stop listening" if active else "Start listening")
        name = f"tray-{self.badge}" if self.badge and self.state == "listening" else \
            "tray-listening" if active else "tray-idle"
        self.icon_name = name
        self.icon.setIcon(icon(name))
        self.icon.setToolTip(self.tooltip())

    def _activated(self, reason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.show_badge.emit()
