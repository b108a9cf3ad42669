"""Consent reminder shown before recording starts, with the configurable script to read out."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget


class ConsentDialog(QDialog):
    def __init__(self, script: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("SalesMind — ask for consent")
        intro = QLabel("Before SalesMind listens, read this to the customer and wait for their answer:")
        intro.setWordWrap(True)
        self.script = QLabel(f"“{script}”")
        self.script.setWordWrap(True)
        self.script.setStyleSheet("font-size: 14px; font-weight: bold; padding: 10px; background: #eef3fa;")
        buttons = QDialogButtonBox()
        self.agree = buttons.addButton("Customer agreed — start listening", QDialogButtonBox.ButtonRole.AcceptRole)
        self.decline = buttons.addButton("Don't record", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.script)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)


def consent_gate(privacy_settings, parent: QWidget | None = None, dialog_factory=ConsentDialog):
    """A callable for `CallController(consent=...)`: True when recording may start."""

    def ask() -> bool:
        if not privacy_settings.consent_required:
            return True
        dialog = dialog_factory(privacy_settings.consent_script, parent)
        return dialog.exec() == QDialog.DialogCode.Accepted

    return ask
