"""The CRM connection string lives in the OS keychain (gnome-keyring over D-Bus in tests)."""

from __future__ import annotations

import os
import uuid

import keyring
import pytest
from keyring.backends import fail

from salesmind_desktop import secrets
from salesmind_desktop.errors import ConfigError

URI = "mongodb://rep:s3cr3t-pw@crm.example.com:27017/?authSource=admin"


@pytest.fixture
def private_service(monkeypatch):
    monkeypatch.setattr(secrets, "SERVICE", f"salesmind-test-{uuid.uuid4().hex[:8]}")
    monkeypatch.delenv(secrets.ENV_URI, raising=False)
    yield
    try:
        keyring.delete_password(secrets.SERVICE, secrets.CRM_URI_KEY)
    except Exception:  # noqa: BLE001 - already gone
        pass


@pytest.fixture
def secret_service():
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        pytest.skip("needs a D-Bus session with gnome-keyring: run via `bash scripts/test.sh`")
    backend = keyring.get_keyring()
    assert "SecretService" in type(backend).__module__ + type(backend).__name__ or \
        "chainer" in type(backend).__module__, f"unexpected keyring backend {backend!r}"
    return backend


@pytest.mark.keyring
def test_uri_round_trips_through_gnome_keyring(secret_service, private_service):
    assert secrets.load_crm_uri() is None
    secrets.store_crm_uri(URI)
    assert secrets.load_crm_uri() == URI
    # it is really in the Secret Service, not in a file of ours
    assert keyring.get_password(secrets.SERVICE, secrets.CRM_URI_KEY) == URI
    assert secrets.forget_crm_uri() and secrets.load_crm_uri() is None


def test_environment_override_wins(private_service, monkeypatch):
    monkeypatch.setenv(secrets.ENV_URI, "mongodb://it-managed:27017")
    assert secrets.load_crm_uri() == "mongodb://it-managed:27017"


def test_no_keyring_backend_gives_a_clear_error_with_the_fix(private_service):
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        with pytest.raises(ConfigError) as err:
            secrets.store_crm_uri(URI)
        assert secrets.ENV_URI in err.value.fix
        with pytest.raises(ConfigError):
            secrets.load_crm_uri()
    finally:
        keyring.set_keyring(previous)


def test_redact_hides_the_password():
    assert secrets.redact(URI) == "mongodb://rep:***@crm.example.com:27017/?authSource=admin"
    assert secrets.redact("mongodb://host:27017") == "mongodb://host:27017"
