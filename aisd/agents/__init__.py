"""Agents, one idea per module: the reusable parts of notebook 03's research agent (and later agents).

- ``schema``      ``json_schema_of(fn)``: a tool's JSON schema from a typed function and its docstring
- ``tools``       ``ToolRegistry``, ``ToolCall``, ``parse_tool_call(answer, schemas)``: checked calls
- ``calculator``  ``calculate(expression)``: arithmetic parsed with ``ast``, never ``eval``
- ``sandbox``     ``run_python(code)``: a child process with a timeout, memory limit, no network, no files
- ``research``    ``ResearchTools``: search, read_document, calculate, run_python, save_note over a collection
- ``guards``      ``Budget``, ``should_stop(calls, tokens_used, elapsed_s, budget)``: budgets and loops
- ``trace``       ``Trace``, ``traces_table``, ``task_success``, ``cost_per_task``: what a run did and cost
- ``loop``        ``Agent(registry).run(task, strategy="react"|"plan")``: the loop over the openai client
- ``policies``    ``evidence_policy(task)`` and others: scripted policies that drive the same loop without a model
- ``multi``       ``run_multi(question, ...)``: a planner, researcher sub-agents with notes, a synthesis step
- ``data``        ``load_tasks(split=)``: the labelled research tasks of ``datasets/research_tasks`` (tuning, heldout)
- ``runs``        ``load_runs()``: the small model's stored runs on them (direct, retrieve, react, plan, multi)
- ``system``      ``REQUIREMENTS`` and ``DESIGN``: the notebook's requirements and design, as data
- ``evaluate``    ``compare(runs, tasks)``: task success with a Wilson interval, paired differences, replays
- ``diagnose``    ``failure_kind(trace, task)``: why a run failed, from its trace
- ``decisions``   ``choose_step_budget(runs, step_cost, escalation_cost)``: a step budget from replayed runs
- ``precompute``  ``aisd precompute 03 runs|multi``: regenerate the stored runs

>>> from aisd import agents
>>> agents.calculate("6 * 7")
42
"""
from aisd.agents.calculator import CalculatorError, calculate
from aisd.agents.guards import Budget, repeats, should_stop
from aisd.agents.loop import FINAL, Agent, AgentError, approve_all, ask_person
from aisd.agents.policies import evidence_policy, repeating_policy, script_policy
from aisd.agents.research import ResearchTools, ToolInputError
from aisd.agents.sandbox import SandboxError, SandboxResult, network_isolation, run_python
from aisd.agents.schema import SchemaError, json_schema_of
from aisd.agents.data import load_tasks
from aisd.agents.tools import Tool, ToolCall, ToolCallError, ToolRegistry, parse_tool_call
from aisd.agents.trace import Trace, cost_per_task, is_abstention, answer_form, task_success, traces_table

__all__ = ["CalculatorError", "calculate", "Budget", "repeats", "should_stop", "FINAL", "Agent", "AgentError", "approve_all",
           "ask_person", "ResearchTools", "ToolInputError", "SandboxError", "SandboxResult", "network_isolation", "run_python", "SchemaError",
           "json_schema_of", "load_tasks", "Tool", "ToolCall", "ToolCallError", "ToolRegistry", "parse_tool_call",
           "Trace", "cost_per_task", "evidence_policy", "repeating_policy", "script_policy", "is_abstention", "answer_form", "task_success", "traces_table"]
