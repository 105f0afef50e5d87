"""The usage ledger, the dated price table, and token counting (no server needed)."""
from __future__ import annotations

import json
import math

import pytest

from aisd.runtime import tokens, usage


@pytest.fixture(autouse=True)
def empty_ledger():
    usage.reset()
    yield
    usage.reset()


def test_price_table_is_dated_sourced_and_says_prices_change():
    """The price table names its date and sources, warns that prices change, and holds sane prices."""
    raw = json.loads(usage.PRICES_FILE.read_text())
    assert raw["as_of"] and "change" in raw["warning"].lower()
    table = usage.price_table()
    assert {"openai", "anthropic", "google"} <= set(table["provider"]), "a few providers should be priced"
    assert table["source"].str.startswith("https://").all(), "each provider's price page should be named"
    assert (table["input_per_1m"] > 0).all() and (table["output_per_1m"] >= table["input_per_1m"]).all()
    assert table["model"].is_unique
    assert (table["as_of"] == usage.prices_as_of()).all()


def test_cost_uses_list_prices_per_million_tokens():
    """cost() = tokens x price per 1M / 1M; the local model is free; unknown models are NaN."""
    row = usage.price_table().set_index("model").loc["gpt-4o-mini"]
    expected = (1000 * row["input_per_1m"] + 500 * row["output_per_1m"]) / 1e6
    assert usage.cost("gpt-4o-mini", 1000, 500) == pytest.approx(expected)
    assert usage.cost("smollm2", 10**6, 10**6) == 0.0
    assert math.isnan(usage.cost("no-such-model", 1, 1))


def test_summary_has_one_row_per_call_with_cost():
    """summary() lists each recorded call with tokens, latency and its cost."""
    usage.record(model="smollm2", provider="local", prompt_tokens=100, completion_tokens=20, latency_s=0.5)
    usage.record(model="gpt-4o", provider="api.openai.com", prompt_tokens=1000, completion_tokens=100,
                 latency_s=1.0)
    table = usage.summary()
    assert list(table.columns) == usage.COLUMNS
    assert len(table) == 2
    assert table["cost_usd"].tolist() == pytest.approx([0.0, usage.cost("gpt-4o", 1000, 100)])
    totals = usage.totals()
    assert (totals["calls"], totals["prompt_tokens"], totals["completion_tokens"]) == (2, 1100, 120)
    assert totals["latency_s"] == pytest.approx(1.5)


def test_what_if_prices_the_recorded_workload_on_every_model():
    """what_if() prices the same tokens on each hosted model, cheapest first."""
    for _ in range(3):
        usage.record(model="smollm2", provider="local", prompt_tokens=2000, completion_tokens=300, latency_s=1)
    table = usage.what_if()
    assert len(table) == len(usage.price_table())
    assert table["cost_usd"].is_monotonic_increasing
    gpt4o = table.set_index("model").loc["gpt-4o"]
    assert gpt4o["cost_usd"] == pytest.approx(usage.cost_on("gpt-4o")) == pytest.approx(
        3 * usage.cost("gpt-4o", 2000, 300))
    assert gpt4o["cost_per_1k_calls_usd"] == pytest.approx(1000 * usage.cost("gpt-4o", 2000, 300))


def test_reset_empties_the_ledger():
    """reset() forgets the recorded calls."""
    usage.record(model="smollm2", provider="local", prompt_tokens=1, completion_tokens=1, latency_s=0.1)
    usage.reset()
    assert usage.calls() == [] and usage.summary().empty and usage.totals()["cost_usd"] == 0


def test_token_count_names_its_tokenizer_and_is_sane():
    """count() says which tokenizer it is, gives 0 for nothing, and grows with the text."""
    assert "SmolLM2" in tokens.TOKENIZER, "the local model's tokenizer should be found and named"
    assert tokens.count("") == 0
    short, longer = tokens.count("hello world"), tokens.count("hello world " * 50)
    assert 1 <= short < longer
    text = "Capacity planning needs token counts before any request is sent."
    assert len(text) / 8 < tokens.count(text) < len(text), "English text has roughly 3-5 characters per token"


def test_message_count_includes_the_chat_template():
    """count_messages() counts the template's tokens too, so it is more than the bare text."""
    messages = [{"role": "user", "content": "hello world"}]
    assert tokens.count_messages(messages) > tokens.count("hello world")
    assert tokens.count_messages(messages + [{"role": "assistant", "content": "hi"}]) > tokens.count_messages(messages)


def test_loading_the_tokenizer_prints_nothing(capfd):
    """Loading the local tokenizer writes nothing to stderr, at Python or C level (graded cells)."""
    tokens._vocab.cache_clear()
    assert tokens.count("load me again") > 0
    assert capfd.readouterr().err == ""
