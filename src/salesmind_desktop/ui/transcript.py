"""Transcript view (both sides, colour-coded, per-line emotion chips) and the live panel.

`TranscriptView` is shared by the live panel and the summary window; `scroll_to_time(t)` brings
the line spoken at audio time `t` into view (key moments link here).
"""

from __future__ import annotations

import html
from bisect import bisect_right
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from salesmind_desktop.insight.coach import counts_as_objection
from salesmind_desktop.ui.badge import no_focus_window_flags
from salesmind_desktop.ui.style import CHANNEL_COLORS, EMOTION_COLORS, mmss


@dataclass(frozen=True)
class TranscriptLine:
    start: float
    channel: str
    text: str
    emotion: str = ""
    ess: float | None = None
    objection: str = ""


def line_from_utterance(u) -> TranscriptLine:
    """A `ScoredUtterance` as a transcript line (customer lines carry the fused emotion)."""
    emotion, ess = "", None
    if u.fused is not None:
        emotion, ess = u.fused.emotion, u.fused.ess
    elif u.text_emotion is not None:
        emotion = u.text_emotion.emotion
    objection = u.objection.type if counts_as_objection(u) else ""  # a theme said positively is none
    return TranscriptLine(u.start, u.channel, u.text, emotion, ess, objection)


class TranscriptView(QTextBrowser):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._lines: list[TranscriptLine] = []
        self.highlighted: int | None = None

    def lines(self) -> list[TranscriptLine]:
        return list(self._lines)

    def set_lines(self, lines: list[TranscriptLine]) -> None:
        self._lines = sorted(lines, key=lambda line: line.start)
        self._render()

    def add_line(self, line: TranscriptLine) -> None:
        """Append a line (cheap: one paragraph); out-of-order arrivals re-render the whole view."""
        bar = self.verticalScrollBar()
        at_bottom = bar.value() >= bar.maximum() - 4
        in_order = not self._lines or line.start >= self._lines[-1].start
        self._lines.append(line)
        if in_order:
            self.append(self._line_html(len(self._lines) - 1, line))
        else:
            self._lines.sort(key=lambda item: item.start)
            self._render()
        if at_bottom:
            bar.setValue(bar.maximum())

    def clear_lines(self) -> None:
        self._lines = []
        self.highlighted = None
        self._render()

    def index_at(self, t: float) -> int | None:
        """The line being spoken at (or last started before) audio time `t`."""
        if not self._lines:
            return None
        return max(0, bisect_right([line.start for line in self._lines], t + 0.05) - 1)

    def scroll_to_time(self, t: float) -> int | None:
        index = self.index_at(t)
        self.highlighted = index
        self._render()
        if index is not None:
            self.scrollToAnchor(f"l{index}")
        return index

    def _line_html(self, i: int, line: TranscriptLine) -> str:
        color = CHANNEL_COLORS.get(line.channel, "#555")
        who = "Rep" if line.channel == "rep" else "Customer"
        chip = ""
        if line.emotion:
            label = line.emotion + (f" {line.ess:.1f}" if line.ess is not None else "")
            chip = (f' <span style="background:{EMOTION_COLORS.get(line.emotion, "#7a828c")};'
                    f' color:white;">&nbsp;{html.escape(label)}&nbsp;</span>')
        if line.objection:
            chip += f' <span style="background:#e07b00; color:white;">&nbsp;{html.escape(line.objection)}&nbsp;</span>'
        bg = ' style="background:#fff3c4;"' if i == self.highlighted else ""
        return (f'<p{bg}><a name="l{i}"></a><span style="color:#888;">{mmss(line.start)}</span>&nbsp; '
                f'<b style="color:{color};">{who}</b>&nbsp; {html.escape(line.text)}{chip}</p>')

    def _render(self) -> None:
        self.setHtml("".join(self._line_html(i, line) for i, line in enumerate(self._lines)))


class TranscriptPanel(QWidget):
    """The live transcript: a small always-on-top window under the badge, hidden by default."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, no_focus_window_flags())
        self.setWindowTitle("SalesMind — live transcript")
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.view = TranscriptView()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.view)
        self.resize(420, 260)

    def on_utterance(self, utterance) -> None:
        if utterance.text:
            self.view.add_line(line_from_utterance(utterance))

    def clear(self) -> None:
        self.view.clear_lines()
