"""Play a kept call recording from a given time (only when the rep chose to keep audio).

Uses sounddevice/soundfile (runtime dependencies), imported on first use. Playback is
asynchronous (`sounddevice.play` returns at once) so the GUI never waits for audio.
"""

from __future__ import annotations

from pathlib import Path

from salesmind_desktop.errors import AudioInputError


class Player:
    def __init__(self) -> None:
        self.playing_from: float | None = None

    def play(self, path: str | Path, start_s: float, seconds: float = 20.0) -> None:
        path = Path(path)
        if not path.is_file():
            raise AudioInputError(f"the recording {path} is not there any more",
                                  "audio is kept only when 'keep audio' is on and within the retention period")
        import sounddevice as sd
        import soundfile as sf

        try:
            info = sf.info(str(path))
            first = max(0, int(start_s * info.samplerate))
            data, rate = sf.read(str(path), start=first, frames=int(seconds * info.samplerate), dtype="float32")
            sd.stop()
            sd.play(data, rate)
        except (RuntimeError, sf.LibsndfileError, sd.PortAudioError) as exc:
            raise AudioInputError(f"cannot play {path.name}: {exc}", "check the output device in Settings") from None
        self.playing_from = start_s

    def stop(self) -> None:
        if self.playing_from is not None:
            import sounddevice as sd

            sd.stop()
            self.playing_from = None
