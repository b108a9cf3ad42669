"""Where finished calls are kept, listed and reopened from.

`StoreArchive` (the app's default) keeps calls in the local SQLite store through
`store.persist.persist_call` — PII masked, and queued for CRM sync in the same transaction.
`JsonArchive` keeps plain summary JSON files in `paths.data_dir()/calls/` (used when the store
cannot be opened, and by tests).
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from salesmind_desktop import paths

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CallEntry:
    call_id: str
    started: str
    duration_s: float
    overall_ess: float | None
    customer: str
    source: str  # file path or "store"


def calls_dir() -> Path:
    return paths.data_dir() / "calls"


def _safe_name(call_id: str) -> str:
    keep = "".join(c if c.isalnum() or c in "-_." else "_" for c in call_id)
    return keep.strip(".") or "call"


class JsonArchive:
    """Summary dicts as `<call_id>.json` files, written atomically."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or calls_dir()

    def save(self, summary: dict[str, Any]) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{_safe_name(str(summary.get('call_id', 'call')))}.json"
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(summary, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
        os.replace(tmp, path)
        return path

    def entries(self) -> list[CallEntry]:
        out = []
        for path in sorted(self.folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True):
            try:
                d = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                log.warning("skipping unreadable call file %s: %s", path, exc)
                continue
            if not isinstance(d, dict):
                continue
            ess = d.get("ess") if isinstance(d.get("ess"), dict) else {}
            out.append(CallEntry(str(d.get("call_id", path.stem)), str(d.get("started_at", d.get("started", ""))),
                                 float(d.get("duration_s", 0) or 0), ess.get("overall"),
                                 str(d.get("customer_name") or d.get("customer_id") or ""), str(path)))
        return out

    def load(self, entry: CallEntry) -> dict[str, Any]:
        return json.loads(Path(entry.source).read_text(encoding="utf-8"))


class StoreArchive:
    """The local call store: `save` masks, stores and queues the call; `load` reads it back."""

    source = "store"

    def __init__(self, settings, store=None) -> None:
        self.settings = settings
        self._store = store

    def _open(self):
        from salesmind_desktop.store.local import LocalStore

        return self._store if self._store is not None else LocalStore()

    def _close(self, store) -> None:
        if store is not self._store:
            store.close()

    def save(self, summary: dict[str, Any]) -> str:
        from salesmind_desktop.store.persist import persist_call

        store = self._open()
        try:
            return persist_call(summary, settings=self.settings, store=store,
                                audio_path=summary.get("audio_path") or None)
        finally:
            self._close(store)

    def entries(self) -> list[CallEntry]:
        import datetime as dt

        store = self._open()
        try:
            out = []
            for call_id in reversed(store.call_ids()):
                row = store.call(call_id) or {}
                summary = store.summary(call_id) or {}
                started = row.get("started_at")
                out.append(CallEntry(call_id, dt.datetime.fromtimestamp(started).strftime("%Y-%m-%d %H:%M")
                                     if isinstance(started, (int, float)) else "",
                                     float(row.get("duration_s") or 0), row.get("ess_overall"),
                                     str(summary.get("customer_name") or row.get("customer_id") or ""), "store"))
            return out
        finally:
            self._close(store)

    def load(self, entry: CallEntry) -> dict[str, Any]:
        store = self._open()
        try:
            data = store.summary(entry.call_id)
            row = store.call(entry.call_id) or {}
        finally:
            self._close(store)
        if data is None:
            raise FileNotFoundError(f"call {entry.call_id} is no longer in the local store")
        if row.get("audio_path"):  # kept only when the rep opted in (privacy.keep_audio)
            data["audio_path"] = row["audio_path"]
        return data
