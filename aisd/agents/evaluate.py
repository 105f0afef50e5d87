"""Comparing approaches on the labelled research tasks: task success with a bootstrap interval, citation
support, abstention, steps, tokens, latency and cost per task.

>>> from aisd.agents.tasks import load_tasks
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

from aisd.rag.decisions import bootstrap_ci
from aisd.runtime import usage
from aisd.agents.trace import is_abstention, traces_table

PRICE_MODEL = "gpt-4o-mini"      # the same tokens priced at a hosted model's list price


def per_task(runs: dict, tasks: list, price_model: str = PRICE_MODEL) -> pd.DataFrame:
    """One row per (approach, task): success, cited a supporting passage, abstained, steps, LLM calls,
    tokens, seconds and cost in USD at ``price_model``'s list price (tasks an approach did not run are skipped)."""
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
    return pd.DataFrame(rows)


def compare(runs: dict, tasks: list, price_model: str = PRICE_MODEL) -> pd.DataFrame:
    """Per approach: tasks, task success with its 95 % bootstrap interval, citation support (answerable
    tasks whose sources include a supporting passage), abstention on unanswerable tasks, and the means of
    steps, LLM calls, tokens and seconds per task, and USD per 1,000 tasks."""
    table = per_task(runs, tasks, price_model)
    rows = []
    for approach, group in table.groupby("approach", sort=False):
        lo, hi = bootstrap_ci(group["success"])
        unanswerable = group[group["kind"] == "unanswerable"]
        rows.append({"approach": approach, "tasks": len(group), "success": group["success"].mean(),
                     "success 95% CI": f"[{lo:.2f}, {hi:.2f}]", "ci_low": lo, "ci_high": hi,
                     "citation support": group["cited_support"].mean(),
                     "abstains when unanswerable": unanswerable["abstained"].mean() if len(unanswerable) else np.nan,
                     "steps": group["steps"].mean(), "llm_calls": group["llm_calls"].mean(),
                     "tokens": group["tokens"].mean(), "seconds": group["seconds"].mean(),
                     f"USD/1,000 tasks at {price_model}": 1000 * group["cost_usd"].mean()})
    return pd.DataFrame(rows).set_index("approach")


def quiz_agents() -> dict[str, str]:
    """The self-quiz key of notebook 03.

    Reference answer of notebook 03, exercise ``ex_quiz_agents``.
    """
    return {"q1": "b", "q2": "c", "q3": "a", "q4": "b"}
