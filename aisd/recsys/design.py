"""The recommendation prompt as data: the requirements the notebook is held to, and its design.

The numbers are the ones an interviewer would give for a streaming service's home page ("Because you
watched..."): 10 million daily users, a list on every visit, a latency budget for the whole request,
new titles every day. Every later estimate reads them from :data:`REQUIREMENTS` (one object, so the
numbers agree), and :data:`DESIGN` is drawn as a Mermaid diagram by :func:`aisd.toolkit.design.render`.

>>> REQUIREMENTS.peak_qps() > 1000
True
>>> from aisd.toolkit.design import review
>>> review(DESIGN)
[]
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

from aisd.toolkit.design import Design


@dataclass(frozen=True)
class Requirements:
    """What the interviewer answered (units in the field comments)."""
    daily_active_users: int = 10_000_000      # users/day
    lists_per_user: float = 3.0               # home-page loads that need a list, per user per day
    peak_factor: float = 3.0                  # the evening peak, x the daily mean
    catalogue_items: int = 20_000             # titles (MovieLens 100k has 1,682)
    new_items_per_day: int = 50               # titles added daily: no interactions on day one
    new_users_per_day: int = 30_000           # sign-ups: no history on day one
    list_length: int = 10                     # items shown per list (k of recall@k)
    page_budget_ms: float = 200.0             # p95 for the whole request, network included
    serving_budget_ms: float = 50.0           # p95 on one core for candidates + features + ranking
    max_staleness_hours: float = 24.0         # how old the models and the candidate cache may be
    baseline_ctr: float = 0.05                # share of lists that get a click today
    ab_traffic_share: float = 0.10            # share of daily users an A/B test may take
    ab_max_days: int = 14                     # how long the business will wait for an answer

    def peak_qps(self) -> float:
        """Lists per second at the evening peak.

        >>> round(Requirements(daily_active_users=86_400, lists_per_user=1, peak_factor=2).peak_qps())
        2
        """
        return self.daily_active_users * self.lists_per_user / 86_400 * self.peak_factor

    def table(self) -> pd.DataFrame:
        """The requirements as a two-column table.

        >>> Requirements().table().loc["list_length", "value"]
        10
        """
        return pd.DataFrame({"value": pd.Series(asdict(self), dtype=object)})


REQUIREMENTS = Requirements()

DESIGN = Design(
    nodes={
        "viewer": ("client", "viewer app"),
        "api": ("service", "recommendation API"),
        "cache": ("cache", "candidate cache per user (Redis)"),
        "ann": ("vector_store", "ANN index: FAISS HNSW over ALS item vectors"),
        "content": ("vector_store", "content index: MiniLM embeddings of title + genres"),
        "features": ("storage", "feature store: user history, item popularity, recency"),
        "ranker": ("model", "ranker: gradient-boosted trees"),
        "rerank": ("service", "re-rank: diversity, business rules, exploration"),
        "log": ("storage", "interaction log: impressions and clicks"),
        "train": ("service", "nightly training job: ALS, item-kNN, ranker"),
        "eval": ("evaluation", "offline eval on a time split + A/B test"),
        "monitor": ("monitoring", "metrics: p95 latency, CTR, coverage, popularity Gini"),
    },
    edges=[
        ("viewer", "api", "user id"), ("api", "cache", "candidates?"), ("cache", "api"),
        ("api", "ann", "user vector"), ("ann", "api", "candidates"), ("api", "content", "profile"),
        ("content", "api", "new items"), ("api", "features", "user + items"), ("features", "ranker"),
        ("api", "ranker", "candidates"), ("ranker", "rerank", "scores"), ("rerank", "viewer", "top 10"),
        ("viewer", "log", "clicks"), ("rerank", "log", "impressions"), ("log", "train"),
        ("train", "ann", "item vectors"), ("train", "ranker", "new model"), ("train", "features"),
        ("log", "eval", "held-out window"), ("eval", "train", "choose models, depth"),
        ("api", "monitor", "latency"), ("log", "monitor", "CTR, exposure"),
    ],
)
