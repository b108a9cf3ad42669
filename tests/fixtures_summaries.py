"""Call summaries shaped like `CallSummary.to_dict()` (insight/summary.py), for store/CRM tests."""

from __future__ import annotations

from typing import Any


def make_summary(call_id: str, overall: float = 6.0, minimum: float | None = None, final: float | None = None,
                 objections: tuple[str, ...] = (), resolved: bool | None = False, duration_s: float = 120.0,
                 customer_id: str | None = None, text: str = "Thanks, that sounds good.") -> dict[str, Any]:
    minimum = overall - 1.5 if minimum is None else minimum
    final = overall if final is None else final
    return {
        "schema_version": "1.0",
        "call_id": call_id,
        "duration_s": duration_s,
        "ess": {"overall": overall, "min": max(0.0, minimum), "final": final, "trend": "steady",
                "trend_delta": 0.0, "min_t": 30.0},
        "utterances": [
            {"id": 0, "channel": "rep", "start": 0.5, "end": 3.0, "text": "Hi, this is Sam from Acme.",
             "sentiment": None, "emotion": None, "objection": "none", "ess": None},
            {"id": 1, "channel": "customer", "start": 3.5, "end": 7.0,
             "text": "My card is 4111 1111 1111 1111 and my email is jane.doe@example.com",
             "sentiment": "neutral", "emotion": "neutral", "objection": "none", "ess": 5.2, "valence": 0.0},
            {"id": 2, "channel": "customer", "start": 8.0, "end": 11.0, "text": text,
             "sentiment": "positive", "emotion": "satisfied", "objection": objections[0] if objections else "none",
             "ess": overall, "valence": 0.6},
        ],
        "objections": [{"t": 8.0 + i, "type": o, "text": f"about the {o}", "confidence": 0.8, "evidence": o,
                        "resolved": resolved} for i, o in enumerate(objections)],
        "key_moments": [{"t": 8.0, "kind": "peak", "text": "customer agreed; call me on 555 123 4567",
                         "cause": "", "ess": overall}],
        "talk": {"rep_share": 0.45, "customer_share": 0.55, "rep_wpm": 150.0, "customer_wpm": 140.0,
                 "longest_rep_monologue_s": 12.0, "interruptions": 1},
        "cues": [{"t": 9.0, "type": "objection_price", "text": "Anchor on value", "reason": "price objection",
                  "suggestion": "", "evidence": ["too expensive"], "id": 1}],
        "badge": [{"t": 0.0, "state": "green"}],
        "ess_timeline": [{"t": 7.0, "rolling": 5.2, "utterance": 5.2}, {"t": 11.0, "rolling": overall, "utterance": overall}],
        "went_well": [], "try_next": [], "notes": "",
        "customer_id": customer_id, "customer_name": "", "rep_id": "", "industry": "", "started_at": None,
    }
