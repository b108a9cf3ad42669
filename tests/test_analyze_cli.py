"""`salesmind-desktop analyze`: clear errors on bad input, real runs on telephone audio and silence."""

from __future__ import annotations

import json
import subprocess

import numpy as np
import pytest
from fixtures_core import text_model_present, voice_model_present, wer, write_wav

from salesmind_desktop.cli import main

REQUIRED = ("schema_version", "call_id", "duration_s", "ess", "utterances", "objections", "key_moments", "talk")


def _fails_cleanly(capsys, argv, code, *needles):
    assert main(argv) == code
    err = capsys.readouterr().err
    assert "Traceback" not in err and "error:" in err and "fix:" in err
    for needle in needles:
        assert needle in err, err


def test_bad_inputs_exit_with_a_message(tmp_path, capsys, monkeypatch):
    _fails_cleanly(capsys, ["analyze", str(tmp_path / "missing.wav")], 2, "does not exist")
    (tmp_path / "junk.wav").write_bytes(b"RIFF....WAVEfmt garbage" * 10)
    _fails_cleanly(capsys, ["analyze", str(tmp_path / "junk.wav")], 2, "cannot read")
    _fails_cleanly(capsys, ["analyze", str(write_wav(tmp_path / "empty.wav", np.zeros((0, 2))))], 2, "no audio")
    mono = write_wav(tmp_path / "mono.wav", np.zeros(16000))
    _fails_cleanly(capsys, ["analyze", str(mono)], 2, "mono", "--customer-audio")
    _fails_cleanly(capsys, ["analyze", "--rep", str(mono)], 2, "--customer-audio")
    _fails_cleanly(capsys, ["analyze"], 2, "no call recording")
    ok = write_wav(tmp_path / "ok.wav", np.zeros((1600, 2)))
    monkeypatch.setenv("SALESMIND_EMOTION_TEXT_ENGINE", "vader")
    _fails_cleanly(capsys, ["analyze", str(ok), "--model", "huge-v9", "--no-voice"], 3, "unknown ASR model")


@pytest.mark.slow
def test_silence_only_call_gives_an_empty_summary(tmp_path, capsys, monkeypatch):
    if not text_model_present():
        monkeypatch.setenv("SALESMIND_EMOTION_TEXT_ENGINE", "vader")
    noise = np.random.default_rng(0).normal(0, 0.002, (16000 * 8, 2))
    wav = write_wav(tmp_path / "quiet.wav", noise)
    out = tmp_path / "quiet.json"
    assert main(["analyze", str(wav), "--json", str(out), "--no-voice"]) == 0
    data = json.loads(out.read_text())
    assert all(k in data for k in REQUIRED)
    assert data["utterances"] == [] and data["objections"] == []
    from salesmind_desktop.insight.summary import validate

    validate(data)
    assert data["duration_s"] == pytest.approx(8.0, abs=0.05)
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.slow
def test_telephone_8khz_pair_of_mono_files(render_call, tmp_path, capsys, monkeypatch):
    """8 kHz telephone audio as two mono files: resampled, transcribed, summarised as JSON."""
    if not text_model_present():  # the real hybrid engine once its model is built
        monkeypatch.setenv("SALESMIND_EMOTION_TEXT_ENGINE", "vader")
    wav, truth = render_call("d1_demo_followup")
    rep, cust = tmp_path / "rep8k.wav", tmp_path / "cust8k.wav"
    for path, ch in ((rep, 1), (cust, 2)):
        subprocess.run(["sox", str(wav), "-r", "8000", str(path), "remix", str(ch), "sinc", "300-3400"],
                       check=True, capture_output=True)
    out = tmp_path / "d1.json"
    code = main(["analyze", "--rep", str(rep), "--customer-audio", str(cust), "--json", str(out),
                 "--call-id", "d1-phone", "-v", *([] if voice_model_present() else ["--no-voice"])])
    assert code == 0
    stdout = capsys.readouterr().out
    assert "ESS" in stdout and "Transcript" in stdout
    data = json.loads(out.read_text())
    assert all(k in data for k in REQUIRED) and data["call_id"] == "d1-phone"
    from salesmind_desktop.insight.summary import validate

    validate(data)  # the versioned JSON schema (insight/summary.schema.json)
    customer = [u for u in data["utterances"] if u["channel"] == "customer"]
    ref = " ".join(t["text"] for t in truth["turns"] if t["speaker"] == "customer")
    assert wer(ref, " ".join(u["text"] for u in customer)) <= 0.2
    assert all(u["ess"] is not None and 0 <= u["ess"] <= 10 for u in customer)
    assert 0 <= data["ess"]["overall"] <= 10
    assert data["talk"]["rep_share"] + data["talk"]["customer_share"] == pytest.approx(1.0, abs=0.01)


# ------------------------------------------------------------------------------------ doctor


def _doctor(capsys, monkeypatch, *argv):
    monkeypatch.setenv("SALESMIND_EMOTION_VOICE", "false")  # emotion models are checked by their owners' tests
    monkeypatch.setenv("SALESMIND_EMOTION_TEXT_ENGINE", "vader")
    import keyring
    from keyring.backends import null

    monkeypatch.setattr(keyring, "get_keyring", lambda: null.Keyring())
    code = main(["doctor", "--json", *argv])
    return code, {c["name"]: c for c in json.loads(capsys.readouterr().out)}


def test_doctor_reports_models_devices_compute_keychain(capsys, monkeypatch):
    code, checks = _doctor(capsys, monkeypatch)
    assert checks["speech model (tiny.en)"]["ok"] and "0.1.0" in checks["speech model (tiny.en)"]["detail"]
    assert "loads on cpu" in checks["speech model (tiny.en)"]["detail"]
    assert checks["voice activity model"]["ok"] and "sha256" in checks["voice activity model"]["detail"]
    assert "Whisper on cpu" in checks["compute"]["detail"]
    assert checks["audio devices"]["ok"]  # none on a headless box is reported, not fatal
    assert "null.Keyring" in checks["keychain"]["detail"]
    assert code == (0 if all(c["ok"] for c in checks.values()) else 1)


def test_doctor_fails_with_reasons(capsys, monkeypatch, tmp_path):
    import builtins

    monkeypatch.setenv("SALESMIND_MODEL_VAD", str(tmp_path / "gone.onnx"))
    real_import = builtins.__import__

    def no_portaudio(name, *a, **kw):
        if name == "sounddevice":
            raise OSError("PortAudio library not found")
        return real_import(name, *a, **kw)

    monkeypatch.setattr(builtins, "__import__", no_portaudio)
    code, checks = _doctor(capsys, monkeypatch, "--no-load")
    assert code == 1
    assert not checks["voice activity model"]["ok"] and "SALESMIND_MODEL_VAD" in checks["voice activity model"]["fix"]
    assert not checks["audio devices"]["ok"] and "libportaudio2" in checks["audio devices"]["fix"]


def test_unknown_asr_window_is_a_settings_error(capsys, monkeypatch, tmp_path):
    call = tmp_path / "call.wav"
    write_wav(call, np.zeros((16000, 2), np.float32), 16000)
    monkeypatch.setenv("SALESMIND_ASR_WINDOW", "short")
    monkeypatch.setenv("SALESMIND_EMOTION_TEXT_ENGINE", "vader")
    monkeypatch.setenv("SALESMIND_EMOTION_VOICE", "false")
    assert main(["analyze", str(call)]) == 4
    err = capsys.readouterr().err
    assert "unknown ASR encoder window 'short'" in err and "fix: set asr.window to auto" in err
