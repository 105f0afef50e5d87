"""Notebook 02's RAG answerer as a small HTTP service on 127.0.0.1: the service notebook 11 loads and breaks.

``POST /answer`` with ``{"question": "..."}`` retrieves passages (notebook 02's hybrid retrieval over the
Python documentation), generates an answer citing them through the local LLM server (the real ``openai``
client, so a :class:`~.proxy.FaultProxy` can sit in between), checks the citations, and answers
``{"answer", "passages", "grounded", "abstained", "timings"}``; ``GET /health`` answers ``{"ok": true}``. A
failed generation is an HTTP 503 with the reason.

The service knows its model server answers ``slots`` requests at a time (llama-cpp-python's server: one),
so it keeps its own queue in front of it and measures it: ``timings`` has ``retrieve_s`` (search),
``queue_s`` (waiting for a generation slot), ``generate_s`` (the LLM call) and ``total_s``. It is a
standard-library ``ThreadingHTTPServer`` (one thread per connection) that stops by itself ``lifetime_s``
after it started; ``stop()`` or leaving the ``with`` block stops it sooner.

>>> docs = {"pass/0": "pass does nothing", "del/0": "del deletes a name", "if/0": "if runs a block"}
>>> s = RagService(Retriever(docs, embed=None), "http://127.0.0.1:9/v1", "none", k=1,
...                config="bm25", lifetime_s=5).start()
>>> s.url.startswith("http://127.0.0.1:"), s.retrieve("what does pass do")[0], s.running
(True, ['pass/0'], True)
>>> s.stop(); s.running
False
"""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aisd.core.errors import AisdError
from aisd.rag import generation
from aisd.runtime import llm
from aisd.toolkit.retrieval import Retriever


class ServiceError(AisdError, ValueError):
    """A RAG service configured with impossible numbers."""


def pydoc_retriever(embed: bool = True) -> Retriever:
    """Notebook 02's retriever over its documentation passages (hybrid with ``embed``, else BM25 only)."""
    from aisd.rag.data import load_split
    from aisd.toolkit.retrieval.dense import default_embed

    return Retriever(load_split("heldout").doc_texts(), embed=default_embed if embed else None)


class RagService:
    """Retrieval + generation behind HTTP on 127.0.0.1; see the module."""

    def __init__(self, retriever: Retriever, llm_base_url: str, model: str, config: str = "hybrid", k: int = 3,
                 max_tokens: int = 32, threshold: float | None = None, slots: int = 1, timeout_s: float = 60.0,
                 lifetime_s: float = 60.0):
        if lifetime_s <= 0 or slots < 1:
            raise ServiceError("lifetime_s must be positive (the service always stops by itself) and slots >= 1")
        self.retriever, self.config, self.k, self.max_tokens = retriever, config, k, max_tokens
        self.threshold, self.lifetime_s, self.model = threshold, lifetime_s, model
        self.client = llm.client(tier="tiny", base_url=llm_base_url, timeout=timeout_s)
        self._slots = threading.BoundedSemaphore(slots)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._timer: threading.Timer | None = None
        self.started_at = 0.0
        self.stopped_at: float | None = None
        self.served = 0

    # ---------------------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> "RagService":
        self._server = _QuietServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self.started_at = time.monotonic()
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="rag-service", daemon=True)
        self._thread.start()
        self._timer = threading.Timer(self.lifetime_s, self.stop)
        self._timer.daemon = True
        self._timer.start()
        return self

    def stop(self) -> None:
        if self._timer and threading.current_thread() is not self._timer:
            self._timer.cancel()
        if self._server and self.stopped_at is None:
            self.stopped_at = time.monotonic()
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(5)

    def __enter__(self) -> "RagService":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # ---------------------------------------------------------------------------------------------
    def retrieve(self, question: str) -> tuple[list[str], float]:
        """The ``k`` passage ids for ``question`` and the score the abstention gate reads (notebook 02's: the
        best dense cosine; without a gate, the first result's score)."""
        res = self.retriever.search(question, self.config, k=self.k)
        top = res.scores[0] if res.scores else 0.0
        if self.threshold is not None:
            dense = self.retriever.search(question, "dense", k=1)
            top = dense.scores[0] if dense.scores else 0.0
        return res.ids, top

    def answer(self, question: str) -> dict:
        """One question, the whole path, with each stage timed (raises what the LLM client raises)."""
        t0 = time.perf_counter()
        ids, top = self.retrieve(question)
        t1 = time.perf_counter()
        timings = {"retrieve_s": t1 - t0, "queue_s": 0.0, "generate_s": 0.0}
        if self.threshold is not None and generation.should_abstain(top, self.threshold):
            return {"answer": generation.ESCALATION, "passages": ids, "grounded": False, "abstained": True,
                    "timings": timings | {"total_s": time.perf_counter() - t0}}
        text_of = dict(zip(self.retriever.ids, self.retriever.texts))
        messages = generation.build_messages(question, [(i, text_of[i]) for i in ids])
        with self._slots:                      # the model server's one slot: wait here, where it is measured
            t2 = time.perf_counter()
            reply = self.client.chat.completions.create(model=self.model, messages=messages, temperature=0,
                                                        max_tokens=self.max_tokens)
            t3 = time.perf_counter()
        text = reply.choices[0].message.content or ""
        verdict = generation.check_grounded(text, {i: text_of[i] for i in ids})
        timings.update(queue_s=t2 - t1, generate_s=t3 - t2, total_s=time.perf_counter() - t0)
        return {"answer": text, "passages": ids, "grounded": verdict.grounded, "abstained": False,
                "finish_reason": reply.choices[0].finish_reason, "timings": timings}


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        """A client that gave up (its timeout) before its answer was written: nothing to report on stderr."""


def _handler(service: RagService) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:      # quiet: a graded cell prints nothing to stderr
            pass

        def _send(self, status: int, payload: dict) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):      # the client gave up waiting
                self.close_connection = True

        def do_GET(self) -> None:
            if self.path == "/health":
                self._send(200, {"ok": True})
            else:
                self._send(404, {"error": "GET /health or POST /answer"})

        def do_POST(self) -> None:
            if self.path != "/answer":
                self._send(404, {"error": "POST /answer with {\"question\": ...}"})
                return
            try:
                question = json.loads(self.rfile.read(int(self.headers.get("content-length") or 0)))["question"]
            except (ValueError, KeyError, TypeError):
                self._send(400, {"error": "send JSON {\"question\": \"...\"}"})
                return
            try:
                result = service.answer(str(question))
            except Exception as exc:          # generation down: the caller decides (retry, degrade)
                self._send(503, {"error": f"generation failed: {type(exc).__name__}"})
                return
            service.served += 1
            self._send(200, result)

    return Handler
