"""Notebook 05's decisions, each made on tuning data and scored on held-out data by the notebook:

- :func:`choose_thresholds`: auto-remove and review thresholds under a precision floor (with a margin, so it still
  holds on posts not seen) and a review queue that keeps its wait at the evening peak, appeals included;
- :func:`reviewers_for`: the reviewer capacity a review band needs (a requirement the candidate sets);
- :func:`choose_rule_terms`: which blocklist terms may remove a post alone;
- :func:`choose_hash_distance`: the Hamming distance under which an upload matches a known-bad image.

>>> s = [0.95, 0.9, 0.85, 0.8, 0.6, 0.5, 0.3, 0.2, 0.1]; y = [1, 1, 1, 1, 0, 1, 0, 0, 0]
>>> precision_margin_ok(sum(y[:4]), 4, 0.5), precision_margin_ok(1, 2, 0.5)
(True, False)
>>> choose_hash_distance([2, 5, 30], [18, 25])
9
"""
from __future__ import annotations

import math

import numpy as np

from aisd.core.errors import AisdError
from aisd.moderation import policy
from aisd.toolkit import stats

CONFIDENCE = 0.80        # the floor must hold on new posts with this confidence (one-sided)


def precision_margin_ok(correct: int, removed: int, floor: float, confidence: float = CONFIDENCE) -> bool:
    """Does a removal precision of ``correct`` of ``removed`` on tuning posts clear ``floor`` with a margin: the
    lower end of the one-sided ``confidence`` Wilson interval at or above the floor (the point estimate alone,
    picked as the lowest threshold that reaches the floor, falls below it on new posts about half the time)."""
    if removed == 0:
        return False
    return stats.wilson(correct, removed, level=2 * confidence - 1).low >= floor


def choose_thresholds(scores, labels, req) -> tuple[float, float]:
    """``(remove_at, review_at)`` chosen on tuning scores and labels, under ``req``:

    - ``remove_at``: the lowest score whose removals clear ``req.remove_precision_floor`` with a margin
      (:func:`precision_margin_ok`), ``inf`` if none does;
    - ``review_at``: the lowest score below ``remove_at`` whose band keeps the longest wait at the evening peak,
      appeals included (:func:`aisd.moderation.policy.peak_wait_hours`), within ``req.max_wait_hours``;
      ``remove_at`` (no band) if even the narrowest band does not.

    Reference answer of notebook 05, exercise ``ex_choose_thresholds``.
    """
    s, y = np.asarray(scores, dtype=float), np.asarray(labels, dtype=int)
    if s.ndim != 1 or s.shape != y.shape or not len(s):
        raise AisdError(f"scores and labels must be two non-empty lists of the same length; got {s.shape}, {y.shape}")
    values = np.unique(s)
    remove_at = next((float(t) for t in values
                      if precision_margin_ok(int(y[s >= t].sum()), int((s >= t).sum()), req.remove_precision_floor)),
                     math.inf)
    removed_share = float((s >= remove_at).mean())
    review_at = remove_at
    for t in values[values < remove_at][::-1]:               # widen the band while the queue keeps its wait
        share = float(((s >= t) & (s < remove_at)).mean())
        if policy.peak_wait_hours(share, removed_share, req) > req.max_wait_hours:
            break
        review_at = float(t)
    return remove_at, review_at


def reviewers_for(review_share: float, removed_share: float, req) -> int:
    """The fewest reviewers on duty at every hour that keep the longest wait within ``req.max_wait_hours`` when
    ``review_share`` of the flagged posts go to review and appeals of the ``removed_share`` come back, at the evening
    peak (two simulated days, :func:`aisd.moderation.policy.peak_wait_hours`).

    Reference answer of notebook 05, exercise ``ex_reviewers_for``.

    >>> from types import SimpleNamespace as R
    >>> reviewers_for(0.1, 0.05, R(flagged_per_day=24_000, peak_factor=2.0, reviews_per_reviewer_hour=40,
    ...                            appeal_share=0.1, appeal_delay_hours=2, max_wait_hours=4.0))
    4
    """
    if not 0 <= review_share <= 1 or not 0 <= removed_share <= 1:
        raise AisdError("review_share and removed_share are shares of the flagged posts, between 0 and 1")
    n = 1
    while policy.peak_wait_hours(review_share, removed_share, req, reviewers_on_duty=n) > req.max_wait_hours:
        n += 1
    return n


def choose_rule_terms(texts, labels, hits_of, precision_floor: float, min_support: int = 5) -> list[str]:
    """The blocklist terms safe for automatic removal: those that matched at least ``min_support`` tuning
    posts with precision >= ``precision_floor``. ``hits_of(text)`` lists the terms a text matches.

    >>> choose_rule_terms(["a x", "b x", "c y", "d y"], [1, 1, 1, 0], str.split, 0.9, min_support=2)
    ['x']
    """
    seen, bad = {}, {}
    for text, y in zip(texts, labels):
        for term in hits_of(text):
            seen[term] = seen.get(term, 0) + 1
            bad[term] = bad.get(term, 0) + int(y)
    return sorted(t for t, n in seen.items() if n >= min_support and bad[t] / n >= precision_floor)


def choose_hash_distance(known_bad_distances, other_distances) -> int:
    """The match distance chosen on tuning photos: half way (rounded down) to the nearest photo that is not a
    known-bad one, so no tuning photo matches wrongly and a margin is left for photos not seen. The known-bad
    versions' distances are what it is then scored on (how many edits it catches).

    >>> choose_hash_distance([0, 3], [20, 31])
    10
    """
    other = [int(d) for d in other_distances]
    if not other:
        raise AisdError("choosing a match distance needs the distances of photos that are not known-bad")
    return min(other) // 2
