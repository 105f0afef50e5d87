"""Classification metrics for rare positives (fraud, abuse, failures), written once for the course.

- ranking quality over all thresholds: :func:`roc_auc`, :func:`average_precision` (PR-AUC);
- at an operating point: :func:`alert_precision_at_k` (an analyst team reviews ``k`` alerts a day),
  :func:`daily_alert_precision`, :func:`recall_at_fpr` (how many positives at a tolerated false-alarm rate);
- capacity: :func:`threshold_for_alert_budget` (a threshold that yields a daily alert budget; what each action
  costs and the allow / step-up / decline bands are card-fraud decisions: :mod:`aisd.fraud.decisions`);
- trust in a number: :func:`calibration_curve` (intervals: :mod:`aisd.toolkit.stats`, the course's one bootstrap);
- drift: :func:`psi`, the population stability index between two samples.

The tests check each against scikit-learn where it has one (``roc_auc_score``,
``average_precision_score``, ``roc_curve``, ``calibration_curve``).

>>> y, s = [0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]
>>> roc_auc(y, s), round(average_precision(y, s), 4), alert_precision_at_k(y, s, k=2)
(0.75, 0.8333, 0.5)
"""
from __future__ import annotations

import numpy as np

from aisd.core.errors import AisdError


def _labels_scores(y_true, scores) -> tuple[np.ndarray, np.ndarray]:
    y, s = np.asarray(y_true), np.asarray(scores, dtype=float)
    if y.ndim != 1 or s.shape != y.shape:
        raise AisdError(f"labels and scores must be two 1-D sequences of the same length, got {y.shape} and {s.shape}")
    if len(y) and not np.isin(y, (0, 1)).all():
        raise AisdError("labels must be 0 (negative) or 1 (positive)")
    if np.isnan(s).any():
        raise AisdError("scores contain NaN: score every example")
    return y.astype(np.int64), s


def _both_classes(y: np.ndarray, what: str) -> None:
    if y.sum() == 0 or y.sum() == len(y):
        raise AisdError(f"{what} needs both positives and negatives; these labels have only "
                        f"{'positives' if len(y) and y.sum() else 'negatives'}")


def _curve(y: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """True and false positives when flagging every score >= each distinct score, highest first."""
    order = np.argsort(-s, kind="stable")
    s, y = s[order], y[order]
    last_of_each = np.r_[np.nonzero(np.diff(s))[0], len(s) - 1]     # the end of each run of equal scores
    tp = np.cumsum(y)[last_of_each]
    fp = (last_of_each + 1) - tp
    return tp, fp, s[last_of_each]


def roc_auc(y_true, scores) -> float:
    """Area under the ROC curve: the chance that a random positive scores above a random negative (ties 1/2).

    >>> roc_auc([0, 1, 0, 1], [0.2, 0.9, 0.5, 0.5])
    0.875
    """
    y, s = _labels_scores(y_true, scores)
    _both_classes(y, "ROC-AUC")
    tp, fp, _ = _curve(y, s)
    tpr, fpr = np.r_[0, tp] / tp[-1], np.r_[0, fp] / fp[-1]
    return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2))      # trapezoids: ties count half


def average_precision(y_true, scores) -> float:
    """PR-AUC as average precision: the precision at each threshold, weighted by the recall it adds.

    A random scorer gets the positive rate (0.0017 on the ULB set), not 0.5: compare with that.

    >>> average_precision([0, 1, 0, 1], [0.1, 0.9, 0.8, 0.3])     # precision 1 at recall 0.5, 2/3 at recall 1
    0.8333333333333333
    """
    y, s = _labels_scores(y_true, scores)
    if y.sum() == 0:
        raise AisdError("average precision needs at least one positive label")
    tp, fp, _ = _curve(y, s)
    precision, recall = tp / (tp + fp), tp / tp[-1]
    return float(np.sum(np.diff(np.r_[0, recall]) * precision))


def alert_precision_at_k(y_true, scores, k: int) -> float:
    """Share of positives among the ``k`` highest scores: the precision of an alert budget of ``k``.

    Divides by ``k`` (a budget left unused by too few examples counts as misses); ties at the cut are
    broken by order of appearance.

    >>> alert_precision_at_k([0, 1, 1, 0, 1], [0.9, 0.8, 0.7, 0.1, 0.05], k=3)
    0.6666666666666666
    """
    y, s = _labels_scores(y_true, scores)
    if not isinstance(k, (int, np.integer)) or k < 1:
        raise AisdError(f"k (the alert budget) must be a whole number >= 1, got {k!r}")
    top = np.argsort(-s, kind="stable")[:k]
    return float(y[top].sum() / k)


def daily_alert_precision(y_true, scores, days, k: int) -> float:
    """Mean over days of the precision of each day's ``k`` top alerts (an analyst team's daily budget).

    >>> daily_alert_precision([1, 0, 0, 1], [0.9, 0.1, 0.8, 0.2], days=[0, 0, 1, 1], k=1)
    0.5
    """
    y, s = _labels_scores(y_true, scores)
    days = np.asarray(days)
    if days.shape != y.shape:
        raise AisdError(f"days must give one day per example ({len(y)}), got {days.shape}")
    if not len(y):
        raise AisdError("daily_alert_precision needs at least one example")
    return float(np.mean([alert_precision_at_k(y[days == d], s[days == d], k) for d in np.unique(days)]))


