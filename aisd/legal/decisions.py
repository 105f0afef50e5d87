"""Notebook 06's decisions, each taken on the tuning questions and reported on the held-out ones.

>>> choose_retriever({"a": {"ndcg@10": [0.5, 0.7], "p95_ms": 5.0}, "b": {"ndcg@10": [0.9, 0.9], "p95_ms": 900.0}}, 300)
'a'
>>> choose_min_support([0.9, 0.8, 0.3, 0.2], [True, True, False, False], wrong_cost=100, drop_cost=40)
0.55
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from aisd.core.errors import DecisionError


def choose_retriever(results: dict, budget_ms: float) -> str:
    """The configuration to deploy: the best mean nDCG@10 among those whose p95 latency is within
    ``budget_ms`` (ties: the lower p95); ``results`` maps each configuration to
    ``{"ndcg@10": [per question], "p95_ms": float}``, measured on the tuning questions. Raises
    :class:`DecisionError` (a ``ValueError``) when none fits the budget.

    Reference answer of notebook 06, exercise ``ex_choose_retriever``.

    >>> choose_retriever({"a": {"ndcg@10": [0.5], "p95_ms": 900.0}}, 300)
    Traceback (most recent call last):
    ...
    aisd.core.errors.DecisionError: no configuration within 300 ms at p95
    """
    fits = {c: r for c, r in results.items() if r["p95_ms"] <= budget_ms}
    if not fits:
        raise DecisionError(f"no configuration within {budget_ms} ms at p95")
    return min(fits, key=lambda c: (-float(np.mean(fits[c]["ndcg@10"])), fits[c]["p95_ms"]))


def choose_min_support(scores: Sequence[float], supported: Sequence[bool], wrong_cost: float,
                       drop_cost: float) -> float:
    """The support threshold (a sentence scoring under it is dropped) with the lowest expected cost on labelled
    (sentence, provision) pairs: ``wrong_cost`` for each unsupported sentence kept, ``drop_cost`` for each
    supported one dropped. Candidates lie halfway between neighbouring scores (and outside them); among equal
    costs, the lowest threshold (drop least).

    >>> choose_min_support([0.9, 0.2], [True, False], wrong_cost=1, drop_cost=1)
    0.55
    """
    s, y = np.asarray(scores, dtype=float), np.asarray(supported, dtype=bool)
    if len(s) == 0 or len(s) != len(y):
        raise DecisionError("give one label per score, and at least one")
    u = np.unique(s)
    candidates = np.concatenate([[u[0] - 1e-6], (u[:-1] + u[1:]) / 2, [u[-1] + 1e-6]])
    cost = [wrong_cost * np.sum(~y & (s >= t)) + drop_cost * np.sum(y & (s < t)) for t in candidates]
    return round(float(candidates[int(np.argmin(cost))]), 4)


def choose_support_threshold(scores: Sequence[float], supported: Sequence[bool], max_unsupported_kept: float) -> float:
    """The lowest support threshold (a sentence scoring under it is dropped) that lets through at most
    ``max_unsupported_kept`` of the unsupported claims among labelled pairs: a budget turned into a threshold,
    keeping as many supported claims as the budget allows.

    >>> choose_support_threshold([0.9, 0.8, 0.6, 0.3, 0.2], [True, True, False, False, False], 0.34)   # keeps 0.6 only
    0.300001
    >>> choose_support_threshold([0.9, 0.6], [True, False], 0.0)
    0.600001
    """
    s, y = np.asarray(scores, dtype=float), np.asarray(supported, dtype=bool)
    negatives = np.sort(s[~y])
    if len(s) != len(y) or len(negatives) == 0:
        raise DecisionError("give one label per score, with at least one unsupported pair")
    candidates = np.concatenate([[negatives[0]], negatives + 1e-6])
    fits = [t for t in candidates if np.mean(negatives >= t) <= max_unsupported_kept + 1e-12]
    return round(float(min(fits)), 6)


def unsupported_budget() -> tuple[float, str]:
    """The share of unsupported claims the support check may let through, and why (the requirement the learner
    sets in notebook 06).

    Reference answer of notebook 06, exercise ``ex_unsupported_budget``.

    >>> unsupported_budget()[0]
    0.1
    """
    return 0.1, ("a lawyer reads the cited provision anyway, so a few unsupported claims are caught there; a "
                 "budget chosen on fifty tuning pairs can come out twice as high on new ones, so I keep a margin "
                 "below the firm's ceiling")
