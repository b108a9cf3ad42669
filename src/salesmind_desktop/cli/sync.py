"""`salesmind-desktop sync`: drain the CRM outbox now and show its status.

    sync                     send every queued call now; print what is queued/failing and why;
                             then apply the retention setting (privacy.retention_days)
    sync --status            only show the status
    sync --preview CALL_ID   print exactly the document that will be sent for a call
    sync --approve CALL_ID   approve a call held by `crm.approve_before_sync`, then sync
"""

from __future__ import annotations

import argparse
import json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sync", help="send queued call summaries to the CRM now and show the sync status")
    p.add_argument("--status", action="store_true", help="show the status without sending")
    p.add_argument("--preview", metavar="CALL_ID", help="print the exact document that would be sent")
    p.add_argument("--approve", metavar="CALL_ID", action="append", default=[],
                   help="approve a held call for sync (repeatable)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from salesmind_desktop import settings as settings_mod
    from salesmind_desktop.crm.connection import make_worker
    from salesmind_desktop.errors import CrmError
    from salesmind_desktop.secrets import redact

    settings = settings_mod.load()
    worker = make_worker(settings)
    try:
        if args.preview:
            print(json.dumps(worker.preview(args.preview), indent=2))
            return 0
        for call_id in args.approve:
            if not worker.approve(call_id):
                raise CrmError(f"call '{call_id}' is not waiting for approval", "see `salesmind-desktop sync --status`")
            print(f"approved {call_id}")
        status = worker.status() if args.status else worker.drain()
        if not args.status:
            print(f"sent {status.sent_this_pass} call(s) this time")
        print(redact(status.describe()))
        for item in worker.store.failing(limit=10):
            print(f"  {item.call_id}: {item.error_kind}: {redact(item.last_error or '')} (attempts {item.attempts})")
        if not args.status:
            from salesmind_desktop.privacy.retention import purge

            report = purge(worker.store, settings.privacy)  # after the drain, so synced calls can go
            if report.calls_deleted:
                print(f"retention: removed {report.calls_deleted} call(s) older than "
                      f"{settings.privacy.retention_days} days ({report.audio_files_deleted} audio file(s))")
            if report.kept_unsynced:
                print(f"retention: kept {len(report.kept_unsynced)} old call(s) that are not synced yet")
        if status.awaiting_approval:
            print("  calls awaiting approval: review with `sync --preview CALL_ID`, then `sync --approve CALL_ID`")
        return 0 if status.state in ("ok", "idle") else CrmError.exit_code
    finally:
        worker.stop()
        worker.store.close()
