"""``aisd bench runtime``: what the course's AI runtime costs on *this* machine, measured, per model tier.

    aisd bench runtime [--tier tiny|small] [--tokens 128] [--repeats 5] [--tool-calls 20] [--texts 512] [--json]

Prints, for each local tier: the server's start time and memory (idle, and peak after the runs), first-token
latency, generation speed through the ``openai`` client versus llama.cpp called directly in-process (the
overhead of the HTTP path the notebooks use), the first-token latency of an agent's later step whose long
prefix the server still holds (llama.cpp reuses the KV cache of the longest common prefix with the previous
request) against the same prompt cold, and how many of ``--tool-calls`` varied forced and ``required`` tool
calls came back valid against their schema. Then embedding throughput cold and from the cache.

It runs its own servers and embedding cache in a temporary state dir, so it neither stops nor slows the
servers your notebooks share (except for the CPU it takes while it runs). Numbers vary with what else the
machine runs: it prints the load average next to them. What limits generation: each token reads all the
weights once (0.1 GB for tiny, ~1 GB for small), so memory bandwidth and cores bound tokens/s.
"""
from __future__ import annotations

import json
import statistics
import sys
import time

import jsonschema
import psutil

from aisd.core import paths

PROMPT = [{"role": "user", "content": "Write a long story about a dragon who learns to cook."}]
CITIES = ["Paris", "Lagos", "Osaka", "Lima", "Oslo", "Quito", "Hanoi", "Cairo", "Perth", "Turin"]
TOOLS = [
    {"type": "function", "function": {"name": "get_weather", "description": "Current weather in a city",
     "parameters": {"type": "object", "properties": {"city": {"type": "string", "maxLength": 30},
                                                     "unit": {"enum": ["C", "F"]}},
                    "required": ["city", "unit"], "additionalProperties": False}}},
    {"type": "function", "function": {"name": "convert", "description": "Convert an amount between currencies",
     "parameters": {"type": "object", "properties": {"amount": {"type": "number"},
                                                     "source": {"type": "string", "maxLength": 3},
                                                     "target": {"type": "string", "maxLength": 3}},
                    "required": ["amount", "source", "target"], "additionalProperties": False}}},
    {"type": "function", "function": {"name": "search", "description": "Search documents",
     "parameters": {"type": "object", "properties": {"query": {"type": "string", "maxLength": 60},
                                                     "k": {"type": "integer", "enum": [1, 2, 3, 4, 5]}},
                    "required": ["query", "k"], "additionalProperties": False}}},
]


def _rss_mb(pid: int) -> float:
    """Resident memory of a process, MB."""
    return psutil.Process(pid).memory_info().rss / 2**20


def tool_call_validity(client, model: str, n: int) -> dict:
    """``n`` varied tool calls, alternating forced (``tool_choice`` naming the tool) and ``"required"``:
    how many came back as one call whose arguments are valid against the tool's schema."""
    schemas = {t["function"]["name"]: t["function"]["parameters"] for t in TOOLS}
    asks = [f"What is the weather in {c} in Fahrenheit?" for c in CITIES] + \
           [f"Convert {10 * (i + 1)} euros to yen." for i in range(5)] + \
           [f"Find the three best documents about {t}." for t in ("sorting", "dicts", "async", "regex", "typing")]
    valid, seconds = 0, []
    for i in range(n):
        forced = i % 2 == 0
        tool = TOOLS[i % 3] if forced else None
        started = time.perf_counter()
        reply = client.chat.completions.create(
            model=model, messages=[{"role": "user", "content": asks[i % len(asks)]}], tools=TOOLS, max_tokens=60,
            tool_choice={"type": "function", "function": {"name": tool["function"]["name"]}} if forced else "required")
        seconds.append(time.perf_counter() - started)
        calls = reply.choices[0].message.tool_calls or []
        try:
            (call,) = calls
            jsonschema.validate(json.loads(call.function.arguments), schemas[call.function.name])
            valid += forced is False or call.function.name == tool["function"]["name"]
        except (ValueError, KeyError, jsonschema.ValidationError):
            pass
    return {"tool_calls": n, "tool_calls_valid": valid, "tool_call_s": statistics.median(seconds)}


