"""Device selection per platform and DeviceSource behaviour (hot-plug, overflow, mute) with fake backends."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from salesmind_desktop.audio.devices import DeviceChoice, choose, choose_pair
from salesmind_desktop.audio.levels import LevelTracker, MuteWatch
from salesmind_desktop.audio.live import DeviceSource
from salesmind_desktop.audio.loopback import select_backend
from salesmind_desktop.audio.loopback.base import DeviceInfo, PollWatch
from salesmind_desktop.errors import AudioInputError
from salesmind_desktop.events import AudioChunk, LevelMeter, SourceStatus

MIC = DeviceInfo("fake:headset", "USB Headset", "mic", "fake", default=True)
LAPTOP = DeviceInfo("fake:laptop", "Laptop Mic", "mic", "fake")
MONITOR = DeviceInfo("fake:speakers.monitor", "Monitor of Speakers", "loopback", "fake", default=True)


class FakeStream:
    def __init__(self, callback, rate, level):
        self.samplerate = rate
        self._stop = threading.Event()
        n = rate * 32 // 1000
        t = np.arange(n) / rate
        block = (level * np.sin(2 * np.pi * 300 * t)).astype(np.float32)

        def run():
            while not self._stop.wait(0.032):
                callback(block.copy())
        threading.Thread(target=run, daemon=True).start()

    def close(self):
        self._stop.set()


class FakeBackend:
    name = "fake"

    def __init__(self, devices, rate=16000, levels=None):
        self.devices = list(devices)
        self.rate = rate
        self.levels = levels or {}
        self.opened: list[str] = []
        self.streams: dict[str, FakeStream] = {}

    def list_devices(self):
        return list(self.devices)

    def open(self, device, callback, block_ms):
        if device not in self.devices:
            raise AudioInputError(f"{device.id} is gone", "plug it in")
        self.opened.append(device.id)
        stream = FakeStream(callback, self.rate, self.levels.get(device.id, 0.1))
        self.streams[device.id] = stream
        return stream

    def setup_hint(self, kind):
        return f"no {kind} here"

    def watch(self):
        return PollWatch(0.2)

    def unplug(self, device):
        self.devices.remove(device)
        self.streams[device.id].close()  # a vanished device stops delivering


# ------------------------------------------------------------------------- selection


def test_backend_per_platform():
    assert select_backend("linux", pulse_running=lambda: True).name == "pulse"
    assert select_backend("linux", pulse_running=lambda: False).name == "portaudio"
    assert select_backend("win32").name == "wasapi"
    assert select_backend("darwin").name == "coreaudio-virtual"
    assert select_backend("freebsd13").name == "portaudio"


def test_defaults_are_the_default_mic_and_the_default_outputs_monitor():
    backend = FakeBackend([LAPTOP, MIC, MONITOR])
    rep, customer = choose_pair("", "", backend)
    assert rep.device == MIC and rep.follows_default
    assert customer.device == MONITOR and customer.follows_default


def test_choice_by_id_name_or_unique_part():
    backend = FakeBackend([LAPTOP, MIC, MONITOR])
    assert choose("fake:laptop", "mic", backend).device == LAPTOP
    assert choose("usb headset", "mic", backend).device == MIC
    assert choose("laptop", "mic", backend) == DeviceChoice(LAPTOP, follows_default=False)
    assert choose("headset", "mic", backend).device == MIC


def test_bad_choices_say_what_to_do():
    backend = FakeBackend([LAPTOP, MIC, MONITOR])
    with pytest.raises(AudioInputError, match="no audio input matches 'nope'") as exc:
        choose("nope", "mic", backend)
    assert "salesmind-desktop devices" in exc.value.fix
    with pytest.raises(AudioInputError, match="several inputs"):
        choose("fake", "mic", FakeBackend([LAPTOP, MIC]))
    with pytest.raises(AudioInputError, match="no loopback") as exc:
        choose("", "loopback", FakeBackend([MIC]))
    assert exc.value.fix == "no loopback here"
    with pytest.raises(AudioInputError, match="same input"):
        choose_pair("fake:headset", "fake:headset", backend)


def test_macos_without_blackhole_explains_the_setup(monkeypatch):
    from salesmind_desktop.audio.loopback import macos, portaudio

    monkeypatch.setattr(portaudio, "portaudio_inputs", lambda: [
        {"index": 0, "name": "MacBook Pro Microphone", "hostapi": 0, "default_samplerate": 48000, "default": True}])
    backend = macos.MacVirtualDeviceBackend()
    with pytest.raises(AudioInputError) as exc:
        choose_pair("", "", backend)
    assert "BlackHole" in exc.value.fix
    monkeypatch.setattr(portaudio, "portaudio_inputs", lambda: [
        {"index": 0, "name": "MacBook Pro Microphone", "hostapi": 0, "default_samplerate": 48000, "default": True},
        {"index": 1, "name": "BlackHole 2ch", "hostapi": 0, "default_samplerate": 48000, "default": False}])
    rep, customer = choose_pair("", "", backend)
    assert rep.device.name == "MacBook Pro Microphone" and customer.device.name == "BlackHole 2ch"


def test_windows_without_pyaudiowpatch_says_how_to_install(monkeypatch):
    from salesmind_desktop.audio.loopback import portaudio, wasapi

    monkeypatch.setattr(portaudio, "portaudio_inputs", lambda: [
        {"index": 0, "name": "Headset Microphone", "hostapi": 0, "default_samplerate": 48000, "default": True}])
    monkeypatch.setattr(wasapi, "wasapi_available", lambda: False)
    with pytest.raises(AudioInputError) as exc:
        choose_pair("", "", wasapi.WasapiBackend())
    assert "salesmind-desktop[windows]" in exc.value.fix


# ---------------------------------------------------------------------- DeviceSource


def _collect(source, until, timeout=8.0):
    events, t0 = [], time.monotonic()
    for ev in source.stream():
        events.append(ev)
        if until(events) or time.monotonic() - t0 > timeout:
            source.stop()
    return events


def _check_contiguous(events):
    ends = {}
    for ev in events:
        if isinstance(ev, AudioChunk):
            if ev.channel in ends:
                assert ev.start == pytest.approx(ends[ev.channel], abs=1e-6)
            ends[ev.channel] = ev.end
    return ends


def test_headset_unplugged_switches_to_the_new_default_and_keeps_time(monkeypatch):
    backend = FakeBackend([MIC, LAPTOP, MONITOR], rate=48000)
    rep, customer = choose_pair("", "", backend)
    source = DeviceSource(rep, customer, backend, stall_s=0.3, retry_s=0.1)
    timer = threading.Timer(0.6, lambda: (backend.unplug(MIC), object.__setattr__(LAPTOP, "default", True)))
    timer.start()
    events = _collect(source, lambda evs: any(isinstance(e, SourceStatus) and e.state == "recovered" for e in evs)
                      and evs[-1].__class__ is AudioChunk and evs[-1].end > 2.0)
    object.__setattr__(LAPTOP, "default", False)
    states = [(e.state, e.channel) for e in events if isinstance(e, SourceStatus)]
    assert ("paused", "rep") in states and ("recovered", "rep") in states, states
    assert backend.opened.count("fake:laptop") == 1
    ends = _check_contiguous(events)
    assert abs(ends["rep"] - ends["customer"]) < 0.5  # the gap was filled: channels stay aligned
    assert states[-1][0] == "ended"


def test_explicit_device_pauses_then_resumes_when_plugged_back():
    backend = FakeBackend([MIC, MONITOR])
    source = DeviceSource(DeviceChoice(MIC, False), DeviceChoice(MONITOR, True), backend,
                          stall_s=0.3, retry_s=0.1, fallback_after_s=0)
    threading.Timer(0.5, lambda: backend.unplug(MIC)).start()
    threading.Timer(1.5, lambda: backend.devices.append(MIC)).start()
    events = _collect(source, lambda evs: any(isinstance(e, SourceStatus) and e.state == "recovered" for e in evs))
    msgs = [e.message for e in events if isinstance(e, SourceStatus)]
    assert any("USB Headset" in m and "waiting" in m for m in msgs), msgs
    assert any("is back" in m for m in msgs), msgs
    _check_contiguous(events)


def test_overflow_is_counted_reported_and_time_kept():
    backend = FakeBackend([MIC, MONITOR])
    source = DeviceSource(DeviceChoice(MIC, True), DeviceChoice(MONITOR, True), backend, queue_s=0.1)
    it = source.stream()
    first = [next(it), next(it)]
    time.sleep(1.0)  # a stalled consumer: the bounded queue fills, blocks are dropped and counted
    events = first
    for ev in it:
        events.append(ev)
        if isinstance(ev, SourceStatus) and ev.state == "overflow":
            source.stop()
    overflow = [e for e in events if isinstance(e, SourceStatus) and e.state == "overflow"]
    assert overflow and "ms of" in overflow[0].message
    assert sum(source.overflow_samples().values()) > 0
    _check_contiguous(events)


def test_meters_queue_keeps_only_the_latest():
    backend = FakeBackend([MIC, MONITOR], levels={"fake:headset": 0.3, "fake:speakers.monitor": 0.0})
    source = DeviceSource(DeviceChoice(MIC, True), DeviceChoice(MONITOR, True), backend, duration_s=1.0)
    list(source.stream())
    assert source.meters.maxsize == 1
    meter = source.meters.get_nowait()
    assert isinstance(meter, LevelMeter) and meter.rep_db > -15 and meter.customer_db <= -90


def test_mute_is_reported_when_the_customer_talks_to_a_silent_mic():
    tracker, watch = LevelTracker(), MuteWatch(after_s=60)
    statuses = []
    rng = np.random.default_rng(0)
    for i in range(0, 900):  # 90 s, customer talking, rep mic digital silence
        t = i * 0.1
        talk = rng.normal(0, 0.1 if (i // 20) % 2 == 0 else 0.001, 1600).astype(np.float32)
        meter = tracker.feed(AudioChunk("rep", t, np.zeros(1600, np.float32)))
        meter = tracker.feed(AudioChunk("customer", t, talk)) or meter
        if meter is not None and (st := watch.update(meter)) is not None:
            statuses.append(st)
    assert [s.state for s in statuses] == ["muted"]
    assert statuses[0].t >= 60 and "muted" in statuses[0].message
    back = watch.update(LevelMeter(91.0, -20.0, -60.0, True, False))
    assert back is not None and back.state == "running"


def test_a_loopback_that_sends_nothing_while_nothing_plays_keeps_time_without_a_pause():
    backend = FakeBackend([MIC, MONITOR])
    source = DeviceSource(DeviceChoice(MIC, True), DeviceChoice(MONITOR, True), backend,
                          stall_s=0.3, dead_s=0.6, duration_s=2.0)
    threading.Timer(0.2, lambda: backend.streams["fake:speakers.monitor"].close()).start()  # WASAPI-like idle
    events = list(source.stream())
    states = [e.state for e in events if isinstance(e, SourceStatus)]
    assert "paused" not in states, states
    ends = _check_contiguous(events)
    assert ends["customer"] > 1.4  # silence kept the customer's clock moving with the mic's


def test_a_loopback_silent_from_the_start_joins_the_timeline_where_its_audio_begins():
    backend = FakeBackend([MIC, MONITOR])
    real_open = backend.open

    def late_open(device, callback, block_ms):  # the loopback's first block comes 1 s late
        if device is MONITOR:
            holder = {}
            threading.Timer(1.0, lambda: holder.setdefault("s", real_open(device, callback, block_ms))).start()

            class Late:
                samplerate = 16000

                def close(self):
                    if "s" in holder:
                        holder["s"].close()
            return Late()
        return real_open(device, callback, block_ms)

    backend.open = late_open
    source = DeviceSource(DeviceChoice(MIC, True), DeviceChoice(MONITOR, True), backend, stall_s=0.3,
                          duration_s=3.0)
    events = list(source.stream())
    ends = _check_contiguous(events)
    customer = [e for e in events if isinstance(e, AudioChunk) and e.channel == "customer"]
    assert customer[0].start == 0.0 and ends["customer"] > 2.5
    first_sound = next(e for e in customer if np.any(e.pcm != 0))
    assert 0.7 < first_sound.start < 2.5  # placed by the wall clock (~1 s), not squeezed to t = 0


def test_wasapi_backend_lists_and_opens_loopbacks_through_pyaudiowpatch(monkeypatch):
    """The thin Windows path, run against a stand-in `pyaudiowpatch` module (its documented API)."""
    import sys
    import types

    from salesmind_desktop.audio.loopback import portaudio, wasapi

    opened = {}

    class FakeStream:
        def __init__(self, callback, channels):
            block = np.tile(np.array([0.5, 0.25], np.float32)[:channels], 480)  # 480 frames, interleaved
            self.result = callback(block.tobytes(), 480, {}, 0)

        def stop_stream(self):
            opened["stopped"] = True

        def close(self):
            pass

    class FakePyAudio:
        def get_default_wasapi_loopback(self):
            return {"index": 7, "name": "Speakers (Realtek) [Loopback]", "maxInputChannels": 2,
                    "defaultSampleRate": 48000.0}

        def get_loopback_device_info_generator(self):
            yield self.get_default_wasapi_loopback()
            yield {"index": 8, "name": "Headset (BT) [Loopback]", "maxInputChannels": 2, "defaultSampleRate": 44100.0}

        def open(self, **kw):
            opened.update(kw)
            return FakeStream(kw["stream_callback"], kw["channels"])

        def terminate(self):
            opened["terminated"] = True

    fake = types.SimpleNamespace(PyAudio=FakePyAudio, paFloat32=1, paContinue=0)
    monkeypatch.setitem(sys.modules, "pyaudiowpatch", fake)
    monkeypatch.setattr(portaudio, "portaudio_inputs", lambda: [
        {"index": 0, "name": "Headset Microphone", "hostapi": 0, "default_samplerate": 48000, "default": True}])
    backend = wasapi.WasapiBackend()
    rep, customer = choose_pair("", "", backend)
    assert rep.device.name == "Headset Microphone"
    assert customer.device.id == "wasapi:Speakers (Realtek) [Loopback]" and customer.device.default
    blocks = []
    stream = backend.open(customer.device, blocks.append, 10)
    assert opened["input_device_index"] == 7 and opened["rate"] == 48000 and opened["frames_per_buffer"] == 480
    assert stream.samplerate == 48000 and len(blocks[0]) == 480 and np.allclose(blocks[0], 0.375)  # stereo -> mono
    assert stream._stream.result == (None, 0)  # the callback keeps the stream running
    stream.close()
    assert opened["stopped"] and opened["terminated"]


def test_a_sound_server_that_does_not_answer_once_does_not_stop_healthy_streams():
    backend = FakeBackend([MIC, MONITOR])
    calls = {"n": 0}
    real_list = backend.list_devices

    def flaky():
        calls["n"] += 1
        if calls["n"] in (2, 3):  # a busy moment: pactl timed out
            raise AudioInputError("PulseAudio did not answer within 3 s", "restart it")
        return real_list()

    backend.list_devices = flaky
    source = DeviceSource(DeviceChoice(MIC, True), DeviceChoice(MONITOR, True), backend, duration_s=1.5)
    states = [e.state for e in source.stream() if isinstance(e, SourceStatus)]
    assert calls["n"] >= 3 and states == ["running", "ended"], states
