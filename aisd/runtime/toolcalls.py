"""Tool calls and JSON output from the local server that are valid every time.

The recording transport (:mod:`aisd.runtime.recording`) hands this module every local chat request
that asks for a tool call or for JSON. Instead of passing it to llama.cpp's server as is (whose
grammar lets invalid JSON through, see :mod:`aisd.runtime.grammar`), it asks the server for the JSON
under a grammar written from the schema, checks the answer against the schema, retries once with
tighter bounds (short strings, few array items, temperature 0) if it does not fit, and returns it
in the OpenAI response shape:

=========================================================  ====================================================
the request                                                what the local server is asked, what comes back
=========================================================  ====================================================
``tool_choice={"type": "function", "function": {...}}``    the arguments, under that tool's ``parameters``;
                                                           ``message.tool_calls[0]`` names the tool
``tool_choice="required"`` with ``tools``                  an *action* ``{"tool": NAME, "arguments": {...}}``
                                                           under a grammar that allows exactly the listed
                                                           tools with their own argument schemas (the model
                                                           chooses); returned as ``tool_calls``
``response_format={"type": "json_object"[, "schema"]}``    the JSON (any object, or fitting the schema) as
                                                           ``message.content``
``tool_choice="auto"`` (or none) with ``tools``            passed on: llama.cpp's default chat format answers
                                                           in text and never calls a tool
=========================================================  ====================================================

If the answer does not fit after the retry, :class:`SchemaMismatchError` says so (it is never handed back
as if valid). Conversation history with tool calls (assistant ``tool_calls``, ``role: "tool"``) is
rewritten to plain text for the local model, whose chat template knows neither. Each request to the
server is recorded in :mod:`aisd.runtime.usage`; the response's ``usage`` is their sum, and
:data:`stats` counts first-try successes and retries.

>>> body = {"messages": [{"role": "user", "content": "hi"}], "tools": [{"type": "function",
...         "function": {"name": "f", "parameters": {"type": "object"}}}], "tool_choice": "auto"}
>>> handles(body)
False
>>> handles({**body, "tool_choice": "required"})
True
"""
from __future__ import annotations

import json
import time
import uuid
from collections import Counter
from typing import Generator

import httpx2

from aisd.core.errors import AisdError
from aisd.runtime.grammar import choice_gbnf, gbnf

RETRY_MAX_STRING = 24        # the retry's bound on strings (arrays: 2 items): short enough to end within max_tokens
DROPPED = ("tools", "tool_choice", "parallel_tool_calls", "response_format", "stream", "stream_options",
           "functions", "function_call")

stats: Counter = Counter()   # "first_try", "retried", "failed", per kind ("forced", "required", "json")


class SchemaMismatchError(AisdError):
    """The local model's answer did not fit the schema even after a retry."""


def validate(value, schema: dict) -> str | None:
    """None if ``value`` fits the JSON ``schema``, else the first reason it does not (in plain words).

    >>> validate({"n": 3}, {"type": "object", "properties": {"n": {"type": "integer", "minimum": 5}}})
    'n: 3 is less than the minimum of 5'
    >>> validate({"n": 7}, {"type": "object", "properties": {"n": {"type": "integer", "minimum": 5}}}) is None
    True
    """
    import jsonschema     # here, not at the top: importing it takes ~1-5 s (it builds a parser), and
    #                       every notebook imports this module through aisd.runtime.llm
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema).iter_errors(value))
    if error is None:
        return None
    where = ".".join(str(p) for p in error.absolute_path)
    return f"{where}: {error.message}" if where else error.message


def handles(body: dict) -> bool:
    """Does this chat request need this module locally (a named or required tool call, JSON output,
    or tool-call history to rewrite)?"""
    choice, fmt = body.get("tool_choice"), body.get("response_format")
    if body.get("tools") and (isinstance(choice, dict) or choice == "required"):
        return True
    if isinstance(fmt, dict) and fmt.get("type") in ("json_object", "json_schema"):
        return True
    return any(isinstance(m, dict) and (m.get("tool_calls") or m.get("role") == "tool")
               for m in body.get("messages") or [])


