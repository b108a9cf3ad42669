"""Outbox worker: drains the local store's queued CRM documents into MongoDB.

* Idempotent: every document is an upsert keyed by `call_id` (unique index), and an outbox entry
  is marked sent only after MongoDB acknowledged the write. A crash between the two re-sends the
  same document, which overwrites itself: never lost, never duplicated.
* Failures are classified (`unreachable`, `timeout`, `auth`, `config`, `rejected`), recorded on
  the entry with their cause, and retried with exponential backoff (2 s doubling to 5 min, with
  jitter). A connection-level failure ends the pass; a rejected document only delays itself.
* `status()` is what the CLI and the UI show; `start()`/`stop()` run drains on a background thread.
* With `CrmSettings.approve_before_sync`, new entries wait in `awaiting_approval`;
  `preview(call_id)` returns exactly the document that will be sent and `approve(call_id)` queues it.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, replace
from typing import Any, Callable

from salesmind_desktop.errors import ConfigError, CrmError
from salesmind_desktop.store.local import LocalStore

BASE_DELAY_S = 2.0
MAX_DELAY_S = 300.0
CONNECTION_KINDS = frozenset({"unreachable", "timeout", "auth", "config"})


@dataclass(frozen=True)
class SyncStatus:
    state: str = "idle"  # idle | syncing | ok | retrying | error | not_configured
    pending: int = 0
    awaiting_approval: int = 0
    sent: int = 0
    last_error: str | None = None
    error_kind: str | None = None
    next_retry_at: float | None = None
    last_success_at: float | None = None
    sent_this_pass: int = 0

    def describe(self) -> str:
        parts = [f"sync: {self.state}", f"{self.pending} queued", f"{self.awaiting_approval} awaiting approval",
                 f"{self.sent} sent"]
        if self.last_error:
            parts.append(f"last error ({self.error_kind}): {self.last_error}")
        if self.next_retry_at:
            parts.append(f"next retry in {max(0.0, self.next_retry_at - time.time()):.0f} s")
        return "; ".join(parts)


def classify(exc: BaseException) -> tuple[str, str]:
    """(kind, human cause) for an exception raised while talking to MongoDB."""
    from pymongo import errors as pe

    if isinstance(exc, (ConfigError,)):
        return "config", exc.message
    if isinstance(exc, CrmError):
        return ("rejected" if "not valid" in exc.message else "config"), exc.message
    if isinstance(exc, pe.OperationFailure) and (exc.code in (18, 13, 8000) or "auth" in str(exc).lower()):
        return "auth", f"MongoDB rejected the credentials or permissions: {exc}"
    if isinstance(exc, (pe.NetworkTimeout, pe.ExecutionTimeout, pe.WTimeoutError)):
        return "timeout", f"MongoDB was too slow to answer: {exc}"
    if isinstance(exc, (pe.ServerSelectionTimeoutError, pe.AutoReconnect, pe.ConnectionFailure)):
        return "unreachable", f"MongoDB is unreachable: {str(exc).split(' (configured timeouts')[0]}"
    if isinstance(exc, pe.ConfigurationError):
        return "config", f"MongoDB configuration problem: {exc}"
    if isinstance(exc, (pe.WriteError, pe.DocumentTooLarge, pe.OperationFailure)):
        return "rejected", f"MongoDB rejected the document: {exc}"
    return "error", f"{type(exc).__name__}: {exc}"


def backoff_delay(attempts: int, base: float = BASE_DELAY_S, cap: float = MAX_DELAY_S) -> float:
    delay = min(cap, base * 2 ** max(0, attempts - 1))
    return delay * random.uniform(0.85, 1.15)


class SyncWorker:
    """Drains `store`'s outbox through a repository from `repo_factory` (called lazily, cached)."""

    def __init__(self, store: LocalStore, repo_factory: Callable[[], Any], *, base_delay: float = BASE_DELAY_S,
                 max_delay: float = MAX_DELAY_S, clock: Callable[[], float] = time.time,
                 on_status: Callable[[SyncStatus], None] | None = None) -> None:
        self.store = store
        self._repo_factory = repo_factory
        self._repo: Any = None
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.clock = clock
        self.on_status = on_status
        self._status = SyncStatus()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------------ approval

    def preview(self, call_id: str) -> dict[str, Any]:
        item = self.store.outbox_item(call_id)
        if item is None:
            raise CrmError(f"call '{call_id}' is not queued for the CRM", "persist it first (analyze --customer ID)")
        return item.payload

    def approve(self, call_id: str) -> bool:
        ok = self.store.approve(call_id)
        self._wake.set()
        return ok

    # --------------------------------------------------------------------------- drain

    def status(self) -> SyncStatus:
        counts = self.store.outbox_counts()
        with self._lock:
            return replace(self._status, pending=counts["pending"], awaiting_approval=counts["awaiting_approval"],
                           sent=counts["sent"])

    def _set(self, **changes: Any) -> SyncStatus:
        with self._lock:
            self._status = replace(self._status, **changes)
        status = self.status()
        if self.on_status:
            self.on_status(status)
        return status

    def _drop_repo(self) -> None:
        if self._repo is not None:
            try:
                self._repo.close()
            except Exception:  # noqa: BLE001 - closing a broken client must not mask the cause
                pass
        self._repo = None

    def drain(self, batch: int = 100, now: float | None = None) -> SyncStatus:
        """Send every due entry once (no waiting); returns the resulting status."""
        sent = 0
        self._set(state="syncing", sent_this_pass=0)
        while True:
            due = self.store.due(now=self.clock() if now is None else now, limit=batch)
            if not due:
                break
            for item in due:
                try:
                    if self._repo is None:
                        self._repo = self._repo_factory()
                    self._repo.upsert_interaction(item.payload)
                except Exception as exc:  # noqa: BLE001 - every failure is classified and kept visible
                    kind, cause = classify(exc)
                    at = self.clock() + backoff_delay(item.attempts + 1, self.base_delay, self.max_delay)
                    self.store.mark_failed(item.call_id, cause, kind, at)
                    if kind in CONNECTION_KINDS or kind == "error":
                        self._drop_repo()
                        self._postpone_all(at, cause, kind)
                        return self._set(state="retrying" if kind != "config" else "error", last_error=cause,
                                         error_kind=kind, next_retry_at=at, sent_this_pass=sent)
                    self._set(last_error=cause, error_kind=kind)
                    continue
                self.store.mark_sent(item.call_id, item.payload)
                sent += 1
            if len(due) < batch:
                break
        failing = self.store.failing(limit=1)
        if failing:
            f = failing[0]
            return self._set(state="retrying", last_error=f.last_error, error_kind=f.error_kind,
                             next_retry_at=f.next_attempt_at, sent_this_pass=sent,
                             last_success_at=self.clock() if sent else self._status.last_success_at)
        return self._set(state="ok", last_error=None, error_kind=None, next_retry_at=None, sent_this_pass=sent,
                         last_success_at=self.clock() if sent else self._status.last_success_at)

    def _postpone_all(self, at: float, cause: str, kind: str) -> None:
        """A server-level failure: other due entries wait too (without counting an attempt)."""
        for item in self.store.due(now=self.clock(), limit=10_000):
            self.store.postpone(item.call_id, at, cause, kind)

    # ---------------------------------------------------------------------- background

    def start(self, interval_s: float = 30.0) -> None:
        """Drain now and then every `interval_s` (or sooner after `kick()`), until `stop()`."""
        if self._thread and self._thread.is_alive():
            return
        self._stop.clear()

        def loop() -> None:
            while not self._stop.is_set():
                try:
                    status = self.drain()
                except Exception as exc:  # noqa: BLE001 - the thread must survive a broken store
                    kind, cause = classify(exc)
                    status = self._set(state="error", last_error=cause, error_kind=kind)
                wait = interval_s
                if status.next_retry_at:
                    wait = min(interval_s, max(0.05, status.next_retry_at - self.clock()))
                self._wake.wait(wait)
                self._wake.clear()

        self._thread = threading.Thread(target=loop, name="salesmind-crm-sync", daemon=True)
        self._thread.start()

    def kick(self) -> None:
        """Ask the background thread to drain now (e.g. right after a call was saved)."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout)
            self._thread = None
        self._drop_repo()
