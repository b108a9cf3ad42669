"""The cue policy: detects coaching *situations* (not single sentences) and proposes cues.

Each rule returns `Candidate`s carrying the reason and evidence (times, quotes). Whether and when
a candidate reaches the rep is decided by `CallInsight` (hold while the customer speaks) and
`fatigue.Throttle` (cap, cooldowns, snooze, adaptive suppression).

Situations and their triggers (thresholds from `CoachingSettings`):

=======================  ======================================================================
negative_trend           the badge turned amber or red (rolling ESS low for > sustain_s of
                         customer speech — one sentence can never do this)
objection_<type>         a customer utterance tagged price/timing/competitor/authority/need/
                         trust/contract, sure enough it is an objection at all (`strength` >=
                         objection_min_confidence: P(not none) for the model tagger), unless it
                         was said positively (the tag names the theme: "the price is fair" is
                         tagged price but raises no objection; see `counts_as_objection`)
mixed_signal             fusion flagged words and voice as disagreeing on a customer utterance
talk_share               rep share of speech over the last talk_window_s > talk_share_max (only
                         once the window is full and holds >= MIN_WINDOW_SPEECH_S of speech)
monologue                rep speech without a customer turn for > monologue_s
pace                     rep words per minute over the last PACE_WINDOW_S > pace_wpm (at least
                         PACE_MIN_WORDS words in PACE_MIN_SECONDS of rep speech)
interrupting             the rep started talking inside a customer turn INTERRUPTS_FOR_CUE
                         times within INTERRUPT_WINDOW_S
silence_after_question   a rep question, then no speech from either side for question_silence_s
=======================  ======================================================================
"""

from __future__ import annotations

from dataclasses import dataclass, field

from salesmind_desktop.events import ScoredUtterance
from salesmind_desktop.insight.badge import RANK, BadgeChange
from salesmind_desktop.insight.context import CustomerContext
from salesmind_desktop.insight.render import mmss
from salesmind_desktop.insight.talk import TalkTracker, count_questions
from salesmind_desktop.settings import CoachingSettings

MIN_WINDOW_SPEECH_S = 30.0
PACE_WINDOW_S = 30.0
PACE_MIN_WORDS = 25
PACE_MIN_SECONDS = 15.0  # pace is a sustained habit: a few fast seconds are not a situation
INTERRUPTS_FOR_CUE = 2
INTERRUPT_WINDOW_S = 180.0
PRIORITY = {"negative_trend": 0, "mixed_signal": 2, "silence_after_question": 3, "interrupting": 4,
            "monologue": 4, "talk_share": 5, "pace": 6}  # objections: 1


