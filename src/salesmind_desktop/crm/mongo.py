"""MongoDB repository for the team CRM: customers, interactions, reps and alerts.

Collections (database `CrmSettings.database`):

* `customers`     `_id` = CRM customer id; `name`, `company`, `email`, `phone`, `industry`,
                  `deal_stage`, `last_call_at`, `phone_tail`. Indexes: email, phone_tail.
* `interactions`  one document per call (`crm.models.build_interaction`). Indexes: unique `call_id`;
                  `(customer_id, started_at desc)`; `(rep_day)`; `(team_day)`.
* `reps`          `_id` = rep id; `team`, `last_sync_at`.
* `alerts`        `_id` = "negative_rate|<rep>|<day>"; written by the manager rollup.

Documents are validated in code before every write (`crm.models`), not by `$jsonSchema`.
pymongo is imported only here and in `crm/sync.py`'s error classification.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from salesmind_desktop.crm.models import to_mongo, validate_customer, validate_interaction
from salesmind_desktop.errors import CrmError

DEFAULT_TIMEOUT_MS = 5000


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def make_client(uri: str, *, tls: bool | None = None, timeout_ms: int = DEFAULT_TIMEOUT_MS,
                tls_ca_file: str | None = None, app_name: str = "salesmind-desktop") -> Any:
    """A MongoClient with bounded timeouts. `tls=None` keeps what the URI says (mongodb+srv → TLS)."""
    try:
        from pymongo import MongoClient
        from pymongo.errors import ConfigurationError, InvalidURI
    except ImportError:  # pragma: no cover - pymongo is a runtime dependency
        raise CrmError("pymongo is not installed", "reinstall SalesMind Desktop") from None
    options: dict[str, Any] = dict(serverSelectionTimeoutMS=timeout_ms, socketTimeoutMS=timeout_ms,
                                   connectTimeoutMS=timeout_ms, appname=app_name, retryWrites=True)
    lowered = uri.lower()
    options = {k: v for k, v in options.items() if f"{k.lower()}=" not in lowered}  # the URI's own options win
    if tls is not None and "tls=" not in uri and "ssl=" not in uri:
        local = any(h in uri for h in ("127.0.0.1", "localhost", "[::1]"))
        options["tls"] = bool(tls) and not local  # a loopback server never needs TLS
    if tls_ca_file:
        options["tlsCAFile"] = tls_ca_file
    try:
        return MongoClient(uri, **options)
    except (ConfigurationError, InvalidURI, ValueError, TypeError) as exc:
        raise CrmError(f"the MongoDB connection string is not valid: {exc}",
                       "use mongodb://user@host:27017/?authSource=admin or mongodb+srv://host/...") from None


class CrmRepository:
    def __init__(self, client: Any, database: str = "salesmind") -> None:
        self.client = client
        self.db = client[database]
        self.customers = self.db["customers"]
        self.interactions = self.db["interactions"]
        self.reps = self.db["reps"]
        self.alerts = self.db["alerts"]
        self._indexed = False

    @classmethod
    def connect(cls, uri: str, database: str = "salesmind", *, tls: bool | None = None,
                timeout_ms: int = DEFAULT_TIMEOUT_MS) -> "CrmRepository":
        return cls(make_client(uri, tls=tls, timeout_ms=timeout_ms), database)

    def close(self) -> None:
        self.client.close()

    def ping(self) -> None:
        self.client.admin.command("ping")

    def ensure_indexes(self) -> None:
        if self._indexed:
            return
        from pymongo import ASCENDING, DESCENDING

        self.interactions.create_index([("call_id", ASCENDING)], unique=True, name="call_id_unique")
        self.interactions.create_index([("customer_id", ASCENDING), ("started_at", DESCENDING)], name="customer_time")
        self.interactions.create_index([("rep_day", ASCENDING)], name="rep_day")
        self.interactions.create_index([("team_day", ASCENDING)], name="team_day")
        self.customers.create_index([("email", ASCENDING)], name="email")
        self.customers.create_index([("phone_tail", ASCENDING)], name="phone_tail")
        self._indexed = True

    # ---------------------------------------------------------------------------- writes

    def upsert_interaction(self, doc: dict[str, Any]) -> str:
        """Insert or replace the interaction for `doc["call_id"]`; returns "inserted" or "updated".

        Idempotent: sending the same call twice (a retry after a lost acknowledgement) leaves
        exactly one document. A concurrent first insert that loses the unique-index race is
        retried as an update.
        """
        from pymongo.errors import DuplicateKeyError

        validate_interaction(doc)
        self.ensure_indexes()
        body = to_mongo(doc)
        body["synced_at"] = _utcnow()
        for _ in range(2):
            try:
                res = self.interactions.update_one({"call_id": body["call_id"]},
                                                   {"$set": body, "$setOnInsert": {"created_at": _utcnow()}},
                                                   upsert=True)
                break
            except DuplicateKeyError:
                continue
        else:  # pragma: no cover - needs two lost races in a row
            raise CrmError(f"call {doc['call_id']} could not be written (duplicate key race)", "sync again")
        self._touch_related(body)
        return "inserted" if res.upserted_id is not None else "updated"

    def _touch_related(self, body: dict[str, Any]) -> None:
        now = _utcnow()
        self.reps.update_one({"_id": body["rep_id"]}, {"$set": {"team": body.get("team", ""), "last_sync_at": now}},
                             upsert=True)
        if body.get("customer_id"):
            self.customers.update_one({"_id": body["customer_id"]},
                                      {"$max": {"last_call_at": body["started_at"]},
                                       "$setOnInsert": {"created_at": now}}, upsert=True)

    def upsert_customer(self, customer: dict[str, Any]) -> None:
        validate_customer(customer)
        self.ensure_indexes()
        fields = {k: v for k, v in normalise_customer(customer).items() if k != "_id"}
        self.customers.update_one({"_id": customer["_id"]}, {"$set": fields}, upsert=True)

    # ----------------------------------------------------------------------------- reads

    def find_customer(self, ref: str) -> dict[str, Any] | None:
        """A customer by CRM id, e-mail (case-insensitive) or phone (digits compared)."""
        ref = ref.strip()
        doc = self.customers.find_one({"_id": ref})
        if doc is None and "@" in ref:
            doc = self.customers.find_one({"email": ref.lower()})
        if doc is None:
            digits = "".join(ch for ch in ref if ch.isdigit())
            if len(digits) >= 6:
                # the last 9 digits: "+1 (312) 555-0147" and "312 555 0147" are the same phone
                doc = self.customers.find_one({"phone_tail": digits[-9:]}) or self.customers.find_one({"phone": ref})
        return doc

    def interactions_for(self, customer_id: str, limit: int = 20) -> list[dict[str, Any]]:
        """Most recent first."""
        return list(self.interactions.find({"customer_id": customer_id}, {"_id": 0})
                    .sort("started_at", -1).limit(limit))

    def interaction(self, call_id: str) -> dict[str, Any] | None:
        return self.interactions.find_one({"call_id": call_id}, {"_id": 0})

    def count_interactions(self, query: dict[str, Any] | None = None) -> int:
        return self.interactions.count_documents(query or {})


def normalise_customer(customer: dict[str, Any]) -> dict[str, Any]:
    """Lower-case e-mail and the phone's last 9 digits, so lookups by what the rep types match."""
    out = dict(customer)
    if isinstance(out.get("email"), str):
        out["email"] = out["email"].strip().lower()
    if isinstance(out.get("phone"), str):
        out["phone_tail"] = "".join(ch for ch in out["phone"] if ch.isdigit())[-9:]
    return out
