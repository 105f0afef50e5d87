"""Point-in-time features (aisd.fraud.features, .store, .leakage): right by hand, blind to the future (and the
leakage check catches features that are not), and the same online as in batch (no training/serving skew)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aisd.core.errors import AisdError
from aisd.fraud.features import DAY, batch_features, feature_names, online_features, window_stats
from aisd.fraud.leakage import LeakageError, assert_point_in_time, leaking_columns
from aisd.fraud.simulate import FraudScenarios, simulate
from aisd.fraud.store import MemoryStore, SQLiteStore, replay


@pytest.fixture(scope="module")
def tx():
    return simulate(n_customers=300, n_terminals=300, n_days=40, seed=5, label_delay_days=7,
                    scenarios=FraudScenarios(compromised_terminals_per_day=3)).transactions


def frame(rows):
    """Transactions from (time in days, customer, terminal, amount, is_fraud), labels known 7 days later."""
    df = pd.DataFrame(rows, columns=["time", "customer_id", "terminal_id", "amount", "is_fraud"])
    df["time"] = (df["time"] * DAY).round().astype(np.int64)
    df["label_time"] = df["time"] + 7 * DAY
    return df


def test_window_stats_counts_strictly_before_and_within_the_window():
    times, values = np.array([0, 5, 10, 10, 20]), np.array([1, 2, 3, 4, 5])
    count, total = window_stats(times, values, np.array([10, 11, 20, 31]), window=10)
    assert count.tolist() == [2, 3, 2, 0], "events at the query time itself, or older than the window, must not count"
    assert total.tolist() == [3, 9, 7, 0]


def test_customer_windows_by_hand():
    f = batch_features(frame([(0.0, 1, 9, 10.0, 0), (0.5, 1, 9, 30.0, 0), (2.0, 1, 9, 50.0, 0), (2.1, 2, 9, 7.0, 0)]))
    assert f["customer_nb_tx_1d"].tolist() == [0, 1, 0, 0]
    assert f["customer_mean_amount_1d"].tolist() == [0.0, 10.0, 0.0, 0.0]
    assert f["customer_nb_tx_7d"].tolist() == [0, 1, 2, 0]
    assert f["customer_mean_amount_7d"].tolist() == [0.0, 10.0, 20.0, 0.0]
    assert f["amount_over_customer_mean"].tolist() == [1.0, 3.0, 2.5, 1.0]
    assert f["terminal_nb_tx_1d"].tolist() == [0, 1, 0, 1]


def test_terminal_risk_uses_only_labels_already_known():
    # a fraud at terminal 9 on day 0: its label is known on day 7
    f = batch_features(frame([(0.0, 1, 9, 10.0, 1), (3.0, 2, 9, 10.0, 0), (7.5, 3, 9, 10.0, 0), (40.0, 4, 9, 10.0, 0)]))
    assert f["terminal_risk_30d"].tolist() == [0.0, 0.0, 1.0, 0.0], \
        "day 3: no label known yet; day 7.5: the fraud's label (known on day 7); day 40: the labels known on " \
        "days 10 and 14.5 (both genuine), the fraud's has left the 30-day window"
    assert f["terminal_risk_1d"].tolist() == [0.0, 0.0, 1.0, 0.0]


def test_the_features_keep_the_index_and_the_columns_of_the_frame(tx):
    shuffled = tx.sample(frac=1.0, random_state=0)
    f = batch_features(shuffled)
    assert list(f.columns) == feature_names() and f.index.equals(shuffled.index)
    pd.testing.assert_frame_equal(f.loc[tx.index], batch_features(tx), check_exact=True)


def test_the_features_use_nothing_from_the_future(tx):
    assert leaking_columns(batch_features, tx, n_cutoffs=8) == {}
    assert_point_in_time(batch_features, tx)


def risk_by_transaction_time(t: pd.DataFrame) -> pd.DataFrame:
    """Leaky: the terminal's fraud rate over the 7 days before, ignoring that those labels are not known yet."""
    out = []
    for _, g in t.sort_values("time").groupby("terminal_id"):
        s = pd.Series(g["is_fraud"].to_numpy(float), index=pd.to_datetime(g["time"], unit="s"))
        out.append(pd.Series(s.rolling("7D", closed="left").mean().fillna(0).to_numpy(), index=g.index))
    return pd.concat(out).rename("terminal_risk_7d").to_frame().loc[t.index]


def customer_mean_over_all_days(t: pd.DataFrame) -> pd.DataFrame:
    """Leaky: the customer's mean amount over the whole data set (tomorrow's transactions included)."""
    return t.groupby("customer_id")["amount"].transform("mean").rename("customer_mean_amount").to_frame()


