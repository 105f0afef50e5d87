"""Stage two: a learned ranker that orders each user's candidates by the probability that the user
interacts with them next.

It learns on an *earlier* window: candidates and features computed from the ``train`` history, labels
from the ``tuning`` window that followed it (1 if the user interacted with the candidate in that window).
Serving then computes the same features from ``train + tuning`` and ranks; the ``heldout`` window is never
seen while fitting. Gradient-boosted trees (scikit-learn's ``HistGradientBoostingClassifier``) by
default; logistic regression on standardised features as the simple, explainable alternative.

>>> import pandas as pd
>>> pairs = pd.DataFrame({"user": [0, 0, 1, 1], "item": [3, 4, 3, 5]})
>>> label_pairs(pairs, pd.DataFrame({"user": [0, 1], "item": [4, 3]})).tolist()
[0, 1, 1, 0]
>>> rank_lists(pairs, scores=[0.2, 0.9, 0.1, 0.5], k=1)
{0: [4], 1: [5]}
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from aisd.core.errors import AisdError
from aisd.recsys.threads import one_thread


def label_pairs(pairs: pd.DataFrame, window: pd.DataFrame) -> np.ndarray:
    """1 for each (``user``, ``item``) row of ``pairs`` that appears in ``window``, else 0.

    >>> label_pairs(pd.DataFrame({"user": [0], "item": [1]}), pd.DataFrame({"user": [0], "item": [2]})).tolist()
    [0]
    """
    keys = pd.MultiIndex.from_frame(window[["user", "item"]].drop_duplicates())
    return pd.MultiIndex.from_frame(pairs[["user", "item"]]).isin(keys).astype(int)


def sample_negatives(labels: Sequence[int], per_positive: int, seed: int = 0) -> np.ndarray:
    """Row positions to train on: every positive and up to ``per_positive`` random negatives for each
    (candidate pools are mostly negatives: subsampling keeps training fast with little loss).

    >>> sample_negatives([1, 0, 0, 0, 0, 1], per_positive=1).tolist()
    [0, 3, 4, 5]
    """
    labels = np.asarray(labels)
    positives = np.flatnonzero(labels == 1)
    negatives = np.flatnonzero(labels == 0)
    keep = min(len(negatives), per_positive * len(positives))
    chosen = np.random.default_rng(seed).choice(negatives, size=keep, replace=False)
    return np.sort(np.concatenate([positives, chosen]))


def fit_ranker(features: pd.DataFrame, labels: Sequence[int], kind: str = "gbt", seed: int = 0):
    """A fitted scikit-learn classifier (``kind`` "gbt": histogram gradient-boosted trees; "logistic":
    standardised logistic regression) whose ``predict_proba(...)[:, 1]`` scores pairs.

    >>> rng = np.random.default_rng(0)
    >>> x = pd.DataFrame({"a": rng.normal(size=200)}); y = (x["a"] > 0).astype(int)
    >>> float(fit_ranker(x, y, kind="logistic").score(x, y)) > 0.95
    True
    """
    labels = np.asarray(labels)
    if len(features) != len(labels):
        raise AisdError(f"{len(features)} feature rows but {len(labels)} labels")
    if len(set(labels.tolist())) < 2:
        raise AisdError("the labels hold one class only: the window has no positive (or no negative) pair")
    if kind == "gbt":
        from sklearn.ensemble import HistGradientBoostingClassifier
        model = HistGradientBoostingClassifier(max_iter=150, learning_rate=0.08, max_leaf_nodes=31,
                                               early_stopping=False, random_state=seed)
    elif kind == "logistic":
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler
        model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
        features = features.fillna(features.median())
    else:
        raise AisdError(f"kind must be 'gbt' or 'logistic', not {kind!r}")
    with one_thread():
        return model.fit(features, labels)


def score_pairs(model, features: pd.DataFrame) -> np.ndarray:
    """The model's probability of an interaction for each row of ``features``.

    >>> x = pd.DataFrame({"a": [0.0, 1.0, 2.0, 3.0]})
    >>> s = score_pairs(fit_ranker(x, [0, 0, 1, 1], kind="logistic"), x)
    >>> bool(s[3] > s[0])
    True
    """
    if not hasattr(model, "predict_proba"):
        raise AisdError("the ranker must be a fitted classifier with predict_proba")
    if "histgradient" not in type(model).__name__.lower():
        features = features.fillna(features.median())
    with one_thread():
        return model.predict_proba(features)[:, 1]


def rank_lists(pairs: pd.DataFrame, scores: Sequence[float], k: int) -> dict[int, list[int]]:
    """Each user's ``k`` highest-scored candidate items, best first (ties: lower item id first).

    >>> rank_lists(pd.DataFrame({"user": [0, 0], "item": [7, 2]}), [0.5, 0.5], k=2)
    {0: [2, 7]}
    """
    if len(pairs) != len(scores):
        raise AisdError(f"{len(pairs)} pairs but {len(scores)} scores")
    frame = pairs[["user", "item"]].assign(score=np.asarray(scores, dtype=float))
    frame = frame.sort_values(["user", "score", "item"], ascending=[True, False, True], kind="stable")
    return {int(u): g["item"].head(k).astype(int).tolist() for u, g in frame.groupby("user", sort=True)}
