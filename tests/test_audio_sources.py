"""File sources: stereo/pair, any rate and width, streamed in blocks, clear errors on bad input."""

from __future__ import annotations

import threading
import time
import tracemalloc

import numpy as np
import pytest
import soundfile
from fixtures_core import write_wav

from salesmind_desktop.audio.polyphase import Resampler
from salesmind_desktop.audio.sources import PairFileSource, StereoFileSource
from salesmind_desktop.errors import AudioInputError
from salesmind_desktop.events import AudioChunk, SourceStatus


def _collect(source):
    chunks = {"rep": [], "customer": []}
    statuses = []
    for ev in source.stream():
        if isinstance(ev, AudioChunk):
            chunks[ev.channel].append(ev)
        else:
            statuses.append(ev)
    return chunks, statuses


def _tone(freq, seconds, rate, amp=0.5):
    t = np.arange(int(seconds * rate)) / rate
    return amp * np.sin(2 * np.pi * freq * t)


def test_stereo_channels_and_swap(tmp_path):
    rate = 16000
    stereo = np.stack([_tone(300, 1.0, rate), _tone(300, 1.0, rate, 0.05)], axis=1)
    path = write_wav(tmp_path / "call.wav", stereo)
    chunks, statuses = _collect(StereoFileSource(path))
    rep = np.concatenate([c.pcm for c in chunks["rep"]])
    cust = np.concatenate([c.pcm for c in chunks["customer"]])
    assert len(rep) == len(cust) == rate
    assert np.abs(rep).max() > 0.45 and np.abs(cust).max() < 0.06
    assert [c.start for c in chunks["rep"]] == sorted(c.start for c in chunks["rep"])
    assert statuses[-1].state == "ended"
    swapped, _ = _collect(StereoFileSource(path, swap=True))
    assert np.abs(np.concatenate([c.pcm for c in swapped["rep"]])).max() < 0.06


@pytest.mark.parametrize("rate,width", [(8000, 2), (44100, 2), (48000, 3), (22050, 1), (11025, 4)])
def test_any_rate_and_width_is_resampled_to_16k(tmp_path, rate, width):
    stereo = np.stack([_tone(440, 2.0, rate), _tone(1000, 2.0, rate)], axis=1)
    path = write_wav(tmp_path / "x.wav", stereo, rate=rate, width=width)
    chunks, _ = _collect(StereoFileSource(path))
    cust = np.concatenate([c.pcm for c in chunks["customer"]])
    assert abs(len(cust) - 32000) <= 1
    ref = _tone(1000, len(cust) / 16000, 16000)[: len(cust)]
    tol = 0.02 if width == 1 else 0.002
    assert np.abs(cust[200:-200] - ref[200:-200]).max() < tol


def test_flac_through_soundfile(tmp_path):
    path = tmp_path / "call.flac"
    soundfile.write(str(path), np.stack([_tone(200, 0.5, 44100), _tone(500, 0.5, 44100)], 1), 44100)
    chunks, _ = _collect(StereoFileSource(path))
    assert abs(sum(len(c.pcm) for c in chunks["rep"]) - 8000) <= 1


def test_resampler_blocks_equal_whole_and_reject_alias():
    x = _tone(9000, 1.0, 44100).astype(np.float32)  # above the 8 kHz Nyquist of the output
    r = Resampler(44100, 16000)
    y = np.concatenate([r.process(x[i:i + 1000]) for i in range(0, len(x), 1000)] + [r.flush()])
    r2 = Resampler(44100, 16000)
    assert np.allclose(y, np.concatenate([r2.process(x), r2.flush()]), atol=1e-6)
    assert np.sqrt(np.mean(y[300:-300] ** 2)) < 0.005


def test_pair_of_mono_files_with_different_rates(tmp_path):
    rep = write_wav(tmp_path / "rep.wav", _tone(300, 1.0, 8000), rate=8000)
    cust = write_wav(tmp_path / "cust.wav", _tone(300, 1.5, 48000), rate=48000)
    chunks, _ = _collect(PairFileSource(rep, cust))
    assert abs(sum(len(c.pcm) for c in chunks["rep"]) - 16000) <= 1
    assert abs(sum(len(c.pcm) for c in chunks["customer"]) - 24000) <= 1
    with pytest.raises(AudioInputError, match="expected mono"):
        PairFileSource(write_wav(tmp_path / "st.wav", np.zeros((800, 2))), cust)


def test_bad_files_give_clear_errors(tmp_path):
    with pytest.raises(AudioInputError, match="does not exist"):
        StereoFileSource(tmp_path / "nope.wav")
    junk = tmp_path / "junk.wav"
    junk.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunkjunk" + bytes(range(256)) * 4)
    with pytest.raises(AudioInputError) as err:
        StereoFileSource(junk)
    assert err.value.fix
    text = tmp_path / "notes.wav"
    text.write_text("this is not audio")
    with pytest.raises(AudioInputError, match="cannot read"):
        StereoFileSource(text)
    with pytest.raises(AudioInputError, match="no audio"):
        StereoFileSource(write_wav(tmp_path / "empty.wav", np.zeros((0, 2))))
    with pytest.raises(AudioInputError, match="mono") as err:
        StereoFileSource(write_wav(tmp_path / "mono.wav", np.zeros(1600)))
    assert "--customer-audio" in err.value.fix
    with pytest.raises(AudioInputError, match="not a file"):
        StereoFileSource(tmp_path)


def test_truncated_file_reports_error_and_keeps_audio(tmp_path):
    path = write_wav(tmp_path / "cut.wav", np.zeros((16000 * 2, 2)))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])  # header still says 2 s
    chunks, statuses = _collect(StereoFileSource(path))
    got = sum(len(c.pcm) for c in chunks["rep"])
    assert 15000 < got <= 16000  # the half that is there, nothing invented
    assert statuses[-1].state == "ended"


def test_long_file_streams_with_bounded_memory(tmp_path):
    """20 minutes of stereo audio (a 77 MB WAV) replayed in blocks: memory stays small."""
    path = tmp_path / "long.wav"
    minutes = 20
    block = np.stack([_tone(200, 60, 16000, 0.1), _tone(250, 60, 16000, 0.1)], 1)
    with soundfile.SoundFile(str(path), "w", 16000, 2, subtype="PCM_16") as f:
        for _ in range(minutes):
            f.write(block)
    del block
    src = StereoFileSource(path, chunk_ms=1000)
    tracemalloc.start()
    total = 0
    for ev in src.stream():
        if isinstance(ev, AudioChunk):
            total += len(ev.pcm)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert total == 2 * minutes * 60 * 16000
    assert peak < 10 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB while streaming"


def test_realtime_pacing_and_stop(tmp_path):
    path = write_wav(tmp_path / "c.wav", np.zeros((16000 * 30, 2)))
    src = StereoFileSource(path, realtime=True, chunk_ms=100)
    threading.Timer(0.5, src.stop).start()
    t0 = time.monotonic()
    chunks, statuses = _collect(src)
    elapsed = time.monotonic() - t0
    assert 0.4 < elapsed < 4.0
    assert 3 <= len(chunks["rep"]) <= 10 * elapsed + 2  # wall-clock pace: ~0.1 s of audio per 0.1 s
    assert isinstance(statuses[-1], SourceStatus) and statuses[-1].message == "stopped"
