"""Scoring review comments against the seeded bugs: a comment is right when it sits within ``WINDOW``
lines of the bug in the same file; per approach, bug-detection recall, comment precision, false-alarm
rate on clean pull requests; and the blocking gate's cost.

>>> prs = {"p1": {"pr_id": "p1", "label": "bug", "path": "a.py", "bug_line": 10},
...        "p2": {"pr_id": "p2", "label": "clean", "path": "b.py", "bug_line": None}}
>>> comments = {"p1": [{"path": "a.py", "line": 11}, {"path": "a.py", "line": 30}], "p2": [{"path": "b.py", "line": 2}]}
>>> review_metrics(prs, comments)
{'prs': 2, 'bug_recall': 1.0, 'precision': 0.333, 'false_alarm_rate': 1.0, 'comments_per_pr': 1.5}
"""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from aisd.rag.decisions import bootstrap_ci

WINDOW = 2


def is_right(comment: dict, pr: dict, window: int = WINDOW) -> bool:
    """The comment points at the seeded bug: same file, within ``window`` lines (never on a clean PR)."""
    return (pr["label"] == "bug" and comment["path"] == pr["path"]
            and abs(int(comment["line"]) - int(pr["bug_line"])) <= window)


def per_pr(prs: dict[str, dict], comments: dict[str, list[dict]], window: int = WINDOW) -> list[dict]:
    """One row per pull request: its label and kind, comments posted, how many right, found the bug."""
    rows = []
    for pr_id, pr in prs.items():
        posted = comments.get(pr_id, [])
        right = sum(is_right(c, pr, window) for c in posted)
        rows.append({"pr_id": pr_id, "label": pr["label"], "kind": pr.get("kind", ""), "comments": len(posted),
                     "right": right, "found": right > 0})
    return rows


def review_metrics(prs: dict[str, dict], comments: dict[str, list[dict]], window: int = WINDOW) -> dict:
    """Bug-detection recall (buggy PRs with a right comment), comment precision (right comments / all
    comments, 0 when none were posted... reported as nan), false-alarm rate (clean PRs with any comment)."""
    rows = per_pr(prs, comments, window)
    bugs = [r for r in rows if r["label"] == "bug"]
    clean = [r for r in rows if r["label"] == "clean"]
    posted = sum(r["comments"] for r in rows)
    return {"prs": len(rows),
            "bug_recall": round(float(np.mean([r["found"] for r in bugs])), 3) if bugs else math.nan,
            "precision": round(sum(r["right"] for r in rows) / posted, 3) if posted else math.nan,
            "false_alarm_rate": round(float(np.mean([r["comments"] > 0 for r in clean])), 3) if clean else math.nan,
            "comments_per_pr": round(posted / len(rows), 3) if rows else math.nan}


def recall_ci(prs: dict[str, dict], comments: dict[str, list[dict]], window: int = WINDOW) -> tuple[float, float]:
    """A 95 % bootstrap interval of bug-detection recall (over the buggy pull requests)."""
    found = [r["found"] for r in per_pr(prs, comments, window) if r["label"] == "bug"]
    return tuple(round(x, 3) for x in bootstrap_ci(found))


def precision_ci(prs: dict[str, dict], comments: dict[str, list[dict]], window: int = WINDOW) -> tuple[float, float]:
    """A 95 % bootstrap interval of comment precision (resampling comments)."""
    right = [is_right(c, prs[p], window) for p, cs in comments.items() if p in prs for c in cs]
    return tuple(round(x, 3) for x in bootstrap_ci(right)) if right else (math.nan, math.nan)


def block_cost(pr_scores: Sequence[float], is_bug: Sequence[bool], threshold: float,
               false_block_cost: float, missed_bug_cost: float) -> float:
    """What a gate that blocks every pull request scoring ``>= threshold`` costs: each clean PR blocked
    costs ``false_block_cost``, each buggy PR let through costs ``missed_bug_cost``. The objective
    :func:`choose_block_threshold` minimises (it calls this), so it is off while a notebook grades that exercise.

    Part of the reference answer of notebook 07, exercise ``ex_choose_block_threshold``.

    >>> block_cost([0.9, 0.2, 0.6], [True, False, False], 0.5, false_block_cost=1, missed_bug_cost=10)
    1.0
    """
    s, b = np.asarray(pr_scores, dtype=float), np.asarray(is_bug, dtype=bool)
    blocked = s >= threshold
    return float(false_block_cost * np.sum(blocked & ~b) + missed_bug_cost * np.sum(~blocked & b))


def choose_block_threshold(pr_scores: Sequence[float], is_bug: Sequence[bool], false_block_cost: float,
                           missed_bug_cost: float) -> float:
    """The threshold of the merge gate (block when a PR's score is ``>= threshold``) with the lowest
    :func:`block_cost` on these (tuning) pull requests. Candidates: every observed score, and
    ``math.inf`` (never block). On a tie, the highest threshold (block fewer).

    Reference answer of notebook 07, exercise ``ex_choose_block_threshold``.

    >>> choose_block_threshold([0.9, 0.8, 0.3, 0.1], [True, True, False, True], 1.0, 0.9)
    0.8
    >>> choose_block_threshold([0.9, 0.8], [False, True], 5.0, 1.0)
    inf
    """
    if len(pr_scores) != len(is_bug):
        raise ValueError("pr_scores and is_bug must have the same length")
    best, best_cost = math.inf, block_cost(pr_scores, is_bug, math.inf, false_block_cost, missed_bug_cost)
    for t in sorted(set(float(x) for x in pr_scores), reverse=True):
        cost = block_cost(pr_scores, is_bug, t, false_block_cost, missed_bug_cost)
        if cost < best_cost:
            best, best_cost = t, cost
    return best


def quiz_review() -> dict[str, str]:
    """The self-quiz key.

    Reference answer of notebook 07, exercise ``ex_quiz_review``.
    """
    return {"q1": "b", "q2": "c", "q3": "a", "q4": "b"}
