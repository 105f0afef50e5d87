"""Notebook 04's pipeline pieces: the requirements as data, the design, the models, the held-out table,
drift per day and serving latency. Long computations live here so the notebook's cells stay short.

Every model is trained with its native thread pools limited to :data:`THREADS` (one by default): on two
shared cores, scikit-learn's gradient boosting with many threads ran 30-70x slower than with one
(measured in the groundwork session), and Binder has one CPU.

>>> PAYMENTS.label_delay_days, PAYMENTS.costs.per_alert
(7, 5.0)
>>> len(fraud_models())
4
"""
from __future__ import annotations

import os
import time as clock
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from aisd.toolkit.classification import (Costs, Interval, average_precision, daily_alert_precision, expected_cost, psi,
                              recall_at_fpr, roc_auc)
from aisd.toolkit.design import Design
from aisd.core.errors import AisdError

THREADS = int(os.environ.get("AISD_FRAUD_THREADS", "1"))


@dataclass(frozen=True)
class FraudRequirements:
    """What the card issuer asked for (section 1 of the notebook)."""
    transactions_per_day: int = 4_000_000          # the real issuer, for estimates
    peak_factor: float = 3.0                       # Black Friday evening vs the daily mean
    scoring_p99_budget_ms: float = 50.0            # of the ~300 ms the card network allows an authorisation
    label_delay_days: int = 7                      # a dispute (chargeback) takes about a week to arrive
    alert_budget_share: float = 0.013              # analysts review at most 1.3 % of transactions
    costs: Costs = field(default_factory=lambda: Costs(fraud_loss=0.0, per_alert=5.0, per_false_decline=10.0))
    max_feature_psi: float = 0.25                  # drift alarm: a "major shift" in an input feature
    retrain_every_days: int = 7

    def table(self) -> pd.DataFrame:
        """The requirements as a two-column table.

        >>> FraudRequirements().table().loc["label_delay_days", "value"]
        7
        """
        rows = {k: v for k, v in asdict(self).items() if k != "costs"}
        rows.update({f"cost: {k}": v for k, v in asdict(self.costs).items() if k != "fraud_loss"})
        rows["cost: missed fraud"] = "its amount"
        return pd.DataFrame({"value": pd.Series(rows, dtype=object)})


PAYMENTS = FraudRequirements()


def design() -> Design:
    """The fraud pipeline as data: real-time scoring, the feature stores, training, labels and monitoring.

    >>> from aisd.toolkit.design import review
    >>> review(design())
    []
    """
    nodes = {
        "terminal": ("client", "card terminal / checkout app"),
        "auth": ("service", "authorisation service"),
        "online": ("storage", "online feature store (Redis / SQLite)"),
        "model": ("model", "fraud classifier (LR / gradient boosting)"),
        "bands": ("service", "decision service: allow / step-up / decline"),
        "analysts": ("human", "fraud analysts (alert budget)"),
        "log": ("storage", "transaction log"),
        "labels": ("evaluation", "labels: chargebacks + analyst reviews (7-day delay)"),
        "batch": ("service", "batch feature pipeline (point-in-time)"),
        "train": ("service", "training job (time split, tuning window)"),
        "registry": ("storage", "model registry (versions, metrics, data window)"),
        "monitor": ("monitoring", "monitoring: PSI drift, alert rate, latency p99"),
    }
    edges = [("terminal", "auth", "transaction"), ("auth", "online", "lookup"), ("online", "model", "features"),
             ("auth", "model"), ("model", "bands", "score"), ("bands", "auth", "decision"), ("auth", "terminal", "approve / decline"),
             ("bands", "analysts", "alerts"), ("auth", "log"), ("log", "online", "update"),
             ("analysts", "labels"), ("log", "batch"), ("labels", "batch"), ("batch", "train", "features"),
             ("train", "registry", "model + metrics"), ("registry", "model", "champion"),
             ("log", "monitor"), ("bands", "monitor"), ("monitor", "train", "retrain")]
    return Design(nodes=nodes, edges=edges)


