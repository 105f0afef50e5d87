"""The recommendation prompt as data: the requirements notebook 09 is held to, and its design.

The numbers are the ones an interviewer would give for a streaming service's home page ("Because you
watched..."): 10 million daily users, a list on every visit, a latency budget for the whole request,
new titles every day. Every later estimate reads them from :data:`REQUIREMENTS` (one
:class:`aisd.toolkit.requirements.Requirements`, so the numbers agree), and :data:`DESIGN` is drawn as a
Mermaid diagram by :func:`aisd.toolkit.design.render`.

>>> round(REQUIREMENTS.peak_qps)
1042
>>> REQUIREMENTS.replace(daily_active_users=100_000_000).peak_qps > 10_000     # ten times the traffic
True
>>> from aisd.toolkit.design import review
>>> review(DESIGN)
[]
"""
from __future__ import annotations

from aisd.toolkit.design import Design
from aisd.toolkit.requirements import Requirements

REQUIREMENTS = Requirements(
    prompt="Design the recommendations for a streaming service's home page: each viewer gets a personalised "
           "row of titles.",
    functional=["a personalised row of titles on every home-page load", "new titles recommendable on day one",
                "new viewers served from their first visit", "a change confirmed by an A/B test before launch"],
    daily_active_users=(10_000_000, "users/day"),
    lists_per_user=(3.0, "lists/user/day", "home-page loads that need a list"),
    peak_factor=(3.0, "x the daily mean", "the evening peak"),
    catalogue_items=(20_000, "titles", "MovieLens 100k has 1,682"),
    new_items_per_day=(50, "titles/day", "no interactions on day one"),
    new_users_per_day=(30_000, "users/day", "sign-ups: no history on day one"),
    list_length=(10, "titles per list", "k of recall@k"),
    page_budget_ms=(200.0, "ms (p95)", "the whole request, network included"),
    serving_budget_ms=(50.0, "ms (p95, one core)", "candidates + features + ranking"),
    max_staleness_hours=(24.0, "hours", "how old the models and the candidate cache may be"),
    baseline_ctr=(0.05, "clicked lists / lists", "today's click-through per list"),
    ab_traffic_share=(0.10, "of users", "the share of users an A/B test may take"),
    ab_max_days=(14, "days", "how long the business will wait for an answer"),
    discovery_goal=(0.25, "of the catalogue", "titles with at least one click within 15 simulated rounds of ~470 users"),
    derived={"peak_qps": (lambda r: r.daily_active_users * r.lists_per_user / 86_400 * r.peak_factor,
                          "lists/s at peak")},
)

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
        "log": ("storage", "interaction log: impressions, slots, propensities and clicks"),
        "train": ("service", "nightly training job: ALS, item-kNN, ranker"),
        "eval": ("evaluation", "offline eval on a time split, off-policy estimate + A/B test"),
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
