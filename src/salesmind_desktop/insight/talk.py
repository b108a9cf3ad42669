"""Talk metrics from VAD speech regions and transcribed utterances, both channels.

* talk share: each side's speech seconds (union of its regions) over both sides' total;
* words per minute per side: transcribed words over that side's utterance seconds;
* longest rep monologue: rep speech with pauses under `MONOLOGUE_PAUSE_S` and no customer speech
  in between, from the first to the last word;
* interruptions: the rep starts while the customer is talking (at least `INTERRUPT_GRACE_S`
  into the customer's region and before its last `INTERRUPT_GRACE_S`);
* rep questions: rep sentences ending in "?" (or, unpunctuated, opening with a question word);
* silence gaps: stretches of at least `SILENCE_GAP_S` where neither side speaks, between the
  first and the last speech of the call.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

MONOLOGUE_PAUSE_S = 1.5
INTERRUPT_GRACE_S = 0.3
SILENCE_GAP_S = 3.0

_QUESTION_START = re.compile(
    r"^(what|how|why|when|where|who|which|is|are|do|does|did|can|could|would|will|should|shall|"
    r"have|has|any|may)\b", re.IGNORECASE)
_SENTENCE = re.compile(r"[^.!?]+[.!?]*")


def count_questions(text: str) -> int:
    """Questions in one rep utterance."""
    text = text.strip()
    if not text:
        return 0
    if any(p in text for p in ".!?"):
        return sum(1 for s in _SENTENCE.findall(text) if s.strip().endswith("?"))
    return 1 if _QUESTION_START.match(text) else 0


def word_count(text: str) -> int:
    return len(re.findall(r"[\w']+", text))


@dataclass(frozen=True)
class Region:
    channel: str
    start: float
    end: float

    @property
    def duration(self) -> float:
        return max(0.0, self.end - self.start)


@dataclass(frozen=True)
class Interruption:
    t: float
    customer_start: float
    customer_end: float


def _start(r: Region) -> float:
    return r.start


def _union_seconds(regions: list[Region], lo: float = float("-inf"), hi: float = float("inf")) -> float:
    spans = sorted((max(r.start, lo), min(r.end, hi)) for r in regions if r.end > lo and r.start < hi)
    total = 0.0
    cur_s = cur_e = None
    for s, e in spans:
        if cur_e is None or s > cur_e:
            if cur_e is not None:
                total += cur_e - cur_s
            cur_s, cur_e = s, e
        else:
            cur_e = max(cur_e, e)
    if cur_e is not None:
        total += cur_e - cur_s
    return total


class TalkTracker:
    """Accumulates speech regions and utterance words; all queries are on audio time."""

    def __init__(self) -> None:
        self.regions: dict[str, list[Region]] = {"rep": [], "customer": []}
        self.words: dict[str, int] = {"rep": 0, "customer": 0}
        self.utt_seconds: dict[str, float] = {"rep": 0.0, "customer": 0.0}
        self.rep_questions = 0
        self.interruptions: list[Interruption] = []
        self._utterances: dict[str, list[tuple[float, float, int]]] = {"rep": [], "customer": []}
        self._last_end: dict[str, float] = {"rep": float("-inf"), "customer": float("-inf")}
        self._longest: dict[str, float] = {"rep": 0.0, "customer": 0.0}  # bounds look-backs

    # ----------------------------------------------------------------------------- feeding

    def add_region(self, channel: str, start: float, end: float) -> list[Interruption]:
        """Record a speech region; returns interruptions it reveals (either arrival order)."""
        if channel not in self.regions or end <= start:
            return []
        region = Region(channel, start, end)
        bisect.insort(self.regions[channel], region, key=_start)
        self._last_end[channel] = max(self._last_end[channel], end)
        self._longest[channel] = max(self._longest[channel], end - start)
        found: list[Interruption] = []
        if channel == "rep":
            for c in self._overlapping("customer", region.start, region.start):
                if self._interrupts(region, c):
                    found.append(Interruption(region.start, c.start, c.end))
        else:
            for r in self._overlapping("rep", region.start, region.end):
                if self._interrupts(r, region):
                    found.append(Interruption(r.start, region.start, region.end))
        known = {i.t for i in self.interruptions}
        found = [i for i in found if i.t not in known]
        self.interruptions.extend(found)
        return found

    def _overlapping(self, channel: str, lo: float, hi: float) -> list[Region]:
        """Regions of `channel` that overlap [lo, hi] (regions are sorted by start)."""
        regions = self.regions[channel]
        i = bisect.bisect_right(regions, hi, key=_start)
        out = []
        while i > 0:
            i -= 1
            r = regions[i]
            if r.start < lo - self._longest[channel]:
                break
            if r.end >= lo:
                out.append(r)
        return out

    @staticmethod
    def _interrupts(rep: Region, customer: Region) -> bool:
        return customer.start + INTERRUPT_GRACE_S < rep.start < customer.end - INTERRUPT_GRACE_S

    def add_utterance(self, channel: str, start: float, end: float, text: str) -> None:
        if channel not in self.words:
            return
        n = word_count(text)
        self.words[channel] += n
        self.utt_seconds[channel] += max(0.0, end - start)
        self._utterances[channel].append((start, end, n))
        if channel == "rep":
            self.rep_questions += count_questions(text)

    # ----------------------------------------------------------------------------- queries

    def speech_seconds(self, channel: str, lo: float = float("-inf"), hi: float = float("inf")) -> float:
        regions = self._overlapping(channel, lo, hi) if lo > float("-inf") else self.regions[channel]
        return _union_seconds(regions, lo, hi)

    def share(self, lo: float = float("-inf"), hi: float = float("inf")) -> tuple[float, float]:
        rep = self.speech_seconds("rep", lo, hi)
        cust = self.speech_seconds("customer", lo, hi)
        total = rep + cust
        return (rep / total, cust / total) if total > 0 else (0.0, 0.0)

    def wpm(self, channel: str) -> float:
        seconds = self.utt_seconds[channel]
        return 60.0 * self.words[channel] / seconds if seconds >= 1.0 else 0.0

    def recent_wpm(self, channel: str, since: float) -> tuple[float, int, float]:
        """(wpm, words, seconds) over this side's utterances that started at or after `since`."""
        recent = []
        for s, e, n in reversed(self._utterances[channel]):
            if s < since - 120.0:  # utterances arrive in time order and last seconds, not minutes
                break
            if s >= since:
                recent.append((s, e, n))
        seconds = sum(e - s for s, e, _ in recent)
        words = sum(n for _, _, n in recent)
        return (60.0 * words / seconds if seconds > 0 else 0.0), words, seconds

    def monologues(self) -> list[tuple[float, float]]:
        """Rep monologues as (start, end), longest stretches without the customer speaking."""
        reps = sorted(self.regions["rep"], key=lambda r: r.start)
        out: list[tuple[float, float]] = []
        cur: list[float] | None = None
        for r in reps:
            if cur is not None:
                pause = r.start - cur[1]
                customer_between = self._customer_between(cur[1], r.start)
                if pause <= MONOLOGUE_PAUSE_S and not customer_between:
                    cur[1] = max(cur[1], r.end)
                    continue
                out.append((cur[0], cur[1]))
            cur = [r.start, r.end]
        if cur is not None:
            out.append((cur[0], cur[1]))
        return out

    def current_monologue(self) -> tuple[float, float] | None:
        """The rep monologue that contains the latest rep speech, if any (walks back from the end)."""
        reps = self.regions["rep"]
        if not reps:
            return None
        start, end = reps[-1].start, self._last_end["rep"]
        for i in range(len(reps) - 2, -1, -1):
            prev = reps[i]
            if start - prev.end > MONOLOGUE_PAUSE_S or self._customer_between(prev.end, start):
                break
            start = min(start, prev.start)
        return start, end

    def _customer_between(self, lo: float, hi: float) -> bool:
        return any(c.start < hi and c.end > lo for c in self._overlapping("customer", lo, hi))

    def silence_gaps(self, min_gap_s: float = SILENCE_GAP_S) -> list[tuple[float, float]]:
        spans = sorted((r.start, r.end) for rs in self.regions.values() for r in rs)
        gaps: list[tuple[float, float]] = []
        cur_end = None
        for s, e in spans:
            if cur_end is not None and s - cur_end >= min_gap_s:
                gaps.append((cur_end, s))
            cur_end = e if cur_end is None else max(cur_end, e)
        return gaps

    def spoke_between(self, lo: float, hi: float) -> bool:
        """True when either side has speech (a known region) overlapping (lo, hi]."""
        return any(r.end > lo and r.start <= hi for ch in self.regions for r in self._overlapping(ch, lo, hi))

    def longest(self, channel: str) -> float:
        """Longest region seen on a channel (bounds look-back searches)."""
        return self._longest[channel]

    def last_speech_end(self, channel: str) -> float | None:
        end = self._last_end[channel]
        return end if end > float("-inf") else None

    def metrics(self) -> dict[str, float | int]:
        rep_share, cust_share = self.share()
        mono = self.monologues()
        gaps = self.silence_gaps()
        return {
            "rep_share": round(rep_share, 3),
            "customer_share": round(cust_share, 3),
            "rep_talk_s": round(self.speech_seconds("rep"), 2),
            "customer_talk_s": round(self.speech_seconds("customer"), 2),
            "rep_wpm": round(self.wpm("rep"), 1),
            "customer_wpm": round(self.wpm("customer"), 1),
            "longest_rep_monologue_s": round(max((e - s for s, e in mono), default=0.0), 2),
            "interruptions": len(self.interruptions),
            "rep_questions": self.rep_questions,
            "silence_gaps": len(gaps),
            "longest_silence_s": round(max((e - s for s, e in gaps), default=0.0), 2),
        }
