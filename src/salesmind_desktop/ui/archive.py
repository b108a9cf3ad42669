"""Where past calls are listed and reopened from: the local store when it is available,
otherwise the exported summary JSON files in `paths.data_dir()/calls/`."""

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
