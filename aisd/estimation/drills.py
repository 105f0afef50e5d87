""""The interviewer changed the requirements": which choice of a design breaks when a number moves.

A design is a set of choices, each made *for* some requirement: a model because it fits the budget,
a prompt size because prefill fits the first-token budget, an exact index because it searches the
corpus inside the retrieval budget, a cache lifetime because answers may be that stale. When the
interviewer says "now it's 10x the users" or "answers must start within half a second", a strong
candidate recomputes and names what breaks, instead of redrawing everything.

:data:`BASELINE` is the design notebook 01 settles on for :data:`aisd.toolkit.requirements.CUSTOMER_SUPPORT`,
with the numbers each choice rests on (stated, so a drill has one right answer).

>>> from aisd.toolkit.requirements import CUSTOMER_SUPPORT
>>> sorted(what_breaks(CUSTOMER_SUPPORT))
[]
"""
from __future__ import annotations

from aisd.estimation.estimate import SECONDS_PER_DAY

# Each choice: what it is, the numbers it rests on. Costs per 1 million tokens are list prices of
# gpt-4.1-mini in the course's price table (aisd.runtime.usage, as of 2025-11-25).
BASELINE = {
    "model": {"choice": "every question answered by gpt-4.1-mini through the provider's API",
              "input_per_1m": 0.40, "output_per_1m": 1.60, "days_per_month": 30},
    "rate_limit": {"choice": "one API account, whose rate limit is 20 requests/s",
                   "requests_per_s": 20.0},
    "prompt": {"choice": "the prompt holds every retrieved chunk; the provider's first token comes 0.25 s "
                         "after the request plus the prefill time at 4,000 input tokens/s",
               "first_token_overhead_s": 0.25, "prefill_tokens_per_s": 4_000.0},
    "index": {"choice": "exact (flat) vector search on one machine: 2 ms per 10,000 vectors, plus 20 ms "
                        "to embed the question",
              "ms_per_10k_vectors": 2.0, "embed_ms": 20.0},
    "cache": {"choice": "a response cache whose entries live 24 h", "ttl_hours": 24.0},
}


def what_breaks(req) -> set:
    """The names of :data:`BASELINE`'s choices that no longer meet ``req`` (a choice breaks when its
    number goes *over* the requirement it serves; exactly at the limit it still holds).

    Reference answer of notebook 01, exercise ``ex_what_breaks``.

    - ``model``: the month's tokens at its prices, against ``monthly_budget_usd``;
    - ``rate_limit``: the peak requests/s, against the account's limit;
    - ``prompt``: overhead + input tokens / prefill rate, against ``first_token_budget_s``;
    - ``index``: embedding + search over ``req.chunks`` vectors, against ``retrieval_budget_ms``;
    - ``cache``: the entries' lifetime, against ``max_staleness_hours``.

    >>> from aisd.toolkit.requirements import CUSTOMER_SUPPORT
    >>> sorted(what_breaks(CUSTOMER_SUPPORT.replace(daily_active_users=250_000)))
    ['model', 'rate_limit']
    >>> sorted(what_breaks(CUSTOMER_SUPPORT.replace(max_staleness_hours=1, first_token_budget_s=0.5)))
    ['cache', 'prompt']
    """
    b = BASELINE
    per_request_in = req.system_tokens + req.question_tokens + req.retrieved_chunks * req.chunk_tokens
    month = req.requests_per_day * b["model"]["days_per_month"]
    cost = (per_request_in * month * b["model"]["input_per_1m"] + req.answer_tokens * month
            * b["model"]["output_per_1m"]) / 1e6
    peak = req.requests_per_day / SECONDS_PER_DAY * req.peak_factor
    first = b["prompt"]["first_token_overhead_s"] + per_request_in / b["prompt"]["prefill_tokens_per_s"]
    search = req.chunks / 10_000 * b["index"]["ms_per_10k_vectors"] + b["index"]["embed_ms"]
    checks = {"model": (cost, req.monthly_budget_usd), "rate_limit": (peak, b["rate_limit"]["requests_per_s"]),
              "prompt": (first, req.first_token_budget_s), "index": (search, req.retrieval_budget_ms),
              "cache": (b["cache"]["ttl_hours"], req.max_staleness_hours)}
    return {name for name, (value, limit) in checks.items() if value > limit + 1e-9}


# The changes notebook 01 asks about, as an interviewer would say them.
SCENARIOS = {
    "a marketing launch: peaks at 10x the daily mean instead of 5x": {"peak_factor": 10},
    "10x the users": {"daily_active_users": 250_000},
    "answers must start within half a second": {"first_token_budget_s": 0.5},
    "prices change within the hour: answers may be at most 1 h stale": {"max_staleness_hours": 1},
    "we add the forum: 100x the documents": {"documents": 500_000},
    "retrieve 20 chunks instead of 5, for recall": {"retrieved_chunks": 20},
}


def scenario(req, change: dict):
    """``req`` with the fields of ``change`` replaced (the original is not touched).

    >>> from aisd.toolkit.requirements import CUSTOMER_SUPPORT
    >>> scenario(CUSTOMER_SUPPORT, {"peak_factor": 10}).peak_factor, CUSTOMER_SUPPORT.peak_factor
    (10, 5)
    """
    return req.replace(**change)
