"""One call to keep a finished call: mask it, store it locally and queue its CRM document.

    from salesmind_desktop.store.persist import persist_call
    persist_call(summary, customer_id="C-1042")          # analyze --customer, the app at call end

The call row and its outbox entry are written in the same transaction, so a crash can never leave
a stored call that will not sync (or a queued document without its call).
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from salesmind_desktop.crm.models import build_interaction
from salesmind_desktop.settings import Settings
from salesmind_desktop.store.local import LocalStore


def _as_dict(summary: Any) -> dict[str, Any]:
    return summary.to_dict() if hasattr(summary, "to_dict") else dict(summary)


def _start_of(summary: dict[str, Any], started_at: float | None) -> float:
    if started_at is not None:
        return float(started_at)
    iso = summary.get("started_at")
    if isinstance(iso, str) and iso:
        try:
            parsed = dt.datetime.fromisoformat(iso.replace("Z", "+00:00"))
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=dt.timezone.utc)
            return parsed.timestamp()
        except ValueError:
            pass
    return time.time() - float(summary.get("duration_s") or 0.0)


def persist_call(summary: Any, *, customer_id: str | None = None, settings: Settings | None = None,
                 store: LocalStore | None = None, started_at: float | None = None,
                 audio_path: str | None = None) -> str:
    """Store `summary` (a CallSummary or its dict) masked, linked to `customer_id`, and enqueue it."""
    if settings is None:
        from salesmind_desktop import settings as settings_mod

        settings = settings_mod.load()
    data = _as_dict(summary)
    start = _start_of(data, started_at)
    customer = customer_id or data.get("customer_id")
    rep_id = settings.crm.rep_id or str(data.get("rep_id") or "")
    payload = build_interaction(data, started_at=start, rep_id=rep_id, team=settings.crm.team, customer_id=customer)
    own = store is None
    store = store or LocalStore()
    try:
        return store.save_call(data, started_at=start, rep_id=payload["rep_id"], team=settings.crm.team,
                               customer_id=customer,
                               audio_path=audio_path if settings.privacy.keep_audio else None,
                               outbox_payload=payload, approval_required=settings.crm.approve_before_sync)
    finally:
        if own:
            store.close()


def add_note(store: LocalStore, call_id: str, text: str, settings: Settings) -> None:
    """Add a rep note (masked) and re-queue the call's CRM document so the note is synced too."""
    store.add_note(call_id, text)
    requeue(store, call_id, settings)


def requeue(store: LocalStore, call_id: str, settings: Settings) -> dict[str, Any]:
    """Rebuild the call's CRM document from the local store and queue it again (idempotent upsert)."""
    call = store.call(call_id)
    data = store.summary(call_id)
    if call is None or data is None:
        from salesmind_desktop.store.local import StoreError

        raise StoreError(f"no call '{call_id}' in the local store", "check the call id with `salesmind-desktop sync`")
    payload = build_interaction(data, started_at=call["started_at"], rep_id=call["rep_id"], team=call["team"],
                                customer_id=call.get("customer_id"), notes=store.notes(call_id))
    store.enqueue(call_id, payload, approval_required=settings.crm.approve_before_sync)
    return payload
