"""A recorded fault trace replayed offline under a retry policy: what notebook 11's exercise grades.

A trace is a list of calls as the provider would treat them, in arrival order: ``(kind, seconds)`` with
``kind`` one of ``ok``, ``error``, ``reset``, ``stall`` and ``seconds`` how long the call takes to answer
or fail (for a stall, how long until the connection is dropped). Each attempt of each request takes the
next call of the trace, so a policy that retries more meets more of the trace, as it would in production.

>>> trace = [("error", 0.01), ("ok", 0.2), ("stall", 5.0), ("ok", 0.3)]
>>> [round(x, 2) for x in replay(trace, timeout_s=1.0, retries=1, backoff_s=0.1)]
[0.31, 1.4]
>>> replay(trace, timeout_s=1.0, retries=0, backoff_s=0.1)[:2]
[inf, 0.2]
"""
from __future__ import annotations

import math
import random

import numpy as np


from aisd.core.errors import AisdError


class NoPolicyError(AisdError, ValueError):
    """No retry policy meets the targets on the trace."""

FAILED = math.inf


def make_trace(ok_latencies: list[float], n: int, fault_rate: float, seed: int, stall_s: float = 5.0,
               mix: dict | None = None) -> list[tuple[str, float]]:
    """``n`` calls: ok ones take a measured latency (resampled), faulty ones follow ``mix`` (kind -> share)."""
    mix = mix or {"error": 0.6, "reset": 0.25, "stall": 0.15}
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        u = rng.random()
        kind = "ok"
        for k, share in mix.items():
            if u < fault_rate * share:
                kind = k
                break
            u -= fault_rate * share
        seconds = {"ok": rng.choice(ok_latencies), "error": 0.005, "reset": 0.002, "stall": stall_s}[kind]
        out.append((kind, float(seconds)))
    return out


def replay(trace, timeout_s: float, retries: int, backoff_s: float) -> list[float]:
    """Each request's latency under the policy (``inf`` for a request that failed every attempt), until the
    trace runs out. Waits between attempts are ``backoff_s * 2**attempt`` (jitter's mean left out)."""
    calls, latencies = iter(trace), []
    while True:
        elapsed = 0.0
        for attempt in range(retries + 1):
            call = next(calls, None)
            if call is None:
                return latencies
            kind, seconds = call
            if kind == "ok" and seconds <= timeout_s:
                latencies.append(elapsed + seconds)
                break
            elapsed += min(seconds, timeout_s) if kind in ("ok", "stall") else seconds
            if attempt < retries:
                elapsed += backoff_s * 2 ** attempt
        else:
            latencies.append(FAILED)


def score(trace, timeout_s: float, retries: int, backoff_s: float) -> dict:
    """Availability and p99 latency of a policy on ``trace`` (a failed request counts at its elapsed time,
    never faster: a failure is at least as slow as the budget's worst case)."""
    lat = np.array(replay(trace, timeout_s, retries, backoff_s))
    answered = np.isfinite(lat)
    return {"requests": len(lat), "availability": float(answered.mean()),
            "p99_s": float(np.percentile(lat, 99, method="higher")),
            "mean_calls_per_request": len(trace) / max(len(lat), 1)}


def meets(trace, policy: dict, p99_budget_s: float, availability_target: float) -> bool:
    s = score(trace, policy["timeout_s"], policy["retries"], policy["backoff_s"])
    return s["availability"] >= availability_target and s["p99_s"] <= p99_budget_s
