"""Comparing approaches on the labelled research tasks: task success with its Wilson interval, citation support,
abstention, steps, tokens, latency and cost per task; paired differences; replayed runs for a step budget.

>>> from aisd.agents.data import load_tasks
>>> from aisd.agents.trace import Trace
>>> tasks = load_tasks(split="heldout")[:2]
>>> runs = {"echo": {t.id: Trace(task_id=t.id, task=t.question, answer=t.answer, sources=t.supporting_ids,
...                              stop_reason="answered") for t in tasks}}
>>> compare(runs, tasks).loc["echo", ["tasks", "success", "citation support"]].tolist()
[2.0, 1.0, 1.0]
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from aisd.agents.trace import is_abstention, traces_table
from aisd.runtime import usage
from aisd.toolkit import stats

PRICE_MODEL = "gpt-4o-mini"      # the same tokens priced at a hosted model's list price
PER_TASK_COLUMNS = ["approach", "task_id", "kind", "success", "cited_support", "abstained", "answered", "steps",
                    "llm_calls", "tokens", "seconds", "cost_usd", "stop_reason"]


def per_task(runs: dict, tasks: list, price_model: str = PRICE_MODEL) -> pd.DataFrame:
    """One row per (approach, task): success, cited a supporting passage, abstained, steps, LLM calls,
    tokens, seconds and cost in USD at ``price_model``'s list price (tasks an approach did not run are skipped).

    >>> list(per_task({}, []).columns) == PER_TASK_COLUMNS
    True
    """
    rows = []
    for approach, traces in runs.items():
        for task in tasks:
            trace = traces.get(task.id)
            if trace is None:
                continue
            steps = traces_table([trace])
            rows.append({
                "approach": approach, "task_id": task.id, "kind": task.kind,
                "success": float(task.solved_by(trace.answer)),
                "cited_support": float(bool(set(trace.sources) & set(task.supporting_ids))) if task.answerable
                else np.nan,
                "abstained": float(trace.answer is not None and is_abstention(trace.answer)),
                "answered": float(trace.answer is not None),
                "steps": len(trace.steps), "llm_calls": int((steps["prompt_tokens"] > 0).sum()),
                "tokens": trace.tokens(), "seconds": float(trace.seconds),
                "cost_usd": sum(usage.cost(price_model, s.prompt_tokens, s.completion_tokens) for s in trace.steps),
                "stop_reason": trace.stop_reason})
    return pd.DataFrame(rows, columns=PER_TASK_COLUMNS)


def compare(runs: dict, tasks: list, price_model: str = PRICE_MODEL) -> pd.DataFrame:
    """Per approach: tasks, task success with its 95 % Wilson interval, citation support (answerable tasks whose
    sources include a supporting passage), abstention on unanswerable tasks, the means of steps, LLM calls,
    tokens and seconds per task, and USD per 1,000 tasks."""
    table = per_task(runs, tasks, price_model)
    rows = []
    for approach, group in table.groupby("approach", sort=False):
        success = stats.proportion(group["success"].astype(bool).tolist())
        unanswerable = group[group["kind"] == "unanswerable"]
        rows.append({"approach": approach, "tasks": len(group), "success": success.estimate,
                     "success 95% CI (Wilson)": f"[{success.low:.2f}, {success.high:.2f}]",
                     "ci_low": success.low, "ci_high": success.high,
                     "citation support": group["cited_support"].mean(),
                     "abstains when unanswerable": unanswerable["abstained"].mean() if len(unanswerable) else np.nan,
                     "steps": group["steps"].mean(), "llm_calls": group["llm_calls"].mean(),
                     "tokens": group["tokens"].mean(), "seconds": group["seconds"].mean(),
                     f"USD/1,000 tasks at {price_model}": 1000 * group["cost_usd"].mean()})
    return pd.DataFrame(rows).set_index("approach")


def paired_against(runs: dict, tasks: list, baseline: str) -> pd.DataFrame:
    """Each approach's success minus ``baseline``'s on the tasks both ran (a paired bootstrap interval over
    tasks, :func:`aisd.toolkit.stats.paired_difference`).

    >>> from aisd.agents.data import load_tasks
    >>> from aisd.agents.trace import Trace
    >>> tasks = load_tasks(split="heldout")[:4]
    >>> right = {t.id: Trace(task_id=t.id, task="q", answer=t.answer) for t in tasks}
    >>> none = {t.id: Trace(task_id=t.id, task="q") for t in tasks}
    >>> paired_against({"a": right, "b": none}, tasks, "b").loc["a", "tasks"]
    4
    """
    rows = {}
    for approach, traces in runs.items():
        if approach == baseline:
            continue
        common = [t for t in tasks if t.id in traces and t.id in runs[baseline]]
        if not common:
            continue
        a = [t.solved_by(traces[t.id].answer) for t in common]
        b = [t.solved_by(runs[baseline][t.id].answer) for t in common]
        rows[approach] = {"tasks": len(common), "difference": stats.paired_difference(a, b)}
    return pd.DataFrame(rows).T


def replay_rows(traces: dict, tasks: list) -> list[dict]:
    """``[{"task_id", "kind", "steps", "solved"}, ...]``: per stored run of a task in ``tasks``, the LLM calls it
    made (its steps) and whether it solved the task; the input of a step-budget decision."""
    rows = []
    for task in tasks:
        trace = traces.get(task.id)
        if trace is None:
            continue
        calls = trace.counters.get("llm_calls") or sum(1 for s in trace.steps if s.prompt_tokens > 0)
        rows.append({"task_id": task.id, "kind": task.kind, "steps": int(max(calls, 1)),
                     "solved": bool(task.solved_by(trace.answer))})
    return rows


def budget_cost(runs, budget: int, step_cost: float, escalation_cost: float) -> float:
    """Mean cost per task of replayed ``runs`` under a budget of ``budget`` steps: a run within the budget pays
    its steps (and a person when it did not solve the task); a longer run is cut: ``budget`` steps and a person.

    >>> budget_cost([{"steps": 3, "solved": True}, {"steps": 7, "solved": False}], 5, 0.1, 2.0)
    1.4
    """
    runs = list(runs)
    total = 0.0
    for run in runs:
        if run["steps"] <= budget:
            total += run["steps"] * step_cost + (0.0 if run["solved"] else escalation_cost)
        else:
            total += budget * step_cost + escalation_cost
    return round(total / max(len(runs), 1), 12)
