"""Reliability patterns as code, around the course's real ``openai`` client (notebook 11).

A :class:`Policy` names which patterns are on; :class:`Resilient` applies them to one question:

1. **timeout**: the client's own (``timeout_s`` per attempt);
2. **retries** with exponential backoff and jitter, by ``tenacity`` (only for errors worth retrying:
   429, 5xx, resets, timeouts), bounded by attempts and by a deadline;
3. **circuit breaker**, by ``pybreaker``: after ``breaker_fails`` failures in a row the primary is not called
   for ``breaker_reset_s`` seconds (it fails fast), then one trial call decides;
4. **fallback** to a second model (the small tier's requests go to the tiny tier);
5. **graceful degradation**: a cached or extractive answer (any function of the question, or None);
6. **human escalation**: what is left is handed to a person (counted, not answered).

A truncated answer (a stream cut mid-way and ended cleanly, see :mod:`.proxy`) raises nothing by itself:
:func:`stream_answerer` checks that the stream ended with a ``finish_reason`` (and :func:`llm_answerer` that
the JSON answer was whole) and raises :class:`TruncatedAnswer`, which is worth a retry like a 5xx.

>>> Policy("retries", retries=2).describe()
'timeout 10 s, 2 retries (backoff 0.05 s x2, jitter 0.05 s)'
"""
from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable

import openai
import pybreaker
import tenacity

from aisd.core.errors import AisdError
from aisd.runtime.models import LLMUnavailable


class TruncatedAnswer(AisdError, RuntimeError):
    """The answer was cut mid-way (a stream without a ``finish_reason``, or half a JSON document)."""

    def __init__(self, message: str, partial: str = ""):
        super().__init__(message)
        self.partial = partial


def is_retryable(exc: BaseException) -> bool:
    """Worth another attempt: a rate limit (429), a server error (5xx), a lost connection, a timeout, or an
    answer cut mid-way (:class:`TruncatedAnswer`).

    >>> is_retryable(ValueError("bad input"))
    False
    """
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code == 429 or exc.status_code >= 500
    return isinstance(exc, (openai.APIConnectionError, LLMUnavailable, TruncatedAnswer))


@dataclasses.dataclass(frozen=True)
class Policy:
    name: str
    timeout_s: float = 10.0
    retries: int = 0
    backoff_s: float = 0.05        # first wait; doubles each retry (exponential), up to backoff_max_s
    backoff_max_s: float = 1.0
    jitter_s: float = 0.05         # a random 0..jitter_s added to each wait
    deadline_s: float | None = None   # no new attempt after this long
    breaker_fails: int | None = None  # None: no circuit breaker
    breaker_reset_s: float = 1.0
    fallback: bool = False
    degrade: bool = False

    def describe(self) -> str:
        parts = [f"timeout {self.timeout_s:g} s"]
        if self.retries:
            parts.append(f"{self.retries} retries (backoff {self.backoff_s:g} s x2, jitter {self.jitter_s:g} s)")
        if self.breaker_fails:
            parts.append(f"breaker after {self.breaker_fails} fails, {self.breaker_reset_s:g} s open")
        if self.fallback:
            parts.append("fallback model")
        if self.degrade:
            parts.append("degraded answer")
        return ", ".join(parts)


@dataclasses.dataclass
class Outcome:
    answered_by: str          # "primary", "fallback", "degraded" or "human" (escalated, no answer)
    latency_s: float
    attempts: int             # calls that reached (or tried to reach) the primary
    error: str = ""
    text: str = ""

    @property
    def ok(self) -> bool:
        return self.answered_by != "human"


def retrying(policy: Policy, sleep: Callable[[float], None] = time.sleep) -> tenacity.Retrying:
    """tenacity's retry loop for ``policy``: exponential backoff with jitter, retryable errors only.

    >>> calls = []
    >>> def flaky():
    ...     calls.append(1)
    ...     if len(calls) < 3:
    ...         raise openai.APIConnectionError(request=None)
    ...     return "ok"
    >>> retrying(Policy("r", retries=2), sleep=lambda s: None)(flaky), len(calls)
    ('ok', 3)
    """
    stop = tenacity.stop_after_attempt(policy.retries + 1)
    if policy.deadline_s is not None:
        stop = stop | tenacity.stop_after_delay(policy.deadline_s)
    return tenacity.Retrying(
        stop=stop, reraise=True, sleep=sleep,
        retry=tenacity.retry_if_exception(is_retryable),
        wait=tenacity.wait_exponential(multiplier=policy.backoff_s, max=policy.backoff_max_s)
        + tenacity.wait_random(0, policy.jitter_s))


