"""The two-stage recommender end to end: candidates from three sources, features, a ranker trained
on the earlier window, evaluated on the held-out one; with the time each step takes.

    train ──fit_stage_one──> state_1 ──candidate_pool──> pairs ──pair_features──> X, labels from tuning ──> ranker
    train+tuning ──fit_stage_one──> state_2 ──candidate_pool──> pairs ──pair_features──> ranker scores ──> top-k
                                                                                                   vs heldout

>>> ml = load_movielens()
>>> texts = item_texts(ml.items)
>>> len(texts), texts[0]
(1682, "Toy Story (1995). Genres: Animation, Children's, Comedy.")
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np
import pandas as pd

from aisd.core.errors import AisdError
from aisd.toolkit.retrieval.dense import DenseIndex
from aisd.recsys import candidates as cand
from aisd.recsys.data import MovieLens, Split, item_texts, load_movielens
from aisd.recsys.features import StageOne, fit_stage_one, pair_features
from aisd.recsys.ranker import fit_ranker, label_pairs, rank_lists, sample_negatives, score_pairs
from aisd.recsys.threads import one_thread

POOL = {"ann": 100, "pop": 50, "content": 50}     # candidates per source and user


def item_embeddings(ml: MovieLens) -> np.ndarray:
    """MiniLM vectors (384-d, unit length) of every item's title, year and genres, one row per item
    (through :func:`aisd.runtime.embeddings.embed`, so cached on disk after the first run).

    >>> item_embeddings(load_movielens()).shape      # doctest: +SKIP
    (1682, 384)
    """
    from aisd.runtime.embeddings import embed

    return embed(item_texts(ml.items), batch_size=16)


def candidate_pool(state: StageOne, users: Sequence[int], sizes: dict[str, int] | None = None,
                   kind: str = "hnsw") -> pd.DataFrame:
    """The merged candidates (:func:`aisd.recsys.candidates.merge`) of ``users`` from the three sources
    of ``sizes`` (default :data:`POOL`): ANN over the ALS factors, popular, content. The FAISS
    indexes are built on the first call and kept in ``state.indexes``.

    >>> ml = load_movielens()
    >>> state = fit_stage_one(ml.ratings, ml, np.eye(ml.n_items, 8, dtype="float32"), factors=8, iterations=2)
    >>> pool = candidate_pool(state, [0], sizes={"ann": 5, "pop": 5, "content": 0})
    >>> pool.columns.tolist(), 5 <= len(pool) <= 10
    (['user', 'item', 'ann_rank', 'pop_rank'], True)
    """
    sizes = {**POOL, **(sizes or {})}
    unknown = set(sizes) - set(POOL)
    if unknown:
        raise AisdError(f"unknown candidate sources {sorted(unknown)}: use {sorted(POOL)}")
    users = np.asarray(users, dtype=int)
    seen = state.history[users]
    if ("ann", kind) not in state.indexes:                 # built once per state, as a server would
        with one_thread():
            state.indexes["ann", kind] = DenseIndex(state.model.item_factors, kind=kind)
            state.indexes["content"] = DenseIndex(state.item_embeddings, kind="flat")
    sources = {}
    if sizes["ann"]:
        sources["ann"] = cand.search_unseen(state.indexes["ann", kind], state.model.user_factors[users], seen,
                                            sizes["ann"])
    if sizes["pop"]:
        sources["pop"] = cand.popular_candidates(state.popularity, seen, sizes["pop"])
    if sizes["content"]:
        sources["content"] = cand.content_candidates(state.item_embeddings, seen, n=sizes["content"],
                                                     index=state.indexes["content"])
    return cand.merge(sources, users)


@dataclass
class TwoStageResult:
    """What :func:`run_two_stage` returns: the top-k lists of the held-out window's users, the ranker, the
    candidate pools' recall of the truth, and seconds per step."""
    recommendations: dict[int, list[int]]
    ranker: object
    feature_names: list[str]
    candidate_recall: dict[str, float]
    seconds: dict[str, float] = field(default_factory=dict)
    state: StageOne | None = None


