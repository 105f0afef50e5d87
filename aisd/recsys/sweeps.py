"""How deep stage one should go: the two-stage recommender scored at several candidate depths.

A deeper pool holds more of the held-out items (candidate recall rises), but every extra candidate is
one more row of features and one more ranker evaluation per request; and whether the ranker turns the
extra candidates into better top-10 lists is an empirical question. :func:`depth_sweep` measures, per
depth, the candidate recall, recall@k and NDCG@k of the final lists, and the latency of one request.

>>> pool_sizes(100)
{'ann': 100, 'pop': 50, 'content': 50}
"""
from __future__ import annotations

from typing import Iterable, Mapping, Sequence

import numpy as np

from aisd.recsys import candidates as cand
from aisd.recsys.features import StageOne, pair_features
from aisd.recsys.metrics import per_user_scores
from aisd.recsys.pipeline import candidate_pool, latency_per_request
from aisd.recsys.ranker import rank_lists, score_pairs


def pool_sizes(depth: int) -> dict[str, int]:
    """Candidates per source for a depth: ``depth`` from the ANN index, half as many popular and
    content candidates (the proportions of :data:`aisd.recsys.pipeline.POOL`).

    >>> pool_sizes(10)
    {'ann': 10, 'pop': 5, 'content': 5}
    """
    return {"ann": int(depth), "pop": int(depth) // 2, "content": int(depth) // 2}


def recommend(state: StageOne, ranker, users: Sequence[int], depth: int, k: int = 10) -> dict[int, list[int]]:
    """Top-``k`` lists of ``users`` from a pool of :func:`pool_sizes` ``(depth)`` ranked by ``ranker``."""
    pairs = candidate_pool(state, users, pool_sizes(depth))
    return rank_lists(pairs, score_pairs(ranker, pair_features(state, pairs)), k)


def depth_sweep(state: StageOne, ranker, truth: Mapping[int, Iterable[int]], depths: Sequence[int], k: int = 10,
                latency_users: int = 30, seed: int = 0) -> tuple[list[dict], dict[int, dict[str, np.ndarray]]]:
    """One row per depth (``depth``, ``pool_size`` per user, ``candidate_recall``, ``recall@k``,
    ``ndcg@k``, ``p50_ms``, ``p95_ms``) over the users of ``truth``, and the per-user scores of each
    depth (for bootstrap intervals).

    >>> rows, per_user = depth_sweep(state, ranker, truth, depths=(25, 50))   # doctest: +SKIP
    >>> [r["depth"] for r in rows]                                             # doctest: +SKIP
    [25, 50]
    """
    users = np.array(sorted(truth))
    sample = users[np.random.default_rng(seed).permutation(len(users))[:latency_users]]
    rows, per_user = [], {}
    for depth in depths:
        pairs = candidate_pool(state, users, pool_sizes(depth))
        lists = rank_lists(pairs, score_pairs(ranker, pair_features(state, pairs)), k)
        scores = per_user_scores(lists, truth, k)
        latency = latency_per_request(lambda u: recommend(state, ranker, [u], depth, k), sample)
        rows.append({"depth": int(depth), "pool_size": len(pairs) / len(users),
                     "candidate_recall": cand.candidate_recall(pairs, truth),
                     f"recall@{k}": float(scores[f"recall@{k}"].mean()), f"ndcg@{k}": float(scores[f"ndcg@{k}"].mean()),
                     **latency})
        per_user[int(depth)] = scores
    return rows, per_user


def stage_latency(state: StageOne, ranker, users: Sequence[int], depth: int, k: int = 10) -> dict[str, dict[str, float]]:
    """p50/p95 milliseconds of each serving step for one user at a time: stage one (the candidate
    pool), the features, the ranker, and the whole request.

    >>> table = stage_latency(state, ranker, users=[0, 1, 2], depth=50)            # doctest: +SKIP
    >>> list(table)                                                                 # doctest: +SKIP
    ['candidates', 'features', 'ranking', 'whole request']
    """
    pools = {int(u): candidate_pool(state, [u], pool_sizes(depth)) for u in users}
    feats = {u: pair_features(state, p) for u, p in pools.items()}
    return {"candidates": latency_per_request(lambda u: candidate_pool(state, [u], pool_sizes(depth)), users),
            "features": latency_per_request(lambda u: pair_features(state, pools[int(u)]), users),
            "ranking": latency_per_request(lambda u: rank_lists(pools[int(u)], score_pairs(ranker, feats[int(u)]), k),
                                           users),
            "whole request": latency_per_request(lambda u: recommend(state, ranker, [u], depth, k), users)}
