"""Shared fixtures. Heavy services (PulseAudio, MongoDB wire server, Xvfb) live in their own
fixture modules under tests/ and start only for the tests that ask for them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
CALLS = ROOT / "tools" / "calls"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    """Every test gets its own config/data/cache dirs and no machine policy."""
    monkeypatch.setenv("SALESMIND_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SALESMIND_POLICY_FILE", str(tmp_path / "no-policy.toml"))
    return tmp_path / "home"


@pytest.fixture(scope="session")
def render_call(tmp_path_factory):
    """Render a scripted call from tools/calls (by id) once per session -> (wav, truth dict)."""
    if not (shutil.which("flite") and shutil.which("sox")):
        pytest.fail("flite and sox are required to render test calls: run scripts/setup.sh")
    out_dir = tmp_path_factory.mktemp("calls")
    cache: dict[str, tuple[Path, dict]] = {}

    def _render(call_id: str) -> tuple[Path, dict]:
        if call_id not in cache:
            wav = out_dir / f"{call_id}.wav"
            subprocess.run([sys.executable, str(ROOT / "tools" / "render_call.py"),
                            str(CALLS / f"{call_id}.json"), str(wav)], check=True, capture_output=True)
            cache[call_id] = (wav, json.loads(wav.with_suffix(".truth.json").read_text()))
        return cache[call_id]

    return _render
