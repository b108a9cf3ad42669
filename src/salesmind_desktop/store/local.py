"""The rep's durable local call store: SQLite (WAL, synchronous=FULL) in the user data dir.

Every write is one transaction, so a crash or `kill -9` mid-write loses nothing that was
committed and leaves no half-written call. Text reaching this module is PII-masked here
(`privacy.masker`) before it touches the disk; callers cannot bypass it.

The sync **outbox** holds, per call, exactly the document that will be sent to the CRM
(`payload`), so the rep's approval preview and the upload are the same bytes.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator
from contextlib import contextmanager

from salesmind_desktop import paths
from salesmind_desktop.errors import SalesMindError
from salesmind_desktop.privacy.masker import mask, mask_obj
from salesmind_desktop.store.migrations import migrate


class StoreError(SalesMindError):
    """The local store cannot be opened or written."""

    exit_code = 6


@dataclass(frozen=True)
class OutboxItem:
    call_id: str
    payload: dict[str, Any]
    status: str
    attempts: int
    next_attempt_at: float
    last_error: str | None
    error_kind: str | None


def default_path() -> Path:
    return paths.data_dir() / "calls.sqlite3"


class LocalStore:
    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path else default_path()
        self._lock = threading.RLock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            migrate(self._conn)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open the local call store {self.path}: {exc}",
                             "check the disk and permissions; a corrupt file can be moved aside "
                             "(the app then starts a new store)") from None
        self._conn.row_factory = sqlite3.Row

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> "LocalStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    # ------------------------------------------------------------------------------- writes

    def save_call(self, summary: dict[str, Any], *, started_at: float | None = None, rep_id: str = "",
                  team: str = "", customer_id: str | None = None, audio_path: str | None = None,
                  outbox_payload: dict[str, Any] | None = None, approval_required: bool = False) -> str:
        """Store a finished call (masked) and, if given, its CRM outbox entry, atomically.

        Saving the same call_id again replaces the call (idempotent). Returns the call_id.
        """
        if not isinstance(summary, dict) or not summary.get("call_id"):
            raise StoreError("a call summary without a call_id cannot be stored",
                             "pass CallSummary.to_dict() of a finished call")
        masked = mask_obj(summary)
        call_id = str(summary["call_id"])
        now = time.time()
        duration = float(summary.get("duration_s") or 0.0)
        start = float(started_at if started_at is not None else now - duration)
        ess = summary.get("ess") or {}
        with self._tx() as db:
            db.execute("DELETE FROM calls WHERE call_id = ?", (call_id,))
            db.execute("INSERT INTO calls VALUES (?,?,?,?,?,?,?,?,?,?)",
                       (call_id, start, duration, rep_id, team, ess.get("overall"), ess.get("min"),
                        ess.get("final"), audio_path, now))
            db.executemany(
                "INSERT INTO utterances VALUES (?,?,?,?,?,?,?,?,?,?)",
                [(call_id, i, u.get("channel", ""), float(u.get("start", 0)), float(u.get("end", 0)),
                  u.get("text", ""), u.get("sentiment"), u.get("emotion"), _objection(u.get("objection")),
                  u.get("ess")) for i, u in enumerate(masked.get("utterances") or [])])
            db.executemany("INSERT INTO scores VALUES (?,?,?,?)", _scores(call_id, masked))
            db.executemany("INSERT INTO cues VALUES (?,?,?,?,?)",
                           [(call_id, float(c.get("t", 0)), str(c.get("type", "")), c.get("text", ""),
                             c.get("reason", "")) for c in masked.get("cues") or []])
            db.execute("INSERT INTO summaries VALUES (?,?,?)",
                       (call_id, str(summary.get("schema_version", "")), json.dumps(masked)))
            if customer_id:
                db.execute("INSERT INTO customer_links VALUES (?,?,?)", (call_id, customer_id, now))
            if outbox_payload is not None:
                self._put_outbox(db, call_id, outbox_payload, approval_required, now)
        return call_id

    def add_note(self, call_id: str, text: str) -> None:
        with self._tx() as db:
            self._require_call(db, call_id)
            db.execute("INSERT INTO notes (call_id, created_at, text) VALUES (?,?,?)", (call_id, time.time(), mask(text)))

    def link_customer(self, call_id: str, customer_id: str) -> None:
        with self._tx() as db:
            self._require_call(db, call_id)
            db.execute("INSERT OR REPLACE INTO customer_links VALUES (?,?,?)", (call_id, customer_id, time.time()))

    def enqueue(self, call_id: str, payload: dict[str, Any], approval_required: bool = False) -> None:
        """(Re)queue a call's CRM document; replaces an earlier payload and resets its retries."""
        with self._tx() as db:
            self._require_call(db, call_id)
            self._put_outbox(db, call_id, payload, approval_required, time.time())

    @staticmethod
    def _put_outbox(db: sqlite3.Connection, call_id: str, payload: dict[str, Any], approval: bool, now: float) -> None:
        status = "awaiting_approval" if approval else "pending"
        db.execute("INSERT OR REPLACE INTO outbox (call_id, payload, status, attempts, next_attempt_at, "
                   "enqueued_at) VALUES (?,?,?,0,0,?)", (call_id, json.dumps(mask_obj(payload)), status, now))

    @staticmethod
    def _require_call(db: sqlite3.Connection, call_id: str) -> None:
        if db.execute("SELECT 1 FROM calls WHERE call_id = ?", (call_id,)).fetchone() is None:
            raise StoreError(f"no call '{call_id}' in the local store", "list calls with `salesmind-desktop sync`")

    # ------------------------------------------------------------------------------- outbox

    def approve(self, call_id: str) -> bool:
        with self._tx() as db:
            cur = db.execute("UPDATE outbox SET status='pending', approved_at=?, next_attempt_at=0 "
                             "WHERE call_id=? AND status='awaiting_approval'", (time.time(), call_id))
            return cur.rowcount == 1

    def due(self, now: float | None = None, limit: int = 100) -> list[OutboxItem]:
        now = time.time() if now is None else now
        with self._lock:
            rows = self._conn.execute(
                "SELECT * FROM outbox WHERE status='pending' AND next_attempt_at <= ? "
                "ORDER BY enqueued_at, call_id LIMIT ?", (now, limit)).fetchall()
        return [_item(r) for r in rows]

    def outbox_item(self, call_id: str) -> OutboxItem | None:
        with self._lock:
            row = self._conn.execute("SELECT * FROM outbox WHERE call_id=?", (call_id,)).fetchone()
        return _item(row) if row else None

    def mark_sent(self, call_id: str, payload: dict[str, Any] | None = None) -> None:
        """Mark sent, unless the payload changed meanwhile (then it stays queued for the new one)."""
        with self._tx() as db:
            if payload is not None:
                db.execute("UPDATE outbox SET status='sent', sent_at=?, last_error=NULL, error_kind=NULL "
                           "WHERE call_id=? AND payload=?", (time.time(), call_id, json.dumps(payload)))
            else:
                db.execute("UPDATE outbox SET status='sent', sent_at=?, last_error=NULL, error_kind=NULL "
                           "WHERE call_id=?", (time.time(), call_id))

    def mark_failed(self, call_id: str, error: str, kind: str, next_attempt_at: float) -> None:
        with self._tx() as db:
            db.execute("UPDATE outbox SET attempts=attempts+1, last_error=?, error_kind=?, next_attempt_at=? "
                       "WHERE call_id=? AND status='pending'", (error[:500], kind, next_attempt_at, call_id))

    def postpone(self, call_id: str, next_attempt_at: float, error: str, kind: str) -> None:
        """Delay an entry because the server failed (not this document): no attempt is counted."""
        with self._tx() as db:
            db.execute("UPDATE outbox SET last_error=?, error_kind=?, next_attempt_at=MAX(next_attempt_at, ?) "
                       "WHERE call_id=? AND status='pending'", (error[:500], kind, next_attempt_at, call_id))

    def outbox_counts(self) -> dict[str, int]:
        with self._lock:
            rows = self._conn.execute("SELECT status, COUNT(*) FROM outbox GROUP BY status").fetchall()
        counts = {"pending": 0, "awaiting_approval": 0, "sent": 0}
        counts.update({r[0]: r[1] for r in rows})
        return counts

    def failing(self, limit: int = 20) -> list[OutboxItem]:
        with self._lock:
            rows = self._conn.execute("SELECT * FROM outbox WHERE status='pending' AND last_error IS NOT NULL "
                                      "ORDER BY next_attempt_at LIMIT ?", (limit,)).fetchall()
        return [_item(r) for r in rows]

    # -------------------------------------------------------------------------------- reads

    def summary(self, call_id: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._conn.execute("SELECT json FROM summaries WHERE call_id=?", (call_id,)).fetchone()
        return json.loads(row[0]) if row else None

    def call(self, call_id: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT c.*, l.customer_id FROM calls c LEFT JOIN customer_links l USING (call_id) "
                "WHERE call_id=?", (call_id,)).fetchone()
        return dict(row) if row else None

    def notes(self, call_id: str) -> list[str]:
        with self._lock:
            rows = self._conn.execute("SELECT text FROM notes WHERE call_id=? ORDER BY id", (call_id,)).fetchall()
        return [r[0] for r in rows]

    def utterances(self, call_id: str) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._conn.execute("SELECT * FROM utterances WHERE call_id=? ORDER BY seq", (call_id,)).fetchall()
        return [dict(r) for r in rows]

    def call_ids(self) -> list[str]:
        with self._lock:
            return [r[0] for r in self._conn.execute("SELECT call_id FROM calls ORDER BY started_at")]

    def count(self, table: str) -> int:
        if table not in {"calls", "utterances", "scores", "cues", "summaries", "notes", "customer_links", "outbox"}:
            raise ValueError(table)
        with self._lock:
            return int(self._conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])

    # ---------------------------------------------------------------------------- retention

    def old_calls(self, cutoff: float) -> list[tuple[str, str | None, bool]]:
        """(call_id, audio_path, unsynced) for calls that started before `cutoff`."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT c.call_id, c.audio_path, o.status FROM calls c LEFT JOIN outbox o USING (call_id) "
                "WHERE c.started_at < ?", (cutoff,)).fetchall()
        return [(r[0], r[1], r[2] in ("pending", "awaiting_approval")) for r in rows]

    def delete_calls(self, call_ids: list[str]) -> int:
        with self._tx() as db:
            return sum(db.execute("DELETE FROM calls WHERE call_id=?", (c,)).rowcount for c in call_ids)

    def integrity_ok(self) -> bool:
        with self._lock:
            return self._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def _objection(value: Any) -> str | None:
    if isinstance(value, dict):
        return value.get("type")
    return value if isinstance(value, str) else None


def _scores(call_id: str, summary: dict[str, Any]) -> list[tuple[str, float, float | None, str | None]]:
    """ESS timeline (rolling ESS, or each scored utterance's ESS), plus the badge changes when the summary has them."""
    timeline = summary.get("ess_timeline") or []
    if timeline:
        rows = [(call_id, float(p.get("t", 0)), p.get("rolling"), None) for p in timeline]
    else:
        rows = [(call_id, float(u.get("start", 0)), u.get("ess"), None)
                for u in summary.get("utterances") or [] if u.get("ess") is not None]
    rows += [(call_id, float(b.get("t", 0)), None, b.get("state")) for b in summary.get("badge") or []]
    return rows


def _item(row: sqlite3.Row) -> OutboxItem:
    return OutboxItem(row["call_id"], json.loads(row["payload"]), row["status"], row["attempts"],
                      row["next_attempt_at"], row["last_error"], row["error_kind"])
