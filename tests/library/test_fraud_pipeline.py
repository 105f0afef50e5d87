"""Notebook 04's pipeline pieces: terminal risk against a brute-force oracle, the thresholds against brute force and
scikit-learn, the fast bootstrap against the plain one, the registry's versions and checksums, daily PSI."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import average_precision_score, roc_auc_score

from aisd import classification as C
from aisd.errors import AisdError
from aisd.fraud import pipeline as P
from aisd.fraud.features import DAY, batch_features, terminal_risk
from aisd.fraud.leakage import leaking_columns
from aisd.fraud.registry import Registry
from aisd.fraud.simulate import FraudScenarios, simulate


@pytest.fixture(scope="module")
def tx():
    return simulate(n_customers=200, n_terminals=150, n_days=30, seed=2,
                    scenarios=FraudScenarios(compromised_terminals_per_day=3)).transactions


def test_terminal_risk_matches_a_brute_force_definition(tx):
    rows = tx.sample(300, random_state=0)
    got = terminal_risk(tx, 7)
    for i, row in rows.iterrows():
        same = tx[(tx.terminal_id == row.terminal_id) & (tx.label_time >= row.time - 7 * DAY) & (tx.label_time < row.time)]
        want = same.is_fraud.mean() if len(same) else 0.0
        assert got[i] == pytest.approx(want), f"row {i}"


def test_terminal_risk_is_point_in_time_order_free_and_what_batch_features_uses(tx):
    shuffled = tx.sample(frac=1.0, random_state=3)
    assert terminal_risk(shuffled, 7).reindex(tx.index).equals(terminal_risk(tx, 7))
    assert leaking_columns(lambda t: terminal_risk(t, 7).to_frame(), tx) == {}
    assert np.allclose(batch_features(tx)["terminal_risk_30d"], terminal_risk(tx, 30))
    with pytest.raises(AisdError, match="lack the columns"):
        terminal_risk(tx.drop(columns="label_time"), 7)
    with pytest.raises(AisdError, match="windows"):
        terminal_risk(tx, 0)


def _brute_cost_threshold(y, s, a, costs):
    best, best_cost = math.inf, C.expected_cost(y, s, math.inf, costs, a)
    for t in sorted(set(s), reverse=True):
        c = C.expected_cost(y, s, t, costs, a)
        if c < best_cost - 1e-9:
            best, best_cost = t, c
    return best


def test_choose_cost_threshold_is_the_cheapest_and_the_highest_among_ties():
    rng = np.random.default_rng(0)
    for _ in range(40):
        y = (rng.random(30) < 0.3).astype(int)
        s, a = np.round(rng.random(30), 1), np.round(rng.uniform(1, 50, 30), 2)
        costs = C.Costs(0, float(rng.integers(1, 10)), float(rng.integers(0, 20)))
        assert C.choose_cost_threshold(y, s, a, costs) == _brute_cost_threshold(y, s, a, costs)
    t, cost = C.cost_optimal_threshold([1, 0, 1, 0], [0.9, 0.8, 0.2, 0.1], C.Costs(100, 5, 10))
    assert (t, cost) == (0.2, 25.0)


def test_threshold_for_alert_budget_against_brute_force():
    rng = np.random.default_rng(1)
    for _ in range(40):
        s, d = np.round(rng.random(50), 2), rng.integers(0, 5, 50)
        k = float(rng.integers(0, 15))
        allowed = k * len(np.unique(d))
        fits = [t for t in set(s) if (s >= t).sum() <= allowed]
        assert C.threshold_for_alert_budget(s, d, k) == (min(fits) if fits else math.inf)
    with pytest.raises(AisdError):
        C.threshold_for_alert_budget([0.1, float("nan")], [0, 0], 1)
    with pytest.raises(AisdError):
        C.threshold_for_alert_budget([0.1], [0, 1], 1)


def test_fast_bootstrap_agrees_with_the_plain_one_and_scikit_learn():
    rng = np.random.default_rng(2)
    y = (rng.random(3000) < 0.05).astype(int)
    s = np.round(rng.random(3000) + 0.6 * y, 2)
    for metric, plain, oracle in (("pr_auc", C.average_precision, average_precision_score),
                                  ("roc_auc", C.roc_auc, roc_auc_score)):
        fast = P.bootstrap_ranking_ci(y, s, metric, n_resamples=400)
        slow = C.bootstrap_ci(plain, y, s, n_resamples=400)
        assert fast.value == pytest.approx(oracle(y, s))
        assert abs(fast.low - slow.low) < 0.02 and abs(fast.high - slow.high) < 0.02, (metric, fast, slow)
    with pytest.raises(AisdError):
        P.bootstrap_ranking_ci(y, s, "accuracy")


def test_heldout_table_and_daily_psi_shapes(tx):
    y, s = tx.is_fraud.to_numpy(), tx.amount.to_numpy() / tx.amount.max()
    t = P.heldout_table(y, {"amount": s}, tx.day, 5, tx.amount, {"amount": 0.5}, P.PAYMENTS.costs, n_resamples=50)
    assert t.loc["amount", "ROC-AUC"] == pytest.approx(roc_auc_score(y, s))
    f = batch_features(tx)
    psi = P.daily_psi(f[tx.day < 15], f[tx.day >= 15], tx.day[tx.day >= 15], ["amount"])
    assert list(psi.index) == list(range(15, 30)) and (psi["amount"] < 0.1).all()
    with pytest.raises(AisdError):
        P.daily_psi(f, f, [0], ["amount"])


def test_fit_and_score_and_latency(tx):
    f = batch_features(tx)
    models, scores, seconds = P.fit_and_score({"lr": P.fraud_models()["logistic regression"]}, f, tx.is_fraud, {"all": f})
    assert scores["lr"]["all"].shape == (len(f),) and seconds["lr"] > 0
    ms = P.scoring_latency(models["lr"], f, np.full(len(f), 1e-4), n=10)
    assert len(ms) == 10 and (ms > 0.1).all()
    with pytest.raises(AisdError):
        P.fit_and_score({}, f, np.zeros(len(f)), {})


def test_registry_versions_champion_and_checksum(tmp_path):
    reg = Registry(tmp_path / "reg")
    assert reg.register("m", {"a": 1}, {"pr_auc": 0.5}, (0, 10), ["x"]) == 1
    assert reg.register("m", {"a": 2}, {"pr_auc": 0.6}, (5, 15), ["x"]) == 2
    with pytest.raises(AisdError, match="no champion"):
        reg.champion("m")
    reg.promote("m", 2)
    model, card = reg.champion("m")
    assert model == {"a": 2} and card["data_window"] == [5, 15]
    assert reg.table("m")["champion"].tolist() == [False, True]
    (tmp_path / "reg" / "m" / "v1" / "model.pkl").write_bytes(b"tampered")
    with pytest.raises(AisdError, match="changed"):
        reg.load("m", 1)
    with pytest.raises(AisdError, match="no version"):
        reg.load("m", 9)
    with pytest.raises(AisdError, match="model name"):
        reg.register("../x", {}, {}, (), [])


def test_requirements_and_design():
    assert P.PAYMENTS.table().loc["alert_budget_share", "value"] == 0.013
    from aisd.design import review
    assert review(P.design()) == []
    assert sorted(P.quiz_fraud()) == ["q1", "q2", "q3", "q4"]
    assert isinstance(P.PAYMENTS.table(), pd.DataFrame)
