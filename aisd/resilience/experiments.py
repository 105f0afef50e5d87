"""Patterns x fault rates over one fault trace, and the retry storm, measured through a real proxy.

Every cell of :func:`pattern_matrix` starts a fresh :class:`~.proxy.FaultProxy` with the same seed, so each
policy meets the same sequence of faults (the n-th call that reaches the proxy meets the n-th draw; a policy
that retries consumes more draws, as it would consume more of a real provider's bad moments).

>>> summarise([Outcome("primary", 0.1, 1), Outcome("human", 2.0, 3)])["availability"]
0.5
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable

import numpy as np

from aisd.runtime import llm
from aisd.resilience.patterns import Outcome, Policy, Resilient, llm_answerer
from aisd.resilience.proxy import FaultProxy, Faults

# How a total fault rate is split between the kinds (errors are the most common in practice).
MIX = {"error": 0.6, "reset": 0.25, "stall": 0.15}


def faults_at(rate: float, seed: int = 0, stall_s: float = 1.5, error_status: int = 503) -> Faults:
    """The course's fault plan at a total per-call fault ``rate``, split by :data:`MIX`."""
    return Faults(error_rate=rate * MIX["error"], reset_rate=rate * MIX["reset"], stall_rate=rate * MIX["stall"],
                  stall_s=stall_s, error_status=error_status, seed=seed)


def summarise(outcomes: list[Outcome]) -> dict:
    """Availability (share answered by anything but a human), p50/p99 latency, and who answered."""
    lat = np.array([o.latency_s for o in outcomes]) if outcomes else np.zeros(1)
    by = {k: sum(o.answered_by == k for o in outcomes) for k in ("primary", "fallback", "degraded", "human")}
    return {"requests": len(outcomes), "availability": by["human"] and 1 - by["human"] / len(outcomes) or 1.0,
            "p50_s": float(np.percentile(lat, 50)), "p99_s": float(np.percentile(lat, 99)),
            "attempts": sum(o.attempts for o in outcomes), **by}


def pattern_matrix(server_url: str, policies: list[Policy], rates: list[float], questions: list[str],
                   degraded: Callable[[str], str | None] | None = None, seed: int = 0, stall_s: float = 1.5,
                   max_tokens: int = 8, bound_s: float = 60.0) -> list[dict]:
    """Run ``questions`` through each policy at each fault rate; one row per (rate, policy).

    The primary is the tier behind ``server_url`` reached through a proxy; the fallback is the tiny tier
    reached directly (it does not share the primary's faults). Each cell stops after ``bound_s`` seconds.
    """
    model = "smollm2"
    fallback = llm_answerer(llm.client(tier="tiny", timeout=10), llm.model_name(tier="tiny"), max_tokens)
    rows = []
    for rate in rates:
        for policy in policies:
            with FaultProxy.for_url(server_url, faults_at(rate, seed, stall_s), lifetime_s=bound_s + 5) as proxy:
                client = llm.client(tier="tiny", base_url=proxy.base_url, timeout=policy.timeout_s)
                primary = llm_answerer(client, model_of(server_url, model), max_tokens, timeout_s=policy.timeout_s)
                outcomes = Resilient(policy, primary, fallback, degraded).run(questions, deadline_s=bound_s)
            rows.append({"fault_rate": rate, "policy": policy.name, **summarise(outcomes),
                         "proxy_calls": len(proxy.arrivals)})
    return rows


def model_of(server_url: str, default: str) -> str:
    """The model alias the server at ``server_url`` serves (asked, not assumed)."""
    import httpx2
    try:
        data = httpx2.get(server_url.rstrip("/") + "/models", timeout=3).json()["data"]
        return data[0]["id"]
    except Exception:
        return default


def retry_storm(server_url: str, policies: list[Policy], clients: int = 4, duration_s: float = 3.0,
                outage_after: int = 8, outage_s: float = 1.5, bin_s: float = 0.25, max_tokens: int = 4) -> dict:
    """``clients`` threads send requests for ``duration_s`` through a proxy with a total outage of
    ``outage_s`` seconds; for each policy, the calls reaching the proxy per ``bin_s`` (the load the failing
    provider sees) and the outcomes. Bounded: every thread stops at ``duration_s``."""
    model = model_of(server_url, "smollm2")
    out = {}
    for policy in policies:
        faults = Faults(outage_after=outage_after, outage_s=outage_s, error_status=503, seed=0)
        with FaultProxy.for_url(server_url, faults, lifetime_s=duration_s + 10) as proxy:
            client = llm.client(tier="tiny", base_url=proxy.base_url, timeout=policy.timeout_s)
            resilient = Resilient(policy, llm_answerer(client, model, max_tokens, policy.timeout_s))
            outcomes, lock, stop_at = [], threading.Lock(), time.monotonic() + duration_s

            def worker():
                while time.monotonic() < stop_at:
                    o = resilient.answer("Say yes.")
                    with lock:
                        outcomes.append(o)

            threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(duration_s + policy.timeout_s * (policy.retries + 1) + 5)
        times = np.array([t for t, _ in proxy.arrivals])
        bins = np.arange(0, duration_s + bin_s, bin_s)
        out[policy.name] = {"calls_per_bin": np.histogram(times, bins)[0].tolist(), "bin_s": bin_s,
                            "outage_calls": proxy.counts()["outage"], **summarise(outcomes)}
    return out


def truncation_matrix(server_url: str, rates: list[float], questions: list[str], retries: int = 3,
                      truncate_after: int = 2, seed: int = 0, max_tokens: int = 16, bound_s: float = 60.0) -> list[dict]:
    """Streamed answers through a proxy that cuts a share ``rate`` of them after ``truncate_after`` events, for
    a naive streaming client (it shows what arrived) and one that checks the ``finish_reason`` and retries.
    One row per (rate, client): availability, p50/p99, and ``partial_served``: cut answers shown as if whole."""
    from aisd.resilience.patterns import stream_answerer
    model = model_of(server_url, "smollm2")
    clients = {"stream, no check": (False, Policy("stream, no check", timeout_s=10)),
               "finish_reason check + retries": (True, Policy("check + retries", timeout_s=10, retries=retries,
                                                                 backoff_s=0.02, jitter_s=0.02))}
    rows = []
    for rate in rates:
        for name, (check, policy) in clients.items():
            faults = Faults(truncate_rate=rate, truncate_after=truncate_after, seed=seed)
            finishes: list = []
            with FaultProxy.for_url(server_url, faults, lifetime_s=bound_s + 5) as proxy:
                client = llm.client(tier="tiny", base_url=proxy.base_url, timeout=policy.timeout_s)
                ask = stream_answerer(client, model, max_tokens, policy.timeout_s, check=check, finishes=finishes)
                outcomes = Resilient(policy, ask).run(questions, deadline_s=bound_s)
            rows.append({"truncate_rate": rate, "client": name, **summarise(outcomes),
                         "truncated_met": proxy.counts()["trunc"],
                         "partial_served": 0 if check else sum(f is None for f in finishes)})
    return rows
