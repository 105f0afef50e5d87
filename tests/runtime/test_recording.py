"""Usage recording at the HTTP level: every request the openai client makes lands in the ledger.

Unit tests put an httpx MockTransport (a stand-in, allowed inside unit tests) under the recording
transport to check each response shape: chat completions and the Responses API, JSON and streamed.
The tests marked ``llm`` use the real local server through the real ``openai`` client: a copy made by
``with_options``, the async client, and a stream.
"""
from __future__ import annotations

import asyncio
import json

import httpx2
import pytest

from aisd.runtime import llm, server, usage
from aisd.runtime.recording import AsyncRecordingTransport, RecordingTransport


def _sse(*events: dict) -> bytes:
    return b"".join(b"data: " + json.dumps(e).encode() + b"\n\n" for e in events) + b"data: [DONE]\n\n"


def _http(handler, **kwargs) -> httpx2.Client:
    return httpx2.Client(transport=RecordingTransport(httpx2.MockTransport(handler), provider="test", **kwargs))


@pytest.fixture(autouse=True)
def ledger():
    usage.reset()
    yield
    usage.reset()


def test_a_chat_completion_is_recorded_with_the_reported_tokens():
    body = {"model": "m", "choices": [], "usage": {"prompt_tokens": 11, "completion_tokens": 7}}
    with _http(lambda r: httpx2.Response(200, json=body)) as http:
        http.post("http://x/v1/chat/completions", json={"model": "m", "messages": []}).read()
    [call] = usage.calls()
    assert (call.model, call.prompt_tokens, call.completion_tokens, call.source) == ("m", 11, 7, "usage")
    assert call.provider == "test" and not call.stream and call.latency_s >= 0


def test_a_stream_without_usage_is_counted_chunk_by_chunk():
    chunks = _sse({"model": "m", "choices": [{"delta": {"role": "assistant"}}]},
                  *[{"model": "m", "choices": [{"delta": {"content": w}}]} for w in ("a", "b", "c")])
    with _http(lambda r: httpx2.Response(200, content=chunks, headers={"content-type": "text/event-stream"})) as http:
        with http.stream("POST", "http://x/v1/chat/completions",
                         json={"model": "m", "stream": True, "messages": [{"role": "user", "content": "hi"}]}) as r:
            for _ in r.iter_bytes(7):          # small pieces: events split across reads
                pass
    [call] = usage.calls()
    assert call.stream and call.completion_tokens == 3 and call.source == "estimated"
    assert call.prompt_tokens > 0 and call.first_token_s is not None


def test_a_stream_that_reports_usage_keeps_the_reported_numbers():
    chunks = _sse({"model": "m", "choices": [{"delta": {"content": "a"}}]},
                  {"model": "m", "choices": [], "usage": {"prompt_tokens": 5, "completion_tokens": 1}})
    with _http(lambda r: httpx2.Response(200, content=chunks)) as http:
        with http.stream("POST", "http://x/v1/chat/completions", json={"model": "m", "stream": True}) as r:
            r.read()
    [call] = usage.calls()
    assert (call.prompt_tokens, call.completion_tokens, call.source) == (5, 1, "usage")


def test_the_responses_api_is_recorded_json_and_streamed():
    body = {"model": "m", "output": [], "usage": {"input_tokens": 9, "output_tokens": 4}}
    with _http(lambda r: httpx2.Response(200, json=body)) as http:
        http.post("http://x/v1/responses", json={"model": "m", "input": "hi"}).read()
    events = _sse({"type": "response.output_text.delta", "delta": "x"},
                  {"type": "response.output_text.delta", "delta": "y"},
                  {"type": "response.completed", "response": {"model": "m", "usage": {"input_tokens": 3,
                                                                                        "output_tokens": 2}}})
    with _http(lambda r: httpx2.Response(200, content=events)) as http:
        with http.stream("POST", "http://x/v1/responses", json={"model": "m", "input": "hi", "stream": True}) as r:
            r.read()
    first, second = usage.calls()
    assert (first.prompt_tokens, first.completion_tokens) == (9, 4)
    assert (second.prompt_tokens, second.completion_tokens, second.stream) == (3, 2, True)


