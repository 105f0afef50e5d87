"""aisd.agents without a model: schemas from signatures, the calculator, checked tool calls, guards, traces,
and the loop's recovery rules driven by a scripted stand-in client (only here, to force each case)."""
from __future__ import annotations

import copy
import json
import math
import typing
from types import SimpleNamespace

import httpx
import jsonschema
import openai
import pandas as pd
import pytest

from aisd.agents import loop, multi
from aisd.agents import (FINAL, Agent, AgentError, Budget, ResearchTools, CalculatorError, SchemaError, ToolCall, ToolCallError, ToolRegistry,
                         Trace, approve_all, calculate, cost_per_task, json_schema_of, parse_tool_call, repeats,
                         should_stop, task_success, traces_table)
from aisd.agents.trace import COLUMNS
from aisd.core import paths
from aisd.core.errors import AisdError


# ------------------------------------------------------------------------------------------------
# JSON schema from a signature
# ------------------------------------------------------------------------------------------------
def convert(value: float, unit: typing.Literal["km", "mi"], note: str | None = None, tags: list[str] = ()) -> str:
    """Convert a distance.

    Args:
        value: the distance
        unit: the unit to convert to,
            km or mi
        note: a comment
        tags: labels
    Returns:
        the converted distance
    """


def test_schema_from_signature_has_types_required_defaults_and_descriptions():
    spec = json_schema_of(convert)
    params = spec["parameters"]
    jsonschema.Draft202012Validator.check_schema(params)
    assert spec["name"] == "convert" and spec["description"] == "Convert a distance."
    assert params["required"] == ["value", "unit"], "parameters without a default are the required ones"
    assert params["properties"]["value"] == {"type": "number", "description": "the distance"}
    assert params["properties"]["unit"]["enum"] == ["km", "mi"]
    assert params["properties"]["unit"]["description"] == "the unit to convert to, km or mi", "continued lines join"
    assert params["properties"]["note"]["type"] == ["string", "null"] and params["properties"]["note"]["default"] is None
    assert params["properties"]["tags"]["items"] == {"type": "string"}
    assert params["additionalProperties"] is False
    jsonschema.validate({"value": 3.5, "unit": "km"}, params)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"value": 3.5, "unit": "miles"}, params)


def test_schema_refuses_what_a_model_cannot_be_told():
    def untyped(x): ...
    def star(*args: int): ...
    def odd(x: set[complex]): ...
    for fn, words in ((untyped, "no type annotation"), (star, "name each parameter"), (odd, "no JSON schema")):
        with pytest.raises(SchemaError, match=words):
            json_schema_of(fn)


# ------------------------------------------------------------------------------------------------
# The calculator
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("expression", ["1 + 2 * 3", "(1 + 2) * 3", "2 ** 10", "-3 ** 2", "7 // 2", "-7 // 2",
                                        "7 % 3", "1 / 3", "2.5e3 * 4", "0x2a + 0o52", "((4))", "10 - -2"])
def test_calculator_agrees_with_python_on_arithmetic(expression):
    assert calculate(expression) == eval(expression), expression   # eval here only: the oracle of the test


def test_calculator_functions_and_constants():
    assert calculate("sqrt(16)") == 4 and calculate("max(3, 9, 4)") == 9 and calculate("round(2.567, 2)") == 2.57
    assert math.isclose(calculate("2 * pi"), 2 * math.pi) and math.isclose(calculate("log(e)"), 1)


@pytest.mark.parametrize("expression, words", [
    ("__import__('os').system('ls')", "not allowed"), ("open('/etc/passwd')", "not allowed"),
    ("x + 1", "the name 'x'"), ("(1).__class__", "Attribute"), ("'a' * 3", "only numbers"),
    ("[1, 2]", "List"), ("lambda: 1", "Lambda"), ("10 ** 10 ** 10", "too large"), ("1 / 0", "division by zero"),
    ("2 +", "not an arithmetic expression"), ("sqrt(-1)", "math domain error"), ("round(x=1)", "no name=value"),
    ("1" * 600, "at most 500"),
])
def test_calculator_refuses_with_a_reason(expression, words):
    with pytest.raises(CalculatorError, match=words):
        calculate(expression)


