"""Read a `CallSummary` (or its exported JSON dict) into what the summary window displays.

No analysis happens here: every number comes from the core's `CallSummary.to_dict()`. This
module only picks fields out of that dict (tolerating older exports that lack some sections) so
the widgets stay simple. Notes and customer/deal fields edited by the rep are written back into
the dict under `notes` / `customer` so exports and the CRM carry them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from salesmind_desktop.ui.chart import Marker
from salesmind_desktop.ui.transcript import TranscriptLine

MOMENT_KINDS = {"negative_spike": "negative", "recovery": "positive", "peak": "positive",
                "objection": "objection", "mixed_signal": "event", "badge": "event"}


@dataclass(frozen=True)
class Moment:
    t: float
    kind: str  # negative | positive | objection | cue | event
    text: str


@dataclass
class SummaryView:
    data: dict[str, Any]
    call_id: str = ""
    duration_s: float = 0.0
    overall: float | None = None
    minimum: float | None = None
    final: float | None = None
    trend: str = ""
    points: list[tuple[float, float]] = field(default_factory=list)
    moments: list[Moment] = field(default_factory=list)
    objections: list[dict[str, Any]] = field(default_factory=list)
    talk: dict[str, Any] = field(default_factory=dict)
    cues: list[dict[str, Any]] = field(default_factory=list)
    transcript: list[TranscriptLine] = field(default_factory=list)
    went_well: list[str] = field(default_factory=list)
    try_next: list[str] = field(default_factory=list)
    audio_path: str = ""

    def markers(self) -> list[Marker]:
        return [Marker(m.t, m.kind, m.text) for m in self.moments]


def summary_dict(summary: Any) -> dict[str, Any]:
    """`CallSummary` -> its JSON dict (a dict is returned as is)."""
    if isinstance(summary, dict):
        return summary
    to_dict = getattr(summary, "to_dict", None)
    if to_dict is None:
        raise TypeError(f"not a call summary: {type(summary).__name__}")
    return to_dict()


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _first(d: dict[str, Any], *keys: str, default: Any = None) -> Any:
    for key in keys:
        if key in d and d[key] is not None:
            return d[key]
    return default


def _time(item: dict[str, Any]) -> float:
    return float(_first(item, "t", "start", "time", default=0.0) or 0.0)


def build_view(summary: Any) -> SummaryView:
    d = summary_dict(summary)
    ess = _first(d, "ess", default={}) or {}
    view = SummaryView(data=d)
    view.call_id = str(_first(d, "call_id", "id", default=""))
    view.duration_s = float(_first(d, "duration_s", "duration", default=0.0) or 0.0)
    if isinstance(ess, dict):
        view.overall = _num(_first(ess, "overall", "call"))
        view.minimum = _num(_first(ess, "min", "minimum"))
        view.final = _num(_first(ess, "final", "last"))
        trend, delta = _first(ess, "trend", default=""), _num(ess.get("trend_delta"))
        view.trend = f"{trend} ({delta:+.1f})" if trend and delta else str(trend or "")
    series = _first(d, "ess_timeline", default=[]) or []
    for item in series:
        if isinstance(item, dict):
            value = _num(_first(item, "rolling", "ess", "value"))
            if value is not None:
                view.points.append((_time(item), value))

    for item in _first(d, "key_moments", "events", default=[]) or []:
        if isinstance(item, dict):
            kind = MOMENT_KINDS.get(str(item.get("kind", "")), "event")
            text = str(_first(item, "text", "description", default=""))
            cause = str(item.get("cause") or "")
            if cause and cause not in text:
                text = f"{text} ({cause})"
            view.moments.append(Moment(_time(item), kind, text))
    seen = [m.t for m in view.moments]  # an objection already told as a key moment is not repeated
    for item in _first(d, "objections", default=[]) or []:
        if isinstance(item, dict):
            view.objections.append(item)
            if not any(abs(_time(item) - t) < 0.5 for t in seen):
                quote = _first(item, "evidence", "quote", "text", default="")
                view.moments.append(Moment(_time(item), "objection", f"{item.get('type', 'objection')}: “{quote}”"))
    for item in _first(d, "cues", default=[]) or []:
        if isinstance(item, dict):
            view.cues.append(item)
            view.moments.append(Moment(_time(item), "cue", f"cue: {_first(item, 'text', 'type', default='')}"))
    view.moments.sort(key=lambda m: m.t)
    talk = _first(d, "talk", "talk_metrics", default={}) or {}
    view.talk = talk if isinstance(talk, dict) else {}
    for item in _first(d, "utterances", "transcript", default=[]) or []:
        if isinstance(item, dict) and item.get("text"):
            ess_value = _num(_first(item, "ess"))
            view.transcript.append(TranscriptLine(
                _time(item), str(_first(item, "channel", "speaker", default="customer")), str(item["text"]),
                str(_first(item, "emotion", default="") or ""), ess_value,
                str(item.get("objection") or "").replace("none", "")))
    view.went_well = [str(x) for x in _first(d, "went_well", default=[]) or []]
    view.try_next = [str(x) for x in _first(d, "try_next", default=[]) or []]
    view.audio_path = str(_first(d, "audio_path", default="") or "")
    return view


def cue_effect(cue: dict[str, Any]) -> str:
    """The core's verdict on a cue's effect, in words ("ESS 3.1 → 4.2, improved")."""
    before = _num(_first(cue, "ess_before"))
    after = _num(_first(cue, "ess_after"))
    improved = _first(cue, "improved", "effect")
    parts = []
    if before is not None and after is not None:
        parts.append(f"ESS {before:.1f} → {after:.1f}")
    if isinstance(improved, bool):
        parts.append("improved" if improved else "no improvement")
    elif isinstance(improved, str):
        parts.append(improved)
    return ", ".join(parts) or "effect not measured"
