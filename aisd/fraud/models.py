"""The candidate models of notebook 04, trained and scored with bounded threads, and the latency of one scoring call.

Every model is trained with its native thread pools limited to :data:`THREADS` (one by default): on two
shared cores, scikit-learn's gradient boosting with many threads ran 30-70x slower than with one
(measured in the groundwork session), and Binder has one CPU.

>>> len(fraud_models())
4
"""
from __future__ import annotations

import os
import time as clock

import numpy as np
import pandas as pd

from aisd.core.errors import AisdError

THREADS = int(os.environ.get("AISD_FRAUD_THREADS", "1"))


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
