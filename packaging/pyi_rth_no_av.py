"""PyInstaller runtime hook: run faster-whisper without PyAV (FFmpeg, ~100 MB of the bundle).

faster-whisper imports `av` at module level but only calls it to decode audio *files*;
SalesMind always hands it 16 kHz numpy arrays (files are read with soundfile, devices with
PortAudio). The bundle leaves PyAV out and registers this placeholder so the import succeeds;
any real use fails with a clear message instead of decoding silently wrong.
"""

import sys
import types


class _PyAVNotBundled(types.ModuleType):
    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        raise ImportError("PyAV (FFmpeg) is not part of the SalesMind bundle: "
                          f"av.{name} is unavailable; SalesMind reads audio with soundfile")


sys.modules.setdefault("av", _PyAVNotBundled("av"))
