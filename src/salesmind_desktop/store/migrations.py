"""Schema migrations for the local SQLite store, applied in order inside one transaction each.

The `schema_version` table records every applied version. Add a migration by appending
`(next_version, "SQL ...")`; never edit one that has shipped.
"""

from __future__ import annotations

import sqlite3
import time

MIGRATIONS: list[tuple[int, str]] = [
    (1, """
CREATE TABLE calls (
    call_id      TEXT PRIMARY KEY,
    started_at   REAL NOT NULL,            -- epoch seconds, UTC
    duration_s   REAL NOT NULL DEFAULT 0,
    rep_id       TEXT NOT NULL DEFAULT '',
    team         TEXT NOT NULL DEFAULT '',
    ess_overall  REAL,
    ess_min      REAL,
    ess_final    REAL,
    audio_path   TEXT,                     -- only when the rep opted in to keep audio
    created_at   REAL NOT NULL
);
CREATE INDEX calls_started ON calls(started_at);
CREATE TABLE utterances (
    call_id   TEXT NOT NULL REFERENCES calls(call_id) ON DELETE CASCADE,
    seq       INTEGER NOT NULL,
    channel   TEXT NOT NULL,
    start     REAL NOT NULL,
    end       REAL NOT NULL,
    text      TEXT NOT NULL,               -- PII-masked
    sentiment TEXT,
    emotion   TEXT,
    objection TEXT,
    ess       REAL,
    PRIMARY KEY (call_id, seq)
);
CREATE TABLE scores (
    call_id TEXT NOT NULL REFERENCES calls(call_id) ON DELETE CASCADE,
    t       REAL NOT NULL,
    ess     REAL,
    badge   TEXT
);
CREATE INDEX scores_call ON scores(call_id);
CREATE TABLE cues (
    call_id TEXT NOT NULL REFERENCES calls(call_id) ON DELETE CASCADE,
    t       REAL NOT NULL,
    type    TEXT NOT NULL,
    text    TEXT NOT NULL,
    reason  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX cues_call ON cues(call_id);
CREATE TABLE summaries (
    call_id        TEXT PRIMARY KEY REFERENCES calls(call_id) ON DELETE CASCADE,
    schema_version TEXT,
    json           TEXT NOT NULL           -- the masked CallSummary.to_dict()
);
CREATE TABLE notes (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    call_id    TEXT NOT NULL REFERENCES calls(call_id) ON DELETE CASCADE,
    created_at REAL NOT NULL,
    text       TEXT NOT NULL               -- PII-masked
);
CREATE TABLE customer_links (
    call_id     TEXT PRIMARY KEY REFERENCES calls(call_id) ON DELETE CASCADE,
    customer_id TEXT NOT NULL,
    linked_at   REAL NOT NULL
);
CREATE INDEX customer_links_customer ON customer_links(customer_id);
CREATE TABLE outbox (
    call_id         TEXT PRIMARY KEY REFERENCES calls(call_id) ON DELETE CASCADE,
    payload         TEXT NOT NULL,         -- exactly the document that will be sent (JSON)
    status          TEXT NOT NULL,         -- pending | awaiting_approval | sent
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL DEFAULT 0,
    last_error      TEXT,
    enqueued_at     REAL NOT NULL,
    sent_at         REAL
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
"""),
    (2, """
ALTER TABLE outbox ADD COLUMN error_kind TEXT;
ALTER TABLE outbox ADD COLUMN approved_at REAL;
"""),
]

LATEST = MIGRATIONS[-1][0]


def current_version(conn: sqlite3.Connection) -> int:
    conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at REAL NOT NULL)")
    row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def migrate(conn: sqlite3.Connection, target: int = LATEST) -> list[int]:
    """Apply pending migrations up to `target`; returns the versions applied."""
    applied: list[int] = []
    for version, sql in MIGRATIONS:
        if version > target or version <= current_version(conn):
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            if current_version(conn) >= version:  # another process migrated meanwhile
                conn.execute("ROLLBACK")
                continue
            for statement in filter(str.strip, sql.split(";")):
                conn.execute(statement)
            conn.execute("INSERT INTO schema_version VALUES (?, ?)", (version, time.time()))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        applied.append(version)
    return applied
