"""The held-out comparison: every approach fitted on ``train + tuning``, scored on each user's ``heldout``
interactions, with its fit time and its latency when it answers one user at a time.

Approaches: most popular, item-kNN, ALS (exact scoring of every item), ALS served from a FAISS HNSW
index (approximate nearest items), and the two-stage recommender (ANN + popular + content
candidates ranked by gradient-boosted trees trained on the earlier window). Latency is measured per
request on already-fitted models, the way a serving system answers: one user, one top-k list.
The baselines reuse the models of the two-stage system's stage one (fitted on ``train + tuning`` with the
same settings), so each model is fitted once; their ``fit_s`` is the time that fit took.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from aisd.toolkit.retrieval.dense import DenseIndex
from aisd.recsys import candidates as cand
from aisd.recsys.baselines import item_knn_scores, most_popular, top_k
from aisd.recsys.data import MovieLens, Split
from aisd.recsys.features import pair_features
from aisd.recsys.metrics import evaluate_lists, per_user_scores
from aisd.recsys.pipeline import TwoStageResult, candidate_pool, latency_per_request, run_two_stage
from aisd.recsys.ranker import rank_lists, score_pairs
from aisd.recsys.threads import one_thread


def _timed(fn: Callable, *args, **kwargs):
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - start


@dataclass
class HeldOut:
    """What :func:`heldout_table` measured."""
    table: pd.DataFrame                                  # one row per approach
    per_user: dict[str, dict[str, np.ndarray]]          # approach -> metric -> one value per scored user
    recommendations: dict[str, dict[int, list[int]]]     # approach -> user -> top-k items
    candidate_recall: dict[str, float]                   # of the two-stage pool, on tuning and heldout
    two_stage_seconds: dict[str, float]                  # per step of the two-stage fit
    two_stage: TwoStageResult | None = None              # its ranker and fitted stage one (for sweeps)


def heldout_table(ml: MovieLens, split: Split, embeddings: np.ndarray, k: int = 10, latency_users: int = 100,
                   seed: int = 0) -> HeldOut:
    """One row per approach: recall@k, NDCG@k, MAP@k, coverage, novelty, ARP (on the heldout window), fit
    seconds, and p50/p95 milliseconds per request over ``latency_users`` users; with each approach's
    per-user scores (for bootstrap intervals and paired comparisons) and top-k lists.

    >>> ml = load_movielens()                                                              # doctest: +SKIP
    >>> out = heldout_table(ml, split_by_time(ml.ratings), item_embeddings(ml))           # doctest: +SKIP
    >>> out.table.loc["ALS", "recall@10"].round(3)                                         # doctest: +SKIP
    0.125
    """
    result, two_stage_s = _timed(run_two_stage, ml, split, embeddings, k=k, seed=seed)
    state, ranker = result.state, result.ranker          # stage one refitted on train + tuning
    history, popularity = state.history, state.popularity
    truth = {int(u): set(g.tolist()) for u, g in split.heldout.groupby("user")["item"]}
    users = np.array(sorted(truth))
    sample = users[np.random.default_rng(seed).permutation(len(users))[:latency_users]]
    rows, per_user, lists_of = {}, {}, {}

    def record(name: str, lists: dict[int, list[int]], fit_s: float, serve: Callable[[int], object]) -> None:
        rows[name] = {**evaluate_lists(lists, truth, k, popularity, ml.n_users), "fit_s": fit_s,
                      **latency_per_request(serve, sample)}
        per_user[name] = per_user_scores(lists, truth, k)
        lists_of[name] = lists

    ranked = most_popular(history, users, k)
    record("most popular", dict(zip(users.tolist(), ranked.tolist())), 0.0,
           lambda u: top_k(popularity[None, :], history[[u]], k))

    similarity = state.similarity                        # the same fit as item_similarity(history)
    ranked = top_k(item_knn_scores(history[users], similarity), history[users], k)
    record("item-kNN", dict(zip(users.tolist(), ranked.tolist())), state.seconds["similarity"],
           lambda u: top_k(item_knn_scores(history[[u]], similarity), history[[u]], k))

    model = state.model                                  # the same fit as fit_als(history, **ALS_SETTINGS)
    ranked = top_k(model.scores(users), history[users], k)
    record("ALS", dict(zip(users.tolist(), ranked.tolist())), state.seconds["als"],
           lambda u: top_k(model.scores([u]), history[[u]], k))

    with one_thread():
        index, index_s = _timed(DenseIndex, model.item_factors, kind="hnsw")
    ranked = cand.search_unseen(index, model.user_factors[users], history[users], k)
    record("ALS via FAISS HNSW", dict(zip(users.tolist(), ranked.tolist())), state.seconds["als"] + index_s,
           lambda u: cand.search_unseen(index, model.user_factors[[u]], history[[u]], k))

    def serve_two_stage(u: int):
        pairs = candidate_pool(state, [u])
        return rank_lists(pairs, score_pairs(ranker, pair_features(state, pairs)), k)

    record("two-stage (ANN + popular + content -> GBT)", result.recommendations, two_stage_s, serve_two_stage)
    return HeldOut(pd.DataFrame(rows).T, per_user, lists_of, result.candidate_recall, result.seconds, result)
