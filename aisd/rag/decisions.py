"""Design decisions made from measurements: each picks a knob on the *tuning* data by what the
requirements say it costs, and is then scored, as it falls, on held-out data. Each ``choose_*`` is one
valid way to decide (the notebook grades a learner's choice by its held-out outcome, not by agreeing with it).

- ``abstention_cost(top_scores, answer_ok, threshold, wrong_cost, escalation_cost)``: the cost per
  question of "abstain (escalate to a human) when the best retrieval score is below ``threshold``";
- ``choose_threshold(...)``: the threshold with the lowest such cost (reference of notebook 02);
- ``cache_outcomes(similarities, same_answer, threshold)`` and ``choose_cache_threshold(...)``: a
  semantic-cache threshold with the most hits under a wrong-hit budget;
- ``choose_rerank_depth(rows, budget_ms)``: the re-rank depth with the best quality within a latency budget;

Intervals come from :mod:`aisd.toolkit.stats`.

>>> scores, ok = [0.2, 0.5, 0.7], [False, False, True]
>>> choose_threshold(scores, ok, wrong_cost=10, escalation_cost=2)     # escalate the two weak ones
0.7
>>> abstention_cost(scores, ok, 0.7, wrong_cost=10, escalation_cost=2)  # (2 + 2 + 0) / 3
1.3333333333333333
"""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from aisd.core.errors import DecisionError


def abstention_cost(top_scores: Sequence[float], answer_ok: Sequence[bool], threshold: float,
                    wrong_cost: float, escalation_cost: float) -> float:
    """Mean cost per question of abstaining when ``top_score < threshold``: an escalation costs
    ``escalation_cost``; an answer costs ``wrong_cost`` when it is not ok, nothing when it is.

    >>> abstention_cost([0.1, 0.9], [True, False], 0.5, wrong_cost=10, escalation_cost=2)   # (2 + 10) / 2
    6.0
    """
    s, ok = np.asarray(top_scores, dtype=float), np.asarray(answer_ok, dtype=bool)
    if s.shape != ok.shape or s.size == 0:
        raise DecisionError(f"need as many answer_ok flags as scores (got {s.size} scores, {ok.size} flags), at least one")
    abstain = s < threshold
    return float((abstain * escalation_cost + (~abstain & ~ok) * wrong_cost).mean())


def choose_threshold(top_scores: Sequence[float], answer_ok: Sequence[bool], wrong_cost: float,
                     escalation_cost: float) -> float:
    """The abstention threshold with the lowest mean cost on these questions.

    Reference answer of notebook 02, exercise ``ex_choose_threshold``.

    Candidates are every observed score (abstain on the questions scoring below it) and ``math.inf``
    (escalate everything); among equally cheap candidates the smallest wins (answer the most).

    >>> choose_threshold([0.2, 0.5, 0.7], [False, True, True], wrong_cost=10, escalation_cost=2)
    0.5
    >>> choose_threshold([0.2, 0.5], [False, False], wrong_cost=10, escalation_cost=2)
    inf
    """
    candidates = sorted(set(float(s) for s in top_scores)) + [math.inf]
    costs = [abstention_cost(top_scores, answer_ok, t, wrong_cost, escalation_cost) for t in candidates]
    return candidates[int(np.argmin(costs))]


def cache_outcomes(similarities: Sequence[float], same_answer: Sequence[bool], threshold: float) -> dict:
    """Hit rate and wrong-hit rate (both per request) of a semantic cache at ``threshold``.

    ``similarities[i]`` is the cosine of request ``i`` with its most similar earlier request (``nan``
    for the first), ``same_answer[i]`` whether that earlier request needs the same passages. A hit is
    ``similarity >= threshold``; a wrong hit is a hit whose earlier request needed other passages.

    >>> cache_outcomes([float("nan"), 0.95, 0.8], [False, True, False], 0.8)
    {'hit_rate': 0.6666666666666666, 'wrong_hit_rate': 0.3333333333333333}
    """
    s, same = np.asarray(similarities, dtype=float), np.asarray(same_answer, dtype=bool)
    hit = np.nan_to_num(s, nan=-np.inf) >= threshold
    return {"hit_rate": float(hit.mean()), "wrong_hit_rate": float((hit & ~same).mean())}


def choose_cache_threshold(similarities: Sequence[float], same_answer: Sequence[bool],
                           max_wrong_rate: float) -> float:
    """The semantic-cache threshold with the most hits whose wrong-hit rate is within ``max_wrong_rate``.

    Reference answer of notebook 02, exercise ``ex_choose_cache_threshold``.

    Candidates are the observed similarities (not ``nan``): the lowest one that meets the budget has
    the most hits. ``math.inf`` (no hits at all) when none meets it.

    >>> choose_cache_threshold([float("nan"), 0.95, 0.8, 0.9], [False, True, False, True], 0.0)
    0.9
    >>> choose_cache_threshold([float("nan"), 0.95], [False, False], 0.0)
    inf
    """
    for t in sorted(set(float(s) for s in similarities if not math.isnan(s))):
        if cache_outcomes(similarities, same_answer, t)["wrong_hit_rate"] <= max_wrong_rate:
            return t
    return math.inf


def retrieval_budget_ms() -> tuple[float, str]:
    """A p95 budget for retrieval (ms) inside the 2 s first-token budget, and why (one line).

    Reference answer of notebook 02, exercise ``ex_retrieval_budget_ms``.

    >>> retrieval_budget_ms()[0]
    200.0
    """
    return 200.0, ("a tenth of the 2 s to the first token: the hosted LLM reading ~600 prompt tokens needs most of it, "
                   "and hybrid search measured here takes a few ms, so re-ranking has room")


def choose_rerank_depth(rows: Sequence[dict], budget_ms: float) -> int:
    """The re-rank depth with the highest ``ndcg@10`` among the rows whose ``p95_ms`` is within the budget.

    Reference answer of notebook 02, exercise ``ex_choose_rerank_depth``.

    Each row is ``{"depth", "ndcg@10", "p95_ms"}`` (depth 0: no re-ranking); ties go to the smaller
    depth (cheaper); when no row fits the budget, 0.

    >>> rows = [{"depth": 0, "ndcg@10": 0.70, "p95_ms": 2}, {"depth": 5, "ndcg@10": 0.74, "p95_ms": 90},
    ...         {"depth": 10, "ndcg@10": 0.76, "p95_ms": 210}]
    >>> choose_rerank_depth(rows, budget_ms=200), choose_rerank_depth(rows, budget_ms=300)
    (5, 10)
    """
    fits = [r for r in rows if r["p95_ms"] <= budget_ms]
    if not fits:
        return 0
    return int(min(fits, key=lambda r: (-r["ndcg@10"], r["depth"]))["depth"])

