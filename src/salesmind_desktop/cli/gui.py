"""`salesmind-desktop` with no arguments: start the desktop app (badge, tray, live coaching)."""

from __future__ import annotations

import argparse
import sys


def has_display() -> bool:
    """False on a Linux box without X11/Wayland (Qt would abort there without a clear message)."""
    import os

    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def make_qt_app(argv: list[str] | None = None):
    """The QApplication (created once), named and iconed for SalesMind."""
    from PySide6.QtWidgets import QApplication

    from salesmind_desktop.ui.tray import icon

    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("SalesMind")
    app.setApplicationDisplayName("SalesMind")
    app.setQuitOnLastWindowClosed(False)  # closing a summary window must not end the app
    app.setWindowIcon(icon("salesmind"))
    return app


def run(args: argparse.Namespace | None = None, session_factory=None, start: bool = False,
        consent=None) -> int:
    """Start the app; `start=True` starts a call at once (after consent, unless `consent` says)."""
    from salesmind_desktop import settings as settings_mod
    from salesmind_desktop.errors import SalesMindError

    if not has_display():
        print("error: no graphical display is available for the desktop app", file=sys.stderr)
        print("fix: start it from your desktop session; on a headless machine use "
              "`salesmind-desktop listen` or `salesmind-desktop analyze CALL.wav`", file=sys.stderr)
        return 1
    qt_app = make_qt_app()
    try:
        settings = settings_mod.load()
    except SalesMindError as exc:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(None, "SalesMind — settings problem", f"{exc.message}\n\nFix: {exc.fix}")
        return exc.exit_code
    from salesmind_desktop.ui.desktop import DesktopApp

    desktop = DesktopApp(settings, session_factory=session_factory, consent=consent)
    desktop.show()
    try:
        from salesmind_desktop.crm.connection import start_background_sync

        desktop.attach_sync(start_background_sync(settings))
    except (ImportError, SalesMindError) as exc:  # the app works without a CRM
        desktop.tray.set_sync(f"unavailable: {getattr(exc, 'message', exc)}")
    if start:
        from PySide6.QtCore import QTimer

        QTimer.singleShot(300, desktop.controller.request_start)
    qt_app._salesmind = desktop  # keep it alive for the life of the event loop
    return int(qt_app.exec())
