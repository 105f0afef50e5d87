"""Valid tool calls and JSON from the local runtime, every time (aisd.runtime.toolcalls and .grammar).

The real-server tests check structure only (valid JSON that fits the schema, the right tool name, usage
recorded), never what the tiny model says. The unit tests at the end use a stand-in server (an
httpx MockTransport) to force the cases the real model produces only by chance: an invalid first
answer that the retry fixes, and an answer that never fits.
"""
from __future__ import annotations

import asyncio
import json

import httpx2
import jsonschema
import openai
import psutil
import pytest

from aisd.runtime import llm, server, toolcalls, usage
from aisd.runtime.grammar import GrammarError, gbnf
from aisd.runtime.recording import RecordingTransport

from conftest import PROVIDER_VARS  # noqa: E402  (the module-scoped `home` fixture comes from conftest)


def tool(name: str, description: str, parameters: dict) -> dict:
    return {"type": "function", "function": {"name": name, "description": description, "parameters": parameters}}


TOOLS = [
    tool("get_weather", "Current weather in a city",
         {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}),
    tool("lookup_order", "Look up a customer's order",
         {"type": "object", "properties": {"order_id": {"type": "string"}, "include_items": {"type": "boolean"}},
          "required": ["order_id"]}),
    tool("add", "Add two integers", {"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},
                                     "required": ["a", "b"]}),
    tool("search_docs", "Search the documentation",
         {"type": "object", "properties": {"query": {"type": "string", "minLength": 1},
                                           "k": {"type": "integer", "minimum": 1, "maximum": 10}},
          "required": ["query", "k"]}),
    tool("save_note", "Save a note with tags",
         {"type": "object", "properties": {"title": {"type": "string", "maxLength": 40},
                                           "tags": {"type": "array", "maxItems": 3,
                                                    "items": {"enum": ["python", "math", "todo"]}}},
          "required": ["title", "tags"]}),
    tool("convert", "Convert a distance", {"type": "object", "properties": {
        "value": {"type": "number"}, "unit": {"enum": ["km", "mi"]}, "note": {"type": ["string", "null"]}},
        "required": ["value", "unit"]}),
]
PROMPTS = ["What is the weather in Paris, and where is my order A17?",
           "Please add 17 and 25. Also tell me a long story about a dragon.",
           "Find how the with statement works in Python, top 3 results.",
           'Note to self: "buy milk" -- tag it todo.\nThen convert 5 km to miles, with a comment.']
SCHEMA_OF = {t["function"]["name"]: t["function"]["parameters"] for t in TOOLS}


def forced(name: str) -> dict:
    return {"type": "function", "function": {"name": name}}


# ------------------------------------------------------------------------------------------------
# Against the real local server
# ------------------------------------------------------------------------------------------------
def test_24_forced_tool_calls_all_fit_their_schemas(home):
    """6 schemas x 4 prompts, max_tokens=100: every call comes back as a tool call of the named tool whose
    arguments are JSON that fits that tool's schema; every server request is recorded in usage."""
    client = llm.client()
    failures, recorded_tokens, reported_tokens = [], 0, 0
    for t in TOOLS:
        name = t["function"]["name"]
        for prompt in PROMPTS:
            before = len(usage.calls())
            reply = client.chat.completions.create(model=llm.model_name(), messages=[{"role": "user", "content": prompt}],
                                                   tools=TOOLS, tool_choice=forced(name), max_tokens=100)
            calls = reply.choices[0].message.tool_calls
            if not calls or calls[0].function.name != name:
                failures.append((name, prompt, "no tool call of that name", reply.choices[0].message))
                continue
            try:
                jsonschema.validate(json.loads(calls[0].function.arguments), SCHEMA_OF[name])
            except (json.JSONDecodeError, jsonschema.ValidationError) as exc:
                failures.append((name, prompt, calls[0].function.arguments, str(exc)[:200]))
            assert reply.choices[0].finish_reason == "tool_calls"
            new = usage.calls()[before:]
            assert 1 <= len(new) <= 2, f"one request (two with a retry) should be recorded, got {len(new)}"
            recorded_tokens += sum(c.completion_tokens for c in new)
            reported_tokens += reply.usage.completion_tokens
    assert not failures, f"{len(failures)} of 24 forced calls did not fit their schema: {failures}"
    assert recorded_tokens == reported_tokens > 0, "the reply's usage should be the sum of the recorded requests"


