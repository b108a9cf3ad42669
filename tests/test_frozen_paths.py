"""Frozen-app path rules, faked in-process (the real frozen app is tested in test_packaging.py)."""

from __future__ import annotations

import sys

from salesmind_desktop import modelstore, paths


def _freeze(monkeypatch, root):
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(root), raising=False)


def test_bundled_resources_come_from_meipass(monkeypatch, tmp_path):
    monkeypatch.delenv("SALESMIND_RESOURCES", raising=False)
    assert not paths.is_frozen()
    _freeze(monkeypatch, tmp_path)
    assert paths.is_frozen()
    assert paths.resource_root() == tmp_path
    assert paths.assets_dir() == tmp_path / "assets" and paths.models_dir() == tmp_path / "models"
    (tmp_path / "models" / "text_emotion").mkdir(parents=True)
    (tmp_path / "models" / "text_emotion" / "manifest.json").write_text("{}")
    assert modelstore.project_model_names() == ["text_emotion"]


def test_system_programs_get_the_original_library_path(monkeypatch, tmp_path):
    monkeypatch.setenv("LD_LIBRARY_PATH", "/bundle/_internal")
    monkeypatch.setenv("LD_LIBRARY_PATH_ORIG", "/opt/site/lib")
    assert paths.child_env()["LD_LIBRARY_PATH"] == "/bundle/_internal"  # not frozen: untouched
    _freeze(monkeypatch, tmp_path)
    env = paths.child_env({"LC_ALL": "C"})
    assert env["LD_LIBRARY_PATH"] == "/opt/site/lib" and "LD_LIBRARY_PATH_ORIG" not in env
    assert env["LC_ALL"] == "C"
    monkeypatch.delenv("LD_LIBRARY_PATH_ORIG")
    assert "LD_LIBRARY_PATH" not in paths.child_env()  # the user had none: the bundle's is dropped
