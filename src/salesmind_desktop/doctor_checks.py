"""Doctor checks for an installed/frozen SalesMind: live capture, CRM, Qt plugins, bundled files.

`salesmind-desktop doctor` (cli/doctor.py) calls `extra_checks(settings)` after its own model,
audio, GPU/CPU and keyring checks. Each returns `selfcheck.Check` (name, ok, detail, fix);
a check that does not apply here (no CRM configured) passes with a note rather than failing,
because a PC without a CRM still analyses calls and keeps them locally.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from salesmind_desktop import paths
from salesmind_desktop.errors import SalesMindError
from salesmind_desktop.selfcheck import Check

NATIVE_QPA = {"linux": "xcb", "win32": "windows", "darwin": "cocoa"}


def crm_check(settings, timeout_ms: int = 3000) -> Check:
    """Ping the configured MongoDB (keychain or SALESMIND_MONGODB_URI) within `timeout_ms`."""
    from salesmind_desktop import secrets
    from salesmind_desktop.crm.connection import preset_uri

    try:
        preset = preset_uri(settings)
    except SalesMindError as exc:
        return Check("CRM", False, exc.message, exc.fix)
    try:
        uri = secrets.load_crm_uri() or preset
    except SalesMindError as exc:  # no usable keychain: nothing can have been stored in it
        if not preset:
            return Check("CRM", True, f"not configured ({exc.message}); calls are kept on this PC only",
                         exc.fix)
        uri = preset
    if not uri:
        return Check("CRM", True, "not configured: calls are kept on this PC only "
                                  f"(`salesmind-desktop crm connect URI` or {secrets.ENV_URI} to sync)")
    shown = secrets.redact(uri)
    try:
        from salesmind_desktop.crm.mongo import CrmRepository, make_client
        from salesmind_desktop.crm.sync import classify

        repo = CrmRepository(make_client(uri, tls=settings.crm.tls, timeout_ms=timeout_ms,
                                         tls_ca_file=settings.crm.tls_ca_file or None), settings.crm.database)
    except SalesMindError as exc:
        return Check("CRM", False, f"{shown}: {exc.message}", exc.fix)
    try:
        repo.ping()
    except Exception as exc:  # pymongo's errors, classified into a readable cause
        kind, cause = classify(exc)
        fixes = {
            "auth": "the CRM user or password is wrong or lacks rights: reconnect with "
                    "`salesmind-desktop crm connect URI` (see docs/packaging.md for the least-privilege role)",
            "unreachable": "check the network/VPN and firewall to the MongoDB host and port",
            "timeout": "the CRM answered too slowly: check the network/VPN",
        }
        return Check("CRM", False, f"{shown}: {cause}", fixes.get(kind, "check the CRM settings and the server"))
    finally:
        repo.close()
    return Check("CRM", True, f"{shown} reachable, database '{settings.crm.database}'")


def loopback_check(settings) -> Check:
    """The microphone + system-output loopback pair a live call would open (per the settings)."""
    from salesmind_desktop import app
    from salesmind_desktop.audio.devices import choose_pair

    try:
        backend = app.build_capture_backend(settings)
        rep, customer = choose_pair(settings.audio.mic_device, settings.audio.loopback_device, backend)
    except SalesMindError as exc:
        return Check("live capture", False, exc.message, exc.fix)
    name = getattr(backend, "name", type(backend).__name__)
    return Check("live capture", True, f"rep = {rep.device.id}, customer = {customer.device.id} "
                                       f"(loopback via {name})")


def qt_plugins_dir() -> Path | None:
    """Qt's plugin folder inside the PySide6 package (bundle or install), without importing Qt."""
    if paths.is_frozen():
        base = paths.resource_root() / "PySide6"
    else:
        spec = importlib.util.find_spec("PySide6")
        if spec is None or not spec.submodule_search_locations:
            return None
        base = Path(list(spec.submodule_search_locations)[0])
    for candidate in (base / "Qt" / "plugins", base / "plugins"):
        if candidate.is_dir():
            return candidate
    return None


def qt_check() -> Check:
    """The Qt platform plugins the app needs: the native one and `offscreen` (headless runs)."""
    plugins = qt_plugins_dir()
    fix = "reinstall SalesMind (its Qt plugins are missing)"
    if plugins is None:
        return Check("Qt plugins", False, "PySide6's plugin folder was not found", fix)
    native = NATIVE_QPA.get(sys.platform, "xcb")
    names = sorted(p.name for p in (plugins / "platforms").glob("*")) if (plugins / "platforms").is_dir() else []
    missing = [n for n in (native, "offscreen") if not any(n in name for name in names)]
    if missing:
        return Check("Qt plugins", False, f"no {', '.join(missing)} platform plugin in {plugins / 'platforms'}", fix)
    return Check("Qt plugins", True, f"{native} + offscreen in {plugins}")


REQUIRED_ASSETS = ("playbook.toml", "selftest/selftest_call.wav", "selftest/selftest_call.expected.json")


def bundle_check() -> Check:
    """The bundled assets the app and `selftest` read are present (frozen app or checkout)."""
    root = paths.assets_dir()
    missing = [rel for rel in REQUIRED_ASSETS if not (root / rel).is_file()]
    where = "bundle" if paths.is_frozen() else "checkout"
    if missing:
        return Check("bundled files", False, f"{where} {root} lacks {', '.join(missing)}",
                     "reinstall SalesMind" if paths.is_frozen() else "restore assets/ from git")
    return Check("bundled files", True, f"{where} at {paths.resource_root()}")


def extra_checks(settings) -> list[Check]:
    return [loopback_check(settings), bundle_check(), qt_check(), crm_check(settings)]
