"""Thresholds per action, and what they do to the review queue.

A score becomes one of three actions: **remove** automatically (score >= ``remove_at``: this needs high
precision, since every mistake silences a user), **review** by a person (``review_at`` <= score <
``remove_at``: this band is limited by how many posts the reviewers can look at), or **allow**.

>>> s, y = [0.95, 0.9, 0.8, 0.6, 0.5, 0.3, 0.2, 0.1], [1, 1, 0, 1, 1, 0, 0, 0]
>>> choose_thresholds(s, y, precision_floor=0.9, review_share=0.25)
(0.9, 0.6)
>>> outcomes(s, y, 0.9, 0.6)["harm_missed"]
0.25
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import AisdError


def _check(scores, labels) -> tuple[np.ndarray, np.ndarray]:
    s, y = np.asarray(scores, dtype=float), np.asarray(labels, dtype=int)
    if s.ndim != 1 or s.shape != y.shape or not len(s):
        raise AisdError(f"scores and labels must be two non-empty lists of the same length; got {s.shape} and {y.shape}")
    return s, y


def choose_thresholds(scores, labels, precision_floor: float, review_share: float) -> tuple[float, float]:
    """Two thresholds chosen on tuning data: ``(remove_at, review_at)``.

    - ``remove_at``: the lowest score value t (among the scores) such that the posts with score >= t have
      precision >= ``precision_floor``; ``float("inf")`` (remove nothing automatically) if no t reaches it;
    - ``review_at``: the lowest score value t <= ``remove_at`` such that the posts with
      t <= score < ``remove_at`` are at most ``review_share`` of all posts; ``remove_at`` itself if none
      (an empty review band).

    Reference answer of notebook 05, exercise ``ex_choose_thresholds``.
    """
    s, y = _check(scores, labels)
    if not 0 < precision_floor <= 1 or not 0 <= review_share <= 1:
        raise AisdError("precision_floor must be in (0, 1] and review_share in [0, 1]")
    order = np.argsort(-s, kind="stable")
    s_desc, y_desc = s[order], y[order]
    remove_at = float("inf")
    for t in np.unique(s):                      # ascending: the first that meets the floor is the lowest
        kept = s_desc >= t
        if y_desc[kept].mean() >= precision_floor:
            remove_at = float(t)
            break
    budget = review_share * len(s)
    review_at = remove_at
    for t in np.unique(s[s < remove_at]):
        if np.sum((s >= t) & (s < remove_at)) <= budget:
            review_at = float(t)
            break
    return remove_at, review_at


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