def test_calculator_refuses_non_text():
    with pytest.raises(CalculatorError, match="must be text"):
        calculate(42)


# ------------------------------------------------------------------------------------------------
# Parsing and checking a tool call
# ------------------------------------------------------------------------------------------------
SCHEMAS = {"search": {"type": "object", "properties": {"query": {"type": "string"}, "k": {"type": "integer"}},
                      "required": ["query"], "additionalProperties": False}}


def test_parse_accepts_json_in_prose_fences_and_openai_messages():
    assert parse_tool_call('{"tool": "search", "arguments": {"query": "with"}}', SCHEMAS) == ToolCall("search", {"query": "with"})
    assert parse_tool_call('I will search.\n```json\n{"tool": "search", "arguments": {"query": "x", "k": 2}}\n```', SCHEMAS).arguments == {"query": "x", "k": 2}
    message = {"tool_calls": [{"id": "c1", "function": {"name": "search", "arguments": '{"query": "q"}'}}]}
    assert parse_tool_call(message, SCHEMAS) == ToolCall("search", {"query": "q"}, "c1")
    as_object = SimpleNamespace(tool_calls=[SimpleNamespace(id="c2", function=SimpleNamespace(name="search", arguments='{"query": "q"}'))])
    assert parse_tool_call(as_object, SCHEMAS).id == "c2"


@pytest.mark.parametrize("answer, words", [
    ("no json here", "no JSON object"), ('{"tool": "search", "arguments": {"query": "x"', "not valid JSON"),
    ('{"name": "search"}', 'no "tool" field'), ('{"tool": "delete_all", "arguments": {}}', "unknown tool"),
    ('{"tool": "search", "arguments": {"k": 2}}', "'query' is a required property"),
    ('{"tool": "search", "arguments": {"query": 3}}', "is not of type 'string'"),
    ('{"tool": "search", "arguments": {"query": "x", "extra": 1}}', "Additional properties"),
    ('{"tool": "search", "arguments": ["x"]}', "must be a JSON object"),
    ({"tool_calls": [{"id": "c", "function": {"name": "search", "arguments": "{bad"}}]}, "not valid JSON"),
])
def test_parse_rejects_with_the_reason(answer, words):
    with pytest.raises(ToolCallError, match=words):
        parse_tool_call(answer, SCHEMAS)


# ------------------------------------------------------------------------------------------------
# Guards and traces
# ------------------------------------------------------------------------------------------------
def test_should_stop_checks_loop_steps_tokens_deadline():
    b = Budget(max_steps=3, max_tokens=100, deadline_s=5, max_repeats=1)
    assert should_stop([], 0, 0.0, b) is None
    assert should_stop([("a", {}), ("b", {})], 99, 4.9, b) is None, "below every limit: go on"
    assert should_stop([("a", {"x": 1}), ("a", {"x": 1})], 0, 0.0, b) == "loop"
    assert should_stop([("a", {"x": 1, "y": 2}), ("a", {"y": 2, "x": 1})], 0, 0.0, b) == "loop", "key order must not hide a repeat"
    assert should_stop([("a", {}), ("b", {}), ("c", {})], 0, 0.0, b) == "steps"
    assert should_stop([], 100, 0.0, b) == "tokens" and should_stop([], 0, 5.0, b) == "deadline"
    assert repeats([ToolCall("a", {}), ToolCall("a", {}), ToolCall("b", {})]) == 2


def test_task_success_rules():
    assert task_success("It is `__exit__`.", ["__exit__"]) and not task_success("__enter__", ["__exit__"])
    assert task_success("22 stars", ["22"]) and task_success("11.0", ["11"]) and not task_success("122", ["22"])
    assert not task_success(" ".join(["__exit__"] * 50), ["__exit__"]), "a long list of guesses is not an answer"
    assert not task_success(None, ["x"]) and not task_success("I don't know", ["x"])
    assert task_success("I don't know.", [], answerable=False) and not task_success("42", [], answerable=False)
    assert not task_success(None, [], answerable=False), "a run stopped without an answer did not abstain"


