"""The desktop app on a live call: real PulseAudio devices (virtual mic + speakers), the real
pipeline, started and stopped from the UI like a rep would."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from fixtures_pulse import split_sides
from fixtures_ui import desktop  # noqa: F401

from salesmind_desktop import settings as settings_mod

pytest_plugins = ["fixtures_pulse"]  # one private PulseAudio for the whole session
pytestmark = [pytest.mark.gui, pytest.mark.audio, pytest.mark.slow]
DEMO = Path(__file__).resolve().parents[1] / "assets" / "examples" / "demo_call.wav"


def test_live_call_from_the_badge_button_to_the_summary(qtbot, desktop, pulse_server, tmp_path):
    settings = settings_mod.load()
    settings.emotion.voice, settings.emotion.text_engine = False, "vader"  # light on CI's cores
    settings.privacy.keep_audio = True  # the rep opted in: the call is recorded for playback
    app = desktop(settings=settings)  # the default session: live devices via app.build_live_session
    app.show()
    utterances, errors = [], []
    app.bridge.utterance.connect(utterances.append)
    app.controller.error.connect(lambda m, f: errors.append(f"{m} (fix: {f})"))
    qtbot.mouseClick(app.badge.call_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: app.controller.state == "listening" or bool(errors), timeout=60_000)
    assert errors == []
    sides = split_sides(DEMO, tmp_path, seconds=17.0)  # rep, customer, rep, customer turns
    players = [pulse_server.play("mic_feed", sides["rep"]), pulse_server.play("speakers", sides["customer"])]
    for p in players:
        p.wait(timeout=40)
    qtbot.waitUntil(lambda: any(u.channel == "customer" and "single" in u.text.lower() for u in utterances),
                    timeout=60_000)
    assert app.badge.badge_state is not None and app.badge.score.text() != "–"  # live ESS shown
    with qtbot.waitSignal(app.controller.summary_ready, timeout=60_000) as blocker:
        qtbot.mouseClick(app.badge.call_button, Qt.MouseButton.LeftButton)
    summary = blocker.args[0]
    assert errors == []
    lines = app.transcript.view.lines()
    assert {line.channel for line in lines} == {"rep", "customer"}
    assert any("jenny" in line.text.lower() for line in lines if line.channel == "rep")
    assert any("loved" in line.text.lower() for line in lines if line.channel == "customer")
    assert app.summary_windows[-1].view.call_id == summary.call_id
    assert summary.ess.overall > 5  # the customer liked the demo
    # the live call was recorded (stereo, rep left) and the summary's key moments can play it
    import soundfile

    from salesmind_desktop.audio.recorder import is_app_recording

    recording = app.summary_windows[-1].view.audio_path
    assert recording and is_app_recording(recording)
    info = soundfile.info(recording)
    assert info.channels == 2 and info.samplerate == 16000 and info.duration > 15.0


def test_settings_dialog_lists_the_real_devices(qtbot, pulse_server):
    from salesmind_desktop.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(settings_mod.load())
    qtbot.addWidget(dialog)
    mic, loopback = dialog.editors["audio.mic_device"], dialog.editors["audio.loopback_device"]
    dialog._fill_devices(mic, "mic")
    dialog._fill_devices(loopback, "loopback")
    mic_ids = [mic.itemData(i) for i in range(mic.count())]
    loop_ids = [loopback.itemData(i) for i in range(loopback.count())]
    assert "pulse:virtual_mic" in mic_ids and "pulse:speakers.monitor" in loop_ids, (mic_ids, loop_ids)
    mic.setCurrentIndex(mic_ids.index("pulse:virtual_mic"))
    assert dialog.value("audio.mic_device") == "pulse:virtual_mic"
