"""A private PulseAudio server with a virtual mic and virtual speakers, for live-capture tests.

    speakers     null sink: what the softphone plays (the customer); its monitor is the loopback
    mic_feed     null sink: what we "say into the mic"
    virtual_mic  remap source of mic_feed.monitor: the rep's microphone

Clients reach it through PULSE_SERVER (set for the session, restored after), so the rest of the
test session is not affected. Both sinks get a stream of silence (`pacat /dev/zero`) for the whole
session so they keep a steady clock like real sound cards (an idle null sink delivers nothing).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest


def split_sides(wav: Path, out_dir: Path, seconds: float | None = None) -> dict[str, Path]:
    """Mono `rep.wav` / `customer.wav` in `out_dir` from a stereo 16-bit call WAV (left = rep),
    cut to its first `seconds` if given: what a test plays into the virtual mic and speakers."""
    import wave

    import numpy as np

    with wave.open(str(wav)) as w:
        rate = w.getframerate()
        frames = w.getnframes() if seconds is None else min(w.getnframes(), int(seconds * rate))
        pcm = np.frombuffer(w.readframes(frames), dtype=np.int16).reshape(-1, 2)
    paths = {}
    for col, side in ((0, "rep"), (1, "customer")):
        paths[side] = out_dir / f"{side}.wav"
        with wave.open(str(paths[side]), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(rate)
            out.writeframes(np.ascontiguousarray(pcm[:, col]).tobytes())
    return paths


class PulseServer:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.socket = root / "native"
        # No session bus: a PulseAudio on the test's D-Bus would claim org.PulseAudio1 and a second
        # private server (another test process, a developer's own) could not start.
        base = {k: v for k, v in os.environ.items() if k != "DBUS_SESSION_BUS_ADDRESS"}
        self.env = {**base, "XDG_RUNTIME_DIR": str(root / "run"), "HOME": str(root / "home"),
                    "PULSE_SERVER": f"unix:{self.socket}", "LC_ALL": "C"}
        self._procs: list[subprocess.Popen] = []

    def pactl(self, *args: str) -> str:
        res = subprocess.run(["pactl", *args], env=self.env, capture_output=True, text=True, timeout=10)
        if res.returncode != 0:
            raise RuntimeError(f"pactl {' '.join(args)}: {res.stderr.strip()}")
        return res.stdout.strip()

    def start(self) -> None:
        for d in ("run", "home"):
            (self.root / d).mkdir(mode=0o700, parents=True, exist_ok=True)
        self.daemon = subprocess.Popen(
            ["pulseaudio", "--daemonize=no", "--exit-idle-time=-1", "-n", "--disallow-exit",
             f"--load=module-native-protocol-unix auth-anonymous=1 socket={self.socket}"],
            env=self.env, stdout=subprocess.DEVNULL, stderr=(self.root / "pulse.log").open("w"))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.daemon.poll() is not None:
                raise RuntimeError(f"pulseaudio exited: {(self.root / 'pulse.log').read_text()[-2000:]}")
            try:
                self.pactl("info")
                break
            except (RuntimeError, subprocess.TimeoutExpired):
                time.sleep(0.05)
        self.pactl("load-module", "module-null-sink", "sink_name=speakers", "rate=48000")
        self.pactl("load-module", "module-null-sink", "sink_name=mic_feed", "rate=48000")
        self.load_mic()
        self.pactl("set-default-sink", "speakers")
        for sink in ("speakers", "mic_feed"):
            self._procs.append(subprocess.Popen(
                ["pacat", "--playback", f"--device={sink}", "--format=s16le", "--rate=16000", "--channels=1",
                 "--latency-msec=30", "/dev/zero"], env=self.env, stderr=subprocess.DEVNULL))
        # A fresh server drops capture blocks for its first seconds (measured: ~23 of 31 blocks/s
        # for ~6 s, fine after 3 s); a real desktop's server has long settled. Let it settle.
        time.sleep(3.0)

    def load_mic(self) -> str:
        """Plug the virtual mic in (again); returns the module index."""
        self.mic_module = self.pactl("load-module", "module-remap-source", "master=mic_feed.monitor",
                                     "source_name=virtual_mic")
        self.pactl("set-default-source", "virtual_mic")
        return self.mic_module

    def unload_mic(self) -> None:
        """Unplug the virtual mic (as a headset pulled out mid-call)."""
        self.pactl("unload-module", self.mic_module)

    def play(self, sink: str, wav: Path, volume: float = 1.0) -> subprocess.Popen:
        return subprocess.Popen(["paplay", f"--device={sink}", f"--volume={int(65536 * volume)}", str(wav)],
                                env=self.env, stderr=subprocess.DEVNULL)

    def stop(self) -> None:
        for proc in [*self._procs, self.daemon]:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()


@pytest.fixture(scope="session")
def pulse_server(tmp_path_factory):
    """A running private PulseAudio with `speakers`, `mic_feed` and `virtual_mic` (see module doc)."""
    for tool in ("pulseaudio", "pactl", "paplay", "pacat"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is required for live-capture tests: run scripts/setup.sh")
    server = PulseServer(tmp_path_factory.mktemp("pulse"))
    saved = os.environ.get("PULSE_SERVER")
    server.start()
    os.environ["PULSE_SERVER"] = server.env["PULSE_SERVER"]
    try:
        yield server
    finally:
        server.stop()
        if saved is None:
            os.environ.pop("PULSE_SERVER", None)
        else:
            os.environ["PULSE_SERVER"] = saved
