"""OnnxVoiceEngine through the real committed ONNX model on real TTS clips; model integrity."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from fixtures_voice import tts

from salesmind_desktop import modelstore
from salesmind_desktop.emotion.fusion import LateFusion
from salesmind_desktop.emotion.voice import OnnxVoiceEngine, cues
from salesmind_desktop.emotion import voice_features as vf
from salesmind_desktop.errors import ModelError
from salesmind_desktop.events import EMOTIONS, ObjectionResult

CALM_LINES = ("I wanted to ask about the invoice from last month.",
              "We looked at the proposal you sent on Tuesday.",
              "The contract ends in March next year.")
SHARP = {"tempo": 1.18, "cents": 150, "gain_db": 6, "treble_db": 5}

# Golden readings of the committed model (models/voice_emotion 1.0.0) on deterministic flite+sox
# clips: each voice says three calm lines, then a sharp "I'm fine." (rebuild the model -> update).
GOLDEN = {  # voice: (calm emotions, calm arousals, sharp emotion, sharp arousal)
    "awb": (("neutral", "neutral", "neutral"), (0.31, 0.34, 0.21), "irritated", 0.905),
    "kal16": (("neutral", "satisfied", "neutral"), (0.33, 0.40, 0.40), "irritated", 0.739),
    "rms": (("neutral", "neutral", "stressed"), (0.43, 0.56, 0.55), "irritated", 0.851),
    "slt": (("stressed", "stressed", "stressed"), (0.42, 0.74, 0.40), "irritated", 0.946),
}
AROUSAL_TOL = 0.06


@pytest.fixture(scope="module")
def engine():
    return OnnxVoiceEngine()


def calm_then(engine, pcm, voice="slt"):
    engine.reset()
    calm = [engine.score("customer", tts(line, voice=voice), ()) for line in CALM_LINES]
    return calm, engine.score("customer", pcm, ())


def test_manifest_verified_and_says_synthetic():
    info = modelstore.project_model("voice_emotion")
    manifest = info.manifest
    assert set(manifest) >= {"name", "version", "files", "source", "licence", "notes", "metrics"}
    assert manifest["files"]["model.onnx"] == modelstore.sha256_file(info.path / "model.onnx")
    assert "SYNTHETIC" in manifest["notes"] and manifest["data"]["synthetic"] is True
    uar = manifest["metrics"]["synthetic_speaker_independent"]["uar"]
    assert 0.25 < uar <= 1.0
    assert manifest["input_dim"] == vf.INPUT_DIM and manifest["feature_names"] == list(vf.FEATURE_NAMES)


@pytest.mark.slow
@pytest.mark.parametrize("voice", sorted(GOLDEN))
def test_golden_readings_and_sharp_short_utterance_without_text(engine, voice):
    calm_emotions, calm_arousal, sharp_emotion, sharp_arousal = GOLDEN[voice]
    calm, sharp = calm_then(engine, tts("I'm fine.", voice=voice, **SHARP), voice)
    assert tuple(c.emotion for c in calm) == calm_emotions
    assert [round(c.arousal, 2) for c in calm] == pytest.approx(calm_arousal, abs=AROUSAL_TOL)
    for reading in calm:
        assert abs(sum(reading.emotion_scores.values()) - 1) < 1e-4
        assert set(reading.emotion_scores) == set(EMOTIONS)
    assert not [c for c in calm[0].cues if c != "rising pitch"]  # no baseline yet: no relative cues
    # A sharply said short line with no usable words still gets a voice reading.
    assert sharp is not None
    assert sharp.emotion == sharp_emotion
    assert sharp.arousal == pytest.approx(sharp_arousal, abs=AROUSAL_TOL)
    assert sharp.arousal > max(c.arousal for c in calm)
    assert "louder" in sharp.cues
    assert sharp.confidence > 0.2
    # Fusion with no text (empty transcript, ASR confidence 0) reads the voice alone.
    fused = LateFusion().fuse(None, sharp, ObjectionResult("none", 0.0), 0.0)
    assert fused.emotion == "irritated" and fused.ess < 4.0


@pytest.mark.slow
def test_each_channel_has_its_own_baseline_and_reset_forgets(engine):
    engine.reset()
    loud = tts(CALM_LINES[0], voice="slt", gain_db=8)
    for line in CALM_LINES:
        engine.score("rep", tts(line, voice="kal16"), ())
    first_customer = engine.score("customer", loud, ())
    assert first_customer is not None and "louder" not in first_customer.cues  # nothing to compare yet
    for line in CALM_LINES:
        engine.score("customer", tts(line, voice="slt"), ())
    assert "louder" in engine.score("customer", loud, ()).cues
    engine.reset()
    assert "louder" not in engine.score("customer", loud, ()).cues


def test_silence_and_tiny_audio_give_no_reading(engine):
    assert engine.score("customer", np.zeros(16000, np.float32), ()) is None
    assert engine.score("customer", np.zeros(100, np.float32), ()) is None
    noise = np.random.default_rng(0).normal(0, 0.01, 16000).astype(np.float32)
    assert engine.score("customer", noise, ()) is None


def test_cues_from_relative_features():
    row = np.zeros(vf.INPUT_DIM, np.float32)
    row[vf.N_FEATURES + vf.INDEX["energy_p90"]] = 6.0
    row[vf.N_FEATURES + vf.INDEX["pitch_median"]] = 2.0
    row[vf.INDEX["pitch_end_rise"]] = 3.0
    assert cues(row, 1.0)[0] == "louder" and set(cues(row, 1.0)) == {"louder", "higher pitch", "rising pitch"}
    assert cues(row, 0.0) == ("rising pitch",)


def _copy_model(tmp_path):
    src = modelstore.project_model("voice_emotion").path
    dst = tmp_path / "voice_emotion"
    shutil.copytree(src, dst)
    return dst


def test_corrupt_model_file_is_a_clear_error(tmp_path, monkeypatch):
    dst = _copy_model(tmp_path)
    data = bytearray((dst / "model.onnx").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (dst / "model.onnx").write_bytes(bytes(data))
    monkeypatch.setenv("SALESMIND_MODEL_VOICE_EMOTION", str(dst))
    with pytest.raises(ModelError, match="corrupt"):
        OnnxVoiceEngine()


def test_unloadable_model_with_matching_manifest_is_a_clear_error(tmp_path, monkeypatch):
    dst = _copy_model(tmp_path)
    (dst / "model.onnx").write_bytes(b"this is not an onnx graph")
    manifest = json.loads((dst / "manifest.json").read_text())
    manifest["files"]["model.onnx"] = modelstore.sha256_file(dst / "model.onnx")
    (dst / "manifest.json").write_text(json.dumps(manifest))
    monkeypatch.setenv("SALESMIND_MODEL_VOICE_EMOTION", str(dst))
    with pytest.raises(ModelError) as exc:
        OnnxVoiceEngine()
    assert "cannot be loaded" in exc.value.message and exc.value.fix


def test_missing_model_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("SALESMIND_MODEL_VOICE_EMOTION", str(tmp_path / "nothing"))
    with pytest.raises(ModelError, match="not found"):
        OnnxVoiceEngine()


def test_app_builds_engine_per_settings():
    from salesmind_desktop.app import build_voice_engine
    from salesmind_desktop.settings import Settings

    settings = Settings()
    assert isinstance(build_voice_engine(settings), OnnxVoiceEngine)
    settings.emotion.voice = False
    assert build_voice_engine(settings) is None


@pytest.mark.slow
def test_scripted_calls_fused_ess_orders_happy_above_irate(engine, render_call):
    """Real audio of two scripted calls, real VADER + voice model + fusion: the happy demo
    follow-up must end up with a higher mean customer ESS than the irate billing call."""
    import soundfile as sf

    from salesmind_desktop.emotion.vader import VaderEngine

    vader, fusion = VaderEngine(), LateFusion()

    def mean_ess(call_id):
        wav, truth = render_call(call_id)
        stereo, rate = sf.read(str(wav), dtype="float32")
        engine.reset()
        scores = []
        for turn in truth["turns"]:
            if turn["speaker"] != "customer":
                continue
            pcm = stereo[int(max(0, turn["start"] - 0.1) * rate): int((turn["end"] + 0.1) * rate), 1]
            voice = engine.score("customer", pcm, ())
            objection = ObjectionResult(turn.get("objection", "none"), 0.8 if turn.get("objection", "none") != "none" else 0.0)
            scores.append(fusion.fuse(vader.score(turn["text"]), voice, objection, 0.9).ess)
        return float(np.mean(scores))

    happy, irate = mean_ess("d1_demo_followup"), mean_ess("d3_billing_irate")
    assert happy > 5.5 > irate
    assert happy - irate > 1.0
