"""Notebook 11's truncated streams against the real proxy and the tiny server: a stream cut mid-answer and
ended cleanly raises nothing in a naive client; the finish_reason check notices and a retry recovers it.
"""
from __future__ import annotations

import pytest

from aisd.resilience.patterns import Policy, Resilient, TruncatedAnswer, llm_answerer, stream_answerer
from aisd.resilience.proxy import FaultProxy, Faults, ProxyError
from aisd.runtime import llm, server
from conftest import slowness

S = slowness()
QUESTION = "Count from one to twenty."          # long enough that a cut after two events is mid-answer


@pytest.fixture(scope="module")
def upstream(home):
    return server.ensure_server("tiny")["base_url"]


def _client(base_url: str):
    return llm.client(tier="tiny", base_url=base_url, timeout=10 * S)


def test_a_truncated_stream_ends_cleanly_and_only_the_check_notices(upstream):
    whole: list = []
    stream_answerer(_client(upstream), llm.model_name(tier="tiny"), 16, finishes=whole)(QUESTION)
    assert whole[0] in ("stop", "length"), f"an uncut stream ends with a finish_reason; got {whole}"
    cut: list = []
    with FaultProxy.for_url(upstream, Faults(truncate_rate=1.0, truncate_after=2), lifetime_s=30) as proxy:
        naive = stream_answerer(_client(proxy.base_url), llm.model_name(tier="tiny"), 16, check=False, finishes=cut)
        partial = naive(QUESTION)                       # no exception: the user sees a partial answer
        checked = stream_answerer(_client(proxy.base_url), llm.model_name(tier="tiny"), 16)
        with pytest.raises(TruncatedAnswer) as caught:
            checked(QUESTION)
    assert cut == [None] and isinstance(partial, str)
    assert caught.value.partial == partial, "the same cut, the same partial text"
    assert proxy.counts()["trunc"] == 2
    with pytest.raises(ProxyError):
        Faults(truncate_rate=0.6, error_rate=0.6)


def test_a_truncated_json_answer_is_detected(upstream):
    with FaultProxy.for_url(upstream, Faults(truncate_rate=1.0), lifetime_s=30) as proxy:
        with pytest.raises(TruncatedAnswer):
            llm_answerer(_client(proxy.base_url), llm.model_name(tier="tiny"), 8)(QUESTION)


def test_the_check_and_a_retry_recover_a_truncated_stream(upstream):
    faults = next(f for f in (Faults(truncate_rate=0.5, seed=s) for s in range(100)) if f.trace(2) == ["trunc", "ok"])
    policy = Policy("check + retries", timeout_s=10 * S, retries=3, backoff_s=0.01)
    with FaultProxy.for_url(upstream, faults, lifetime_s=30) as proxy:
        ask = stream_answerer(_client(proxy.base_url), llm.model_name(tier="tiny"), 16)
        outcome = Resilient(policy, ask).answer(QUESTION)
    assert outcome.ok and outcome.answered_by == "primary" and outcome.attempts == 2
    assert [k for _, k in proxy.arrivals] == ["trunc", "ok"]
