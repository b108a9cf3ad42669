"""CRM document shapes, built from a call summary and validated in code (no `$jsonSchema`).

Pure Python (no pymongo): the outbox stores `build_interaction(...)` as JSON, the approval preview
shows it verbatim, and `to_mongo` only turns its ISO times into datetimes for the upload.
Transcripts never leave the PC: an interaction carries scores, tags, key moments and notes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from salesmind_desktop.errors import CrmError

SCHEMA_VERSION = 1
_SENTIMENT_VALUE = {"positive": 1.0, "neutral": 0.0, "negative": -1.0}
TIME_FIELDS = ("started_at", "ended_at")


def _iso(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, dt.timezone.utc).isoformat(timespec="seconds")


def _num(value: Any) -> float | None:
    return round(float(value), 3) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _utterance_sentiment(u: dict[str, Any]) -> float | None:
    if isinstance(u.get("valence"), (int, float)):
        return float(u["valence"])
    return _SENTIMENT_VALUE.get(str(u.get("sentiment", "")).lower())


def build_interaction(summary: dict[str, Any], *, started_at: float, rep_id: str = "", team: str = "",
                      customer_id: str | None = None, notes: list[str] | None = None) -> dict[str, Any]:
    """The interaction document for one call (JSON-safe). `summary` is CallSummary.to_dict().

    `rep_id`/`customer_id` fall back to the summary's own fields; `notes` are the rep's notes
    from the local store (already masked), appended to the summary's `notes`.
    """
    rep_id = rep_id or str(summary.get("rep_id") or "")
    customer_id = customer_id or summary.get("customer_id")
    duration = float(summary.get("duration_s") or 0.0)
    ess = summary.get("ess") or {}
    customer_utts = [u for u in summary.get("utterances") or [] if u.get("channel") == "customer"]
    sentiments = [s for s in map(_utterance_sentiment, customer_utts) if s is not None]
    objection_events = [{"t": _num(o.get("t")) or 0.0, "type": str(o.get("type", "")), "text": str(o.get("text", "")),
                         "resolved": o.get("resolved") if isinstance(o.get("resolved"), bool) else None}
                        for o in summary.get("objections") or [] if o.get("type") not in (None, "", "none")]
    # an objection is open unless the customer's ESS recovered after it in this call
    open_objections = sorted({o["type"] for o in objection_events if o["resolved"] is not True})
    notes = [n for n in [str(summary.get("notes") or "").strip(), *(notes or [])] if n]
    day = _iso(started_at)[:10]
    rep = rep_id or "unknown"
    talk = {k: _num(v) for k, v in (summary.get("talk") or {}).items() if _num(v) is not None}
    return {
        "schema_version": SCHEMA_VERSION,
        "call_id": str(summary["call_id"]),
        "customer_id": customer_id or None,
        "rep_id": rep,
        "team": team or "",
        "started_at": _iso(started_at),
        "ended_at": _iso(started_at + duration),
        "day": day,
        "rep_day": f"{rep}|{day}",
        "team_day": f"{team or ''}|{day}",
        "duration_s": round(duration, 2),
        "ess": {**{k: _num(ess.get(k)) for k in ("overall", "min", "final")},
                "trend": str(ess.get("trend") or "n/a")},
        "sentiment": {"avg": _num(sum(sentiments) / len(sentiments)) if sentiments else None,
                      "min": _num(min(sentiments)) if sentiments else None},
        "objections": sorted({o["type"] for o in objection_events}),
        "open_objections": open_objections,
        "objection_events": objection_events,
        "key_moments": [{"t": _num(m.get("t")) or 0.0, "kind": str(m.get("kind", "")), "text": str(m.get("text", ""))}
                        for m in summary.get("key_moments") or []],
        "talk": talk,
        "cues": len(summary.get("cues") or []),
        "notes": notes,
        "summary_schema": str(summary.get("schema_version", "")),
    }


def validate_interaction(doc: dict[str, Any]) -> None:
    """Raise CrmError listing every problem; the CRM never receives a malformed document."""
    problems: list[str] = []

    def need(cond: bool, msg: str) -> None:
        if not cond:
            problems.append(msg)

    need(isinstance(doc.get("call_id"), str) and bool(doc.get("call_id")), "call_id must be a non-empty string")
    need(isinstance(doc.get("rep_id"), str) and bool(doc.get("rep_id")), "rep_id must be a non-empty string")
    need(doc.get("customer_id") is None or isinstance(doc.get("customer_id"), str), "customer_id must be a string or null")
    for f in TIME_FIELDS:
        v = doc.get(f)
        need(isinstance(v, (str, dt.datetime)), f"{f} must be an ISO time")
        if isinstance(v, str):
            try:
                dt.datetime.fromisoformat(v)
            except ValueError:
                problems.append(f"{f} is not an ISO time: {v!r}")
    ess = doc.get("ess")
    need(isinstance(ess, dict), "ess must be an object with overall/min/final")
    if isinstance(ess, dict):
        for k in ("overall", "min", "final"):
            v = ess.get(k)
            need(v is None or (isinstance(v, (int, float)) and 0 <= v <= 10), f"ess.{k} must be in 0..10 or null")
    sent = doc.get("sentiment")
    need(isinstance(sent, dict) and all(sent.get(k) is None or -1 <= sent[k] <= 1 for k in ("avg", "min")),
         "sentiment.avg/min must be in -1..1 or null")
    need(isinstance(doc.get("objections"), list) and all(isinstance(o, str) for o in doc.get("objections", [])),
         "objections must be a list of tags")
    need(isinstance(doc.get("key_moments"), list), "key_moments must be a list")
    need(isinstance(doc.get("talk"), dict), "talk must be an object")
    need(isinstance(doc.get("duration_s"), (int, float)) and doc.get("duration_s", -1) >= 0, "duration_s must be >= 0")
    if problems:
        raise CrmError(f"interaction {doc.get('call_id')!r} is not valid: " + "; ".join(problems),
                       "this is a bug in the summary export; the call stays queued locally")


def to_mongo(doc: dict[str, Any]) -> dict[str, Any]:
    """Copy of a (validated) JSON document with ISO times as UTC datetimes."""
    out = dict(doc)
    for f in TIME_FIELDS:
        if isinstance(out.get(f), str):
            out[f] = dt.datetime.fromisoformat(out[f]).astimezone(dt.timezone.utc).replace(tzinfo=None)
    return out


def validate_customer(doc: dict[str, Any]) -> None:
    problems = []
    if not isinstance(doc.get("_id"), str) or not doc["_id"]:
        problems.append("_id (the CRM customer id) must be a non-empty string")
    for f in ("name", "email", "phone", "company"):
        if f in doc and doc[f] is not None and not isinstance(doc[f], str):
            problems.append(f"{f} must be a string")
    if problems:
        raise CrmError("customer is not valid: " + "; ".join(problems), "fix the customer record")
