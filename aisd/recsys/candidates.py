"""Stage one of a two-stage recommender: cheap candidate generators, each proposing a few hundred
items per user, merged into one pool that a ranker (:mod:`aisd.recsys.ranker`) will order.

- :func:`ann_candidates`: nearest items to the user's vector in a FAISS index of item vectors
  (ALS factors, inner product), HNSW by default, as a production system would serve millions of items;
- :func:`popular_candidates`: the most popular items the user has not seen (always available);
- :func:`content_candidates`: items whose MiniLM embedding (title + year + genres) is close to the mean
  embedding of the user's history: the only source that can propose an item nobody has watched yet.

Each returns a users x n array of item ids (-1 where fewer were found); :func:`merge` turns several
into one long table (one row per user and candidate, the rank in each source as a column) and
:func:`candidate_recall` says how much of the held-out truth the pool still contains: an item
missed here can never be recommended, whatever the ranker does.

>>> import scipy.sparse as sp
>>> seen = sp.csr_matrix([[1, 0, 0, 0]])
>>> popular_candidates([9, 5, 1, 7], seen, n=2).tolist()
[[3, 1]]
>>> merge({"pop": np.array([[3, 1]])}, users=[0]).to_dict("records")
[{'user': 0, 'item': 1, 'pop_rank': 2.0}, {'user': 0, 'item': 3, 'pop_rank': 1.0}]
"""
from __future__ import annotations

from typing import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp

from aisd.core.errors import AisdError
from aisd.toolkit.retrieval.dense import DenseIndex
from aisd.recsys.baselines import top_k
from aisd.recsys.threads import one_thread

MISSING_RANK = 1000.0     # the rank written for "this source did not propose the item"


def _filter_seen(ids: np.ndarray, exclude: sp.csr_matrix, n: int) -> np.ndarray:
    out = np.full((ids.shape[0], n), -1, dtype=np.int64)
    for row in range(ids.shape[0]):
        seen = set(exclude.indices[exclude.indptr[row]:exclude.indptr[row + 1]].tolist())
        kept = [i for i in ids[row].tolist() if i >= 0 and i not in seen][:n]
        out[row, :len(kept)] = kept
    return out


def search_unseen(index: DenseIndex, queries: np.ndarray, exclude: sp.spmatrix, n: int) -> np.ndarray:
    """The ``n`` best items per query row from ``index``, skipping each row's ``exclude`` items: asks
    the index for ``n`` plus the longest history, then filters.

    >>> vectors = np.eye(3, dtype="float32")
    >>> search_unseen(DenseIndex(vectors), vectors[:1], sp.csr_matrix([[1, 0, 0]]), n=1).shape
    (1, 1)
    """
    exclude = sp.csr_matrix(exclude)
    if exclude.shape[0] != len(queries):
        raise AisdError(f"{len(queries)} queries but {exclude.shape[0]} rows of items to exclude")
    longest = int(np.diff(exclude.indptr).max()) if exclude.shape[0] else 0
    k = min(index.index.ntotal, n + longest)
    with one_thread():
        ids, _ = index.search(queries, k)
    return _filter_seen(ids, exclude, n)


def ann_candidates(user_vectors: np.ndarray, item_vectors: np.ndarray, exclude: sp.spmatrix, n: int = 100,
                   kind: str = "hnsw") -> np.ndarray:
    """Items with the highest ``user . item`` (e.g. ALS factors) from a FAISS index (``kind`` "hnsw"
    approximate, "flat" exact), unseen ones only.

    >>> items = np.array([[1, 0], [0, 1], [.9, .1]], dtype="float32")
    >>> ann_candidates(np.array([[1, 0]], "float32"), items, sp.csr_matrix([[1, 0, 0]]), n=2, kind="flat").tolist()
    [[2, 1]]
    """
    with one_thread():
        index = DenseIndex(item_vectors, kind=kind)
    return search_unseen(index, user_vectors, exclude, n)


def popular_candidates(popularity: Sequence[float], exclude: sp.spmatrix, n: int = 100) -> np.ndarray:
    """The ``n`` most popular items per user, minus that user's ``exclude`` items.

    >>> popular_candidates([1, 3, 2], sp.csr_matrix([[0, 1, 0], [0, 0, 0]]), n=1).tolist()
    [[2], [1]]
    """
    exclude = sp.csr_matrix(exclude)
    pop = np.asarray(popularity, dtype=float)
    return top_k(np.tile(pop, (exclude.shape[0], 1)), exclude, min(n, len(pop)))


