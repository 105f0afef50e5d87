"""Notebook 11's service to break: notebook 02's RAG answerer behind HTTP answers, fails with a 503 when
generation is down, and stops by itself; a load run against it is bounded and sees the queue. Retrieval is BM25
only here (no embedding model to load in a fresh state dir); the notebook's stored run is hybrid.
"""
from __future__ import annotations

import socket
import time

import httpx2
import pytest

from aisd.resilience import load
from aisd.resilience.service import RagService, pydoc_retriever
from aisd.runtime import llm, server
from conftest import slowness

S = slowness()


@pytest.fixture(scope="module")
def upstream(home):
    return server.ensure_server("tiny")["base_url"]


def test_the_rag_service_answers_fails_clearly_and_stops_by_itself(upstream):
    retriever = pydoc_retriever(embed=False)
    with RagService(retriever, "http://127.0.0.1:9/v1", "none", config="bm25", timeout_s=2, lifetime_s=30) as down:
        reply = httpx2.post(f"{down.url}/answer", json={"question": "How do I sort a list?"}, timeout=10 * S)
        assert reply.status_code == 503 and "generation failed" in reply.json()["error"]
        assert httpx2.post(f"{down.url}/answer", content=b"not json", timeout=5).status_code == 400
    service = RagService(retriever, upstream, llm.model_name(tier="tiny"), config="bm25", k=1, max_tokens=4,
                         lifetime_s=6 * S).start()
    assert httpx2.get(f"{service.url}/health", timeout=5).json() == {"ok": True}
    reply = httpx2.post(f"{service.url}/answer", json={"question": "How do I sort a list in reverse?"}, timeout=20 * S)
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert len(body["passages"]) == 1 and body["passages"][0] in retriever.ids and isinstance(body["answer"], str)
    t = body["timings"]
    assert 0 <= t["retrieve_s"] <= t["total_s"] and t["generate_s"] > 0 and t["queue_s"] >= 0
    port = int(service.url.rsplit(":", 1)[1])
    time.sleep(max(0.0, service.started_at + 6 * S + 1.0 - time.monotonic()))
    assert not service.running and service.stopped_at - service.started_at < 6 * S + 0.5
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()


def test_a_load_run_against_the_service_is_bounded_and_sees_the_queue(upstream):
    bound_s = 4.0 * S
    with RagService(pydoc_retriever(embed=False), upstream, llm.model_name(tier="tiny"), config="bm25", k=1,
                    max_tokens=2, lifetime_s=60) as service:
        started = time.monotonic()
        row = load.measure_service(service.url, ["How do I sort a list?", "What does pass do?"], concurrency=2,
                                   requests=300, bound_s=bound_s)
        assert time.monotonic() - started < 4 * bound_s + 2, "warm-up + bound + draining stay within 4 x bound_s"
    assert 0 < row["requests"] < 300 and row["errors"] == 0
    assert row["p50_s"] <= row["p95_s"] <= row["p99_s"]
    assert row["mean_queue_s"] > 0.3 * row["mean_generate_s"], "two in flight, one generation slot: one waits"
    spread = load.measure(2, requests=4, max_tokens=2, bound_s=10 * S, base_url=[upstream, upstream])
    assert spread["requests"] == 4 and spread["errors"] == 0
