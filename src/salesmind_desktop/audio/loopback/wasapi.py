"""Windows: WASAPI loopback of the default output through PyAudioWPatch (extra `windows`).

sounddevice has no WASAPI loopback flag, so loopback inputs come from PyAudioWPatch (a PyAudio
fork that lists each output as a "[Loopback]" input); microphones still come from PortAudio.
Thin on purpose: it cannot be exercised on the Linux CI, its selection logic is tested with fakes.
"""

from __future__ import annotations

import numpy as np

from salesmind_desktop.audio.loopback.base import DeviceInfo, DeviceKind, FrameCallback
from salesmind_desktop.audio.loopback.portaudio import PortAudioBackend
from salesmind_desktop.errors import AudioInputError

INSTALL_HINT = "install the Windows extra: pip install \"salesmind-desktop[windows]\" (PyAudioWPatch)"


def wasapi_available() -> bool:
    try:
        import pyaudiowpatch  # noqa: F401
    except ImportError:
        return False
    return True


class WasapiLoopbackStream:
    def __init__(self, pa, info: dict, callback: FrameCallback, block_ms: int) -> None:
        import pyaudiowpatch as pyaudio

        channels = max(1, int(info["maxInputChannels"]))
        self.samplerate = int(info["defaultSampleRate"])  # shared mode: the mix format's rate

        def _cb(in_data, frame_count, time_info, status):  # audio thread: copy and return
            block = np.frombuffer(in_data, dtype=np.float32).reshape(-1, channels)
            callback(block.mean(axis=1, dtype=np.float32))
            return None, pyaudio.paContinue

        self._pa = pa
        try:
            self._stream = pa.open(format=pyaudio.paFloat32, channels=channels, rate=self.samplerate,
                                   input=True, input_device_index=int(info["index"]),
                                   frames_per_buffer=max(1, self.samplerate * block_ms // 1000),
                                   stream_callback=_cb)
        except OSError as exc:
            raise AudioInputError(f"cannot open loopback of '{info['name']}': {exc}",
                                  "check the output device is enabled in Sound settings") from None

    def close(self) -> None:
        try:
            self._stream.stop_stream()
            self._stream.close()
        finally:
            self._pa.terminate()


class WasapiBackend(PortAudioBackend):
    name = "wasapi"

    def _loopbacks(self) -> tuple[object, list[dict], str]:
        import pyaudiowpatch as pyaudio

        pa = pyaudio.PyAudio()
        try:
            default_name = pa.get_default_wasapi_loopback()["name"]
        except (OSError, LookupError):
            default_name = ""
        return pa, list(pa.get_loopback_device_info_generator()), default_name

    def list_devices(self) -> list[DeviceInfo]:
        mics = [d for d in super().list_devices() if d.kind == "mic"]
        if not wasapi_available():
            return mics
        pa, loops, default_name = self._loopbacks()
        pa.terminate()
        return mics + [DeviceInfo(id=f"wasapi:{d['name']}", name=d["name"], kind="loopback", backend=self.name,
                                  default=d["name"] == default_name, samplerate=float(d["defaultSampleRate"]))
                       for d in loops]

    def open(self, device: DeviceInfo, callback: FrameCallback, block_ms: int):
        if not device.id.startswith("wasapi:"):
            return super().open(device, callback, block_ms)
        if not wasapi_available():
            raise AudioInputError("WASAPI loopback needs PyAudioWPatch", INSTALL_HINT)
        pa, loops, _ = self._loopbacks()
        for info in loops:
            if f"wasapi:{info['name']}" == device.id:
                return WasapiLoopbackStream(pa, info, callback, block_ms)
        pa.terminate()
        raise AudioInputError(f"loopback '{device.name}' is not available now",
                              "check the output device in Windows Sound settings")

    def setup_hint(self, kind: DeviceKind) -> str:
        if kind == "loopback" and not wasapi_available():
            return INSTALL_HINT
        return super().setup_hint(kind)
