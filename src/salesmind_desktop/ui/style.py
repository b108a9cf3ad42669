"""Colours and small formatting helpers shared by the widgets (no widgets here)."""

from __future__ import annotations

BADGE_COLORS = {"green": "#2e9d5b", "amber": "#e0a100", "red": "#d64541", "idle": "#7a828c"}
EMOTION_COLORS = {"satisfied": "#2e9d5b", "neutral": "#7a828c", "stressed": "#e0a100", "irritated": "#d64541"}
CHANNEL_COLORS = {"rep": "#2f6fb3", "customer": "#8a3fa0"}
CUE_COLOR = "#2f6fb3"
OBJECTION_COLOR = "#e07b00"
BG = "#1f2328"
FG = "#f3f4f6"
MUTED = "#aab2bd"


def badge_color(state: str | None) -> str:
    return BADGE_COLORS.get(state or "idle", BADGE_COLORS["idle"])


def mmss(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


def ess_text(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"
