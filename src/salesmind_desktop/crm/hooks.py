"""The two callables the desktop UI's CRM panel needs (see ui/crm_panel.py), backed by the store.

* `preview(summary_dict) -> dict`: stores the call locally if it is not stored yet (masked,
  queued, held for approval when `crm.approve_before_sync`), then returns its outbox document,
  i.e. exactly what the sync will send.
* `approve(summary_dict) -> str`: releases the held document and tries to sync it now (bounded
  timeout); returns a status line. If the CRM is down it stays queued and the background worker
  retries it.
"""

from __future__ import annotations

from typing import Any, Callable

from salesmind_desktop.settings import Settings


def ui_hooks(settings: Settings, store=None, timeout_ms: int = 3000
             ) -> tuple[Callable[[dict[str, Any]], dict[str, Any]], Callable[[dict[str, Any]], str]]:
    from salesmind_desktop.crm.connection import open_repository
    from salesmind_desktop.crm.sync import SyncWorker
    from salesmind_desktop.store.local import LocalStore
    from salesmind_desktop.store.persist import persist_call

    def _store() -> LocalStore:
        return store if store is not None else LocalStore()

    def preview(summary: dict[str, Any]) -> dict[str, Any]:
        s = _store()
        try:
            call_id = str(summary.get("call_id", ""))
            if s.outbox_item(call_id) is None:
                persist_call(summary, settings=settings, store=s)
            return s.outbox_item(call_id).payload  # type: ignore[union-attr]
        finally:
            if store is None:
                s.close()

    def approve(summary: dict[str, Any]) -> str:
        s = _store()
        call_id = str(summary.get("call_id", ""))
        try:
            if s.outbox_item(call_id) is None:
                persist_call(summary, settings=settings, store=s)
            s.approve(call_id)
            worker = SyncWorker(s, lambda: open_repository(settings, timeout_ms=timeout_ms))
            status = worker.drain()
            worker.stop()
            item = s.outbox_item(call_id)
            if item is not None and item.status == "sent":
                return "Synced to the CRM."
            cause = (item.last_error if item else None) or status.last_error or "not sent yet"
            return f"Queued for the CRM; it will be retried automatically ({cause})."
        finally:
            if store is None:
                s.close()

    return preview, approve
