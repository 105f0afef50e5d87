"""How a requirement set in notebook 01 turns out: what an availability target means in minutes down a month,
whether the fallbacks on offer can reach it, and what the cheapest fallbacks that do cost.

>>> chain = {"api": 0.9995, "llm": 0.995}
>>> target_outcome(0.999, chain, {"llm": (0.99, 250.0)}, monthly_budget_usd=2_000)["fallback_usd_per_month"]
250.0
>>> target_outcome(0.99999, chain, {"llm": (0.99, 250.0)}, monthly_budget_usd=2_000)["reachable"]
False
"""
from __future__ import annotations

from aisd.estimation import reliability


def target_outcome(target: float, chain: dict, fallbacks: dict, monthly_budget_usd: float) -> dict:
    """Minutes down a month at ``target``, whether the fallbacks on offer can reach it, the cheapest set that does
    (``None`` if none) with its monthly price and its share of the budget."""
    chosen = reliability.fallbacks_needed(target, chain, fallbacks)
    usd = reliability.plan_cost(fallbacks, chosen) if chosen is not None else float("inf")
    return {"minutes_down_per_month": reliability.downtime_minutes_per_month(target), "reachable": chosen is not None,
            "fallbacks": chosen, "fallback_usd_per_month": usd, "budget_share": usd / monthly_budget_usd}
