"""``aisd bench runtime``: what the course's AI runtime costs on *this* machine, measured.

    aisd bench runtime [--tokens 128] [--repeats 5] [--texts 512] [--json]

Prints: the local LLM server's start time and memory, first-token latency, generation speed
through the ``openai`` client versus llama.cpp called directly in-process (the overhead of the
HTTP path the notebooks use), and embedding throughput cold and from the cache.

It runs its own server and embedding cache in a temporary state dir, so it neither stops nor
slows the server your notebooks share (except for the CPU it takes while it runs). Numbers
vary with what else the machine runs: it prints the load average next to them.
"""
from __future__ import annotations

import statistics
import sys
import time

import psutil

from .. import paths

PROMPT = [{"role": "user", "content": "Write a long story about a dragon who learns to cook."}]


def measure_llm(tokens: int, repeats: int) -> dict:
    """Server start, memory, first token and tokens/s (openai client vs llama.cpp in-process).

    The two generation paths take turns (client, direct, client, direct, ...) so that whatever
    else the machine is doing slows both alike; the median and the best run are kept.
    """
    import llama_cpp

    from . import llm, server
    from .tokens import _quiet_stderr

    out = {}
    out["server_start_s"] = server.ensure_server()["start_seconds"]
    server.stop_server()
    out["server_restart_s"] = server.ensure_server()["start_seconds"]      # files now in the OS cache
    pid = server.status()["pid"]
    out["server_idle_rss_mb"] = _rss_mb(pid)

    client = llm.client(local=True)
    kwargs = dict(model=llm.model_name(local=True), messages=PROMPT, max_tokens=tokens, temperature=0)
    with _quiet_stderr():
        direct = llama_cpp.Llama(model_path=str(llm.gguf_path()), n_ctx=2048, n_threads=server.threads(), verbose=False)
    client.chat.completions.create(**{**kwargs, "max_tokens": 4})       # warm-ups
    direct.create_chat_completion(messages=PROMPT, max_tokens=4, temperature=0)

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
        started = time.perf_counter()
        with _quiet_stderr():
            reply = direct.create_chat_completion(messages=PROMPT, max_tokens=tokens, temperature=0)
        via_direct.append(reply["usage"]["completion_tokens"] / (time.perf_counter() - started))
    direct.close()
    out["server_peak_rss_mb"] = _rss_mb(pid)   # after the runs: what generation left it holding
    server.stop_server()

    out["first_token_s"], out["first_token_best_s"] = statistics.median(first), min(first)
    out["openai_client_tokens_per_s"], out["openai_client_best_tokens_per_s"] = statistics.median(via_client), max(via_client)
    out["direct_llama_cpp_tokens_per_s"], out["direct_llama_cpp_best_tokens_per_s"] = statistics.median(via_direct), max(via_direct)
    out["http_path_overhead_pct"] = 100 * (1 - out["openai_client_best_tokens_per_s"]
                                           / out["direct_llama_cpp_best_tokens_per_s"])
    out["generated_tokens"] = int(statistics.median(generated))
    out["threads"] = server.threads()
    out["model_file"] = llm.gguf_path().name
    return out


def measure_embeddings(n_texts: int) -> dict:
    """Model load, texts/s on a cold cache, texts/s from the cache (same texts)."""
    from . import embeddings

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


def run(tokens: int = 128, repeats: int = 5, n_texts: int = 512) -> dict:
    """All measurements, in a temporary state dir (your notebooks' server is left alone).

    >>> figures = run(tokens=16, repeats=1, n_texts=32)     # doctest: +SKIP
    >>> sorted(figures)[:3]                                  # doctest: +SKIP
    ['cpus', 'direct_llama_cpp_tokens_per_s', 'embed_cached_texts_per_s']
    """
    from .server import stop_server

    with paths.private_state_dir():
        try:
            figures = {"cpus": paths.usable_cpus(), "load_average_1min_before": psutil.getloadavg()[0]}
            figures.update(measure_llm(tokens, repeats))
            figures.update(measure_embeddings(n_texts))
            figures["load_average_1min_after"] = psutil.getloadavg()[0]
        finally:
            stop_server()
    return figures


ROWS = [
    ("server_start_s", "local LLM server: start (first / again)", "{:.2f} s / {server_restart_s:.2f} s"),
    ("server_idle_rss_mb", "server memory: idle / after the runs", "{:.0f} MB / {server_peak_rss_mb:.0f} MB"),
    ("first_token_s", "first streamed token: median / best", "{:.3f} s / {first_token_best_s:.3f} s"),
    ("openai_client_tokens_per_s", "generation, openai client -> server: median / best",
     "{:.0f} / {openai_client_best_tokens_per_s:.0f} tokens/s"),
    ("direct_llama_cpp_tokens_per_s", "generation, llama_cpp.Llama in-process: median / best",
     "{:.0f} / {direct_llama_cpp_best_tokens_per_s:.0f} tokens/s"),
    ("http_path_overhead_pct", "overhead of the HTTP/openai path (best runs)", "{:.0f} %"),
    ("embedding_model_load_s", "embedding model load (torch import incl.)", "{:.2f} s"),
    ("embed_cold_texts_per_s", "embeddings, cold cache", "{:.0f} texts/s"),
    ("embed_cached_texts_per_s", "embeddings, from the cache", "{:.0f} texts/s"),
]


def report(figures: dict) -> str:
    """The figures as a two-column table, with the conditions they were measured under."""
    lines = [f"{label:<56} {fmt.format(figures[key], **figures)}" for key, label, fmt in ROWS]
    lines.append(f"(model {figures['model_file']}, {figures['threads']} llama.cpp threads, {figures['cpus']} CPUs, "
                 f"{figures['generated_tokens']} tokens per generation, {figures['embed_texts']} texts; load average "
                 f"{figures['load_average_1min_before']:.2f} before, {figures['load_average_1min_after']:.2f} after)")
    return "\n".join(lines)
