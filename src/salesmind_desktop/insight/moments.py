"""Post-call analysis: key moments with plain-word causes, objection outcomes, cue effects, and
"what went well / what to try next time". Builds the `CallSummary` for `CallInsight.finish()`.

A *negative spike* is a customer utterance at least `SPIKE_DROP` below the rolling ESS before it
and under `SPIKE_MAX`; its cause is the utterance's objection if tagged, else the topic of the
rep's preceding utterance ("after pricing"), else a quote of it. A *recovery* is the first later
customer utterance back at `RECOVERY_MIN` or more.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from salesmind_desktop.events import ScoredUtterance
from salesmind_desktop.insight.coach import counts_as_objection, quote
from salesmind_desktop.insight.ess import NEUTRAL, call_stats
from salesmind_desktop.insight.render import mmss
from salesmind_desktop.insight.summary import (
    CallSummary, CueRecord, EssSummary, KeyMoment, ObjectionRecord, TalkSummary, UtteranceRecord)

if TYPE_CHECKING:
    from salesmind_desktop.insight.call import CallInsight

SPIKE_DROP = 1.5
SPIKE_MAX = 4.0
RECOVERY_MIN = 5.5
CUE_EFFECT_WINDOW_S = 30.0
IMPROVED_BY = 0.25

# Topic words for describing what the rep had just said (a description, not a classifier).
TOPICS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((name, re.compile(rf"\b({words})", re.IGNORECASE)) for name, words in (
    ("pricing", r"pric|cost|pay|discount|budget|quote|\$|dollar|euro|percent|seat|cheap|expensive"),
    ("billing", r"bill|invoice|refund|charg|fee|add-on"),
    ("the contract", r"contract|terms|clause|renew|cancel|commit|signature|sign"),
    ("timing", r"next (month|quarter|year|week)|deadline|timeline|schedul|start date|delay|march|january|april"),
    ("a competitor", r"competitor|alternative|other vendor|switch"),
    ("a hold or wait", r"hold|wait|transfer"),
    ("the account check", r"account|check|look (it|into)"),
))


def topic_of(text: str) -> str:
    for name, pattern in TOPICS:
        if pattern.search(text):
            return name
    return ""


def _preceding_rep(utts: list[ScoredUtterance], u: ScoredUtterance) -> ScoredUtterance | None:
    reps = [r for r in utts if r.channel == "rep" and r.start < u.start]
    return max(reps, key=lambda r: r.start) if reps else None


def _cause(utts: list[ScoredUtterance], u: ScoredUtterance) -> str:
    obj = u.objection.type if counts_as_objection(u) else ""
    rep = _preceding_rep(utts, u)
    topic = topic_of(rep.text) if rep is not None else ""
    if obj and topic:
        return f"{obj} objection, after {topic}"
    if obj:
        return f"{obj} objection"
    if topic:
        return f"after {topic}"
    if rep is not None:
        return f"after the rep said {quote(rep.text, 60)}"
    return "at the start of the call"


def _utterance_records(utts: list[ScoredUtterance]) -> tuple[UtteranceRecord, ...]:
    out = []
    for u in sorted(utts, key=lambda u: u.start):
        f = u.fused
        out.append(UtteranceRecord(
            id=u.id, channel=u.channel, start=round(u.start, 2), end=round(u.end, 2), text=u.text,
            sentiment=f.sentiment if f else (u.text_emotion.sentiment if u.text_emotion else None),
            emotion=f.emotion if f else None,
            objection=u.objection.type if u.objection else "none",
            ess=round(f.ess, 2) if f else None, mixed_signal=bool(f and f.mixed_signal),
            why=f.why if f else "", valence=round(f.valence, 3) if f else None,
            confidence=round(f.confidence, 3) if f else None))
    return tuple(out)


def _moments(ins: CallInsight) -> tuple[list[KeyMoment], list[ObjectionRecord]]:
    utts = sorted(ins.utterances, key=lambda u: u.start)
    customer = [u for u in utts if u.channel == "customer" and u.fused is not None]
    moments: list[KeyMoment] = []
    objections: list[ObjectionRecord] = []
    spike_ess: float | None = None
    peak = max(customer, key=lambda u: u.fused.ess, default=None)
    for i, u in enumerate(customer):
        before = ins.rolling.value(u.start)  # what the call felt like just before this sentence
        ess = u.fused.ess
        after = customer[i + 1:]
        if counts_as_objection(u, ins.settings.objection_min_confidence):
            resolved = None
            if after:
                resolved = any(a.fused.ess >= RECOVERY_MIN and a.fused.ess >= ess + 1.0 for a in after[:2])
            objections.append(ObjectionRecord(round(u.start, 2), u.objection.type, u.text,
                                              round(u.objection.confidence, 3), u.objection.evidence, resolved))
        if ess <= SPIKE_MAX and before - ess >= SPIKE_DROP:
            cause = _cause(ins.utterances, u)
            moments.append(KeyMoment(round(u.start, 2), "negative_spike",
                                     f"negative spike at {mmss(u.start)} ({cause}): {quote(u.text, 70)}",
                                     cause, round(ess, 2)))
            spike_ess = ess
        elif counts_as_objection(u, ins.settings.objection_min_confidence):
            moments.append(KeyMoment(round(u.start, 2), "objection",
                                     f"{u.objection.type} objection at {mmss(u.start)}: {quote(u.text, 70)}",
                                     _cause(ins.utterances, u), round(ess, 2)))
        elif spike_ess is not None and ess >= RECOVERY_MIN and ess - spike_ess >= 2.0:
            rep = _preceding_rep(ins.utterances, u)
            cause = f"after the rep said {quote(rep.text, 60)}" if rep else ""
            moments.append(KeyMoment(round(u.start, 2), "recovery",
                                     f"recovered at {mmss(u.start)} (ESS {spike_ess:.1f} -> {ess:.1f}) {cause}".strip(),
                                     cause, round(ess, 2)))
            spike_ess = None
        if u.fused.mixed_signal:
            moments.append(KeyMoment(round(u.start, 2), "mixed_signal",
                                     f"mixed signal at {mmss(u.start)}: {u.fused.why or 'words and voice disagree'}",
                                     u.fused.why, round(ess, 2)))
        if u is peak and ess >= 7.0:
            moments.append(KeyMoment(round(u.start, 2), "peak", f"most positive moment at {mmss(u.start)}: "
                                     f"{quote(u.text, 70)}", _cause(ins.utterances, u), round(ess, 2)))
    for b in ins.badge_points[1:]:
        moments.append(KeyMoment(b.t, "badge", f"badge turned {b.state} at {mmss(b.t)}"))
    moments.sort(key=lambda k: k.t)
    return moments, objections


def _cue_records(ins: CallInsight, end: float) -> tuple[CueRecord, ...]:
    out = []
    for c in ins.cues:
        before = ins.rolling.value(c.t)
        later = [s for s in ins.rolling.spans if s.end > c.t]
        after = improved = None
        if later:
            after = ins.rolling.value(min(end, max(c.t + CUE_EFFECT_WINDOW_S, later[0].end)))
            improved = after > before + IMPROVED_BY
        out.append(CueRecord(round(c.t, 2), c.type, c.text, c.reason, c.suggestion, tuple(c.evidence), c.id,
                             ins.feedback_log.get(c.id), round(before, 2),
                             round(after, 2) if after is not None else None, improved))
    return tuple(out)


def _advice(ins: CallInsight, ess: EssSummary, talk: TalkSummary, moments: list[KeyMoment],
            objections: list[ObjectionRecord]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    s = ins.settings
    well: list[str] = []
    nxt: list[str] = []
    if ins.rolling.spans and ess.final >= 6.5:
        well.append(f"The customer ended on a positive note (final ESS {ess.final:.1f}).")
    for m in moments:
        if m.kind == "recovery":
            said = m.cause.replace("after the rep said", "after you said")
            well.append(f"You turned the mood around at {mmss(m.t)} (ESS up to {m.ess:.1f})"
                        + (f" {said}" if said else "") + ".")
    for o in objections:
        if o.resolved:
            well.append(f"You handled the {o.type} objection at {mmss(o.t)}: the customer's tone recovered.")
        elif o.resolved is False:
            nxt.append(f"The {o.type} objection at {mmss(o.t)} stayed open: prepare a stronger answer "
                       f"({ins.playbook.render('objection_' + o.type).suggestion.rstrip('.')}).")
    total_talk = talk.rep_talk_s + talk.customer_talk_s
    if total_talk >= 20 and 0.3 <= talk.rep_share <= 0.6:
        well.append(f"Balanced conversation: you spoke {talk.rep_share:.0%} of the time.")
    if talk.rep_questions >= 3:
        well.append(f"You asked {talk.rep_questions} questions.")
    if total_talk >= 20 and talk.interruptions == 0 and talk.customer_talk_s > 0:
        well.append("You let the customer finish every turn.")
    if ess.trend == "declining":
        nxt.append(f"The customer's mood declined during the call ({ess.trend_delta:+.1f} ESS from the first to "
                   "the last third): check in as soon as the tone drops.")
    if ins.rolling.spans and ess.final < s.amber_below:
        nxt.append(f"The call ended low (final ESS {ess.final:.1f}): follow up soon with a concrete next step.")
    if total_talk >= 20 and talk.rep_share > s.talk_share_max:
        nxt.append(f"You spoke {talk.rep_share:.0%} of the time; aim under {s.talk_share_max:.0%} with open questions.")
    if talk.longest_rep_monologue_s > s.monologue_s:
        nxt.append(f"Your longest monologue was {talk.longest_rep_monologue_s:.0f} s; pause to check in sooner.")
    if talk.rep_wpm > s.pace_wpm:
        nxt.append(f"Your pace was {talk.rep_wpm:.0f} wpm; slow down below {s.pace_wpm:.0f}.")
    if talk.interruptions >= 2:
        nxt.append(f"You cut in on the customer {talk.interruptions} times; let them finish.")
    rep_turns = sum(1 for u in ins.utterances if u.channel == "rep")
    if rep_turns >= 4 and talk.rep_questions == 0:
        nxt.append("You asked no questions; ask about their goals before presenting.")
    return tuple(dict.fromkeys(well))[:5], tuple(dict.fromkeys(nxt))[:5]


def build_summary(ins: CallInsight, call_id: str, end: float) -> CallSummary:
    final = ins.rolling.value(end) if ins.rolling.spans else NEUTRAL
    ess = call_stats(ins.rolling.spans, end, final)
    talk = TalkSummary(**ins.talk.metrics())
    moments, objections = _moments(ins)
    well, nxt = _advice(ins, ess, talk, moments, objections)
    ctx = ins.context
    return CallSummary(
        call_id=call_id, duration_s=round(end, 2), ess=ess,
        utterances=_utterance_records(ins.utterances), objections=tuple(objections),
        key_moments=tuple(moments), talk=talk, cues=_cue_records(ins, end),
        badge=tuple(ins.badge_points), ess_timeline=tuple(ins.timeline), went_well=well, try_next=nxt,
        customer_id=(ctx.customer_id or None) if ctx else None, customer_name=ctx.name if ctx else "",
        industry=(ctx.industry if ctx and ctx.industry else ins.settings.industry),
        deal_stage=ctx.deal_stage if ctx else "")
