"""A fault-injecting HTTP proxy on 127.0.0.1, in front of the local LLM server (notebook 11).

Point the course's real ``openai`` client at it (``llm.client(tier="tiny", base_url=proxy.base_url)``) and
it forwards each request to the server, unless the fault plan says otherwise for that request:

=========  ====================================================================================
``ok``     forwarded (after ``latency_s`` of added delay)
``error``  answered at once with HTTP ``error_status`` (503 by default; 429 for a rate limit)
``reset``  the connection is closed with a TCP reset before any answer
``stall``  nothing is answered for ``stall_s``, then the connection is closed (the client's timeout
           decides how long that costs)
``trunc``  forwarded, but the answer is cut mid-way and ended *cleanly*, as a proxy or load balancer
           timing out a long stream does: a streamed answer stops after ``truncate_after`` events (no
           ``finish_reason``, no ``[DONE]``; the proxy reads the rest from the server and drops it), a
           whole JSON answer after half its bytes. Nothing raises in a naive client: it shows a
           partial answer as if it were whole (:func:`aisd.resilience.patterns.stream_answerer`
           has the check that notices)
=========  ====================================================================================

Which request gets which fault comes from a seeded generator (:class:`Faults`): the n-th request that
arrives gets the n-th draw, so two runs with the same seed meet the same fault trace, and an
*outage* (every request fails from ``outage_after`` arrivals on, for ``outage_s`` seconds) can be added.
The proxy runs in its own thread for at most ``lifetime_s`` seconds and then stops by itself; ``stop()``
(or leaving the ``with`` block) stops it sooner. Every arrival is logged (time, fault) in :attr:`arrivals`.

>>> with FaultProxy("127.0.0.1", 9, Faults(error_rate=1.0), lifetime_s=5) as p:    # doctest: +SKIP
...     p.base_url
'http://127.0.0.1:41234/v1'
"""
from __future__ import annotations

import asyncio
import dataclasses
import random
import socket
import struct
import threading
import time


from aisd.core.errors import AisdError


class ProxyError(AisdError, ValueError):
    """A fault proxy configured with impossible numbers."""

KINDS = ("ok", "error", "reset", "stall", "trunc")


@dataclasses.dataclass(frozen=True)
class Faults:
    """A fault plan: per-request rates of each fault (they add up to at most 1), and their parameters."""
    error_rate: float = 0.0
    reset_rate: float = 0.0
    stall_rate: float = 0.0
    truncate_rate: float = 0.0
    error_status: int = 503
    latency_s: float = 0.0         # added to every forwarded request
    stall_s: float = 5.0
    truncate_after: int = 2        # streamed events let through before a truncated stream is cut
    outage_after: int | None = None   # arrivals before a total outage begins (None: no outage)
    outage_s: float = 0.0             # how long the outage lasts, in seconds from its first failed arrival
    seed: int = 0

    def __post_init__(self):
        rates = (self.error_rate, self.reset_rate, self.stall_rate, self.truncate_rate)
        if min(rates) < 0 or sum(rates) > 1 + 1e-9:
            raise ProxyError("fault rates must be >= 0 and add up to at most 1")
        if self.truncate_after < 0:
            raise ProxyError("truncate_after counts streamed events: 0 or more")

    def trace(self, n: int) -> list[str]:
        """The first ``n`` draws of this plan (without the outage), e.g. to replay them offline.

        >>> Faults(error_rate=0.5, seed=1).trace(6)
        ['error', 'ok', 'ok', 'error', 'error', 'error']
        """
        rng = random.Random(self.seed)
        return [self._draw(rng) for _ in range(n)]

    def _draw(self, rng: random.Random) -> str:
        u = rng.random()
        for kind, rate in (("error", self.error_rate), ("reset", self.reset_rate), ("stall", self.stall_rate),
                           ("trunc", self.truncate_rate)):
            if u < rate:
                return kind
            u -= rate
        return "ok"


