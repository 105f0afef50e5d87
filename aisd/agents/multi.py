"""Single agent against multi-agent: a planner fans a question out to researcher sub-agents, each of which
leaves notes, and a synthesis step answers from the notes alone.

- **planner**: one LLM call whose output is constrained to ``{"subquestions": [...]}`` (1 to
  :data:`MAX_RESEARCHERS` questions, each answerable from one passage);
- **researchers**: one ReAct :class:`~aisd.agents.loop.Agent` per sub-question, over ``search``,
  ``read_document`` and ``save_note`` only (no code), each with its own small budget
  (:data:`RESEARCHER_BUDGET`) and its own notes; told to save the fact it found, with the passage id, as a note;
- **memory**: the notes. The synthesis step never sees a researcher's transcript, only the notes it saved and
  its final answer (a researcher that saved no note passes its answer up as its note): a short context,
  whatever the researchers read. The notes are recorded in the trace as a step of kind ``"notes"``;
- **synthesis**: one LLM call forced to ``final_answer`` over the question and the notes.

The result is one :class:`~aisd.agents.trace.Trace`: every step of every agent in order, each step's ``note``
naming its agent (``planner``, ``researcher 1`` ...), the counters summed. The researchers here run one after
the other (one llama.cpp thread); :func:`critical_path_s` is the latency if they ran in parallel.

Regenerate the stored runs with ``aisd precompute 03 multi`` (:func:`aisd.agents.precompute.multi`: held-out
multi-hop tasks first, resumable).

>>> from aisd.agents.trace import Trace
>>> t = Trace(task_id="t", task="q")
>>> for note, s in [("planner", 2.0), ("researcher 1", 5.0), ("researcher 1", 1.0), ("researcher 2", 4.0),
...                 ("synthesis", 1.5)]:
...     _ = t.add(step=1, kind="tool", tool=None, arguments={}, observation="", prompt_tokens=0,
...               completion_tokens=0, latency_s=s, note=note)
>>> critical_path_s(t)      # 2 + max(5 + 1, 4) + 1.5
9.5
"""
from __future__ import annotations

import json
import time

from aisd.core import paths
from aisd.agents.guards import Budget
from aisd.agents.loop import FINAL, FINAL_SPEC, COUNTERS, Agent, chat
from aisd.agents.research import ResearchTools
from aisd.agents.tools import ToolCallError, ToolRegistry, parse_tool_call
from aisd.agents.trace import Trace

MAX_RESEARCHERS = 2          # the multi-hop tasks here join two facts; a third researcher would only add cost
RESEARCHER_BUDGET = Budget(max_steps=3, max_tokens=8000, deadline_s=600.0)
MULTI_FILE = paths.DATASETS / "research_tasks" / "runs_multi.jsonl"
DEADLINE_S = 1800.0          # the whole task (a busy machine is ten times slower than a quiet one)
PLAN_SCHEMA = {"type": "object", "properties": {"subquestions": {
    "type": "array", "minItems": 1, "maxItems": MAX_RESEARCHERS, "items": {"type": "string", "maxLength": 200}}},
    "required": ["subquestions"]}
PLANNER = ("You plan research on questions about Python. Split the question into 1 to "
           f"{MAX_RESEARCHERS} short sub-questions, each answerable from one passage of the Python documentation. "
           "A question that needs one fact gets one sub-question. Return JSON only.")
RESEARCHER = ("You research one sub-question about Python with tools. Search the documentation, read the passage "
              "that answers it, save the fact you found as a note with the passage id (save_note), then call "
              "final_answer with a short answer and the id. If the documentation does not say, answer \"I don't "
              "know\".")
SYNTHESIS = ("You answer a question about Python from your researchers' notes only. Give a short answer and the "
             "ids of the passages the notes cite. If the notes do not answer it, answer \"I don't know\".")


def researcher_registry(tools: ResearchTools) -> ToolRegistry:
    """A researcher's tools: search, read, notes (no code, so no approval needed)."""
    registry = ToolRegistry()
    for fn in (tools.search, tools.read_document, tools.save_note):
        registry.add(fn)
    return registry


def critical_path_s(trace: Trace) -> float:
    """The trace's latency if its researchers had run in parallel: planner + the slowest researcher + the rest."""
    lanes: dict[str, float] = {}
    other = 0.0
    for step in trace.steps:
        agent = (step.note or "").split(":")[0]
        if agent.startswith("researcher"):
            lanes[agent] = lanes.get(agent, 0.0) + step.latency_s
        else:
            other += step.latency_s
    return other + max(lanes.values(), default=0.0)


def notes_of(trace: Trace) -> list[str]:
    """The notes a multi-agent run passed to its synthesis step (its memory)."""
    return [n for s in trace.steps if s.kind == "notes" for n in (s.arguments or {}).get("notes", [])]


def _copy_steps(into: Trace, source: Trace, agent: str, offset: int) -> None:
    for s in source.steps:
        record = into.add(step=offset + s.step, kind=s.kind, tool=s.tool, arguments=s.arguments, observation="",
                          prompt_tokens=s.prompt_tokens, completion_tokens=s.completion_tokens, latency_s=s.latency_s,
                          note=agent + (": " + s.note if s.note else ""))
        record.observation_chars = s.observation_chars


