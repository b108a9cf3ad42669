"""Readable renderings of a `CallSummary`: plain text for the console, Markdown for export."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from salesmind_desktop.insight.summary import CallSummary


def mmss(t: float | None) -> str:
    if t is None:
        return "--:--"
    t = max(0.0, float(t))
    return f"{int(t // 60):02d}:{int(t % 60):02d}"


def _pct(x: float) -> str:
    return f"{100 * x:.0f} %"


def _ess(x: float | None) -> str:
    return "  - " if x is None else f"{x:4.1f}"


def _cue_effect(c) -> str:
    if c.improved is None:
        return "no customer speech after it"
    arrow = "improved" if c.improved else "did not improve"
    return f"ESS {c.ess_before:.1f} -> {c.ess_after:.1f} ({arrow})"


def _talk_lines(s: CallSummary) -> list[str]:
    t = s.talk
    return [
        f"talk ratio rep {_pct(t.rep_share)} / customer {_pct(t.customer_share)}"
        f"  ({t.rep_talk_s:.0f} s / {t.customer_talk_s:.0f} s)",
        f"pace rep {t.rep_wpm:.0f} wpm, customer {t.customer_wpm:.0f} wpm;"
        f" longest rep monologue {t.longest_rep_monologue_s:.0f} s",
        f"rep questions {t.rep_questions}, interruptions {t.interruptions},"
        f" silence gaps {t.silence_gaps} (longest {t.longest_silence_s:.0f} s)",
    ]


def to_text(s: CallSummary) -> str:
    e = s.ess
    lines = [f"Call {s.call_id}  ({mmss(s.duration_s)})" + (f"  customer {s.customer_id}" if s.customer_id else ""),
             f"ESS overall {e.overall:.1f}  min {e.min:.1f}" + (f" at {mmss(e.min_t)}" if e.min_t is not None else "")
             + f"  final {e.final:.1f}  trend {e.trend}"]
    if s.badge:
        lines.append("badge " + " -> ".join(f"{b.state} {mmss(b.t)}" for b in s.badge))
    lines.append("")
    lines.append("Key moments:")
    lines += [f"  {mmss(k.t)}  {k.text}" for k in s.key_moments] or ["  (none)"]
    lines.append("Objections:")
    lines += [f"  {mmss(o.t)}  {o.type:<10} \"{o.text}\"" for o in s.objections] or ["  (none)"]
    lines.append("Talk:")
    lines += [f"  {x}" for x in _talk_lines(s)]
    if s.cues:
        lines.append("Cues shown:")
        lines += [f"  {mmss(c.t)}  [{c.type}] {c.text}  -- {c.reason}; {_cue_effect(c)}" for c in s.cues]
    if s.went_well:
        lines.append("What went well:")
        lines += [f"  + {x}" for x in s.went_well]
    if s.try_next:
        lines.append("Try next time:")
        lines += [f"  > {x}" for x in s.try_next]
    lines.append("")
    lines.append("Transcript (customer lines: ESS sentiment/emotion [objection]):")
    for u in s.utterances:
        who = "REP " if u.channel == "rep" else "CUST"
        if u.channel == "customer" and u.ess is not None:
            tag = f" [{u.objection}]" if u.objection and u.objection != "none" else ""
            mixed = " (mixed)" if u.mixed_signal else ""
            score = f" {_ess(u.ess)} {u.sentiment}/{u.emotion}{tag}{mixed}"
        else:
            score = ""
        lines.append(f"  {mmss(u.start)} {who}{score}  {u.text or '(words unclear)'}")
    return "\n".join(lines) + "\n"


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(s: CallSummary) -> str:
    e = s.ess
    out = [f"# Call summary: {s.call_id}", ""]
    if s.customer_id or s.customer_name:
        out.append(f"**Customer:** {s.customer_name or s.customer_id}" + (f" (`{s.customer_id}`)" if s.customer_id and s.customer_name else ""))
    out += [f"**Duration:** {mmss(s.duration_s)}  ", f"**ESS:** overall {e.overall:.1f}, min {e.min:.1f}, "
            f"final {e.final:.1f}, trend {e.trend}", ""]
    if s.badge:
        out += ["**Badge:** " + " → ".join(f"{b.state} ({mmss(b.t)})" for b in s.badge), ""]
    out += ["## Key moments", ""]
    out += [f"- **{mmss(k.t)}** {_md_escape(k.text)}" for k in s.key_moments] or ["- none"]
    out += ["", "## Objections", ""]
    if s.objections:
        out += ["| time | type | quote |", "|---|---|---|"]
        out += [f"| {mmss(o.t)} | {o.type} | {_md_escape(o.text)} |" for o in s.objections]
    else:
        out.append("- none")
    out += ["", "## Talk", ""] + [f"- {x}" for x in _talk_lines(s)]
    out += ["", "## Cues shown", ""]
    if s.cues:
        out += ["| time | cue | reason | effect |", "|---|---|---|---|"]
        out += [f"| {mmss(c.t)} | {_md_escape(c.text)} | {_md_escape(c.reason)} | {_cue_effect(c)} |" for c in s.cues]
    else:
        out.append("- none")
    out += ["", "## What went well", ""] + ([f"- {x}" for x in s.went_well] or ["- nothing notable"])
    out += ["", "## Try next time", ""] + ([f"- {x}" for x in s.try_next] or ["- nothing notable"])
    if s.notes:
        out += ["", "## Notes", "", s.notes]
    out += ["", "## Transcript", "", "| time | who | text | ESS | sentiment / emotion | objection |",
            "|---|---|---|---|---|---|"]
    for u in s.utterances:
        if u.channel == "customer" and u.ess is not None:
            extra = f"{u.ess:.1f} | {u.sentiment} / {u.emotion}{' (mixed)' if u.mixed_signal else ''} | {u.objection}"
        else:
            extra = " | | "
        out.append(f"| {mmss(u.start)} | {u.channel} | {_md_escape(u.text)} | {extra} |")
    return "\n".join(out) + "\n"
