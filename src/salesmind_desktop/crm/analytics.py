"""Pre-call context, lead priority and manager rollups, computed in MongoDB.

**Lead priority** (who to call / help first; higher = more urgent), per customer over the last
`days` days, all computed by the aggregation pipeline `lead_priority_pipeline`:

    priority = (10 - recent_ess) + 2 * max(0, -trend) + 1.5 * open_objections

* `recent_ess`   mean overall ESS of the customer's last 3 calls (0-10, 5 = neutral)
* `trend`        recent_ess - mean ESS over the window (negative = the relationship is cooling);
                 only a falling trend raises priority (written as `(|t| - t) / 2` = max(0, -t))
* `open_objections`  objection types of the latest call that did not recover in that call

**Manager rollup**: per rep (or team) and day, the number of calls and of negative calls (overall
ESS below `negative_below`, default 4.5 = the amber badge threshold); the rate is negative/calls
and a row is an alert when the rate is over the threshold (default 0.30, the Teleroids example)
with at least `min_calls` calls. Alerts are upserted into `alerts` (one per rep and day).

The pipelines use only stages and operators that real MongoDB and the nx-27017 test server both
run; the final division for the rate is done on the grouped rows in Python.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from salesmind_desktop.crm.mongo import CrmRepository
from salesmind_desktop.insight.context import CustomerContext

RECENT_CALLS = 3


def _since(days: int, now: dt.datetime | None = None) -> dt.datetime:
    now = now or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    return now - dt.timedelta(days=days)


# -------------------------------------------------------------------------- pre-call context


def customer_context(repo: CrmRepository, ref: str, limit: int = 10) -> CustomerContext | None:
    """What the CRM knows about a customer (by id, e-mail or phone); None when unknown."""
    customer = repo.find_customer(ref)
    customer_id = customer["_id"] if customer else ref.strip()
    past = repo.interactions_for(customer_id, limit=limit)
    if customer is None and not past:
        return None
    customer = customer or {}
    oldest_first = list(reversed(past))
    notes = next((n for doc in past for n in reversed(doc.get("notes") or []) if n), "")
    return CustomerContext(
        customer_id=customer_id,
        name=str(customer.get("name", "")),
        company=str(customer.get("company", "")),
        industry=str(customer.get("industry", "")),
        past_ess=tuple(float(d["ess"]["overall"]) for d in oldest_first if (d.get("ess") or {}).get("overall") is not None),
        past_objections=tuple(o for d in oldest_first for o in d.get("objections") or []),
        open_objections=tuple(past[0].get("open_objections") or []) if past else (),
        last_notes=notes,
        deal_stage=str(customer.get("deal_stage", "")),
    )


def context_to_dict(ctx: CustomerContext) -> dict[str, Any]:
    return {"customer_id": ctx.customer_id, "name": ctx.name, "company": ctx.company, "industry": ctx.industry,
            "deal_stage": ctx.deal_stage, "past_ess": list(ctx.past_ess), "ess_trend": ctx.ess_trend,
            "recurring_objections": list(ctx.recurring_objections), "open_objections": list(ctx.open_objections),
            "last_notes": ctx.last_notes}


# ------------------------------------------------------------------------------- lead priority


def lead_priority_pipeline(since: dt.datetime, team: str | None = None, limit: int = 20) -> list[dict[str, Any]]:
    match: dict[str, Any] = {"started_at": {"$gte": since}, "customer_id": {"$ne": None}}
    if team:
        match["team"] = team
    return [
        {"$match": match},
        {"$sort": {"started_at": -1}},
        {"$group": {"_id": "$customer_id", "ess_recent_first": {"$push": "$ess.overall"},
                    "window_ess": {"$avg": "$ess.overall"}, "calls": {"$sum": 1},
                    "last_call_at": {"$first": "$started_at"}, "open": {"$first": "$open_objections"}}},
        {"$project": {"calls": 1, "last_call_at": 1, "window_ess": 1, "open": 1,
                      "recent_ess": {"$avg": {"$slice": ["$ess_recent_first", RECENT_CALLS]}},
                      "open_objections": {"$size": {"$ifNull": ["$open", []]}}}},
        {"$project": {"calls": 1, "last_call_at": 1, "recent_ess": 1, "open": 1, "open_objections": 1,
                      "trend": {"$subtract": ["$recent_ess", "$window_ess"]}}},
        {"$project": {"calls": 1, "last_call_at": 1, "recent_ess": 1, "open": 1, "open_objections": 1, "trend": 1,
                      "falling": {"$multiply": [0.5, {"$subtract": [{"$abs": "$trend"}, "$trend"]}]}}},
        {"$project": {"calls": 1, "last_call_at": 1, "recent_ess": 1, "open": 1, "open_objections": 1, "trend": 1,
                      "priority": {"$add": [{"$subtract": [10, "$recent_ess"]},
                                            {"$multiply": [2, "$falling"]},
                                            {"$multiply": [1.5, "$open_objections"]}]}}},
        {"$sort": {"priority": -1}},
        {"$limit": limit},
    ]


@dataclass(frozen=True)
class Lead:
    customer_id: str
    priority: float
    recent_ess: float
    trend: float
    open_objections: tuple[str, ...]
    calls: int
    last_call_at: dt.datetime | None


def lead_priority(repo: CrmRepository, days: int = 90, team: str | None = None, limit: int = 20,
                  now: dt.datetime | None = None) -> list[Lead]:
    rows = repo.interactions.aggregate(lead_priority_pipeline(_since(days, now), team, limit))
    return [Lead(str(r["_id"]), round(float(r["priority"]), 3), round(float(r["recent_ess"]), 3),
                 round(float(r["trend"]), 3), tuple(r.get("open") or ()), int(r["calls"]), r.get("last_call_at"))
            for r in rows]


# ------------------------------------------------------------------------------ manager rollup


def negative_rate_pipeline(since: dt.datetime, by: str = "rep", negative_below: float = 4.5,
                           team: str | None = None) -> list[dict[str, Any]]:
    key = "$rep_day" if by == "rep" else "$team_day"
    match: dict[str, Any] = {"started_at": {"$gte": since}}
    if team:
        match["team"] = team
    return [
        {"$match": match},
        {"$group": {"_id": key, "rep_id": {"$max": "$rep_id"}, "team": {"$max": "$team"}, "day": {"$max": "$day"},
                    "calls": {"$sum": 1},
                    "negative": {"$sum": {"$cond": [{"$lt": ["$ess.overall", negative_below]}, 1, 0]}}}},
        {"$sort": {"_id": 1}},
    ]


@dataclass(frozen=True)
class RollupRow:
    key: str  # rep id or team name
    day: str
    calls: int
    negative: int
    rate: float
    alert: bool


def negative_rate_rollup(repo: CrmRepository, days: int = 7, threshold: float = 0.30, by: str = "rep",
                         negative_below: float = 4.5, team: str | None = None, min_calls: int = 3,
                         now: dt.datetime | None = None, record_alerts: bool = True) -> list[RollupRow]:
    if by not in ("rep", "team"):
        raise ValueError("by must be 'rep' or 'team'")
    rows = []
    for r in repo.interactions.aggregate(negative_rate_pipeline(_since(days, now), by, negative_below, team)):
        calls, negative = int(r["calls"]), int(r["negative"])
        rate = negative / calls if calls else 0.0
        key = str(r["rep_id"] if by == "rep" else r["team"])
        rows.append(RollupRow(key, str(r["day"]), calls, negative, round(rate, 4),
                              rate > threshold and calls >= min_calls))
    if record_alerts:
        stamp = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        for row in rows:
            if row.alert:
                repo.alerts.update_one(
                    {"_id": f"negative_rate|{by}|{row.key}|{row.day}"},
                    {"$set": {"kind": "negative_rate", "by": by, "key": row.key, "day": row.day, "calls": row.calls,
                              "negative": row.negative, "rate": row.rate, "threshold": threshold, "updated_at": stamp}},
                    upsert=True)
    return rows
