"""The notebook's experiments, each a short loop over the review agent: run an approach over pull requests, the
seconds each tool took, sweep a knob (the choices themselves are :mod:`aisd.codereview.decisions`).

>>> tool_seconds([]).empty
True
"""
from __future__ import annotations

import copy
import dataclasses

import pandas as pd

from aisd.agents import traces_table
from aisd.codereview.evaluate import review_metrics


def run_approach(agent, prs: list[dict]) -> tuple[dict[str, list[dict]], list]:
    """``({pr_id: comments}, [trace, ...])`` of ``agent`` over ``prs``."""
    comments, traces = {}, []
    for pr in prs:
        posted, trace = agent.review(pr)
        comments[pr["pr_id"]] = posted
        traces.append(trace)
    return comments, traces


def tool_seconds(traces: list) -> pd.DataFrame:
    """Seconds per pull request spent in each tool (measured when the tool ran)."""
    steps = traces_table(traces)
    return steps.pivot_table(index="task_id", columns="tool", values="latency_s", aggfunc="sum", fill_value=0.0)


def sweep_min_score(agent, prs: list[dict], thresholds) -> list[dict]:
    """Review metrics of ``agent`` at each ``min_score`` (everything else as in its policy)."""
    by_id = {p["pr_id"]: p for p in prs}
    rows = []
    for t in thresholds:
        a = copy.copy(agent)
        a.policy = dataclasses.replace(agent.policy, min_score=float(t))
        comments, _ = run_approach(a, prs)
        rows.append({"min_score": float(t), **review_metrics(by_id, comments)})
    return rows