def test_trace_table_and_cost_per_task_on_a_priced_model():
    trace = Trace(task_id="t", task="q", model="gpt-4o-mini")
    trace.add(step=1, kind="tool", tool="search", arguments={"query": "x"}, observation="abc", prompt_tokens=1000,
              completion_tokens=100, latency_s=0.5)
    trace.add(step=2, kind="final", tool=FINAL, arguments={"answer": "y"}, observation="", prompt_tokens=2000,
              completion_tokens=50, latency_s=0.25)
    table = traces_table([trace])
    assert list(table.columns) == COLUMNS and len(table) == 2 and table["observation_chars"].tolist() == [3, 0]
    per_task = cost_per_task(table)
    expected = (3000 * 0.15 + 150 * 0.60) / 1e6
    assert per_task.loc[0, "tokens"] == 3150 and math.isclose(per_task.loc[0, "cost_usd"], expected, rel_tol=1e-6)
    assert per_task.loc[0, "tool_steps"] == 1 and per_task.loc[0, "llm_calls"] == 2
    assert cost_per_task(table, price_model="smollm2").loc[0, "cost_usd"] == 0
    planned = table.assign(prompt_tokens=[0, 2000], completion_tokens=[0, 50])   # a tool step run from a plan
    assert cost_per_task(planned).loc[0, "llm_calls"] == 1, "a step without tokens is no LLM call"


# ------------------------------------------------------------------------------------------------
# The loop's rules, with a scripted stand-in client
# ------------------------------------------------------------------------------------------------
class ScriptedClient:
    """Answers each chat call with the next scripted tool call (text or a {"tool", "arguments"} dict)."""

    def __init__(self, script):
        self.script, self.requests = list(script), []
        self.chat = SimpleNamespace(completions=SimpleNamespace(create=self.create))

    def with_options(self, **_):
        return self

    def create(self, **request):
        self.requests.append(copy.deepcopy(request))   # the loop keeps appending to its messages
        item = self.script.pop(0)
        if isinstance(item, BaseException):
            raise item
        if isinstance(item, str):
            message = SimpleNamespace(content=item, tool_calls=None)
        elif "steps" in item or "subquestions" in item:
            message = SimpleNamespace(content=json.dumps(item), tool_calls=None)
        else:
            call = SimpleNamespace(id="c", function=SimpleNamespace(name=item["tool"], arguments=json.dumps(item["arguments"])))
            message = SimpleNamespace(content=None, tool_calls=[call])
        return SimpleNamespace(choices=[SimpleNamespace(message=message)],
                               usage=SimpleNamespace(prompt_tokens=100, completion_tokens=10))


def registry_with_counts():
    ran = {"lookup": 0, "shell": 0}
    registry = ToolRegistry()

    def lookup(key: str) -> str:
        """Look a key up."""
        ran["lookup"] += 1
        if key == "missing":
            raise KeyError(key)
        return f"value of {key}"

    def shell(command: str) -> str:
        """Run a command."""
        ran["shell"] += 1
        return "done"
    registry.add(lookup)
    registry.add(shell, risky=True)
    return registry, ran


def final(answer="x"):
    return {"tool": FINAL, "arguments": {"answer": answer, "sources": []}}


def test_a_malformed_call_is_repaired_and_counted():
    registry, ran = registry_with_counts()
    client = ScriptedClient(['{"tool": "lookup", "arguments": {"key": 3}}', {"tool": "lookup", "arguments": {"key": "a"}},
                             final("value of a")])
    trace = Agent(registry, client=client, model="m").run("q")
    assert trace.counters["invalid_calls"] == 1 and trace.counters["repairs"] == 1 and ran["lookup"] == 1
    assert "not of type 'string'" in client.requests[1]["messages"][-1]["content"], "the model is told what was wrong"
    assert trace.stop_reason == "answered" and trace.answer == "value of a"
    assert [s.kind for s in trace.steps] == ["repair", "tool", "final"]


def test_repeated_invalid_calls_stop_the_run():
    registry, _ = registry_with_counts()
    trace = Agent(registry, client=ScriptedClient(["nonsense", "more nonsense"]), model="m", max_repairs=1).run("q")
    assert trace.stop_reason == "invalid calls" and trace.answer is None


