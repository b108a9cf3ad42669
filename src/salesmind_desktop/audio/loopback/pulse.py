"""Linux: PulseAudio or PipeWire (through pipewire-pulse). Tested here with a private server.

Sources are listed with `pactl`; the loopback of the system output is the *monitor* source of
the default sink, so no virtual cable is needed. A source is opened through PortAudio's ALSA
`pulse` device with `PULSE_SOURCE` naming it (read by the pulse ALSA plugin when the stream is
created), so PulseAudio keeps handling hot-plug and resampling. Device ids are `pulse:<source>`.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import threading

from salesmind_desktop import paths
from salesmind_desktop.audio.loopback.base import DeviceInfo, DeviceKind, FrameCallback, PollWatch
from salesmind_desktop.audio.loopback.portaudio import (
    PA_LOCK,
    PortAudioBackend,
    PortAudioStream,
    portaudio_inputs,
    refresh_portaudio,
)
from salesmind_desktop.errors import AudioInputError

_GENERIC_PCMS = ("pulse", "default", "sysdefault", "pipewire")
_TAGS = itertools.count(1)
# `pactl subscribe` lines that may change which device we should capture (not client churn).
_WATCHED = ("on source #", "on sink #", "on server", "on source-output #", "on card #")


def _pactl(*args: str, timeout: float = 3.0) -> str:
    exe = shutil.which("pactl")
    if exe is None:
        raise AudioInputError("pactl is missing, so PulseAudio/PipeWire sources cannot be listed",
                              "install pulseaudio-utils (Debian/Ubuntu) or pipewire-pulse's pactl")
    try:
        res = subprocess.run([exe, *args], capture_output=True, text=True, timeout=timeout,
                             env=paths.child_env({"LC_ALL": "C"}))
    except subprocess.TimeoutExpired:
        raise AudioInputError("PulseAudio did not answer within 3 s", "restart the sound server "
                              "(`systemctl --user restart pipewire-pulse` or `pulseaudio -k`)") from None
    if res.returncode != 0:
        raise AudioInputError(f"PulseAudio is not reachable: {res.stderr.strip() or res.stdout.strip()}",
                              "start PulseAudio or PipeWire (pipewire-pulse) for this user")
    return res.stdout


def pulse_running() -> bool:
    """True when a PulseAudio-compatible server answers (PulseAudio or pipewire-pulse)."""
    try:
        _pactl("info", timeout=2.0)
    except AudioInputError:
        return False
    return True


def list_sources() -> tuple[list[dict], str, str]:
    """(sources as {name, description, monitor_of}, default source, default sink) from pactl."""
    info = _pactl("info")
    defaults = {}
    for line in info.splitlines():
        key, _, value = line.partition(":")
        defaults[key.strip()] = value.strip()
    try:
        raw = json.loads(_pactl("--format=json", "list", "sources"))
        sources = [{"name": s["name"], "description": s.get("description") or s["name"],
                    "monitor_of": s.get("monitor_source") or ""} for s in raw]
    except (AudioInputError, ValueError, KeyError, TypeError):  # old pactl without JSON output
        sources = []
        for line in _pactl("list", "short", "sources").splitlines():
            parts = line.split("\t")
            if len(parts) >= 2:
                name = parts[1]
                sources.append({"name": name, "description": name,
                                "monitor_of": name[:-8] if name.endswith(".monitor") else ""})
    return sources, defaults.get("Default Source", ""), defaults.get("Default Sink", "")


def _pulse_pcm_index() -> int:
    for attempt in range(2):
        inputs = portaudio_inputs()
        for name in ("pulse", "default"):
            for dev in inputs:
                if dev["name"] == name:
                    return dev["index"]
        if attempt == 0:  # no stream can be open through a PCM PortAudio does not list: safe to re-scan
            refresh_portaudio()
    raise AudioInputError("PortAudio does not list the ALSA 'pulse' device",
                          "install libasound2-plugins (the PulseAudio ALSA plugin)")


class PulseStream(PortAudioStream):
    """PortAudio's ALSA `pulse` device bound to one PulseAudio source through PULSE_SOURCE.

    The stream is tagged (`salesmind.stream` property via PULSE_PROP) so `device_now()` can find
    it among the server's source outputs and tell when PulseAudio moved it to another source.
    """

    def __init__(self, source: str, callback: FrameCallback, block_ms: int) -> None:
        index = _pulse_pcm_index()
        self.tag = f"{os.getpid()}-{next(_TAGS)}"
        self.source = source
        with PA_LOCK:  # the environment is process-wide: set, open, restore under one lock
            saved = {k: os.environ.get(k) for k in ("PULSE_SOURCE", "PULSE_PROP")}
            os.environ["PULSE_SOURCE"] = source
            os.environ["PULSE_PROP"] = f"salesmind.stream={self.tag}"
            try:
                super().__init__(index, callback, block_ms)
            except AudioInputError:
                raise AudioInputError(f"PulseAudio source '{source}' cannot be opened (unplugged?)",
                                      "plug the device back in or pick another input; "
                                      "`salesmind-desktop devices` lists them") from None
            finally:
                for key, value in saved.items():
                    if value is None:
                        os.environ.pop(key, None)
                    else:
                        os.environ[key] = value

    def _output(self) -> tuple[int, str] | None:
        try:
            outputs = json.loads(_pactl("--format=json", "list", "source-outputs"))
            sources = {s["index"]: s["name"] for s in json.loads(_pactl("--format=json", "list", "sources"))}
        except (AudioInputError, ValueError, KeyError, TypeError):
            return None
        for out in outputs:
            if out.get("properties", {}).get("salesmind.stream") == self.tag:
                name = sources.get(out.get("source"))
                return (int(out["index"]), name) if name else None
        return None

    def device_now(self) -> str | None:
        """`pulse:<source>` this stream is connected to now, or None when the server lost it."""
        found = self._output()
        return f"pulse:{found[1]}" if found else None

    def pin(self) -> bool:
        """Move the stream back to its source after the server moved it (e.g. to a new default)."""
        found = self._output()
        if found is None:
            return False
        if found[1] == self.source:
            return True
        try:
            _pactl("move-source-output", str(found[0]), self.source)
        except AudioInputError:
            return False
        return True


class PulseWatch:
    """Change events from `pactl subscribe` (device added/removed, default changed, stream moved)."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._event.set()  # check once at start
        exe = shutil.which("pactl")
        self._proc = None
        if exe is not None:
            self._proc = subprocess.Popen([exe, "subscribe"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                          text=True, env=paths.child_env({"LC_ALL": "C"}))
            threading.Thread(target=self._read, name="pactl-subscribe", daemon=True).start()
        self._poll = PollWatch(5.0)  # belt and braces if events are missed

    def _read(self) -> None:
        assert self._proc is not None and self._proc.stdout is not None
        for line in self._proc.stdout:
            if any(key in line for key in _WATCHED):
                self._event.set()
        self._event.set()  # the server went away: let the loop notice

    def changed(self) -> bool:
        if self._event.is_set():
            self._event.clear()
            return True
        return self._poll.changed()

    def close(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self._proc.kill()


class PulseBackend(PortAudioBackend):
    name = "pulse"

    def list_devices(self) -> list[DeviceInfo]:
        sources, default_source, default_sink = list_sources()
        devices = []
        for src in sources:
            kind: DeviceKind = "loopback" if src["monitor_of"] else "mic"
            default = (src["name"] == default_source and kind == "mic") or \
                      (kind == "loopback" and src["monitor_of"] == default_sink)
            devices.append(DeviceInfo(id=f"pulse:{src['name']}", name=src["description"], kind=kind,
                                      backend=self.name, default=default))
        # Named ALSA pcms (e.g. from ~/.asoundrc) stay selectable; the generic ones are the above.
        for dev in super().list_devices():
            if dev.name not in _GENERIC_PCMS and not dev.name.startswith(("hw:", "plughw:")):
                devices.append(DeviceInfo(id=dev.id, name=dev.name, kind=dev.kind, backend="portaudio",
                                          default=False, samplerate=dev.samplerate))
        return devices

    def open(self, device: DeviceInfo, callback: FrameCallback, block_ms: int):
        if device.id.startswith("pulse:"):
            return PulseStream(device.id[len("pulse:"):], callback, block_ms)
        return super().open(device, callback, block_ms)

    def watch(self) -> PulseWatch:
        return PulseWatch()

    def setup_hint(self, kind: DeviceKind) -> str:
        if kind == "mic":
            return "plug in a microphone or headset; `pactl list short sources` shows what PulseAudio sees"
        return ("PulseAudio/PipeWire lists no monitor source: check an output device exists "
                "(`pactl list short sinks`)")
