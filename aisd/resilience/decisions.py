"""Notebook 11's decisions: the retry policy under a p99 budget and an availability target (graded on a held-out
fault trace), and the replicas a target load needs (read from a measured load curve).

>>> rows = [{"concurrency": 1, "throughput_rps": 5.0, "p95_s": 0.3}, {"concurrency": 4, "throughput_rps": 8.0, "p95_s": 0.9}]
>>> replicas_for(10, rows, p95_budget_s=0.5)
3
"""
from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd

from aisd.resilience.load import CapacityError
from aisd.resilience.replay import NoPolicyError, score
from aisd.toolkit import stats


def choose_retry_policy(tuning_trace, p99_budget_s: float, availability_target: float) -> dict:
    """Reference answer of notebook 11, exercise ``ex_choose_retry_policy``.

    Search timeouts (quantiles of the ok calls' latencies), retries 0..5 and backoffs on the tuning trace;
    among the policies meeting both targets there, keep the one with the most p99 slack.
    """
    ok = sorted(s for k, s in tuning_trace if k == "ok")
    timeouts = sorted({round(float(np.quantile(ok, q)), 3) for q in (0.5, 0.8, 0.9, 0.95, 0.99, 1.0)})
    best, best_p99 = None, math.inf
    for timeout_s, retries, backoff_s in itertools.product(timeouts, range(6), (0.0, 0.02, 0.05, 0.1, 0.2)):
        s = score(tuning_trace, timeout_s, retries, backoff_s)
        if s["availability"] >= availability_target and s["p99_s"] <= p99_budget_s and s["p99_s"] < best_p99:
            best, best_p99 = {"timeout_s": timeout_s, "retries": retries, "backoff_s": backoff_s}, s["p99_s"]
    if best is None:
        raise NoPolicyError("no policy meets both targets on the tuning trace")
    return best


def replicas_for(target_qps: float, curve_rows: list[dict], p95_budget_s: float, headroom: float = 0.7) -> int:
    """Reference answer of notebook 11, exercise ``ex_replicas_for``.

    Replicas needed for ``target_qps``: one replica carries the highest measured throughput among the
    concurrency levels whose p95 meets ``p95_budget_s``, run at ``headroom`` of it; round up.
    """
    ok = [r["throughput_rps"] for r in curve_rows if r["p95_s"] <= p95_budget_s]
    if not ok:
        raise CapacityError("no measured concurrency meets the p95 budget: no number of replicas will")
    return int(np.ceil(target_qps / (max(ok) * headroom)))


PROMISES = (0.99, 0.995, 0.999, 0.9995, 0.9999)


def availability_target(tuning_trace, p99_budget_s: float) -> float:
    """Reference answer of notebook 11, exercise ``ex_availability_target``.

    The highest of the usual promises (:data:`PROMISES`) that the tuning trace can vouch for: a retry policy chosen
    there for it keeps it within the p99 budget, and the Wilson lower bound of the availability it measured (on
    the trace's requests) is still at or above the promise. A trace of 1,500 requests with none failed vouches
    for about 99.7 %, not for 99.99 %: promising more than the data can show is how an SLO gets broken.
    """
    kept = PROMISES[0]
    for target in PROMISES:
        try:
            policy = choose_retry_policy(tuning_trace, p99_budget_s, target)
        except NoPolicyError:
            break
        s = score(tuning_trace, policy["timeout_s"], policy["retries"], policy["backoff_s"])
        if stats.wilson(round(s["availability"] * s["requests"]), s["requests"]).low < target:
            break
        kept = target
    return kept


def choose_cache_threshold(tuning_pairs, wrong_hit_budget: float) -> float:
    """Reference answer of notebook 11, exercise ``ex_choose_cache_threshold``.

    Only a wording the cache has not seen yet can get a wrong hit, and only when a wording of another question
    is close enough. Worst case, every wording is cached: a wording is then at risk when its nearest
    other-question wording reaches the threshold. Take the lowest threshold (a 0.01 grid) at which the share of
    tuning wordings at risk is within the budget, then add a margin of 0.02: held-out questions bring close pairs
    of their own, so the worst case on tuning (not the traffic the tuning stream happened to see), with room to
    spare, is what the budget is held against.
    """
    a = tuning_pairs[["text_a", "similarity", "same_question"]].rename(columns={"text_a": "text"})
    b = tuning_pairs[["text_b", "similarity", "same_question"]].rename(columns={"text_b": "text"})
    both = pd.concat([a, b], ignore_index=True)
    wordings = both["text"].nunique()
    other = both[~both["same_question"]].groupby("text")["similarity"].max()
    for threshold in np.round(np.arange(0.5, 1.0001, 0.01), 2):
        if (other >= threshold).sum() / wordings <= wrong_hit_budget:
            return float(min(1.0, round(threshold + 0.02, 2)))
    return 1.0
