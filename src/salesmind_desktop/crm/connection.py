"""Open the CRM from settings + the keychain; build the sync worker the CLI and the UI share."""

from __future__ import annotations

from salesmind_desktop.crm.mongo import CrmRepository
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
    return CrmRepository.connect(require_uri(), settings.crm.database, tls=settings.crm.tls, timeout_ms=timeout_ms)


def make_worker(settings: Settings, store: LocalStore | None = None, **kwargs) -> SyncWorker:
    """A worker whose repository is opened lazily, so a missing CRM shows up as a sync status."""
    return SyncWorker(store or LocalStore(), lambda: open_repository(settings), **kwargs)
