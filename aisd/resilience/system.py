"""Notebook 11's requirements and design: the support assistant of notebooks 01 and 02 on a bad day for its
provider, and the patterns on its request path.

>>> REQUIREMENTS.availability_target, REQUIREMENTS["p99_budget_s"].unit
(0.995, 's (p99, failed requests count as infinitely slow)')
>>> sorted(n.kind for n in as_design(DESIGN).nodes.values())[:3]
['cache', 'client', 'human']
"""
from __future__ import annotations

from aisd.toolkit.design import Design, as_design
from aisd.toolkit.requirements import Requirements

REQUIREMENTS = Requirements(
    prompt="Keep the support assistant answering when its LLM provider has a bad day, and at 10x the load.",
    functional=["answer from the docs through the LLM when it is healthy",
                "degrade to a cached or extractive answer, then to a person, when it is not"],
    peak_qps=(6.0, "requests/s", "notebook 01's estimate for the support assistant"),
    p99_budget_s=(1.0, "s (p99, failed requests count as infinitely slow)", "a short answer a user waits for"),
    availability_target=(0.995, "share of requests answered by anything but a person"),
    provider_fault_rate=(0.2, "share of calls failing", "the provider's bad day: 1 call in 5 errors, resets or stalls"),
    p95_budget_s=(0.5, "s (p95) per request", "for capacity planning"),
)

DESIGN = Design(
    nodes={"user": ("client", "support user (chat widget)"), "api": ("service", "support API"),
           "cache": ("cache", "response cache (exact and semantic)"),
           "retry": ("service", "retry with backoff + circuit breaker"),
           "proxy": ("service", "fault proxy (the provider's bad day)"),
           "small": ("llm", "primary LLM (small tier)"), "tiny": ("llm", "fallback LLM (tiny tier)"),
           "extract": ("service", "extractive answer from the retrieved docs"),
           "person": ("human", "human escalation queue (support agent)"),
           "metrics": ("monitoring", "metrics: availability, p99 latency, cost per 1,000 requests")},
    edges=[("user", "api", "question"), ("api", "cache", "lookup"), ("api", "retry", "miss"),
           ("retry", "proxy"), ("proxy", "small"), ("retry", "tiny", "fallback"),
           ("api", "extract", "generation down"), ("api", "person", "nothing else answers"),
           ("api", "user", "answer"), ("api", "metrics")],
)
