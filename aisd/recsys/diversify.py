"""Diversity re-ranking: maximal marginal relevance (MMR, Carbonell & Goldstein, 1998).

A top-10 of ten near-identical items (five Star Trek films) wastes nine slots. MMR builds the list one
item at a time, each time taking the candidate with the best trade-off between its own score and its
similarity to what is already in the list:

    next = argmax over candidates c of   lambda * score(c)  -  (1 - lambda) * max_{s in list} sim(c, s)

``lambda = 1`` keeps the ranker's order; lower values trade relevance for variety. Scores are
min-max scaled per user first, so lambda means the same for every user. :func:`intra_list_similarity`
measures the result (mean pairwise similarity within a list: lower is more diverse).

>>> vectors = np.array([[1.0, 0.0], [0.99, 0.14], [0.0, 1.0]])
>>> mmr([0, 1, 2], [0.9, 0.8, 0.5], vectors, k=2, weight=1.0)       # relevance only
[0, 1]
>>> mmr([0, 1, 2], [0.9, 0.8, 0.5], vectors, k=2, weight=0.5)       # item 1 is a near-copy of item 0
[0, 2]
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from aisd.core.errors import AisdError


def mmr(items: Sequence[int], scores: Sequence[float], item_vectors: np.ndarray, k: int,
        weight: float = 0.7) -> list[int]:
    """The ``k`` items of ``items`` chosen greedily by maximal marginal relevance, ``weight`` being
    lambda (1 = relevance only); similarity is the dot product of the rows of ``item_vectors``
    (cosine for unit vectors).
    """
    items = np.asarray(items, dtype=int)
    s = np.asarray(scores, dtype=float)
    if len(items) != len(s):
        raise AisdError(f"{len(items)} items but {len(s)} scores")
    if not 0 <= weight <= 1:
        raise AisdError(f"weight (lambda) must be between 0 and 1; got {weight}")
    if k < 1:
        raise AisdError(f"k must be at least 1; got {k}")
    spread = s.max() - s.min() if len(s) else 0.0
    relevance = (s - s.min()) / spread if spread > 0 else np.ones_like(s)
    vectors = np.asarray(item_vectors, dtype=float)[items]
    similarity = vectors @ vectors.T
    chosen: list[int] = []
    closest = np.full(len(items), -np.inf)              # max similarity to the chosen ones so far
    available = np.ones(len(items), dtype=bool)
    for _ in range(min(k, len(items))):
        penalty = np.where(np.isfinite(closest), closest, 0.0)
        value = np.where(available, weight * relevance - (1 - weight) * penalty, -np.inf)
        best = int(np.argmax(value))                      # ties: the earlier (higher-ranked) candidate
        chosen.append(best)
        available[best] = False
        closest = np.maximum(closest, similarity[best])
    return items[chosen].tolist()


def intra_list_similarity(lists: Sequence[Sequence[int]], item_vectors: np.ndarray) -> float:
    """Mean similarity over the pairs of items within each list, averaged over lists of two or more.

    >>> intra_list_similarity([[0, 1], [0, 2]], np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]]))
    0.5
    """
    values = []
    vectors = np.asarray(item_vectors, dtype=float)
    for items in lists:
        items = list(items)
        if len(items) < 2:
            continue
        v = vectors[items]
        sim = v @ v.T
        n = len(items)
        values.append((sim.sum() - np.trace(sim)) / (n * (n - 1)))
    return float(np.mean(values)) if values else 0.0
