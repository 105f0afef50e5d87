"""Retrieval metrics from a similarity matrix: recall@k (hit rate) per query, in either direction.

``similarity[i, j]`` scores query i against item j; ``relevant[i, j]`` says whether item j answers
query i. Recall@k here is the image-text retrieval convention (CLIP's R@k): 1 when at least one
relevant item is among the k best, else 0, averaged over queries. Image to text is the same
computation on the transposed matrices.

>>> import numpy as np
>>> sim = np.array([[0.9, 0.1, 0.5], [0.2, 0.3, 0.8]])
>>> rel = np.array([[False, False, True], [False, True, False]])
>>> hits_at_k(sim, rel, 1).tolist(), hits_at_k(sim, rel, 2).tolist()
([0.0, 0.0], [1.0, 1.0])
"""
from __future__ import annotations

import numpy as np

from aisd.core.errors import AisdError
from aisd.toolkit.stats import Interval, bootstrap, wilson


def hits_at_k(similarity, relevant, k: int, exclude_self: bool = False) -> np.ndarray:
    """Per query, 1.0 if a relevant item is among the ``k`` highest scores (ties: lower index first).

    ``exclude_self`` drops item i from query i's ranking (image-to-image search with the same images
    on both sides).

    Over a fused score (:func:`aisd.multimodal.hybrid.fuse`) it measures what
    :func:`aisd.multimodal.decisions.choose_fusion_weight` maximises, so it is off while a notebook grades that
    exercise (scoring every weight with it would be a way round writing it).

    Part of the reference answer of notebook 08, exercise ``ex_choose_fusion_weight``.
    """
    sim, rel = np.array(similarity, dtype=float), np.asarray(relevant, dtype=bool)
    if sim.shape != rel.shape or sim.ndim != 2:
        raise AisdError(f"similarity {sim.shape} and relevant {rel.shape} must be matrices of one shape")
    if k < 1:
        raise AisdError(f"k must be at least 1, got {k}")
    if exclude_self:
        np.fill_diagonal(sim, -np.inf)
        rel = rel.copy()
        np.fill_diagonal(rel, False)
    top = np.argsort(-sim, axis=1, kind="stable")[:, :k]
    return np.take_along_axis(rel, top, axis=1).any(axis=1).astype(float)


def recall_table(similarity, relevant, ks=(1, 5, 10), groups: dict | None = None, exclude_self: bool = False,
                 seed: int = 0) -> list[dict]:
    """Rows of recall@k with a 95 % bootstrap interval, for all queries and for each named group.

    ``groups`` maps a name to a boolean mask over queries (for example the novel scenes).

    >>> import numpy as np
    >>> rows = recall_table(np.eye(4), np.eye(4, dtype=bool), ks=(1,))
    >>> rows[0]["group"], rows[0]["recall@1"], rows[0]["n"]
    ('all', 1.0, 4)
    """
    relevant = np.asarray(relevant, dtype=bool)
    masks = {"all": np.ones(len(relevant), dtype=bool), **(groups or {})}
    hits = {k: hits_at_k(similarity, relevant, k, exclude_self) for k in ks}
    answerable = relevant.sum(axis=1) - (np.diag(relevant) if exclude_self else 0) > 0
    rows = []
    for name, mask in masks.items():
        mask = np.asarray(mask, dtype=bool) & answerable
        row = {"group": name, "n": int(mask.sum())}
        for k in ks:
            values = hits[k][mask]
            row[f"recall@{k}"] = float(values.mean()) if values.size else float("nan")
            ci = bootstrap(np.mean, values, seed=seed) if values.size else None
            row[f"recall@{k} CI"] = (ci.low, ci.high) if ci else (float("nan"),) * 2
        rows.append(row)
    return rows


def chance_recall(relevant, k: int) -> float:
    """Expected recall@k of a random ranking: 1 - C(n - r, k) / C(n, k), averaged over queries.

    >>> round(chance_recall(np.eye(10, dtype=bool), 5), 2)
    0.5
    """
    relevant = np.asarray(relevant, dtype=bool)
    n = relevant.shape[1]
    out = []
    for r in relevant.sum(axis=1):
        miss = 1.0
        for i in range(k):                              # P(none of the k draws is relevant)
            miss *= max(n - r - i, 0) / (n - i)
        out.append(1 - miss)
    return float(np.mean(out))


def false_merges_per_day(false_merges: int, other_pairs: int, comparisons_per_day: float) -> Interval:
    """Expected wrong merges a day at scale: the per-pair false-match rate measured on ``other_pairs``
    pairs that are not duplicates (``false_merges`` of them merged; a Wilson interval, so 0 of n is not
    read as 0) times the pairs compared a day (e.g. each upload against its nearest neighbours).

    >>> est = false_merges_per_day(0, 2_610, comparisons_per_day=200_000 * 10)
    >>> est.estimate, round(est.high)
    (0.0, 2939)
    """
    if other_pairs <= 0 or comparisons_per_day < 0:
        raise AisdError(f"need other_pairs > 0 and comparisons_per_day >= 0; got {other_pairs}, {comparisons_per_day}")
    rate = wilson(false_merges, other_pairs)
    return Interval(rate.estimate * comparisons_per_day, rate.low * comparisons_per_day, rate.high * comparisons_per_day,
                    rate.level)
