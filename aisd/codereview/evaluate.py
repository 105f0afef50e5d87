"""Scoring review comments against the seeded bugs: a comment is right when it sits within ``WINDOW`` lines of the
bug in the same file; per approach, bug-detection recall, comment precision and the false-alarm rate on clean pull
requests, each with a Wilson interval (:mod:`aisd.toolkit.stats`); the same by bug kind; and what a gate's numbers
mean at a production prevalence of bugs (the benchmark has one buggy PR in two).

>>> prs = {"p1": {"pr_id": "p1", "label": "bug", "path": "a.py", "bug_line": 10},
...        "p2": {"pr_id": "p2", "label": "clean", "path": "b.py", "bug_line": None}}
>>> comments = {"p1": [{"path": "a.py", "line": 11}, {"path": "a.py", "line": 30}], "p2": [{"path": "b.py", "line": 2}]}
>>> review_metrics(prs, comments)
{'prs': 2, 'bug_recall': 1.0, 'precision': 0.333, 'false_alarm_rate': 1.0, 'comments_per_pr': 1.5}
>>> str(intervals(prs, comments)["false_alarm_rate"])
'1.00 [0.21, 1.00]'
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from aisd.toolkit import stats

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
    """Bug-detection recall (buggy PRs with a right comment), comment precision (right comments / all comments;
    nan when none was posted), false-alarm rate (clean PRs with any comment), comments per PR."""
    rows = per_pr(prs, comments, window)
    bugs = [r for r in rows if r["label"] == "bug"]
    clean = [r for r in rows if r["label"] == "clean"]
    posted = sum(r["comments"] for r in rows)
    return {"prs": len(rows),
            "bug_recall": round(float(np.mean([r["found"] for r in bugs])), 3) if bugs else math.nan,
            "precision": round(sum(r["right"] for r in rows) / posted, 3) if posted else math.nan,
            "false_alarm_rate": round(float(np.mean([r["comments"] > 0 for r in clean])), 3) if clean else math.nan,
            "comments_per_pr": round(posted / len(rows), 3) if rows else math.nan}


def intervals(prs: dict[str, dict], comments: dict[str, list[dict]], window: int = WINDOW) -> dict:
    """Wilson intervals of recall (over buggy PRs), comment precision (over comments: a PR's few comments are
    counted as independent, a mild approximation) and false-alarm rate (over clean PRs); ``None`` where there is no
    case (no buggy PR, no comment, no clean PR)."""
    rows = per_pr(prs, comments, window)
    found = [r["found"] for r in rows if r["label"] == "bug"]
    alarms = [r["comments"] > 0 for r in rows if r["label"] == "clean"]
    right, posted = sum(r["right"] for r in rows), sum(r["comments"] for r in rows)
    return {"bug_recall": stats.proportion(found) if found else None,
            "precision": stats.wilson(right, posted) if posted else None,
            "false_alarm_rate": stats.proportion(alarms) if alarms else None}


def at_prevalence(recall: float, false_alarm_rate: float, prevalence: float,
                  flagged_bug_rate: float | None = None) -> float:
    """PR-level precision at a production mix: the share of flagged (commented or blocked) PRs whose flag points
    at a real bug when a share ``prevalence`` of PRs is buggy. Bayes' rule on rates measured separately on buggy
    PRs (``recall``: flagged at the bug; ``flagged_bug_rate``: flagged at all, default ``recall``) and on clean
    PRs (``false_alarm_rate``), so the benchmark's own 50 % mix drops out. ``nan`` when nothing is flagged.

    >>> round(at_prevalence(0.9, 0.05, 0.5), 3), round(at_prevalence(0.9, 0.05, 0.1), 3)
    (0.947, 0.667)
    """
    flagged = prevalence * (recall if flagged_bug_rate is None else flagged_bug_rate) + (1 - prevalence) * false_alarm_rate
    return prevalence * recall / flagged if flagged else math.nan


def prevalence_weights(is_bug, prevalence: float) -> np.ndarray:
    """Weights that make a sample's buggy and clean PRs count as if a share ``prevalence`` were buggy (each
    group's weights sum to its share of the sample's size), for costs measured at that prevalence.

    >>> prevalence_weights([True, False, False, False], 0.5).round(2).tolist()
    [2.0, 0.67, 0.67, 0.67]
    """
    b = np.asarray(is_bug, dtype=bool)
    n, bugs = len(b), int(b.sum())
    if bugs == 0 or bugs == n:
        return np.ones(n)
    return np.where(b, prevalence * n / bugs, (1 - prevalence) * n / (n - bugs))


def by_kind(prs: list[dict], comments_by_approach: dict[str, dict[str, list[dict]]]) -> pd.DataFrame:
    """Per bug kind (rows) and approach (columns): the share of buggy pull requests found with its Wilson
    interval, as text; for the clean kinds, the share of pull requests with a false alarm."""
    by_id = {p["pr_id"]: p for p in prs}
    counts = pd.Series([(p["label"], p["kind"]) for p in prs]).value_counts()
    table = {}
    for name, comments in comments_by_approach.items():
        rows = pd.DataFrame(per_pr({k: v for k, v in by_id.items() if k in comments}, comments))
        rows["hit"] = rows["found"].where(rows["label"] == "bug", rows["comments"] > 0)
        table[name] = rows.groupby(["label", "kind"])["hit"].apply(lambda s: str(stats.proportion(s)))
    out = pd.DataFrame(table)
    out.insert(0, "PRs", [counts.get(i, 0) for i in out.index])
    return out