def test_a_tool_error_becomes_an_observation_and_the_run_goes_on():
    registry, _ = registry_with_counts()
    client = ScriptedClient([{"tool": "lookup", "arguments": {"key": "missing"}}, final()])
    trace = Agent(registry, client=client, model="m").run("q")
    assert trace.counters["tool_errors"] == 1 and trace.stop_reason == "answered"
    assert client.requests[1]["messages"][-1]["content"].startswith("error: KeyError")


def test_a_repeated_call_is_not_run_again_and_then_stops_the_run():
    registry, ran = registry_with_counts()
    same = {"tool": "lookup", "arguments": {"key": "a"}}
    client = ScriptedClient([same, same, same, final()])
    trace = Agent(registry, client=client, model="m").run("q")
    assert ran["lookup"] == 1, "a repeated call must not run the tool again"
    assert trace.counters["loops_detected"] == 2 and trace.stop_reason == "loop"
    assert trace.answer == "x" and trace.counters["forced_finals"] == 1, "stopped, the model still answers once"
    assert trace.steps[-1].kind == "final" and len(trace.steps) == 4


def test_risky_tools_need_approval():
    registry, ran = registry_with_counts()
    call = {"tool": "shell", "arguments": {"command": "ls"}}
    denied = Agent(registry, client=ScriptedClient([call, final()]), model="m").run("q")
    assert ran["shell"] == 0 and denied.counters["approvals_denied"] == 1
    asked = []
    approved = Agent(registry, client=ScriptedClient([call, final()]), model="m",
                     approver=lambda c: asked.append(c) or True).run("q")
    assert ran["shell"] == 1 and approved.counters["approvals_asked"] == 1 and asked[0].name == "shell"


def test_budgets_stop_the_run():
    registry, _ = registry_with_counts()
    calls = [{"tool": "lookup", "arguments": {"key": k}} for k in "abcdef"]
    by_steps = Agent(registry, client=ScriptedClient(calls[:2] + [final("ab")]), model="m",
                     budget=Budget(max_steps=2)).run("q")
    assert by_steps.stop_reason == "steps" and [s.kind for s in by_steps.steps] == ["tool", "tool", "final"]
    assert by_steps.answer == "ab" and by_steps.counters["forced_finals"] == 1
    by_tokens = Agent(registry, client=ScriptedClient(calls), model="m", budget=Budget(max_tokens=250)).run("q")
    assert by_tokens.stop_reason == "tokens" and by_tokens.tokens() == 330
    by_time = Agent(registry, client=ScriptedClient(calls), model="m", budget=Budget(deadline_s=0)).run("q")
    assert by_time.stop_reason == "deadline" and not by_time.steps


def test_plan_then_execute_runs_the_plan_without_the_model_then_answers():
    registry, ran = registry_with_counts()
    plan = {"steps": [{"tool": "lookup", "arguments": {"key": "a"}}, {"tool": "nope", "arguments": {}},
                      {"tool": "lookup", "arguments": {"key": "b"}}]}
    client = ScriptedClient([plan, final("ab")])
    trace = Agent(registry, client=client, model="m", approver=approve_all).run("q", strategy="plan")
    assert ran["lookup"] == 2 and trace.counters["llm_calls"] == 2 and trace.counters["invalid_calls"] == 1
    assert [s.kind for s in trace.steps] == ["plan", "tool", "tool", "final"] and trace.answer == "ab"
    assert client.requests[0]["response_format"]["json_schema"]["schema"]["properties"]["steps"]["maxItems"] == 6
    assert client.requests[1]["tool_choice"] == {"type": "function", "function": {"name": FINAL}}
    assert "value of a" in client.requests[1]["messages"][-1]["content"]


def test_agent_refuses_bad_setup():
    registry, _ = registry_with_counts()
    with pytest.raises(AgentError, match="not in the registry"):
        Agent(registry, client=ScriptedClient([]), model="m", first_tool="nope")
    with pytest.raises(AisdError, match="strategy"):
        Agent(registry, client=ScriptedClient([]), model="m").run("q", strategy="magic")