class FaultProxy:
    """A proxy to ``upstream_host:upstream_port`` that injects :class:`Faults`; see the module."""

    def __init__(self, upstream_host: str, upstream_port: int, faults: Faults = Faults(), lifetime_s: float = 60.0):
        if lifetime_s <= 0:
            raise ProxyError("lifetime_s must be positive: the proxy always stops by itself")
        self.upstream = (upstream_host, upstream_port)
        self.faults = faults
        self.lifetime_s = lifetime_s
        self.arrivals: list[tuple[float, str]] = []   # (seconds since start, fault kind)
        self._rng = random.Random(faults.seed)
        self._outage_started: float | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self.port: int | None = None
        self.started_at = 0.0
        self.stopped_at: float | None = None

    @classmethod
    def for_url(cls, base_url: str, faults: Faults = Faults(), lifetime_s: float = 60.0) -> "FaultProxy":
        """A proxy in front of the server at ``base_url`` (e.g. ``server.ensure_server()["base_url"]``)."""
        from urllib.parse import urlsplit
        parts = urlsplit(base_url)
        return cls(parts.hostname or "127.0.0.1", parts.port or 80, faults, lifetime_s)

    # ---------------------------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> "FaultProxy":
        self._thread = threading.Thread(target=self._run, name="fault-proxy", daemon=True)
        self._thread.start()
        self._ready.wait(10)
        if self._error:
            raise self._error
        return self

    def stop(self, wait_s: float = 10.0) -> None:
        if self._loop and self._stop and self.running:
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread:
            self._thread.join(wait_s)

    def __enter__(self) -> "FaultProxy":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def counts(self) -> dict[str, int]:
        """How many arrivals met each fault kind (``outage`` counted apart)."""
        out = {k: 0 for k in (*KINDS, "outage")}
        for _, kind in self.arrivals:
            out[kind] += 1
        return out

    # ---------------------------------------------------------------------------------------------
    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as exc:   # reported to start()
            self._error = exc
            self._ready.set()

    async def _main(self) -> None:
        self._loop, self._stop, self._handlers = asyncio.get_running_loop(), asyncio.Event(), set()
        server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = server.sockets[0].getsockname()[1]
        self.started_at = time.monotonic()
        self._ready.set()
        try:
            await asyncio.wait_for(self._stop.wait(), timeout=self.lifetime_s)
        except asyncio.TimeoutError:
            pass
        server.close()
        tasks = list(self._handlers)
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self.stopped_at = time.monotonic()

    def _next_fault(self) -> str:
        now = time.monotonic()
        f = self.faults
        kind = self._draw()
        if f.outage_after is not None and len(self.arrivals) >= f.outage_after:
            if self._outage_started is None:
                self._outage_started = now
            if now - self._outage_started < f.outage_s:
                kind = "outage"
        self.arrivals.append((now - self.started_at, kind))
        return kind

    def _draw(self) -> str:
        return self.faults._draw(self._rng)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._handlers.add(asyncio.current_task())
        try:
            while True:
                request = await _read_request(reader)
                if request is None:
                    return
                kind = self._next_fault()
                if kind in ("error", "outage"):
                    status = self.faults.error_status
                    body = b'{"error": {"message": "injected fault", "type": "server_error"}}'
                    writer.write(f"HTTP/1.1 {status} Injected\r\ncontent-type: application/json\r\n"
                                 f"content-length: {len(body)}\r\nretry-after: 0\r\n\r\n".encode() + body)
                    await writer.drain()
                    continue
                if kind == "reset":
                    _reset(writer)
                    return
                if kind == "stall":
                    await asyncio.sleep(self.faults.stall_s)
                    return
                if self.faults.latency_s:
                    await asyncio.sleep(self.faults.latency_s)
                if not await self._forward(request, writer, truncate=kind == "trunc"):
                    return
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            return          # a cancelled handler (the proxy stopping) ends quietly
        finally:
            self._handlers.discard(asyncio.current_task())
            if not writer.is_closing():
                writer.close()

    async def _forward(self, request: bytes, writer: asyncio.StreamWriter, truncate: bool = False) -> bool:
        """Send ``request`` upstream on a fresh connection and copy the answer back (all of it, unless
        ``truncate``: then cut it and end it cleanly; False means the client's connection must close)."""
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            writer.write(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n")
            await writer.drain()
            return True
        try:
            up_writer.write(request)
            await up_writer.drain()
            head = await up_reader.readuntil(b"\r\n\r\n")
            length = _content_length(head)
            if length is not None:
                body = await up_reader.readexactly(length)
                if truncate:           # half a JSON document, with a content-length that matches it
                    body = body[:length // 2]
                    head = _with_content_length(head, len(body))
                writer.write(head + body)
            elif b"transfer-encoding: chunked" in head.lower():
                writer.write(head)
                events, cut = 0, False
                while True:
                    size_line = await up_reader.readuntil(b"\r\n")
                    size = int(size_line.split(b";")[0], 16)
                    chunk = await up_reader.readexactly(size + 2)
                    events += chunk.count(b"data:")
                    if truncate and size and not cut and events > self.faults.truncate_after:
                        writer.write(b"0\r\n\r\n")      # a clean end of the body, mid-answer; the client's
                        await writer.drain()               # connection stays open, as after any answer
                        cut = True
                    if not cut:
                        writer.write(size_line + chunk)
                        await writer.drain()
                    if size == 0:      # the rest of a cut stream is read and dropped: the server finishes the
                        break          # answer it was asked for (hanging up on llama-cpp-python mid-stream was
                                       # followed by 10-40 s stalls of the next calls, measured here)
            else:   # read to the end
                writer.write(head + await up_reader.read())
                await writer.drain()
                return False
            await writer.drain()
            return True
        except (ConnectionError, asyncio.IncompleteReadError):
            _reset(writer)       # the server died mid-request: so does the client's connection
            return False
        finally:
            up_writer.close()


async def _read_request(reader: asyncio.StreamReader) -> bytes | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, ConnectionError):
        return None
    length = _content_length(head) or 0
    return head + (await reader.readexactly(length) if length else b"")


def _content_length(head: bytes) -> int | None:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value.strip())
    return None


def _with_content_length(head: bytes, length: int) -> bytes:
    lines = [line for line in head.split(b"\r\n") if line.split(b":")[0].strip().lower() != b"content-length"]
    return b"\r\n".join(lines[:-2] + [b"content-length: %d" % length, b"", b""])


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with a TCP RST (SO_LINGER 0), as a crashed peer or a load balancer cutting in would."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
    writer.transport.abort()
