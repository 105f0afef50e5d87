"""Load, measured: throughput and latency percentiles against concurrency, with bounded async clients.

>>> percentiles([1.0, 2.0, 3.0, 4.0])["p50_s"]
2.5
"""
from __future__ import annotations

import asyncio
import threading
import time

import numpy as np

from aisd.runtime import llm


from aisd.core.errors import AisdError


class CapacityError(AisdError, ValueError):
    """No measured load level meets the budget, so no number of replicas will."""


def percentiles(latencies) -> dict:
    lat = np.asarray(latencies, dtype=float) if len(latencies) else np.zeros(1)
    return {f"p{q}_s": float(np.percentile(lat, q)) for q in (50, 95, 99)}


async def _run(concurrency: int, requests: int, max_tokens: int, bound_s: float, base_url: str | None,
               tier: str) -> dict:
    client = llm.async_client(tier=tier, base_url=base_url, timeout=bound_s)
    model = llm.model_name(tier=tier)
    gate, latencies, errors = asyncio.Semaphore(concurrency), [], 0
    try:                                    # one untimed call first: a cold or busy server's first answer
        await client.chat.completions.create(model=model, max_tokens=1, messages=[{"role": "user", "content": "Hi"}])
    except Exception:
        pass
    started = time.perf_counter()

    async def one(i: int):
        nonlocal errors
        async with gate:
            if time.perf_counter() - started > bound_s:
                return
            t = time.perf_counter()
            try:
                await client.chat.completions.create(
                    model=model, max_tokens=max_tokens, temperature=0,
                    messages=[{"role": "user", "content": f"Count to {i % 7 + 3}."}])
                latencies.append(time.perf_counter() - t)
            except Exception:
                errors += 1

    try:
        await asyncio.wait_for(asyncio.gather(*(one(i) for i in range(requests))), timeout=bound_s * 3)
    except asyncio.TimeoutError:
        pass
    finally:
        await client.close()
    wall = time.perf_counter() - started
    return {"concurrency": concurrency, "requests": len(latencies), "errors": errors, "wall_s": wall,
            "throughput_rps": len(latencies) / wall, **percentiles(latencies)}


def measure(concurrency: int, requests: int = 16, max_tokens: int = 16, bound_s: float = 20.0,
            base_url: str | None = None, tier: str = "tiny") -> dict:
    """``requests`` chat calls, at most ``concurrency`` in flight; no new call starts after ``bound_s``, and
    calls still running at ``3 * bound_s`` are cancelled (each call's own timeout is ``bound_s``)."""
    return run_coroutine(_run(concurrency, requests, max_tokens, bound_s, base_url, tier))


def run_coroutine(coro):
    """``asyncio.run(coro)``, also from inside a running loop (a Jupyter kernel): then in its own thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    box: dict = {}

    def target():
        try:
            box["value"] = asyncio.run(coro)
        except BaseException as exc:      # re-raised in the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["value"]


def curve(concurrencies=(1, 2, 4, 8), requests_per_level: int = 16, **kwargs) -> list[dict]:
    """:func:`measure` at each concurrency (requests scale with it, at least ``requests_per_level``)."""
    return [measure(c, max(requests_per_level, 2 * c), **kwargs) for c in concurrencies]


def sync_sequential(requests: int = 8, max_tokens: int = 16, tier: str = "tiny") -> dict:
    """The same calls one after another through the sync client (what a naive loop does)."""
    client, model, latencies = llm.client(tier=tier), llm.model_name(tier=tier), []
    started = time.perf_counter()
    for i in range(requests):
        t = time.perf_counter()
        client.chat.completions.create(model=model, max_tokens=max_tokens, temperature=0,
                                       messages=[{"role": "user", "content": f"Count to {i % 7 + 3}."}])
        latencies.append(time.perf_counter() - t)
    wall = time.perf_counter() - started
    return {"concurrency": 1, "requests": requests, "wall_s": wall, "throughput_rps": requests / wall,
            **percentiles(latencies)}


def embedding_batches(texts: list[str], batch_sizes=(1, 8, 32, 128)) -> list[dict]:
    """Sentences per second of the course's embedding model at each batch size (no cache)."""
    from aisd.runtime import embeddings
    model = embeddings.encoder()
    model.encode(texts[:8], batch_size=8, show_progress_bar=False)     # warm up
    rows = []
    for b in batch_sizes:
        t = time.perf_counter()
        model.encode(texts, batch_size=b, show_progress_bar=False)
        wall = time.perf_counter() - t
        rows.append({"batch_size": b, "texts": len(texts), "wall_s": wall, "per_s": len(texts) / wall})
    return rows
