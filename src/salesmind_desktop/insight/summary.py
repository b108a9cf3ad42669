"""The post-call summary: one typed, versioned record that every consumer reads.

`CallSummary.to_dict()` is the JSON export (`analyze --json`, local store, CRM sync); its schema
is `summary.schema.json` next to this file and is documented in docs/summary-schema.md.
`from_dict()` reads it back (and rejects other major versions with a clear error);
`to_markdown()` and `to_text()` are the readable renderings (see `render.py`).

Bump `SCHEMA_VERSION`'s minor number for added optional fields, the major one for anything a
reader of an older version would misread.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from salesmind_desktop.errors import ConfigError

SCHEMA_VERSION = "1.0"
SCHEMA_FILE = Path(__file__).with_name("summary.schema.json")


@dataclass(frozen=True)
class EssSummary:
    overall: float
    min: float
    final: float
    trend: str  # improving | declining | steady | n/a
    trend_delta: float = 0.0
    min_t: float | None = None


@dataclass(frozen=True)
class UtteranceRecord:
    id: int
    channel: str  # rep | customer
    start: float
    end: float
    text: str
    sentiment: str | None = None
    emotion: str | None = None
    objection: str = "none"
    ess: float | None = None
    mixed_signal: bool = False
    why: str = ""
    valence: float | None = None
    confidence: float | None = None


@dataclass(frozen=True)
class ObjectionRecord:
    t: float
    type: str
    text: str
    confidence: float = 0.0
    evidence: str = ""
    resolved: bool | None = None  # customer ESS recovered after it (None: nothing said after)


@dataclass(frozen=True)
class KeyMoment:
    t: float
    kind: str  # negative_spike | recovery | objection | mixed_signal | badge | peak
    text: str
    cause: str = ""
    ess: float | None = None


@dataclass(frozen=True)
class TalkSummary:
    rep_share: float = 0.0
    customer_share: float = 0.0
    rep_talk_s: float = 0.0
    customer_talk_s: float = 0.0
    rep_wpm: float = 0.0
    customer_wpm: float = 0.0
    longest_rep_monologue_s: float = 0.0
    interruptions: int = 0
    rep_questions: int = 0
    silence_gaps: int = 0
    longest_silence_s: float = 0.0


@dataclass(frozen=True)
class CueRecord:
    t: float
    type: str
    text: str
    reason: str
    suggestion: str = ""
    evidence: tuple[str, ...] = ()
    id: int = 0
    feedback: str | None = None  # dismissed | helpful | snooze, when the rep reacted
    ess_before: float | None = None
    ess_after: float | None = None
    improved: bool | None = None  # None when the customer said nothing after the cue


@dataclass(frozen=True)
class BadgePoint:
    t: float
    state: str


@dataclass(frozen=True)
class EssPoint:
    t: float
    rolling: float
    utterance: float


@dataclass(frozen=True)
class CallSummary:
    call_id: str
    duration_s: float
    ess: EssSummary
    utterances: tuple[UtteranceRecord, ...] = ()
    objections: tuple[ObjectionRecord, ...] = ()
    key_moments: tuple[KeyMoment, ...] = ()
    talk: TalkSummary = field(default_factory=TalkSummary)
    cues: tuple[CueRecord, ...] = ()
    badge: tuple[BadgePoint, ...] = ()
    ess_timeline: tuple[EssPoint, ...] = ()
    went_well: tuple[str, ...] = ()
    try_next: tuple[str, ...] = ()
    notes: str = ""
    customer_id: str | None = None
    customer_name: str = ""
    rep_id: str = ""
    industry: str = ""
    deal_stage: str = ""
    started_at: str | None = None  # ISO 8601 wall-clock start, set by whoever knows it
    schema_version: str = SCHEMA_VERSION

    # ------------------------------------------------------------------------------ export

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data = {"schema_version": data.pop("schema_version"), **data}
        return _lists(data)

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CallSummary:
        if not isinstance(data, dict):
            raise ConfigError("call summary must be a JSON object", "pass the output of `analyze --json`")
        version = str(data.get("schema_version", ""))
        if version.split(".")[0] != SCHEMA_VERSION.split(".")[0]:
            raise ConfigError(f"call summary schema version {version or '(missing)'} is not supported "
                              f"(this version reads {SCHEMA_VERSION.split('.')[0]}.x)",
                              "re-export the summary with this version of SalesMind")
        try:
            return cls(
                call_id=str(data["call_id"]),
                duration_s=float(data["duration_s"]),
                ess=_build(EssSummary, data["ess"]),
                utterances=tuple(_build(UtteranceRecord, u) for u in data.get("utterances", ())),
                objections=tuple(_build(ObjectionRecord, o) for o in data.get("objections", ())),
                key_moments=tuple(_build(KeyMoment, k) for k in data.get("key_moments", ())),
                talk=_build(TalkSummary, data.get("talk", {})),
                cues=tuple(_build(CueRecord, {**c, "evidence": tuple(c.get("evidence", ()))})
                           for c in data.get("cues", ())),
                badge=tuple(_build(BadgePoint, b) for b in data.get("badge", ())),
                ess_timeline=tuple(_build(EssPoint, p) for p in data.get("ess_timeline", ())),
                went_well=tuple(data.get("went_well", ())),
                try_next=tuple(data.get("try_next", ())),
                notes=str(data.get("notes", "")),
                customer_id=data.get("customer_id"),
                customer_name=str(data.get("customer_name", "")),
                rep_id=str(data.get("rep_id", "")),
                industry=str(data.get("industry", "")),
                deal_stage=str(data.get("deal_stage", "")),
                started_at=data.get("started_at"),
                schema_version=version,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(f"call summary is missing or has a bad field: {exc}",
                              "validate it against summary.schema.json") from None

    def to_markdown(self) -> str:
        from salesmind_desktop.insight.render import to_markdown

        return to_markdown(self)

    def to_text(self) -> str:
        from salesmind_desktop.insight.render import to_text

        return to_text(self)


def _build(cls: type, data: dict[str, Any]) -> Any:
    """Build a record dataclass from a dict, ignoring unknown keys (newer minor versions)."""
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names})


def _lists(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _lists(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_lists(v) for v in value]
    return value


def load_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def validate(data: dict[str, Any]) -> None:
    """Validate a summary dict against the JSON Schema (needs the `jsonschema` dev package)."""
    import jsonschema

    jsonschema.validate(data, load_schema())
