"""`CallInsight`: everything the rep sees about one call, computed on audio time.

Pure and single-threaded (the pipeline owns threads): feed it speech regions, scored utterances
and the passing of audio time; it returns `EssUpdate` and `Cue` events, and a `CallSummary` at
the end. The same event stream gives the same result live, on a file and in a test.

Cue delivery: the policy (`coach.py`) proposes candidates; a candidate is *held* while the
customer is speaking and delivered once they have been quiet for `hold_gap_s`, then passes the
fatigue controls (`fatigue.py`). A held candidate that could not be shown within `STALE_S` is
dropped — the moment has passed. "Customer is speaking" comes from `on_level()` (LevelMeter
events) when the pipeline forwards them, otherwise from the speech regions seen so far.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Mapping
from dataclasses import replace

from salesmind_desktop.errors import ConfigError
from salesmind_desktop.events import (
    OBJECTIONS,
    Cue,
    EssUpdate,
    LevelMeter,
    ObjectionResult,
    ScoredUtterance,
    SpeechActivity,
)
from salesmind_desktop.insight.badge import Badge
from salesmind_desktop.insight.coach import Candidate, CuePolicy
from salesmind_desktop.insight.context import CustomerContext
from salesmind_desktop.insight.ess import RollingEss
from salesmind_desktop.insight.fatigue import DROP, OK, Throttle
from salesmind_desktop.insight.playbook import Playbook
from salesmind_desktop.insight.summary import BadgePoint, CallSummary, EssPoint
from salesmind_desktop.settings import CoachingSettings

STALE_S = 20.0
FEEDBACK_ACTIONS = ("dismissed", "helpful", "snooze")


def check_settings(s: CoachingSettings) -> None:
    """Reject coaching settings that cannot work, with the key to fix."""
    problems = []
    if not 0 <= s.red_below <= s.amber_below <= 10:
        problems.append(("coaching.red_below / coaching.amber_below", "need 0 <= red_below <= amber_below <= 10"))
    for key in ("sustain_s", "cooldown_s", "min_gap_s", "snooze_s", "hold_gap_s", "talk_window_s",
                "monologue_s", "question_silence_s", "hysteresis"):
        value = getattr(s, key)
        if not math.isfinite(value) or value < 0:
            problems.append((f"coaching.{key}", "must be a non-negative number"))
    if s.half_life_s <= 0:
        problems.append(("coaching.half_life_s", "must be above 0"))
    if s.max_cues_per_call < 0:
        problems.append(("coaching.max_cues_per_call", "must be 0 or more"))
    if not 0 < s.talk_share_max <= 1:
        problems.append(("coaching.talk_share_max", "must be a share in (0, 1]"))
    if s.pace_wpm <= 0:
        problems.append(("coaching.pace_wpm", "must be above 0"))
    if problems:
        key, rule = problems[0]
        raise ConfigError(f"invalid coaching setting {key}: {rule}", f"fix {key} in settings.toml or the IT policy")


def _bounded(value: float, lo: float, hi: float, default: float) -> float:
    return min(hi, max(lo, float(value))) if isinstance(value, (int, float)) and math.isfinite(value) else default


def _sanitised(u: ScoredUtterance) -> ScoredUtterance:
    """Keep a misbehaving engine's NaN/out-of-range numbers out of the badge and the summary."""
    if u.objection is None or u.objection.type not in OBJECTIONS:  # an engine's unknown label
        u = replace(u, objection=ObjectionResult("none", 0.0))
    f = u.fused
    if f is None:
        return u
    clean = (_bounded(f.ess, 0.0, 10.0, 5.0), _bounded(f.valence, -1.0, 1.0, 0.0), _bounded(f.confidence, 0.0, 1.0, 0.0))
    if clean == (f.ess, f.valence, f.confidence):
        return u
    return replace(u, fused=replace(f, ess=clean[0], valence=clean[1], confidence=clean[2]))


