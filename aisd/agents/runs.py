"""Stored runs of the small local model (Qwen2.5-Coder-1.5B, :data:`aisd.runtime.models.STORED_TIER`) on the
research tasks, so that notebook 03 can compare approaches on every task within its time budget (the model needs
seconds per agent step).

Four approaches, each on the same tasks, each run as a :class:`~aisd.agents.trace.Trace`:

- ``direct``: one LLM call, no tools (the model answers from what it knows);
- ``retrieve``: retrieve once, then answer (notebook 02's pipeline: BM25 top 3, the answer cites ``[id]``);
- ``react``: the agent, step by step (first step forced to ``search``), :data:`AGENT_BUDGET`;
- ``plan``: the agent, plan-then-execute, the same budget.

Regenerate (after a change to the tasks, the tools, the loop or the model) with ``aisd precompute 03 runs``
(:func:`aisd.agents.precompute.runs`: held-out tasks first; a record already made by the same model is kept, so a
stopped run continues), or ``python -m aisd.agents.precompute runs --split heldout --approaches react plan --redo``,
which rewrites the records it runs in ``datasets/research_tasks/runs_small.jsonl`` and keeps the others.

>>> record = to_record(Trace(task_id="rt01", task="q?", answer="42"), "direct")
>>> from_record(record).answer, record["approach"]
('42', 'direct')
"""
from __future__ import annotations

import json
import time
from dataclasses import asdict
from pathlib import Path

from aisd.core import paths
from aisd.core.errors import AisdError

from aisd.rag import generation as rag
from aisd.agents.guards import Budget
from aisd.agents.loop import Agent
from aisd.agents.research import ResearchTools
from aisd.agents.data import Task
from aisd.agents.trace import StepRecord, Trace

RUNS_FILE = paths.DATASETS / "research_tasks" / "runs_small.jsonl"
APPROACHES = ("direct", "retrieve", "react", "plan")
# Generous, so that the notebook can choose the step budget from these runs: 6 tool steps (then one forced final
# answer), and a deadline that a busy machine (10x slower) does not hit before the steps run out.
AGENT_BUDGET = Budget(max_steps=6, max_tokens=16000, deadline_s=900.0)
DIRECT_SYSTEM = ("Answer the question about Python in a few words. If you do not know, answer exactly: "
                 "I don't know.")
MAX_TOKENS = 60          # a short answer (the reference answers are a few words)


class RunsError(AisdError):
    """An approach or a stored-runs file that does not exist."""


def to_record(trace: Trace, approach: str) -> dict:
    """A trace as one JSON-ready record, with the approach that produced it."""
    return {"approach": approach, **asdict(trace)}


def from_record(record: dict) -> Trace:
    """The :class:`Trace` stored in ``record`` (the approach is dropped)."""
    fields = {k: v for k, v in record.items() if k != "approach"}
    fields["steps"] = [StepRecord(**s) for s in fields.get("steps", [])]
    return Trace(**fields)


def load_runs(path: str | Path = RUNS_FILE) -> dict[str, dict[str, Trace]]:
    """``{approach: {task_id: Trace}}`` from the stored runs (empty when there are none).

    >>> runs = load_runs()
    >>> sorted(runs) == sorted(APPROACHES) and len(runs["react"]) >= 20
    True
    """
    path = Path(path)
    out: dict[str, dict[str, Trace]] = {}
    if not path.is_file():
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            out.setdefault(record["approach"], {})[record["task_id"]] = from_record(record)
    return out


def _one_call(task: Task, messages: list[dict], client, model: str, sources: list[str]) -> Trace:
    trace = Trace(task_id=task.id, task=task.question, model=model, counters={"llm_calls": 1})
    started = time.perf_counter()
    try:
        reply = client.chat.completions.create(model=model, messages=messages, max_tokens=MAX_TOKENS,
                                               temperature=0.0)
    except Exception as exc:                    # a timeout on a busy machine: recorded, not hidden
        trace.stop_reason, trace.seconds = f"llm error: {type(exc).__name__}", time.perf_counter() - started
        return trace
    latency = time.perf_counter() - started
    answer = (reply.choices[0].message.content or "").strip()
    used = reply.usage
    trace.answer, trace.stop_reason, trace.seconds = answer, "answered", latency
    trace.sources = rag.parse_citations(answer) if sources else []
    trace.add(step=1, kind="final", tool=None, arguments={"answer": answer, "passages": sources}, observation="",
              prompt_tokens=used.prompt_tokens if used else 0,
              completion_tokens=used.completion_tokens if used else 0, latency_s=latency)
    return trace


def run_direct(task: Task, client, model: str) -> Trace:
    """One LLM call, no tools."""
    messages = [{"role": "system", "content": DIRECT_SYSTEM}, {"role": "user", "content": task.question}]
    return _one_call(task, messages, client, model, [])


def run_retrieve(task: Task, tools: ResearchTools, client, model: str, k: int = rag.ANSWER_K) -> Trace:
    """Retrieve once (the tools' retriever, top ``k``), then one LLM call answering with citations."""
    ids = tools.retriever.search(task.question, tools.config, k=k).ids
    passages = [(i, tools.corpus[i]["title"] + "\n" + tools.corpus[i]["text"]) for i in ids]
    messages = rag.build_messages(task.question, passages, max_chars=rag.PASSAGE_CHARS)
    return _one_call(task, messages, client, model, ids)


def run_agent(task: Task, tools: ResearchTools, strategy: str, budget: Budget = AGENT_BUDGET, **agent) -> Trace:
    """The agent over the research tools (fresh notes), ``strategy`` ``"react"`` or ``"plan"``."""
    tools.notes.clear()
    tools.read_ids.clear()
    first = "search" if strategy == "react" else None
    return Agent(tools.registry(), budget=budget, first_tool=first, **agent).run(task.question, task.id, strategy)


def run(approach: str, task: Task, tools: ResearchTools, client, model: str) -> Trace:
    """One approach on one task."""
    if approach == "direct":
        return run_direct(task, client, model)
    if approach == "retrieve":
        return run_retrieve(task, tools, client, model)
    if approach in ("react", "plan"):
        return run_agent(task, tools, approach, client=client, model=model)
    raise RunsError(f"approach must be one of {APPROACHES}, not {approach!r}")