def user_profiles(history: sp.spmatrix, item_embeddings: np.ndarray) -> np.ndarray:
    """Each user's content profile: the L2-normalised mean embedding of the items in their history
    (a zero vector for a user with none).

    >>> user_profiles(sp.csr_matrix([[1, 1]]), np.array([[1, 0], [0, 1]], "float32")).astype(float).round(3).tolist()
    [[0.707, 0.707]]
    """
    history = sp.csr_matrix(history, dtype=np.float32)
    if history.shape[1] != len(item_embeddings):
        raise AisdError(f"the history has {history.shape[1]} items but there are {len(item_embeddings)} embeddings")
    sums = np.asarray(history @ item_embeddings, dtype=np.float32)
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    return np.divide(sums, norms, out=np.zeros_like(sums), where=norms > 0)


def content_candidates(item_embeddings: np.ndarray, history: sp.spmatrix, exclude: sp.spmatrix | None = None,
                       n: int = 100, index: DenseIndex | None = None) -> np.ndarray:
    """Items whose content embedding is nearest (cosine) to the user's profile (:func:`user_profiles`),
    minus ``exclude`` (default: the history). Pass ``index`` to search a smaller set, e.g. new items.

    >>> emb = np.array([[1, 0], [0.9, 0.1], [0, 1]], "float32")
    >>> content_candidates(emb, sp.csr_matrix([[1, 0, 0]]), n=1).tolist()
    [[1]]
    """
    exclude = history if exclude is None else exclude
    if index is None:
        with one_thread():
            index = DenseIndex(item_embeddings, kind="flat")
    return search_unseen(index, user_profiles(history, item_embeddings), exclude, n)


def merge(sources: Mapping[str, np.ndarray], users: Sequence[int]) -> pd.DataFrame:
    """One row per (user, candidate item) over all ``sources`` (name -> users x n ids), with the
    item's 1-based rank in each source as ``<name>_rank`` (:data:`MISSING_RANK` when absent),
    sorted by user then item.

    >>> merge({"a": np.array([[5, 6]]), "b": np.array([[6, -1]])}, users=[7]).values.tolist()
    [[7.0, 5.0, 1.0, 1000.0], [7.0, 6.0, 2.0, 1.0]]
    """
    users = np.asarray(users)
    if not sources:
        raise AisdError("no candidate source to merge")
    keys, ranks = [], []
    for name, ids in sources.items():
        ids = np.asarray(ids)
        if ids.ndim != 2 or ids.shape[0] != len(users):
            raise AisdError(f"source {name!r} has {ids.shape[0]} rows for {len(users)} users")
        user_of = np.repeat(users, ids.shape[1]).astype(np.int64)
        rank = np.tile(np.arange(1, ids.shape[1] + 1, dtype=float), len(users))
        valid = ids.ravel() >= 0
        keys.append(np.stack([user_of[valid], ids.ravel()[valid]], axis=1))
        ranks.append(rank[valid])
    pairs, inverse = np.unique(np.concatenate(keys), axis=0, return_inverse=True)   # sorted by user, item
    out = pd.DataFrame({"user": pairs[:, 0], "item": pairs[:, 1]})
    start = 0
    for name, rank in zip(sources, ranks):
        column = np.full(len(pairs), MISSING_RANK)
        column[inverse.ravel()[start:start + len(rank)]] = rank
        out[f"{name}_rank"] = column
        start += len(rank)
    return out


def candidate_recall(pool: pd.DataFrame, truth: Mapping[int, Iterable[int]]) -> float:
    """Mean over the users of ``truth`` of the share of their held-out items present in ``pool``.

    >>> pool = pd.DataFrame({"user": [0, 0, 1], "item": [1, 2, 5]})
    >>> candidate_recall(pool, {0: {1, 3}, 1: {5}})
    0.75
    """
    have = pool.groupby("user")["item"].agg(set).to_dict()
    shares = [len(set(rel) & have.get(u, set())) / len(set(rel)) for u, rel in truth.items() if len(set(rel))]
    if not shares:
        raise AisdError("no user with held-out items in the truth")
    return float(np.mean(shares))