def recall_at_fpr(y_true, scores, max_fpr: float = 0.01) -> float:
    """The highest recall (true positive rate) of any threshold whose false positive rate is <= ``max_fpr``.

    >>> recall_at_fpr([0, 0, 0, 0, 1, 1], [0.1, 0.2, 0.3, 0.9, 0.8, 0.95], max_fpr=0.25)
    1.0
    >>> recall_at_fpr([0, 0, 0, 0, 1, 1], [0.1, 0.2, 0.3, 0.9, 0.8, 0.95], max_fpr=0.0)
    0.5
    """
    y, s = _labels_scores(y_true, scores)
    _both_classes(y, "recall at a false positive rate")
    if not 0 <= max_fpr <= 1:
        raise AisdError(f"max_fpr must be in [0, 1], got {max_fpr!r}")
    tp, fp, _ = _curve(y, s)
    tpr, fpr = np.r_[0, tp] / tp[-1], np.r_[0, fp] / fp[-1]
    return float(tpr[fpr <= max_fpr].max())


def calibration_curve(y_true, probs, n_bins: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """``(observed positive rate, mean predicted probability)`` per equal-width bin of [0, 1], empty bins left
    out: a calibrated model lies on the diagonal. Same bins as scikit-learn's ``calibration_curve``.

    >>> observed, predicted = calibration_curve([0, 0, 1, 1], [0.1, 0.2, 0.7, 0.9], n_bins=2)
    >>> observed.tolist(), predicted.tolist()
    ([0.0, 1.0], [0.15000000000000002, 0.8])
    """
    y, p = _labels_scores(y_true, probs)
    if len(p) and (p.min() < 0 or p.max() > 1):
        raise AisdError("calibration needs probabilities in [0, 1] (use predict_proba, not a raw score)")
    if not isinstance(n_bins, (int, np.integer)) or n_bins < 1:
        raise AisdError(f"n_bins must be a whole number >= 1, got {n_bins!r}")
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    bin_of = np.searchsorted(edges[1:-1], p, side="left")       # bins (a, b], the first one [0, b]
    count = np.bincount(bin_of, minlength=n_bins)
    positives = np.bincount(bin_of, weights=y, minlength=n_bins)
    predicted = np.bincount(bin_of, weights=p, minlength=n_bins)
    full = count > 0
    return positives[full] / count[full], predicted[full] / count[full]


def psi(expected, actual, n_bins: int = 10, floor: float = 1e-4) -> float:
    """Population stability index of ``actual`` against ``expected`` (e.g. this week's feature vs training's).

    Bins at the quantiles of ``expected``; PSI = sum over bins of (a - e) * ln(a / e) with the shares of each
    sample per bin (floored at ``floor`` so an empty bin does not give infinity). Common reading: below 0.1
    stable, 0.1-0.25 a moderate shift worth a look, above 0.25 a major shift.

    Reference answer of notebook 04, exercise ``ex_psi``.

    >>> psi([1, 2, 3, 4] * 25, [1, 2, 3, 4] * 25)
    0.0
    >>> round(psi([0] * 50 + [1] * 50, [0] * 20 + [1] * 80, n_bins=2), 4)
    0.4159
    """
    e, a = np.asarray(expected, dtype=float), np.asarray(actual, dtype=float)
    if e.ndim != 1 or a.ndim != 1 or not len(e) or not len(a):
        raise AisdError("psi needs two non-empty 1-D samples")
    if np.isnan(e).any() or np.isnan(a).any():
        raise AisdError("psi: the samples contain NaN; fill or drop missing values first")
    inner = np.unique(np.quantile(e, np.linspace(0, 1, n_bins + 1)[1:-1]))
    e_share = np.bincount(np.searchsorted(inner, e, side="right"), minlength=len(inner) + 1) / len(e)
    a_share = np.bincount(np.searchsorted(inner, a, side="right"), minlength=len(inner) + 1) / len(a)
    e_share, a_share = np.maximum(e_share, floor), np.maximum(a_share, floor)
    return float(np.sum((a_share - e_share) * np.log(a_share / e_share)))


def threshold_for_alert_budget(scores, days, alerts_per_day: float) -> float:
    """The lowest threshold whose alerts (scores >= it) average at most ``alerts_per_day`` over the days given.

    A real-time system cannot sort a day before it ends: it needs a threshold, set on past days, that
    yields about the budget. Candidates: every distinct score, and ``inf`` (no alert) when even the
    highest score would flag too many.

    Reference answer of notebook 04, exercise ``ex_threshold_for_alert_budget``.

    >>> threshold_for_alert_budget([0.9, 0.8, 0.7, 0.6, 0.5, 0.4], days=[0, 0, 0, 1, 1, 1], alerts_per_day=1.5)
    0.7
    """
    s, days = np.asarray(scores, dtype=float), np.asarray(days)
    if s.ndim != 1 or days.shape != s.shape or not len(s):
        raise AisdError(f"scores and days must be two non-empty 1-D sequences of the same length, got {s.shape} and {days.shape}")
    if np.isnan(s).any():
        raise AisdError("scores contain NaN: score every example")
    if not alerts_per_day >= 0:
        raise AisdError(f"alerts_per_day must be >= 0, got {alerts_per_day!r}")
    allowed = alerts_per_day * len(np.unique(days))
    s_sorted = np.sort(s)[::-1]
    last_of_each = np.r_[np.nonzero(np.diff(s_sorted))[0], len(s) - 1]
    fits = (last_of_each + 1) <= allowed + 1e-9
    return float(s_sorted[last_of_each][fits][-1]) if fits.any() else float("inf")