def fraud_models(seed: int = 0) -> dict:
    """The candidates, untrained: logistic regression three ways (plain, class weights, undersampled
    negatives with imbalanced-learn) and regularised gradient-boosted trees.

    The trees are regularised (small leaves forbidden, L2 penalty, 0.05 learning rate): scikit-learn's
    defaults overfit the ULB set's 360 training frauds (ROC-AUC 0.85 measured, against 0.99 regularised).

    >>> list(fraud_models())
    ['logistic regression', 'logistic + class weights', 'logistic + undersampling 1:10', 'gradient boosting']
    """
    from imblearn.pipeline import make_pipeline as imb_pipeline
    from imblearn.under_sampling import RandomUnderSampler
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return {
        "logistic regression": make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)),
        "logistic + class weights": make_pipeline(StandardScaler(),
                                                  LogisticRegression(max_iter=2000, class_weight="balanced")),
        "logistic + undersampling 1:10": imb_pipeline(StandardScaler(),
                                                      RandomUnderSampler(sampling_strategy=0.1, random_state=seed),
                                                      LogisticRegression(max_iter=2000)),
        "gradient boosting": HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, max_leaf_nodes=15,
                                                            min_samples_leaf=50, l2_regularization=1.0,
                                                            early_stopping=False, random_state=seed),
    }


def fit_and_score(models: dict, X_train, y_train, to_score: dict) -> tuple[dict, dict, dict]:
    """Fit every model on the training rows, score every frame of ``to_score`` (fraud probability).

    Returns ``(fitted models, {model: {split: scores}}, {model: seconds to fit})``; threads limited to
    :data:`THREADS`.

    >>> rng = np.random.default_rng(0); X = rng.normal(size=(400, 3)); y = (X[:, 0] > 1.5).astype(int)
    >>> fitted, scores, seconds = fit_and_score({"lr": fraud_models()["logistic regression"]}, X, y, {"test": X})
    >>> scores["lr"]["test"].shape
    (400,)
    """
    from threadpoolctl import threadpool_limits

    y_train = np.asarray(y_train)
    if y_train.sum() == 0 or y_train.sum() == len(y_train):
        raise AisdError("fit_and_score: the training rows need both frauds and genuine transactions")
    fitted, scores, seconds = {}, {}, {}
    with threadpool_limits(limits=THREADS):
        for name, model in models.items():
            start = clock.perf_counter()
            model.fit(X_train, y_train)
            seconds[name] = clock.perf_counter() - start
            fitted[name] = model
            scores[name] = {split: model.predict_proba(X)[:, 1] for split, X in to_score.items()}
    return fitted, scores, seconds


def bootstrap_ranking_ci(y_true, scores, metric: str = "pr_auc", n_resamples: int = 1000, confidence: float = 0.95,
                         seed: int = 0) -> Interval:
    """Percentile bootstrap interval of PR-AUC (``"pr_auc"``) or ROC-AUC (``"roc_auc"``), fast on large sets.

    Resampling rows with replacement is the same as giving each row a multinomial count; the rows are sorted
    by score once, and each resample is weighted cumulative sums (no sort per resample): the same numbers as
    :func:`aisd.toolkit.classification.bootstrap_ci` with ``average_precision`` or ``roc_auc``, about 20x faster.

    >>> y = np.array([0, 1] * 50); s = np.array([0.3, 0.6] * 40 + [0.6, 0.3] * 10)
    >>> ci = bootstrap_ranking_ci(y, s, "roc_auc", n_resamples=200)
    >>> ci.low < ci.value == 0.8 < ci.high
    True
    """
    if metric not in ("pr_auc", "roc_auc"):
        raise AisdError(f"metric must be 'pr_auc' or 'roc_auc', got {metric!r}")
    y, s = np.asarray(y_true, dtype=np.int64), np.asarray(scores, dtype=float)
    value = average_precision(y, s) if metric == "pr_auc" else roc_auc(y, s)
    order = np.argsort(-s, kind="stable")
    y, s = y[order], s[order]
    ends = np.r_[np.nonzero(np.diff(s))[0], len(s) - 1]          # the last row of each run of equal scores
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(n_resamples):
        w = np.bincount(rng.integers(0, len(y), len(y)), minlength=len(y))
        tp, fp = np.cumsum(w * y)[ends], np.cumsum(w * (1 - y))[ends]
        if tp[-1] == 0 or (metric == "roc_auc" and fp[-1] == 0):
            continue
        if metric == "pr_auc":
            keep = (tp + fp) > 0
            recall = tp[keep] / tp[-1]
            values.append(float(np.sum(np.diff(np.r_[0, recall]) * tp[keep] / (tp + fp)[keep])))
        else:
            tpr, fpr = np.r_[0, tp] / tp[-1], np.r_[0, fp] / fp[-1]
            values.append(float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2)))
    if len(values) < 0.9 * n_resamples:
        raise AisdError("the metric was undefined on more than 10 % of the resamples (too few positives?)")
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return Interval(float(value), float(low), float(high), confidence, len(values))


