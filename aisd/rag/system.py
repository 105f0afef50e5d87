"""Notebook 02's system as data: the requirements (the ones notebook 01 estimated) and the design drawn from them.

>>> REQUIREMENTS.wrong_answer_cost_usd > REQUIREMENTS.escalation_cost_usd
True
>>> from aisd.toolkit.design import review
>>> review(DESIGN)
[]
"""
from __future__ import annotations

from aisd.toolkit.design import Design
from aisd.toolkit.requirements import CUSTOMER_SUPPORT

#: The customer-support prompt: the same object notebook 01 estimates, so the numbers agree.
REQUIREMENTS = CUSTOMER_SUPPORT

#: The RAG support design: offline ingestion, online serving with a cache, a gate and a check, and the
#: evaluation loop (draw it with :func:`aisd.toolkit.design.render`).
DESIGN = Design(
    nodes={"customer": ("client", "customer question"),
           "docs": ("storage", "product docs (versioned)"),
           "ingest": ("service", "ingest: chunk at structure, content-hash cache"),
           "embedder": ("model", "embedder (MiniLM)"),
           "index": ("vector_store", "vector index (FAISS) + BM25 index"),
           "api": ("service", "support API"),
           "cache": ("cache", "semantic cache (threshold under a wrong-hit budget, TTL + invalidation)"),
           "retrieve": ("service", "hybrid retrieval (RRF), re-rank within the latency budget"),
           "gate": ("service", "abstention gate: threshold by expected cost"),
           "llm": ("llm", "LLM: answer citing [passage ids]"),
           "check": ("service", "groundedness check: citations, unsupported claims"),
           "human": ("human", "support agent (escalations)"),
           "monitor": ("monitoring", "metrics: p95 per stage, escalation rate, unsupported claims, cost"),
           "evals": ("evaluation", "labelled questions (tuning / held-out) + agent feedback")},
    edges=[("docs", "ingest", "changed pages"), ("ingest", "embedder", "chunks"), ("embedder", "index", "vectors"),
           ("ingest", "index", "chunk text"), ("ingest", "cache", "invalidate changed sources"),
           ("customer", "api", "question"), ("api", "cache", "lookup"), ("cache", "api", "hit"),
           ("api", "retrieve", "miss"), ("retrieve", "index", "search"), ("index", "retrieve", "passages"),
           ("retrieve", "gate", "top passages + score"), ("gate", "human", "low score: escalate"),
           ("gate", "llm", "confident"), ("llm", "check", "answer"), ("check", "human", "fails the check"),
           ("check", "api", "cited answer"), ("api", "customer", "answer"),
           ("api", "monitor", "latency, cost"), ("check", "monitor", "check failures"),
           ("human", "evals", "corrections"), ("evals", "retrieve", "tuning choices")],
)