def with_own_label(t: pd.DataFrame) -> pd.DataFrame:
    """Leaky: the point-in-time features plus the transaction's own label, which is unknown when it is scored."""
    f = batch_features(t)
    f["terminal_risk_7d"] = f["terminal_risk_7d"] + t["is_fraud"]
    return f


@pytest.mark.parametrize("leaky, column", [
    (risk_by_transaction_time, "terminal_risk_7d"),
    (customer_mean_over_all_days, "customer_mean_amount"),
    (with_own_label, "terminal_risk_7d"),
])
def test_the_leakage_check_catches_a_feature_that_uses_the_future(tx, leaky, column):
    changed = leaking_columns(leaky, tx, n_cutoffs=3)
    assert column in changed and changed[column] > 0, f"{leaky.__name__} leaks but was not caught"
    with pytest.raises(LeakageError, match=column):
        assert_point_in_time(leaky, tx, n_cutoffs=3)


def test_the_leakage_check_allows_the_transactions_own_amount(tx):
    assert leaking_columns(lambda t: t[["amount"]], tx) == {}


@pytest.mark.parametrize("store", [MemoryStore, SQLiteStore])
def test_online_features_equal_batch_features_on_the_same_stream(tx, store):
    """No training/serving skew: replaying the stream through the online store gives the batch features."""
    part = tx[tx.day < 12]
    online, seconds = replay(part, store())
    pd.testing.assert_frame_equal(online, batch_features(part), check_exact=True)
    assert (seconds > 0).all() and len(seconds) == len(part)


def test_a_warmed_up_replay_scores_only_the_later_transactions_and_equally(tx):
    part = tx[tx.day < 12]
    online, seconds = replay(part, MemoryStore(), score_from=10 * DAY)
    later = part[part.time >= 10 * DAY]
    assert online.index.equals(later.index) and len(seconds) == len(later)
    pd.testing.assert_frame_equal(online, batch_features(part).loc[later.index], check_exact=True)


def test_replay_is_indifferent_to_the_order_of_the_frame(tx):
    part = tx[tx.day < 5].sample(frac=1.0, random_state=1)
    online, _ = replay(part, MemoryStore())
    pd.testing.assert_frame_equal(online, batch_features(part), check_exact=True)


def test_an_online_store_does_not_serve_a_label_before_it_is_known():
    store = MemoryStore()
    fraud = {"time": 0, "customer_id": 1, "terminal_id": 9, "amount": 10.0}
    store.record_transaction(fraud)
    later = {"time": 3 * DAY, "customer_id": 2, "terminal_id": 9, "amount": 10.0}
    assert online_features(later, store)["terminal_risk_7d"] == 0.0
    store.record_label(9, 7 * DAY, 1)          # the dispute arrives on day 7
    assert online_features(later, store)["terminal_risk_7d"] == 0.0, "a label from day 7 was used on day 3"
    assert online_features({**later, "time": 8 * DAY}, store)["terminal_risk_7d"] == 1.0


def test_stores_keep_late_events_in_order():
    for store in (MemoryStore(), SQLiteStore()):
        for t in (30, 10, 20):
            store.add("customer_tx", 1, t, t)
        times, values = store.history("customer_tx", 1, since=0, until=100)
        assert times.tolist() == [10, 20, 30] and values.tolist() == [10, 20, 30]
        assert len(store) == 3


def test_bad_inputs_get_clear_errors(tx):
    with pytest.raises(AisdError, match="label_time"):
        batch_features(tx.drop(columns="label_time"))
    with pytest.raises(AisdError, match="before its transaction"):
        batch_features(tx.assign(label_time=tx.time - 1))
    with pytest.raises(AisdError, match="windows"):
        batch_features(tx, windows=(0, 7))
    with pytest.raises(AisdError, match="unknown stream"):
        MemoryStore().history("customers", 1, 0, 1)
    with pytest.raises(AisdError, match="is_fraud"):
        replay(tx.drop(columns="is_fraud"), MemoryStore())
    with pytest.raises(AisdError, match="at least two"):
        leaking_columns(batch_features, tx.head(1))


def test_a_sqlite_store_in_a_file_keeps_its_events(tmp_path):
    store = SQLiteStore(tmp_path / "online.sqlite", commit_every=2)
    for t in range(5):
        store.record_transaction({"time": t, "customer_id": 1, "terminal_id": 2, "amount": 1.25})
    store.close()
    again = SQLiteStore(tmp_path / "online.sqlite")
    assert again.history("customer_tx", 1, since=0, until=10)[1].tolist() == [125] * 5 and len(again) == 10
