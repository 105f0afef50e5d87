"""The local LLM server: llama.cpp's OpenAI-compatible server, one per user, shared by every notebook.

>>> from aisd.runtime import server
>>> server.healthy(9)      # nothing listens on port 9
False

- :func:`ensure_server` starts it on demand, on a free port of 127.0.0.1 (never reachable from other
  machines), detached from the notebook, so every notebook of one user shares it. One server per model
  tier (``tiny``, ``small``: :data:`aisd.runtime.models.TIERS`); each one's pid, port and model are kept in
  ``<state dir>/llm_server.json`` (tiny) or ``llm_server_small.json`` (state dir: ``$AISD_HOME`` or
  ``~/.cache/aisd``), and a file lock per tier makes sure two notebooks starting at once get one server.
- A server that died is started again by the next call; one busy answering another notebook is left
  alone. ``aisd llm status|start|stop`` looks after it from a terminal.
- It uses 1 CPU thread (``AISD_LLM_THREADS``, see :func:`threads`) and the model file of
  :func:`aisd.runtime.models.gguf_path` (the small tier's only once it is assembled and verified).

Processes are looked at through ``psutil`` (Linux and macOS; on Windows use WSL or Binder).
"""
from __future__ import annotations

import contextlib
import fcntl
import importlib.util
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil

from aisd.core import paths
from aisd.runtime.models import LLMUnavailable, gguf_path, tier_of

STATE_FILE = "llm_server.json"
LOCK_FILE = "llm_server.lock"
LOG_FILE = "llm_server.log"
START_TIMEOUT_S = 60               # a cold start on a slow disk can take a while; ~1 s is usual


def _file(name: str, tier: str) -> Path:
    """``llm_server.json`` for the tiny tier (as before tiers existed), ``llm_server_small.json`` ..."""
    tier = tier_of(tier).tier
    stem, dot, suffix = name.partition(".")
    return paths.state_dir() / (name if tier == "tiny" else f"{stem}_{tier}{dot}{suffix}")


def _state_path(tier: str = "tiny") -> Path:
    return _file(STATE_FILE, tier)


def log_path(tier: str = "tiny") -> Path:
    """The server's log file (what llama.cpp printed)."""
    return _file(LOG_FILE, tier)


