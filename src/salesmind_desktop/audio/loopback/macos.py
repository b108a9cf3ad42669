"""macOS: the system output through a virtual device (BlackHole), until a native tap lands.

macOS has no loopback input by default. Today the rep installs BlackHole and routes the output
through a Multi-Output Device (speakers/headset + BlackHole); we capture BlackHole as the
customer channel. The documented next step (docs/capture.md) is ScreenCaptureKit (macOS 13+)
or a Core Audio process tap (14.2+) on the softphone's process, which need no setup.
"""

from __future__ import annotations

from salesmind_desktop.audio.loopback.base import DeviceInfo, DeviceKind
from salesmind_desktop.audio.loopback.portaudio import PortAudioBackend

SETUP_MESSAGE = (
    "macOS needs a virtual audio device to hear the customer: install BlackHole 2ch "
    "(`brew install blackhole-2ch`), open Audio MIDI Setup, create a Multi-Output Device with your "
    "headset/speakers AND BlackHole 2ch, select it as the system output, then restart SalesMind "
    "(or pass --loopback 'BlackHole 2ch')"
)


class MacVirtualDeviceBackend(PortAudioBackend):
    name = "coreaudio-virtual"

    def list_devices(self) -> list[DeviceInfo]:
        devices = super().list_devices()
        first_loop = next((d for d in devices if d.kind == "loopback"), None)
        return [DeviceInfo(id=d.id, name=d.name, kind=d.kind, backend=d.backend, samplerate=d.samplerate,
                           default=d.default or (first_loop is not None and d.id == first_loop.id))
                for d in devices]

    def setup_hint(self, kind: DeviceKind) -> str:
        return SETUP_MESSAGE if kind == "loopback" else super().setup_hint(kind)
