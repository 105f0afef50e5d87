"""Recording every LLM request at the HTTP level, so nothing the ``openai`` client does escapes the ledger.

:func:`aisd.runtime.llm.client` gives its ``openai`` client an httpx transport from here. The transport
sees every request of that client and of its copies (``client.with_options(...)``), of the async client,
of chat completions and of the Responses API, streamed or not, and records each into
:mod:`aisd.runtime.usage`: model, tokens in and out, latency, time to first token.

For the local server it also (1) rewrites OpenAI's ``response_format={"type": "json_schema", ...}`` to the
``{"type": "json_object", "schema": ...}`` form llama.cpp understands, and (2) starts the server again
and retries once when the connection is refused (the server died). Local tool calls and JSON output
go through :mod:`aisd.runtime.toolcalls` (valid every time), whose requests come back through here.

>>> import httpx2
>>> body = b'{"model": "m", "usage": {"prompt_tokens": 3, "completion_tokens": 2}}'
>>> inner = httpx2.MockTransport(lambda request: httpx2.Response(200, content=body,
...                                                                  headers={"content-type": "application/json"}))
>>> from aisd.runtime import usage; usage.reset()
>>> with httpx2.Client(transport=RecordingTransport(inner, provider="test")) as http:
...     _ = http.post("http://x/v1/chat/completions", json={"model": "m", "messages": []}).read()
>>> [(c.model, c.prompt_tokens, c.completion_tokens) for c in usage.calls()]
[('m', 3, 2)]
"""
from __future__ import annotations

import json
import time
from typing import Callable

import httpx2

from aisd.runtime import tokens, toolcalls, usage

RECORDED_PATHS = ("/chat/completions", "/responses", "/completions")
# A dead local server shows as a refused connection, or as a reset one when a pooled keep-alive
# connection outlived it: either way, start it again and retry once.
SERVER_GONE = (httpx2.ConnectError, httpx2.ReadError, httpx2.RemoteProtocolError)


def _json(data: bytes) -> dict:
    try:
        value = json.loads(data or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError):
        return {}
    return value if isinstance(value, dict) else {}


def local_request_body(body: dict) -> dict:
    """llama.cpp's server takes ``{"type": "json_object", "schema": S}`` where OpenAI takes ``json_schema``.

    >>> local_request_body({"response_format": {"type": "json_schema", "json_schema": {"schema": {"type": "object"}}}})
    {'response_format': {'type': 'json_object', 'schema': {'type': 'object'}}}
    """
    fmt = body.get("response_format")
    if isinstance(fmt, dict) and fmt.get("type") == "json_schema":
        schema = (fmt.get("json_schema") or {}).get("schema", {"type": "object"})
        body = {**body, "response_format": {"type": "json_object", "schema": schema}}
    return body


class _Meter:
    """What one request used, read off its response body (JSON, or server-sent events when streamed)."""

    def __init__(self, request_body: dict, provider: str, started: float):
        self.body, self.provider, self.started = request_body, provider, started
        self.first_token_s: float | None = None
        self.generated_chunks = 0
        self.reported: dict | None = None
        self.model = request_body.get("model", "?")
        self._pending = b""

    def feed_event_stream(self, data: bytes) -> None:
        self._pending += data
        *lines, self._pending = self._pending.split(b"\n")
        for line in lines:
            if line.startswith(b"data:") and line[5:].strip() not in (b"", b"[DONE]"):
                self._event(_json(line[5:].strip()))

    def _event(self, event: dict) -> None:
        self.model = event.get("model") or (event.get("response") or {}).get("model") or self.model
        reported = event.get("usage") or (event.get("response") or {}).get("usage")
        if reported:
            self.reported = reported
        delta = (event.get("choices") or [{}])[0].get("delta") or {}
        if delta.get("content") or delta.get("tool_calls") or event.get("type") == "response.output_text.delta":
            self.generated_chunks += 1
            if self.first_token_s is None:
                self.first_token_s = time.perf_counter() - self.started

    def record(self, whole_body: bytes | None, stream: bool) -> None:
        if whole_body is not None:
            answer = _json(whole_body)
            self.model = answer.get("model") or self.model
            self.reported = answer.get("usage") or self.reported
        u = self.reported or {}
        prompt = u.get("prompt_tokens", u.get("input_tokens"))
        completion = u.get("completion_tokens", u.get("output_tokens"))
        if prompt is None:          # providers (and llama.cpp) leave usage out of streams unless asked
            prompt = tokens.count_messages(self.body.get("messages") or [{"content": str(self.body.get("input", ""))}])
        if completion is None:
            completion = self.generated_chunks   # one chunk of content per generated token
        usage.record(model=str(self.body.get("model") or self.model), provider=self.provider,
                     prompt_tokens=int(prompt), completion_tokens=int(completion),
                     latency_s=time.perf_counter() - self.started, first_token_s=self.first_token_s,
                     stream=stream, source="usage" if self.reported else "estimated")


