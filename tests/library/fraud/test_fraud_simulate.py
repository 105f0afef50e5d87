"""The transaction simulator (aisd.fraud.simulate): deterministic, each fraud scenario present and shaped as
described, labels known only after the delay, fast enough for a notebook."""
from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from aisd.core.errors import AisdError
from aisd.fraud.simulate import DAY, FraudScenarios, simulate


@pytest.fixture(scope="module")
def sim():
    return simulate(n_customers=1000, n_terminals=2000, n_days=40, seed=3,
                    scenarios=FraudScenarios(card_testing_from_day=30))


def test_same_seed_same_data_other_seed_other_data():
    a = simulate(n_customers=200, n_terminals=400, n_days=15, seed=7).transactions
    b = simulate(n_customers=200, n_terminals=400, n_days=15, seed=7).transactions
    c = simulate(n_customers=200, n_terminals=400, n_days=15, seed=8).transactions
    pd.testing.assert_frame_equal(a, b)
    assert not a["amount"].equals(c["amount"]) or len(a) != len(c), "a different seed should give other transactions"


def test_transactions_are_in_time_order_with_consistent_columns(sim):
    tx = sim.transactions
    assert tx["time"].is_monotonic_increasing
    assert (tx["transaction_id"] == np.arange(len(tx))).all()
    assert (tx["day"] == tx["time"] // DAY).all()
    assert tx["day"].between(0, 39).all()
    assert (tx["amount"] > 0).all() and (tx["amount"].round(2) == tx["amount"]).all()
    assert (tx["is_fraud"] == (tx["fraud_scenario"] > 0)).all()
    assert tx["customer_id"].between(0, 999).all() and tx["terminal_id"].between(0, 1999).all()


def test_every_scenario_is_present_and_fraud_is_rare(sim):
    counts = sim.transactions["fraud_scenario"].value_counts()
    for scenario in (1, 2, 3, 4):
        assert counts.get(scenario, 0) > 0, f"scenario {scenario} produced no fraud"
    assert 0.003 < sim.transactions["is_fraud"].mean() < 0.05


def test_scenario_1_is_exactly_the_large_amounts_left_genuine_by_the_others(sim):
    tx = sim.transactions
    assert (tx.loc[tx.fraud_scenario == 1, "amount"] > 220).all()
    assert (tx.loc[tx.fraud_scenario == 0, "amount"] <= 220).all(), "a genuine transaction above the threshold"


def test_scenario_2_every_transaction_at_a_compromised_terminal_is_fraud(sim):
    tx, inc = sim.transactions, sim.incidents
    terminals = inc[inc.kind == "compromised terminal"]
    assert len(terminals) == 2 * 40
    hits = 0
    for row in terminals.itertuples():
        during = tx[(tx.terminal_id == row.entity_id) & (tx.day >= row.start_day) & (tx.day < row.end_day)]
        assert during["is_fraud"].all(), f"terminal {row.entity_id} had genuine transactions while compromised"
        hits += len(during)
    assert hits >= (tx.fraud_scenario == 2).sum()
    # and scenario 2 happens nowhere else
    in_window = np.zeros(len(tx), dtype=bool)
    for row in terminals.itertuples():
        in_window |= ((tx.terminal_id == row.entity_id) & (tx.day >= row.start_day) & (tx.day < row.end_day)).to_numpy()
    assert not (tx.fraud_scenario == 2).to_numpy()[~in_window].any()


def test_scenario_3_stolen_cards_spend_far_above_their_habit(sim):
    tx, customers = sim.transactions, sim.customers.set_index("customer_id")
    stolen = tx[tx.fraud_scenario == 3]
    ratio = stolen["amount"].to_numpy() / customers.loc[stolen.customer_id, "mean_amount"].to_numpy()
    genuine = tx[tx.fraud_scenario == 0]
    usual = genuine["amount"].to_numpy() / customers.loc[genuine.customer_id, "mean_amount"].to_numpy()
    assert np.median(ratio) > 3.5 and np.median(usual) < 1.2, (np.median(ratio), np.median(usual))
    cards = sim.incidents[sim.incidents.kind == "compromised card"]
    for t in stolen.head(50).itertuples():
        mine = cards[(cards.entity_id == t.customer_id) & (cards.start_day <= t.day) & (cards.end_day > t.day)]
        assert len(mine), f"transaction {t.transaction_id} is card fraud outside any compromise of its card"
    share = len(stolen) / len(tx[tx.customer_id.isin(cards.entity_id)])
    assert 0.02 < share < 0.5


def test_scenario_4_card_testing_starts_on_its_day_as_bursts_of_tiny_amounts(sim):
    tx = sim.transactions
    testing = tx[tx.fraud_scenario == 4]
    assert testing["day"].min() == 30 and len(testing) == 10 * 5 * 6
    assert testing["amount"].between(1, 5).all()
    spans = testing.groupby(["customer_id", "day"])["time"].agg(lambda t: t.max() - t.min())
    assert (spans < 3600).all()
    assert simulate(n_customers=200, n_terminals=400, n_days=15, seed=0).transactions.fraud_scenario.max() < 4, \
        "card testing must stay off unless asked for"


def test_a_spending_change_shifts_the_amounts_from_its_day_and_psi_sees_it():
    from aisd.toolkit.classification import psi
    kwargs = {"n_customers": 500, "n_terminals": 1000, "n_days": 20, "seed": 2}
    before = simulate(**kwargs).transactions
    after = simulate(**kwargs, spending_change=(10, 1.5)).transactions
    assert before["amount"][before.day < 10].equals(after["amount"][after.day < 10])
    ratio = after["amount"][after.day >= 10].median() / before["amount"][before.day >= 10].median()
    assert 1.4 < ratio < 1.6
    week = lambda t, d: t["amount"][(t.day >= d) & (t.day < d + 5)]
    assert psi(week(after, 3), week(after, 12)) > 0.1 > psi(week(before, 3), week(before, 12))


def test_labels_are_known_only_after_the_delay():
    tx = simulate(n_customers=100, n_terminals=200, n_days=10, seed=0, label_delay_days=3).transactions
    assert ((tx.label_time - tx.time) == 3 * DAY).all()
    tx0 = simulate(n_customers=100, n_terminals=200, n_days=10, seed=0, label_delay_days=0).transactions
    assert (tx0.label_time == tx0.time).all()


def test_sixty_days_of_three_thousand_customers_take_seconds():
    start = time.perf_counter()
    tx = simulate(n_customers=3000, n_terminals=6000, n_days=60, seed=0).transactions
    elapsed = time.perf_counter() - start
    assert len(tx) > 300_000
    assert elapsed < 20, f"simulating took {elapsed:.1f} s (about 2 s expected on 2 busy cores)"


@pytest.mark.parametrize("kwargs, words", [
    ({"n_customers": 0}, "n_customers"), ({"n_days": 2.5}, "n_days"), ({"radius": 0}, "radius"),
    ({"label_delay_days": -1}, "label_delay_days"),
    ({"scenarios": FraudScenarios(card_fraud_share=2)}, "card_fraud_share"),
    ({"spending_change": (10, 0)}, "spending_change"),
])
def test_bad_arguments_get_a_clear_error(kwargs, words):
    with pytest.raises(AisdError, match=words):
        simulate(**{"n_customers": 10, "n_terminals": 10, "n_days": 3, **kwargs})
