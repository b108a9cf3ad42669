"""Live capture through real PulseAudio and the real pipeline (VAD, tiny.en, scoring, insight).

A rendered call is played like a softphone would: the rep's side into the virtual mic, the
customer's side into the virtual speakers (whose monitor is the loopback).
"""

from __future__ import annotations

import re
import threading
import time

import numpy as np
import pytest
import soundfile

from fixtures_pulse import split_sides

from salesmind_desktop.events import ScoredUtterance, SourceStatus, SpeechActivity

pytest_plugins = ["fixtures_pulse"]  # one private PulseAudio for the whole session
pytestmark = [pytest.mark.audio]


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z']+", text.lower()) if len(w) >= 4}


def _split_call(render_call, tmp_path, call_id="d1_demo_followup", turns=4):
    """Mono rep/customer WAVs of the first `turns` turns of a rendered call, and those turns."""
    wav, truth = render_call(call_id)
    kept = truth["turns"][:turns]
    end = kept[-1]["end"] + 0.6
    return split_sides(wav, tmp_path, seconds=end), kept, end


@pytest.fixture(scope="module")
def live_engines():
    from salesmind_desktop import app, settings

    s = settings.load()
    s.emotion.voice = False  # capture is under test here, not the emotion models
    s.emotion.text_engine = "vader"
    return s, app.build_transcriber(s), app.build_vad(s)


def _run_live(pulse, engines, paths, seconds, *, bleed_volume=0.0, during=None, guard=True):
    """Play the call into the virtual devices while the live pipeline listens; returns events."""
    from salesmind_desktop import app

    s, transcriber, vad = engines
    s.audio.bleed_guard = guard
    pipeline, source = app.build_live_session(s, mic="pulse:virtual_mic", loopback="", duration_s=seconds + 1.5,
                                              transcriber=transcriber, vad=vad)
    events: list = []
    t_start = {}

    def player():
        while not events:  # wait for capture to start (first status)
            time.sleep(0.01)
        t_start["t"] = time.monotonic()
        procs = [pulse.play("mic_feed", paths["rep"]), pulse.play("speakers", paths["customer"])]
        if bleed_volume:
            procs.append(pulse.play("mic_feed", paths["customer"], volume=bleed_volume))
        if during is not None:
            during(t_start["t"])
        for p in procs:
            p.wait(timeout=seconds + 10)

    thread = threading.Thread(target=player, daemon=True)
    thread.start()
    summary = pipeline.run(source, events.append, call_id="live-test")
    thread.join(timeout=5)
    return events, summary


def _side_text(events, channel):
    return " ".join(e.text for e in events if isinstance(e, ScoredUtterance) and e.channel == channel)


def _turn_words(turns, speaker):
    return set().union(*(_words(t["text"]) for t in turns if t["speaker"] == speaker))


@pytest.mark.slow
def test_live_call_lands_on_the_right_channels_and_survives_unplug(pulse_server, live_engines, render_call,
                                                                  tmp_path):
    paths, turns, seconds = _split_call(render_call, tmp_path, turns=4)
    customer_turn = turns[1]  # the rep is silent here: pull the headset out, plug it back in

    def unplug_replug(t0):
        time.sleep(customer_turn["start"] + 0.3)
        pulse_server.unload_mic()
        time.sleep(max(0.5, customer_turn["end"] - customer_turn["start"] - 0.9))
        pulse_server.load_mic()

    events, summary = _run_live(pulse_server, live_engines, paths, seconds, during=unplug_replug)

    rep_text, customer_text = _side_text(events, "rep"), _side_text(events, "customer")
    rep_words, customer_words = _turn_words(turns, "rep"), _turn_words(turns, "customer")
    assert len(_words(rep_text) & rep_words) >= 0.6 * len(rep_words), rep_text
    assert len(_words(customer_text) & customer_words) >= 0.6 * len(customer_words), customer_text
    only_customer = customer_words - rep_words
    assert len(_words(rep_text) & only_customer) <= 1, f"customer words on the rep channel: {rep_text}"
    # the rep's turn after the replug was still heard (nothing lost after recovery)
    assert len(_words(rep_text) & _words(turns[2]["text"])) >= 0.5 * len(_words(turns[2]["text"])), rep_text
    states = [(e.state, e.channel) for e in events if isinstance(e, SourceStatus)]
    assert ("paused", "rep") in states and ("recovered", "rep") in states, states
    assert states.index(("paused", "rep")) < states.index(("recovered", "rep"))
    assert summary is not None
    # latency sanity through the real path: customer utterances were scored within a few seconds
    lat = [e.wall_scored - e.wall_end for e in events if isinstance(e, ScoredUtterance) and e.channel == "customer"]
    assert lat and max(lat) < 10


@pytest.mark.slow
def test_speaker_bleed_into_the_mic_is_not_attributed_to_the_rep(pulse_server, live_engines, render_call, tmp_path):
    paths, turns, seconds = _split_call(render_call, tmp_path, turns=4)
    events, _ = _run_live(pulse_server, live_engines, paths, seconds, bleed_volume=0.5)

    rep_text, customer_text = _side_text(events, "rep"), _side_text(events, "customer")
    rep_words, customer_words = _turn_words(turns, "rep"), _turn_words(turns, "customer")
    only_customer = customer_words - rep_words
    assert len(_words(rep_text) & only_customer) <= 1, f"bleed attributed to the rep: {rep_text}"
    assert len(_words(rep_text) & rep_words) >= 0.6 * len(rep_words), rep_text
    assert len(_words(customer_text) & customer_words) >= 0.6 * len(customer_words), customer_text
    # the leak is kept out of the rep's talk time too (the frame gate), not only out of the text
    customer_spans = [(t["start"], t["end"]) for t in turns if t["speaker"] == "customer"]
    leak_talk = sum(max(0.0, min(e.end, b) - max(e.start, a)) for e in events
                    if isinstance(e, SpeechActivity) and e.channel == "rep" for a, b in customer_spans)
    customer_time = sum(b - a for a, b in customer_spans)
    assert leak_talk < 0.35 * customer_time, (leak_talk, customer_time)


