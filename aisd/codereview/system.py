"""The code-review assistant's requirements (one :class:`aisd.toolkit.requirements.Requirements`) and its design
(an :class:`aisd.toolkit.design.Design`, drawn by :func:`aisd.toolkit.design.render`).

>>> REQUIREMENTS.engineers, REQUIREMENTS.comment_budget_per_pr, REQUIREMENTS.prs_per_month
(500, 3, 21000)
>>> REQUIREMENTS.replace(engineers=5000).prs_per_month          # ten times the engineers
210000
>>> "tests" in DESIGN.nodes
True
"""
from __future__ import annotations

from aisd.toolkit.design import Design
from aisd.toolkit.requirements import Requirements

REQUIREMENTS = Requirements(
    prompt=("Our 500 engineers open about a thousand pull requests a day. Design an assistant that reviews them: it "
            "should find real bugs and security problems, comment on the right line, and not drown developers in "
            "noise."),
    functional=["comment on the lines a pull request changed: bugs and security problems, each with a fix",
                "advise, or block the merge when a finding is worth a block",
                "run the code under review (untrusted) only in a sandbox"],
    engineers=(500, "engineers"),
    prs_per_engineer_per_day=(2, "PRs/engineer/working day"),
    working_days_per_month=(21, "days/month"),
    review_latency_budget_s=(600, "s", "a first review while CI runs, before a human looks"),
    comment_budget_per_pr=(3, "comments/PR", "developers read about three comments; more is noise"),
    min_comment_precision=(0.8, "share of comments right", "below this, developers stop reading the bot"),
    max_false_alarm_rate=(0.05, "share of clean PRs commented on", "the interviewer's answer for the whole agent"),
    mute_false_alarm_rate=(0.2, "share of clean PRs commented on",
                           "the interviewer: teams mute a bot that comments on more than one clean PR in five"),
    false_block_cost_usd=(100.0, "USD per clean PR blocked", "an engineer waits and asks for an override"),
    missed_bug_cost_usd=(250.0, "USD per buggy PR merged", "found later, in QA or production"),
    bug_prevalence=(0.10, "share of PRs with a bug",
                    "an assumption for production; the benchmark has one bug per two PRs"),
    derived={"prs_per_month": (lambda r: r.engineers * r.prs_per_engineer_per_day * r.working_days_per_month,
                               "PRs/month")},
)

DESIGN = Design(
    nodes={"dev": ("client", "developer opens a PR"), "hook": ("queue", "PR webhook queue"),
           "agent": ("service", "review agent: policy, merge, rank, budget"),
           "diff": ("service", "diff parser: changed lines"),
           "static": ("service", "static analysis: ruff, pyflakes, bandit"),
           "tests": ("service", "tests in a sandbox: no network, time + memory limits"),
           "llm": ("llm", "LLM: findings as JSON"),
           "verify": ("service", "verify: the LLM's failing test, run in the sandbox"),
           "gate": ("service", "merge gate: block or advise"),
           "log": ("storage", "traces: findings, comments, cost per PR"),
           "feedback": ("evaluation", "labelled bugs + accepted/rejected comments"),
           "monitor": ("monitoring", "metrics: precision, false alarms, latency p95, cost")},
    edges=[("dev", "hook", "diff"), ("hook", "agent"), ("agent", "diff"), ("agent", "static"), ("agent", "tests"),
           ("agent", "llm"), ("static", "agent", "findings"), ("tests", "agent", "failures"),
           ("llm", "verify", "claims"), ("verify", "agent", "verified findings"),
           ("agent", "gate", "ranked comments"), ("gate", "dev", "comments / block"),
           ("agent", "log"), ("log", "monitor"), ("log", "feedback"), ("feedback", "agent", "confidence per rule")])
