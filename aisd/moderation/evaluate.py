"""How notebook 05 scores its choices on held-out posts: thresholds, LLM verdicts and model tiers.

- :func:`floor_confidence`: how sure a removal threshold keeps the precision floor on posts like these (the share of
  bootstrap resamples in which its removals reach the floor);
- :func:`threshold_report`: what a pair of thresholds does (removals, their precision with a Wilson interval, the
  share of offensive posts caught, the review load and the longest wait at the evening peak with appeals);
- :func:`best_caught`: the most offensive posts any pair of thresholds could catch on these posts under the same
  constraints (what a choice is compared with);
- :func:`verdict_quality`: an LLM's verdicts on the band against the labels, with Wilson intervals and Cohen's kappa.

>>> s, y = [0.9, 0.8, 0.7, 0.4, 0.2], [1, 1, 1, 0, 0]
>>> floor_confidence(s, y, remove_at=0.7, floor=0.9)
1.0
>>> q = verdict_quality(["violating", "ok", "violating", "ok"], [1, 0, 0, 0])
>>> str(q["precision"]), str(q["clears"])
('0.50 [0.09, 0.91]', '0.50 [0.15, 0.85]')
"""
from __future__ import annotations

import numpy as np

from aisd.core.errors import AisdError
from aisd.moderation import policy
from aisd.toolkit import stats

RESAMPLES = 1000


def _resamples(n: int, resamples: int = RESAMPLES, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, n, (resamples, n))


def floor_confidence(scores, labels, remove_at: float, floor: float, resamples: int = RESAMPLES,
                     seed: int = 0) -> float:
    """The share of bootstrap resamples of the posts in which the removals (score >= ``remove_at``) have precision
    >= ``floor`` (1.0 when nothing is removed: no removal is wrong)."""
    s, y = np.asarray(scores, dtype=float), np.asarray(labels, dtype=int)
    kept = s >= remove_at
    if not kept.any():
        return 1.0
    idx = _resamples(len(s), resamples, seed)
    k, yy = kept[idx], y[idx]
    n = k.sum(axis=1)
    precision = np.where(n > 0, (yy * k).sum(axis=1) / np.maximum(n, 1), 1.0)
    return float((precision >= floor).mean())


def threshold_report(scores, labels, remove_at: float, review_at: float, req) -> dict:
    """What ``(remove_at, review_at)`` does to labelled posts under ``req``: ``removed_share``, ``remove_precision``
    (a Wilson interval; None when nothing is removed), ``floor_confidence``, ``caught`` (share of offensive posts
    removed or sent to review), ``review_share`` and ``peak_wait_hours`` (two days, evening peak, appeals)."""
    s, y = np.asarray(scores, dtype=float), np.asarray(labels, dtype=int)
    if review_at > remove_at:
        raise AisdError(f"review_at ({review_at}) must not be above remove_at ({remove_at})")
    removed, band = s >= remove_at, (s >= review_at) & (s < remove_at)
    return {"removed_share": float(removed.mean()),
            "remove_precision": stats.wilson(int(y[removed].sum()), int(removed.sum())) if removed.any() else None,
            "floor_confidence": floor_confidence(s, y, remove_at, req.remove_precision_floor),
            "caught": float(y[s >= review_at].sum() / max(y.sum(), 1)),
            "review_share": float(band.mean()),
            "peak_wait_hours": policy.peak_wait_hours(float(band.mean()), float(removed.mean()), req)}


def best_caught(scores, labels, req, min_confidence: float) -> float:
    """The largest share of offensive posts caught by any pair of thresholds on these posts whose removals keep the
    floor with ``min_confidence`` (:func:`floor_confidence`) and whose queue keeps ``req.max_wait_hours``."""
    s, y = np.asarray(scores, dtype=float), np.asarray(labels, dtype=int)
    values = np.unique(s)
    idx = _resamples(len(s))
    yy, best = y[idx], 0.0
    for t in values[::-1]:
        kept = s >= t
        if y[kept].mean() < req.remove_precision_floor - 0.1:
            break                                   # precision only falls from here down
        k = kept[idx]
        n = k.sum(axis=1)
        conf = float((np.where(n > 0, (yy * k).sum(axis=1) / np.maximum(n, 1), 1.0) >= req.remove_precision_floor).mean())
        if conf < min_confidence:
            continue
        below = values[values < t]
        lo, hi = 0, len(below)                      # the widest band that keeps the wait: binary search
        while lo < hi:
            mid = (lo + hi) // 2
            share = float(((s >= below[mid]) & ~kept).mean())
            if policy.peak_wait_hours(share, float(kept.mean()), req) <= req.max_wait_hours:
                hi = mid
            else:
                lo = mid + 1
        review_at = below[lo] if lo < len(below) else t
        best = max(best, float(y[s >= review_at].sum() / max(y.sum(), 1)))
    return best


def verdict_quality(verdicts, labels) -> dict:
    """An LLM's ``"violating"`` / ``"ok"`` verdicts on band posts against their labels (1 = offensive): the precision
    and recall of "violating", the share it ``clears`` ("ok": allowed without a person), the offensive share of what it
    clears (``missed``), all Wilson intervals, and Cohen's ``kappa`` (agreement beyond chance, as between two reviewers).
    Verdicts other than the two (an invalid answer) count as "violating": they go to a person."""
    v = np.asarray([x == "violating" or x not in ("ok",) for x in verdicts])
    y = np.asarray(labels, dtype=int) == 1
    if len(v) != len(y) or not len(v):
        raise AisdError("verdicts and labels must be two non-empty lists of the same length")
    agree = float((v == y).mean())
    chance = float(v.mean() * y.mean() + (1 - v.mean()) * (1 - y.mean()))
    return {"n": len(v),
            "precision": stats.wilson(int((v & y).sum()), int(v.sum())) if v.any() else None,
            "recall": stats.wilson(int((v & y).sum()), int(y.sum())) if y.any() else None,
            "clears": stats.proportion(~v),
            "missed": stats.wilson(int((~v & y).sum()), int((~v).sum())) if (~v).any() else None,
            "accuracy": stats.proportion(v == y),
            "kappa": round((agree - chance) / (1 - chance), 3) if chance < 1 else float("nan")}
