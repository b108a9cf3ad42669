"""Badge state (green / amber / red) with hysteresis on sustained trends.

The badge changes only when the rolling ESS has stayed on the other side of a threshold for more
than `sustain_s` seconds of *customer speech* (not wall time: a silent customer changes nothing).
Going down uses the thresholds as given; coming back up needs the threshold plus a `hysteresis`
margin, held for the same amount of speech. One sentence shorter than `sustain_s` can therefore
never flip the badge, in either direction.
"""

from __future__ import annotations

from dataclasses import dataclass

RANK = {"green": 0, "amber": 1, "red": 2}


@dataclass(frozen=True)
class BadgeChange:
    t: float
    state: str
    previous: str
    rolling: float
    sustained_s: float


class Badge:
    def __init__(self, amber_below: float = 4.5, red_below: float = 3.0,
                 sustain_s: float = 5.0, hysteresis: float = 0.5) -> None:
        self.amber_below = amber_below
        self.red_below = red_below
        self.sustain_s = sustain_s
        self.hysteresis = hysteresis
        self.state = "green"
        # Customer speech seconds for which the rolling ESS has continuously pointed at a level.
        self._toward: dict[str, float] = {"green": 0.0, "amber": 0.0, "red": 0.0}

    def _level_down(self, rolling: float) -> str:
        if rolling < self.red_below:
            return "red"
        if rolling < self.amber_below:
            return "amber"
        return "green"

    def _level_up(self, rolling: float) -> str:
        if rolling >= self.amber_below + self.hysteresis:
            return "green"
        if rolling >= self.red_below + self.hysteresis:
            return "amber"
        return "red"

    def update(self, t: float, rolling: float, speech_s: float) -> BadgeChange | None:
        """Feed the rolling ESS after `speech_s` seconds of customer speech ending at `t`."""
        down = self._level_down(rolling)
        up = self._level_up(rolling)
        if RANK[down] > RANK[self.state]:
            target = down
        elif RANK[up] < RANK[self.state]:
            target = up
        else:
            target = self.state
        for level in self._toward:
            worse = RANK[level] > RANK[self.state]
            points = (RANK[down] >= RANK[level]) if worse else (RANK[up] <= RANK[level])
            if level == self.state or not points:
                self._toward[level] = 0.0
            else:
                self._toward[level] += max(0.0, speech_s)
        if target == self.state:
            return None
        # Move to the furthest level whose evidence is sustained (red can skip amber).
        candidates = [lv for lv in self._toward if self._toward[lv] > self.sustain_s]
        if not candidates:
            return None
        going_down = RANK[target] > RANK[self.state]
        new = max(candidates, key=RANK.__getitem__) if going_down else min(candidates, key=RANK.__getitem__)
        if (RANK[new] > RANK[self.state]) != going_down or new == self.state:
            return None
        change = BadgeChange(t, new, self.state, rolling, self._toward[new])
        self.state = new
        self._toward = {lv: 0.0 for lv in self._toward}
        return change
