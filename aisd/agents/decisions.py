"""Notebook 03's decisions, each scored by its outcome on replayed runs.

``choose_step_budget``: a bigger step budget lets long tasks finish, and lets hopeless ones burn more steps
before a person takes over. Replayed runs (:func:`aisd.agents.evaluate.replay_rows`) say, per task, how many
steps (LLM calls) the stored run made and whether it solved the task. The loop is deterministic (temperature
0), so under a budget of ``b`` steps the same run is cut after ``b`` steps: a run that needed ``steps <= b``
ends as it did (``steps`` paid; a person takes over when it was not solved), and a longer one is counted as
not solved (``b`` steps paid, and a person takes over). That is pessimistic: the loop forces a final answer
when the budget runs out, which a replay cannot know, and it cannot replay a budget bigger than the runs had.

>>> runs = [{"steps": 3, "solved": True}, {"steps": 5, "solved": True}, {"steps": 7, "solved": False}]
>>> choose_step_budget(runs, step_cost=0.1, escalation_cost=2.0)
5
"""
from __future__ import annotations

from typing import Sequence

from aisd.agents.evaluate import budget_cost
from aisd.agents.system import REQUIREMENTS

MAX_BUDGET = 7       # the stored runs' own: 6 tool steps and the forced final answer


def choose_step_budget(runs: Sequence[dict], step_cost: float, escalation_cost: float) -> int:
    """The step budget (1 to :data:`MAX_BUDGET`) with the lowest mean cost per task over ``runs``
    (``[{"steps": int, "solved": bool}, ...]``, see the module); among equally cheap budgets, the smallest.

    Reference answer of notebook 03, exercise ``ex_choose_step_budget`` (the grade is the outcome of a budget on
    held-out runs, not this exact choice).

    >>> choose_step_budget([{"steps": 4, "solved": True}], step_cost=1.0, escalation_cost=2.0)
    1
    """
    return min(range(1, MAX_BUDGET + 1),
               key=lambda b: (round(budget_cost(runs, b, step_cost, escalation_cost), 12), b))


def token_budget() -> tuple[int, str]:
    """``(tokens, why)``: the token budget per task (tokens in and out, summed over a task's LLM calls) that the
    design is held to, and the one-line reason: twice the longest stored tuning ReAct run of the small model, so
    the runs that succeed finish, and far below the worst case the requirements allow (a task that runs to the
    budget, priced like a step at the requirements' model, costs at most a quarter of the person it replaces).

    Reference answer of notebook 03, exercise ``ex_token_budget``.

    >>> tokens, why = token_budget()
    >>> tokens * REQUIREMENTS.step_cost_usd / (REQUIREMENTS.context_tokens_per_step
    ...     + REQUIREMENTS.completion_tokens_per_step) <= REQUIREMENTS.escalation_cost_usd / 4
    True
    """
    from aisd.agents.data import load_tasks
    from aisd.agents.evaluate import per_task
    from aisd.agents.runs import load_runs

    tuning = per_task({"react": load_runs()["react"]}, load_tasks(split="tuning"))
    return (int(2 * tuning["tokens"].max()),
            "twice the longest tuning run, so runs that succeed finish; the worst case stays far below a quarter "
            "of a person's cost")
