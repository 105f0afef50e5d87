"""The agent loop against the real local server: a tool error recovered, a loop stopped, budgets enforced,
the approval gate, and the trace's structure. What the tiny model *says* is never checked: each case is
made deterministic by the loop's own means (a forced first tool, a plan schema whose only tool has no
arguments), so only the loop's behaviour is under test."""
from __future__ import annotations

import time

import pytest

from aisd.core import paths
from aisd.agents import Agent, AgentError, Budget, ResearchTools, ToolRegistry, load_tasks, traces_table
from aisd.agents.trace import COLUMNS
from aisd.runtime import usage     # the module-scoped `home` fixture (a private LLM server) is in conftest
from conftest import slowness


def counting_registry():
    ran = {"lookup": 0, "ping": 0, "wipe": 0, "slow": 0}
    registry = ToolRegistry()

    def lookup(key: str) -> str:
        """Look up a value by its key.

        Args:
            key: the key to look up
        """
        ran["lookup"] += 1
        raise KeyError(f"no key {key!r}; the keys are 'alpha' and 'beta'")

    def ping() -> str:
        """Check that the service answers."""
        ran["ping"] += 1
        return "pong"

    def wipe(folder: str) -> str:
        """Delete a folder.

        Args:
            folder: the folder to delete
        """
        ran["wipe"] += 1
        return "deleted"

    def slow(seconds: int) -> str:
        """Wait a while."""
        ran["slow"] += 1
        time.sleep(2.5)
        return "waited"
    registry.add(lookup)
    registry.add(ping)
    registry.add(wipe, risky=True)
    registry.add(slow)
    return registry, ran


def test_a_tool_error_is_recovered(home):
    registry, ran = counting_registry()
    deadline = 120 * slowness()          # a busy machine gives a slow run, not a deadline stop
    trace = Agent(registry, first_tool="lookup", budget=Budget(max_steps=3, deadline_s=deadline)).run("What is alpha?")
    assert ran["lookup"] >= 1 and trace.counters["tool_errors"] >= 1
    first = trace.steps[0]
    assert first.tool == "lookup" and first.kind == "tool" and first.observation_chars > 0
    assert len(trace.steps) >= 2, "after the error the loop should go on (another step or a final answer)"
    assert trace.stop_reason in ("answered", "steps", "loop", "invalid calls"), trace.stop_reason


class RepeatingPlanner(Agent):
    """A plan of at least four steps, over a registry whose only tool takes no argument: it must repeat."""

    def plan_schema(self):
        schema = super().plan_schema()
        schema["properties"]["steps"]["minItems"] = 4
        return schema


def test_a_loop_is_stopped(home):
    registry = ToolRegistry()
    ran = []

    def ping() -> str:
        """Check that the service answers."""
        ran.append(1)
        return "pong"
    registry.add(ping)
    trace = RepeatingPlanner(registry, budget=Budget(max_steps=6, deadline_s=120)).run("Is it up?", strategy="plan")
    assert len(ran) == 1, "the same call must run once, not again"
    assert trace.counters["loops_detected"] >= 2 and trace.stop_reason == "loop", (trace.counters, trace.stop_reason)


def test_the_step_budget_is_enforced_and_the_model_still_answers(home):
    """Out of tool steps, one last call is forced to final_answer: what the tools found is not thrown away."""
    registry, calls = counting_registry()
    trace = Agent(registry, first_tool="ping", budget=Budget(max_steps=1, deadline_s=120)).run("Is it up?")
    assert trace.stop_reason == "steps" and [s.kind for s in trace.steps] == ["tool", "final"], trace.steps
    assert trace.answer is not None and trace.counters["forced_finals"] == 1 and calls["ping"] == 1


def test_the_token_budget_is_enforced(home):
    registry, _ = counting_registry()
    trace = Agent(registry, first_tool="ping", budget=Budget(max_tokens=50, deadline_s=120)).run("Is it up?")
    assert trace.stop_reason == "tokens" and trace.counters["llm_calls"] == 1 and trace.tokens() >= 50


def test_the_deadline_is_enforced(home):
    registry, ran = counting_registry()
    started = time.perf_counter()
    trace = Agent(registry, first_tool="slow", budget=Budget(deadline_s=2.0)).run("Wait.")
    assert trace.stop_reason == "deadline", trace.stop_reason
    assert trace.counters["llm_calls"] <= 1 and ran["slow"] <= 1, "no new LLM call may start after the deadline"
    assert time.perf_counter() - started < 2.0 + 2.5 + 5, "a request in flight is cut at the deadline (+1 s)"


