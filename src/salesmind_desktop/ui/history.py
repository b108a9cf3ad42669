"""History of past calls; double-click (or Open) reopens the call's summary window."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from salesmind_desktop.ui.style import ess_text, mmss


class HistoryWindow(QWidget):
    open_summary = Signal(dict)  # the summary dict of the chosen call

    def __init__(self, archive, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.archive = archive
        self.setWindowTitle("SalesMind — call history")
        self.resize(620, 380)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Call", "Started", "Duration", "ESS", "Customer"])
        self.tree.setRootIsDecorated(False)
        self.tree.itemDoubleClicked.connect(lambda item, _col: self._open(item))
        self.empty = QLabel("No calls yet. Finished calls appear here.")
        refresh = QPushButton("Refresh")
        refresh.clicked.connect(self.refresh)
        open_button = QPushButton("Open summary")
        open_button.clicked.connect(lambda: self._open(self.tree.currentItem()))
        buttons = QHBoxLayout()
        buttons.addWidget(self.empty, 1)
        buttons.addWidget(refresh)
        buttons.addWidget(open_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        self.refresh()

    def refresh(self) -> None:
        self.tree.clear()
        entries = self.archive.entries()
        for entry in entries:
            item = QTreeWidgetItem([entry.call_id, entry.started, mmss(entry.duration_s),
                                    ess_text(entry.overall_ess), entry.customer])
            item.setData(0, Qt.ItemDataRole.UserRole, entry)
            self.tree.addTopLevelItem(item)
        self.empty.setVisible(not entries)

    def _open(self, item) -> None:
        if item is not None:
            self.open_summary.emit(self.archive.load(item.data(0, Qt.ItemDataRole.UserRole)))
