"""Third batch of authored templates (v3 corpus): the objection *theme* guideline + new phrasings.

`build_templates()` returns (SLOTS, FRAMES) = the v2 templates of `sales_templates.py`, relabelled
under the objection-head guideline of docs/text-emotion.md, plus new lines:

* **Guideline** — the objection head names the *buying consideration an utterance is about*
  (price, timing, competitor, authority, need, trust, contract), whatever its polarity or
  register: "the price is fair" is `price`, "how is the per user price worked out?" is `price`,
  "we're way happier than with {rival}" is `competitor`. Product/feature questions, logistics,
  small talk, thanks and complaints about a one-off incident are `none`. Whether a theme mention
  is an *objection* is the product's call (coaching and the summary count it only when the
  utterance is not positive), not the head's.
* Being bound to an incumbent vendor ("we're tied to {rival} until ...") is `competitor`;
  `contract` is the deal's own terms: length, renewal, cancellation, penalties, legal clauses.
* Approval processes (procurement, sign-off, committees) are `authority`; legal review of terms
  and clauses is `contract`.
* Repeated failures that undermine confidence in the vendor (updates that break things,
  inconsistent answers, promises not kept) are `trust`; a single incident is `none`.

New lines cover what the v2 model missed on its own held-out checks and in the issue's list:
sarcasm with no complaint word, short enthusiastic buying lines, politely worded stress about
procurement/legal/budget, trust complaints, incumbent lock-in, feature questions.
Written for this project; not derived from any evaluation file.
"""

from __future__ import annotations

import copy

from sales_templates import FRAMES as _V2_FRAMES
from sales_templates import SLOTS as _V2_SLOTS


# A moved slot value stays in its v2 list as this marker (make_corpus skips draws that hit it), so
# every other value keeps its v2 index and every v2 group id - hence its v2 held-out membership -
# is unchanged: lines the stage 1-3 models trained on do not leak into the v3 held-out split.
MOVED = "<moved in v3>"


def _take(slots: dict[str, list[str]], name: str, items: list[str]) -> None:
    """Retire `items` (each must be there) from slot `name`, keeping the other values' indices."""
    for item in items:
        slots[name][slots[name].index(item)] = MOVED


