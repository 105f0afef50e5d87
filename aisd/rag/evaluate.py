"""How good a decision of notebook 02 turned out: each function scores a choice by its *outcome* on a set of
questions or requests (usually held out), against the best choice that was possible there. The notebook's
tests grade a learner's decision with these, so any method that reaches a good outcome earns the points.

>>> rows = [{"depth": 0, "ndcg@10": 0.70, "p95_ms": 2}, {"depth": 5, "ndcg@10": 0.74, "p95_ms": 90}]
>>> depth_outcome(rows, 50, 5)
{'fits': False, 'ndcg@10': 0.74, 'best_within_budget': 0.7, 'shortfall': -0.04}
>>> threshold_outcome([0.2, 0.5, 0.7], [False, True, True], 0.5, wrong_cost=10, escalation_cost=2)["regret"]
0.0
>>> cache_outcome([float("nan"), 0.95, 0.8, 0.9], [False, True, False, True], 0.8, max_wrong_rate=0.0)["fits"]
False
"""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from aisd.rag.decisions import abstention_cost, cache_outcomes


def depth_outcome(rows: Sequence[dict], budget_ms: float, depth: int, latency_rows: Sequence[dict] | None = None) -> dict:
    """Whether ``depth`` fits ``budget_ms`` at p95 (latency read from ``latency_rows``, default ``rows``), its nDCG@10
    in ``rows``, the best nDCG@10 of a depth that fits, and the shortfall (best - yours; <= 0 is as good as the best).
    Depth 0 (no re-ranking) always fits; a depth not in ``rows`` scores nothing (unless no measured depth fits,
    when 0 is the only choice).

    >>> depth_outcome([{"depth": 4, "ndcg@10": 0.9, "p95_ms": 400.0}], 200, 0)["shortfall"]
    0.0
    """
    latency = {int(r["depth"]): float(r["p95_ms"]) for r in (latency_rows or rows)}
    quality = {int(r["depth"]): float(r["ndcg@10"]) for r in rows}
    fits = {d for d, ms in latency.items() if ms <= budget_ms} | {0}
    best = max((q for d, q in quality.items() if d in fits), default=float("nan"))
    mine = quality.get(int(depth), float("nan"))
    if math.isnan(best):            # no measured depth fits: not re-ranking (0) is the only choice
        shortfall = 0.0 if int(depth) == 0 else float("inf")
    else:
        shortfall = round(best - mine, 12) if not math.isnan(mine) else float("inf")
    return {"fits": int(depth) in fits, "ndcg@10": mine, "best_within_budget": best, "shortfall": shortfall}


def threshold_outcome(top_scores, answer_ok, threshold: float, wrong_cost: float, escalation_cost: float) -> dict:
    """The mean cost per question of ``threshold``, of the cheapest threshold on these same questions (found by
    trying every score and ``inf``), of never abstaining and of escalating everything, and the regret (yours -
    cheapest)."""
    s = np.asarray(top_scores, dtype=float)
    args = dict(wrong_cost=wrong_cost, escalation_cost=escalation_cost)
    best = min(abstention_cost(s, answer_ok, t, **args) for t in np.append(np.unique(s), math.inf))
    mine = abstention_cost(s, answer_ok, float(threshold), **args)
    return {"cost": mine, "cheapest": best, "never_abstain": abstention_cost(s, answer_ok, -math.inf, **args),
            "always_escalate": float(escalation_cost), "regret": round(mine - best, 12)}


def cache_outcome(similarities, same_answer, threshold: float, max_wrong_rate: float) -> dict:
    """Hit and wrong-hit rates of ``threshold``, whether it keeps the wrong-hit budget, the most hits a threshold
    within the budget gets on these requests, and the shortfall in hit rate (most - yours)."""
    s = np.asarray(similarities, dtype=float)
    mine = cache_outcomes(s, same_answer, float(threshold))
    within = [cache_outcomes(s, same_answer, t)["hit_rate"] for t in np.append(np.unique(s[~np.isnan(s)]), math.inf)
              if cache_outcomes(s, same_answer, t)["wrong_hit_rate"] <= max_wrong_rate + 1e-12]
    most = max(within)
    return {**mine, "fits": mine["wrong_hit_rate"] <= max_wrong_rate + 1e-12, "most_hits_within_budget": most,
            "shortfall": round(most - mine["hit_rate"], 12)}
