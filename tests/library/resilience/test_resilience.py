"""Notebook 11's reliability patterns against the real fault proxy in front of a real local LLM server.

Each pattern is shown doing its job on injected faults (a retry recovers a 5xx, the breaker opens and
closes, the fallback answers when the primary server process is killed) and each moving part stops by
itself within its bound (the proxy, the load run, a disposable server). Unit stand-ins appear only where
a test needs a controlled function (the breaker's clock).
"""
from __future__ import annotations

import socket
import time

import httpx2
import openai
import pybreaker
import pytest

from aisd.resilience import decisions, load, replay
from aisd.resilience.experiments import summarise
from aisd.resilience.patterns import Outcome, Policy, Resilient, is_retryable, llm_answerer
from aisd.resilience.proxy import FaultProxy, Faults
from aisd.resilience.servers import Disposable
from aisd.runtime import llm, server
from conftest import slowness

S = slowness()      # a busy machine gives a slow green run, not a red one


@pytest.fixture(scope="module")
def upstream(home):
    return server.ensure_server("tiny")["base_url"]


def _ask(base_url: str, timeout_s: float = 10.0 * S):
    return llm_answerer(llm.client(tier="tiny", base_url=base_url, timeout=timeout_s),
                        llm.model_name(tier="tiny"), max_tokens=4, timeout_s=timeout_s)


def test_the_proxy_forwards_and_injects_each_fault_kind(upstream):
    with FaultProxy.for_url(upstream, Faults(), lifetime_s=30) as proxy:
        assert _ask(proxy.base_url)("Say yes.") != "" or proxy.counts()["ok"] == 1
    with FaultProxy.for_url(upstream, Faults(error_rate=1.0, error_status=429), lifetime_s=30) as proxy:
        with pytest.raises(openai.RateLimitError):
            _ask(proxy.base_url)("Say yes.")
    with FaultProxy.for_url(upstream, Faults(reset_rate=1.0), lifetime_s=30) as proxy:
        with pytest.raises(llm.LLMUnavailable):      # a reset connection: the client's clear error
            _ask(proxy.base_url)("Say yes.")
    with FaultProxy.for_url(upstream, Faults(stall_rate=1.0, stall_s=30), lifetime_s=60) as proxy:
        started = time.monotonic()
        with pytest.raises(llm.LLMUnavailable):      # the client's timeout cuts the stall short
            _ask(proxy.base_url, timeout_s=0.5)("Say yes.")
        assert time.monotonic() - started < 10, "a 0.5 s timeout should end a 30 s stall early"


def test_same_seed_same_fault_trace(upstream):
    faults = Faults(error_rate=0.5, seed=7)
    kinds = []
    for _ in range(2):
        with FaultProxy.for_url(upstream, faults, lifetime_s=30) as proxy:
            ask = _ask(proxy.base_url)
            for _ in range(6):
                try:
                    ask("Say yes.")
                except openai.APIStatusError:
                    pass
        kinds.append([k for _, k in proxy.arrivals])
    assert kinds[0] == kinds[1] == faults.trace(6)


def test_a_retry_recovers_a_5xx(upstream):
    # seed 1 with rate 0.5 starts ok, ok, error: skip to a trace whose first call fails
    faults = next(Faults(error_rate=0.5, seed=s) for s in range(100) if Faults(error_rate=0.5, seed=s).trace(1) == ["error"])
    with FaultProxy.for_url(upstream, faults, lifetime_s=30) as proxy:
        without = Resilient(Policy("none"), _ask(proxy.base_url)).answer("Say yes.")
    assert not without.ok and "InternalServerError" in without.error
    with FaultProxy.for_url(upstream, faults, lifetime_s=30) as proxy:
        outcome = Resilient(Policy("retry", retries=3, backoff_s=0.01), _ask(proxy.base_url)).answer("Say yes.")
    assert outcome.ok and outcome.answered_by == "primary" and outcome.attempts >= 2
    assert proxy.counts()["error"] >= 1


def test_errors_that_a_retry_cannot_fix_are_not_retried():
    request = httpx2.Request("POST", "http://127.0.0.1/v1/chat/completions")
    bad = openai.BadRequestError("bad", response=httpx2.Response(400, request=request), body=None)
    assert not is_retryable(bad)
    calls = []

    def primary(q):
        calls.append(q)
        raise bad
    assert not Resilient(Policy("r", retries=3), primary).answer("q").ok and len(calls) == 1


