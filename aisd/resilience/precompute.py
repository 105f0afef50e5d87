"""``aisd precompute 11``: the long load and fault runs of notebook 11, stored under ``datasets/resilience/``.

Resumable: each part is one JSON file, written when done and skipped when present (delete one to redo
it). Runs the tiny tier in its own state dir (``$AISD_HOME``); every proxy and load run is bounded.
Each file records when it was made, how long it took and the load average when it began.

    python -m aisd.resilience.precompute       # ~5 min on 2 shared cores
"""
from __future__ import annotations

import json
import os
import sys
import time

from aisd.core import paths
from aisd.runtime import server
from aisd.resilience import experiments, load, replay
from aisd.resilience.patterns import Policy

OUT = paths.ROOT / "datasets" / "resilience"
RATES = [0.0, 0.1, 0.3, 0.5]
POLICIES = [
    Policy("no pattern", timeout_s=10),
    Policy("timeout 1 s", timeout_s=1.0),
    Policy("timeout + 3 retries", timeout_s=1.0, retries=3, backoff_s=0.05, jitter_s=0.05),
    Policy("+ breaker", timeout_s=1.0, retries=3, backoff_s=0.05, breaker_fails=5, breaker_reset_s=1.0),
    Policy("+ fallback", timeout_s=1.0, retries=3, backoff_s=0.05, fallback=True),
    Policy("+ fallback + cache", timeout_s=1.0, retries=1, backoff_s=0.05, fallback=True, degrade=True),
]
STORM_POLICIES = [
    Policy("5 immediate retries", timeout_s=1.0, retries=5, backoff_s=0.0, jitter_s=0.0),
    Policy("5 retries, backoff + jitter", timeout_s=1.0, retries=5, backoff_s=0.1, backoff_max_s=1.0, jitter_s=0.1),
    Policy("retries + breaker", timeout_s=1.0, retries=5, backoff_s=0.1, jitter_s=0.1, breaker_fails=3,
           breaker_reset_s=1.0),
]
QUESTIONS = [f"In one word: what colour is {thing}?" for thing in
             ("the sky", "grass", "snow", "coal", "a banana", "blood", "an orange", "the sea")]


def _meta(started: float, tier: str) -> dict:
    return {"made_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "seconds": round(time.time() - started, 1),
            "load_average_at_start": round(os.getloadavg()[0], 2), "tier": tier, "cores": os.cpu_count()}


def _part(name: str, make, tier: str = "tiny") -> None:
    path = OUT / f"{name}.json"
    if path.exists():
        print(f"[11] {name}: stored, skipped", file=sys.stderr)
        return
    started, load_avg = time.time(), os.getloadavg()[0]
    data = make()
    meta = _meta(started, tier) | {"load_average_at_start": round(load_avg, 2)}
    path.write_text(json.dumps({"meta": meta, "data": data}, indent=1) + "\n")
    print(f"[11] {name}: {meta['seconds']} s", file=sys.stderr)


