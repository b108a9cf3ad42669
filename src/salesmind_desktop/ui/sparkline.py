"""A tiny trend line of the rolling ESS (last N updates), drawn with QPainter."""

from __future__ import annotations

from collections import deque

from PySide6.QtCore import QPointF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QWidget

from salesmind_desktop.ui.style import MUTED


class Sparkline(QWidget):
    def __init__(self, parent: QWidget | None = None, capacity: int = 40) -> None:
        super().__init__(parent)
        self._values: deque[float] = deque(maxlen=capacity)
        self._color = QColor("#f3f4f6")
        self.setMinimumSize(QSize(60, 22))
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

    def values(self) -> list[float]:
        return list(self._values)

    def add(self, value: float) -> None:
        self._values.append(float(value))
        self.update()

    def clear(self) -> None:
        self._values.clear()
        self.update()

    def set_color(self, color: str) -> None:
        self._color = QColor(color)
        self.update()

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt API)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        w, h = self.width(), self.height()
        mid = h - 2 - (5.0 / 10.0) * (h - 4)
        p.setPen(QPen(QColor(MUTED), 1, Qt.PenStyle.DotLine))
        p.drawLine(QPointF(0, mid), QPointF(w, mid))  # ESS 5 = neutral
        if len(self._values) < 2:
            return
        span = max(len(self._values), 5)  # a few points still draw a readable line
        step = (w - 4) / (span - 1)
        x0 = w - 2 - step * (len(self._values) - 1)
        path = QPainterPath()
        for i, v in enumerate(self._values):
            pt = QPointF(x0 + i * step, h - 2 - (min(10.0, max(0.0, v)) / 10.0) * (h - 4))
            path.lineTo(pt) if i else path.moveTo(pt)
        p.setPen(QPen(self._color, 2))
        p.drawPath(path)
