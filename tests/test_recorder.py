"""Call recorder: both channels of a live call into one stereo WAV that `analyze` can read."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile

from salesmind_desktop.audio.recorder import CallRecorder, RecordingSource, is_app_recording, new_recording_path
from salesmind_desktop.events import AudioChunk, SourceStatus

SR = 16000


def _tone(freq, seconds, amp=0.3):
    t = np.arange(int(seconds * SR)) / SR
    return (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def test_channels_line_up_by_audio_time_with_gaps_filled_and_a_valid_file_mid_call(tmp_path):
    rec = CallRecorder(tmp_path / "call.wav")
    rep, cust = _tone(300, 1.0), _tone(900, 1.0)
    rec.feed(AudioChunk("rep", 0.0, rep[:8000]))
    rec.feed(AudioChunk("customer", 0.0, cust[:4000]))
    rec.feed(AudioChunk("customer", 0.25, cust[4000:8000]))
    mid, _ = soundfile.read(str(rec.path), dtype="float32")  # readable while the call goes on
    assert mid.shape == (8000, 2)
    rec.feed(AudioChunk("rep", 0.5, rep[8000:]))
    rec.feed(AudioChunk("customer", 0.75, cust[12000:]))  # 0.5-0.75 s lost (device away): silence
    path = rec.close()
    data, sr = soundfile.read(str(path), dtype="float32")
    assert sr == SR and data.shape == (16000, 2)
    assert np.allclose(data[:, 0], rep, atol=1e-3)
    assert np.allclose(data[:8000, 1], cust[:8000], atol=1e-3)
    assert np.all(data[8000:12000, 1] == 0) and np.allclose(data[12000:, 1], cust[12000:], atol=1e-3)
    rec.feed(AudioChunk("rep", 1.0, rep))  # after close: ignored, no error
    assert rec.close() == path


def test_recording_source_passes_everything_through_and_closes_the_file(tmp_path):
    class Inner:
        devices = {"rep": "mic", "customer": "monitor"}

        def stream(self):
            yield SourceStatus("running", "capturing")
            yield AudioChunk("rep", 0.0, _tone(300, 0.5))
            yield AudioChunk("customer", 0.0, _tone(900, 0.5))

        def stop(self):
            pass

    src = RecordingSource(Inner(), CallRecorder(tmp_path / "r.wav"))
    items = list(src.stream())
    assert [type(i).__name__ for i in items] == ["SourceStatus", "AudioChunk", "AudioChunk"]
    assert src.devices["rep"] == "mic" and src.recorder.closed
    assert soundfile.info(str(tmp_path / "r.wav")).frames == 8000


def test_unwritable_recording_is_a_clear_audio_error(tmp_path):
    from salesmind_desktop.errors import AudioInputError

    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(AudioInputError, match="cannot write the call recording") as info:
        CallRecorder(blocker / "sub" / "call.wav")
    assert "privacy.keep_audio" in info.value.fix


def test_app_recordings_are_told_apart_from_the_reps_files(tmp_path):
    path = new_recording_path()
    assert path.suffix == ".wav" and is_app_recording(path)
    assert not is_app_recording(tmp_path / "my-call.wav")
