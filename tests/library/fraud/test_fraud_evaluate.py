"""Notebook 04's evaluation (aisd.fraud.evaluate): the fast PR-AUC against scikit-learn, intervals that resample
incidents, paired differences, the held-out table, daily PSI, selective labels, and the stored seed runs."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import average_precision_score, roc_auc_score

from aisd.core.errors import AisdError
from aisd.fraud import decisions as DE
from aisd.fraud import evaluate as E
from aisd.fraud.features import batch_features
from aisd.fraud.precompute import SEEDS, SEEDS_FILE
from aisd.fraud.simulate import FraudScenarios, simulate


@pytest.fixture(scope="module")
def tx():
    return simulate(n_customers=200, n_terminals=150, n_days=30, seed=2,
                    scenarios=FraudScenarios(compromised_terminals_per_day=3)).transactions


def test_average_precision_of_ranks_is_scikit_learns():
    rng = np.random.default_rng(0)
    for _ in range(20):
        y = (rng.random(500) < 0.1).astype(int)
        y[0] = 1
        s = np.round(rng.random(500) + 0.5 * y, 2)                  # ties
        assert E.average_precision_of_ranks(y, E.score_ranks(s)) == pytest.approx(average_precision_score(y, s))
    with pytest.raises(AisdError):
        E.average_precision_of_ranks([0, 0], [0, 1])


def test_incidents_widen_the_interval(tx):
    """A terminal's frauds resampled together: the interval is wider than resampling payments one by one."""
    tx = tx[tx.day < 15]
    y = tx.is_fraud.to_numpy()
    s = np.where(tx.fraud_scenario == 2, np.random.default_rng(1).random(len(tx)) > 0.5, y * 0.3) + \
        np.random.default_rng(2).random(len(tx)) * 0.5
    clusters = E.incident_clusters(tx)
    assert (clusters[tx.fraud_scenario.to_numpy() == 2] < 0).all()
    by_incident = E.pr_auc_interval(y, s, clusters, resamples=200)
    by_payment = E.pr_auc_interval(y, s, resamples=200)
    assert by_incident.estimate == pytest.approx(average_precision_score(y, s))
    assert by_incident.high - by_incident.low > by_payment.high - by_payment.low
    d = E.paired_pr_auc(y, s, s, clusters, resamples=100)
    assert d.estimate == 0 and d.low == 0 == d.high
    with pytest.raises(AisdError, match="columns"):
        E.incident_clusters(tx.drop(columns="terminal_id"))


def test_paired_cost_per_day_sign():
    d = E.paired_cost_per_day([0, 0, 0, 0], [1, 1, 1, 1], [0, 0, 1, 1], [0, 1, 2, 3], resamples=100)
    assert d.estimate == -2.0 and d.high < 0


def test_heldout_table_and_daily_psi(tx):
    y, s = tx.is_fraud.to_numpy(), tx.amount.to_numpy() / tx.amount.max()
    t = E.heldout_table(y, {"amount": s}, tx.day, 5, tx.amount, {"amount": (0.5, 0.9)}, DE.ActionCosts(),
                        clusters=E.incident_clusters(tx), resamples=50)
    assert t.loc["amount", "ROC-AUC"] == pytest.approx(roc_auc_score(y, s))
    assert t.loc["amount", "cost/day"] == pytest.approx(
        DE.bands_cost(y, s, tx.amount, 0.5, 0.9, DE.ActionCosts()) / tx.day.nunique())
    f = batch_features(tx)
    psi = E.daily_psi(f[tx.day < 15], f[tx.day >= 15], tx.day[tx.day >= 15], ["amount"])
    assert list(psi.index) == list(range(15, 30)) and (psi["amount"] < 0.1).all()
    with pytest.raises(AisdError):
        E.daily_psi(f, f, [0], ["amount"])


def test_selective_labels_bias_and_an_unbiased_holdout():
    rng = np.random.default_rng(4)
    y = (rng.random(40_000) < 0.02).astype(int)
    s = rng.random(40_000) + 0.8 * y
    actions = DE.bands(s, 0.9, 1.2)
    got = E.selective_labels(y, actions, holdout_share=0.01, draws=300)
    assert got["labelled_only"] < got["truth"] - 0.1            # the declined frauds vanish from the count
    assert abs(got["holdout_mean"] - got["truth"]) < 0.03        # the holdout centres on the truth
    assert got["holdout"].low <= got["holdout"].estimate <= got["holdout"].high
    with pytest.raises(AisdError):
        E.selective_labels(y, actions, holdout_share=0)


def test_the_stored_seed_runs_cover_every_seed_and_model():
    table = E.seed_table(SEEDS_FILE)
    assert sorted(table.seed.unique()) == list(SEEDS)
    assert (table.groupby("seed").model.nunique() == 4).all()
    assert ((table.pr_auc_low <= table.pr_auc) & (table.pr_auc <= table.pr_auc_high)).all()
    assert (table.bands_cost_per_day < table.nothing_cost_per_day).all()
    with pytest.raises(AisdError, match="precompute 04 seeds"):
        E.seed_table(SEEDS_FILE.with_name("missing.csv"))
