"""The notebook's decisions, each made on the tuning pull requests and scored on the held-out ones: the comment
threshold (``min_score``) that meets the noise budget, the LLM's noise budget and the gate that meets it, and the
merge gate's blocking threshold.

>>> rows = [{"min_score": 0.1, "precision": 0.7, "false_alarm_rate": 0.2, "bug_recall": 0.9},
...         {"min_score": 0.5, "precision": 0.85, "false_alarm_rate": 0.05, "bug_recall": 0.8},
...         {"min_score": 0.9, "precision": 0.95, "false_alarm_rate": 0.0, "bug_recall": 0.5}]
>>> choose_min_score(rows, min_precision=0.8, max_false_alarm_rate=0.1)
0.5
"""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from aisd.core.errors import DecisionError


def choose_min_score(rows: list[dict], min_precision: float, max_false_alarm_rate: float) -> float:
    """The lowest ``min_score`` (most bugs found) whose comments meet the noise budget: precision at least
    ``min_precision`` and false alarms at most ``max_false_alarm_rate``; ``inf`` (post nothing) when none does."""
    ok = [r["min_score"] for r in rows if not math.isnan(r["precision"]) and r["precision"] >= min_precision
          and r["false_alarm_rate"] <= max_false_alarm_rate]
    return min(ok) if ok else math.inf


def llm_noise_budget() -> tuple[float, str]:
    """``(share, why)``: the largest share of clean pull requests the LLM's comments may reach, and the one-line
    reason: half the share at which teams mute a bot (``mute_false_alarm_rate`` of the requirements), since the
    LLM's comments come on top of the other tools' and a rate measured on a couple of dozen clean tuning PRs can
    come out twice as high on new ones.

    Reference answer of notebook 07, exercise ``ex_llm_noise_budget``.

    >>> llm_noise_budget()[0]
    0.1
    """
    from aisd.codereview.system import REQUIREMENTS

    return (REQUIREMENTS.mute_false_alarm_rate / 2,
            "half the mute line: the LLM's comments add to the other tools', and a rate chosen on a couple of dozen "
            "clean tuning PRs can come out twice as high on new ones")


def choose_llm_gate(false_alarm_by_gate: dict[str, float], recall_by_gate: dict[str, float], budget: float) -> str | None:
    """The gate on the LLM's comments (e.g. ``"none"``, ``"confidence high"``, ``"verified by a failing test"``)
    with the best recall among those whose false-alarm rate on the tuning PRs is within ``budget`` (ties: the
    lower false-alarm rate, then the name); ``None`` when no gate meets it (the LLM posts nothing).

    >>> choose_llm_gate({"none": 1.0, "verified": 0.0}, {"none": 1.0, "verified": 0.4}, budget=0.05)
    'verified'
    >>> choose_llm_gate({"none": 1.0}, {"none": 1.0}, budget=0.05) is None
    True
    """
    if not 0 <= budget <= 1:
        raise DecisionError(f"a false-alarm budget is a share of clean PRs, between 0 and 1; got {budget!r}")
    ok = [g for g, rate in false_alarm_by_gate.items() if rate <= budget]
    return min(ok, key=lambda g: (-recall_by_gate[g], false_alarm_by_gate[g], g)) if ok else None


def block_cost(pr_scores: Sequence[float], is_bug: Sequence[bool], threshold: float,
               false_block_cost: float, missed_bug_cost: float, weights: Sequence[float] | None = None) -> float:
    """What a gate that blocks every pull request scoring ``>= threshold`` costs: each clean PR blocked
    costs ``false_block_cost``, each buggy PR let through costs ``missed_bug_cost`` (each PR counted ``weights``
    times, e.g. to price a prevalence other than the sample's; default once).

    Part of the reference answer of notebook 07, exercise ``ex_choose_block_threshold``.

    >>> block_cost([0.9, 0.2, 0.6], [True, False, False], 0.5, false_block_cost=1, missed_bug_cost=10)
    1.0
    """
    s, b = np.asarray(pr_scores, dtype=float), np.asarray(is_bug, dtype=bool)
    w = np.ones(len(s)) if weights is None else np.asarray(weights, dtype=float)
    blocked = s >= threshold
    return float(false_block_cost * np.sum(w * (blocked & ~b)) + missed_bug_cost * np.sum(w * (~blocked & b)))


def choose_block_threshold(pr_scores: Sequence[float], is_bug: Sequence[bool], false_block_cost: float,
                           missed_bug_cost: float) -> float:
    """The threshold of the merge gate (block when a PR's score is ``>= threshold``) with the lowest
    :func:`block_cost` on these (tuning) pull requests. Candidates: every observed score, and
    ``math.inf`` (never block). On a tie, the highest threshold (block fewer).

    Reference answer of notebook 07, exercise ``ex_choose_block_threshold``.

    >>> choose_block_threshold([0.9, 0.8, 0.3, 0.1], [True, True, False, True], 1.0, 0.9)
    0.8
    >>> choose_block_threshold([0.9, 0.8], [False, True], 5.0, 1.0)
    inf
    """
    if len(pr_scores) != len(is_bug):
        raise DecisionError(f"pr_scores and is_bug must have the same length ({len(pr_scores)} != {len(is_bug)})")
    best, best_cost = math.inf, block_cost(pr_scores, is_bug, math.inf, false_block_cost, missed_bug_cost)
    for t in sorted(set(float(x) for x in pr_scores), reverse=True):
        cost = block_cost(pr_scores, is_bug, t, false_block_cost, missed_bug_cost)
        if cost < best_cost:
            best, best_cost = t, cost
    return best


def best_block_cost(pr_scores: Sequence[float], is_bug: Sequence[bool], false_block_cost: float,
                    missed_bug_cost: float) -> float:
    """The lowest :func:`block_cost` any threshold reaches on these pull requests (the hindsight optimum that a
    choice made on other pull requests is scored against).

    >>> best_block_cost([0.9, 0.8, 0.3, 0.1], [True, True, False, True], 1.0, 0.9)
    0.9
    """
    candidates = [math.inf] + sorted(set(float(x) for x in pr_scores))
    return min(block_cost(pr_scores, is_bug, t, false_block_cost, missed_bug_cost) for t in candidates)