def test_devices_command_lists_the_virtual_mic_and_the_speakers_monitor(pulse_server, capsys):
    import json

    from salesmind_desktop.cli import main

    assert main(["devices", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["backend"] == "pulse"
    assert data["selected"] == {"mic": "pulse:virtual_mic", "loopback": "pulse:speakers.monitor"}
    assert main(["devices"]) == 0
    out = capsys.readouterr().out
    assert "* pulse:virtual_mic" in out and "* pulse:speakers.monitor" in out


def test_listen_with_an_unknown_device_fails_clearly(pulse_server, capsys):
    from salesmind_desktop.cli import main

    assert main(["listen", "--mic", "no-such-headset", "--duration", "1"]) == 2
    err = capsys.readouterr().err
    assert "no audio input matches 'no-such-headset'" in err and "fix:" in err


@pytest.mark.slow
def test_listen_command_prints_utterances_and_writes_the_summary_json(pulse_server, render_call, tmp_path, capsys,
                                                                    monkeypatch):
    import json

    monkeypatch.setenv("SALESMIND_EMOTION_TEXT_ENGINE", "vader")  # capture under test, not the models

    from salesmind_desktop.cli import main

    paths, turns, seconds = _split_call(render_call, tmp_path, turns=2)
    out = tmp_path / "summary.json"
    procs = []
    timer = threading.Timer(1.0, lambda: procs.extend([pulse_server.play("mic_feed", paths["rep"]),
                                                       pulse_server.play("speakers", paths["customer"])]))
    timer.start()
    rc = main(["listen", "--mic", "pulse:virtual_mic", "--duration", str(round(seconds + 2.5, 1)),
               "--no-voice", "--json", str(out), "--record", str(tmp_path / "rec" / "call.wav")])
    for p in procs:
        p.wait(timeout=10)
    assert rc == 0
    printed = capsys.readouterr().out
    lines = [line for line in printed.splitlines() if "customer:" in line or "rep:" in line]
    assert any("customer:" in line and _words(line) & _turn_words(turns, "customer") for line in lines), printed
    assert any("rep:" in line and _words(line) & _turn_words(turns, "rep") for line in lines), printed
    data = json.loads(out.read_text())
    assert "schema_version" in data and data.get("call_id", "").startswith("live-")
    # --record: the call as a stereo WAV, rep left and customer right, as `analyze` reads it
    rec, sr = soundfile.read(str(tmp_path / "rec" / "call.wav"), dtype="float32")
    assert sr == 16000 and rec.shape[1] == 2 and abs(len(rec) / sr - (seconds + 2.5)) < 1.0
    frames = rec[: len(rec) // 320 * 320].reshape(-1, 320, 2)
    active = np.sqrt(np.mean(frames ** 2, axis=1)) > 0.01  # 20 ms frames with speech, per channel
    assert active[:, 0].sum() * 0.02 > 0.5 and active[:, 1].sum() * 0.02 > 0.5
    assert (active[:, 0] & active[:, 1]).sum() < 0.3 * min(active[:, 0].sum(), active[:, 1].sum())


def test_loopback_follows_the_rep_switching_the_output_device(pulse_server):
    """The rep picks another output mid-call: the customer channel moves to that output's monitor."""
    from salesmind_desktop import app, settings

    source = app.build_live_source(settings.load(), mic="pulse:virtual_mic", loopback="", duration_s=8.0)
    assert source.devices["customer"] == "pulse:speakers.monitor"
    events = []
    switched = threading.Timer(1.0, lambda: pulse_server.pactl("set-default-sink", "mic_feed"))
    switched.start()
    try:
        for ev in source.stream():
            events.append(ev)
            if isinstance(ev, SourceStatus) and ev.state == "recovered":
                source.stop()
    finally:
        switched.cancel()
        pulse_server.pactl("set-default-sink", "speakers")
    recovered = [e for e in events if isinstance(e, SourceStatus) and e.state == "recovered"]
    assert recovered and recovered[0].channel == "customer", [e for e in events if isinstance(e, SourceStatus)]
    assert source.devices["customer"] == "pulse:mic_feed.monitor"
    assert source.devices["rep"] == "pulse:virtual_mic"


def test_sound_server_started_after_portaudio_is_still_found(pulse_server, tmp_path):
    """PortAudio lists only what it could open at initialisation: an app started before PulseAudio
    (or a sound server restarted mid-session) must re-scan instead of failing with 'no pulse device'."""
    import subprocess
    import sys

    script = (
        "import os, sounddevice as sd\n"
        "assert 'pulse' not in [d['name'] for d in sd.query_devices()]\n"  # initialised with no server
        "os.environ['PULSE_SERVER'] = os.environ.pop('LATER_PULSE_SERVER')\n"
        "from salesmind_desktop.audio.loopback.pulse import _pulse_pcm_index\n"
        "print('index', _pulse_pcm_index())\n"
    )
    env = {**pulse_server.env, "PULSE_SERVER": f"unix:{tmp_path / 'no-server-here'}",
           "LATER_PULSE_SERVER": pulse_server.env["PULSE_SERVER"]}
    res = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr[-2000:]
    assert re.search(r"^index \d+$", res.stdout, re.M), res.stdout
