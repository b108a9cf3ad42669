"""Coaching pop-ups: one toast per `Cue`, stacked next to the badge, never taking focus.

The UI shows every cue the core's policy emits and nothing else: cooldowns, the per-call cap,
holding while the customer speaks, snooze and adaptive suppression all live in the core. The
rep's reaction (dismissed / helpful / snooze) goes back through `feedback`.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QPoint, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from salesmind_desktop.ui.badge import no_focus_window_flags
from salesmind_desktop.ui.style import BG, CUE_COLOR, FG, MUTED, mmss

ACTIONS = ("dismissed", "helpful", "snooze")
TOAST_WIDTH = 320


class CueToast(QWidget):
    closed = Signal(object)  # self
    feedback = Signal(int, str, float)  # cue id, action, audio time of the cue

    def __init__(self, cue, timeout_ms: int = 25_000, parent: QWidget | None = None) -> None:
        super().__init__(parent, no_focus_window_flags())
        self.cue = cue
        self.setWindowTitle(f"SalesMind — {cue.text}")
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setObjectName("toast")
        self.setFixedWidth(TOAST_WIDTH)

        kind = QLabel(f"{cue.type.replace('_', ' ').upper()} · {mmss(cue.t)}")
        kind.setObjectName("kind")
        title = QLabel(cue.text)
        title.setObjectName("title")
        title.setWordWrap(True)
        reason = QLabel(f"Why: {cue.reason}")
        reason.setObjectName("reason")
        reason.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(4)
        layout.addWidget(kind)
        layout.addWidget(title)
        layout.addWidget(reason)
        self.suggestion = None
        if cue.suggestion:
            self.suggestion = QLabel(f"Try: “{cue.suggestion}”")
            self.suggestion.setObjectName("suggestion")
            self.suggestion.setWordWrap(True)
            layout.addWidget(self.suggestion)
        if cue.evidence:
            evidence = QLabel(" · ".join(str(e) for e in cue.evidence[:2]))
            evidence.setObjectName("evidence")
            evidence.setWordWrap(True)
            layout.addWidget(evidence)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.buttons: dict[str, QPushButton] = {}
        for action, label in (("helpful", "Helpful"), ("snooze", "Snooze"), ("dismissed", "Dismiss")):
            button = QPushButton(label)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _=False, a=action: self.react(a))
            buttons.addWidget(button)
            self.buttons[action] = button
        layout.addLayout(buttons)
        self.setStyleSheet(f"""
            QWidget#toast {{ background: {BG}; border: 2px solid {CUE_COLOR}; border-radius: 8px; }}
            QLabel {{ color: {FG}; border: none; background: transparent; }}
            QLabel#kind {{ color: {MUTED}; font-size: 10px; }}
            QLabel#title {{ font-weight: bold; font-size: 13px; }}
            QLabel#reason, QLabel#evidence {{ color: {MUTED}; font-size: 11px; }}
            QLabel#suggestion {{ color: #cfe3ff; font-size: 12px; }}
            QPushButton {{ color: {FG}; background: #30363d; border: 1px solid #3b424a;
                          border-radius: 4px; padding: 2px 8px; }}
            QPushButton:hover {{ background: #3b424a; }}
        """)
        self.adjustSize()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.expire)
        if timeout_ms > 0:  # 0 = stays until the rep answers
            self._timer.start(timeout_ms)

    def react(self, action: str) -> None:
        """The rep pressed a button: tell the core, then close."""
        if action not in ACTIONS:
            raise ValueError(f"unknown cue action {action!r}")
        self.feedback.emit(int(self.cue.id), action, float(self.cue.t))
        self._close()

    def expire(self) -> None:
        """Timed out without a reaction: close without feedback (ignored is not dismissed)."""
        self._close()

    def _close(self) -> None:
        self._timer.stop()
        self.hide()
        self.closed.emit(self)
        self.deleteLater()


class ToastStack(QObject):
    """Shows toasts under (or above) the badge, newest nearest the badge, at most `max_visible`."""

    feedback = Signal(int, str, float)

    def __init__(self, anchor: QWidget, max_visible: int = 3, timeout_ms: int = 25_000) -> None:
        super().__init__()
        self._anchor = anchor
        self._max_visible = max_visible
        self._timeout_ms = timeout_ms
        self._toasts: list[CueToast] = []
        self.shown_cues: list = []  # every cue shown during this call, in order

    def toasts(self) -> list[CueToast]:
        return list(self._toasts)

    def set_timeout(self, timeout_ms: int) -> None:
        """How long the next pop-ups stay (0 = until answered); shown ones keep theirs."""
        self._timeout_ms = max(0, int(timeout_ms))

    def show_cue(self, cue) -> CueToast:
        toast = CueToast(cue, self._timeout_ms)
        toast.feedback.connect(self.feedback)
        toast.closed.connect(self._on_closed)
        self._toasts.insert(0, toast)
        self.shown_cues.append(cue)
        while len(self._toasts) > self._max_visible:
            self._toasts[-1].expire()
        self._layout()
        toast.show()
        return toast

    def clear(self) -> None:
        for toast in list(self._toasts):
            toast.expire()
        self.shown_cues = []

    def relayout(self) -> None:
        """The badge moved: bring the toasts along."""
        self._layout()

    def _on_closed(self, toast: CueToast) -> None:
        if toast in self._toasts:
            self._toasts.remove(toast)
            self._layout()

    def _layout(self) -> None:
        anchor = self._anchor.frameGeometry()
        screen = QGuiApplication.screenAt(anchor.center()) or QGuiApplication.primaryScreen()
        area = screen.availableGeometry() if screen else QRect(0, 0, 1920, 1080)
        below = anchor.bottom() + 400 < area.bottom()
        y = anchor.bottom() + 6 if below else anchor.top() - 6
        for toast in self._toasts:
            height = toast.sizeHint().height()
            x = min(max(anchor.right() - toast.width(), area.left()), area.right() - toast.width())
            if not below:
                y -= height
            toast.move(QPoint(x, y))
            if below:
                y += height + 6
            else:
                y -= 6