def test_the_breaker_opens_fails_fast_and_closes_again(upstream):
    policy = Policy("breaker", breaker_fails=3, breaker_reset_s=0.5)
    with FaultProxy.for_url(upstream, Faults(outage_after=0, outage_s=0.6), lifetime_s=30) as proxy:
        resilient = Resilient(policy, _ask(proxy.base_url))
        for _ in range(3):
            resilient.answer("Say yes.")
        assert resilient.breaker.current_state == pybreaker.STATE_OPEN
        before = len(proxy.arrivals)
        fast = resilient.answer("Say yes.")
        assert not fast.ok and len(proxy.arrivals) == before, "an open breaker must not call the provider"
        assert "CircuitBreakerError" in fast.error
        time.sleep(0.8)                                # past the reset timeout and the outage
        healed = resilient.answer("Say yes.")
    assert healed.ok and resilient.breaker.current_state == pybreaker.STATE_CLOSED


def test_the_fallback_answers_when_the_primary_server_is_killed(upstream):
    policy = Policy("fallback", timeout_s=5, retries=1, backoff_s=0.01, fallback=True)
    with Disposable("tiny", lifetime_s=120) as primary_server:
        resilient = Resilient(policy, _ask(primary_server.base_url), fallback=_ask(upstream))
        assert resilient.answer("Say yes.").answered_by == "primary"
        primary_server.kill()
        assert not primary_server.alive
        outcome = resilient.answer("Say yes.")
    assert outcome.ok and outcome.answered_by == "fallback", outcome
    degraded = Resilient(Policy("d", degrade=True), _ask("http://127.0.0.1:9/v1"),
                         degraded=lambda q: "cached: yes").answer("Say yes.")
    assert degraded.answered_by == "degraded"
    nothing = Resilient(Policy("d", degrade=True, fallback=True), _ask("http://127.0.0.1:9/v1"),
                        degraded=lambda q: None).answer("Say yes.")
    assert nothing.answered_by == "human" and not nothing.ok


def test_the_proxy_stops_by_itself_within_its_lifetime(upstream):
    proxy = FaultProxy.for_url(upstream, Faults(), lifetime_s=0.5).start()
    port = proxy.port
    time.sleep(1.0)
    assert not proxy.running and proxy.stopped_at - proxy.started_at < 1.0
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()


def test_a_disposable_server_kills_itself_after_its_lifetime(home):
    s = Disposable("tiny", lifetime_s=3).start()
    assert s.alive
    time.sleep(3.5)
    assert not s.alive


def test_a_load_run_is_bounded_in_time_and_measures_percentiles(upstream):
    started = time.monotonic()
    row = load.measure(concurrency=4, requests=400, max_tokens=4, bound_s=3.0 * S)
    assert time.monotonic() - started < 12 * S, "no new request may start after bound_s"
    assert 0 < row["requests"] < 400 and row["errors"] == 0
    assert row["p50_s"] <= row["p95_s"] <= row["p99_s"] and row["throughput_rps"] > 0


def test_summarise_and_replicas():
    s = summarise([Outcome("primary", 0.1, 1), Outcome("fallback", 0.5, 2), Outcome("human", 3.0, 3)])
    assert s["availability"] == pytest.approx(2 / 3) and s["human"] == 1 and s["attempts"] == 6
    assert summarise([Outcome("primary", 0.1, 1)])["availability"] == 1.0
    rows = [{"throughput_rps": 5.0, "p95_s": 0.3}, {"throughput_rps": 8.0, "p95_s": 0.9}]
    assert decisions.replicas_for(10, rows, p95_budget_s=0.5) == 3       # 5 rps at 70 % -> 3.5 rps each
    assert decisions.replicas_for(10, rows, p95_budget_s=1.0) == 2       # 8 rps at 70 % -> 5.6 rps each


def test_replay_counts_timeouts_retries_and_failures():
    trace = [("stall", 5.0), ("ok", 0.2), ("error", 0.01), ("error", 0.01), ("ok", 2.0), ("ok", 0.1)]
    assert replay.replay(trace, timeout_s=1.0, retries=1, backoff_s=0.1) == pytest.approx([1.3, replay.FAILED, 1.2])
    s = replay.score(trace, 10.0, 0, 0.0)
    assert s["availability"] == pytest.approx(3 / 6) and s["p99_s"] == float("inf")


def test_the_reference_policy_meets_its_targets_on_held_out_data():
    ok = [0.05 + 0.01 * (i % 30) for i in range(200)] + [3.0] * 4
    tuning, held_out = (replay.make_trace(ok, 2000, 0.2, seed) for seed in (1, 2))
    policy = decisions.choose_retry_policy(tuning, p99_budget_s=1.5, availability_target=0.99)
    assert replay.meets(held_out, policy, 1.5, 0.99)
    assert not replay.meets(held_out, {"timeout_s": 10, "retries": 0, "backoff_s": 0}, 1.5, 0.99)