def _text(content) -> str:
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return content or ""


def plain_messages(messages: list[dict]) -> list[dict]:
    """Tool-call history as plain text turns the local model's chat template can render.

    >>> plain_messages([{"role": "assistant", "content": None, "tool_calls": [{"id": "c1", "type": "function",
    ...     "function": {"name": "add", "arguments": '{"a": 1}'}}]}, {"role": "tool", "tool_call_id": "c1", "content": "1"}])
    [{'role': 'assistant', 'content': '{"tool": "add", "arguments": {"a": 1}}'}, {'role': 'user', 'content': 'Result of add: 1'}]
    """
    names, out = {}, []
    for m in messages:
        if m.get("role") == "assistant" and m.get("tool_calls"):
            parts = [_text(m.get("content"))] if _text(m.get("content")) else []
            for call in m["tool_calls"]:
                names[call.get("id")] = call["function"]["name"]
                try:
                    arguments = json.loads(call["function"].get("arguments") or "{}")
                except json.JSONDecodeError:
                    arguments = call["function"].get("arguments")
                parts.append(json.dumps({"tool": call["function"]["name"], "arguments": arguments}))
            out.append({"role": "assistant", "content": "\n".join(parts)})
        elif m.get("role") == "tool":
            name = names.get(m.get("tool_call_id")) or m.get("name") or "the tool"
            out.append({"role": "user", "content": f"Result of {name}: {_text(m.get('content'))}"})
        else:
            out.append({**{k: v for k, v in m.items() if k != "name"}, "content": _text(m.get("content"))})
    return out


def _describe(tool: dict) -> str:
    f = tool["function"]
    params = f.get("parameters") or {}
    fields = ", ".join(f"{k}: {v.get('type', 'any')}" + ("" if k in params.get("required", []) else " (optional)")
                       for k, v in (params.get("properties") or {}).items())
    return f"{f['name']}({fields})" + (f": {f['description']}" if f.get("description") else "")


def _instruction(kind: str, tools: list[dict]) -> str | None:
    if kind == "forced":
        return f"Call the tool {_describe(tools[0])}. Answer with its arguments as JSON."
    if kind == "required":
        listed = "\n".join(f"- {_describe(t)}" for t in tools)
        return ('Choose one tool and answer with JSON {"tool": NAME, "arguments": {...}}. Tools:\n' + listed)
    return None


def _with_instruction(messages: list[dict], note: str | None) -> list[dict]:
    if not note:
        return messages
    if messages and messages[0]["role"] == "system":
        return [{**messages[0], "content": messages[0]["content"] + "\n\n" + note}] + messages[1:]
    return [{"role": "system", "content": note}] + messages


def _plan(body: dict) -> tuple[str, list[dict], dict | None]:
    """What to ask for: the kind, the tools concerned, and the schema to check the answer against."""
    choice, tools = body.get("tool_choice"), body.get("tools") or []
    if tools and isinstance(choice, dict):
        name = (choice.get("function") or {}).get("name")
        tool = next((t for t in tools if t.get("function", {}).get("name") == name), None)
        if tool is None:
            raise SchemaMismatchError(f"tool_choice names {name!r}, which is not in tools "
                                f"({[t.get('function', {}).get('name') for t in tools]})")
        return "forced", [tool], tool["function"].get("parameters") or {"type": "object"}
    if tools and choice == "required":
        return "required", tools, None
    fmt = body.get("response_format")
    if isinstance(fmt, dict) and fmt.get("type") == "json_object":
        return "json", [], fmt.get("schema") or {"type": "object"}
    if isinstance(fmt, dict) and fmt.get("type") == "json_schema":
        return "json", [], (fmt.get("json_schema") or {}).get("schema") or {"type": "object"}
    return "plain", [], None


