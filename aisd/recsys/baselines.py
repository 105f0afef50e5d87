"""The baselines every recommender must beat: most popular, and item-kNN (items watched by the
same people are similar; recommend what resembles a user's history).

All work on a users x items 0/1 matrix (:func:`aisd.recsys.data.interaction_matrix`) and share
:func:`top_k`, which never recommends what the user already interacted with.

>>> import scipy.sparse as sp
>>> m = sp.csr_matrix([[1, 1, 0, 0], [1, 1, 1, 0], [0, 1, 1, 0]], dtype="float32")
>>> most_popular(m, users=[0], k=2).tolist()        # item 1 is the most watched but user 0 saw it
[[2, 3]]
>>> sim = item_similarity(m)
>>> top_k(m[[2]] @ sim, exclude=m[[2]], k=1).tolist()   # user 2 watched 1 and 2: item 0 goes with them
[[0]]
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import scipy.sparse as sp

from aisd.core.errors import AisdError


def top_k(scores: np.ndarray, exclude: sp.spmatrix | None, k: int) -> np.ndarray:
    """The ``k`` best items per row of ``scores`` (users x items), best first, skipping the items
    marked in ``exclude`` (same shape; e.g. the users' training interactions). Ties go to the lower id.

    >>> top_k(np.array([[0.1, 0.9, 0.5]]), exclude=sp.csr_matrix([[0, 1, 0]]), k=2).tolist()
    [[2, 0]]
    """
    scores = np.array(scores, dtype=np.float64, copy=True, ndmin=2)
    if k < 1 or k > scores.shape[1]:
        raise AisdError(f"k must be between 1 and the number of items ({scores.shape[1]}); got {k}")
    if exclude is not None:
        if exclude.shape != scores.shape:
            raise AisdError(f"exclude has shape {exclude.shape}; the scores have {scores.shape}")
        rows, cols = sp.csr_matrix(exclude).nonzero()
        scores[rows, cols] = -np.inf
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    picked = np.take_along_axis(scores, part, axis=1)
    order = np.lexsort((part, -picked), axis=1)          # by score, then by id for ties
    return np.take_along_axis(part, order, axis=1)


def item_popularity(matrix: sp.spmatrix) -> np.ndarray:
    """How many users interacted with each item (the popularity every baseline and metric uses).

    >>> item_popularity(sp.csr_matrix([[1, 0], [1, 1]])).tolist()
    [2.0, 1.0]
    """
    return np.asarray((sp.csr_matrix(matrix) > 0).sum(axis=0), dtype=np.float64).ravel()


def most_popular(matrix: sp.spmatrix, users: Sequence[int], k: int) -> np.ndarray:
    """Top-``k`` most popular items for each of ``users``, minus what each already has.

    >>> most_popular(sp.csr_matrix([[1, 0, 0], [1, 1, 0]]), users=[1, 0], k=1).tolist()
    [[2], [1]]
    """
    m = sp.csr_matrix(matrix)
    users = np.asarray(users, dtype=int)
    scores = np.tile(item_popularity(m), (len(users), 1))
    return top_k(scores, m[users], k)


def item_similarity(matrix: sp.spmatrix, neighbours: int | None = None, shrink: float = 0.0) -> np.ndarray:
    """Item-item cosine similarity from co-occurrence: ``co[i, j] / (sqrt(n_i n_j) + shrink)``, where
    ``co[i, j]`` counts users who have both items; the diagonal is 0. With ``neighbours``, only the
    that many most similar items are kept per item (column), which removes noise from rare pairs.

    >>> s = item_similarity(sp.csr_matrix([[1, 1, 0], [1, 0, 1]]))
    >>> s.astype(float).round(3).tolist()
    [[0.0, 0.707, 0.707], [0.707, 0.0, 0.0], [0.707, 0.0, 0.0]]
    """
    m = (sp.csr_matrix(matrix) > 0).astype(np.float32)
    co = (m.T @ m).toarray()
    counts = np.diag(co).copy()
    norms = np.sqrt(np.outer(counts, counts)) + shrink
    sim = np.divide(co, norms, out=np.zeros_like(co), where=norms > 0)
    np.fill_diagonal(sim, 0.0)
    if neighbours is not None and neighbours < sim.shape[0]:
        if neighbours < 1:
            raise AisdError(f"neighbours must be at least 1; got {neighbours}")
        weakest = np.argpartition(-sim, neighbours, axis=0)[neighbours:]   # all but the top per column
        np.put_along_axis(sim, weakest, 0.0, axis=0)
    return sim


def item_knn_scores(history: sp.spmatrix, similarity: np.ndarray) -> np.ndarray:
    """Score of every item for each user: the sum of its similarities to the items in the user's
    history (rows of ``history``), i.e. ``history @ similarity``.

    >>> sim = np.array([[0, .5, .1], [.5, 0, .2], [.1, .2, 0]])
    >>> item_knn_scores(sp.csr_matrix([[1, 1, 0]]), sim).round(2).tolist()
    [[0.5, 0.5, 0.3]]
    """
    if history.shape[1] != similarity.shape[0]:
        raise AisdError(f"the history has {history.shape[1]} items, the similarity {similarity.shape[0]}")
    return np.asarray(sp.csr_matrix(history) @ similarity)
