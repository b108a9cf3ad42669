"""`salesmind-desktop crm ...`: connect the team CRM and read what it knows.

    crm connect URI          validate (ping) and keep the connection string in the OS keychain
    crm disconnect           forget it
    crm context ID           pre-call context for a customer (CRM id, e-mail or phone)
    crm leads                customers ranked by follow-up priority
    crm rollup               daily negative-call rate per rep/team, alerts over --threshold

`SALESMIND_MONGODB_URI` overrides the keychain (headless and IT use).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

FIXES = {
    "unreachable": "check the host/port, VPN and firewall; is MongoDB running?",
    "timeout": "the server answered too slowly: check the network or try again",
    "auth": "check the user name/password and authSource (e.g. ?authSource=admin)",
    "config": "check the connection string: mongodb://user@host:27017/?authSource=admin",
}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("crm", help="connect the MongoDB CRM; customer context, lead priority, manager rollups")
    csub = p.add_subparsers(dest="crm_command", metavar="ACTION", required=True)
    c = csub.add_parser("connect", help="validate a MongoDB URI and store it in the OS keychain")
    c.add_argument("uri")
    c.add_argument("--timeout-ms", type=int, default=5000)
    c.set_defaults(func=_connect)
    d = csub.add_parser("disconnect", help="remove the stored CRM connection from the keychain")
    d.set_defaults(func=_disconnect)
    x = csub.add_parser("context", help="pre-call context for a customer (CRM id, e-mail or phone)")
    x.add_argument("customer")
    x.add_argument("--json", action="store_true")
    x.set_defaults(func=_context)
    ld = csub.add_parser("leads", help="customers ranked by follow-up priority")
    ld.add_argument("--days", type=int, default=90)
    ld.add_argument("--team", default=None)
    ld.add_argument("--limit", type=int, default=20)
    ld.add_argument("--json", action="store_true")
    ld.set_defaults(func=_leads)
    r = csub.add_parser("rollup", help="daily negative-call rate per rep or team, with threshold alerts")
    r.add_argument("--threshold", type=float, default=0.30, help="alert when the negative rate is over this")
    r.add_argument("--days", type=int, default=7)
    r.add_argument("--by", choices=("rep", "team"), default="rep")
    r.add_argument("--negative-below", type=float, default=4.5, help="a call is negative when its ESS is below")
    r.add_argument("--min-calls", type=int, default=3)
    r.add_argument("--team", default=None)
    r.add_argument("--json", action="store_true")
    r.set_defaults(func=_rollup)


def crm_error(exc: BaseException):
    """A pymongo failure as a CrmError with its cause and a fix (never the password)."""
    from salesmind_desktop.crm.sync import classify
    from salesmind_desktop.errors import CrmError
    from salesmind_desktop.secrets import redact

    kind, cause = classify(exc)
    return CrmError(redact(cause), FIXES.get(kind, "see docs/crm.md"))


def _with_repo(fn):
    def run(args: argparse.Namespace) -> int:
        from pymongo.errors import PyMongoError

        from salesmind_desktop import settings as settings_mod
        from salesmind_desktop.crm.connection import open_repository

        repo = open_repository(settings_mod.load())
        try:
            return fn(args, repo)
        except PyMongoError as exc:
            raise crm_error(exc) from None
        finally:
            repo.close()
    return run


def _connect(args: argparse.Namespace) -> int:
    from pymongo.errors import PyMongoError

    from salesmind_desktop import settings as settings_mod
    from salesmind_desktop.crm.mongo import CrmRepository, make_client
    from salesmind_desktop.secrets import redact, store_crm_uri

    settings = settings_mod.load()
    repo = CrmRepository(make_client(args.uri, tls=settings.crm.tls, timeout_ms=args.timeout_ms,
                                     tls_ca_file=settings.crm.tls_ca_file or None), settings.crm.database)
    try:
        repo.ping()
        repo.ensure_indexes()
    except PyMongoError as exc:
        raise crm_error(exc) from None
    finally:
        repo.close()
    store_crm_uri(args.uri)
    print(f"connected to {redact(args.uri)} (database '{settings.crm.database}'); stored in the OS keychain")
    return 0


def _disconnect(args: argparse.Namespace) -> int:
    from salesmind_desktop.secrets import forget_crm_uri

    print("removed the CRM connection from the keychain" if forget_crm_uri() else "no CRM connection was stored")
    return 0


def _print(obj: Any) -> None:
    print(json.dumps(obj, indent=2, default=str))


@_with_repo
def _context(args: argparse.Namespace, repo) -> int:
    from salesmind_desktop.crm.analytics import context_to_dict, customer_context
    from salesmind_desktop.errors import CrmError

    ctx = customer_context(repo, args.customer)
    if ctx is None:
        raise CrmError(f"no customer or past calls found for '{args.customer}'",
                       "use the CRM id, the e-mail or the phone number the CRM has on file")
    data = context_to_dict(ctx)
    if args.json:
        _print(data)
        return 0
    print(f"customer {data['customer_id']}  {data['name']}  {data['company']}".rstrip())
    ess = ", ".join(f"{v:.1f}" for v in data["past_ess"]) or "none"
    print(f"  past ESS (oldest first): {ess}  -> trend {data['ess_trend']}")
    print(f"  recurring objections: {', '.join(data['recurring_objections']) or 'none'}")
    print(f"  open objections: {', '.join(data['open_objections']) or 'none'}")
    print(f"  last notes: {data['last_notes'] or '-'}")
    return 0


@_with_repo
def _leads(args: argparse.Namespace, repo) -> int:
    from dataclasses import asdict

    from salesmind_desktop.crm.analytics import lead_priority

    leads = lead_priority(repo, days=args.days, team=args.team, limit=args.limit)
    if args.json:
        _print([asdict(lead) for lead in leads])
        return 0
    print(f"{'priority':>8}  {'customer':20} {'recent ESS':>10} {'trend':>6} {'calls':>5}  open objections")
    for lead in leads:
        print(f"{lead.priority:8.2f}  {lead.customer_id:20} {lead.recent_ess:10.1f} {lead.trend:+6.1f} "
              f"{lead.calls:5d}  {', '.join(lead.open_objections) or '-'}")
    if not leads:
        print(f"(no customer calls in the last {args.days} days)")
    return 0


@_with_repo
def _rollup(args: argparse.Namespace, repo) -> int:
    from dataclasses import asdict

    from salesmind_desktop.crm.analytics import negative_rate_rollup

    rows = negative_rate_rollup(repo, days=args.days, threshold=args.threshold, by=args.by,
                                negative_below=args.negative_below, team=args.team, min_calls=args.min_calls)
    if args.json:
        _print([asdict(r) for r in rows])
        return 0
    print(f"{'day':10}  {args.by:16} {'calls':>5} {'negative':>8} {'rate':>6}")
    for r in rows:
        flag = f"  ALERT: over {args.threshold:.0%}" if r.alert else ""
        print(f"{r.day:10}  {r.key:16} {r.calls:5d} {r.negative:8d} {r.rate:6.0%}{flag}")
    alerts = sum(r.alert for r in rows)
    print(f"{alerts} alert(s)" if alerts else "no alerts")
    return 0
