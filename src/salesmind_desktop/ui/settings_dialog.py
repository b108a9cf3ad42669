"""Settings dialog: one tab per settings section, a widget per field, IT-locked keys read-only.

Fields are generated from the typed settings dataclasses (bool → checkbox, int/float → spin box,
str → text or a choice list), so a new setting shows up without UI work. The CRM secret is never
written to the settings file: it goes to the OS keychain through `salesmind_desktop.secrets`.
"""

from __future__ import annotations

import dataclasses
import importlib
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from salesmind_desktop import settings as settings_mod
from salesmind_desktop.errors import SalesMindError

TABS = (("audio", "Devices"), ("asr", "Speech model"), ("emotion", "Emotion"), ("vad", "Voice detection"),
        ("coaching", "Coaching"), ("privacy", "Privacy"), ("crm", "CRM"), ("ui", "Window"))
CHOICES = {"asr.model": ["tiny.en", "base"], "asr.device": ["auto", "cpu", "cuda"],
           "asr.compute_type": ["int8", "int8_float16", "float16", "float32"],
           "emotion.text_engine": ["hybrid", "transformer", "vader"]}
DEVICE_KEYS = {"audio.mic_device": "mic", "audio.loopback_device": "loopback"}
LABELS = {"asr.model": "Model (tiny.en fast, base more accurate)", "asr.device": "Run on (CPU/GPU)",
          "coaching.amber_below": "Amber below ESS", "coaching.red_below": "Red below ESS",
          "privacy.consent_script": "Consent script", "coaching.playbook": "Playbook file"}


def list_devices() -> list:
    """Capturable inputs (`DeviceInfo`: id, name, kind mic|loopback) from the capture backend;
    empty when none can be listed (the rep can still type a device id)."""
    try:
        from salesmind_desktop.audio.devices import list_devices as capture_devices

        return capture_devices()
    except Exception:  # no sound server / backend: not an error for the settings dialog
        return []


class SettingsDialog(QDialog):
    def __init__(self, settings, parent: QWidget | None = None, devices=list_devices) -> None:
        super().__init__(parent)
        self.settings = settings
        self._devices = devices
        self.setWindowTitle("SalesMind — settings")
        self.resize(560, 520)
        self.editors: dict[str, QWidget] = {}
        self.tabs = QTabWidget()
        for section, title in TABS:
            self.tabs.addTab(self._section_tab(section), title)
        self.status = QLabel()
        self.status.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.apply_and_close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)

    # ----------------------------------------------------------------------- building

    def _section_tab(self, section: str) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        obj = getattr(self.settings, section)
        for f in dataclasses.fields(obj):
            key = f"{section}.{f.name}"
            editor = self._editor(key, getattr(obj, f.name))
            if key in self.settings.locked:
                editor.setEnabled(False)
                editor.setToolTip("Set by your IT policy")
            self.editors[key] = editor
            row = editor
            if key == "coaching.playbook":
                row = self._with_button(editor, "Browse…", lambda e=editor: self._browse(e))
            elif key in DEVICE_KEYS:
                row = self._with_button(editor, "Refresh", lambda e=editor, k=key: self._fill_devices(e, DEVICE_KEYS[k]))
            form.addRow(LABELS.get(key, f.name.replace("_", " ").capitalize()), row)
        if section == "crm":
            self.crm_secret = QLineEdit()
            self.crm_secret.setEchoMode(QLineEdit.EchoMode.Password)
            self.crm_secret.setPlaceholderText("mongodb://user:password@host/ (kept in the OS keychain)")
            self.crm_secret.setEnabled(self._secrets() is not None)
            if self._secrets() is None:
                self.crm_secret.setToolTip("The keychain module is not available in this build")
            form.addRow("Connection string", self.crm_secret)
        return page

    def _editor(self, key: str, value: Any) -> QWidget:
        if isinstance(value, bool):
            box = QCheckBox()
            box.setChecked(value)
            return box
        if isinstance(value, int):
            spin = QSpinBox()
            spin.setRange(-100_000, 100_000)
            spin.setValue(value)
            return spin
        if isinstance(value, float):
            dspin = QDoubleSpinBox()
            dspin.setRange(-1e6, 1e6)
            dspin.setDecimals(2)
            dspin.setValue(value)
            return dspin
        if key == "privacy.consent_script":
            text = QPlainTextEdit(value)
            text.setFixedHeight(70)
            return text
        if key in CHOICES or key in DEVICE_KEYS:
            combo = QComboBox()
            combo.setEditable(True)
            combo.addItems(CHOICES.get(key, []))
            combo.setCurrentText(value)
            return combo
        return QLineEdit(str(value))

    def _with_button(self, editor: QWidget, text: str, slot) -> QWidget:
        row = QWidget()
        lay = QHBoxLayout(row)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(editor, 1)
        button = QPushButton(text)
        button.clicked.connect(slot)
        button.setEnabled(editor.isEnabled())
        lay.addWidget(button)
        return row

    def _browse(self, editor: QLineEdit) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "SalesMind — choose a playbook", "", "Playbook (*.toml)")
        if name:
            editor.setText(name)

    def _fill_devices(self, combo: QComboBox, kind: str) -> None:
        """List the inputs of `kind` by name; the setting stores the device id ("" = default)."""
        current = self._combo_value(combo)
        combo.clear()
        combo.addItem("", "")  # the system default
        for device in self._devices():
            if device.kind == kind:
                combo.addItem(device.name + (" (default)" if device.default else ""), device.id)
        index = combo.findData(current)
        if index >= 0:
            combo.setCurrentIndex(index)
        else:
            combo.setCurrentText(current)

    @staticmethod
    def _combo_value(combo: QComboBox) -> str:
        index = combo.currentIndex()
        if index >= 0 and combo.itemText(index) == combo.currentText() and combo.itemData(index) is not None:
            return str(combo.itemData(index))
        return combo.currentText().strip()

    @staticmethod
    def _secrets():
        try:
            return importlib.import_module("salesmind_desktop.secrets")
        except ModuleNotFoundError:
            return None

    # -------------------------------------------------------------------------- saving

    def value(self, key: str) -> Any:
        editor = self.editors[key]
        if isinstance(editor, QCheckBox):
            return editor.isChecked()
        if isinstance(editor, (QSpinBox, QDoubleSpinBox)):
            return editor.value()
        if isinstance(editor, QPlainTextEdit):
            return editor.toPlainText()
        if isinstance(editor, QComboBox):
            return self._combo_value(editor)
        return editor.text().strip()

    def apply(self) -> bool:
        """Write changed values into the settings and save them; False (with a message) on error."""
        try:
            for key in self.editors:
                if key not in self.settings.locked and self.value(key) != self.settings.get(key):
                    self.settings.set(key, self.value(key))
            secret = self.crm_secret.text().strip()
            if secret:
                if not secret.startswith(("mongodb://", "mongodb+srv://")):
                    raise SalesMindError("the CRM connection must be a MongoDB URI",
                                         "e.g. mongodb://rep:password@crm.example.com:27017/?tls=true")
                store = self._secrets()
                if store is None:
                    raise SalesMindError("this build cannot store the CRM connection in the keychain",
                                         "use `salesmind-desktop crm connect URI` instead")
                store.store_crm_uri(secret)  # OS keychain only, never the settings file
                self.crm_secret.clear()
            settings_mod.save(self.settings)
        except SalesMindError as exc:
            self.status.setText(f"<b>Not saved:</b> {exc.message}<br>Fix: {exc.fix}")
            return False
        self.status.setText("Saved")
        return True

    def apply_and_close(self) -> None:
        if self.apply():
            self.accept()