def prefix_reuse(client, model: str) -> dict:
    """First-token latency of a long prompt cold, and again with one more turn appended (as an agent's next
    step re-sends its history): the server reuses the KV cache of the common prefix."""
    history = [{"role": "system", "content": "You are a research agent. " + " ".join(
        f"Document {i}: the function f{i} returns {i * 7} when called with {i}." for i in range(40))},
        {"role": "user", "content": "What does f3 return?"}]

    def first_token(messages) -> float:
        started = time.perf_counter()
        with client.chat.completions.create(model=model, messages=messages, max_tokens=4, stream=True) as stream:
            for chunk in stream:
                if chunk.choices and chunk.choices[0].delta.content:
                    break
        return time.perf_counter() - started

    cold = first_token(history)
    step = history + [{"role": "assistant", "content": "f3 returns 21."},
                      {"role": "user", "content": "And f5?"}]
    warm = first_token(step)
    client.chat.completions.create(model=model, messages=[{"role": "user", "content": "Hi"}], max_tokens=2)
    fresh = first_token(step)            # the same later step after another request took the cache
    return {"prefix_first_token_cold_s": cold, "later_step_first_token_s": warm,
            "later_step_first_token_no_cache_s": fresh}


def measure_llm(tier: str, tokens: int, repeats: int, tool_calls: int = 20) -> dict:
    """Server start, memory, first token, tokens/s (openai client vs llama.cpp in-process), prefix reuse and
    tool-call validity for one tier.

    The two generation paths take turns (client, direct, client, direct, ...) so that whatever
    else the machine is doing slows both alike; the median and the best run are kept.
    """
    import llama_cpp

    from aisd.runtime import llm, models, server
    from aisd.runtime.tokens import _quiet_stderr

    model = models.tier_of(tier)
    out = {"tier": model.tier, "model_file": model.file_name}
    out["server_start_s"] = server.ensure_server(tier)["start_seconds"]
    server.stop_server(tier)
    out["server_restart_s"] = server.ensure_server(tier)["start_seconds"]      # files now in the OS cache
    pid = server.status(tier)["pid"]
    out["server_idle_rss_mb"] = _rss_mb(pid)
    peak = [out["server_idle_rss_mb"]]

    client = llm.client(tier=tier, timeout=900)
    kwargs = dict(model=model.alias, messages=PROMPT, max_tokens=tokens, temperature=0)
    client.chat.completions.create(**{**kwargs, "max_tokens": 4})       # warm-up
    first, via_client, via_direct, generated = [], [], [], []
    for i in range(repeats):
        fresh = [{"role": "user", "content": f"Story number {i}: tell me about a dragon."}]   # no prompt cache hit
        started = time.perf_counter()
        with client.chat.completions.create(**{**kwargs, "messages": fresh}, stream=True) as stream:
            for chunk in stream:
                if chunk.choices and chunk.choices[0].delta.content:
                    first.append(time.perf_counter() - started)
                    break
        started = time.perf_counter()
        reply = client.chat.completions.create(**kwargs)
        via_client.append(reply.usage.completion_tokens / (time.perf_counter() - started))
        generated.append(reply.usage.completion_tokens)
        peak.append(_rss_mb(pid))
    out.update(prefix_reuse(client, model.alias))
    out.update(tool_call_validity(client, model.alias, tool_calls))
    peak.append(_rss_mb(pid))
    server.stop_server(tier)        # the in-process copy below must not share the cores or the memory with it
    with _quiet_stderr():
        direct = llama_cpp.Llama(model_path=str(models.gguf_path(tier)), n_ctx=model.n_ctx, n_batch=model.n_batch,
                                 n_threads=server.threads(), verbose=False)
    direct.create_chat_completion(messages=PROMPT, max_tokens=4, temperature=0)
    for _ in range(repeats):
        started = time.perf_counter()
        with _quiet_stderr():
            reply = direct.create_chat_completion(messages=PROMPT, max_tokens=tokens, temperature=0)
        via_direct.append(reply["usage"]["completion_tokens"] / (time.perf_counter() - started))
    direct.close()
    out["server_peak_rss_mb"] = max(peak)
    out["first_token_s"], out["first_token_best_s"] = statistics.median(first), min(first)
    out["openai_client_tokens_per_s"], out["openai_client_best_tokens_per_s"] = statistics.median(via_client), max(via_client)
    out["direct_llama_cpp_tokens_per_s"], out["direct_llama_cpp_best_tokens_per_s"] = statistics.median(via_direct), max(via_direct)
    out["http_path_overhead_pct"] = 100 * (1 - out["openai_client_best_tokens_per_s"]
                                           / out["direct_llama_cpp_best_tokens_per_s"])
    out["generated_tokens"] = int(statistics.median(generated))
    out["threads"] = server.threads()
    return out