class _MeteredStream(httpx2.SyncByteStream):
    def __init__(self, inner, meter: _Meter, stream: bool):
        self.inner, self.meter, self.stream, self.parts, self.done = inner, meter, stream, [], False

    def __iter__(self):
        for part in self.inner:
            if self.stream:
                self.meter.feed_event_stream(part)
            else:
                self.parts.append(part)
            yield part

    def close(self) -> None:
        try:
            self.inner.close()
        finally:
            if not self.done:
                self.done = True
                self.meter.record(None if self.stream else b"".join(self.parts), self.stream)


class _AsyncMeteredStream(httpx2.AsyncByteStream):
    def __init__(self, inner, meter: _Meter, stream: bool):
        self.inner, self.meter, self.stream, self.parts, self.done = inner, meter, stream, [], False

    async def __aiter__(self):
        async for part in self.inner:
            if self.stream:
                self.meter.feed_event_stream(part)
            else:
                self.parts.append(part)
            yield part

    async def aclose(self) -> None:
        try:
            await self.inner.aclose()
        finally:
            if not self.done:
                self.done = True
                self.meter.record(None if self.stream else b"".join(self.parts), self.stream)


class _Recorder:
    """What the sync and async transports share: which requests to meter, and the local rewrites."""

    def __init__(self, provider: str, local: bool, restart: Callable[[], str] | None):
        self.provider, self.local, self.restart = provider, local, restart

    def prepare(self, request: httpx2.Request) -> tuple[httpx2.Request, dict | None]:
        if request.method != "POST" or not request.url.path.endswith(RECORDED_PATHS):
            return request, None
        body = _json(request.content)
        if self.local:
            rewritten = local_request_body(body)
            if rewritten is not body:
                body = rewritten
                request = self.rebuild(request, content=json.dumps(body).encode())
        return request, body

    @staticmethod
    def rebuild(request: httpx2.Request, url=None, content: bytes | None = None) -> httpx2.Request:
        headers = [(k, v) for k, v in request.headers.items() if k.lower() != "content-length"]
        return httpx2.Request(request.method, url or request.url, headers=headers,
                              content=request.content if content is None else content,
                              extensions=request.extensions)

    def moved(self, request: httpx2.Request) -> httpx2.Request:
        """The same request sent to the server that :attr:`restart` started (its port may differ)."""
        base = httpx2.URL(self.restart())
        return self.rebuild(request, url=request.url.copy_with(host=base.host, port=base.port))

    def metered(self, response: httpx2.Response, body: dict, started: float, stream_cls):
        stream = bool(body.get("stream"))
        meter = _Meter(body, self.provider, started)
        return httpx2.Response(response.status_code, headers=response.headers,
                               stream=stream_cls(response.stream, meter, stream),
                               extensions=response.extensions)


class RecordingTransport(httpx2.BaseTransport):
    """An httpx transport that records each LLM request into :mod:`aisd.runtime.usage` (see the module).

    ``restart`` (local server only) returns a fresh base URL after starting the server again.
    """

    def __init__(self, inner: httpx2.BaseTransport | None = None, provider: str = "local", local: bool = False,
                 restart: Callable[[], str] | None = None):
        self.inner = inner or httpx2.HTTPTransport()
        self.recorder = _Recorder(provider, local, restart)

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        if self.recorder.local and (whole := toolcalls.intercepts(request)) is not None:
            return toolcalls.run(request, whole, self.handle_request)   # valid tool calls / JSON, see there
        request, body = self.recorder.prepare(request)
        started = time.perf_counter()
        try:
            response = self.inner.handle_request(request)
        except SERVER_GONE:
            if not self.recorder.restart:
                raise
            request = self.recorder.moved(request)   # the local server died: start it again, retry once
            started = time.perf_counter()
            response = self.inner.handle_request(request)
        if body is None or response.status_code >= 400:
            return response
        return self.recorder.metered(response, body, started, _MeteredStream)

    def close(self) -> None:
        self.inner.close()


class AsyncRecordingTransport(httpx2.AsyncBaseTransport):
    """The same as :class:`RecordingTransport`, for ``openai.AsyncOpenAI``."""

    def __init__(self, inner: httpx2.AsyncBaseTransport | None = None, provider: str = "local",
                 local: bool = False, restart: Callable[[], str] | None = None):
        self.inner = inner or httpx2.AsyncHTTPTransport()
        self.recorder = _Recorder(provider, local, restart)

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        if self.recorder.local and (whole := toolcalls.intercepts(request)) is not None:
            return await toolcalls.run_async(request, whole, self.handle_async_request)
        request, body = self.recorder.prepare(request)
        started = time.perf_counter()
        try:
            response = await self.inner.handle_async_request(request)
        except SERVER_GONE:
            if not self.recorder.restart:
                raise
            request = self.recorder.moved(request)
            started = time.perf_counter()
            response = await self.inner.handle_async_request(request)
        if body is None or response.status_code >= 400:
            return response
        return self.recorder.metered(response, body, started, _AsyncMeteredStream)

    async def aclose(self) -> None:
        await self.inner.aclose()