_NEW_SLOTS: dict[str, list[str]] = {
    # ------------------------------------------------------------ favourable / neutral theme mentions
    "fav_price": ["the price is fair for what we get", "pricing looks reasonable to me", "that's cheaper than I expected",
                  "the budget is already approved", "honestly the cost is a non issue for us", "that fits our budget nicely",
                  "the annual discount makes it a no brainer", "for {n} seats that's a good deal",
                  "we spend more than that on coffee", "the pricing is really transparent, I like that",
                  "that's well within what we set aside", "the per user price is lower than what we pay now"],
    "fav_timing": ["the timing works great for us", "this is exactly the right time for us",
                   "we could start as soon as {when}", "your timeline lines up perfectly with our launch",
                   "the sooner the better, honestly", "we have the bandwidth to start this month"],
    "fav_comp": ["we're happy to switch from {rival}", "we just left {rival} and this is so much better",
                 "you're way better than {rival}", "{rival} can't do half of this",
                 "compared to {rival} this is night and day", "we've outgrown {rival} and this looks like the fix"],
    "fav_auth": ["my boss loved the demo", "{boss} already approved it", "{boss} gave me the green light",
                 "I have sign off to go ahead", "{boss} is fully on board", "I can approve this myself"],
    "fav_need": ["we definitely need this", "this is exactly the gap we have", "this fixes our biggest headache",
                 "we've been looking for something like this for ages"],
    "fav_trust": ["I trust you guys completely", "your references were glowing", "the security review came back clean",
                  "your track record speaks for itself", "you've always delivered what you promised"],
    "fav_contract": ["the contract looks fine, I'll sign it today", "the terms look good",
                     "the month to month option is perfect", "legal signed off on the terms already",
                     "no lock in is exactly what we wanted"],
    "q_price": ["how is the price calculated", "is the price in dollars", "is that per month or per year",
                "what's the price for {n} users", "how much is the pro plan", "can you send me a quote",
                "do you charge per user or per team", "what does the setup fee cover",
                "is there a different rate for nonprofits", "how are extra seats billed"],
    "q_contract": ["what's included in the contract", "when does the contract start", "can you send me the contract draft",
                   "how long is the standard term", "who do I send the signed agreement to",
                   "does the agreement renew automatically"],
    "q_comp": ["we used {rival} years ago", "do you work with companies that use {rival}",
               "how does the import from {rival} work", "a few of our partners run {rival}"],
    "q_auth": ["{boss} is joining the call later", "I'll loop in {boss} for the next meeting",
               "who on your side handles the approval paperwork"],
    "hard_none_neu": ["I'll need an invoice for our records", "I'll be on leave {when}, so email me"],
    # ------------------------------------------------------------ new none lines
    "feature_q": ["can we set different permissions per region", "does the app keep working offline",
                  "how often does the data refresh", "can managers see each rep's notes",
                  "is there a dark mode", "can I pin a dashboard to the home screen", "does it handle time zones",
                  "what file types can we attach", "can we rename the default stages", "is the search case sensitive",
                  "how many custom reports can we save", "does it log who changed a record"],
    "dry_sarcasm": ["yeah, and pigs will fly", "oh, of course it is", "right, because that always works",
                    "sure, I'll hold my breath", "wow. just wow", "oh goody", "oh joy, more of this",
                    "can't wait for that, really", "mm-hm, sure it will", "of course, why wouldn't it",
                    "how convenient", "what a shocker", "you don't say", "well that's rich",
                    "nice, real nice", "terrific, truly terrific", "oh, marvellous", "well, isn't that special",
                    "yeah, that'll be the day", "sure, and I'm the queen of England", "lucky me",
                    "oh brilliant, just brilliant", "fabulous. really fabulous", "that's just peachy"],
    "eager": ["love it, let's get going", "that's perfect for us", "brilliant, book us in", "yes, let's do it",
              "awesome, send me the invite", "this is exactly it", "count me in, when do we start", "great, I'm sold",
              "fantastic, let's set up onboarding", "excellent, let's lock in a start date", "works for me, let's kick off {when}",
              "super, can't wait to get started", "we're excited to get going", "we're keen to start right away",
              "let's make it happen", "deal, where do I sign", "yes please, set it up for {team}",
              "amazing, let's roll it out {when}", "this is a yes from us", "perfect, put us down for {plan}"],
    # ------------------------------------------------------------ polite stress (negative / stressed)
    "auth_polite": ["our procurement process is slow and I'm a bit concerned it'll drag", "{boss} tends to be tough on new tools, so I'm a little uneasy",
                    "getting this through the approval committee could be tricky", "I'm not sure how {boss} will react to the cost",
                    "vendor onboarding on our side takes forever, which worries me", "I'd hate to go to {boss} and get a no",
                    "the sign off chain here is long and it makes me nervous"],
    "contract_polite": ["our lawyers are picky about indemnity and I'm a bit concerned", "I'm uneasy about the data processing terms",
                        "the renewal clause makes me a little nervous", "I'm slightly worried about the termination terms", "a three year term feels risky to me right now",
                        "the penalty clause is making me hesitate"],
    "price_polite": ["I'm a bit concerned about how this fits the budget", "it's going to be hard to find room for this spend",
                     "I'm slightly nervous about the total cost once we add seats", "finance is watching every dollar and I'm uneasy",
                     "I worry the renewal price will creep up"],
    "timing_polite": ["I'm a bit worried we can't give this the attention it needs right now",
                      "our calendar is packed and I'm nervous about squeezing this in",
                      "I'm concerned the rollout would clash with our busy season"],
    # ------------------------------------------------------------ trust complaints
    "trust_complaint": ["every release breaks something we rely on", "the last patch wiped our custom fields and nobody warned us",
                        "your docs say one thing and the app does another", "your status page said all green while we were down",
                        "the release notes never match what actually changed", "every other week something stops syncing",
                        "I can't rely on the numbers it shows anymore", "the invoice never matches the quote we agreed",
                        "we were told it was fixed twice already", "this isn't what we were promised",
                        "you keep saying that and nothing changes", "we keep paying and it keeps breaking",
                        "every update makes it worse", "brilliant, another update that breaks everything",
                        "the roadmap dates slip every single quarter", "your team promised a fix and then went silent"],
    # ------------------------------------------------------------ incumbent lock-in (competitor)
    "comp_lock": ["all our data lives in {rival}", "we've built years of workflows on {rival}",
                  "the whole team is trained on {rival}", "we're deeply embedded with {rival}",
                  "{rival} is wired into everything we have", "we're tied to {rival} until {period}",
                  "our agreement with them doesn't end until {period}", "leaving our vendor early would cost a penalty",
                  "we can't get out of our current deal yet"],
}


