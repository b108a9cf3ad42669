"""Level meters, "who is speaking", and rep-mute awareness, computed from chunks (pure, no threads).

`LevelTracker.feed(chunk)` returns a `LevelMeter` every `interval_s` of audio: the RMS level of
each channel over the last interval in dBFS, and whether each side is speaking (level above an
adaptive noise floor). `MuteWatch` turns "the mic carried no speech for minutes while the
customer talked" into a `SourceStatus(state="muted")`, and reports when the mic comes back — so a
muted rep is not mistaken for a customer monologue.
"""

from __future__ import annotations

import math

import numpy as np

from salesmind_desktop.events import AudioChunk, Channel, LevelMeter, SourceStatus

SILENT_DB = -100.0


def rms_db(pcm: np.ndarray) -> float:
    if len(pcm) == 0:
        return SILENT_DB
    power = float(np.mean(np.square(pcm, dtype=np.float64)))
    return max(SILENT_DB, 10 * math.log10(power)) if power > 0 else SILENT_DB


class _ChannelLevel:
    def __init__(self) -> None:
        self.sum_sq = 0.0
        self.count = 0
        self.floor_db = -60.0  # adaptive noise floor: falls fast, rises slowly
        self.db = SILENT_DB
        self.speaking = False

    def close_interval(self, margin_db: float, min_speech_db: float, dt: float) -> None:
        power = self.sum_sq / self.count if self.count else 0.0
        self.db = max(SILENT_DB, 10 * math.log10(power)) if power > 0 else SILENT_DB
        if self.db < self.floor_db:
            self.floor_db = self.db
        else:
            self.floor_db += min(self.db - self.floor_db, 1.0 * dt)  # ~1 dB per second upwards
        self.speaking = self.db > max(self.floor_db + margin_db, min_speech_db)
        self.sum_sq, self.count = 0.0, 0


class LevelTracker:
    """Feeds on both channels' chunks; emits a `LevelMeter` every `interval_s` of audio time."""

    def __init__(self, interval_s: float = 0.1, margin_db: float = 12.0, min_speech_db: float = -50.0) -> None:
        self.interval_s = interval_s
        self.margin_db = margin_db
        self.min_speech_db = min_speech_db
        self._levels: dict[Channel, _ChannelLevel] = {"rep": _ChannelLevel(), "customer": _ChannelLevel()}
        self._next_t = interval_s
        self._latest_t = 0.0

    def feed(self, chunk: AudioChunk) -> LevelMeter | None:
        level = self._levels[chunk.channel]
        level.sum_sq += float(np.sum(np.square(chunk.pcm, dtype=np.float64)))
        level.count += len(chunk.pcm)
        self._latest_t = max(self._latest_t, chunk.end)
        if self._latest_t < self._next_t:
            return None
        for lv in self._levels.values():
            lv.close_interval(self.margin_db, self.min_speech_db, self.interval_s)
        self._next_t = self._latest_t + self.interval_s
        rep, cust = self._levels["rep"], self._levels["customer"]
        return LevelMeter(t=round(self._latest_t, 3), rep_db=round(rep.db, 1), customer_db=round(cust.db, 1),
                          rep_speaking=rep.speaking, customer_speaking=cust.speaking)


class MuteWatch:
    """Reports a rep mic that stays without speech for `after_s` while the customer keeps talking.

    `customer_share` is the fraction of that window the customer must have been speaking (a
    silent line is not a muted rep). A mic whose level is at digital silence is called muted
    outright. When rep speech returns, a `SourceStatus(state="running")` says the mic is live.
    """

    def __init__(self, after_s: float = 120.0, customer_share: float = 0.2) -> None:
        self.after_s = after_s
        self.customer_share = customer_share
        self._rep_quiet_since = 0.0
        self._customer_talk = 0.0
        self._last_t = 0.0
        self.muted = False

    def update(self, meter: LevelMeter) -> SourceStatus | None:
        dt = max(0.0, meter.t - self._last_t)
        self._last_t = meter.t
        if meter.rep_speaking:
            self._rep_quiet_since = meter.t
            self._customer_talk = 0.0
            if self.muted:
                self.muted = False
                return SourceStatus("running", "the microphone is live again", channel="rep", t=meter.t)
            return None
        if meter.customer_speaking:
            self._customer_talk += dt
        quiet = meter.t - self._rep_quiet_since
        if self.after_s > 0 and not self.muted and quiet >= self.after_s \
                and self._customer_talk >= self.customer_share * quiet:
            self.muted = True
            how = "gives no signal at all (muted?)" if meter.rep_db <= -90 else "picked up no speech"
            return SourceStatus("muted", f"the microphone {how} for {quiet / 60:.1f} min while the customer "
                                f"talked: is the rep muted? (not counted as a customer monologue)",
                                channel="rep", t=meter.t)
        return None
