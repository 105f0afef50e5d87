"""A response cache on a realistic repeat model: questions drawn from a Zipf law, an LRU cache of answers.

>>> stream = zipf_stream(distinct=1000, n=5000, s=1.1, seed=0)
>>> 0.3 < lru_hit_rate(stream, capacity=100) < lru_hit_rate(stream, capacity=500) < 1
True
"""
from __future__ import annotations

from collections import OrderedDict

import numpy as np


def zipf_stream(distinct: int, n: int, s: float = 1.1, seed: int = 0) -> list[int]:
    """``n`` question ids out of ``distinct``; the k-th most asked question has weight 1 / k**s."""
    weights = 1.0 / np.arange(1, distinct + 1) ** s
    return np.random.default_rng(seed).choice(distinct, size=n, p=weights / weights.sum()).tolist()


def lru_hit_rate(stream: list[int], capacity: int) -> float:
    """The share of requests answered from an LRU cache of ``capacity`` answers (cold at the start)."""
    cache, hits = OrderedDict(), 0
    for q in stream:
        if q in cache:
            hits += 1
            cache.move_to_end(q)
        else:
            cache[q] = True
            if len(cache) > capacity:
                cache.popitem(last=False)
    return hits / max(len(stream), 1)