def heldout_table(y, scores: dict, days, alerts_per_day: int, amounts, thresholds: dict, costs: Costs,
                  n_resamples: int = 500) -> pd.DataFrame:
    """One row per model on held-out data: ROC-AUC, PR-AUC with a bootstrap 95 % interval, daily precision
    at the alert budget, recall at 1 % false positives, and the cost per day at the threshold each model
    got on the tuning window.

    >>> y = np.array([0, 1] * 50); s = np.linspace(0, 1, 100) * (0.5 + y)
    >>> t = heldout_table(y, {"m": s}, np.zeros(100), 5, np.full(100, 10.0), {"m": 0.5}, Costs(0, 1, 1), 50)
    >>> list(t.columns)
    ['ROC-AUC', 'PR-AUC', 'PR-AUC 95% CI', 'precision@budget', 'recall@1%FPR', 'alerts/day', 'cost/day']
    """
    y, days, amounts = np.asarray(y), np.asarray(days), np.asarray(amounts, dtype=float)
    n_days = len(np.unique(days))
    rows = {}
    for name, s in scores.items():
        ci = bootstrap_ranking_ci(y, s, "pr_auc", n_resamples=n_resamples)
        rows[name] = {"ROC-AUC": roc_auc(y, s), "PR-AUC": ci.value, "PR-AUC 95% CI": f"[{ci.low:.3f}, {ci.high:.3f}]",
                      "precision@budget": daily_alert_precision(y, s, days, alerts_per_day),
                      "recall@1%FPR": recall_at_fpr(y, s, 0.01),
                      "alerts/day": float((np.asarray(s) >= thresholds[name]).sum() / n_days),
                      "cost/day": expected_cost(y, s, thresholds[name], costs, amounts) / n_days}
    return pd.DataFrame(rows).T.rename_axis("model")


def daily_psi(reference: pd.DataFrame, stream: pd.DataFrame, days, columns) -> pd.DataFrame:
    """PSI of each feature on each day of ``stream`` against the whole ``reference`` window (training).

    >>> ref = pd.DataFrame({"a": np.arange(100.0)}); new = pd.DataFrame({"a": np.r_[np.arange(50.0), np.arange(50.0) + 80]})
    >>> daily_psi(ref, new, [0] * 50 + [1] * 50, ["a"]).round(2)["a"].tolist()
    [3.8, 7.05]
    """
    days = np.asarray(days)
    if len(days) != len(stream):
        raise AisdError(f"daily_psi: one day per row of the stream ({len(stream)}), got {len(days)}")
    out = {d: {c: psi(reference[c].to_numpy(float), stream[c].to_numpy(float)[days == d]) for c in columns}
           for d in np.unique(days)}
    return pd.DataFrame(out).T.rename_axis("day")


def scoring_latency(model, features: pd.DataFrame, lookup_seconds, n: int = 300, seed: int = 0) -> pd.Series:
    """Milliseconds of one scoring call: the online feature lookup (measured by the replay) plus the model
    scoring that one transaction alone, for ``n`` transactions drawn at random.

    >>> rng = np.random.default_rng(0); X = pd.DataFrame(rng.normal(size=(200, 2)), columns=["a", "b"])
    >>> m = fraud_models()["logistic regression"].fit(X, (X.a > 1).astype(int))
    >>> ms = scoring_latency(m, X, np.full(200, 1e-4), n=20)
    >>> len(ms), bool((ms > 0.1).all())
    (20, True)
    """
    from threadpoolctl import threadpool_limits

    lookup_seconds = np.asarray(lookup_seconds, dtype=float)
    if len(lookup_seconds) != len(features) or not len(features):
        raise AisdError("scoring_latency: one lookup time per row of features, and at least one row")
    rows = np.random.default_rng(seed).choice(len(features), size=min(n, len(features)), replace=False)
    out = []
    with threadpool_limits(limits=THREADS):
        for i in rows:
            one = features.iloc[[i]]
            start = clock.perf_counter()
            model.predict_proba(one)
            out.append((clock.perf_counter() - start + lookup_seconds[i]) * 1000)
    return pd.Series(out, name="ms")


def quiz_fraud() -> dict[str, str]:
    """The self-quiz key.

    Reference answer of notebook 04, exercise ``ex_quiz_fraud``.

    >>> sorted(quiz_fraud())
    ['q1', 'q2', 'q3', 'q4']
    """
    return {"q1": "b", "q2": "c", "q3": "a", "q4": "b"}

