"""Per-platform capture backends behind one interface (`base.CaptureBackend`).

`select_backend()` picks one for this machine: PulseAudio/PipeWire monitors on Linux, WASAPI
loopback on Windows, a virtual device (BlackHole) on macOS, plain PortAudio otherwise. The
probes are parameters so the choice is testable with fakes on any OS.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from salesmind_desktop.audio.loopback.base import CaptureBackend, DeviceInfo, DeviceKind

__all__ = ["CaptureBackend", "DeviceInfo", "DeviceKind", "select_backend"]


def select_backend(platform: str | None = None, *,
                   pulse_running: Callable[[], bool] | None = None) -> CaptureBackend:
    platform = platform or sys.platform
    if platform.startswith("linux"):
        if pulse_running is None:
            from salesmind_desktop.audio.loopback.pulse import pulse_running
        if pulse_running():
            from salesmind_desktop.audio.loopback.pulse import PulseBackend

            return PulseBackend()
    elif platform == "win32":
        # Mics come from PortAudio either way; without PyAudioWPatch the backend lists no loopback
        # and its setup hint says how to install it.
        from salesmind_desktop.audio.loopback.wasapi import WasapiBackend

        return WasapiBackend()
    elif platform == "darwin":
        from salesmind_desktop.audio.loopback.macos import MacVirtualDeviceBackend

        return MacVirtualDeviceBackend()
    from salesmind_desktop.audio.loopback.portaudio import PortAudioBackend

    return PortAudioBackend()
