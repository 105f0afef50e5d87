"""Offline metrics for top-k recommendations: accuracy (recall@k, NDCG@k, MAP@k) and what accuracy
hides (catalogue coverage, novelty, popularity bias, concentration of exposure).

A recommendation list is a ranked sequence of item ids; the truth for a user is the set of items
held out for them. recall@k and NDCG@k are the course's ranking metrics of :mod:`aisd.toolkit.metrics` with
binary relevance (the tests compare NDCG with scikit-learn's ``ndcg_score``); MAP@k divides by
``min(k, number relevant)``, so a perfect list scores 1 even when more than k items are relevant.

>>> recs = {0: [5, 1, 7], 1: [5, 2, 3]}
>>> truth = {0: {1, 9}, 1: {3}}
>>> evaluate_lists(recs, truth, k=3, popularity=[0, 8, 2, 1, 0, 10, 0, 3, 0, 1])["recall@3"]
0.75
"""
from __future__ import annotations

import math
from typing import Hashable, Iterable, Mapping, Sequence

import numpy as np

from aisd.toolkit import metrics as ranking
from aisd.core.errors import AisdError


def recall_at_k(recommended: Sequence[Hashable], relevant: Iterable[Hashable], k: int) -> float:
    """Share of the held-out items found in the first ``k`` recommendations.

    >>> recall_at_k([4, 2, 8], {2, 3}, k=2)
    0.5
    """
    return ranking.recall_at_k(list(recommended), set(relevant), k)


def ndcg_at_k(recommended: Sequence[Hashable], relevant: Iterable[Hashable], k: int) -> float:
    """NDCG@k with gain 1 for a held-out item, 0 otherwise (log2 discount, ideal = all hits first).

    >>> round(ndcg_at_k([4, 2, 8], {2}, k=3), 4)     # one hit at rank 2: 1 / log2(3)
    0.6309
    """
    return ranking.ndcg_at_k(list(recommended), {i: 1 for i in relevant}, k)


def average_precision_at_k(recommended: Sequence[Hashable], relevant: Iterable[Hashable], k: int) -> float:
    """AP@k: the mean of precision@i over the ranks i <= k that hold a held-out item, divided by
    ``min(k, |relevant|)`` (0 when nothing is relevant). MAP@k is its mean over users.

    >>> average_precision_at_k([1, 9, 2], {1, 2}, k=3)      # (1/1 + 2/3) / 2
    0.8333333333333333
    """
    relevant = set(relevant)
    if k < 1:
        raise AisdError(f"k must be at least 1; got {k}")
    if not relevant:
        return 0.0
    hits, total = 0, 0.0
    seen = set()
    for rank, item in enumerate(list(recommended)[:k], start=1):
        if item in relevant and item not in seen:
            hits += 1
            total += hits / rank
        seen.add(item)
    return total / min(k, len(relevant))


def catalogue_coverage(lists: Iterable[Sequence[Hashable]], n_items: int, k: int | None = None) -> float:
    """Share of the catalogue that appears in at least one user's first ``k`` recommendations.

    >>> catalogue_coverage([[0, 1], [1, 2]], n_items=10)
    0.3
    """
    if n_items < 1:
        raise AisdError(f"the catalogue needs at least one item; got n_items={n_items}")
    shown = set()
    for items in lists:
        shown.update(list(items)[:k] if k else items)
    return len(shown) / n_items


def novelty(lists: Iterable[Sequence[int]], popularity: Sequence[float], n_users: int,
            k: int | None = None) -> float:
    """Mean self-information ``-log2(share of users who interacted with the item)`` of the recommended
    items: higher means less obvious picks. Items nobody interacted with count as one user.

    >>> novelty([[0], [1]], popularity=[50, 25], n_users=100)      # (1 + 2) / 2 bits
    1.5
    """
    pop = np.asarray(popularity, dtype=float)
    bits = [-math.log2(max(pop[i], 1.0) / n_users) for items in lists for i in (list(items)[:k] if k else items)]
    return float(np.mean(bits)) if bits else 0.0


def popularity_bias(lists: Iterable[Sequence[int]], popularity: Sequence[float], k: int | None = None) -> float:
    """Average recommendation popularity (ARP): the mean training interaction count of the
    recommended items. Compare it with the catalogue's mean to see how much a model leans on hits.

    >>> popularity_bias([[0, 1], [0]], popularity=[30, 0])
    20.0
    """
    pop = np.asarray(popularity, dtype=float)
    shown = [pop[i] for items in lists for i in (list(items)[:k] if k else items)]
    return float(np.mean(shown)) if shown else 0.0


def gini(counts: Sequence[float]) -> float:
    """Gini index of how exposure (or interactions) spread over items: 0 = every item equally,
    close to 1 = all on one item.

    >>> gini([5, 5, 5, 5]), gini([0, 0, 0, 8])
    (0.0, 0.75)
    """
    x = np.sort(np.asarray(counts, dtype=float))
    if (x < 0).any():
        raise AisdError("the Gini index needs counts >= 0")
    if len(x) == 0 or x.sum() == 0:
        return 0.0
    n = len(x)
    ranks = np.arange(1, n + 1)
    return float(((2 * ranks - n - 1) * x).sum() / (n * x.sum()))


def per_user_scores(recommended: Mapping[int, Sequence[int]], truth: Mapping[int, Iterable[int]],
                    k: int) -> dict[str, np.ndarray]:
    """recall@k, NDCG@k and AP@k of every user of ``truth`` (in its order), for confidence intervals:
    e.g. ``aisd.toolkit.stats.bootstrap(np.mean, scores["recall@10"])``, or the paired
    difference of two approaches on the same users (``aisd.toolkit.stats.paired_difference``).

    >>> per_user_scores({0: [1], 1: [2]}, {0: {1}, 1: {3}}, k=1)["recall@1"].tolist()
    [1.0, 0.0]
    """
    rows = []
    for user, relevant in truth.items():
        got = list(recommended.get(user, []))[:k]
        rows.append((recall_at_k(got, relevant, k), ndcg_at_k(got, relevant, k),
                     average_precision_at_k(got, relevant, k)))
    arr = np.array(rows, dtype=float).reshape(-1, 3)
    return {f"recall@{k}": arr[:, 0], f"ndcg@{k}": arr[:, 1], f"map@{k}": arr[:, 2]}


def evaluate_lists(recommended: Mapping[int, Sequence[int]], truth: Mapping[int, Iterable[int]], k: int,
                   popularity: Sequence[float], n_users: int | None = None) -> dict[str, float]:
    """Every metric for one approach: mean recall@k, NDCG@k and MAP@k over the users of ``truth``
    (a user with no list scores 0), catalogue coverage, novelty and ARP of the first ``k`` items.

    >>> out = evaluate_lists({0: [1, 2]}, {0: {2}}, k=2, popularity=[3, 2, 1])
    >>> out["recall@2"], round(out["ndcg@2"], 4), out["map@2"], round(out["coverage@2"], 4)
    (1.0, 0.6309, 0.5, 0.6667)
    """
    if not truth:
        raise AisdError("no held-out users to evaluate: the truth is empty")
    n_items = len(popularity)
    n_users = n_users or max(len(truth), 1)
    scores = {name: float(values.mean()) for name, values in per_user_scores(recommended, truth, k).items()}
    lists = [list(recommended.get(u, []))[:k] for u in truth]
    return {**scores, f"coverage@{k}": catalogue_coverage(lists, n_items),
            "novelty": novelty(lists, popularity, n_users), "arp": popularity_bias(lists, popularity)}