def measure_embeddings(n_texts: int) -> dict:
    """Model load, texts/s on a cold cache, texts/s from the cache (same texts)."""
    from aisd.runtime import embeddings

    texts = [f"Sentence {i}: the order {i % 97} shipped to warehouse {i % 13} on day {i % 31}." for i in range(n_texts)]
    started = time.perf_counter()
    embeddings.encoder()
    out = {"embedding_model_load_s": time.perf_counter() - started}
    embeddings.embed(texts[:8])                                         # warm-up (first batch is slow)
    embeddings.clear_cache()
    started = time.perf_counter()
    embeddings.embed(texts)
    out["embed_cold_texts_per_s"] = n_texts / (time.perf_counter() - started)
    started = time.perf_counter()
    embeddings.embed(texts)
    out["embed_cached_texts_per_s"] = n_texts / (time.perf_counter() - started)
    out["embed_texts"] = n_texts
    return out


def run(tokens: int = 128, repeats: int = 5, n_texts: int = 512, tiers: tuple[str, ...] = ("tiny", "small"),
        tool_calls: int = 20) -> dict:
    """All measurements, in a temporary state dir (your notebooks' servers are left alone); a tier whose
    model is not there (small before ``aisd llm fetch small``) is skipped and says so.

    >>> figures = run(tokens=16, repeats=1, n_texts=32, tiers=("tiny",))     # doctest: +SKIP
    >>> sorted(figures)[:3]                                                  # doctest: +SKIP
    ['cpus', 'embed_cached_texts_per_s', 'embed_texts']
    """
    from aisd.runtime import models
    from aisd.runtime.server import stop_server

    with paths.private_state_dir():
        figures = {"cpus": paths.usable_cpus(), "load_average_1min_before": psutil.getloadavg()[0], "tiers": {}}
        for tier in tiers:
            if not models.available(tier):
                figures["tiers"][tier] = {"skipped": f"not assembled: `aisd llm fetch {tier}`"}
                continue
            try:
                figures["tiers"][tier] = measure_llm(tier, tokens, repeats, tool_calls)
            finally:
                stop_server(tier)
        figures.update(measure_embeddings(n_texts))
        figures["load_average_1min_after"] = psutil.getloadavg()[0]
    return figures


ROWS = [
    ("server_start_s", "server start (first / again)", "{:.2f} s / {server_restart_s:.2f} s"),
    ("server_idle_rss_mb", "server memory: idle / peak after the runs", "{:.0f} MB / {server_peak_rss_mb:.0f} MB"),
    ("first_token_s", "first streamed token: median / best", "{:.3f} s / {first_token_best_s:.3f} s"),
    ("openai_client_tokens_per_s", "generation, openai client -> server: median / best",
     "{:.1f} / {openai_client_best_tokens_per_s:.1f} tokens/s"),
    ("direct_llama_cpp_tokens_per_s", "generation, llama_cpp.Llama in-process: median / best",
     "{:.1f} / {direct_llama_cpp_best_tokens_per_s:.1f} tokens/s"),
    ("http_path_overhead_pct", "overhead of the HTTP/openai path (best runs)", "{:.0f} %"),
    ("prefix_first_token_cold_s", "long prompt first token: cold / later step, prefix cached / not cached",
     "{:.2f} s / {later_step_first_token_s:.2f} s / {later_step_first_token_no_cache_s:.2f} s"),
    ("tool_calls_valid", "tool calls (forced and required) valid against their schema",
     "{} of {tool_calls} (median {tool_call_s:.1f} s a call)"),
]
EMBED_ROWS = [
    ("embedding_model_load_s", "embedding model load (torch import incl.)", "{:.2f} s"),
    ("embed_cold_texts_per_s", "embeddings, cold cache", "{:.0f} texts/s"),
    ("embed_cached_texts_per_s", "embeddings, from the cache", "{:.0f} texts/s"),
]


def report(figures: dict) -> str:
    """The figures as a table per tier, with the conditions they were measured under."""
    lines = []
    for tier, f in figures["tiers"].items():
        if "skipped" in f:
            lines.append(f"[{tier}] skipped: {f['skipped']}")
            continue
        lines.append(f"[{tier}] {f['model_file']}, {f['threads']} llama.cpp threads, "
                     f"{f['generated_tokens']} tokens per generation")
        lines += [f"  {label:<72} {fmt.format(f[key], **f)}" for key, label, fmt in ROWS]
    lines += [f"{label:<74} {fmt.format(figures[key], **figures)}" for key, label, fmt in EMBED_ROWS]
    lines.append(f"({figures['cpus']} CPUs, {figures['embed_texts']} texts; load average "
                 f"{figures['load_average_1min_before']:.2f} before, {figures['load_average_1min_after']:.2f} after)")
    return "\n".join(lines)
