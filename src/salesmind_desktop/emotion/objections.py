"""Objection tagging: which sales objection (if any) a customer utterance raises.

Two taggers implement `emotion.base.ObjectionTagger`:

* `PatternObjectionTagger` — phrase patterns per objection type. Precise on the phrasings it
  knows, blind to the ones it does not. Kept as a fallback and as a high-precision backstop.
* `ModelObjectionTagger` — the objection head of the fine-tuned text transformer
  (`models/text_emotion`, shared with `emotion.text.TransformerTextEngine`), which generalises to
  paraphrases no list contains; the pattern tagger only fills in when the model says "none" and
  a pattern fires unambiguously, and supplies the evidence phrase for the UI.

`build_default_tagger()` is the entry point the app uses (`app.build_objection_tagger`).

Since model 1.3.0 the head names the *theme* of the buying consideration an utterance is about,
whatever its polarity ("the price is fair" -> price; guideline in docs/text-emotion.md); the
insight layer counts a theme as an objection only when the utterance is not positive
(`insight.coach.counts_as_objection`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from salesmind_desktop.emotion.preprocess import clean
from salesmind_desktop.events import ObjectionResult

# Phrase patterns per objection type (case-insensitive, matched on word boundaries). These are
# the *rule* side only; the model learns from a much larger authored corpus (training/text/).
_PATTERNS: dict[str, tuple[str, ...]] = {
    "price": (
        r"too (?:expensive|pricey|costly|much money)", r"(?:costs?|priced?) too (?:much|high)",
        r"(?:over|out of|outside|beyond|blow(?:s|ing)?) (?:our|my|the) budget", r"can'?t afford",
        r"cheaper", r"(?:price|pricing|cost|quote|fee|fees|rate)s? (?:is|are|seems?|looks?) (?:high|steep|a lot|crazy|insane|ridiculous)",
        r"(?:steep|high|crazy|ridiculous|insane) (?:price|pricing|cost|quote)", r"a lot of money",
        r"(?:lower|better|bigger) (?:price|discount|deal)", r"\bdiscount\b", r"pricey", r"expensive",
        r"not (?:in|within) (?:our|the) budget", r"budget (?:is|'s) (?:tight|gone|spent|frozen)",
        r"per (?:seat|user|month) (?:is|seems)", r"doubl(?:e|ed|ing) (?:what|the price)",
    ),
    "timing": (
        r"not (?:right )?now", r"(?:next|this coming) (?:quarter|year|month|fiscal)", r"bad time",
        r"call (?:me|us) back (?:in|next|later)", r"(?:maybe|revisit(?: this)?|circle back|reach out) (?:later|in (?:a|the) (?:few|couple))",
        r"after (?:the )?(?:holidays|summer|launch|migration|audit|reorg|new year)", r"too busy",
        r"not a priority (?:right now|at the moment|this (?:quarter|year))", r"in a (?:few|couple of) (?:months|weeks)",
        r"(?:timing|timeline) (?:is|isn't|just)", r"not the right time", r"(?:hold|holding) off",
        r"(?:push|pushed|pushing) (?:this|it) (?:back|out)", r"\blater this year\b", r"\bon hold\b",
    ),
    "competitor": (
        r"competitor", r"another (?:vendor|provider|supplier|company|tool|platform)",
        r"(?:already|currently) (?:use|using|with|work with|working with|have a contract with) (?!you)",
        r"salesforce|hubspot|zoho|pipedrive|microsoft dynamics|zendesk|freshworks|oracle",
        r"(?:their|other|another) (?:quote|offer|proposal|option)s?", r"(?:switch|switching|moving) (?:to|from) ",
        r"happy with (?:our|what we have|the current)", r"(?:our|the) current (?:vendor|provider|supplier|system|tool)",
        r"(?:offered|offering|quoted) us", r"(?:someone|somebody) else",
    ),
    "authority": (
        r"(?:check|talk|speak|run (?:it|this)|discuss (?:it|this)|clear (?:it|this)) (?:with|by|past) (?:my|our|the) "
        r"(?:boss|manager|director|cfo|ceo|cto|vp|team|partner|board|procurement|legal|finance|owner|wife|husband|head)",
        r"not (?:my|up to me|really my) (?:decision|call)", r"not up to me", r"sign(?:s|ed)?[- ]off",
        r"(?:need|needs|get|getting) (?:approval|approved|a green light)", r"decision[- ]maker",
        r"(?:boss|manager|director|cfo|ceo|board|procurement|committee|leadership) (?:decides|has to|needs to|would have to|makes|will)",
        r"above my pay grade", r"i don'?t (?:make|sign|approve)",
    ),
    "need": (
        r"(?:don'?t|do not|doesn'?t|does not) (?:really )?(?:need|see the (?:need|point|value)|have a use)",
        r"no (?:need|use|real need) for", r"(?:works|working) (?:fine|well|ok|okay) (?:as it is|for us|already)",
        r"(?:not|isn'?t) (?:a )?(?:problem|priority|issue|pain) for us", r"what(?:'s| is) the point",
        r"why would (?:we|i) need", r"not relevant", r"(?:spreadsheets?|excel) (?:works?|is) fine",
        r"(?:we'?re|we are|i'?m) (?:fine|good|ok|okay) (?:without|with what)", r"not sure (?:we|i) (?:need|would use)",
        r"(?:overkill|too (?:complex|complicated|much) for (?:us|a team))", r"(?:small|tiny) team like ours",
    ),
    "trust": (
        r"(?:don'?t|do not|can'?t|hard to) trust", r"too good to be true", r"\bscam\b", r"skeptic(?:al)?|sceptic(?:al)?",
        r"heard (?:bad|mixed|terrible|horror|some) (?:things|stories|reviews)", r"(?:bad|negative|mixed) reviews",
        r"burn(?:ed|t) (?:before|by)", r"(?:how|why) (?:do|would|should) (?:i|we) (?:know|believe|trust)",
        r"(?:prove|proof|guarantee|references?|case stud(?:y|ies))", r"not (?:convinced|sure i believe)",
        r"(?:security|privacy|data) (?:concerns?|worries|breach)", r"never heard of (?:you|your company)",
        r"(?:promised|promises) (?:before|the same)", r"sounds like a (?:sales pitch|pitch)",
    ),
    "contract": (
        r"contract", r"locked in", r"lock[- ]in", r"cancell?ation (?:fee|terms|policy)", r"(?:terms|fine print)",
        r"notice period", r"auto[- ]?renew", r"(?:multi|two|three)[- ]year (?:commitment|term|deal)",
        r"early termination", r"(?:commit|commitment|tied) (?:to|for) (?:a|two|three|multiple) ", r"\bsla\b",
        r"(?:legal|liability|indemnity|clause)",
    ),
}

_COMPILED: dict[str, tuple[re.Pattern[str], ...]] = {}


def _compiled() -> dict[str, tuple[re.Pattern[str], ...]]:
    if not _COMPILED:
        for kind, pats in _PATTERNS.items():
            _COMPILED[kind] = tuple(re.compile(rf"\b(?:{p})", re.IGNORECASE) for p in pats)
    return _COMPILED


@dataclass(frozen=True)
class PatternHit:
    type: str
    evidence: str
    count: int


def pattern_hits(text: str) -> list[PatternHit]:
    """Every objection type whose patterns match `text`, most matches first."""
    hits: list[PatternHit] = []
    for kind, pats in _compiled().items():
        found = [m for p in pats if (m := p.search(text))]
        if found:
            first = min(found, key=lambda m: m.start())
            hits.append(PatternHit(kind, _evidence(text, first.start(), first.end()), len(found)))
    hits.sort(key=lambda h: -h.count)
    return hits


def _evidence(text: str, start: int, end: int, pad: int = 24) -> str:
    """The matched phrase widened to whole words, at most ~60 characters."""
    lo = max(0, start - pad)
    hi = min(len(text), end + pad)
    while lo > 0 and text[lo - 1] not in " ,.;!?":
        lo -= 1
    while hi < len(text) and text[hi] not in " ,.;!?":
        hi += 1
    return text[lo:hi].strip(" ,.;!?")


class PatternObjectionTagger:
    """Phrase-pattern objection tagger (no model). Confidence grows with the number of matches."""

    source = "patterns"

    def tag(self, text: str) -> ObjectionResult:
        hits = pattern_hits(clean(text or ""))
        if not hits:
            return ObjectionResult("none", 0.6, "")
        best = hits[0]
        ambiguous = len(hits) > 1 and hits[1].count == best.count
        confidence = min(0.95, 0.6 + 0.15 * best.count) - (0.15 if ambiguous else 0.0)
        return ObjectionResult(best.type, round(confidence, 4), best.evidence)


class ModelObjectionTagger:
    """Objection head of the text transformer, backed by patterns for evidence and recall.

    `model` is an `emotion.text.TextModel` (its `predict(text)` returns per-head probabilities
    and is cached, so tagging the utterance the text engine just scored costs nothing).
    """

    source = "transformer"

    def __init__(self, model, none_threshold: float = 0.0) -> None:
        # none_threshold > 0: when P(none) is below it, the strongest objection type wins even if
        # "none" is the most likely label. Model 1.3.0 used 0.5; with 1.4.0 it cost 0.02 macro-F1
        # and 0.012 binary F1 on the natural validation set, so the calibrated argmax is the default.
        self._model = model
        self._none_threshold = none_threshold
        self._patterns = PatternObjectionTagger()

    def tag(self, text: str) -> ObjectionResult:
        if not (text or "").strip():
            return ObjectionResult("none", 1.0, "")
        probs = self._model.predict(text)["objection"]
        rule = self._patterns.tag(text)
        kind = max(probs, key=probs.__getitem__)
        if kind == "none" and probs["none"] < self._none_threshold:
            # No single type wins but "none" is unsure too: take the strongest objection type.
            kind = max((k for k in probs if k != "none"), key=probs.__getitem__)
        if kind == "none" and rule.type != "none" and probs[rule.type] >= 0.05:
            # The model is unsure about a phrasing a pattern knows: trust the pattern.
            return ObjectionResult(rule.type, round(max(probs[rule.type], 0.5), 4), rule.evidence)
        evidence = rule.evidence if rule.type == kind else ""
        if kind != "none" and not evidence:
            evidence = _short(clean(text))
        presence = round(1.0 - float(probs["none"]), 4) if kind != "none" else None
        return ObjectionResult(kind, round(float(probs[kind]), 4), evidence, presence)


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def build_default_tagger(models_dir: Path | None = None, *, prefer_model: bool = True):
    """The objection tagger the app uses: the transformer head when its model is installed and
    verified, else the pattern tagger (so a checkout without the model still tags objections).
    """
    if prefer_model:
        from salesmind_desktop.emotion.text import load_text_model, text_model_available

        if text_model_available(models_dir):
            return ModelObjectionTagger(load_text_model(models_dir))
    return PatternObjectionTagger()