def breaker(policy: Policy) -> pybreaker.CircuitBreaker | None:
    """pybreaker's circuit breaker for ``policy`` (errors that are not worth retrying do not trip it)."""
    if not policy.breaker_fails:
        return None
    return pybreaker.CircuitBreaker(fail_max=policy.breaker_fails, reset_timeout=policy.breaker_reset_s,
                                    exclude=[lambda e: not is_retryable(e)])


class Resilient:
    """Answers questions through ``primary`` (a function question -> text) with ``policy``'s patterns.

    ``fallback`` (question -> text) is the second model; ``degraded`` (question -> text or None) a cached
    or extractive answer. Each call returns an :class:`Outcome`; nothing raises for a failed request.
    """

    def __init__(self, policy: Policy, primary: Callable[[str], str], fallback: Callable[[str], str] | None = None,
                 degraded: Callable[[str], str | None] | None = None):
        self.policy, self.primary, self.fallback, self.degraded = policy, primary, fallback, degraded
        self.breaker = breaker(policy)

    def _primary_once(self, question: str, count: list) -> str:
        count.append(1)
        if self.breaker is None:
            return self.primary(question)
        return self.breaker.call(self.primary, question)

    def answer(self, question: str) -> Outcome:
        started, count, error = time.perf_counter(), [], ""
        try:
            text = retrying(self.policy)(self._primary_once, question, count)
            return Outcome("primary", time.perf_counter() - started, len(count), text=text)
        except Exception as exc:          # every failure is an outcome, not a crash
            error = f"{type(exc).__name__}"
        if self.policy.fallback and self.fallback is not None:
            try:
                text = self.fallback(question)
                return Outcome("fallback", time.perf_counter() - started, len(count), error, text)
            except Exception as exc:
                error += f"; fallback {type(exc).__name__}"
        if self.policy.degrade and self.degraded is not None:
            text = self.degraded(question)
            if text:
                return Outcome("degraded", time.perf_counter() - started, len(count), error, text)
        return Outcome("human", time.perf_counter() - started, len(count), error)

    def run(self, questions: list[str], deadline_s: float | None = None) -> list[Outcome]:
        """Answer ``questions`` one after another (stopping early, bounded, after ``deadline_s``)."""
        out, started = [], time.monotonic()
        for q in questions:
            if deadline_s is not None and time.monotonic() - started > deadline_s:
                break
            out.append(self.answer(q))
        return out


def llm_answerer(client: openai.OpenAI, model: str, max_tokens: int = 8,
                 timeout_s: float | None = None) -> Callable[[str], str]:
    """question -> the model's short answer, through ``client`` (e.g. one pointed at a fault proxy), each
    attempt bounded by ``timeout_s`` (the client's own timeout)."""
    if timeout_s is not None:
        client = client.with_options(timeout=timeout_s)

    def ask(question: str) -> str:
        try:
            reply = client.chat.completions.create(model=model, max_tokens=max_tokens, temperature=0,
                                                   messages=[{"role": "user", "content": question}])
        except json.JSONDecodeError as exc:        # the body ended before the JSON document did
            raise TruncatedAnswer(f"the answer's JSON was cut off ({exc.msg} at character {exc.pos})") from exc
        return reply.choices[0].message.content or ""
    return ask


def stream_answerer(client: openai.OpenAI, model: str, max_tokens: int = 8, timeout_s: float | None = None,
                    check: bool = True, finishes: list | None = None) -> Callable[[str], str]:
    """question -> the model's answer, streamed through ``client``. A stream that ends without a
    ``finish_reason`` was cut mid-answer: with ``check`` that raises :class:`TruncatedAnswer` (worth a retry);
    without it the partial text is returned as if it were whole, which is what a naive client shows its
    user. ``finishes`` (a list), if given, gets each call's ``finish_reason`` (None for a cut stream)."""
    if timeout_s is not None:
        client = client.with_options(timeout=timeout_s)

    def ask(question: str) -> str:
        parts, finish = [], None
        stream = client.chat.completions.create(model=model, max_tokens=max_tokens, temperature=0, stream=True,
                                                messages=[{"role": "user", "content": question}])
        for chunk in stream:
            for choice in chunk.choices:
                parts.append(choice.delta.content or "")
                finish = choice.finish_reason or finish
        text = "".join(parts)
        if finishes is not None:
            finishes.append(finish)
        if finish is None and check:
            raise TruncatedAnswer(f"the stream ended without a finish_reason after {len(text)} characters: "
                                  "the answer was cut mid-way", partial=text)
        return text
    return ask
