"""The badge: a small always-on-top, draggable window with the rolling ESS and the call state.

It shows exactly what the core computed: the rolling ESS and the badge colour of the latest
`EssUpdate` (hysteresis lives in the core), a short sparkline of recent values, the "why" as
a tooltip, the call clock (audio time) and a listening indicator that is visible at all times.
It never takes keyboard focus, so typing in the softphone is never interrupted.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QGuiApplication, QMouseEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QToolButton, QVBoxLayout, QWidget

from salesmind_desktop.ui.sparkline import Sparkline
from salesmind_desktop.ui.style import BADGE_COLORS, BG, FG, MUTED, badge_color, ess_text, mmss

STATE_TEXT = {"idle": "Not listening", "loading": "Loading…", "listening": "Listening",
              "stopping": "Finishing…"}
DOT_COLORS = {"idle": "#7a828c", "loading": "#e0a100", "listening": "#e5484d", "stopping": "#e0a100"}


def no_focus_window_flags() -> Qt.WindowType:
    return (Qt.WindowType.Tool | Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint
            | Qt.WindowType.WindowDoesNotAcceptFocus)


class Badge(QWidget):
    toggle_call = Signal()
    toggle_transcript = Signal()
    moved = Signal(QPoint)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, no_focus_window_flags())
        self.setWindowTitle("SalesMind — badge")
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setObjectName("badge")
        self._badge_state: str | None = None
        self._call_state = "idle"
        self._rolling: float | None = None
        self._why = ""
        self._context = ""
        self._drag_offset: QPoint | None = None
        self._dragged = False
        self._menu: QMenu | None = None

        self.score = QLabel("–")
        self.score.setObjectName("score")
        self.score.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.score.setFixedSize(58, 58)
        self.caption = QLabel("ESS")
        self.caption.setObjectName("caption")
        self.sparkline = Sparkline()
        self.dot = QLabel("●")
        self.dot.setObjectName("dot")
        self.status = QLabel(STATE_TEXT["idle"])
        self.status.setObjectName("status")
        self.clock = QLabel("00:00")
        self.clock.setObjectName("clock")
        self.hotkey = "Ctrl+Shift+L"
        self.call_button = self._button("▶", "Start listening", self.toggle_call)
        self.transcript_button = self._button("≡", "Show/hide the live transcript", self.toggle_transcript)

        top = QHBoxLayout()
        top.setSpacing(4)
        top.addWidget(self.dot)
        top.addWidget(self.status, 1)
        top.addWidget(self.clock)
        buttons = QHBoxLayout()
        buttons.setSpacing(2)
        buttons.addWidget(self.caption)
        buttons.addStretch(1)
        buttons.addWidget(self.transcript_button)
        buttons.addWidget(self.call_button)
        right = QVBoxLayout()
        right.setSpacing(2)
        right.addLayout(top)
        right.addWidget(self.sparkline, 1)
        right.addLayout(buttons)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 8, 8, 8)
        row.setSpacing(8)
        row.addWidget(self.score)
        row.addLayout(right, 1)
        self.setFixedSize(248, 82)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setStyleSheet(_stylesheet())
        self._restyle()

    def _button(self, text: str, tip: str, signal) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setAutoRaise(True)
        button.clicked.connect(signal.emit)
        return button

    # ------------------------------------------------------------------ state from the core

    def on_ess(self, update) -> None:
        """Show an `EssUpdate`: rolling score, badge colour and the reason."""
        self._rolling = float(update.rolling)
        self._badge_state = str(update.badge)
        self._why = update.why or ""
        self.score.setText(ess_text(self._rolling))
        self.sparkline.add(self._rolling)
        self._restyle()
        self._update_tooltip()

    def set_call_state(self, state: str) -> None:
        self._call_state = state
        self.status.setText(STATE_TEXT.get(state, state))
        self.call_button.setText("■" if state in ("loading", "listening") else "▶")
        verb = "Stop" if state in ("loading", "listening") else "Start"
        self.call_button.setToolTip(f"{verb} listening ({self.hotkey})")
        self._restyle()
        self._update_tooltip()

    def on_level(self, level) -> None:
        """Who is speaking now (`LevelMeter`), next to the listening indicator."""
        if self._call_state != "listening":
            return
        who = [name for name, on in (("rep", level.rep_speaking), ("customer", level.customer_speaking)) if on]
        self.status.setText("Listening" + (f" · {' + '.join(who)}" if who else ""))

    def set_context(self, text: str) -> None:
        """The pre-call customer context line (from the CRM), shown on hover."""
        self._context = text
        self._update_tooltip()

    def set_status_text(self, text: str) -> None:
        self.status.setText(text)

    def set_time(self, t: float) -> None:
        self.clock.setText(mmss(t))

    def reset(self) -> None:
        self._rolling, self._badge_state, self._why = None, None, ""
        self.score.setText("–")
        self.clock.setText("00:00")
        self.sparkline.clear()
        self._restyle()
        self._update_tooltip()

    # --------------------------------------------------------------------- read-back (tests)

    @property
    def badge_state(self) -> str | None:
        return self._badge_state

    @property
    def call_state(self) -> str:
        return self._call_state

    def color(self) -> str:
        return badge_color(self._badge_state)

    # -------------------------------------------------------------------------- appearance

    def _restyle(self) -> None:
        """Colours follow dynamic properties (`state`, `call`), re-polished when they change."""
        color = self.color()
        self.sparkline.set_color(color if self._badge_state else FG)
        for widget, name, value in ((self, "state", self._badge_state or "idle"),
                                    (self.score, "state", self._badge_state or "idle"),
                                    (self.dot, "call", self._call_state)):
            if widget.property(name) != value:
                widget.setProperty(name, value)
                widget.style().unpolish(widget)
                widget.style().polish(widget)
        self.update()

    def _update_tooltip(self) -> None:
        if self._rolling is None:
            tip = "SalesMind: no customer speech scored yet."
        else:
            tip = f"Rolling ESS {self._rolling:.1f}/10 ({self._badge_state})"
            if self._why:
                tip += f"\nWhy: {self._why}"
        if self._context:
            tip += f"\n{self._context}"
        tip += f"\n{STATE_TEXT.get(self._call_state, self._call_state)} — drag to move, right-click for menu."
        self.setToolTip(tip)

    # --------------------------------------------------------------------- position & drag

    def place(self, x: int, y: int) -> None:
        """Move to a saved position, or to the top-right corner when none is saved (-1)."""
        screen = QGuiApplication.primaryScreen()
        area = screen.availableGeometry() if screen else None
        if x < 0 or y < 0:
            if area is None:
                x, y = 0, 0
            else:
                x, y = area.right() - self.width() - 16, area.top() + 16
        elif area is not None:  # keep it on screen after a resolution change
            x = min(max(x, area.left()), area.right() - self.width())
            y = min(max(y, area.top()), area.bottom() - self.height())
        self.move(x, y)

    def set_menu(self, menu: QMenu) -> None:
        self._menu = menu

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        if event.button() == Qt.MouseButton.LeftButton:
            self._drag_offset = event.globalPosition().toPoint() - self.pos()
            self._dragged = False
        elif event.button() == Qt.MouseButton.RightButton and self._menu is not None:
            self._menu.popup(event.globalPosition().toPoint())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._drag_offset is not None:
            self.move(event.globalPosition().toPoint() - self._drag_offset)
            self._dragged = True

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._drag_offset is not None and self._dragged:
            self.moved.emit(self.pos())
        self._drag_offset = None
        self._dragged = False


def _stylesheet() -> str:
    states = "\n".join(f'QWidget#badge[state="{k}"] {{ border-color: {v}; }}\n'
                        f'QLabel#score[state="{k}"] {{ background: {v}; }}' for k, v in BADGE_COLORS.items())
    dots = "\n".join(f'QLabel#dot[call="{k}"] {{ color: {v}; }}' for k, v in DOT_COLORS.items())
    return f"""
        QWidget#badge {{ background: {BG}; border: 2px solid {BADGE_COLORS['idle']}; border-radius: 8px; }}
        QLabel {{ color: {FG}; background: transparent; border: none; font-size: 11px; }}
        QLabel#score {{ color: white; border-radius: 29px; font-size: 20px; font-weight: bold; }}
        QLabel#caption, QLabel#clock {{ color: {MUTED}; }}
        QLabel#dot {{ font-size: 12px; }}
        QToolButton {{ color: {FG}; background: transparent; border: 1px solid #3b424a;
                      border-radius: 4px; min-width: 20px; font-size: 12px; }}
        QToolButton:hover {{ background: #30363d; }}
        {states}
        {dots}
    """
