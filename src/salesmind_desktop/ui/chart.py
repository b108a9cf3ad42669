"""ESS timeline chart with event markers, drawn with QPainter (PySide6-Essentials has no QtCharts).

Series: (t, ess) points of the rolling ESS. Markers: (t, kind, label) — cues, objections and
emotional events — drawn as coloured ticks along the top. Clicking the chart emits the audio time
under the mouse, so the summary window can jump to the transcript there.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QToolTip, QWidget

from salesmind_desktop.ui.style import BADGE_COLORS, CUE_COLOR, OBJECTION_COLOR, mmss

MARKER_COLORS = {"cue": CUE_COLOR, "objection": OBJECTION_COLOR, "negative": BADGE_COLORS["red"],
                 "positive": BADGE_COLORS["green"], "event": "#7a828c"}


@dataclass(frozen=True)
class Marker:
    t: float
    kind: str  # cue | objection | negative | positive | event
    label: str


class EssChart(QWidget):
    time_clicked = Signal(float)

    LEFT, RIGHT, TOP, BOTTOM = 34, 24, 22, 22

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(QSize(360, 160))
        self.setMouseTracking(True)
        self._points: list[tuple[float, float]] = []
        self._markers: list[Marker] = []
        self._duration = 1.0
        self._thresholds: tuple[float, float] = (4.5, 3.0)

    def set_data(self, points: list[tuple[float, float]], markers: list[Marker], duration: float,
                 thresholds: tuple[float, float] = (4.5, 3.0)) -> None:
        self._points = sorted(points)
        self._markers = sorted(markers, key=lambda m: m.t)
        last = max([p[0] for p in self._points] + [m.t for m in self._markers] + [0.0])
        self._duration = max(duration, last, 1.0)
        self._thresholds = thresholds
        self.update()

    def markers(self) -> list[Marker]:
        return list(self._markers)

    def points(self) -> list[tuple[float, float]]:
        return list(self._points)

    # ------------------------------------------------------------------------- geometry

    def _plot(self) -> QRectF:
        return QRectF(self.LEFT, self.TOP, max(1, self.width() - self.LEFT - self.RIGHT),
                      max(1, self.height() - self.TOP - self.BOTTOM))

    def x_for(self, t: float) -> float:
        r = self._plot()
        return r.left() + r.width() * min(max(t / self._duration, 0.0), 1.0)

    def t_for(self, x: float) -> float:
        r = self._plot()
        return min(max((x - r.left()) / r.width(), 0.0), 1.0) * self._duration

    def _y_for(self, ess: float) -> float:
        r = self._plot()
        return r.bottom() - r.height() * min(max(ess, 0.0), 10.0) / 10.0

    # ---------------------------------------------------------------------------- paint

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt API)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("white"))
        r = self._plot()
        amber, red = self._thresholds
        p.fillRect(QRectF(r.left(), self._y_for(amber), r.width(), self._y_for(red) - self._y_for(amber)),
                   QColor(224, 161, 0, 28))
        p.fillRect(QRectF(r.left(), self._y_for(red), r.width(), r.bottom() - self._y_for(red)),
                   QColor(214, 69, 65, 28))
        font = QFont(p.font())
        font.setPointSizeF(8)
        p.setFont(font)
        p.setPen(QPen(QColor("#d0d4da"), 1))
        for ess in (0, 5, 10):
            y = self._y_for(ess)
            p.drawLine(QPointF(r.left(), y), QPointF(r.right(), y))
            p.drawText(QRectF(0, y - 7, self.LEFT - 4, 14), Qt.AlignmentFlag.AlignRight, str(ess))
        ticks = 6
        for i in range(ticks + 1):
            t = self._duration * i / ticks
            x = self.x_for(t)
            p.setPen(QPen(QColor("#888"), 1))
            p.drawText(QRectF(x - 20, r.bottom() + 4, 40, 14), Qt.AlignmentFlag.AlignCenter, mmss(t))
        if self._points:
            path = QPainterPath()
            for i, (t, ess) in enumerate(self._points):
                pt = QPointF(self.x_for(t), self._y_for(ess))
                path.lineTo(pt) if i else path.moveTo(pt)
            p.setPen(QPen(QColor("#1f2328"), 2))
            p.drawPath(path)
            for t, ess in self._points:
                p.setBrush(QColor(_state_color(ess, amber, red)))
                p.setPen(Qt.PenStyle.NoPen)
                p.drawEllipse(QPointF(self.x_for(t), self._y_for(ess)), 3, 3)
        for m in self._markers:
            x = self.x_for(m.t)
            color = QColor(MARKER_COLORS.get(m.kind, MARKER_COLORS["event"]))
            p.setPen(QPen(color, 1, Qt.PenStyle.DashLine))
            p.drawLine(QPointF(x, r.top()), QPointF(x, r.bottom()))
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(color)
            p.drawPolygon([QPointF(x - 5, 4), QPointF(x + 5, 4), QPointF(x, r.top() - 2)])
        self._legend(p, r)
        if not self._points:
            p.setPen(QColor("#888"))
            p.drawText(r, Qt.AlignmentFlag.AlignCenter, "No customer speech was scored")

    def _legend(self, p: QPainter, r: QRectF) -> None:
        kinds = [k for k in ("negative", "positive", "objection", "cue", "event") if any(m.kind == k for m in self._markers)]
        x = r.right() - 8
        for kind in reversed(kinds):
            label = "other" if kind == "event" else kind
            width = p.fontMetrics().horizontalAdvance(label) + 18
            x -= width
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(MARKER_COLORS[kind]))
            p.drawRect(QRectF(x, r.bottom() - 14, 9, 9))
            p.setPen(QColor("#555"))
            p.drawText(QRectF(x + 12, r.bottom() - 17, width, 14), Qt.AlignmentFlag.AlignLeft, label)

    # ---------------------------------------------------------------------------- mouse

    def marker_near(self, x: float, tolerance: float = 6.0) -> Marker | None:
        best = min(self._markers, key=lambda m: abs(self.x_for(m.t) - x), default=None)
        if best is not None and abs(self.x_for(best.t) - x) <= tolerance:
            return best
        return None

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        x = event.position().x()
        marker = self.marker_near(x)
        text = f"{mmss(marker.t)} {marker.kind}: {marker.label}" if marker else mmss(self.t_for(x))
        QToolTip.showText(event.globalPosition().toPoint(), text, self)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            marker = self.marker_near(event.position().x())
            self.time_clicked.emit(marker.t if marker else self.t_for(event.position().x()))


def _state_color(ess: float, amber: float, red: float) -> str:
    if ess < red:
        return BADGE_COLORS["red"]
    if ess < amber:
        return BADGE_COLORS["amber"]
    return BADGE_COLORS["green"]
