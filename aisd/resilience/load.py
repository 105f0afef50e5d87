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


async def _bounded(call, concurrency: int, requests: int, bound_s: float) -> tuple[list, list, int, float]:
    """Run ``call(i)`` for ``i`` in ``range(requests)``, at most ``concurrency`` at once; no call starts after
    ``bound_s`` and those still running at ``3 * bound_s`` are cancelled. Returns the latencies and results of the
    calls that succeeded, the number that raised, and the wall time."""
    gate, latencies, results, errors = asyncio.Semaphore(concurrency), [], [], 0
    started = time.perf_counter()

    async def one(i: int):
        nonlocal errors
        async with gate:
            if time.perf_counter() - started > bound_s:
                return
            t = time.perf_counter()
            try:
                results.append(await call(i))
                latencies.append(time.perf_counter() - t)
            except Exception:
                errors += 1

    try:
        await asyncio.wait_for(asyncio.gather(*(one(i) for i in range(requests))), timeout=bound_s * 3)
    except asyncio.TimeoutError:
        pass
    return latencies, results, errors, time.perf_counter() - started


async def _run(concurrency: int, requests: int, max_tokens: int, bound_s: float, base_url: str | list | None,
               tier: str) -> dict:
    urls = base_url if isinstance(base_url, list) else [base_url]       # several replicas: round robin
    clients = [llm.async_client(tier=tier, base_url=u, timeout=bound_s) for u in urls]
    model = llm.model_name(tier=tier)
    for client in clients:                  # one untimed call first: a cold or busy server's first answer
        try:
            await client.chat.completions.create(model=model, max_tokens=1, messages=[{"role": "user", "content": "Hi"}])
        except Exception:
            pass

    async def call(i: int):
        await clients[i % len(clients)].chat.completions.create(
            model=model, max_tokens=max_tokens, temperature=0,
            messages=[{"role": "user", "content": f"Count to {i % 7 + 3}."}])

    try:
        latencies, _, errors, wall = await _bounded(call, concurrency, requests, bound_s)
    finally:
        for client in clients:
            await client.close()
    return {"concurrency": concurrency, "requests": len(latencies), "errors": errors, "wall_s": wall,
            "throughput_rps": len(latencies) / wall, **percentiles(latencies)}


def measure(concurrency: int, requests: int = 16, max_tokens: int = 16, bound_s: float = 20.0,
            base_url: str | list | None = None, tier: str = "tiny") -> dict:
    """``requests`` chat calls, at most ``concurrency`` in flight; no new call starts after ``bound_s``, and
    calls still running at ``3 * bound_s`` are cancelled (each call's own timeout is ``bound_s``). A list of
    ``base_url`` s spreads the calls over several servers in turn (replicas behind a round-robin balancer)."""
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


async def _run_service(url: str, questions: list[str], concurrency: int, requests: int, bound_s: float,
                       warm_up: bool) -> dict:
    import httpx2

    limits = httpx2.Limits(max_connections=concurrency + 1)
    async with httpx2.AsyncClient(timeout=3 * bound_s, limits=limits) as client:     # queueing is measured, not cut
        if warm_up:                         # one untimed question first (a cold model, a cold cache), bounded too
            try:
                await asyncio.wait_for(client.post(f"{url}/answer", json={"question": questions[0]}), timeout=bound_s)
            except Exception:
                pass

        async def call(i: int):
            reply = await client.post(f"{url}/answer", json={"question": questions[i % len(questions)]})
            reply.raise_for_status()
            return reply.json()["timings"]

        latencies, stages, errors, wall = await _bounded(call, concurrency, requests, bound_s)
    mean = {k: float(np.mean([s[k] for s in stages])) if stages else 0.0
            for k in ("retrieve_s", "queue_s", "generate_s", "total_s")}
    return {"concurrency": concurrency, "requests": len(latencies), "errors": errors, "wall_s": wall,
            "throughput_rps": len(latencies) / wall, **percentiles(latencies),
            **{f"mean_{k}": v for k, v in mean.items()}, "mean_latency_s": float(np.mean(latencies or [0.0]))}


def measure_service(url: str, questions: list[str], concurrency: int, requests: int = 8, bound_s: float = 20.0,
                    warm_up: bool = True) -> dict:
    """:func:`measure` for a :class:`~.service.RagService` at ``url``: ``requests`` questions (cycled), at most
    ``concurrency`` in flight, bounded the same way; also the mean time each request spent in each stage as
    the service measured it (``mean_retrieve_s``, ``mean_queue_s`` waiting for the model, ``mean_generate_s``).
    Each request may take up to ``3 * bound_s`` (a request that started waits its turn in the service's queue);
    the whole run, the warm-up question included, ends within ``4 * bound_s``."""
    return run_coroutine(_run_service(url, questions, concurrency, requests, bound_s, warm_up))


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