def _read_state(tier: str = "tiny") -> dict | None:
    try:
        return json.loads(_state_path(tier).read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None


@contextlib.contextmanager
def _server_lock(tier: str = "tiny"):
    """Only one process at a time may start or stop a tier's server (the others wait, then reuse it)."""
    with open(_file(LOCK_FILE, tier), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def healthy(port: int, timeout: float = 2.0) -> bool:
    """Does a server answer ``GET /v1/models`` on 127.0.0.1:``port`` within ``timeout`` seconds?"""
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


def status(tier: str = "tiny") -> dict | None:
    """The running local server's record (``pid``, ``port``, ``model``, ``base_url``, ``tier`` ...), or None.

    >>> status()        # doctest: +SKIP
    {'pid': 4242, 'port': 38811, 'model': '/.../SmolLM2-135M-Instruct.Q4_1.gguf', 'base_url': ...}
    """
    state = _read_state(tier)
    if state is None:
        return None
    answer = _probe(state["port"], timeout=2.0)
    if answer == "ok" or (answer == "busy" and is_our_server(state["pid"])):
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


def log_tail(lines: int = 15, tier: str = "tiny") -> str:
    """The last lines of the server's log (what it said before it failed)."""
    try:
        text = log_path(tier).read_text(errors="replace")
    except FileNotFoundError:
        return "(no server log)"
    return "\n".join(text.strip().splitlines()[-lines:])


def is_our_server(pid: int) -> bool:
    """Is ``pid`` a live llama.cpp server (not a zombie, not another process that reused the pid)?

    >>> is_our_server(os.getpid())
    False
    """
    try:
        proc = psutil.Process(pid)
        return proc.status() != psutil.STATUS_ZOMBIE and "llama_cpp.server" in " ".join(proc.cmdline())
    except psutil.Error:
        return False


def _kill(pid: int, wait_s: float = 5.0) -> None:
    """Terminate, then kill if the server has not stopped within ``wait_s``."""
    if not is_our_server(pid):
        return
    try:
        proc = psutil.Process(pid)
        proc.terminate()
        proc.wait(wait_s)
    except psutil.TimeoutExpired:
        with contextlib.suppress(psutil.Error):
            proc.kill()
            proc.wait(wait_s)
    except psutil.Error:
        pass


def threads() -> int:
    """CPU threads for llama.cpp: ``$AISD_LLM_THREADS``, else 1.

    One thread, because it was measured on the course's 2-core machines: alone, SmolLM2 generates
    about as fast with 1 thread as with 2 (~120-140 tokens/s); with the notebook or anything else
    busy on the CPUs, 2 threads fell to 5-12 tokens/s (they wait for each other at every step)
    while 1 thread kept ~80. Binder gives 1 CPU anyway. Try ``AISD_LLM_THREADS=2`` for long
    prompts on an idle machine.
    """
    return max(1, int(os.environ.get("AISD_LLM_THREADS") or 1))


def _start_server(tier: str = "tiny", preferred_port: int | None = None) -> dict:
    """Start llama.cpp's server for ``tier`` detached (own session, log file) and wait until it answers."""
    if importlib.util.find_spec("llama_cpp") is None:
        raise LLMUnavailable("llama-cpp-python is not installed: run `make setup` (it compiles llama.cpp once, "
                             "~4 min), or set AISD_LLM_BASE_URL to use a provider")
    model = tier_of(tier)
    gguf = gguf_path(model.tier)           # the small tier's file is verified (size, SHA-256) first
    if not gguf.is_file():
        raise LLMUnavailable(f"model file {gguf} does not exist (check AISD_LLM_GGUF)")
    port = _free_port(preferred_port)
    log_file = log_path(model.tier)
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--model_alias", model.alias,
               "--host", "127.0.0.1", "--port", str(port), "--n_ctx", str(model.n_ctx),
               "--n_threads", str(threads()),
               # Shared by every notebook: a new request must wait for the running one, not cut it off.
               "--interrupt_requests", "False",
               # Logit buffers grow with the batch: for the tiny model 128 instead of 512 saves ~150 MB after a
               # long prompt at the same speed (measured: 634-token prompt 2.2 s either way); see TIERS.
               "--n_batch", str(model.n_batch)]
    started = time.monotonic()
    with open(log_file, "w") as log:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)   # outlives this notebook's kernel
    threading.Thread(target=process.wait, daemon=True).start()  # reap it if it exits while we live
    while not healthy(port, timeout=1):
        if process.poll() is not None:
            raise LLMUnavailable(f"the local LLM server ({model.tier}) exited with code {process.returncode} while "
                                 f"starting. Its log ({log_file}) ends with:\n{log_tail(tier=model.tier)}\n"
                                 f"Try `aisd llm start {model.tier}` in a terminal to see it, or set AISD_LLM_BASE_URL.")
        if time.monotonic() - started > START_TIMEOUT_S:
            _kill(process.pid)
            raise LLMUnavailable(f"the local LLM server ({model.tier}) did not answer within {START_TIMEOUT_S} s. Its "
                                 f"log ends with:\n{log_tail(tier=model.tier)}\nIs the machine out of memory (it needs "
                                 f"~{model.server_rss_mb} MB)? Try `aisd llm start {model.tier}`.")
        time.sleep(0.05)
    state = {"pid": process.pid, "port": port, "base_url": f"http://127.0.0.1:{port}/v1", "model": str(gguf),
             "alias": model.alias, "tier": model.tier, "started_at": time.time(),
             "start_seconds": round(time.monotonic() - started, 3), "log": str(log_file)}
    tmp = _state_path(model.tier).with_suffix(".tmp")
    tmp.write_text(json.dumps(state, indent=1))
    tmp.replace(_state_path(model.tier))
    return state


def ensure_server(tier: str = "tiny") -> dict:
    """The record of ``tier``'s local server, starting the server first if none answers.

    Safe to call from many processes at once: they share one server per tier.

    >>> ensure_server()["base_url"]          # doctest: +SKIP
    'http://127.0.0.1:38811/v1'
    """
    tier = tier_of(tier).tier
    running = status(tier)
    if running:
        return running
    with _server_lock(tier):
        running = status(tier)              # another process may have started it meanwhile
        if running:
            return running
        old = _read_state(tier)
        if old:                             # it died or hangs: clear it away, reuse its port if free
            _kill(old["pid"])
        return _start_server(tier, preferred_port=old["port"] if old else None)


def stop_server(tier: str = "tiny") -> bool:
    """Stop ``tier``'s local server if one runs; True if one was stopped.

    >>> stop_server()        # doctest: +SKIP
    True
    """
    with _server_lock(tier):
        state = _read_state(tier)
        if not state:
            return False
        was_running = is_our_server(state["pid"])
        _kill(state["pid"])
        _state_path(tier).unlink(missing_ok=True)
        return was_running
