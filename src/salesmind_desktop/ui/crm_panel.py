"""CRM sync preview and approval: shows the exact document that would be sent, then hands it on.

The panel holds no CRM logic. It is given two callables by the app (from `salesmind_desktop.crm`
when that is installed and configured):

* `preview(summary_dict) -> dict` — the exact fields the CRM sync will send (already masked);
* `approve(summary_dict) -> str` — queue/sync it now; returns a status line for the rep.

Without them the panel says that CRM sync is not configured.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from salesmind_desktop.errors import SalesMindError

Preview = Callable[[dict[str, Any]], dict[str, Any]]
Approve = Callable[[dict[str, Any]], str]


class CrmPanel(QWidget):
    synced = Signal(str)

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
        if self._approve is None or self.document is None:
            return
        try:
            message = self._approve(self._summary)
        except SalesMindError as exc:
            message = f"Not synced: {exc.message}\nFix: {exc.fix}"
        self.status.setText(message)
        self.synced.emit(message)
