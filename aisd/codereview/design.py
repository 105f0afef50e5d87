"""The code-review assistant's requirements as data, and its design as a :class:`aisd.toolkit.design.Design`.

>>> REQUIREMENTS["engineers"], REQUIREMENTS["comment_budget_per_pr"]
(500, 3)
>>> prs_per_month() == 500 * 2 * 21
True
>>> "tests" in DESIGN.nodes
True
"""
from __future__ import annotations

from aisd.toolkit.design import Design

# What the interviewer answered (assumptions stated in notebook 07's requirements section).
REQUIREMENTS = {
    "engineers": 500,
    "prs_per_engineer_per_day": 2,
    "working_days_per_month": 21,
    "review_latency_budget_s": 600,          # a first review within 10 minutes of opening the PR
    "comment_budget_per_pr": 3,              # developers read about three comments; more is noise
    "min_comment_precision": 0.8,            # below this, developers stop reading the bot
    "max_false_alarm_rate": 0.05,            # share of clean PRs that may get any comment
    "false_block_cost_usd": 100.0,           # a clean PR blocked: an engineer waits, asks for an override
    "missed_bug_cost_usd": 250.0,            # a bug merged: found later in QA or production
}


def prs_per_month(requirements: dict = REQUIREMENTS) -> int:
    """Pull requests a month: engineers x PRs a day x working days."""
    r = requirements
    return r["engineers"] * r["prs_per_engineer_per_day"] * r["working_days_per_month"]


DESIGN = Design(
    nodes={"dev": ("client", "developer opens a PR"), "hook": ("queue", "PR webhook queue"),
           "agent": ("service", "review agent: policy, merge, rank, budget"),
           "diff": ("service", "diff parser: changed lines"),
           "static": ("service", "static analysis: ruff, pyflakes, bandit"),
           "tests": ("service", "tests in a sandbox: no network, time + memory limits"),
           "llm": ("llm", "LLM: explain + suggest a fix (JSON)"),
           "gate": ("service", "merge gate: block or advise"),
           "log": ("storage", "traces: findings, comments, cost per PR"),
           "feedback": ("evaluation", "labelled bugs + accepted/rejected comments"),
           "monitor": ("monitoring", "metrics: precision, false alarms, latency p95, cost")},
    edges=[("dev", "hook", "diff"), ("hook", "agent"), ("agent", "diff"), ("agent", "static"), ("agent", "tests"),
           ("agent", "llm"), ("static", "agent", "findings"), ("tests", "agent", "failures"),
           ("llm", "agent", "findings"), ("agent", "gate", "ranked comments"), ("gate", "dev", "comments / block"),
           ("agent", "log"), ("log", "monitor"), ("log", "feedback"), ("feedback", "agent", "confidence per rule")])
