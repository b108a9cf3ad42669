"""Alert-fatigue controls: which cue candidates the rep actually gets to see.

Rules, all on audio time:
* a per-call cap (`max_cues_per_call`);
* a minimum gap between any two cues (`min_gap_s`) — a blocked cue may wait for it;
* a per-type cooldown (`cooldown_s`), doubled for every time the rep dismissed that type;
* adaptive suppression: a type dismissed `mute_after_dismissals` times is muted for the call
  ("helpful" clears that type's dismissals);
* snooze: no cues at all for `snooze_s` after the rep pressed snooze;
* across calls: `prior_dismissals()` reads the rep's feedback from recent call summaries, and a type
  the rep keeps dismissing call after call starts the next call with a doubled (or quadrupled)
  cooldown — never muted outright, so a changed habit can still be noticed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from salesmind_desktop.settings import CoachingSettings

DROP = "drop"
WAIT = "wait"
OK = "ok"


@dataclass(frozen=True)
class Verdict:
    decision: str  # ok | wait | drop
    why: str = ""


PRIOR_NET_DISMISSALS = (3, 6)  # net dismissals over recent calls for a 2x / 4x starting cooldown


def prior_dismissals(summaries: Iterable[Mapping[str, Any] | None], mute_after: int = 3) -> dict[str, int]:
    """Starting dismissal level per cue type from earlier calls' summaries (`to_dict()` form).

    Net dismissals = dismissed - 2 x helpful over the given calls; 3+ starts the type at level 1
    (cooldown x2), 6+ at level 2 (x4), capped below `mute_after` so nothing starts muted.
    """
    dismissed: Counter[str] = Counter()
    helpful: Counter[str] = Counter()
    for summary in summaries:
        for cue in (summary or {}).get("cues") or ():
            kind, action = cue.get("type"), cue.get("feedback")
            if not isinstance(kind, str):
                continue
            if action == "dismissed":
                dismissed[kind] += 1
            elif action == "helpful":
                helpful[kind] += 1
    out: dict[str, int] = {}
    for kind, n in dismissed.items():
        net = n - 2 * helpful[kind]
        level = sum(1 for at in PRIOR_NET_DISMISSALS if net >= at)
        level = min(level, max(0, mute_after - 1))
        if level:
            out[kind] = level
    return out


class Throttle:
    def __init__(self, settings: CoachingSettings, prior: Mapping[str, int] | None = None) -> None:
        self.s = settings
        self.delivered: list[tuple[float, str]] = []
        self.last_by_type: dict[str, float] = {}
        self.dismissals: dict[str, int] = {k: int(v) for k, v in (prior or {}).items() if int(v) > 0}
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
