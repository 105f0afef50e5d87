"""The decisions notebook 09 makes from its measurements, each a reference answer of an exercise.

>>> rows = [{"depth": 25, "recall@10": 0.118, "p95_ms": 17}, {"depth": 50, "recall@10": 0.120, "p95_ms": 19},
...         {"depth": 400, "recall@10": 0.125, "p95_ms": 80}]
>>> choose_candidate_depth(rows, budget_ms=50, tolerance=0.005)     # 400 is over budget; 25 is within 0.005 of 50
25
"""
from __future__ import annotations

from aisd.core.errors import AisdError


def choose_candidate_depth(rows: list[dict], budget_ms: float, tolerance: float = 0.005) -> int:
    """The candidate depth to serve: among the depths whose ``p95_ms`` is within ``budget_ms``, the
    smallest one whose ``recall@10`` is within ``tolerance`` of the best recall@10 within budget
    (a smaller pool is cheaper, and a difference below the tolerance is noise); when no depth fits
    the budget, the smallest depth measured.

    Reference answer of notebook 09, exercise ``ex_choose_candidate_depth``.

    >>> choose_candidate_depth([{"depth": 10, "recall@10": 0.1, "p95_ms": 90}], budget_ms=50)
    10
    """
    if not rows:
        raise AisdError("no measured depths to choose from")
    fits = [r for r in rows if r["p95_ms"] <= budget_ms]
    if not fits:
        return int(min(r["depth"] for r in rows))
    best = max(r["recall@10"] for r in fits)
    return int(min(r["depth"] for r in fits if r["recall@10"] >= best - tolerance))


def quiz_recsys() -> dict[str, str]:
    """The self-quiz's answers.

    Reference answer of notebook 09, exercise ``ex_quiz_recsys``.

    >>> sorted(quiz_recsys())
    ['q1', 'q2', 'q3', 'q4']
    """
    return {"q1": "b", "q2": "c", "q3": "a", "q4": "b"}
