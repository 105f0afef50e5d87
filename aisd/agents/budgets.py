"""Choosing an agent's step budget from replayed runs: a bigger budget lets long tasks finish, and lets
hopeless ones burn more steps before they give up.

A run at a generous budget says, per task, how many steps it took (tool calls and the final answer) and
whether it solved the task. The loop is deterministic, so at a budget of ``b`` steps the same run is cut
after ``b`` steps: a task that needed ``steps <= b`` ends as it did (``steps`` paid; a person takes over
when it was not solved), and a longer one is stopped with no answer (``b`` steps paid, and a person takes
over).

>>> runs = [{"steps": 3, "solved": True}, {"steps": 5, "solved": True}, {"steps": 7, "solved": False}]
>>> choose_step_budget(runs, step_cost=0.1, escalation_cost=2.0)
5
"""
from __future__ import annotations

from typing import Sequence

MAX_BUDGET = 10              # the candidates are 1, 2, ..., MAX_BUDGET steps


def choose_step_budget(runs: Sequence[dict], step_cost: float, escalation_cost: float) -> int:
    """The step budget (1 to ``MAX_BUDGET``) with the lowest mean cost per task over ``runs``
    (``[{"steps": int, "solved": bool}, ...]``): ``step_cost`` per step paid, plus ``escalation_cost`` for each
    task not solved within the budget. Among equally cheap budgets, the smallest.

    Reference answer of notebook 03, exercise ``ex_choose_step_budget``.

    >>> choose_step_budget([{"steps": 4, "solved": True}], step_cost=1.0, escalation_cost=2.0)
    1
    """
    best, best_cost = 1, float("inf")
    for budget in range(1, MAX_BUDGET + 1):
        total = 0.0
        for run in runs:
            if run["steps"] <= budget:
                total += run["steps"] * step_cost + (0.0 if run["solved"] else escalation_cost)
            else:
                total += budget * step_cost + escalation_cost
        cost = total / max(len(runs), 1)
        if cost < best_cost - 1e-12:
            best, best_cost = budget, cost
    return best
