"""Transformer text emotion: the fine-tuned MiniLM classifier run with onnxruntime + tokenizers.

The model (`models/text_emotion/`, built by `training/text/train.py`) is one int8 ONNX graph with
three heads — sentiment, emotion, objection — over a shared encoder. `TextModel` owns the single
ONNX session and the tokenizer and returns calibrated (temperature-scaled) probabilities per head;
`TransformerTextEngine` maps them to a `TextEmotion`. `emotion.objections.ModelObjectionTagger`
reads the objection head from the same `TextModel`, whose small cache makes the second read free.
No torch or transformers at run time.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path

import numpy as np

from salesmind_desktop.errors import ModelError
from salesmind_desktop.events import TextEmotion
from salesmind_desktop.emotion.preprocess import chunk_for_model, clean

MODEL_NAME = "text_emotion"
MODEL_FILE = "model.int8.onnx"
TOKENIZER_FILE = "tokenizer.json"
LABELS_FILE = "labels.json"
MAX_TOKENS = 128
_REBUILD = "reinstall SalesMind, or rebuild it with `python training/text/train.py` (see training/text/README.md)"


def default_model_dir(models_dir: Path | None = None) -> Path:
    """`models_dir/text_emotion`; by default the bundled folder or `SALESMIND_MODEL_TEXT_EMOTION`."""
    if models_dir is None:
        import os

        from salesmind_desktop import paths

        if override := os.environ.get("SALESMIND_MODEL_TEXT_EMOTION"):
            return Path(override).expanduser()
        models_dir = paths.models_dir()
    return Path(models_dir) / MODEL_NAME


def text_model_available(models_dir: Path | None = None) -> bool:
    """True when the model folder and its manifest exist (integrity is checked on load)."""
    return (default_model_dir(models_dir) / "manifest.json").is_file()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_manifest(folder: Path) -> dict:
    """Check every file listed in `manifest.json` against its sha256; return the manifest."""
    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        raise ModelError(f"text emotion model not found in {folder}", _REBUILD)
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        files = dict(manifest["files"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"text emotion manifest {manifest_path} is unreadable ({exc})", _REBUILD) from None
    for name in (MODEL_FILE, TOKENIZER_FILE, LABELS_FILE):
        if name not in files:
            raise ModelError(f"text emotion manifest does not list {name}", _REBUILD)
    for name, expected in files.items():
        path = folder / name
        if not path.is_file():
            raise ModelError(f"text emotion model file {path} is missing", _REBUILD)
        if sha256_file(path) != expected:
            raise ModelError(f"text emotion model file {path} is corrupt (sha256 does not match its manifest)", _REBUILD)
    return manifest


def _softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


class TextModel:
    """One ONNX session + tokenizer; `predict(text)` -> {head: {label: probability}}.

    Thread-safe (onnxruntime sessions are; the cache is locked). Long text is cut into sentence
    chunks of at most 128 tokens and the chunks' probabilities are averaged, weighted by length.
    """

    def __init__(self, folder: Path, *, threads: int = 2, cache_size: int = 64, manifest: dict | None = None) -> None:
        folder = Path(folder)
        self.folder = folder
        self.manifest = manifest if manifest is not None else verify_manifest(folder)
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:  # pragma: no cover - runtime deps are always installed
            raise ModelError(f"text emotion runtime is missing ({exc.name})", "pip install onnxruntime tokenizers") from None
        try:
            labels = json.loads((folder / LABELS_FILE).read_text(encoding="utf-8"))
            self.heads: dict[str, list[str]] = {k: list(v) for k, v in labels["heads"].items()}
            self.temperatures: dict[str, float] = {k: float(labels.get("temperatures", {}).get(k, 1.0)) for k in self.heads}
            self.max_tokens = int(labels.get("max_length", MAX_TOKENS))
            tokenizer = Tokenizer.from_file(str(folder / TOKENIZER_FILE))
        except Exception as exc:
            raise ModelError(f"text emotion labels/tokenizer in {folder} are unreadable ({exc})", _REBUILD) from None
        tokenizer.enable_truncation(max_length=self.max_tokens)
        tokenizer.no_padding()
        self._tokenizer = tokenizer
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        try:
            self._session = ort.InferenceSession(str(folder / MODEL_FILE), options, providers=["CPUExecutionProvider"])
        except Exception as exc:
            raise ModelError(f"text emotion model {folder / MODEL_FILE} cannot be loaded ({exc})", _REBUILD) from None
        self._outputs = [f"{head}_logits" for head in self.heads]
        self._cache: OrderedDict[str, dict[str, dict[str, float]]] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def count_tokens(self, text: str) -> int:
        """Tokens in `text` incl. [CLS]/[SEP]; beyond the truncation limit it counts the overflow too."""
        enc = self._tokenizer.encode(text)
        return len(enc.ids) + sum(len(o.ids) for o in enc.overflowing)

    def _run(self, texts: list[str]) -> dict[str, np.ndarray]:
        encodings = self._tokenizer.encode_batch(texts)
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(texts), width), dtype=np.int64)
        mask = np.zeros((len(texts), width), dtype=np.int64)
        for row, enc in enumerate(encodings):
            ids[row, : len(enc.ids)] = enc.ids
            mask[row, : len(enc.ids)] = 1
        logits = self._session.run(self._outputs, {"input_ids": ids, "attention_mask": mask})
        out = {}
        for head, values in zip(self.heads, logits):
            out[head] = _softmax(np.asarray(values, dtype=np.float64) / self.temperatures[head])
        out["_lengths"] = mask.sum(axis=1).astype(np.float64)
        return out

    def predict(self, text: str) -> dict[str, dict[str, float]]:
        text = clean(text)
        with self._lock:
            if text in self._cache:
                self._cache.move_to_end(text)
                return self._cache[text]
        chunks = chunk_for_model(text, self.count_tokens, self.max_tokens) or [""]
        raw = self._run(chunks)
        weights = raw["_lengths"] / raw["_lengths"].sum()
        result = {
            head: {label: float(p) for label, p in zip(labels, weights @ raw[head])}
            for head, labels in self.heads.items()
        }
        with self._lock:
            self._cache[text] = result
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return result


@lru_cache(maxsize=4)
def _load(folder: str | None, threads: int) -> TextModel:
    if folder is None:
        from salesmind_desktop.modelstore import project_model

        info = project_model(MODEL_NAME)  # verifies the manifest's sha256 (env override aware)
        verify_manifest_lists_runtime_files(info.manifest, info.path)
        return TextModel(info.path, threads=threads, manifest=info.manifest)
    return TextModel(Path(folder), threads=threads)


def verify_manifest_lists_runtime_files(manifest: dict, folder: Path) -> None:
    missing = [n for n in (MODEL_FILE, TOKENIZER_FILE, LABELS_FILE) if n not in manifest.get("files", {})]
    if missing:
        raise ModelError(f"text emotion manifest in {folder} does not list {', '.join(missing)}", _REBUILD)


def load_text_model(models_dir: Path | None = None, *, threads: int = 2) -> TextModel:
    """The shared `TextModel`: the bundled one (through the model store) or `models_dir/text_emotion`.

    Loaded and verified once per process; raises `ModelError` when missing or corrupt.
    """
    return _load(None if models_dir is None else str(default_model_dir(models_dir).resolve()), threads)


class TransformerTextEngine:
    """`TextEmotionEngine` over the transformer's sentiment and emotion heads."""

    source = "transformer"

    def __init__(self, model: TextModel) -> None:
        self.model = model

    def score(self, text: str) -> TextEmotion:
        if not clean(text):
            return TextEmotion("neutral", {"positive": 0.0, "neutral": 1.0, "negative": 0.0}, "neutral",
                               {"satisfied": 0.0, "neutral": 1.0, "stressed": 0.0, "irritated": 0.0}, 0.0, 0.0, self.source)
        probs = self.model.predict(text)
        sentiment_scores = probs["sentiment"]
        emotion_scores = probs["emotion"]
        sentiment = max(sentiment_scores, key=sentiment_scores.__getitem__)
        emotion = max(emotion_scores, key=emotion_scores.__getitem__)
        valence = sentiment_scores["positive"] - sentiment_scores["negative"]
        # Confidence: the calibrated probability of the sentiment call (calibration makes this honest).
        confidence = sentiment_scores[sentiment]
        return TextEmotion(sentiment, sentiment_scores, emotion, emotion_scores, round(valence, 4),
                           round(confidence, 4), self.source)
