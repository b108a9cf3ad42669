"""What the CRM knows about this customer before the call, as the coaching policy needs it.

The CRM feature (crm/) fills a `CustomerContext` from past interactions; insight only reads it.
Every field is optional so a partly known customer still works.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

TREND_DELTA = 0.75
"""ESS points between the older and the newer half of past calls that count as a trend."""


@dataclass(frozen=True)
class CustomerContext:
    """Pre-call context for one customer.

    `past_ess` holds the overall ESS of earlier calls, oldest first; `past_objections` the
    objection types raised in earlier calls (repeats allowed, one entry per time raised).
    """

    customer_id: str = ""
    name: str = ""
    company: str = ""
    industry: str = ""
    past_ess: tuple[float, ...] = ()
    past_objections: tuple[str, ...] = ()
    open_objections: tuple[str, ...] = ()
    last_notes: str = ""
    deal_stage: str = ""

    @property
    def ess_trend(self) -> str:
        """"declining", "improving", "steady" or "unknown" (fewer than two past calls)."""
        if len(self.past_ess) < 2:
            return "unknown"
        half = len(self.past_ess) // 2
        older = self.past_ess[:half]
        newer = self.past_ess[half:]
        delta = sum(newer) / len(newer) - sum(older) / len(older)
        if delta <= -TREND_DELTA:
            return "declining"
        if delta >= TREND_DELTA:
            return "improving"
        return "steady"

    def raised_before(self, objection: str) -> bool:
        """True when this objection type came up in an earlier call or is still open."""
        return objection in self.past_objections or objection in self.open_objections

    @property
    def recurring_objections(self) -> tuple[str, ...]:
        """Objection types raised in two or more earlier calls, most frequent first."""
        counts = Counter(self.past_objections)
        return tuple(k for k, n in counts.most_common() if n >= 2)
