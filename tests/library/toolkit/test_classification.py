"""aisd.toolkit.classification: checked against scikit-learn where it has the metric, by hand and by brute force where
it does not (precision@k, recall at a false positive rate, PSI)."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn import calibration, metrics

from aisd.core.errors import AisdError
from aisd.toolkit import classification as C


def cases(n_cases: int = 30):
    """Random labelled scores: rare positives, ties (rounded scores), tiny and larger sets."""
    rng = np.random.default_rng(0)
    for i in range(n_cases):
        n = int(rng.integers(5, 400))
        y = (rng.random(n) < rng.uniform(0.02, 0.5)).astype(int)
        y[0], y[1] = 0, 1
        s = rng.random(n) + y * rng.uniform(0, 1)
        if i % 2:
            s = np.round(s, 1)                     # many ties
        yield y, s


@pytest.mark.parametrize("y, s", list(cases()))
def test_roc_auc_and_average_precision_agree_with_scikit_learn(y, s):
    assert C.roc_auc(y, s) == pytest.approx(metrics.roc_auc_score(y, s), abs=1e-12)
    assert C.average_precision(y, s) == pytest.approx(metrics.average_precision_score(y, s), abs=1e-12)


@pytest.mark.parametrize("y, s", list(cases(10)))
@pytest.mark.parametrize("max_fpr", [0.0, 0.01, 0.1, 0.5])
def test_recall_at_fpr_agrees_with_scikit_learns_roc_curve(y, s, max_fpr):
    fpr, tpr, _ = metrics.roc_curve(y, s, drop_intermediate=False)
    assert C.recall_at_fpr(y, s, max_fpr) == pytest.approx(tpr[fpr <= max_fpr].max())


@pytest.mark.parametrize("n_bins", [2, 5, 10])
def test_calibration_curve_agrees_with_scikit_learn(n_bins):
    rng = np.random.default_rng(1)
    p = np.r_[rng.random(500) ** 2, 0.0, 1.0, 0.5]
    y = (rng.random(len(p)) < p).astype(int)
    got = C.calibration_curve(y, p, n_bins)
    want = calibration.calibration_curve(y, p, n_bins=n_bins)
    np.testing.assert_allclose(got[0], want[0])
    np.testing.assert_allclose(got[1], want[1])


def test_alert_precision_at_k_by_hand():
    y, s = [0, 1, 1, 0, 1], [0.9, 0.8, 0.7, 0.1, 0.05]
    assert [C.alert_precision_at_k(y, s, k) for k in (1, 2, 3, 5, 10)] == [0.0, 0.5, 2 / 3, 0.6, 0.3]
    assert C.alert_precision_at_k([1, 0], [0.5, 0.5], 1) == 1.0, "ties keep the order of appearance"


def test_daily_alert_precision_is_the_mean_over_days():
    y, s, day = [1, 0, 0, 0, 1, 1], [0.9, 0.8, 0.7, 0.9, 0.1, 0.8], [0, 0, 0, 1, 1, 1]
    assert C.daily_alert_precision(y, s, day, k=2) == pytest.approx((0.5 + 0.5) / 2)
    assert C.daily_alert_precision(y, s, day, k=1) == pytest.approx((1 + 0) / 2)


def test_psi_is_zero_for_the_same_sample_and_grows_with_the_shift():
    rng = np.random.default_rng(2)
    base = rng.normal(size=5000)
    assert C.psi(base, base) == 0.0
    assert C.psi(base, rng.normal(size=5000)) < 0.01
    shifts = [C.psi(base, rng.normal(loc=m, size=5000)) for m in (0.1, 0.3, 1.0)]
    assert shifts == sorted(shifts) and shifts[0] < 0.1 and shifts[-1] > 0.25


def test_psi_by_hand():
    e, a = [0] * 50 + [1] * 50, [0] * 20 + [1] * 80
    want = (0.2 - 0.5) * np.log(0.2 / 0.5) + (0.8 - 0.5) * np.log(0.8 / 0.5)
    assert C.psi(e, a, n_bins=2) == pytest.approx(want)
    assert np.isfinite(C.psi([0] * 100, [1] * 100)), "an empty bin must not give infinity"


@pytest.mark.parametrize("call, words", [
    (lambda: C.roc_auc([0, 0], [0.1, 0.2]), "both positives and negatives"),
    (lambda: C.roc_auc([0, 2], [0.1, 0.2]), "0 .negative. or 1"),
    (lambda: C.roc_auc([0, 1], [0.1]), "same length"),
    (lambda: C.roc_auc([0, 1], [0.1, np.nan]), "NaN"),
    (lambda: C.average_precision([0, 0], [0.1, 0.2]), "at least one positive"),
    (lambda: C.alert_precision_at_k([0, 1], [0.1, 0.2], 0), "alert budget"),
    (lambda: C.recall_at_fpr([0, 1], [0.1, 0.2], 2), "max_fpr"),
    (lambda: C.calibration_curve([0, 1], [0.1, 3.0]), "probabilities"),
    (lambda: C.psi([], [1.0]), "non-empty"),
])
def test_bad_inputs_get_clear_errors(call, words):
    with pytest.raises(AisdError, match=words):
        call()