def build_templates() -> tuple[dict[str, list[str]], list[tuple[str, str, str, str, int]]]:
    """(SLOTS, FRAMES) of the v3 corpus; the v2 module's lists are copied, never modified."""
    slots = copy.deepcopy(_V2_SLOTS)
    # The two hard-negative frames are retired in place (weight 0) so the v2 frame indices hold.
    frames = [(*f[:4], 0) if "{hard_none_pos}" in f[3] or "{hard_none_neu}" in f[3] else f for f in _V2_FRAMES]
    # Pricing/contract questions move out of the generic question slots into their themes.
    _take(slots, "question", ["is that per month or per year", "what's the price for {n} users", "how much is the pro plan"])
    _take(slots, "doc", ["the contract draft", "a quote"])
    # Systemic reliability complaints are trust; incumbent lock-in is competitor.
    _take(slots, "irr_core", ["this isn't what we were promised", "you keep saying that and nothing changes",
                              "we keep paying and it keeps breaking", "every update makes it worse"])
    _take(slots, "sarcasm", ["brilliant, another update that breaks everything"])
    _take(slots, "contract_calm", ["we're tied to {rival} until {period}", "our agreement with them doesn't end until {period}",
                                   "the penalty for leaving our vendor early is steep", "we can't get out of our current deal yet"])
    slots.update(copy.deepcopy(_NEW_SLOTS))
    frames += [
        # favourable theme mentions: positive / satisfied, labelled with their theme
        ("positive", "satisfied", "price", "{pos_open}{fav_price}{pos_close}", 2),
        ("positive", "satisfied", "timing", "{pos_open}{fav_timing}{pos_close}", 1),
        ("positive", "satisfied", "competitor", "{pos_open}{fav_comp}{pos_close}", 2),
        ("positive", "satisfied", "authority", "{pos_open}{fav_auth}{pos_close}", 1),
        ("positive", "satisfied", "need", "{pos_open}{fav_need}{pos_close}", 1),
        ("positive", "satisfied", "trust", "{pos_open}{fav_trust}{pos_close}", 1),
        ("positive", "satisfied", "contract", "{pos_open}{fav_contract}{pos_close}", 1),
        # neutral theme questions and statements
        ("neutral", "neutral", "price", "{calm_lead}{q_price}?", 2),
        ("neutral", "neutral", "contract", "{calm_lead}{q_contract}?", 1),
        ("neutral", "neutral", "competitor", "{calm_lead}{q_comp}.", 1),
        ("neutral", "neutral", "authority", "{calm_lead}{q_auth}.", 1),
        ("neutral", "neutral", "none", "{calm_lead}{hard_none_neu}.", 1),
        ("neutral", "neutral", "none", "{calm_lead}{feature_q}?", 3),
        # sarcasm without complaint words, enthusiastic short lines
        ("negative", "irritated", "none", "{dry_sarcasm}{irr_close}", 3),
        ("negative", "irritated", "none", "{irr_lead}{dry_sarcasm}.", 1),
        ("positive", "satisfied", "none", "{pos_open}{eager}{pos_close}", 4),
        # polite stress
        ("negative", "stressed", "authority", "{calm_lead}{auth_polite}.", 2),
        ("negative", "stressed", "contract", "{calm_lead}{contract_polite}.", 2),
        ("negative", "stressed", "price", "{calm_lead}{price_polite}.", 1),
        ("negative", "stressed", "timing", "{calm_lead}{timing_polite}.", 1),
        # trust complaints, incumbent lock-in
        ("negative", "irritated", "trust", "{irr_open}{trust_complaint}{irr_close}", 3),
        ("negative", "stressed", "trust", "{str_lead}{trust_complaint}.", 1),
        ("neutral", "neutral", "competitor", "{calm_lead}{comp_lock}.", 2),
        ("negative", "stressed", "competitor", "{str_lead}{comp_lock}.", 1),  # worry said, not implied
    ]
    return slots, frames
