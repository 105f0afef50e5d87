"""The notebook's experiments, each a short loop over the review agent: run an approach over pull
requests, sweep a knob, choose a setting on the tuning split, break results down by bug kind.

>>> rows = [{"min_score": 0.1, "precision": 0.7, "false_alarm_rate": 0.2, "bug_recall": 0.9},
...         {"min_score": 0.5, "precision": 0.85, "false_alarm_rate": 0.05, "bug_recall": 0.8},
...         {"min_score": 0.9, "precision": 0.95, "false_alarm_rate": 0.0, "bug_recall": 0.5}]
>>> choose_min_score(rows, min_precision=0.8, max_false_alarm_rate=0.1)
0.5
"""
from __future__ import annotations

import copy
import dataclasses
import math

import pandas as pd

from aisd.agents import traces_table
from aisd.codereview.evaluate import per_pr, review_metrics


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


def choose_min_score(rows: list[dict], min_precision: float, max_false_alarm_rate: float) -> float:
    """The lowest ``min_score`` (most bugs found) whose comments meet the noise budget: precision at
    least ``min_precision`` and false alarms at most ``max_false_alarm_rate``; ``inf`` (post nothing)
    when none does."""
    ok = [r["min_score"] for r in rows if not math.isnan(r["precision"]) and r["precision"] >= min_precision
          and r["false_alarm_rate"] <= max_false_alarm_rate]
    return min(ok) if ok else math.inf


def by_kind(prs: list[dict], comments_by_approach: dict[str, dict[str, list[dict]]]) -> pd.DataFrame:
    """Share of buggy pull requests found, per bug kind (rows) and approach (columns); for clean kinds,
    the share of pull requests with a false alarm."""
    by_id = {p["pr_id"]: p for p in prs}
    table = {}
    for name, comments in comments_by_approach.items():
        rows = pd.DataFrame(per_pr({k: v for k, v in by_id.items() if k in comments}, comments))
        rows["hit"] = rows["found"].where(rows["label"] == "bug", rows["comments"] > 0)
        table[name] = rows.groupby(["label", "kind"])["hit"].mean()
    out = pd.DataFrame(table)
    counts = pd.Series([(p["label"], p["kind"]) for p in prs]).value_counts()
    out.insert(0, "PRs", [counts.get(i, 0) for i in out.index])
    return out.round(2)
