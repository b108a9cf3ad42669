"""Device listing and choice: which input is the rep (mic) and which is the customer (loopback).

A choice is a spec string from settings or `--mic/--loopback`: "" means the default (the
system's default microphone; the monitor of the default output), otherwise a device id
(`pulse:alsa_input...`), an exact name, or a unique part of a name, case-insensitive.
"""

from __future__ import annotations

from dataclasses import dataclass

from salesmind_desktop.audio.loopback import CaptureBackend, DeviceInfo, DeviceKind, select_backend
from salesmind_desktop.errors import AudioInputError

__all__ = ["DeviceChoice", "DeviceInfo", "choose", "choose_pair", "list_devices"]


@dataclass(frozen=True)
class DeviceChoice:
    """A resolved input and whether it follows the system default (re-resolved on hot-plug)."""

    device: DeviceInfo
    follows_default: bool


def list_devices(backend: CaptureBackend | None = None) -> list[DeviceInfo]:
    return (backend or select_backend()).list_devices()


def _label(kind: DeviceKind) -> str:
    return "microphone" if kind == "mic" else "loopback (system output)"


def choose(spec: str, kind: DeviceKind, backend: CaptureBackend,
           devices: list[DeviceInfo] | None = None) -> DeviceChoice:
    """Resolve one spec to a device of `kind`; clear `AudioInputError` when none or several match."""
    devices = backend.list_devices() if devices is None else devices
    spec = spec.strip()
    if not spec:
        of_kind = [d for d in devices if d.kind == kind]
        default = next((d for d in of_kind if d.default), None)
        if default is None and kind == "mic" and of_kind:
            default = of_kind[0]
        if default is None:
            raise AudioInputError(f"no {_label(kind)} input was found on this computer", backend.setup_hint(kind))
        return DeviceChoice(default, follows_default=True)
    low = spec.lower()
    for rule in (lambda d: d.id == spec, lambda d: d.id.lower() == low or d.name.lower() == low,
                 lambda d: d.id.partition(":")[2].lower() == low):
        exact = [d for d in devices if rule(d)]
        if len(exact) >= 1:
            preferred = [d for d in exact if d.kind == kind] or exact
            return DeviceChoice(preferred[0], follows_default=False)
    partial = [d for d in devices if low in d.name.lower() or low in d.id.lower()]
    if len(partial) > 1:
        partial = [d for d in partial if d.kind == kind] or partial
    if len(partial) == 1:
        return DeviceChoice(partial[0], follows_default=False)
    listing = "; ".join(d.id for d in devices) or "none"
    if not partial:
        raise AudioInputError(f"no audio input matches '{spec}' (for the {_label(kind)})",
                              f"run `salesmind-desktop devices` to list inputs (available: {listing})")
    raise AudioInputError(f"'{spec}' matches several inputs: {', '.join(d.id for d in partial)}",
                          "give the full device id shown by `salesmind-desktop devices`")


def choose_pair(mic: str, loopback: str, backend: CaptureBackend) -> tuple[DeviceChoice, DeviceChoice]:
    """Resolve both channels from one listing; refuses the same input for both."""
    devices = backend.list_devices()
    rep = choose(mic, "mic", backend, devices)
    customer = choose(loopback, "loopback", backend, devices)
    if rep.device.id == customer.device.id:
        raise AudioInputError(f"the same input '{rep.device.id}' was chosen for the rep and the customer",
                              "pick the microphone with --mic and the system output's loopback with --loopback")
    return rep, customer
