"""Where things live: user config/data/cache dirs, machine-wide policy, bundled resources.

`SALESMIND_HOME` relocates every per-user dir under one folder (tests, portable installs).
Bundled resources (assets/, models/) are found next to the source tree in a checkout and under
`sys._MEIPASS` in a PyInstaller build.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "SalesMind"
APP_AUTHOR = "SalesMind"


def _home_override() -> Path | None:
    value = os.environ.get("SALESMIND_HOME")
    return Path(value).expanduser() if value else None


def config_dir() -> Path:
    if (home := _home_override()) is not None:
        return home / "config"
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, APP_AUTHOR))


def data_dir() -> Path:
    if (home := _home_override()) is not None:
        return home / "data"
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, APP_AUTHOR))


def cache_dir() -> Path:
    if (home := _home_override()) is not None:
        return home / "cache"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir(APP_NAME, APP_AUTHOR))


def machine_policy_file() -> Path:
    """The IT-managed, machine-wide policy file (read-only for the rep).

    `SALESMIND_POLICY_FILE` overrides it. Defaults: `%ProgramData%\\SalesMind\\policy.toml` on
    Windows, `/Library/Application Support/SalesMind/policy.toml` on macOS,
    `/etc/salesmind/policy.toml` elsewhere.
    """
    if value := os.environ.get("SALESMIND_POLICY_FILE"):
        return Path(value)
    if sys.platform == "win32":
        return Path(os.environ.get("PROGRAMDATA", r"C:\ProgramData")) / APP_NAME / "policy.toml"
    if sys.platform == "darwin":
        return Path("/Library/Application Support") / APP_NAME / "policy.toml"
    return Path("/etc/salesmind/policy.toml")


def is_frozen() -> bool:
    return bool(getattr(sys, "frozen", False)) and hasattr(sys, "_MEIPASS")


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for starting system programs (pactl, parec, ...) from the app.

    A frozen Linux app runs with LD_LIBRARY_PATH pointing at its bundled libraries; a system
    program started with it would load those instead of its own and can fail on another distro.
    PyInstaller keeps the original value in LD_LIBRARY_PATH_ORIG: restore it (or drop the variable).
    """
    env = dict(os.environ)
    if is_frozen():
        original = env.pop("LD_LIBRARY_PATH_ORIG", None)
        if original is not None:
            env["LD_LIBRARY_PATH"] = original
        else:
            env.pop("LD_LIBRARY_PATH", None)
    env.update(extra or {})
    return env


def resource_root() -> Path:
    """Folder holding `assets/` and `models/`: the bundle in a frozen app, else the repo root.

    An installed wheel carries no `models/`; `SALESMIND_RESOURCES` points elsewhere if needed.
    """
    if value := os.environ.get("SALESMIND_RESOURCES"):
        return Path(value)
    if is_frozen():
        return Path(sys._MEIPASS)  # type: ignore[attr-defined]
    return Path(__file__).resolve().parents[2]


def assets_dir() -> Path:
    return resource_root() / "assets"


def models_dir() -> Path:
    return resource_root() / "models"