def test_required_tool_choice_lets_the_model_choose_a_listed_tool(home):
    """tool_choice='required' (ignored by llama.cpp itself) returns a call of one of the listed tools, with
    arguments that fit that tool's schema."""
    client = llm.client()
    for prompt in PROMPTS:
        reply = client.chat.completions.create(model=llm.model_name(), messages=[{"role": "user", "content": prompt}],
                                               tools=TOOLS, tool_choice="required", max_tokens=100)
        call = reply.choices[0].message.tool_calls[0]
        assert call.function.name in SCHEMA_OF, f"{call.function.name!r} is not a listed tool"
        jsonschema.validate(json.loads(call.function.arguments), SCHEMA_OF[call.function.name])


@pytest.mark.parametrize("response_format", [
    {"type": "json_object", "schema": SCHEMA_OF["save_note"]},
    {"type": "json_schema", "json_schema": {"name": "note", "schema": SCHEMA_OF["save_note"]}},
    {"type": "json_object"},
], ids=["json_object+schema", "json_schema", "json_object"])
def test_json_output_is_valid(home, response_format):
    """JSON output (both spellings, and schema-less) parses, and fits the schema when one is given."""
    for prompt in PROMPTS[:2]:
        reply = llm.client().chat.completions.create(
            model=llm.model_name(), messages=[{"role": "user", "content": prompt}], max_tokens=80,
            response_format=response_format)
        value = json.loads(reply.choices[0].message.content)
        schema = response_format.get("schema") or response_format.get("json_schema", {}).get("schema")
        jsonschema.validate(value, schema or {"type": "object"})


def test_tool_call_history_is_accepted_and_streams_and_async_work(home):
    """A conversation holding an assistant tool call and a tool result gets an answer (the local chat
    template knows neither); a forced call also works streamed and through the async client, recorded."""
    client = llm.client()
    first = client.chat.completions.create(model=llm.model_name(), messages=[{"role": "user", "content": PROMPTS[1]}],
                                           tools=TOOLS, tool_choice=forced("add"), max_tokens=60)
    call = first.choices[0].message.tool_calls[0]
    history = [{"role": "user", "content": PROMPTS[1]},
               {"role": "assistant", "content": None, "tool_calls": [call.model_dump()]},
               {"role": "tool", "tool_call_id": call.id, "content": "42"}]
    answer = client.chat.completions.create(model=llm.model_name(), messages=history, max_tokens=20)
    assert isinstance(answer.choices[0].message.content, str)

    pieces = []
    with client.chat.completions.create(model=llm.model_name(), messages=[{"role": "user", "content": PROMPTS[0]}],
                                        tools=TOOLS, tool_choice=forced("get_weather"), max_tokens=60,
                                        stream=True) as stream:
        for chunk in stream:
            if chunk.choices and chunk.choices[0].delta.tool_calls:
                pieces.append(chunk.choices[0].delta.tool_calls[0].function.arguments)
    jsonschema.validate(json.loads("".join(pieces)), SCHEMA_OF["get_weather"])

    async def one():
        return await llm.async_client().chat.completions.create(
            model=llm.model_name(), messages=[{"role": "user", "content": PROMPTS[0]}], tools=TOOLS,
            tool_choice=forced("lookup_order"), max_tokens=60)
    before = len(usage.calls())
    reply = asyncio.run(one())
    jsonschema.validate(json.loads(reply.choices[0].message.tool_calls[0].function.arguments), SCHEMA_OF["lookup_order"])
    assert len(usage.calls()) > before, "the async call should be recorded"


def test_a_forced_call_survives_a_dead_server(tmp_path, monkeypatch):
    """The server killed between two calls: the next forced call starts it again and still fits its schema."""
    for name in PROVIDER_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AISD_HOME", str(tmp_path))
    try:
        client = llm.client()
        ask = dict(model=llm.model_name(), messages=[{"role": "user", "content": PROMPTS[0]}], tools=TOOLS,
                   tool_choice=forced("get_weather"), max_tokens=40)
        client.chat.completions.create(**ask)
        dead = psutil.Process(server.status()["pid"])
        dead.kill()
        dead.wait(10)
        reply = client.chat.completions.create(**ask)
        jsonschema.validate(json.loads(reply.choices[0].message.tool_calls[0].function.arguments),
                            SCHEMA_OF["get_weather"])
        assert server.status()["pid"] != dead.pid, "a new server should answer"
    finally:
        server.stop_server()


