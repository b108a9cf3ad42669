"""CRM sync preview and approval: shows the exact document that would be sent, then hands it on.

The panel holds no CRM logic. It is given two callables by the app (from `salesmind_desktop.crm`
when that is installed and configured):

* `preview(summary_dict) -> dict` — the exact fields the CRM sync will send (already masked);
* `approve(summary_dict) -> str` — queue/sync it now; returns a status line for the rep.

Without them the panel says that CRM sync is not configured. `approve` talks to the network (up
to its timeout when the CRM is down), so it runs on a background thread; the GUI never waits.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from salesmind_desktop.errors import SalesMindError

Preview = Callable[[dict[str, Any]], dict[str, Any]]
Approve = Callable[[dict[str, Any]], str]


class _Done(QObject):
    finished = Signal(str)


class CrmPanel(QWidget):
    synced = Signal(str)  # the status line once an approval has been handled

    def __init__(self, preview: Preview | None = None, approve: Approve | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._preview, self._approve = preview, approve
        self._summary: dict[str, Any] = {}
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.fields = QPlainTextEdit()
        self.fields.setReadOnly(True)
        self.approve_button = QPushButton("Approve and sync to CRM")
        self.approve_button.clicked.connect(self.approve)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Exactly these fields will be sent to the CRM:"))
        layout.addWidget(self.fields, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.approve_button)
        self.document: dict[str, Any] | None = None
        self._done = _Done(self)
        self._done.finished.connect(self._on_done)
        self.busy = False

    def set_summary(self, summary: dict[str, Any]) -> None:
        self._summary = summary
        self.refresh()

    def refresh(self) -> None:
        self.document = None
        if self._preview is None:
            self.fields.setPlainText("")
            self.status.setText("CRM sync is not configured on this computer "
                                "(set the connection in Settings → CRM).")
            self.approve_button.setEnabled(False)
            return
        try:
            self.document = self._preview(self._summary)
        except SalesMindError as exc:
            self.status.setText(f"Cannot prepare the CRM document: {exc.message}\nFix: {exc.fix}")
            self.approve_button.setEnabled(False)
            return
        self.fields.setPlainText(json.dumps(self.document, indent=2, ensure_ascii=False, default=str))
        self.status.setText("Review the fields, then approve.")
        self.approve_button.setEnabled(self._approve is not None)

    def approve(self) -> None:
        """Send the previewed document (on a background thread); the result comes back as `synced`."""
        if self._approve is None or self.document is None or self.busy:
            return
        self.busy = True
        self.approve_button.setEnabled(False)
        self.status.setText("Sending to the CRM…")
        approve, summary = self._approve, dict(self._summary)

        def work() -> None:
            try:
                message = approve(summary)
            except SalesMindError as exc:
                message = f"Not synced: {exc.message}\nFix: {exc.fix}"
            except Exception as exc:  # a CRM bug must not take the window down
                message = f"Not synced: {exc!r}\nFix: it stays queued; see `salesmind-desktop sync`"
            self._done.finished.emit(message)

        threading.Thread(target=work, name="salesmind-crm-approve", daemon=True).start()

    def _on_done(self, message: str) -> None:
        self.busy = False
        self.status.setText(message)
        self.approve_button.setEnabled(True)
        self.synced.emit(message)
