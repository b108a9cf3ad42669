"""Post-call summary window: ESS timeline, key moments, objections, talk metrics, cues and their
effect, transcript, editable notes and customer/deal fields, export, and the CRM preview.

Everything shown comes from the core's `CallSummary` (see `summary_model.build_view`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from salesmind_desktop.errors import SalesMindError
from salesmind_desktop.ui.chart import EssChart
from salesmind_desktop.ui.crm_panel import CrmPanel
from salesmind_desktop.ui.playback import Player
from salesmind_desktop.ui.style import BADGE_COLORS, ess_text, mmss
from salesmind_desktop.ui.summary_model import SummaryView, build_view, cue_effect, summary_dict
from salesmind_desktop.ui.transcript import TranscriptView

# Top-level CallSummary fields (schema) the rep can edit, then extra deal details kept under "deal".
CUSTOMER_FIELDS = (("customer_name", "Customer"), ("customer_id", "CRM id / phone / email"),
                   ("deal_stage", "Deal stage"))
DEAL_FIELDS = (("company", "Company"), ("value", "Deal value"), ("next_step", "Next step"))
RESOLVED = {True: " — resolved (the customer's mood recovered)", False: " — still open"}
TALK_LABELS = {"rep_share": ("Rep talk share", "{:.0%}"), "customer_share": ("Customer talk share", "{:.0%}"),
               "rep_wpm": ("Rep words/min", "{:.0f}"), "customer_wpm": ("Customer words/min", "{:.0f}"),
               "longest_rep_monologue_s": ("Longest rep monologue", "{:.0f} s"),
               "interruptions": ("Interruptions by the rep", "{}"), "questions": ("Questions asked", "{}"),
               "rep_questions": ("Questions asked", "{}"), "longest_silence_s": ("Longest silence", "{:.0f} s")}


class SummaryWindow(QWidget):
    saved = Signal(dict)  # the summary dict with the rep's notes and fields, after "Save"

    def __init__(self, summary: Any, crm_preview=None, crm_approve=None, thresholds=(4.5, 3.0),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._summary = summary
        self.data: dict[str, Any] = json.loads(json.dumps(summary_dict(summary), default=str))
        self.view: SummaryView = build_view(self.data)
        self.player = Player()
        self._thresholds = thresholds
        self.setWindowTitle(f"SalesMind — call summary {self.view.call_id}".rstrip())
        self.resize(1100, 720)

        self.chart = EssChart()
        self.chart.set_data(self.view.points, self.view.markers(), self.view.duration_s, thresholds)
        self.chart.time_clicked.connect(self.show_time)
        self.transcript = TranscriptView()
        self.transcript.set_lines(self.view.transcript)
        self.moments = QListWidget()
        self.moments.setWordWrap(True)
        for m in self.view.moments:
            item = QListWidgetItem(f"{mmss(m.t)}  [{m.kind}]  {m.text}")
            item.setData(Qt.ItemDataRole.UserRole, m.t)
            self.moments.addItem(item)
        self.moments.itemClicked.connect(lambda item: self.show_time(item.data(Qt.ItemDataRole.UserRole)))
        self.crm = CrmPanel(crm_preview, crm_approve)

        tabs = QTabWidget()
        tabs.addTab(self.moments, "Key moments")
        tabs.addTab(self._list([f"{mmss(float(o.get('t', o.get('start', 0))))}  {o.get('type', '')}: "
                                f"“{o.get('text') or o.get('evidence', '')}”{RESOLVED.get(o.get('resolved'), '')}"
                                for o in self.view.objections], "No objections"), "Objections")
        tabs.addTab(self._list([f"{mmss(float(c.get('t', 0)))}  {c.get('text', c.get('type', ''))} — "
                                f"{cue_effect(c)}" for c in self.view.cues], "No cues were shown"), "Cues")
        tabs.addTab(self._talk_panel(), "Talk")
        tabs.addTab(self._list([f"✔ {s}" for s in self.view.went_well] + [f"→ {s}" for s in self.view.try_next],
                               "No advice"), "Coaching")
        tabs.addTab(self.crm, "CRM sync")
        self.tabs = tabs

        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addLayout(self._header())
        lv.addWidget(self.chart, 2)
        lv.addWidget(tabs, 3)
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.addWidget(QLabel("Transcript"))
        rv.addWidget(self.transcript, 3)
        rv.addWidget(self._notes_panel(), 2)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([620, 480])

        buttons = QHBoxLayout()
        self.status = QLabel()
        buttons.addWidget(self.status, 1)
        for text, slot in (("Save notes", self.save), ("Export JSON…", self._ask_json),
                           ("Export Markdown…", self._ask_markdown)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)
        self.crm.set_summary(self.current_dict())

    # ------------------------------------------------------------------------ building

    def _header(self) -> QGridLayout:
        grid = QGridLayout()
        v = self.view
        self.tiles: dict[str, QLabel] = {}
        for col, (key, label, value) in enumerate((("overall", "Call ESS", v.overall), ("min", "Lowest", v.minimum),
                                                  ("final", "Final", v.final))):
            tile = QLabel(f"<span style='font-size:22px;font-weight:bold'>{ess_text(value)}</span><br>{label}")
            tile.setAlignment(Qt.AlignmentFlag.AlignCenter)
            tile.setStyleSheet(f"background:{_color(value, self._thresholds)}; color:white; border-radius:6px; padding:6px;")
            self.tiles[key] = tile
            grid.addWidget(tile, 0, col)
        trend = QLabel(f"Trend: <b>{v.trend or '–'}</b><br>Duration: <b>{mmss(v.duration_s)}</b>"
                       f"<br>Cues shown: <b>{len(v.cues)}</b>")
        grid.addWidget(trend, 0, 3)
        return grid

    def _list(self, rows: list[str], empty: str) -> QListWidget:
        widget = QListWidget()
        widget.setWordWrap(True)
        widget.addItems(rows or [empty])
        return widget

    def _talk_panel(self) -> QWidget:
        panel = QWidget()
        form = QFormLayout(panel)
        self.talk_labels: dict[str, QLabel] = {}
        for key, value in self.view.talk.items():
            label, fmt = TALK_LABELS.get(key, (key.replace("_", " ").capitalize(), "{}"))
            try:
                text = fmt.format(value)
            except (TypeError, ValueError):
                text = str(value)
            self.talk_labels[key] = QLabel(text)
            form.addRow(label, self.talk_labels[key])
        return panel

    def _notes_panel(self) -> QWidget:
        panel = QWidget()
        form = QFormLayout(panel)
        deal = self.data.get("deal") if isinstance(self.data.get("deal"), dict) else {}
        self.customer_edits: dict[str, QLineEdit] = {}
        self.deal_edits: dict[str, QLineEdit] = {}
        for key, label in CUSTOMER_FIELDS:
            self.customer_edits[key] = QLineEdit(str(self.data.get(key, "") or ""))
            form.addRow(label, self.customer_edits[key])
        for key, label in DEAL_FIELDS:
            self.deal_edits[key] = QLineEdit(str(deal.get(key, "") or ""))
            form.addRow(label, self.deal_edits[key])
        self.notes = QPlainTextEdit(str(self.data.get("notes", "") or ""))
        self.notes.setPlaceholderText("Your notes about this call…")
        form.addRow("Notes", self.notes)
        return panel

    # ------------------------------------------------------------------------- actions

    def show_time(self, t: float) -> None:
        """Key moment / chart click: show the transcript there; play the audio if it was kept."""
        self.transcript.scroll_to_time(float(t))
        if self.view.audio_path:
            try:
                self.player.play(self.view.audio_path, max(0.0, float(t) - 1.0))
                self.status.setText(f"Playing from {mmss(t)}")
            except SalesMindError as exc:
                self.status.setText(f"{exc.message} — {exc.fix}")

    def current_dict(self) -> dict[str, Any]:
        """The summary dict with the rep's notes and customer/deal fields applied."""
        data = dict(self.data)
        data["notes"] = self.notes.toPlainText()
        for key, edit in self.customer_edits.items():
            data[key] = edit.text().strip() or (None if key == "customer_id" else "")
        data["deal"] = {**(data.get("deal") or {}), **{k: e.text().strip() for k, e in self.deal_edits.items()}}
        return data

    def save(self) -> None:
        self.data = self.current_dict()
        self.crm.set_summary(self.data)
        self.saved.emit(self.data)
        self.status.setText("Notes saved")

    def export_json(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_text(json.dumps(self.current_dict(), indent=2, ensure_ascii=False), encoding="utf-8")
        return path

    def export_markdown(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_text(self.markdown(), encoding="utf-8")
        return path

    def markdown(self) -> str:
        """The core's Markdown for this call, plus the rep's notes and fields."""
        from salesmind_desktop.insight.summary import CallSummary

        data = self.current_dict()
        text = CallSummary.from_dict(data).to_markdown().rstrip() + "\n"
        extra = [f"- {label}: {data['deal'].get(k)}" for k, label in DEAL_FIELDS if data["deal"].get(k)]
        if extra:
            text += "\n## Deal\n\n" + "\n".join(extra) + "\n"
        return text

    def _ask_json(self) -> None:
        self._export("JSON (*.json)", ".json", self.export_json)

    def _ask_markdown(self) -> None:
        self._export("Markdown (*.md)", ".md", self.export_markdown)

    def _export(self, filter_: str, suffix: str, write) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "SalesMind — export summary",
                                              f"{self.view.call_id or 'call'}{suffix}", filter_)
        if not name:
            return
        try:
            self.status.setText(f"Exported {write(name)}")
        except OSError as exc:
            QMessageBox.warning(self, "SalesMind — export failed", f"Cannot write {name}: {exc}\n"
                                "Fix: choose a folder you can write to.")


def _color(value: float | None, thresholds: tuple[float, float]) -> str:
    amber, red = thresholds
    if value is None:
        return BADGE_COLORS["idle"]
    return BADGE_COLORS["red"] if value < red else BADGE_COLORS["amber"] if value < amber else BADGE_COLORS["green"]