def test_a_risky_tool_waits_for_approval(home):
    registry, ran = counting_registry()
    denied = Agent(registry, first_tool="wipe", budget=Budget(max_steps=1, deadline_s=120)).run("Clean up /data")
    assert ran["wipe"] == 0 and denied.counters["approvals_denied"] == 1
    asked = []
    Agent(registry, first_tool="wipe", budget=Budget(max_steps=1, deadline_s=120),
          approver=lambda call: asked.append(call.arguments) or True).run("Clean up /data")
    assert ran["wipe"] == 1 and isinstance(asked[0]["folder"], str)


def test_a_research_run_leaves_a_complete_trace(home):
    """One real task, both strategies: every step is a trace row with tokens and latency, recorded in usage."""
    tools = ResearchTools.from_collection(paths.DATASETS / "pydoc_qa")
    task = load_tasks(split="tuning")[0]
    traces = []
    for strategy in ("react", "plan"):
        before = len(usage.calls())
        agent = Agent(tools.registry(), first_tool="search" if strategy == "react" else None,
                      budget=Budget(max_steps=3, deadline_s=120))
        trace = agent.run(task.question, task.id, strategy=strategy)
        traces.append(trace)
        assert trace.stop_reason, "every run ends with a reason"
        assert trace.counters["llm_calls"] == len(usage.calls()) - before - trace.counters["runtime_retries"]
        llm_steps = [s for s in trace.steps if s.prompt_tokens]
        assert llm_steps and all(s.latency_s > 0 and s.cost_usd == 0 for s in llm_steps)
        assert trace.answer is None or isinstance(trace.answer, str)
    table = traces_table(traces)
    assert list(table.columns) == COLUMNS and len(table) == sum(len(t.steps) for t in traces)
    assert table.iloc[0]["tool"] == "search", "the react run was told to search first"


# --- a scripted policy drives the same loop without a model (no server needed) ---------------------------------
from aisd.agents import ToolCall  # noqa: E402
from aisd.agents.policies import evidence_policy, repeating_policy, script_policy  # noqa: E402


def test_a_policy_drives_the_loop_without_a_model():
    registry, ran = counting_registry()
    trace = Agent(registry, policy=script_policy([ToolCall("ping", {})]), budget=Budget(max_steps=3)).run("Up?")
    assert ran["ping"] == 1 and [s.kind for s in trace.steps] == ["tool", "final"]
    assert trace.stop_reason == "answered" and trace.counters["llm_calls"] == 0 and trace.tokens() == 0


def test_a_policy_stuck_on_one_call_is_stopped_by_the_loop_guard():
    registry, ran = counting_registry()
    trace = Agent(registry, policy=repeating_policy(ToolCall("ping", {})), budget=Budget(max_steps=8)).run("Up?")
    assert ran["ping"] == 1 and trace.stop_reason == "loop" and trace.counters["loops_detected"] == 2


def test_a_policy_meets_the_same_checks_and_gate():
    registry, ran = counting_registry()
    bad = Agent(registry, policy=script_policy([ToolCall("nope", {})]), budget=Budget(max_steps=3),
                max_repairs=0).run("x")
    assert bad.stop_reason == "invalid calls" and bad.counters["invalid_calls"] == 1
    gated = Agent(registry, policy=script_policy([ToolCall("wipe", {"folder": "/data"})]),
                  budget=Budget(max_steps=3)).run("x")
    assert ran["wipe"] == 0 and gated.counters["approvals_denied"] == 1
    cut = Agent(registry, policy=script_policy([ToolCall("ping", {})]), budget=Budget(max_steps=1)).run("x")
    assert cut.stop_reason == "steps" and cut.answer is None
    with pytest.raises(AgentError):
        Agent(registry, policy=script_policy([])).run("x", strategy="plan")


def test_the_evidence_policy_solves_most_tasks_through_the_real_tools():
    tools = ResearchTools.from_collection(paths.DATASETS / "pydoc_qa")
    tasks = load_tasks()
    solved = [t.solved_by(Agent(tools.registry(), policy=evidence_policy(t), budget=Budget(max_steps=12))
                          .run(t.question, t.id).answer) for t in tasks]
    unanswerable = [s for s, t in zip(solved, tasks) if not t.answerable]
    assert all(unanswerable) and 0.7 <= sum(solved) / len(solved) < 1.0, sum(solved)