def run_multi(question: str, task_id: str, tools: ResearchTools, client, model: str,
              researcher_budget: Budget = RESEARCHER_BUDGET, deadline_s: float = DEADLINE_S) -> Trace:
    """Planner, researchers, synthesis (see the module) on one question; one combined :class:`Trace`."""
    trace = Trace(task_id=task_id, task=question, model=model, counters={c: 0 for c in COUNTERS})
    trace.counters.update(researchers=0, notes_saved=0)
    started = time.perf_counter()
    try:
        _run(trace, question, tools, client, model, researcher_budget, started, deadline_s)
    finally:
        trace.seconds = time.perf_counter() - started
    return trace


def _left(started: float, deadline_s: float) -> float:
    return max(1.0, deadline_s - (time.perf_counter() - started))


def _run(trace, question, tools, client, model, researcher_budget, started, deadline_s) -> None:
    # 1. planner
    reply, seconds, retries = chat(client, model, [{"role": "system", "content": PLANNER},
                                                   {"role": "user", "content": question}],
                                   timeout=_left(started, deadline_s), max_tokens=200, temperature=0.0,
                                   response_format={"type": "json_schema",
                                                    "json_schema": {"name": "plan", "schema": PLAN_SCHEMA}})
    trace.counters["llm_retries"] = trace.counters.get("llm_retries", 0) + retries
    if reply is None:
        trace.stop_reason = "llm error: planner"
        return
    trace.counters["llm_calls"] += 1
    try:
        subquestions = [q.strip() for q in json.loads(reply.choices[0].message.content or "{}")["subquestions"]
                        if str(q).strip()][:MAX_RESEARCHERS]
    except (json.JSONDecodeError, KeyError, TypeError, AttributeError):
        subquestions = []
    subquestions = subquestions or [question]
    used = reply.usage
    trace.add(step=0, kind="plan", tool=None, arguments={"subquestions": subquestions}, observation="",
              prompt_tokens=used.prompt_tokens if used else 0, completion_tokens=used.completion_tokens if used else 0,
              latency_s=seconds, note="planner")
    # 2. researchers, each with its own notes
    notes, offset = [], 0
    for number, sub in enumerate(subquestions, start=1):
        tools.notes.clear()
        tools.read_ids.clear()
        budget = Budget(max_steps=researcher_budget.max_steps, max_tokens=researcher_budget.max_tokens,
                        deadline_s=min(researcher_budget.deadline_s, _left(started, deadline_s)))
        agent = Agent(researcher_registry(tools), client=client, model=model, budget=budget, system=RESEARCHER,
                      first_tool="search")
        found = agent.run(sub, f"{trace.task_id}/r{number}")
        trace.counters["researchers"] += 1
        for key, value in found.counters.items():
            trace.counters[key] = trace.counters.get(key, 0) + value
        _copy_steps(trace, found, f"researcher {number}", offset)
        offset += len(found.steps)
        saved = list(tools.notes)
        trace.counters["notes_saved"] += len(saved)
        if saved:
            notes += [f"({sub}) {n}" for n in saved]
        if found.answer is not None and not saved:
            cited = f" [{', '.join(found.sources)}]" if found.sources else ""
            notes.append(f"({sub}) {found.answer}{cited}")
    trace.add(step=offset + 1, kind="notes", tool=None, arguments={"notes": notes}, observation="",
              prompt_tokens=0, completion_tokens=0, latency_s=0.0, note="memory")
    # 3. synthesis from the notes alone
    listing = "\n".join(f"- {n}" for n in notes) or "- (no notes)"
    reply, seconds, retries = chat(client, model, [{"role": "system", "content": SYNTHESIS},
                                                   {"role": "user", "content": f"Question: {question}\n\nNotes:\n{listing}"}],
                                   timeout=_left(started, deadline_s), max_tokens=120, temperature=0.0,
                                   tools=[{"type": "function", "function": FINAL_SPEC}],
                                   tool_choice={"type": "function", "function": {"name": FINAL}})
    trace.counters["llm_retries"] += retries
    if reply is None:
        trace.stop_reason = "llm error: synthesis"
        return
    trace.counters["llm_calls"] += 1
    used = reply.usage
    prompt, completion = (used.prompt_tokens, used.completion_tokens) if used else (0, 0)
    try:
        call = parse_tool_call(reply.choices[0].message, {FINAL: FINAL_SPEC["parameters"]})
    except ToolCallError as exc:
        trace.counters["invalid_calls"] += 1
        trace.stop_reason = "invalid calls"
        trace.add(step=offset + 2, kind="repair", tool=None, arguments=None, observation="", prompt_tokens=prompt,
                  completion_tokens=completion, latency_s=seconds, note=f"synthesis: {exc}")
        return
    trace.answer = str(call.arguments.get("answer", ""))
    trace.sources = [str(s) for s in call.arguments.get("sources", [])]
    trace.stop_reason = "answered"
    trace.add(step=offset + 2, kind="final", tool=FINAL, arguments=call.arguments, observation="",
              prompt_tokens=prompt, completion_tokens=completion, latency_s=seconds, note="synthesis")