# ------------------------------------------------------------------------------------------------
# A failing model call: retried when the error is transient, then the fallback model, then a stop
# ------------------------------------------------------------------------------------------------
def _down():
    return openai.APIConnectionError(request=httpx.Request("POST", "http://127.0.0.1:9/v1/chat/completions"))


@pytest.fixture
def quick_backoff(monkeypatch):
    monkeypatch.setattr(loop, "BACKOFF_S", (0.001, 0.002))


def test_a_dropped_connection_is_retried_and_the_run_goes_on(quick_backoff):
    registry, ran = registry_with_counts()
    client = ScriptedClient([_down(), {"tool": "lookup", "arguments": {"key": "a"}}, _down(), final("value of a")])
    trace = Agent(registry, client=client, model="m").run("q")
    assert trace.stop_reason == "answered" and trace.answer == "value of a" and ran["lookup"] == 1
    assert trace.counters["llm_retries"] == 2 and trace.counters["llm_calls"] == 2 and trace.counters["fallbacks"] == 0


def test_a_rejected_request_is_not_retried(quick_backoff):
    registry, _ = registry_with_counts()
    rejected = openai.BadRequestError("context too long", response=httpx.Response(
        400, request=httpx.Request("POST", "http://x")), body=None)
    trace = Agent(registry, client=ScriptedClient([rejected, final()]), model="m").run("q")
    assert trace.answer is None and trace.stop_reason.startswith("llm error") and trace.counters["llm_retries"] == 0


def test_when_every_try_fails_the_fallback_model_answers(quick_backoff):
    registry, _ = registry_with_counts()
    primary = ScriptedClient([_down()] * loop.ATTEMPTS * 2)
    backup = ScriptedClient([{"tool": "lookup", "arguments": {"key": "a"}}, final("from the backup")])
    trace = Agent(registry, client=primary, model="big", fallback=(backup, "small")).run("q")
    assert trace.answer == "from the backup" and trace.counters["fallbacks"] == 2
    assert trace.counters["llm_retries"] == 2 * (loop.ATTEMPTS - 1) and backup.requests[0]["model"] == "small"
    alone = Agent(registry, client=ScriptedClient([_down()] * loop.ATTEMPTS), model="big").run("q")
    assert alone.answer is None and alone.stop_reason.startswith("llm error")


# ------------------------------------------------------------------------------------------------
# Multi-agent: planner, researchers with notes (memory), synthesis from the notes alone
# ------------------------------------------------------------------------------------------------
def test_the_multi_agent_fans_out_keeps_notes_and_answers_from_them():
    tools = ResearchTools.from_collection(paths.DATASETS / "pydoc_qa")
    script = [{"subquestions": ["What does 1/0 raise?", "What does 0.0 ** -1 raise?"]},
              {"tool": "search", "arguments": {"query": "division by zero", "k": 2}},
              {"tool": "save_note", "arguments": {"text": "1/0 raises ZeroDivisionError [arith/1]"}},
              final("ZeroDivisionError"),
              {"tool": "search", "arguments": {"query": "power negative", "k": 2}},
              final("ZeroDivisionError too"),
              final("ZeroDivisionError")]
    client = ScriptedClient(script)
    trace = multi.run_multi("Which exception do both raise?", "t", tools, client, "m")
    assert trace.answer == "ZeroDivisionError" and trace.stop_reason == "answered" and not client.script
    assert trace.counters["researchers"] == 2 and trace.counters["notes_saved"] == 1
    notes = multi.notes_of(trace)
    assert notes[0].endswith("1/0 raises ZeroDivisionError [arith/1]") and "ZeroDivisionError too" in notes[1]
    synthesis = client.requests[-1]["messages"][-1]["content"]
    assert "ZeroDivisionError [arith/1]" in synthesis and "division by zero" not in synthesis, \
        "the synthesis reads the notes, not the researchers' transcripts"
    researchers = {s.note.split(":")[0] for s in trace.steps if s.note.startswith("researcher")}
    assert researchers == {"researcher 1", "researcher 2"}
    assert client.requests[1]["tools"] and {t["function"]["name"] for t in client.requests[1]["tools"]} == {
        "search", "read_document", "save_note", FINAL}, "researchers get no code tool"
    assert multi.critical_path_s(trace) <= sum(s.latency_s for s in trace.steps)
