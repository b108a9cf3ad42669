"""Alert-fatigue controls: which cue candidates the rep actually gets to see.

Rules, all on audio time:
* a per-call cap (`max_cues_per_call`);
* a minimum gap between any two cues (`min_gap_s`) — a blocked cue may wait for it;
* a per-type cooldown (`cooldown_s`), doubled for every time the rep dismissed that type;
* adaptive suppression: a type dismissed `mute_after_dismissals` times is muted for the call
  ("helpful" clears that type's dismissals);
* snooze: no cues at all for `snooze_s` after the rep pressed snooze.
"""

from __future__ import annotations

from dataclasses import dataclass

from salesmind_desktop.settings import CoachingSettings

DROP = "drop"
WAIT = "wait"
OK = "ok"


@dataclass(frozen=True)
class Verdict:
    decision: str  # ok | wait | drop
    why: str = ""


class Throttle:
    def __init__(self, settings: CoachingSettings) -> None:
        self.s = settings
        self.delivered: list[tuple[float, str]] = []
        self.last_by_type: dict[str, float] = {}
        self.dismissals: dict[str, int] = {}
        self.snoozed_until = float("-inf")

    def cooldown(self, cue_type: str) -> float:
        return self.s.cooldown_s * (2 ** self.dismissals.get(cue_type, 0))

    def muted(self, cue_type: str) -> bool:
        return self.dismissals.get(cue_type, 0) >= max(1, self.s.mute_after_dismissals)

    def check(self, cue_type: str, t: float) -> Verdict:
        if not self.s.enabled:
            return Verdict(DROP, "coaching cues are turned off")
        if len(self.delivered) >= self.s.max_cues_per_call:
            return Verdict(DROP, f"per-call cap of {self.s.max_cues_per_call} cues reached")
        if t < self.snoozed_until:
            return Verdict(DROP, "rep snoozed cues")
        if self.muted(cue_type):
            return Verdict(DROP, f"rep dismissed '{cue_type}' {self.dismissals[cue_type]} times")
        last = self.last_by_type.get(cue_type)
        if last is not None and t - last < self.cooldown(cue_type):
            return Verdict(DROP, f"'{cue_type}' is cooling down")
        if self.delivered and t - self.delivered[-1][0] < self.s.min_gap_s:
            return Verdict(WAIT, "another cue was shown moments ago")
        return Verdict(OK)

    def next_free(self) -> float:
        """Earliest time the minimum gap allows another cue."""
        return self.delivered[-1][0] + self.s.min_gap_s if self.delivered else float("-inf")

    def record(self, cue_type: str, t: float) -> None:
        self.delivered.append((t, cue_type))
        self.last_by_type[cue_type] = t

    def feedback(self, cue_type: str, action: str, t: float) -> None:
        if action == "dismissed":
            self.dismissals[cue_type] = self.dismissals.get(cue_type, 0) + 1
        elif action == "helpful":
            self.dismissals.pop(cue_type, None)
        elif action == "snooze":
            self.snoozed_until = max(self.snoozed_until, t + self.s.snooze_s)