def _grammar(kind: str, tools: list[dict], schema: dict | None, tight: bool) -> str | None:
    bounds = {"max_string": RETRY_MAX_STRING, "tight": True} if tight else {}
    if kind == "required":
        return choice_gbnf({t["function"]["name"]: t["function"].get("parameters") or {"type": "object"}
                            for t in tools}, **bounds)
    if schema is not None:
        return gbnf(schema, **bounds)
    return None


def _check(kind: str, text: str, tools: list[dict], schema: dict | None) -> tuple[str | None, object]:
    """(None, parsed) when ``text`` fits, else (the reason, None)."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        return f"not valid JSON ({exc.msg} at character {exc.pos})", None
    if kind == "required":
        tool = next((t for t in tools if t["function"]["name"] == (value or {}).get("tool")), None)
        if tool is None:
            return f"names no listed tool: {text[:80]}", None
        schema = tool["function"].get("parameters") or {"type": "object"}
        value, checked = value, value.get("arguments")
    else:
        checked = value
    reason = validate(checked, schema or {"type": "object"})
    return reason, (value if reason is None else None)


def exchange(body: dict) -> Generator[dict, dict, dict]:
    """The conversation with the server for one request (sans I/O): yields each request body to send,
    receives the server's JSON answer, returns the OpenAI-shaped response for the caller.

    >>> gen = exchange({"model": "smollm2", "messages": [{"role": "user", "content": "Paris?"}],
    ...     "tools": [{"type": "function", "function": {"name": "w", "parameters": {"type": "object",
    ...     "properties": {"city": {"type": "string"}}, "required": ["city"]}}}],
    ...     "tool_choice": {"type": "function", "function": {"name": "w"}}})
    >>> sent = next(gen); "grammar" in sent and "tools" not in sent
    True
    >>> answer = {"choices": [{"message": {"role": "assistant", "content": '{"city": "Paris"}'},
    ...     "finish_reason": "stop"}], "usage": {"prompt_tokens": 9, "completion_tokens": 6, "total_tokens": 15}}
    >>> try:
    ...     gen.send(answer)
    ... except StopIteration as done:
    ...     done.value["choices"][0]["message"]["tool_calls"][0]["function"]
    {'name': 'w', 'arguments': '{"city": "Paris"}'}
    """
    kind, tools, schema = _plan(body)
    messages = _with_instruction(plain_messages(body.get("messages") or []), _instruction(kind, tools))
    if kind == "plain":
        raise SchemaMismatchError("nothing to constrain: use plain_request for tool-call history alone")
    base = {k: v for k, v in body.items() if k not in DROPPED}
    base["messages"] = messages
    used = {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}
    reasons = []
    for attempt in (0, 1):
        request = dict(base, grammar=_grammar(kind, tools, schema, tight=bool(attempt)))
        if attempt:
            request["temperature"] = 0.0
        answer = yield request
        for key in used:
            used[key] += int((answer.get("usage") or {}).get(key) or 0)
        choice = (answer.get("choices") or [{}])[0]
        text = (choice.get("message") or {}).get("content") or ""
        reason, value = _check(kind, text, tools, schema)
        if reason is None:
            stats[f"{kind}_{'retried' if attempt else 'first_try'}"] += 1
            return _response(answer, kind, tools, value, text, used)
        reasons.append(f"{reason} (finish_reason {choice.get('finish_reason')!r})")
    stats[f"{kind}_failed"] += 1
    raise SchemaMismatchError(f"the local model's {kind} answer did not fit its schema after a retry: "
                        + "; ".join(reasons) + ". Raise max_tokens or set maxLength on long strings.")


def _response(answer: dict, kind: str, tools: list[dict], value, text: str, used: dict) -> dict:
    out = {**answer, "usage": used}
    message = {"role": "assistant", "content": text}
    finish = "stop"
    if kind in ("forced", "required"):
        name = tools[0]["function"]["name"] if kind == "forced" else value["tool"]
        arguments = value if kind == "forced" else value["arguments"]
        message = {"role": "assistant", "content": None, "tool_calls": [{
            "id": f"call_{uuid.uuid4().hex[:12]}", "type": "function",
            "function": {"name": name, "arguments": json.dumps(arguments)}}]}
        finish = "tool_calls"
    out["choices"] = [{"index": 0, "message": message, "finish_reason": finish, "logprobs": None}]
    return out


def as_event_stream(response: dict) -> bytes:
    """A complete response as the server-sent events a ``stream=True`` caller expects (one chunk).

    >>> as_event_stream({"id": "x", "model": "m", "created": 1, "choices": [{"index": 0,
    ...     "message": {"role": "assistant", "content": "{}"}, "finish_reason": "stop"}]}).count(b"data:")
    3
    """
    choice = response["choices"][0]
    base = {"id": response.get("id", "chatcmpl"), "object": "chat.completion.chunk",
            "created": response.get("created", int(time.time())), "model": response.get("model")}
    delta = {k: v for k, v in choice["message"].items() if v is not None}
    if "tool_calls" in delta:
        delta["tool_calls"] = [{**c, "index": i} for i, c in enumerate(delta["tool_calls"])]
    chunks = [{**base, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]},
              {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": choice["finish_reason"]}]}]
    return b"".join(b"data: " + json.dumps(c).encode() + b"\n\n" for c in chunks) + b"data: [DONE]\n\n"


# --------------------------------------------------------------------------------------------
# The transport's side: which requests to take over, and the exchange driven over HTTP
# --------------------------------------------------------------------------------------------
def intercepts(request: httpx2.Request) -> dict | None:
    """The JSON body of a local chat request this module takes over, else None."""
    if request.method != "POST" or not request.url.path.endswith("/chat/completions"):
        return None
    try:
        body = json.loads(request.content or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    return body if isinstance(body, dict) and handles(body) else None


def _with_body(request: httpx2.Request, body: dict) -> httpx2.Request:
    headers = [(k, v) for k, v in request.headers.items() if k.lower() != "content-length"]
    return httpx2.Request(request.method, request.url, headers=headers, content=json.dumps(body).encode(),
                          extensions=request.extensions)


def _json_response(status: int, payload: dict, stream: bool = False) -> httpx2.Response:
    if stream and status == 200:
        return httpx2.Response(status, content=as_event_stream(payload),
                               headers={"content-type": "text/event-stream"})
    return httpx2.Response(status, json=payload)


def _refusal(exc: AisdError) -> httpx2.Response:
    """An error the openai client raises as ``APIStatusError`` (422) with our message."""
    return _json_response(422, {"error": {"message": str(exc), "type": type(exc).__name__, "code": 422}})


def run(request: httpx2.Request, body: dict, send) -> httpx2.Response:
    """Answer ``request`` through ``send`` (the transport: each request recorded, restart-and-retry)."""
    try:
        if _plan(body)[0] == "plain":
            return send(_with_body(request, {**body, "messages": plain_messages(body["messages"])}))
        conversation = exchange(body)
        payload = next(conversation)
        while True:
            response = send(_with_body(request, payload))
            response.read()
            if response.status_code >= 400:
                return response
            payload = conversation.send(json.loads(response.content))
    except StopIteration as done:
        return _json_response(200, done.value, bool(body.get("stream")))
    except AisdError as exc:
        return _refusal(exc)


async def run_async(request: httpx2.Request, body: dict, send) -> httpx2.Response:
    """The same as :func:`run`, for the async transport."""
    try:
        if _plan(body)[0] == "plain":
            return await send(_with_body(request, {**body, "messages": plain_messages(body["messages"])}))
        conversation = exchange(body)
        payload = next(conversation)
        while True:
            response = await send(_with_body(request, payload))
            await response.aread()
            if response.status_code >= 400:
                return response
            payload = conversation.send(json.loads(response.content))
    except StopIteration as done:
        return _json_response(200, done.value, bool(body.get("stream")))
    except AisdError as exc:
        return _refusal(exc)