def test_an_unknown_tool_name_is_a_clear_error(home):
    with pytest.raises(openai.APIStatusError, match="not in tools"):
        llm.client().chat.completions.create(model=llm.model_name(), messages=[{"role": "user", "content": "hi"}],
                                             tools=TOOLS, tool_choice=forced("nope"), max_tokens=10)


# ------------------------------------------------------------------------------------------------
# Unit tests with a stand-in server (only here: to force invalid answers)
# ------------------------------------------------------------------------------------------------
def _stand_in(answers: list[str]):
    sent = []

    def handler(request):
        sent.append(json.loads(request.content))
        text = answers[min(len(sent), len(answers)) - 1]
        return httpx2.Response(200, json={"model": "smollm2", "choices": [{"index": 0, "finish_reason": "length",
                               "message": {"role": "assistant", "content": text}}],
                               "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}})
    transport = RecordingTransport(httpx2.MockTransport(handler), provider="local", local=True)
    return openai.OpenAI(base_url="http://stand-in/v1", api_key="x", max_retries=0,
                         http_client=openai.DefaultHttpxClient(transport=transport)), sent


def test_an_invalid_first_answer_is_retried_under_tighter_bounds_and_counted():
    client, sent = _stand_in(['{"city": "Par', '{"city": "Paris"}'])
    usage.reset()
    toolcalls.stats.clear()
    reply = client.chat.completions.create(model="smollm2", messages=[{"role": "user", "content": "Paris?"}],
                                           tools=TOOLS, tool_choice=forced("get_weather"), max_tokens=100)
    assert json.loads(reply.choices[0].message.tool_calls[0].function.arguments) == {"city": "Paris"}
    assert len(sent) == 2 and "grammar" in sent[0] and "tools" not in sent[0]
    assert "char{0,120}" in sent[0]["grammar"] and "char{0,24}" in sent[1]["grammar"], "the retry bounds strings tighter"
    assert sent[1]["temperature"] == 0.0
    assert len(usage.calls()) == 2 and reply.usage.completion_tokens == 10, "both requests recorded and summed"
    assert toolcalls.stats["forced_retried"] == 1


def test_an_answer_that_never_fits_is_an_error_not_a_tool_call():
    client, _ = _stand_in(['{"a": 1}', '{"a": "x", "b": 2}'])
    with pytest.raises(openai.UnprocessableEntityError, match="did not fit its schema"):
        client.chat.completions.create(model="smollm2", messages=[{"role": "user", "content": "add"}],
                                       tools=TOOLS, tool_choice=forced("add"), max_tokens=100)


def test_a_provider_request_is_passed_on_untouched():
    """Only the local server gets the grammar: a provider sees the OpenAI request as sent."""
    sent = []
    transport = RecordingTransport(httpx2.MockTransport(lambda r: sent.append(json.loads(r.content)) or httpx2.Response(
        200, json={"model": "m", "choices": [{"index": 0, "finish_reason": "stop", "message": {
            "role": "assistant", "content": "hi"}}], "usage": {"prompt_tokens": 1, "completion_tokens": 1}})),
        provider="api.example.com", local=False)
    client = openai.OpenAI(base_url="http://x/v1", api_key="x", http_client=openai.DefaultHttpxClient(transport=transport))
    client.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}], tools=TOOLS,
                                   tool_choice="required")
    assert sent[0]["tool_choice"] == "required" and "grammar" not in sent[0]


def test_the_grammar_excludes_raw_control_characters_and_bounds_strings():
    text = gbnf({"type": "object", "properties": {"s": {"type": "string"}}, "required": ["s"]}, max_string=30)
    assert r'[^"\\\x7F\x00-\x1F]' in text and "char{0,30}" in text
    assert "1 | " not in gbnf({"type": "integer", "minimum": 1, "maximum": 3})
    assert '"1" | "2" | "3"' in gbnf({"type": "integer", "minimum": 1, "maximum": 3})
    assert gbnf({"type": "object", "properties": {}, "additionalProperties": False}).startswith('root ::= "{}"')
    with pytest.raises(GrammarError, match="not in properties"):
        gbnf({"type": "object", "properties": {"a": {}}, "required": ["b"]})
