"""Text emotion through the real int8 ONNX model: goldens, manifest integrity, clear errors, hybrid."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from salesmind_desktop import paths
from salesmind_desktop.errors import ModelError
from salesmind_desktop.events import EMOTIONS, SENTIMENTS

pytestmark = pytest.mark.slow

MODEL_DIR = paths.models_dir() / "text_emotion"

# Clear-cut utterances written for this test (not from the dev set or the training templates):
# (text, sentiment, emotion)
GOLDEN = [
    ("Wow, the rollout went smoother than any software project we've ever done.", "positive", "satisfied"),
    ("Could you email me the onboarding checklist before Thursday?", "neutral", "neutral"),
    ("I've reported this bug four times and still nobody has fixed it.", "negative", "irritated"),
    ("I'm terrified we won't have the data migrated before the auditors arrive.", "negative", "stressed"),
    ("um yeah so we we were really pleased with how quick support answered", "positive", "satisfied"),
]


@pytest.fixture(scope="module")
def model():
    from salesmind_desktop.emotion.text import load_text_model

    return load_text_model()


def test_manifest_lists_and_verifies_every_file() -> None:
    from salesmind_desktop.emotion.text import sha256_file
    from salesmind_desktop.modelstore import project_model

    manifest = json.loads((MODEL_DIR / "manifest.json").read_text())
    assert {"name", "version", "files", "source", "licence", "notes", "metrics"} <= set(manifest)
    assert set(manifest["files"]) == {"model.int8.onnx", "tokenizer.json", "labels.json", "hybrid.json"}
    for name, digest in manifest["files"].items():
        assert sha256_file(MODEL_DIR / name) == digest
    assert project_model("text_emotion").manifest["name"] == "text_emotion"
    assert (MODEL_DIR / "model.int8.onnx").stat().st_size < 30e6  # int8: tens of MB, not ~90


@pytest.mark.parametrize(("text", "sentiment", "emotion"), GOLDEN)
def test_golden_utterances(model, text: str, sentiment: str, emotion: str) -> None:
    from salesmind_desktop.emotion.text import TransformerTextEngine

    result = TransformerTextEngine(model).score(text)
    assert result.sentiment == sentiment, result.sentiment_scores
    assert result.emotion == emotion, result.emotion_scores
    assert set(result.sentiment_scores) == set(SENTIMENTS) and set(result.emotion_scores) == set(EMOTIONS)
    assert sum(result.sentiment_scores.values()) == pytest.approx(1.0, abs=1e-6)
    assert sum(result.emotion_scores.values()) == pytest.approx(1.0, abs=1e-6)
    assert -1.0 <= result.valence <= 1.0 and 0.0 <= result.confidence <= 1.0
    assert result.source == "transformer"


def test_predictions_are_deterministic_and_cached(model) -> None:
    text = "The invoice total looks different from the quote you sent."
    first = model.predict(text)
    assert model.predict(text) is first  # served from the cache
    model._cache.clear()
    again = model.predict(text)
    for head in first:
        for label, p in first[head].items():
            assert again[head][label] == pytest.approx(p, abs=1e-9)


def test_long_monologue_is_chunked_not_truncated(model) -> None:
    calm = "We walked through the agenda and the timeline for the next steps. " * 30
    angry = "This is ridiculous, the sync broke again and nobody has called me back in two weeks!"
    assert len(model._tokenizer.encode(calm + angry).ids) == 128  # the tokenizer alone would cut the complaint off
    probs = model.predict(calm + angry)
    only_calm = model.predict(calm)
    assert probs["sentiment"]["negative"] > only_calm["sentiment"]["negative"]


def test_empty_text_is_neutral_with_zero_confidence(model) -> None:
    from salesmind_desktop.emotion.text import TransformerTextEngine

    result = TransformerTextEngine(model).score("  um uh  ")
    assert result.sentiment == "neutral" and result.confidence == 0.0


def _copy_model(tmp_path: Path) -> Path:
    target = tmp_path / "models" / "text_emotion"
    shutil.copytree(MODEL_DIR, target)
    return tmp_path / "models"


def test_corrupt_model_file_gives_clear_error(tmp_path) -> None:
    from salesmind_desktop.emotion.text import TextModel

    models = _copy_model(tmp_path)
    onnx = models / "text_emotion" / "model.int8.onnx"
    data = bytearray(onnx.read_bytes())
    data[len(data) // 2] ^= 0xFF
    onnx.write_bytes(bytes(data))
    with pytest.raises(ModelError) as err:
        TextModel(models / "text_emotion")
    assert "corrupt" in err.value.message and "sha256" in err.value.message
    assert "train.py" in err.value.fix


def test_truncated_model_with_matching_manifest_gives_clear_error(tmp_path) -> None:
    from salesmind_desktop.emotion.text import TextModel, sha256_file

    models = _copy_model(tmp_path)
    folder = models / "text_emotion"
    (folder / "model.int8.onnx").write_bytes(b"not an onnx graph")
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["files"]["model.int8.onnx"] = sha256_file(folder / "model.int8.onnx")
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelError) as err:
        TextModel(folder)
    assert "cannot be loaded" in err.value.message


def test_missing_model_gives_clear_error(tmp_path, monkeypatch) -> None:
    from salesmind_desktop import app, settings as settings_mod
    from salesmind_desktop.emotion.text import TextModel, _load

    with pytest.raises(ModelError) as err:
        TextModel(tmp_path / "nowhere")
    assert "not found" in err.value.message
    monkeypatch.setenv("SALESMIND_MODEL_TEXT_EMOTION", str(tmp_path / "nowhere"))
    _load.cache_clear()
    try:
        settings = settings_mod.Settings()
        settings.emotion.text_engine = "transformer"
        with pytest.raises(ModelError):
            app.build_text_engine(settings)
    finally:
        _load.cache_clear()


def test_app_builds_each_configured_engine() -> None:
    from salesmind_desktop import app, settings as settings_mod

    settings = settings_mod.Settings()
    for name in ("hybrid", "transformer", "vader"):
        settings.emotion.text_engine = name
        engine = app.build_text_engine(settings)
        assert engine.score("Thanks, this is great.").source == name
    settings.emotion.text_engine = "bogus"
    from salesmind_desktop.errors import ConfigError

    with pytest.raises(ConfigError):
        app.build_text_engine(settings)


def test_hybrid_combines_vader_and_transformer(model) -> None:
    from salesmind_desktop.emotion.hybrid import HybridTextEngine
    from salesmind_desktop.emotion.text import TransformerTextEngine
    from salesmind_desktop.emotion.vader import VaderEngine

    hybrid = HybridTextEngine(TransformerTextEngine(model), VaderEngine())
    sarcastic = "fantastic, now the login is broken too"
    result = hybrid.score(sarcastic)
    assert result.source == "hybrid"
    assert result.sentiment == "negative" and result.emotion == "irritated"
    assert VaderEngine().score(sarcastic).sentiment == "positive"  # the words alone read positive
    assert sum(result.sentiment_scores.values()) == pytest.approx(1.0) and sum(result.emotion_scores.values()) == pytest.approx(1.0)
    assert -1.0 <= result.valence <= 1.0 and result.confidence == pytest.approx(result.sentiment_scores["negative"], abs=1e-4)
    empty = hybrid.score(" uh ")
    assert empty.sentiment == "neutral" and empty.confidence == 0.0


def test_hybrid_combiner_weighs_vader_features() -> None:
    """The stacked combiner's arithmetic on a hand-made combiner: VADER's compound moves the result."""
    import numpy as np

    from salesmind_desktop.emotion.hybrid import FEATURES, Combiner, HybridTextEngine
    from salesmind_desktop.events import TextEmotion

    n = len(FEATURES)
    weights = {"sentiment": np.zeros((3, n)), "emotion": np.zeros((4, n))}
    weights["sentiment"][0, FEATURES.index("v_compound")] = 3.0   # positive <- compound
    weights["sentiment"][2, FEATURES.index("v_compound")] = -3.0  # negative <- -compound
    weights["sentiment"][:, FEATURES.index("t_logp_neutral")] = [0.0, 1.0, 0.0]
    combiner = Combiner(np.zeros(n), np.ones(n), weights, {"sentiment": np.zeros(3), "emotion": np.zeros(4)})
    combiner = Combiner.from_dict(json.loads(json.dumps(combiner.to_dict())))  # survives the JSON round trip

    class Unsure:  # a transformer stand-in that cannot decide
        model = None

        def score(self, text):
            third = {"positive": 1 / 3, "neutral": 1 / 3, "negative": 1 / 3}
            return TextEmotion("neutral", third, "neutral", {e: 0.25 for e in EMOTIONS}, 0.0, 0.34, "transformer")

    class Lexicon:
        def __init__(self, compound):
            self.compound = compound

        def polarity(self, text):
            return {"pos": 0.0, "neu": 1.0, "neg": 0.0, "compound": self.compound}

    happy = HybridTextEngine(Unsure(), Lexicon(0.9), combiner).score("anything")
    angry = HybridTextEngine(Unsure(), Lexicon(-0.9), combiner).score("anything")
    assert happy.sentiment == "positive" and angry.sentiment == "negative"
    assert happy.valence > 0 > angry.valence
    assert happy.emotion_scores == pytest.approx({e: 0.25 for e in EMOTIONS})


def test_hybrid_without_or_with_a_broken_combiner_gives_clear_error(tmp_path) -> None:
    from salesmind_desktop.emotion.hybrid import load_combiner

    models = _copy_model(tmp_path)
    folder = models / "text_emotion"
    data = json.loads((folder / "hybrid.json").read_text())
    data["features"] = data["features"][:-1]
    (folder / "hybrid.json").write_text(json.dumps(data))
    with pytest.raises(ModelError) as err:
        load_combiner(folder)
    assert "unreadable" in err.value.message and "fit_hybrid.py" in err.value.fix
    (folder / "hybrid.json").unlink()
    with pytest.raises(ModelError) as err:
        load_combiner(folder)
    assert "missing" in err.value.message


def test_corrupt_combiner_fails_the_manifest_check(tmp_path) -> None:
    from salesmind_desktop.emotion.text import TextModel

    models = _copy_model(tmp_path)
    path = models / "text_emotion" / "hybrid.json"
    path.write_text(path.read_text().replace("0", "1", 1))
    with pytest.raises(ModelError) as err:
        TextModel(models / "text_emotion")
    assert "hybrid.json" in err.value.message and "corrupt" in err.value.message
