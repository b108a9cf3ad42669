"""Open the CRM from settings + the keychain; build the sync worker the CLI and the UI share."""

from __future__ import annotations

from salesmind_desktop.crm.mongo import CrmRepository, make_client
from salesmind_desktop.crm.sync import SyncWorker
from salesmind_desktop.errors import CrmError
from salesmind_desktop.settings import Settings
from salesmind_desktop.store.local import LocalStore


def preset_uri(settings: Settings | None) -> str | None:
    """`crm.uri` from the settings / IT policy; refused if it carries a password."""
    import re

    uri = settings.crm.uri.strip() if settings is not None else ""
    if not uri:
        return None
    if re.search(r"://[^/@]*:[^/@]*@", uri):
        raise CrmError("crm.uri in the settings or IT policy contains a password",
                       "keep only host and options there; store the full URI in the keychain with "
                       "`salesmind-desktop crm connect URI` (or set SALESMIND_MONGODB_URI)")
    return uri


def require_uri(settings: Settings | None = None) -> str:
    """The keychain/environment URI, else the `crm.uri` preset of the settings / IT policy."""
    from salesmind_desktop.secrets import ENV_URI, load_crm_uri

    uri = load_crm_uri() or preset_uri(settings)
    if not uri:
        raise CrmError("no CRM is configured", f"run `salesmind-desktop crm connect URI` or set {ENV_URI}")
    return uri


def open_repository(settings: Settings, timeout_ms: int = 5000) -> CrmRepository:
    client = make_client(require_uri(settings), tls=settings.crm.tls, timeout_ms=timeout_ms,
                         tls_ca_file=settings.crm.tls_ca_file or None)
    return CrmRepository(client, settings.crm.database)


def make_worker(settings: Settings, store: LocalStore | None = None, **kwargs) -> SyncWorker:
    """A worker whose repository is opened lazily, so a missing CRM shows up as a sync status."""
    return SyncWorker(store or LocalStore(), lambda: open_repository(settings), **kwargs)


def start_background_sync(settings: Settings, store: LocalStore | None = None, **kwargs) -> SyncWorker:
    """For the app: purge expired calls, then a worker draining every `crm.sync_interval_s`.

    Call `.stop()` on exit.

    Subscribe with `on_status=callback` (called from the worker thread) to show `SyncStatus`.
    """
    from salesmind_desktop.privacy.retention import purge

    worker = make_worker(settings, store, **kwargs)
    purge(worker.store, settings.privacy)  # retention runs once per app start
    worker.start(interval_s=settings.crm.sync_interval_s)
    return worker


def fetch_context(settings: Settings, customer: str, timeout_ms: int = 2000):
    """Best-effort pre-call context for the coaching policy: (CustomerContext | None, note | None).

    Never raises: with no CRM configured, an unknown customer or an unreachable server the call
    simply runs without context, and `note` says why (for a status line).
    """
    from salesmind_desktop.crm.analytics import customer_context
    from salesmind_desktop.errors import SalesMindError

    try:
        repo = open_repository(settings, timeout_ms=timeout_ms)
    except SalesMindError as exc:
        return None, f"no CRM context: {exc.message}"
    try:
        ctx = customer_context(repo, customer)
        return ctx, None if ctx else f"no CRM history for customer {customer}"
    except Exception as exc:  # noqa: BLE001 - pymongo failures: run without context, say why
        from salesmind_desktop.crm.sync import classify
        from salesmind_desktop.secrets import redact

        return None, f"no CRM context: {redact(classify(exc)[1])}"
    finally:
        repo.close()
