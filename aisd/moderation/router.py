"""Model tiering on the uncertain band: the tiny model reads every post, the small one only those it is unsure of.

The seed's advice for cost is *use smaller models for simple tasks*. The router asks the tiny model (SmolLM2-135M)
in both wordings of the policy (:data:`aisd.moderation.llm_stage.PROMPTS`) and escalates the post to the small
model (Qwen2.5-Coder-1.5B) when :func:`escalation` finds a reason:

- ``"invalid"``: an answer is not the JSON asked for (a failed check);
- ``"disagree"``: the two wordings get different verdicts (low confidence: the answer depends on the wording);
- ``"ok with a blocklist word"``: it would clear a post that holds a blocklist word (a failed check against the
  rules stage, the only one of its answers that lets a post through without a person).

Every call goes through the answer store, so the usage ledger (:mod:`aisd.runtime.usage`) holds exactly the calls a
system made; :func:`hosted_usd` prices them at a hosted model of a comparable price class (:data:`HOSTED`).

>>> escalation({"label": "ok"}, {"label": "ok"}, "have a nice day"), escalation({"label": "ok"}, {"label": "violating"}, "hm")
('', 'disagree')
>>> escalation({"label": "ok"}, {"label": "ok"}, "you 1d10t")
'ok with a blocklist word'
"""
from __future__ import annotations

import pandas as pd

from aisd.moderation import llm_stage, rules
from aisd.runtime import usage
from aisd.runtime.models import TIERS

# Hosted models in the price class of each local tier (the ledger's tokens are priced at these list prices; a
# hosted model answers far better than a local one of its price class, so read cost, not quality, from this).
HOSTED = {"tiny": "gpt-5-nano", "small": "gpt-4o-mini"}


def escalation(first: dict, second: dict, post: str) -> str:
    """Why the tiny model's answers (``first`` and ``second`` wording, as :func:`aisd.moderation.llm_stage.parse`
    gives them) go on to the small model, or ``""`` when the router trusts them."""
    if first["label"] not in ("ok", "violating") or second["label"] not in ("ok", "violating"):
        return "invalid"
    if first["label"] != second["label"]:
        return "disagree"
    if first["label"] == "ok" and rules.blocklist_hits(post):
        return "ok with a blocklist word"
    return ""


def tiered_verdicts(posts, tiny_store=None, small_store=None) -> pd.DataFrame:
    """Every post through the router: one row each with ``verdict`` (ok / violating / invalid), ``policy``,
    ``answered_by`` (tiny or small), ``reason`` (why it was escalated, "" if not) and ``seconds`` (all its calls, as
    measured when the answers were made). The calls are recorded in the usage ledger."""
    from aisd.toolkit.answer_store import Store

    tiny_store = tiny_store or Store(llm_stage.STORE, tier="tiny")
    small_store = small_store or Store(llm_stage.STORE, tier="small")
    rows = []
    for post in posts:
        first, second = (llm_stage.label_posts([post], tiny_store, system=p)[0] for p in llm_stage.PROMPTS)
        reason = escalation(first, second, post)
        final = llm_stage.label_posts([post], small_store)[0] if reason else first
        rows.append({"post": post, "verdict": final["label"], "policy": final["policy"],
                     "answered_by": "small" if reason else "tiny", "reason": reason,
                     "seconds": first["seconds"] + second["seconds"] + (final["seconds"] if reason else 0.0)})
    return pd.DataFrame(rows)


def hosted_usd(calls) -> float:
    """What the ledger's ``calls`` would cost at the list price of the hosted model in each tier's price class."""
    tier_of_alias = {m.alias: tier for tier, m in TIERS.items()}
    return sum(usage.cost(HOSTED[tier_of_alias[c.model]], c.prompt_tokens, c.completion_tokens)
               if c.model in tier_of_alias else usage.cost(c.model, c.prompt_tokens, c.completion_tokens)
               for c in calls)
