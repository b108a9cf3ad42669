"""CRM repository over the MongoDB wire protocol (nx-27017, or MONGODB_URI): upserts, indexes,
validation, pre-call context, lead priority and the negative-rate rollup."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from fixtures_summaries import make_summary

from salesmind_desktop.crm import analytics
from salesmind_desktop.crm.models import build_interaction
from salesmind_desktop.errors import CrmError

pytest_plugins = ["fixtures_mongo"]  # nx-27017 server, once per session
pytestmark = pytest.mark.crm
NOW = time.time()


def doc(call_id, overall=6.0, customer="C-1", rep="rep-a", team="east", hours_ago=1.0, objections=(),
        resolved=False):
    return build_interaction(make_summary(call_id, overall=overall, objections=objections, resolved=resolved),
                             started_at=NOW - hours_ago * 3600, rep_id=rep, team=team, customer_id=customer)


def test_interaction_document_carries_the_required_fields():
    d = doc("c1", overall=4.0, objections=("price",))
    assert set(d["ess"]) >= {"overall", "min", "final"} and d["ess"]["overall"] == 4.0
    assert d["sentiment"] == {"avg": 0.3, "min": 0.0}
    assert d["objections"] == ["price"] and d["open_objections"] == ["price"]
    assert d["key_moments"][0]["kind"] == "peak" and d["talk"]["rep_share"] == 0.45
    assert d["rep_id"] == "rep-a" and d["started_at"] < d["ended_at"]
    assert "utterances" not in d  # transcripts never leave the PC


def test_upsert_is_idempotent_and_call_id_unique(repo):
    from pymongo.errors import DuplicateKeyError

    assert repo.upsert_interaction(doc("c1")) == "inserted"
    assert repo.upsert_interaction(doc("c1", overall=3.0)) == "updated"
    assert repo.count_interactions({"call_id": "c1"}) == 1
    assert repo.interaction("c1")["ess"]["overall"] == 3.0
    with pytest.raises(DuplicateKeyError):  # the unique index itself refuses a second document
        repo.interactions.insert_one({"call_id": "c1"})
    assert repo.count_interactions({"call_id": "c1"}) == 1
    assert repo.reps.find_one({"_id": "rep-a"})["team"] == "east"
    assert repo.customers.find_one({"_id": "C-1"}) is not None


def test_invalid_documents_are_refused_in_code(repo):
    bad = doc("c2")
    bad["ess"]["overall"] = 42
    bad["rep_id"] = ""
    with pytest.raises(CrmError) as err:
        repo.upsert_interaction(bad)
    assert "ess.overall" in err.value.message and "rep_id" in err.value.message
    assert repo.count_interactions() == 0


def test_pre_call_context_by_id_email_and_phone(repo):
    repo.upsert_customer({"_id": "C-7", "name": "Dana Lee", "company": "Northwind", "email": "Dana@Northwind.com",
                          "phone": "+1 (312) 555-0147"})
    for i, (ess, obj) in enumerate([(7.0, ("price",)), (5.0, ("price",)), (3.0, ("timing",))]):
        d = doc(f"k{i}", overall=ess, customer="C-7", hours_ago=30 - i, objections=obj)
        d["notes"] = [f"note {i}"]
        repo.upsert_interaction(d)
    for ref in ("C-7", "dana@northwind.com", "312 555 0147"):
        ctx = analytics.customer_context(repo, ref)
        assert ctx is not None and ctx.customer_id == "C-7" and ctx.name == "Dana Lee"
    assert ctx.past_ess == (7.0, 5.0, 3.0) and ctx.ess_trend == "declining"
    assert ctx.recurring_objections == ("price",) and ctx.open_objections == ("timing",)
    assert ctx.last_notes == "note 2"
    assert analytics.customer_context(repo, "nobody@nowhere.com") is None


def test_lead_priority_ranks_cooling_customers_with_open_objections_first(repo):
    # happy: steady high ESS; cooling: was fine, now low with an open objection; new: one neutral call
    for i, ess in enumerate([8.0, 8.0, 8.0]):
        repo.upsert_interaction(doc(f"h{i}", ess, customer="happy", hours_ago=50 - i))
    for i, ess in enumerate([8.0, 7.0, 7.0, 4.0, 3.0, 3.0]):
        repo.upsert_interaction(doc(f"c{i}", ess, customer="cooling", hours_ago=50 - i,
                                    objections=("price",) if i == 5 else ()))
    repo.upsert_interaction(doc("n0", 5.0, customer="new", hours_ago=2))
    repo.upsert_interaction(doc("old", 1.0, customer="ancient", hours_ago=24 * 200))  # outside the window
    leads = analytics.lead_priority(repo, days=90)
    assert [lead.customer_id for lead in leads] == ["cooling", "new", "happy"]
    cooling = leads[0]
    assert cooling.recent_ess == pytest.approx(10 / 3, abs=1e-3)
    assert cooling.trend == pytest.approx(10 / 3 - 32 / 6, abs=1e-3)
    assert cooling.open_objections == ("price",)
    expected = (10 - cooling.recent_ess) + 2 * max(0.0, -cooling.trend) + 1.5 * 1
    assert cooling.priority == pytest.approx(expected, abs=1e-2)


def test_negative_rate_rollup_alerts_over_threshold(repo):
    day = dt.datetime.fromtimestamp(NOW, dt.timezone.utc)
    hours = min(day.hour + day.minute / 60, 20.0) / 10  # keep all calls on the same UTC day
    for i in range(10):  # rep-a: 4 of 10 negative (40 %), rep-b: 2 of 10 (20 %)
        repo.upsert_interaction(doc(f"a{i}", 3.0 if i < 4 else 7.0, rep="rep-a", hours_ago=hours * i / 10))
        repo.upsert_interaction(doc(f"b{i}", 3.0 if i < 2 else 7.0, rep="rep-b", hours_ago=hours * i / 10))
    rows = {r.key: r for r in analytics.negative_rate_rollup(repo, days=2, threshold=0.30)}
    assert (rows["rep-a"].calls, rows["rep-a"].negative, rows["rep-a"].rate, rows["rep-a"].alert) == (10, 4, 0.4, True)
    assert (rows["rep-b"].rate, rows["rep-b"].alert) == (0.2, False)
    alerts = list(repo.alerts.find({}))
    assert [a["key"] for a in alerts] == ["rep-a"] and alerts[0]["rate"] == 0.4
    team = analytics.negative_rate_rollup(repo, days=2, threshold=0.25, by="team", record_alerts=False)
    assert [(r.key, r.calls, r.negative, r.alert) for r in team] == [("east", 20, 6, True)]


def test_tls_follows_the_setting_except_on_loopback():
    from salesmind_desktop.crm.mongo import make_client

    remote = make_client("mongodb://crm.example.com:27017", tls=True, timeout_ms=100)
    local = make_client("mongodb://127.0.0.1:27017", tls=True, timeout_ms=100)
    explicit = make_client("mongodb://crm.example.com:27017/?tls=false", tls=True, timeout_ms=100)
    try:
        assert remote.options._options["tls"] is True
        assert local.options._options["tls"] is False
        assert explicit.options._options["tls"] is False  # the URI wins
    finally:
        for c in (remote, local, explicit):
            c.close()


def test_bad_uri_is_a_crm_error():
    from salesmind_desktop.crm.mongo import make_client

    with pytest.raises(CrmError) as err:
        make_client("http://example.com")
    assert "mongodb://" in err.value.fix
