"""Open the CRM from settings + the keychain; build the sync worker the CLI and the UI share."""

from __future__ import annotations

from salesmind_desktop.crm.mongo import CrmRepository, make_client
from salesmind_desktop.crm.sync import SyncWorker
from salesmind_desktop.errors import CrmError
from salesmind_desktop.settings import Settings
from salesmind_desktop.store.local import LocalStore


def require_uri() -> str:
    from salesmind_desktop.secrets import ENV_URI, load_crm_uri

    uri = load_crm_uri()
    if not uri:
        raise CrmError("no CRM is configured", f"run `salesmind-desktop crm connect URI` or set {ENV_URI}")
    return uri


def open_repository(settings: Settings, timeout_ms: int = 5000) -> CrmRepository:
    client = make_client(require_uri(), tls=settings.crm.tls, timeout_ms=timeout_ms,
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
