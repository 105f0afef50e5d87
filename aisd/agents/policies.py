"""Scripted policies that drive the agent loop without a model: to test the loop, the tools and the scorer
apart from the model's judgement.

``evidence_policy(task)`` acts without labels (it searches with the question and reads the hits in rank
order, like a careful person would) and uses the task's labels only to *recognise* evidence, as a perfect
reader would: it stops reading once every supporting passage has been read, computes the labelled
expression, and answers with the reference answer, or "I don't know" when the search never showed the
evidence. Its success is therefore an upper bound for a model over these tools: what the tools and the loop
make possible. Its step count is what a perfect reader needs, which prices a step budget.

>>> from aisd.agents.data import load_tasks
>>> from aisd.agents.research import ResearchTools
>>> from aisd.agents.loop import Agent
>>> from aisd.agents.guards import Budget
>>> tools = ResearchTools.from_collection(paths.DATASETS / "pydoc_qa")
>>> task = load_tasks()[0]
>>> trace = Agent(tools.registry(), policy=evidence_policy(task), budget=Budget(max_steps=10)).run(task.question)
>>> [s.tool for s in trace.steps], task.solved_by(trace.answer)    # its passage is the third hit
(['search', 'read_document', 'read_document', 'read_document', 'final_answer'], True)
>>> trace.counters["llm_calls"], trace.tokens()
(0, 0)
"""
from __future__ import annotations

import re

from aisd.core import paths# noqa: F401  (the example above)
from aisd.agents.loop import FINAL, Policy
from aisd.agents.data import Task
from aisd.agents.tools import ToolCall

HIT = re.compile(r"^\[([^\]]+)\]", flags=re.M)
ABSTAIN = "I don't know"


def hits_of(observation: str) -> list[str]:
    """The passage ids of a ``search`` observation, in rank order.

    >>> hits_of("[with/1] The with statement: ...\\n[try/9] The try statement: ...")
    ['with/1', 'try/9']
    """
    return HIT.findall(observation or "")


def evidence_policy(task: Task, k: int = 5) -> Policy:
    """A policy that searches ``task``'s question (top ``k``), reads the hits in rank order until every
    supporting passage has been read, calculates if the task is a calculation, and answers (see the module)."""
    needed = set(task.supporting_ids)

    def policy(question: str, history: list) -> ToolCall:
        if not history:
            return ToolCall("search", {"query": question, "k": k})
        hits = hits_of(history[0][1])
        read = [c.arguments["doc_id"] for c, _ in history if c.name == "read_document"]
        if not task.answerable:                            # read the best hit, find nothing, abstain
            if hits and not read:
                return ToolCall("read_document", {"doc_id": hits[0]})
            return ToolCall(FINAL, {"answer": ABSTAIN, "sources": []})
        if needed - set(read):
            unread = [h for h in hits if h not in read]
            if unread:
                return ToolCall("read_document", {"doc_id": unread[0]})
            return ToolCall(FINAL, {"answer": ABSTAIN, "sources": []})      # the evidence never showed up
        if task.calculation and not any(c.name == "calculate" for c, _ in history):
            return ToolCall("calculate", {"expression": task.calculation["expression"]})
        return ToolCall(FINAL, {"answer": task.answer, "sources": sorted(needed)[:3]})
    return policy


def repeating_policy(call: ToolCall) -> Policy:
    """A policy stuck on one call (what a weak model often does): for the loop guard to stop.

    >>> p = repeating_policy(ToolCall("search", {"query": "x"}))
    >>> p("task", []).name, p("task", [(None, "")]).name
    ('search', 'search')
    """
    return lambda question, history: call


def script_policy(calls: list[ToolCall]) -> Policy:
    """A policy that makes ``calls`` in order, then answers "I don't know".

    >>> p = script_policy([ToolCall("calculate", {"expression": "1+1"})])
    >>> p("t", []).name, p("t", [(None, "2")]).name
    ('calculate', 'final_answer')
    """
    def policy(question: str, history: list) -> ToolCall:
        if len(history) < len(calls):
            return calls[len(history)]
        return ToolCall(FINAL, {"answer": ABSTAIN, "sources": []})
    return policy