def _truth(frame: pd.DataFrame) -> dict[int, set[int]]:
    return {int(u): set(g.tolist()) for u, g in frame.groupby("user")["item"]}


def run_two_stage(ml: MovieLens, split: Split, embeddings: np.ndarray, k: int = 10, kind: str = "gbt",
                  sizes: dict[str, int] | None = None, per_positive: int = 20, seed: int = 0) -> TwoStageResult:
    """Train the ranker on the earlier window (history ``train``, labels ``tuning``), then rank the
    candidates of the users of the ``heldout`` window with stage one refitted on ``train + tuning``.

    >>> ml = load_movielens()                                                        # doctest: +SKIP
    >>> result = run_two_stage(ml, split_by_time(ml.ratings), item_embeddings(ml))   # doctest: +SKIP
    >>> len(result.recommendations), round(result.candidate_recall["heldout"], 2)   # doctest: +SKIP
    (943, 0.6)
    """
    seconds: dict[str, float] = {}

    def timed(name: str, fn: Callable, *args, **kwargs):
        start = time.perf_counter()
        out = fn(*args, **kwargs)
        seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - start
        return out

    tuning_users = np.array(sorted(split.tuning["user"].unique()))
    heldout_users = np.array(sorted(split.heldout["user"].unique()))
    if not len(tuning_users) or not len(heldout_users):
        raise AisdError("the split has no tuning or no heldout users: use split_by_time first")

    early = timed("stage one fit", fit_stage_one, split.train, ml, embeddings)
    pairs = timed("candidates", candidate_pool, early, tuning_users, sizes)
    x = timed("features", pair_features, early, pairs)
    y = label_pairs(pairs, split.tuning)
    rows = sample_negatives(y, per_positive, seed)
    model = timed("ranker fit", fit_ranker, x.iloc[rows], y[rows], kind, seed)
    recall_tuning = cand.candidate_recall(pairs, _truth(split.tuning))

    late = timed("stage one fit", fit_stage_one, split.fit_frame(), ml, embeddings)
    pairs = timed("candidates", candidate_pool, late, heldout_users, sizes)
    x = timed("features", pair_features, late, pairs)
    scores = timed("ranking", score_pairs, model, x)
    recs = rank_lists(pairs, scores, k)
    return TwoStageResult(recs, model, list(x.columns),
                          {"tuning": recall_tuning, "heldout": cand.candidate_recall(pairs, _truth(split.heldout))},
                          seconds, late)


def latency_per_request(serve: Callable[[int], Sequence[int]], users: Sequence[int], clock: str = "cpu") -> dict[str, float]:
    """Milliseconds to answer one user at a time with ``serve(user)``: median and 95th percentile
    over ``users`` (after one warm-up call). ``clock="cpu"`` (the default) counts the CPU time of the
    calling thread, what one serving core spends on the request: on a shared machine, wall-clock time
    (``clock="wall"``) mostly measures the wait for a core (measured here at load average 10: 45-60 ms
    of wall time for 13-16 ms of CPU per request, in no order of the pool size). Every numeric library
    of :mod:`aisd.recsys` runs on the calling thread (:mod:`aisd.recsys.threads`), so none is missed.

    >>> out = latency_per_request(lambda u: [u], users=range(20))
    >>> sorted(out), out["p50_ms"] >= 0
    (['p50_ms', 'p95_ms'], True)
    """
    clocks = {"cpu": time.thread_time, "wall": time.perf_counter}
    if clock not in clocks:
        raise AisdError(f"clock must be 'cpu' or 'wall', not {clock!r}")
    now = clocks[clock]
    users = list(users)
    if not users:
        raise AisdError("no users to time")
    serve(users[0])
    times = []
    for u in users:
        start = now()
        serve(u)
        times.append((now() - start) * 1000)
    return {"p50_ms": float(np.percentile(times, 50)), "p95_ms": float(np.percentile(times, 95))}
