"""The decisions notebook 09 makes from its measurements, each a reference answer of an exercise.

Each decision is graded on held-out users by its outcome, not by matching this rule: these are one valid
way to decide, not the only one.

>>> rows = [{"depth": 25, "recall@10": 0.118, "pool_size": 44, "p95_ms": 17},
...         {"depth": 50, "recall@10": 0.120, "pool_size": 88, "p95_ms": 19},
...         {"depth": 400, "recall@10": 0.125, "pool_size": 600, "p95_ms": 80}]
>>> choose_candidate_depth(rows, budget_ms=50)     # 400 is over budget; 50's extra 44 candidates buy only 0.002
25
"""
from __future__ import annotations

from aisd.core.errors import AisdError


def choose_candidate_depth(rows: list[dict], budget_ms: float) -> int:
    """The candidate depth to serve: among the depths whose ``p95_ms`` is within ``budget_ms``, the one
    with the most recall@10 net of its candidates' cost (``recall@10 - 0.0001 * pool_size``: 100 more
    candidates per request must buy 0.01 of recall@10); ties to the smaller depth; when no depth fits
    the budget, the smallest depth measured.

    Reference answer of notebook 09, exercise ``ex_choose_candidate_depth``.

    >>> choose_candidate_depth([{"depth": 10, "recall@10": 0.1, "pool_size": 18, "p95_ms": 90}], budget_ms=50)
    10
    """
    if not rows:
        raise AisdError("no measured depths to choose from")
    fits = [r for r in rows if r["p95_ms"] <= budget_ms]
    if not fits:
        return int(min(r["depth"] for r in rows))
    return int(max(fits, key=lambda r: (r["recall@10"] - 0.0001 * r["pool_size"], -r["depth"]))["depth"])


def choose_exploration(rows: list[dict], ctr_loss_budget: float) -> float:
    """The exploration rate to serve: the rate of ``rows`` (one per rate: ``exploration``, ``ctr_loss``,
    ``items_ever_clicked``, as :func:`aisd.recsys.simulate.exploration_sweep` returns) that gets the
    largest share of the catalogue clicked while its relative click-through loss stays within
    ``ctr_loss_budget`` less a margin of a tenth of the budget (tuning users are not the users it will
    serve); 0.0 when none fits.

    Reference answer of notebook 09, exercise ``ex_choose_exploration``.

    >>> rows = [{"exploration": 0.0, "ctr_loss": 0.0, "items_ever_clicked": 0.25},
    ...         {"exploration": 0.1, "ctr_loss": 0.06, "items_ever_clicked": 0.31},
    ...         {"exploration": 0.2, "ctr_loss": 0.13, "items_ever_clicked": 0.36}]
    >>> choose_exploration(rows, ctr_loss_budget=0.10), choose_exploration(rows, ctr_loss_budget=0.15)
    (0.1, 0.2)
    """
    if not rows:
        raise AisdError("no measured exploration rates to choose from")
    fits = [r for r in rows if r["ctr_loss"] <= 0.9 * ctr_loss_budget]
    if not fits:
        return 0.0
    return float(max(fits, key=lambda r: (r["items_ever_clicked"], -r["exploration"]))["exploration"])


def exploration_budget(rows: list[dict], discovery_goal: float) -> dict:
    """A click-through loss budget for exploration, set from the tuning sweep (``rows`` as
    :func:`aisd.recsys.simulate.exploration_sweep` returns): the smallest loss at which the discovery
    goal was met, plus two points for the difference between tuning and live users; when no measured
    rate met the goal, the largest loss measured (the goal needs more exploration than was tried).

    Reference answer of notebook 09, exercise ``ex_exploration_budget``.

    >>> rows = [{"exploration": 0.0, "ctr_loss": 0.0, "items_ever_clicked": 0.25},
    ...         {"exploration": 0.2, "ctr_loss": 0.13, "items_ever_clicked": 0.36}]
    >>> exploration_budget(rows, discovery_goal=0.33)["ctr_loss_budget"]
    0.15
    """
    if not rows:
        raise AisdError("no measured exploration rates to set a budget from")
    met = [r["ctr_loss"] for r in rows if r["items_ever_clicked"] >= discovery_goal]
    needed = min(met) if met else max(r["ctr_loss"] for r in rows)
    return {"ctr_loss_budget": round(needed + 0.02, 3),
            "why": "the smallest loss that met the discovery goal on tuning users, plus 2 points for the "
                   "difference between tuning and live users"}
