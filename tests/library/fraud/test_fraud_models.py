"""Notebook 04's models and serving pieces: terminal risk against a brute-force oracle, training and scoring with
bounded threads, the latency of one call, and the registry's versions and checksums."""
from __future__ import annotations

import numpy as np
import pytest

from aisd.core.errors import AisdError
from aisd.fraud import models as M
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


def test_fit_and_score_and_latency(tx):
    f = batch_features(tx)
    models, scores, seconds = M.fit_and_score({"lr": M.fraud_models()["logistic regression"]}, f, tx.is_fraud, {"all": f})
    assert scores["lr"]["all"].shape == (len(f),) and seconds["lr"] > 0
    ms = M.scoring_latency(models["lr"], f, np.full(len(f), 1e-4), n=10)
    assert len(ms) == 10 and (ms > 0.1).all()
    with pytest.raises(AisdError):
        M.fit_and_score({}, f, np.zeros(len(f)), {})


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
