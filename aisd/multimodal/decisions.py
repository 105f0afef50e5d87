"""The decisions notebook 08 makes from its measurements, each a reference answer of an exercise: one valid
way to decide, graded in the notebook by its outcome on held-out queries and pairs, not by matching this rule.

>>> choose_dedup_threshold([1, 2, 3], [True, True, False], 0.1)
2.0
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from aisd.core.errors import AisdError
from aisd.multimodal.hybrid import fuse
from aisd.toolkit.stats import wilson


def choose_fusion_weight(text_scores, image_scores, relevant, weights: Sequence[float], k: int) -> float:
    """The weight in ``weights`` whose fused ranking has the highest recall@k (hit rate) on these
    queries; the first such weight in ``weights`` order when several tie.

    ``text_scores``, ``image_scores`` and ``relevant`` are (queries x items) matrices of the tuning split.

    Reference answer of notebook 08, exercise ``ex_choose_fusion_weight`` (graded on held-out queries: any
    weight whose held-out recall@k is near the best is right).

    >>> t = np.array([[0.9, 0.1], [0.5, 0.5]]); i = np.array([[0.1, 0.2], [0.0, 1.0]])
    >>> rel = np.array([[True, False], [False, True]])
    >>> choose_fusion_weight(t, i, rel, [0.0, 0.5, 1.0], k=1)
    0.5
    """
    t, i, rel = np.asarray(text_scores, dtype=float), np.asarray(image_scores, dtype=float), np.asarray(relevant, dtype=bool)
    if not len(weights):
        raise AisdError("no weights to choose from")
    best, best_recall = None, -1.0
    for w in weights:
        top = np.argsort(-fuse(t, i, w), axis=1, kind="stable")[:, :k]
        recall = float(np.take_along_axis(rel, top, axis=1).any(axis=1).mean())
        if recall > best_recall + 1e-12:
            best, best_recall = float(w), recall
    return best


def choose_dedup_threshold(distances, is_duplicate, max_false_merge_rate: float) -> float:
    """The distance threshold that finds the most duplicates while at most ``max_false_merge_rate`` of
    the merged pairs (distance <= threshold) are not duplicates; -1.0 (merge nothing) if none does.

    The rate is computed as false merges / merges (``1 - precision`` can round above a budget it equals).
    It is not monotone in the threshold (a run of true duplicates after a false merge
    brings it back under budget), so every candidate is checked, not only up to the first breach.

    Reference answer of notebook 08, exercise ``ex_choose_dedup_threshold`` (graded on held-out pairs).

    >>> choose_dedup_threshold([1, 2, 3, 4, 5, 6], [True, False, True, True, True, False], 0.25)
    5.0
    >>> choose_dedup_threshold([1, 2], [False, True], 0.1)
    -1.0
    """
    d, dup = np.asarray(distances, dtype=float), np.asarray(is_duplicate, dtype=bool)
    if d.shape != dup.shape or d.size == 0:
        raise AisdError("distances and is_duplicate must be non-empty and of one length")
    best = -1.0
    for t in np.unique(d):
        merged = d <= t
        if (~dup[merged]).sum() / merged.sum() <= max_false_merge_rate:     # false merges / merges
            best = float(t)
    return best


def pairs_to_certify(max_wrong_merges_per_day: float, comparisons_per_day: float, level: float = 0.95) -> int:
    """The fewest labelled non-duplicate pairs that, if none of them is merged, bound the wrong merges a day
    at ``max_wrong_merges_per_day`` (the Wilson interval's upper end of 0 of n, times the comparisons a day).

    >>> pairs_to_certify(20, 2_000_000)
    384143
    """
    if max_wrong_merges_per_day <= 0 or comparisons_per_day <= 0:
        raise AisdError("need a positive number of wrong merges a day and of comparisons a day")
    target = max_wrong_merges_per_day / comparisons_per_day
    low, high = 1, 1
    while wilson(0, high, level).high > target:
        high *= 2
    while low < high:                                   # the smallest n whose bound meets the target
        mid = (low + high) // 2
        low, high = (mid + 1, high) if wilson(0, mid, level).high > target else (low, mid)
    return int(low)


def dedup_certification(comparisons_per_day: float) -> dict:
    """A wrong-merge budget a day and the labelled non-duplicate pairs it takes to certify it: 20 a day
    (a tenth of what the trust team can reverse, so reversals stay routine), and :func:`pairs_to_certify`.

    Reference answer of notebook 08, exercise ``ex_dedup_certification``.

    >>> dedup_certification(2_000_000)["non_duplicate_pairs_to_label"]
    384143
    """
    return {"max_wrong_merges_per_day": 20, "non_duplicate_pairs_to_label": pairs_to_certify(20, comparisons_per_day),
            "why": "a tenth of the 200 reversals a day the trust team can handle"}
