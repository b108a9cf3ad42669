"""The CRM connection string lives in the OS keychain (via `keyring`), never in settings or logs.

`SALESMIND_MONGODB_URI` overrides the keychain (headless machines, IT deployment). Without a
usable keyring backend (e.g. a headless Linux box: `keyring.backends.fail.Keyring`) storing or
reading raises a `ConfigError` that names that override as the fix. `redact(uri)` hides the
password wherever a URI has to be shown.
"""

from __future__ import annotations

import os
import re

from salesmind_desktop.errors import ConfigError

SERVICE = "salesmind-desktop"
CRM_URI_KEY = "crm-mongodb-uri"
ENV_URI = "SALESMIND_MONGODB_URI"
_NO_BACKEND_FIX = (f"no OS keychain is available here: set {ENV_URI} in the environment instead "
                   "(or install/unlock a keyring such as gnome-keyring)")


def redact(uri: str) -> str:
    """`mongodb://user:secret@host` -> `mongodb://user:***@host`."""
    return re.sub(r"(mongodb(?:\+srv)?://[^:/@]+):[^@]*@", r"\1:***@", uri)


def _keyring():
    import keyring
    from keyring.backends import fail

    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        raise ConfigError("no keyring backend is available to hold the CRM password", _NO_BACKEND_FIX)
    return keyring


def store_crm_uri(uri: str) -> None:
    from keyring.errors import KeyringError

    try:
        _keyring().set_password(SERVICE, CRM_URI_KEY, uri)
    except KeyringError as exc:
        raise ConfigError(f"the keychain refused to store the CRM connection: {exc}", _NO_BACKEND_FIX) from None


def load_crm_uri(environ: dict[str, str] | None = None) -> str | None:
    """The CRM URI from the environment override, else the keychain; None when not configured."""
    environ = os.environ if environ is None else environ
    if environ.get(ENV_URI):
        return environ[ENV_URI]
    from keyring.errors import KeyringError

    try:
        return _keyring().get_password(SERVICE, CRM_URI_KEY)
    except KeyringError as exc:
        raise ConfigError(f"cannot read the CRM connection from the keychain: {exc}", _NO_BACKEND_FIX) from None


def forget_crm_uri() -> bool:
    from keyring.errors import KeyringError, PasswordDeleteError

    try:
        _keyring().delete_password(SERVICE, CRM_URI_KEY)
        return True
    except PasswordDeleteError:
        return False
    except KeyringError as exc:
        raise ConfigError(f"cannot change the keychain: {exc}", _NO_BACKEND_FIX) from None
