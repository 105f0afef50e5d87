"""What the LLM calls of this notebook used, and what the same workload would cost on hosted models.

Every request made through :func:`aisd.runtime.llm.client` is recorded here
(in this process, for the life of the kernel): model, tokens, latency.

>>> from aisd.runtime import usage
>>> usage.reset()
>>> _ = usage.record(model="smollm2", provider="local", prompt_tokens=1000, completion_tokens=200, latency_s=1.5)
>>> usage.summary()[["model", "prompt_tokens", "completion_tokens", "cost_usd"]]
     model  prompt_tokens  completion_tokens  cost_usd
0  smollm2           1000                200       0.0
>>> round(usage.cost_on("gpt-4o-mini"), 6)         # 1000 * 0.15/1e6 + 200 * 0.60/1e6
0.00027

Token counts come from the response's ``usage`` when the server reports it (``source='usage'``);
streamed responses without it are counted (``source='estimated'``, see :mod:`aisd.tokens`).
Prices come from ``aisd/data/prices.json``: public list prices on a stated date. They change;
:func:`price_table` shows the date and :data:`PRICES_SOURCE` where to check.
"""
from __future__ import annotations

import dataclasses
import functools
import json
import math
import threading
import time
from pathlib import Path

import pandas as pd

from aisd.runtime.models import TIERS

PRICES_FILE = Path(__file__).parents[1] / "data" / "prices.json"


@dataclasses.dataclass(frozen=True)
class Call:
    """One LLM call: who answered, how many tokens went in and out, how long it took."""

    model: str
    provider: str                    # "local" or the provider's host, e.g. "api.openai.com"
    prompt_tokens: int
    completion_tokens: int
    latency_s: float                 # request sent -> response complete
    first_token_s: float | None = None   # streaming only: request sent -> first token
    stream: bool = False
    source: str = "usage"            # "usage" (reported by the server), "estimated" (counted here) or
    #                                  "stored" (a stored answer read back: tokens and latency as when it was made)
    at: float = dataclasses.field(default_factory=time.time)


_calls: list[Call] = []
_lock = threading.Lock()


def record(**fields) -> Call:
    """Add one call to the ledger (the LLM client does this for you) and return it.

    >>> record(model="smollm2", provider="local", prompt_tokens=10, completion_tokens=5, latency_s=0.2).prompt_tokens
    10
    """
    call = Call(**fields)
    with _lock:
        _calls.append(call)
    return call


def calls() -> list[Call]:
    """The calls recorded so far, oldest first.

    >>> reset(); calls()
    []
    """
    with _lock:
        return list(_calls)


def live_calls() -> list[Call]:
    """The calls that went to a model during this run (stored answers read back left out).

    >>> reset(); _ = record(model="m", provider="stored", prompt_tokens=1, completion_tokens=1, latency_s=1,
    ...                     source="stored"); len(calls()), len(live_calls())
    (1, 0)
    """
    return [c for c in calls() if c.source != "stored"]


def reset() -> None:
    """Forget the calls recorded so far (e.g. before measuring one experiment).

    >>> reset(); len(calls())
    0
    """
    with _lock:
        _calls.clear()


# --------------------------------------------------------------------------------------------
# Prices
# --------------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=1)
def _prices() -> dict:
    return json.loads(PRICES_FILE.read_text())


def prices_as_of() -> str:
    """The date of the price table (prices change: quote it with any cost).

    >>> prices_as_of()
    '2025-11-25'
    """
    return _prices()["as_of"]


def price_table() -> pd.DataFrame:
    """The dated list prices: provider, model, USD per 1M input and output tokens, as_of.

    >>> float(price_table().set_index("model").loc["gpt-4o-mini", "input_per_1m"])
    0.15
    """
    data = _prices()
    table = pd.DataFrame(data["models"]).drop(columns=["note"], errors="ignore")
    table["as_of"] = data["as_of"]
    table["source"] = table["provider"].map(data["sources"])
    return table


def cost(model: str, prompt_tokens: int, completion_tokens: int) -> float:
    """USD for one call of ``model`` at list price; 0 for the local model; NaN if not in the table.

    >>> cost("gpt-4o", 1_000_000, 0)
    2.5
    >>> cost("smollm2", 5000, 5000)
    0.0
    """
    if model in {m.alias for m in TIERS.values()}:
        return 0.0
    row = next((m for m in _prices()["models"] if m["model"] == model), None)
    if row is None:
        return math.nan
    return (prompt_tokens * row["input_per_1m"] + completion_tokens * row["output_per_1m"]) / 1e6


# --------------------------------------------------------------------------------------------
# Reports
# --------------------------------------------------------------------------------------------
COLUMNS = ["model", "provider", "prompt_tokens", "completion_tokens", "latency_s", "first_token_s", "stream",
           "source", "cost_usd"]


def summary() -> pd.DataFrame:
    """One row per recorded call, with its cost at list price (0 locally, NaN for unpriced models).

    >>> reset(); summary().empty
    True
    """
    rows = [{**dataclasses.asdict(c), "cost_usd": cost(c.model, c.prompt_tokens, c.completion_tokens)}
            for c in calls()]
    return pd.DataFrame(rows, columns=COLUMNS)


def totals() -> dict:
    """Calls, tokens, seconds and cost of everything recorded so far.

    >>> reset(); totals()["calls"]
    0
    """
    table = summary()
    return {"calls": len(table), "prompt_tokens": int(table["prompt_tokens"].sum()),
            "completion_tokens": int(table["completion_tokens"].sum()),
            "latency_s": float(table["latency_s"].sum()), "cost_usd": float(table["cost_usd"].sum())}


def cost_on(model: str, recorded: list[Call] | None = None) -> float:
    """What the recorded calls (same tokens) would have cost on ``model`` at its list price.

    Token counts are those of the model that answered: another model's tokenizer and answer
    lengths differ, so read it as an estimate of the order of magnitude.

    >>> reset(); _ = record(model="smollm2", provider="local", prompt_tokens=2_000_000, completion_tokens=0, latency_s=1)
    >>> cost_on("gpt-4o")
    5.0
    """
    recorded = calls() if recorded is None else recorded
    return sum(cost(model, c.prompt_tokens, c.completion_tokens) for c in recorded)


def what_if() -> pd.DataFrame:
    """The recorded workload priced on every model of the price table, cheapest first.

    >>> reset(); _ = record(model="smollm2", provider="local", prompt_tokens=1000, completion_tokens=100, latency_s=1)
    >>> what_if().iloc[0]["model"]
    'gpt-5-nano'
    """
    table = price_table()[["provider", "model", "input_per_1m", "output_per_1m", "as_of"]].copy()
    recorded = calls()
    table["cost_usd"] = [cost_on(m, recorded) for m in table["model"]]
    per_call = table["cost_usd"] / max(1, len(recorded))
    table["cost_per_1k_calls_usd"] = per_call * 1000
    return table.sort_values(["cost_usd", "model"]).reset_index(drop=True)
