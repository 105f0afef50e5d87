"""The multimodal-search prompt as data: the requirements notebook 08 is held to, and its design.

Every later estimate reads the numbers from :data:`REQUIREMENTS` (one
:class:`aisd.toolkit.requirements.Requirements`), and :data:`DESIGN` is drawn by :func:`aisd.toolkit.design.render`.

>>> REQUIREMENTS.images, REQUIREMENTS.k
(10000000, 10)
>>> round(REQUIREMENTS.dedup_comparisons_per_day)        # each upload against its nearest neighbours
2000000
>>> from aisd.toolkit.design import review
>>> review(DESIGN)
[]
"""
from __future__ import annotations

from aisd.toolkit.design import Design
from aisd.toolkit.requirements import Requirements

REQUIREMENTS = Requirements(
    prompt="Our marketplace has millions of product photos. Design search across images and text, 'more like this' "
           "on a photo, and stop the same photo being uploaded again and again.",
    functional=["text -> image search", "image -> image search ('more like this')", "metadata filters (colour, category)",
                "near-duplicate uploads merged"],
    images=(10_000_000, "images"),
    uploads_per_day=(200_000, "images/day"),
    peak_searches_per_s=(300, "searches/s"),
    search_p95_ms=(150, "ms (p95)", "the whole search, network included"),
    index_budget_ms=(20, "ms (p95)", "the vector index's share of the search"),
    max_false_merge_rate=(0.02, "false merges / merges", "a wrong merge hides a different seller's product"),
    dedup_neighbours=(10, "neighbours per upload", "an upload is compared with its nearest images in the index"),
    k=(10, "results", "recall@k is judged on the first page"),
    derived={"dedup_comparisons_per_day": (lambda r: r.uploads_per_day * r.dedup_neighbours, "pairs/day")},
)

DESIGN = Design(
    nodes={"seller": ("client", "seller app: upload"), "shopper": ("client", "shopper app: query"),
           "ingest": ("service", "ingest worker"), "cnn": ("model", "image encoder: EfficientNet + head"),
           "dedup": ("service", "near-duplicate check: phash + embedding"), "meta": ("storage", "catalogue db: titles, attributes"),
           "ann": ("vector_store", "vector index: FAISS IVF-PQ"), "api": ("service", "search api: fuse + filter"),
           "txt": ("model", "text encoder: MiniLM + head"), "train": ("service", "training job: InfoNCE on captions"),
           "eval": ("evaluation", "held-out queries: recall@k"), "mon": ("monitoring", "metrics: latency p95, merges, clicks")},
    edges=[("seller", "ingest", "photo + title"), ("ingest", "cnn"), ("cnn", "dedup", "vector"), ("dedup", "ann", "new item"),
           ("ingest", "meta"), ("shopper", "api", "text or photo"), ("api", "txt"), ("txt", "ann", "query vector"),
           ("ann", "api", "top k"), ("meta", "api", "filter, title"), ("api", "shopper", "results"),
           ("train", "cnn", "image head"), ("train", "txt", "text head"), ("ann", "eval", "held-out rankings"),
           ("eval", "train"), ("api", "mon")])
