"""The research agent's requirements (one :class:`aisd.toolkit.requirements.Requirements`) and its design (an
:class:`aisd.toolkit.design.Design`, drawn by :func:`aisd.toolkit.design.render`).

A step of a hosted agent re-reads its whole context (the tool schemas, the history, the passages it read), so a
step is priced at ``context_tokens_per_step`` in and ``completion_tokens_per_step`` out at ``step_price_model``'s
list price, whatever the local model's own (shorter) contexts were.

>>> REQUIREMENTS.tasks_per_day, REQUIREMENTS.escalation_cost_usd
(2000, 2.0)
>>> round(REQUIREMENTS.step_cost_usd, 4)          # 8,000 tokens in, 300 out at claude-sonnet-4-5
0.0285
>>> REQUIREMENTS.replace(tasks_per_day=20_000).tasks_per_day
20000
>>> "gate" in DESIGN.nodes
True
"""
from __future__ import annotations

from aisd.runtime import usage
from aisd.toolkit.design import Design
from aisd.toolkit.requirements import Requirements

REQUIREMENTS = Requirements(
    prompt=("Design an agent that answers research questions: it searches our documentation, reads what it finds, "
            "calculates, and writes a short answer with its sources. How does it plan, which tools does it have, how "
            "does it recover from errors, when does a person approve a step, what does a task cost, and how do you "
            "know it works?"),
    functional=["answer questions about Python from the documentation, citing the passages it used",
                "search and read on its own; run code only with a person's approval",
                "say \"I don't know\" when the documentation does not cover the question",
                "hand every task it does not solve to a person"],
    tasks_per_day=(2_000, "tasks/day", "engineers' research questions"),
    deadline_s=(60, "s per task", "research, not chat: an answer within a minute is fine"),
    escalation_cost_usd=(2.00, "USD per task", "a person answers a task the agent did not solve"),
    context_tokens_per_step=(8_000, "tokens in per step", "tool schemas, history and passages, re-read every step"),
    completion_tokens_per_step=(300, "tokens out per step", "one tool call or a short answer with reasoning"),
    step_price_model=("claude-sonnet-4-5", "hosted model", "a frontier model prices the step"),
    risky_tools=(("run_python",), "tools", "code runs only with a person's approval"),
    derived={"step_cost_usd": (lambda r: usage.cost(r.step_price_model, r.context_tokens_per_step,
                                                    r.completion_tokens_per_step), "USD per step"),
             "escalation_usd_per_day": (lambda r: r.tasks_per_day * r.escalation_cost_usd,
                                        "USD/day if a person did every task")},
)

DESIGN = Design(
    nodes={"user": ("client", "engineer asks a question"),
           "loop": ("service", "agent loop (ReAct: act, observe, repeat)"),
           "llm": ("llm", "LLM: next tool call or final answer"),
           "check": ("service", "parse + schema check (repair once)"),
           "guard": ("service", "budget + loop guard: steps, tokens, deadline"),
           "gate": ("service", "approval gate for risky tools"),
           "person": ("human", "person: approves code, answers escalated tasks"),
           "tools": ("service", "tools: search, read, calculate, python sandbox, notes"),
           "docs": ("vector_store", "BM25 index of the documentation"),
           "notes": ("storage", "notes: memory across steps"),
           "trace": ("storage", "trace: every step, tokens, latency, cost"),
           "eval": ("evaluation", "labelled tasks: success, citations, held-out split"),
           "monitor": ("monitoring", "metrics: success, cost per task p95, loop rate, approvals")},
    edges=[("user", "loop", "task"), ("loop", "llm", "messages + tool schemas"), ("llm", "check", "tool call"),
           ("check", "llm", "invalid: repair"), ("check", "guard", "valid call"), ("guard", "gate", "within budget"),
           ("guard", "person", "budget spent: escalate"), ("gate", "tools", "safe or approved"),
           ("gate", "person", "risky"), ("person", "tools", "approved"), ("tools", "docs", "search"),
           ("tools", "notes", "save_note"), ("tools", "loop", "observation or error"),
           ("loop", "user", "answer + sources"), ("loop", "trace", "every step"), ("trace", "monitor"),
           ("trace", "eval", "task success, cost"), ("eval", "loop", "budgets, prompts")],
)
