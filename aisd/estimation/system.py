"""Notebook 01's system as data: the customer-support requirements (shared with notebook 02) and the design the
notebook completes from its first draft.

>>> REQUIREMENTS.requests_per_day, REQUIREMENTS.peak_factor
(50000, 5)
>>> from aisd.toolkit.design import review
>>> [p.piece for p in review(DRAFT)], review(DESIGN)
(['monitoring', 'evaluation'], [])
"""
from __future__ import annotations

from aisd.toolkit.design import Design, complete_design
from aisd.toolkit.requirements import CUSTOMER_SUPPORT

#: The prompt's requirements: one object for notebooks 01 and 02, so their numbers agree.
REQUIREMENTS = CUSTOMER_SUPPORT

#: The first sketch of the support assistant, before the review (what notebook 01 starts from).
DRAFT = Design(
    nodes={"customer": ("client", "customer (chat widget)"), "api": ("service", "support API"),
           "embedder": ("model", "embedder (MiniLM)"), "index": ("vector_store", "vector index (FAISS)"),
           "llm": ("llm", "LLM"), "docs": ("storage", "product docs"),
           "ingest": ("service", "ingestion: chunk + embed (weekly)")},
    edges=[("customer", "api", "question"), ("api", "embedder", "question"), ("embedder", "index", "query vector"),
           ("index", "api", "top-k chunks"), ("api", "llm", "prompt + chunks"), ("llm", "api", "answer"),
           ("api", "customer", "answer + citations"), ("docs", "ingest"), ("ingest", "embedder", "chunks"),
           ("embedder", "index", "chunk vectors")],
)

#: The draft completed with monitoring, logs and the evaluation loop (what the review asks for).
DESIGN = complete_design(DRAFT)