def vectors() -> None:
    """``aisd precompute 11 vectors``: MiniLM vectors of the cache's questions and of the posts the distilled
    classifier learns from (no LLM; each file skipped when stored)."""
    from aisd.resilience import distill, semcache
    for path, make in ((semcache.VECTORS, semcache.store_vectors), (distill.VECTORS, distill.store_vectors)):
        if path.exists():
            print(f"[11] {path.name}: stored, skipped", file=sys.stderr)
        else:
            print(f"[11] {path.name}: {make()['seconds']} s", file=sys.stderr)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    vectors()
    url = server.ensure_server("tiny")["base_url"]
    cache = {q: "stored answer" for q in QUESTIONS[::2]}      # half the questions were answered before


    def ok_latencies():
        from aisd.resilience.patterns import llm_answerer
        from aisd.runtime import llm
        ask = llm_answerer(llm.client(tier="tiny"), llm.model_name(tier="tiny"), max_tokens=8)
        out = []
        for i in range(300):
            t = time.perf_counter()
            ask(QUESTIONS[i % len(QUESTIONS)])
            out.append(round(time.perf_counter() - t, 4))
        return out

    _part("ok_latencies", ok_latencies)
    ok = json.loads((OUT / "ok_latencies.json").read_text())["data"]
    _part("traces", lambda: {"fault_rate": 0.2, "stall_s": 5.0,
                             "tuning": replay.make_trace(ok, 2000, 0.2, seed=1),
                             "heldout": replay.make_trace(ok, 2000, 0.2, seed=2)})
    _part("pattern_matrix", lambda: experiments.pattern_matrix(
        url, POLICIES, RATES, QUESTIONS * 5, degraded=cache.get, seed=11, stall_s=1.5, bound_s=60))
    _part("retry_storm", lambda: experiments.retry_storm(url, STORM_POLICIES, clients=4, duration_s=4.0,
                                                         outage_after=8, outage_s=2.0))
    _part("load_curve", lambda: {"async": load.curve((1, 2, 4, 8), requests_per_level=24, max_tokens=16, bound_s=60),
                                 "sync": load.sync_sequential(24, max_tokens=16)})
    _part("embedding_batches", lambda: load.embedding_batches(
        [f"question {i}: how do I {w} a list in Python?" for i, w in enumerate(["sort", "copy", "reverse", "filter"] * 128)],
        batch_sizes=(1, 4, 16, 64, 256)))
    _part("tier_costs", tier_costs, tier="tiny and small")
    _part("small_fallback", lambda: small_fallback(url), tier="small (primary), tiny (fallback)")
    server.stop_server("small")            # this state dir's own small server, ~2.8 GB
    print("[11] done", file=sys.stderr)


PROMPT = ("Answer from the context in one sentence.\nContext: list.sort() sorts a list in place and returns None; "
          "sorted() returns a new sorted list from any iterable and leaves the original unchanged. Both accept "
          "key= and reverse=.\nQuestion: {q}")
COST_QUESTIONS = ["How do I sort a list without changing it?", "What does list.sort() return?",
                  "How do I sort in reverse order?", "Can sorted() take a tuple?", "What does key= do?"]


def tier_costs(requests: int = 10) -> dict:
    """The same RAG-shaped requests on each tier, from the usage ledger: tokens and seconds per request."""
    from aisd.runtime import llm, usage
    out = {}
    for tier in ("tiny", "small"):
        client, model = llm.client(tier=tier, timeout=300), llm.model_name(tier=tier)
        client.chat.completions.create(model=model, max_tokens=1, messages=[{"role": "user", "content": "Hi"}])
        usage.reset()
        for i in range(requests):
            client.chat.completions.create(model=model, max_tokens=32, temperature=0, messages=[
                {"role": "user", "content": PROMPT.format(q=COST_QUESTIONS[i % len(COST_QUESTIONS)])}])
        out[tier] = {"model": model, **usage.totals(),
                     "gpt-4o-mini_usd": usage.cost_on("gpt-4o-mini"), "gpt-4o_usd": usage.cost_on("gpt-4o")}
    return out


def small_fallback(url_tiny: str, rate: float = 0.3) -> dict:
    """The small tier behind the fault proxy, the tiny tier as its fallback: who answered, how fast."""
    from aisd.runtime import llm
    from aisd.resilience.patterns import Resilient, llm_answerer
    from aisd.resilience.proxy import FaultProxy
    small_url = server.ensure_server("small")["base_url"]
    fallback = llm_answerer(llm.client(tier="tiny"), llm.model_name(tier="tiny"), 8)
    rows = {}
    for policy in (Policy("no pattern", timeout_s=30), Policy("retries + fallback", timeout_s=10, retries=2,
                                                               backoff_s=0.05, fallback=True)):
        with FaultProxy.for_url(small_url, experiments.faults_at(rate, seed=5, stall_s=3.0), lifetime_s=900) as p:
            client = llm.client(tier="small", base_url=p.base_url, timeout=policy.timeout_s)
            primary = llm_answerer(client, llm.model_name(tier="small"), 8, policy.timeout_s)
            outcomes = Resilient(policy, primary, fallback).run(QUESTIONS * 2, deadline_s=600)
        rows[policy.name] = {"fault_rate": rate, **experiments.summarise(outcomes)}
    return rows


if __name__ == "__main__":
    main()
