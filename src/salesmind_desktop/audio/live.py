"""Live capture: the rep's microphone and the system loopback (customer) as one `AudioSource`.

Both inputs are opened through a capture backend (`audio/loopback/`). Their callbacks only copy
each block into one bounded queue and return; `stream()` (the consumer thread) resamples to
16 kHz, stamps audio time, and yields per-channel `AudioChunk`s plus `SourceStatus` changes.

Audio time is shared by both channels: t = 0 is when capture started, and each channel's first
block is placed by the wall clock, then advanced by its sample count. Samples that never
arrived are replaced by silence of the same length so the channels stay aligned: a block dropped
because the queue was full (reported as `overflow`), a device that stalled or vanished
(reported as `paused`, then `recovered` when it or the new default comes back), and a device
clock that runs slow (drift correction). Nothing already captured is dropped on a device change,
so open utterances close normally. Level meters go to `meters`, a `maxsize=1` queue (latest wins).
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator

import numpy as np

from salesmind_desktop.audio.devices import DeviceChoice, choose
from salesmind_desktop.audio.levels import LevelTracker, MuteWatch
from salesmind_desktop.audio.loopback.base import CaptureBackend, CaptureStream
from salesmind_desktop.audio.polyphase import Resampler
from salesmind_desktop.errors import AudioInputError
from salesmind_desktop.events import SAMPLE_RATE, AudioChunk, Channel, LevelMeter, SourceStatus

_KIND = {"rep": "mic", "customer": "loopback"}
_LABEL = {"rep": "microphone (rep)", "customer": "loopback (customer)"}
_MAX_FILL_S = 0.5  # silence is emitted in pieces no longer than this


class _Channel:
    """One input: its stream, callback bookkeeping and audio-time position."""

    def __init__(self, name: Channel, choice: DeviceChoice, out: queue.Queue, clock: Callable[[], float]) -> None:
        self.name = name
        self.choice = choice
        self.out = out
        self.clock = clock
        self.stream: CaptureStream | None = None
        self.resampler: Resampler | None = None
        self.generation = 0
        self.samples = 0  # 16 kHz samples emitted so far, silence included
        self.origin: float | None = None  # audio time of sample 0 (set by the first block)
        self.pending_drop = 0  # samples (stream rate) dropped since the last queued block
        self.dropped_total = 0
        self.last_block_wall = 0.0
        self.opened_wall = 0.0
        self.lost_since: float | None = None
        self.next_retry = 0.0
        self.overruns_reported = 0
        self.lag_min = float("inf")  # drift: smallest (wall position - counted position) in window
        self.lag_window_end = 0.0

    @property
    def end(self) -> float:
        return (self.origin or 0.0) + self.samples / SAMPLE_RATE

    def callback_for(self, generation: int) -> Callable[[np.ndarray], None]:
        def _callback(pcm: np.ndarray) -> None:  # audio thread: copy in, never block
            now = self.clock()
            self.last_block_wall = now
            try:
                self.out.put_nowait((self.name, generation, now, pcm, self.pending_drop))
                self.pending_drop = 0
            except queue.Full:
                self.pending_drop += len(pcm)
                self.dropped_total += len(pcm)
        return _callback

    def open(self, backend: CaptureBackend, block_ms: int) -> None:
        self.generation += 1
        self.overruns_reported = 0
        self.stream = backend.open(self.choice.device, self.callback_for(self.generation), block_ms)
        self.resampler = Resampler(int(self.stream.samplerate), SAMPLE_RATE)
        self.opened_wall = self.last_block_wall = self.clock()
        self.lost_since = None

    def close(self) -> None:
        if self.stream is not None:
            self.generation += 1  # blocks still queued from the old stream are placed by wall clock
            stream, self.stream = self.stream, None
            stream.close()

    def silence(self, seconds: float, wall: float) -> list[AudioChunk]:
        if self.origin is None:  # nothing heard yet (e.g. an idle loopback): the timeline starts at 0
            self.origin = 0.0
        chunks, left = [], int(round(seconds * SAMPLE_RATE))
        while left > 0:
            n = min(left, int(_MAX_FILL_S * SAMPLE_RATE))
            chunks.append(AudioChunk(self.name, self.end, np.zeros(n, dtype=np.float32), wall))
            self.samples += n
            left -= n
        return chunks

    def place(self, pcm16: np.ndarray, wall: float, t0: float, fresh: bool) -> list[AudioChunk]:
        """Chunks for one resampled block: gap silence when the block starts later than `end`."""
        chunks: list[AudioChunk] = []
        wall_start = wall - t0 - len(pcm16) / SAMPLE_RATE
        if self.origin is None:
            self.origin = max(0.0, wall_start)
        elif (fresh or self.samples == 0) and wall_start > self.end + 0.05:
            chunks += self.silence(wall_start - self.end, wall)
        if len(pcm16):
            chunks.append(AudioChunk(self.name, self.end, pcm16, wall))
            self.samples += len(pcm16)
        # Drift: if, over a 3 s window, this device never caught up with the wall clock by more
        # than 0.3 s, samples went missing (slow clock or an unreported gap): fill with silence.
        self.lag_min = min(self.lag_min, (wall - t0) - self.end)
        if wall >= self.lag_window_end:
            if self.lag_min != float("inf") and self.lag_min > 0.3 and not fresh:
                chunks += self.silence(self.lag_min - 0.1, wall)
            self.lag_min, self.lag_window_end = float("inf"), wall + 3.0
        return chunks


class DeviceSource:
    """Mic (rep) + loopback (customer) from real devices; see the module docstring.

    `stall_s`: no block for this long makes it check the device list (and fill silence);
    `dead_s`: a listed mic that delivers nothing this long is reopened; `retry_s`: how often to try to
    reopen a lost device; `fallback_after_s`: an explicitly chosen device that stays away this long is
    replaced by the system default (0 = wait for it); `duration_s`: stop after this much audio.
    """

    live = True  # the pipeline drops (and reports) rather than blocks when ASR falls behind

    def __init__(self, mic: DeviceChoice, loopback: DeviceChoice, backend: CaptureBackend, *,
                 block_ms: int = 32, queue_s: float = 5.0, stall_s: float = 1.5, retry_s: float = 0.5,
                 fallback_after_s: float = 10.0, dead_s: float = 10.0, mute_after_s: float = 120.0,
                 duration_s: float | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.backend = backend
        self.block_ms = block_ms
        self.stall_s, self.retry_s, self.fallback_after_s = stall_s, retry_s, fallback_after_s
        self.dead_s = dead_s
        self._watch = None
        self._stall_check_at = 0.0
        self.duration_s = duration_s
        self.clock = clock
        blocks = max(8, int(2 * queue_s * 1000 / max(1, block_ms)))
        self._queue: queue.Queue = queue.Queue(maxsize=blocks)
        self._channels = {"rep": _Channel("rep", mic, self._queue, clock),
                          "customer": _Channel("customer", loopback, self._queue, clock)}
        self._stop = threading.Event()
        self._levels = LevelTracker()
        self._mute = MuteWatch(after_s=mute_after_s)
        self._reported_drop = {"rep": 0, "customer": 0}
        self.meters: queue.Queue[LevelMeter] = queue.Queue(maxsize=1)
        self.t0 = 0.0

    # ------------------------------------------------------------------ public

    @property
    def devices(self) -> dict[str, str]:
        return {name: ch.choice.device.id for name, ch in self._channels.items()}

    def origin(self, channel: Channel) -> float:
        """Audio time of `channel`'s first sample (0 until it has one)."""
        return self._channels[channel].origin or 0.0

    def overflow_samples(self) -> dict[str, int]:
        """Samples (device rate) dropped per channel because the consumer fell behind."""
        return {name: ch.dropped_total for name, ch in self._channels.items()}

    def stop(self) -> None:
        self._stop.set()

    def stream(self) -> Iterator[AudioChunk | SourceStatus]:
        self.t0 = self.clock()
        try:
            for ch in self._channels.values():
                ch.open(self.backend, self.block_ms)
            self._watch = self.backend.watch()
            yield SourceStatus("running", "capturing: " + ", ".join(
                f"{_LABEL[n]} from {ch.choice.device.name}" for n, ch in self._channels.items()))
            next_check = self.clock()
            while not self._stop.is_set():
                try:
                    item = self._queue.get(timeout=0.05)
                except queue.Empty:
                    item = None
                if item is not None:
                    yield from self._on_block(*item)
                now = self.clock()
                if now >= next_check:
                    next_check = now + 0.1
                    yield from self._housekeeping(now)
                if self.duration_s is not None and min(c.end for c in self._channels.values()) >= self.duration_s:
                    break
        finally:
            for ch in self._channels.values():
                ch.close()
            if self._watch is not None:
                self._watch.close()
        yield SourceStatus("ended", "capture stopped", t=round(min(c.end for c in self._channels.values()), 3))

    # ----------------------------------------------------------------- internals

    def _emit(self, chunks: list[AudioChunk]) -> Iterator[AudioChunk | SourceStatus]:
        for chunk in chunks:
            yield chunk
            meter = self._levels.feed(chunk)
            if meter is not None:
                self._publish(meter)
                status = self._mute.update(meter)
                if status is not None:
                    yield status

    def _publish(self, meter: LevelMeter) -> None:
        try:
            self.meters.get_nowait()  # latest wins: the UI only ever wants the newest level
        except queue.Empty:
            pass
        try:
            self.meters.put_nowait(meter)
        except queue.Full:
            pass

    def _on_block(self, name: Channel, generation: int, wall: float, pcm: np.ndarray,
                  dropped_before: int) -> Iterator[AudioChunk | SourceStatus]:
        ch = self._channels[name]
        if ch.resampler is None:
            return
        stale = generation != ch.generation
        chunks: list[AudioChunk] = []
        if dropped_before:
            chunks += ch.silence(dropped_before / ch.resampler.rate_in, wall)
        fresh = stale or ch.samples == 0 or (wall - ch.opened_wall) < 0.5
        pcm16 = ch.resampler.process(pcm)
        chunks += ch.place(pcm16, wall, self.t0, fresh)
        yield from self._emit(chunks)

    def _housekeeping(self, now: float) -> Iterator[AudioChunk | SourceStatus]:
        t_now = now - self.t0
        check = self._watch is not None and self._watch.changed()
        for name, ch in self._channels.items():
            dropped = ch.dropped_total
            if dropped != self._reported_drop[name]:
                rate = ch.resampler.rate_in if ch.resampler else SAMPLE_RATE
                ms = 1000 * (dropped - self._reported_drop[name]) / rate
                self._reported_drop[name] = dropped
                yield SourceStatus("overflow", f"{ms:.0f} ms of {_LABEL[name]} audio could not be queued in time "
                                   f"(the computer is overloaded); replaced by silence, "
                                   f"{1000 * dropped / rate:.0f} ms so far", channel=name, t=round(ch.end, 3))
            overruns = getattr(ch.stream, "overruns", 0) if ch.stream is not None else 0
            if overruns > ch.overruns_reported:
                ch.overruns_reported = overruns
                yield SourceStatus("overflow", f"the sound system dropped {_LABEL[name]} audio before SalesMind "
                                   f"received it ({overruns} overruns so far; the computer is overloaded); "
                                   "the gap is kept as silence", channel=name, t=round(ch.end, 3))
            if ch.stream is not None and now - ch.last_block_wall > self.stall_s:
                # No audio for a while: a vanished device, or an idle server that sends nothing.
                # Ask the device list; meanwhile keep time moving with silence.
                if now >= self._stall_check_at:
                    check, self._stall_check_at = True, now + 1.0
                if ch.end < t_now - 0.2 - self.stall_s:
                    yield from self._emit(ch.silence(t_now - 0.2 - ch.end, now))
            # Only a mic always delivers; a loopback may legitimately send nothing while nothing
            # plays (WASAPI loopback does), so for it only the device checks decide.
            if name == "rep" and ch.stream is not None and now - ch.last_block_wall > self.dead_s:
                ch.close()  # listed but silent for long: the stream itself is dead, open it again
                ch.lost_since = ch.next_retry = now
                yield SourceStatus("paused", f"the {_LABEL[name]} '{ch.choice.device.name}' stopped delivering "
                                   "audio; reopening it", channel=name, t=round(ch.end, 3))
            if ch.stream is None:
                if ch.origin is None:
                    ch.origin = 0.0
                gap = t_now - 0.2 - ch.end  # keep time moving on the silent channel
                if gap > 0.1:
                    yield from self._emit(ch.silence(gap, now))
                if now >= ch.next_retry:
                    ch.next_retry = now + self.retry_s
                    status = self._try_reopen(ch, now)
                    if status is not None:
                        yield status
        if check:
            yield from self._check_devices(now)

    def _check_devices(self, now: float) -> Iterator[SourceStatus]:
        """After a device change: is each stream still on its device, and is a default still the default?"""
        try:
            devices = self.backend.list_devices()
        except AudioInputError:
            return  # the sound server did not answer this time: judge nothing, streams keep running
        ids = {d.id for d in devices}
        for name, ch in self._channels.items():
            if ch.stream is None:
                continue
            want = ch.choice.device.id
            device_now = getattr(ch.stream, "device_now", None)
            actual = device_now() if device_now is not None else want
            if want in ids and actual is not None and actual != want and hasattr(ch.stream, "pin"):
                if ch.stream.pin():  # the server moved a stream whose device is still there: move it back
                    continue
            if want not in ids or (actual is not None and actual != want):
                ch.close()  # gone, or moved elsewhere (maybe onto a monitor) and not movable back
                ch.lost_since = ch.next_retry = now
                yield SourceStatus("paused", f"the {_LABEL[name]} '{ch.choice.device.name}' was disconnected; "
                                   "waiting for it or the new default", channel=name, t=round(ch.end, 3))
            elif ch.choice.follows_default:
                try:
                    default = choose("", _KIND[name], self.backend, devices)  # type: ignore[arg-type]
                except AudioInputError:
                    continue
                other = self._channels["customer" if name == "rep" else "rep"].choice.device.id
                if default.device.id not in (want, other):
                    ch.close()
                    ch.lost_since = ch.next_retry = now
                    yield self._try_reopen(ch, now) or SourceStatus(
                        "paused", f"the default {_LABEL[name]} changed to '{default.device.name}' but it cannot "
                        "be opened yet; retrying", channel=name, t=round(ch.end, 3))

    def _try_reopen(self, ch: _Channel, now: float) -> SourceStatus | None:
        other = self._channels["customer" if ch.name == "rep" else "rep"].choice.device.id
        candidates: list[DeviceChoice] = []
        try:
            devices = self.backend.list_devices()
            if not ch.choice.follows_default:
                if any(d.id == ch.choice.device.id for d in devices):
                    candidates.append(ch.choice)
            if ch.choice.follows_default or (self.fallback_after_s > 0 and ch.lost_since is not None
                                             and now - ch.lost_since >= self.fallback_after_s):
                default = choose("", _KIND[ch.name], self.backend, devices)  # type: ignore[arg-type]
                if default.device.id != other:
                    candidates.append(DeviceChoice(default.device, follows_default=True))
        except AudioInputError:
            return None  # nothing to open yet; try again later
        original = ch.choice
        for choice in candidates:
            ch.choice = choice
            try:
                ch.open(self.backend, self.block_ms)
            except AudioInputError:
                ch.choice = original
                continue
            what = "is back" if choice.device.id == original.device.id else f"switched to '{choice.device.name}'"
            return SourceStatus("recovered", f"the {_LABEL[ch.name]} {what}", channel=ch.name, t=round(ch.end, 3))
        return None