def test_errors_and_other_endpoints_are_not_recorded():
    with _http(lambda r: httpx2.Response(401, json={"error": "no"})) as http:
        http.post("http://x/v1/chat/completions", json={"model": "m"}).read()
        http.get("http://x/v1/models").read()
    assert usage.calls() == []


def test_locally_a_json_schema_request_never_reaches_llama_cpp_in_openais_form():
    """llama.cpp's server does not know OpenAI's json_schema form: locally it is constrained another way
    (aisd.runtime.toolcalls: a grammar from the schema), and the answer comes back as JSON content."""
    seen = {}

    def handler(request):
        seen.update(json.loads(request.content))
        return httpx2.Response(200, json={"model": "m", "choices": [{"index": 0, "finish_reason": "stop",
                                          "message": {"role": "assistant", "content": '{"a": 1}'}}],
                                          "usage": {"prompt_tokens": 1, "completion_tokens": 1}})
    fmt = {"type": "json_schema", "json_schema": {"name": "p", "schema": {
        "type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]}}}
    with _http(handler, local=True) as http:
        http.post("http://x/v1/chat/completions", json={"model": "m", "messages": [], "response_format": fmt}).read()
    assert seen and (seen.get("response_format") or {}).get("type") != "json_schema", seen
    assert len(usage.calls()) == 1


def test_a_refused_connection_restarts_the_server_and_retries_once():
    attempts = []

    def handler(request):
        attempts.append(str(request.url))
        if len(attempts) == 1:
            raise httpx2.ConnectError("refused", request=request)
        return httpx2.Response(200, json={"model": "m", "usage": {"prompt_tokens": 1, "completion_tokens": 1}})
    with _http(handler, local=True, restart=lambda: "http://127.0.0.1:4321/v1") as http:
        http.post("http://127.0.0.1:1234/v1/chat/completions", json={"model": "m"}).read()
    assert attempts == ["http://127.0.0.1:1234/v1/chat/completions", "http://127.0.0.1:4321/v1/chat/completions"]
    assert len(usage.calls()) == 1


def test_the_async_transport_records_too():
    async def go():
        transport = AsyncRecordingTransport(httpx2.MockTransport(
            lambda r: httpx2.Response(200, json={"model": "m", "usage": {"prompt_tokens": 2, "completion_tokens": 3}})))
        async with httpx2.AsyncClient(transport=transport) as http:
            response = await http.post("http://x/v1/chat/completions", json={"model": "m"})
            await response.aread()
    asyncio.run(go())
    [call] = usage.calls()
    assert (call.prompt_tokens, call.completion_tokens) == (2, 3)


# --- the real local server, through the real openai client -------------------------------------------
HI = [{"role": "user", "content": "Say hi"}]


@pytest.mark.xdist_group("llm")
def test_real_server_copies_async_and_streams_are_all_recorded(tmp_path, monkeypatch):
    for name in ("AISD_LLM_BASE_URL", "AISD_LLM_GGUF"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AISD_HOME", str(tmp_path))
    try:
        client = llm.client()
        client.with_options(timeout=60).chat.completions.create(model=llm.model_name(), messages=HI, max_tokens=3)
        with client.chat.completions.create(model=llm.model_name(), messages=HI, max_tokens=3, stream=True) as s:
            list(s)

        async def go():
            async with llm.async_client() as aclient:
                return await aclient.chat.completions.create(model=llm.model_name(), messages=HI, max_tokens=3)
        reply = asyncio.run(go())
        calls = usage.calls()
        assert len(calls) == 3, calls
        copy_call, stream_call, async_call = calls
        assert copy_call.source == "usage" and copy_call.prompt_tokens > 0
        assert stream_call.stream and stream_call.completion_tokens > 0 and stream_call.first_token_s
        assert async_call.completion_tokens == reply.usage.completion_tokens
    finally:
        server.stop_server()
