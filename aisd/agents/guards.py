"""Budgets and loop detection: when an agent must stop, decided before each step.

An agent left alone can spend without end: calling the same tool again and again, or thinking
for ever on a hard task. The loop asks :func:`should_stop` before every step.

>>> budget = Budget(max_steps=3, max_tokens=1000, deadline_s=30)
>>> should_stop([], tokens_used=0, elapsed_s=0.0, budget=budget) is None
True
>>> should_stop([("search", {"q": "a"}), ("search", {"q": "b"}), ("read", {"id": "a/1"})], 10, 1.0, budget)
'steps'
"""
from __future__ import annotations

import json
from dataclasses import dataclass

STOP_REASONS = ("steps", "tokens", "deadline", "loop")


@dataclass(frozen=True)
class Budget:
    """What one task may spend: tool steps, LLM tokens (in + out), wall-clock seconds, and how many
    times the very same call may be made (``max_repeats=1``: never twice; the default 2 lets the agent
    loop warn the model once, without running the call again, before it stops)."""
    max_steps: int = 6
    max_tokens: int = 6000
    deadline_s: float = 60.0
    max_repeats: int = 2


def _key(call) -> str:
    name, arguments = call if isinstance(call, tuple) else (call.name, call.arguments)
    return name + json.dumps(arguments, sort_keys=True)


def repeats(calls: list) -> int:
    """How many times the most repeated call (same tool, same arguments) was made.

    >>> repeats([("f", {"a": 1}), ("g", {}), ("f", {"a": 1})])
    2
    >>> repeats([])
    0
    """
    counts: dict[str, int] = {}
    for call in calls:
        counts[_key(call)] = counts.get(_key(call), 0) + 1
    return max(counts.values(), default=0)


def should_stop(calls: list, tokens_used: int, elapsed_s: float, budget: Budget) -> str | None:
    """Why the agent must stop now, or None to go on.

    ``calls`` are the tool calls made so far, as ``(name, arguments)`` pairs (or objects with ``.name``
    and ``.arguments``). The reasons, checked in this order: ``'loop'`` (a call was made more than
    ``budget.max_repeats`` times), ``'steps'`` (``budget.max_steps`` calls made), ``'tokens'``
    (``tokens_used`` reached ``budget.max_tokens``), ``'deadline'`` (``elapsed_s`` reached
    ``budget.deadline_s``).

    >>> b = Budget(max_steps=5, max_tokens=100, deadline_s=10, max_repeats=1)
    >>> should_stop([("f", {"a": 1}), ("f", {"a": 1})], 0, 0.0, b)
    'loop'
    >>> should_stop([("f", {"a": 1}), ("f", {"a": 2})], 0, 0.0, b) is None
    True
    >>> should_stop([], 100, 0.0, b), should_stop([], 0, 10.0, b)
    ('tokens', 'deadline')
    """
    if repeats(calls) > budget.max_repeats:
        return "loop"
    if len(calls) >= budget.max_steps:
        return "steps"
    if tokens_used >= budget.max_tokens:
        return "tokens"
    if elapsed_s >= budget.deadline_s:
        return "deadline"
    return None
