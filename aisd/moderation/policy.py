"""Thresholds per action, and what they do to the review queue.

A score becomes one of three actions: **remove** automatically (score >= ``remove_at``: this needs high
precision, since every mistake silences a user), **review** by a person (``review_at`` <= score <
``remove_at``: this band is limited by how many posts the reviewers can look at), or **allow**.

>>> s, y = [0.95, 0.9, 0.8, 0.6, 0.5, 0.3, 0.2, 0.1], [1, 1, 0, 1, 1, 0, 0, 0]
>>> outcomes(s, y, remove_at=0.9, review_at=0.6)["harm_missed"]
0.25

Where the thresholds come from is a decision (:mod:`aisd.moderation.decisions`); this module says what a pair of
thresholds does: to labelled posts (:func:`outcomes`) and to the review queue over a day (:func:`simulate_day`,
:func:`peak_wait_hours`).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from aisd.core.errors import AisdError


def _check(scores, labels) -> tuple[np.ndarray, np.ndarray]:
    s, y = np.asarray(scores, dtype=float), np.asarray(labels, dtype=int)
    if s.ndim != 1 or s.shape != y.shape or not len(s):
        raise AisdError(f"scores and labels must be two non-empty lists of the same length; got {s.shape} and {y.shape}")
    return s, y


def actions(scores, remove_at: float, review_at: float) -> np.ndarray:
    """``"remove"``, ``"review"`` or ``"allow"`` for each score.

    >>> actions([0.9, 0.5, 0.1], remove_at=0.8, review_at=0.4).tolist()
    ['remove', 'review', 'allow']
    """
    s = np.asarray(scores, dtype=float)
    if review_at > remove_at:
        raise AisdError(f"review_at ({review_at}) must not be above remove_at ({remove_at})")
    return np.where(s >= remove_at, "remove", np.where(s >= review_at, "review", "allow"))


def outcomes(scores, labels, remove_at: float, review_at: float) -> dict:
    """What a pair of thresholds does on labelled posts (reviewers assumed right):

    ``removed_share``, ``remove_precision`` (NaN if nothing is removed), ``review_share``,
    ``harm_missed`` (share of harmful posts allowed) and ``wrongly_removed`` (harmless posts removed).

    Part of the reference answer of notebook 05, exercise ``ex_choose_thresholds``.
    """
    s, y = _check(scores, labels)
    act = actions(s, remove_at, review_at)
    removed, reviewed, allowed = act == "remove", act == "review", act == "allow"
    return {"removed_share": float(removed.mean()),
            "remove_precision": float(y[removed].mean()) if removed.any() else float("nan"),
            "review_share": float(reviewed.mean()),
            "harm_missed": float(y[allowed].sum() / max(y.sum(), 1)),
            "wrongly_removed": int(np.sum(removed & (y == 0)))}


def hourly_traffic(per_day: int, peak_factor: float = 2.0, peak_hour: int = 20) -> np.ndarray:
    """Posts per hour over a day: a daily cycle peaking at ``peak_hour`` at ``peak_factor`` x the mean.

    >>> t = hourly_traffic(24_000, 2.0); int(t.sum()), int(t.max()), int(t.argmax())
    (24000, 2000, 20)
    """
    if per_day < 0 or peak_factor < 1:
        raise AisdError("per_day must be >= 0 and peak_factor >= 1")
    shape = 1 + (peak_factor - 1) * np.cos(2 * np.pi * (np.arange(24) - peak_hour) / 24)
    return per_day / 24 * shape / shape.mean()


def simulate_day(hourly_posts, review_share: float, removed_share: float, capacity_per_hour: float,
                 appeal_share: float = 0.1, appeal_delay_hours: int = 2, days: int = 1) -> pd.DataFrame:
    """The review queue hour by hour: new posts in the review band, appeals of earlier removals
    (``appeal_share`` of removals, ``appeal_delay_hours`` later) re-entering the queue, reviewers taking
    at most ``capacity_per_hour``, first come first served. One row per hour; ``backlog`` is what waits at
    the end of the hour and ``wait_hours`` the time the last arrival waits (backlog / capacity).

    >>> d = simulate_day([100] * 24, review_share=0.5, removed_share=0.1, capacity_per_hour=40)
    >>> int(d.backlog.iloc[-1]), int(d.appeals.sum())
    (262, 22)
    """
    posts = np.tile(np.asarray(hourly_posts, dtype=float), days)
    if capacity_per_hour <= 0:
        raise AisdError("capacity_per_hour must be > 0")
    rows, backlog = [], 0.0
    for h, n in enumerate(posts):
        new = n * review_share
        appeals = appeal_share * removed_share * posts[h - appeal_delay_hours] if h >= appeal_delay_hours else 0.0
        queue = backlog + new + appeals
        done = min(queue, capacity_per_hour)
        backlog = queue - done
        rows.append({"hour": h, "posts": n, "to_review": new, "appeals": appeals, "reviewed": done,
                     "backlog": backlog, "wait_hours": backlog / capacity_per_hour})
    return pd.DataFrame(rows)


def peak_wait_hours(review_share: float, removed_share: float, req, reviewers_on_duty: float | None = None,
                    days: int = 2) -> float:
    """The longest wait in the review queue over ``days`` days of flagged traffic with its evening peak, when
    ``review_share`` of the posts go to review and ``appeal_share`` of the ``removed_share`` come back as appeals
    (``req``: the notebook's requirements; ``reviewers_on_duty`` replaces ``req.reviewers_on_duty``).

    >>> from types import SimpleNamespace as R
    >>> req = R(flagged_per_day=24_000, peak_factor=2.0, reviewers_on_duty=5, reviews_per_reviewer_hour=40,
    ...         appeal_share=0.1, appeal_delay_hours=2)
    >>> peak_wait_hours(0.1, 0.05, req), peak_wait_hours(0.3, 0.05, req) > 4
    (0.1044, True)
    """
    staff = req.reviewers_on_duty if reviewers_on_duty is None else reviewers_on_duty
    capacity = staff * req.reviews_per_reviewer_hour
    if capacity <= 0:
        raise AisdError("the review team needs a capacity > 0 (reviewers on duty x reviews per reviewer hour)")
    posts = np.tile(hourly_traffic(req.flagged_per_day, req.peak_factor), days).tolist()
    delay, backlog, longest = int(req.appeal_delay_hours), 0.0, 0.0
    for h, n in enumerate(posts):                # simulate_day's queue, without building its table (fast)
        appeals = req.appeal_share * removed_share * posts[h - delay] if h >= delay else 0.0
        backlog = max(0.0, backlog + n * review_share + appeals - capacity)
        longest = max(longest, backlog / capacity)
    return round(longest, 4)