class CallInsight:
    def __init__(self, settings: CoachingSettings | None = None, playbook: Playbook | None = None,
                 context: CustomerContext | None = None, prior_dismissals: Mapping[str, int] | None = None) -> None:
        """`prior_dismissals` (from `fatigue.prior_dismissals`) carries the rep's feedback over calls."""
        self.settings = settings or CoachingSettings()
        check_settings(self.settings)
        self.context = context
        self.playbook = playbook if playbook is not None else Playbook.load(self.settings.playbook or None)
        from salesmind_desktop.insight.talk import TalkTracker

        self.talk = TalkTracker()
        self.rolling = RollingEss(self.settings.half_life_s)
        self.badge = Badge(self.settings.amber_below, self.settings.red_below,
                           self.settings.sustain_s, self.settings.hysteresis)
        self.policy = CuePolicy(self.settings, self.talk, context)
        self.throttle = Throttle(self.settings, prior_dismissals)
        self.utterances: list[ScoredUtterance] = []
        self.timeline: list[EssPoint] = []
        self.badge_points: list[BadgePoint] = [BadgePoint(0.0, "green")]
        self.cues: list[Cue] = []
        self.feedback_log: dict[int, str] = {}
        self._pending: list[Candidate] = []
        self._activity_seen: set[str] = set()
        self._customer_speaking = False
        self._level_quiet_since = float("-inf")  # from LevelMeter: when the customer last fell silent
        self._now = 0.0

    # ----------------------------------------------------------------------------- inputs

    def on_activity(self, a: SpeechActivity) -> list[object]:
        self._activity_seen.add(a.channel)
        found = self.talk.add_region(a.channel, a.start, a.end)
        # No clock tick here: a file replay's VAD runs ahead of ASR, so regions can arrive from
        # the "future". Audio time advances only with advance(), utterances and live meters.
        self._pending += self.policy.on_interruptions(a.end, found)
        return self._flush()

    def on_level(self, level: LevelMeter) -> list[object]:
        """Optional: live "who is speaking now", so cues are held while the customer talks."""
        if self._customer_speaking and not level.customer_speaking:
            self._level_quiet_since = max(self._level_quiet_since, level.t)
        self._customer_speaking = level.customer_speaking
        self._tick(level.t)
        return self._flush()

    def on_utterance(self, u: ScoredUtterance) -> list[object]:
        u = _sanitised(u)
        self.utterances.append(u)
        events: list[object] = []
        self.talk.add_utterance(u.channel, u.start, u.end, u.text)
        if u.channel not in self._activity_seen:  # no VAD regions forwarded: use the utterance span
            self.talk.add_region(u.channel, u.start, u.end)
        change = None
        rolling = self.rolling.value(u.end)
        if u.channel == "customer":
            if u.fused is not None:
                rolling = self.rolling.add(u.start, u.end, u.fused.ess, u.fused.confidence)
                change = self.badge.update(u.end, rolling, u.end - u.start)
                if change is not None:
                    self.badge_points.append(BadgePoint(round(u.end, 2), change.state))
                self.timeline.append(EssPoint(round(u.end, 2), round(rolling, 2), round(u.fused.ess, 2)))
                why = u.fused.why
                if change is not None:
                    why = (why + "; " if why else "") + f"badge {change.previous} -> {change.state}"
                events.append(EssUpdate(u.end, rolling, u.fused.ess, self.badge.state, why))
        self._tick(u.end)
        self._pending += self.policy.on_utterance(u, rolling, change)
        return events + self._flush()

    def advance(self, t: float) -> list[object]:
        self._tick(t)
        self._pending += self.policy.on_time(self._now, self._customer_speaking)
        return self._flush()

    def feedback(self, cue_id: int, action: str, t: float) -> None:
        if action not in FEEDBACK_ACTIONS:
            raise ValueError(f"feedback action must be one of {FEEDBACK_ACTIONS}, got {action!r}")
        cue = next((c for c in self.cues if c.id == cue_id), None)
        if cue is None:
            return
        self.feedback_log[cue_id] = action
        self.throttle.feedback(cue.type, action, t)

    # ----------------------------------------------------------------------------- delivery

    def _tick(self, t: float) -> None:
        if math.isfinite(t):
            self._now = max(self._now, t)

    def _flush(self) -> list[object]:
        """Deliver held candidates whose moment has come, best first."""
        out: list[object] = []
        if not self._pending:
            return out
        keep: list[Candidate] = []
        latest: dict[str, Candidate] = {}
        for c in self._pending:  # one candidate per type: the latest evidence wins
            if c.type not in latest or c.t >= latest[c.type].t:
                latest[c.type] = c
        for c in sorted(latest.values(), key=lambda c: (c.priority, c.t)):
            if self._now - c.t > STALE_S:
                continue
            if self._customer_speaking:
                keep.append(c)
                continue
            at = self._quiet_after(max(c.t, self.throttle.next_free(), self.cues[-1].t if self.cues else 0.0))
            if at > self._now:
                keep.append(c)
                continue
            verdict = self.throttle.check(c.type, at)
            if verdict.decision == DROP:
                continue
            if verdict.decision != OK:
                keep.append(c)
                continue
            out.append(self._deliver(c, at))
        self._pending = keep
        return out

    def _quiet_after(self, t0: float) -> float:
        """Earliest time >= t0 after which the customer has been quiet for `hold_gap_s`.

        Uses the customer's known speech regions (closed ones, in any arrival order, so a file
        replay whose VAD runs ahead of ASR gives the same times as a live call).
        """
        hold = self.settings.hold_gap_s
        tau = t0
        regions = self.talk.regions["customer"]  # sorted by start
        first = bisect.bisect_left(regions, t0 - hold - self.talk.longest("customer"), key=lambda r: r.start)
        for r in regions[first:]:
            if r.start >= tau:
                break
            if r.end > tau - hold:
                tau = r.end + hold
        if self._level_quiet_since > tau - hold:
            tau = self._level_quiet_since + hold
        return tau

    def _deliver(self, c: Candidate, at: float) -> Cue:
        rendered = self.playbook.render(c.type, c.facts, self.settings.industry, self.context)
        cue = Cue(t=at, type=c.type, text=rendered.text, reason=c.reason,
                  suggestion=rendered.suggestion, evidence=c.evidence, id=len(self.cues) + 1)
        self.throttle.record(c.type, at)
        self.cues.append(cue)
        return cue

    # ----------------------------------------------------------------------------- summary

    def finish(self, call_id: str, duration_s: float) -> CallSummary:
        from salesmind_desktop.insight.moments import build_summary

        end = max(duration_s, self._now)
        return build_summary(self, call_id, end)