def quote(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    if not text:  # scored from the voice alone: the words were not reliable
        return "(words unclear, read from the voice)"
    return f"\u201c{text if len(text) <= limit else text[: limit - 1] + '…'}\u201d"


def counts_as_objection(u: ScoredUtterance, min_confidence: float = 0.0) -> bool:
    """True when `u`'s objection tag is a real objection: a theme, with enough certainty that the
    utterance is an objection at all (`ObjectionResult.strength`; the type may be a close call),
    and not said positively (fused sentiment, else the words' sentiment)."""
    obj = u.objection
    if obj is None or obj.type in ("none", "") or obj.strength < min_confidence:
        return False
    reading = u.fused if u.fused is not None else u.text_emotion
    return reading is None or reading.sentiment != "positive"


@dataclass(frozen=True)
class Candidate:
    """A situation worth a cue, before fatigue controls and the playbook text."""

    t: float  # when the situation was detected (audio time)
    type: str
    reason: str
    evidence: tuple[str, ...] = ()
    facts: dict = field(default_factory=dict, compare=False)

    @property
    def priority(self) -> int:
        return PRIORITY.get(self.type, 1)


def _words_kinder_than_voice(u: ScoredUtterance) -> bool:
    """The mixed signal worth a cue: words sound fine, the voice does not ("I'm fine." said sharply).

    Negative words in a calm voice are flagged by fusion too, but there the words already say
    it; cueing on them would fire on a single negative sentence.
    """
    words, voice = u.text_emotion, u.voice_emotion
    if words is None:
        return True  # nothing to compare: trust the fusion's flag
    if words.sentiment == "negative":
        return False
    return voice is None or words.valence >= voice.valence


class CuePolicy:
    """Stateful detector of coaching situations over one call."""

    def __init__(self, settings: CoachingSettings, talk: TalkTracker, context: CustomerContext | None = None) -> None:
        self.s = settings
        self.talk = talk
        self.context = context
        self._customer: list[ScoredUtterance] = []
        self._last_rep_question: ScoredUtterance | None = None
        self._question_cued: set[int] = set()
        self._monologue_cued_start: float | None = None

    # ------------------------------------------------------------------- utterance-driven rules

    def on_utterance(self, u: ScoredUtterance, rolling: float, change: BadgeChange | None) -> list[Candidate]:
        out: list[Candidate] = []
        if u.channel == "customer":
            self._customer.append(u)
            if change is not None and RANK[change.state] > RANK[change.previous]:
                out.append(self._negative_trend(u, change))
            out += self._objection(u)
            if u.fused is not None and u.fused.mixed_signal and _words_kinder_than_voice(u):
                why = u.fused.why or "words and voice disagree"
                out.append(Candidate(u.end, "mixed_signal", f"words and voice disagree at {mmss(u.start)}: {why}",
                                     (f"{mmss(u.start)} {quote(u.text)}", why), {"quote": u.text, "t": mmss(u.start)}))
        else:
            if count_questions(u.text):
                self._last_rep_question = u
            out += self._pace(u)
        return out

    def _negative_trend(self, u: ScoredUtterance, change: BadgeChange) -> Candidate:
        low = [c for c in self._customer[-6:] if c.fused is not None and c.fused.ess < self.s.amber_below]
        evidence = tuple(f"{mmss(c.start)} {quote(c.text)} (ESS {c.fused.ess:.1f})" for c in low[-3:])
        reason = (f"rolling ESS {change.rolling:.1f} stayed below "
                  f"{self.s.red_below if change.state == 'red' else self.s.amber_below:.1f} for "
                  f"{change.sustained_s:.0f} s of customer speech; badge {change.previous} -> {change.state}")
        return Candidate(u.end, "negative_trend", reason, evidence,
                         {"ess": f"{change.rolling:.1f}", "quote": low[-1].text if low else u.text, "t": mmss(u.start)})

    def _objection(self, u: ScoredUtterance) -> list[Candidate]:
        obj = u.objection
        if not counts_as_objection(u, self.s.objection_min_confidence):
            return []
        evidence = [f"{mmss(u.start)} {quote(u.text)}"]
        if obj.evidence:
            evidence.append(f"cue phrase: {quote(obj.evidence, 40)}")
        reason = f"customer raised a {obj.type} objection at {mmss(u.start)} (confidence {obj.confidence:.2f})"
        if self.context is not None and self.context.raised_before(obj.type):
            n = self.context.past_objections.count(obj.type)
            reason += (f"; raised {n} time{'s' if n != 1 else ''} in earlier calls" if n
                       else "; still open from an earlier call")
        return [Candidate(u.end, f"objection_{obj.type}", reason, tuple(evidence),
                          {"quote": u.text, "t": mmss(u.start)})]

    def _pace(self, u: ScoredUtterance) -> list[Candidate]:
        wpm, words, seconds = self.talk.recent_wpm("rep", u.end - PACE_WINDOW_S)
        if words < PACE_MIN_WORDS or seconds < PACE_MIN_SECONDS or wpm <= self.s.pace_wpm:
            return []
        return [Candidate(u.end, "pace", f"rep pace {wpm:.0f} wpm over the last {seconds:.0f} s of speech "
                          f"(limit {self.s.pace_wpm:.0f})", (f"{words} words in {seconds:.1f} s",),
                          {"wpm": f"{wpm:.0f}", "seconds": f"{seconds:.0f}"})]

    # ------------------------------------------------------------------- activity-driven rules

    def on_interruptions(self, t: float, found: list) -> list[Candidate]:
        if not found:
            return []
        recent = [i for i in self.talk.interruptions if t - i.t <= INTERRUPT_WINDOW_S]
        if len(recent) < INTERRUPTS_FOR_CUE:
            return []
        evidence = tuple(f"{mmss(i.t)} rep started {i.t - i.customer_start:.1f} s into the customer's turn"
                         for i in recent[-3:])
        return [Candidate(t, "interrupting", f"rep cut in on the customer {len(recent)} times in the last "
                          f"{INTERRUPT_WINDOW_S / 60:.0f} min", evidence, {"count": str(len(recent))})]

    # ------------------------------------------------------------------- time-driven rules

    def on_time(self, t: float, customer_speaking: bool) -> list[Candidate]:
        out: list[Candidate] = []
        out += self._silence_after_question(t, customer_speaking)
        out += self._monologue(t)
        out += self._talk_share(t)
        return out

    def _silence_after_question(self, t: float, customer_speaking: bool) -> list[Candidate]:
        q = self._last_rep_question
        if q is None or q.id in self._question_cued or customer_speaking:
            return []
        if self.talk.spoke_between(q.end + 0.3, t) or (self._customer and self._customer[-1].start >= q.end - 0.3):
            return []
        silent = t - q.end
        if silent < self.s.question_silence_s:
            return []
        self._question_cued.add(q.id)
        return [Candidate(t, "silence_after_question", f"no answer for {silent:.0f} s after the rep's question "
                          f"at {mmss(q.start)}", (f"{mmss(q.start)} {quote(q.text)}",),
                          {"seconds": f"{silent:.0f}", "quote": q.text, "t": mmss(q.start)})]

    def _monologue(self, t: float) -> list[Candidate]:
        current = self.talk.current_monologue()
        if current is None:
            return []
        start, end = current
        length = end - start
        if length <= self.s.monologue_s or t - end > 5.0 or self._monologue_cued_start == start:
            return []
        self._monologue_cued_start = start
        return [Candidate(t, "monologue", f"rep has spoken for {length:.0f} s since {mmss(start)} "
                          f"without a customer turn (limit {self.s.monologue_s:.0f} s)",
                          (f"{mmss(start)}-{mmss(end)} rep speech",), {"seconds": f"{length:.0f}"})]

    def _talk_share(self, t: float) -> list[Candidate]:
        window = self.s.talk_window_s
        if t < window:
            return []
        lo = t - window
        rep = self.talk.speech_seconds("rep", lo, t)
        cust = self.talk.speech_seconds("customer", lo, t)
        if rep + cust < MIN_WINDOW_SPEECH_S:
            return []
        share = rep / (rep + cust)
        if share <= self.s.talk_share_max:
            return []
        return [Candidate(t, "talk_share", f"rep spoke {share:.0%} of the speech in the last {window:.0f} s "
                          f"(limit {self.s.talk_share_max:.0%})",
                          (f"rep {rep:.0f} s vs customer {cust:.0f} s since {mmss(lo)}",),
                          {"share": f"{100 * share:.0f} %", "seconds": f"{window:.0f}"})]
