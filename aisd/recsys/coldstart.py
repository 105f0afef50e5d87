"""Cold start: items nobody has interacted with yet, and users who just arrived.

Collaborative models (ALS, item-kNN) know an item only through its interactions, so a new item gets
no score; content does not need interactions. Two experiments on entities held out *entirely*:

- **new items** (:func:`cold_item_experiment`): a share of the items loses every interaction; the
  models are fitted on the rest; each user who later rated held-out items gets the held-out items
  ranked by content similarity to their history, by ALS with item vectors predicted from content
  (a ridge regression from the MiniLM embedding to the ALS factors learnt on the warm items,
  :func:`content_to_factors`), or at random; the items' real popularity (known only afterwards) is
  shown as a reference that no launch-day system has.
- **new users** (:func:`cold_user_experiment`): a share of the users is removed; each comes back with
  only their first ``n_given`` ratings (an onboarding step) and their age and gender; they get the
  globally popular items, the popular items of their demographic group (:func:`demographic_popularity`),
  ALS folded in from the given ratings, item-kNN or content from the same few ratings.

>>> import pandas as pd
>>> ratings = pd.DataFrame({"user": [0, 0, 1, 2], "item": [0, 1, 1, 2], "timestamp": [1, 2, 3, 4]})
>>> hold_out_items(ratings, fraction=0.5, min_ratings=2).tolist()     # only item 1 has two ratings
[1]
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from aisd.core.errors import AisdError
from aisd.recsys import als as mf
from aisd.recsys.baselines import item_knn_scores, item_popularity, item_similarity, top_k
from aisd.recsys.candidates import user_profiles
from aisd.recsys.data import MovieLens, interaction_matrix, load_movielens
from aisd.recsys.features import ALS_SETTINGS
from aisd.recsys.metrics import evaluate_lists

AGE_BANDS = (0, 18, 25, 35, 45, 50, 56, 200)      # the age groups MovieLens 1M uses


def _check_fraction(fraction: float) -> None:
    if not 0 < fraction < 1:
        raise AisdError(f"fraction must be between 0 and 1; got {fraction}")


def hold_out_items(ratings: pd.DataFrame, fraction: float = 0.1, min_ratings: int = 5, seed: int = 0) -> np.ndarray:
    """A random ``fraction`` of the items with at least ``min_ratings`` ratings, sorted: the "new"
    items of the experiment (so that each has someone to evaluate it on).
    """
    _check_fraction(fraction)
    counts = ratings["item"].value_counts()
    eligible = np.sort(counts[counts >= min_ratings].index.to_numpy())
    n = max(1, int(round(fraction * len(eligible))))
    return np.sort(np.random.default_rng(seed).choice(eligible, size=n, replace=False))


def hold_out_users(ratings: pd.DataFrame, fraction: float = 0.1, seed: int = 0) -> np.ndarray:
    """A random ``fraction`` of the users, sorted: the "new" users of the experiment.

    >>> len(hold_out_users(pd.DataFrame({"user": [0, 1, 2, 3], "item": 0}), fraction=0.5))
    2
    """
    _check_fraction(fraction)
    users = np.sort(ratings["user"].unique())
    n = max(1, int(round(fraction * len(users))))
    return np.sort(np.random.default_rng(seed).choice(users, size=n, replace=False))


def content_to_factors(embeddings: np.ndarray, item_factors: np.ndarray, warm_items: np.ndarray,
                       alpha: float = 1.0) -> np.ndarray:
    """Item vectors for every item predicted from its content: a ridge regression from the
    embedding to the ALS factors, fitted on ``warm_items`` only. A new item gets a vector on day one.

    Reference answer of notebook 09, exercise ``ex_content_to_factors``.

    >>> emb = np.eye(4, dtype="float32"); factors = np.array([[1, 0], [2, 0], [0, 1], [0, 0]], "float32")
    >>> content_to_factors(emb, factors, warm_items=np.array([0, 1, 2]), alpha=1e-6).round(2)[:3].tolist()
    [[1.0, 0.0], [2.0, 0.0], [0.0, 1.0]]
    """
    from sklearn.linear_model import Ridge

    warm_items = np.asarray(warm_items, dtype=int)
    if len(warm_items) < 2:
        raise AisdError("need at least two warm items to learn the content -> factors map")
    model = Ridge(alpha=alpha).fit(embeddings[warm_items], item_factors[warm_items])
    return model.predict(embeddings).astype(np.float32)


def age_band(age: int) -> int:
    """The index of ``age`` in :data:`AGE_BANDS` (0 = under 18, 1 = 18-24, ..., 6 = 56+).

    >>> age_band(17), age_band(18), age_band(30), age_band(60)
    (0, 1, 2, 6)
    """
    return int(np.searchsorted(AGE_BANDS, age, side="right") - 1)


def demographic_popularity(ratings: pd.DataFrame, users: pd.DataFrame, gender: str, age: int, n_items: int,
                           min_group: int = 20) -> np.ndarray:
    """Interactions per item among the users of ``ratings`` with the same gender and age band as the
    newcomer; the global popularity when that group has fewer than ``min_group`` users.

    >>> users = pd.DataFrame({"gender": ["F", "M"], "age": [30, 30]})
    >>> r = pd.DataFrame({"user": [0, 1, 1], "item": [0, 1, 2]})
    >>> demographic_popularity(r, users, "F", 31, n_items=3, min_group=1).tolist()
    [1.0, 0.0, 0.0]
    """
    bands = users["age"].map(age_band)
    group = users.index[(users["gender"] == gender) & (bands == age_band(age))]
    in_group = ratings[ratings["user"].isin(group)]
    if in_group["user"].nunique() < min_group:
        in_group = ratings
    return np.bincount(in_group["item"].to_numpy(), minlength=n_items).astype(float)


def _lists(users: np.ndarray, ids: np.ndarray) -> dict[int, list[int]]:
    return {int(u): row.tolist() for u, row in zip(users, ids)}


def _table(results: dict[str, dict[int, list[int]]], truth: dict, k: int, popularity: np.ndarray,
           n_users: int) -> pd.DataFrame:
    rows = {name: evaluate_lists(recs, truth, k, popularity, n_users) for name, recs in results.items()}
    return pd.DataFrame(rows).T


@dataclass
class ColdItems:
    """New items held out entirely (:func:`cold_items`): the models know nothing of them."""
    cold: np.ndarray                    # the held-out item ids, sorted
    warm_items: np.ndarray              # every other item
    warm: sp.csr_matrix                 # users x items, the cold items' columns empty
    model: mf.ALSModel                  # ALS fitted on ``warm``
    users: np.ndarray                   # the users who rated a cold item (the ones scored)
    truth: dict[int, set[int]]          # user -> the cold items they rated


def cold_items(ml: MovieLens, fraction: float = 0.1, seed: int = 0) -> ColdItems:
    """Hold out a ``fraction`` of the items (:func:`hold_out_items`) with all their interactions and
    fit ALS on the rest.

    >>> setup = cold_items(load_movielens(), seed=0)                                    # doctest: +SKIP
    >>> len(setup.cold), len(setup.users)                                                # doctest: +SKIP
    (135, 925)
    """
    cold = hold_out_items(ml.ratings, fraction, seed=seed)
    is_cold = ml.ratings["item"].isin(cold)
    warm = interaction_matrix(ml.ratings[~is_cold], ml.n_users, ml.n_items)
    truth = {int(u): set(g.tolist()) for u, g in ml.ratings[is_cold].groupby("user")["item"]}
    return ColdItems(cold, np.setdiff1d(np.arange(ml.n_items), cold), warm, mf.fit_als(warm, **ALS_SETTINGS),
                     np.array(sorted(truth)), truth)


def rank_cold(setup: ColdItems, scores: np.ndarray, k: int = 10) -> dict[int, list[int]]:
    """Each scored user's top-``k`` cold items by ``scores`` (users of ``setup`` x its cold items).

    >>> import scipy.sparse as sp
    >>> s = ColdItems(np.array([5, 7]), np.array([0]), sp.csr_matrix((1, 8)), None, np.array([3]), {3: {7}})
    >>> rank_cold(s, np.array([[0.1, 0.9]]), k=1)
    {3: [7]}
    """
    scores = np.asarray(scores)
    if scores.shape != (len(setup.users), len(setup.cold)):
        raise AisdError(f"scores need shape (users, cold items) = {(len(setup.users), len(setup.cold))}; "
                        f"got {scores.shape}")
    return _lists(setup.users, setup.cold[top_k(scores, None, min(k, len(setup.cold)))])


def cold_item_lists(setup: ColdItems, item_vectors: np.ndarray, k: int = 10) -> dict[int, list[int]]:
    """Top-``k`` cold items per user ranked by ALS with the given item vectors (e.g. predicted from
    content by :func:`content_to_factors`): ``user vector . item vector``.
    """
    item_vectors = np.asarray(item_vectors, dtype=np.float32)
    if item_vectors.shape != setup.model.item_factors.shape:
        raise AisdError(f"item vectors need shape {setup.model.item_factors.shape} (one ALS-sized vector per item); "
                        f"got {item_vectors.shape}")
    return rank_cold(setup, setup.model.user_factors[setup.users] @ item_vectors[setup.cold].T, k)


def cold_item_experiment(ml: MovieLens, embeddings: np.ndarray, fraction: float = 0.1, k: int = 10,
                         seed: int = 0, setup: ColdItems | None = None) -> pd.DataFrame:
    """recall@k, NDCG@k, ... of ranking the held-out items for the users who rated them (one row per
    approach); only held-out items are ranked, so popularity among warm items cannot help. Novelty
    and ARP use the items' popularity in the whole data set (the warm log has none for them).

    >>> table = cold_item_experiment(load_movielens(), embeddings)                   # doctest: +SKIP
    >>> table["recall@10"].round(3).to_dict()                                           # doctest: +SKIP
    {'random': 0.069, 'content similarity': 0.19, 'ALS, item vectors from content': 0.354, ...}
    """
    s = setup or cold_items(ml, fraction, seed)
    predicted = content_to_factors(embeddings, s.model.item_factors, s.warm_items)
    is_cold = ml.ratings["item"].isin(s.cold)
    n = min(k, len(s.cold))
    profiles = user_profiles(s.warm[s.users], embeddings)
    rng = np.random.default_rng(seed)
    future = np.bincount(ml.ratings.loc[is_cold, "item"], minlength=ml.n_items).astype(float)
    results = {
        "random": rank_cold(s, rng.random((len(s.users), len(s.cold))), n),
        "content similarity": rank_cold(s, profiles @ embeddings[s.cold].T, n),
        "ALS, item vectors from content": cold_item_lists(s, predicted, n),
        "popularity after launch (not known on day one)": rank_cold(s, np.tile(future[s.cold], (len(s.users), 1)), n),
    }
    everyone = np.bincount(ml.ratings["item"], minlength=ml.n_items).astype(float)   # novelty/ARP of cold items
    return _table(results, s.truth, n, everyone, ml.n_users)


def cold_user_experiment(ml: MovieLens, embeddings: np.ndarray, n_given: int = 5, fraction: float = 0.1,
                         k: int = 10, seed: int = 0) -> pd.DataFrame:
    """recall@k, NDCG@k, ... for users held out entirely, who come back with their first ``n_given``
    ratings (by time) and their demographics; the rest of their ratings are the truth.

    >>> table = cold_user_experiment(load_movielens(), embeddings, n_given=5)   # doctest: +SKIP
    >>> table.loc["item-kNN from 5 ratings", "recall@10"].round(3)                # doctest: +SKIP
    0.087
    """
    if n_given < 0:
        raise AisdError(f"n_given must be >= 0; got {n_given}")
    new = hold_out_users(ml.ratings, fraction, seed)
    is_new = ml.ratings["user"].isin(new)
    warm_ratings = ml.ratings[~is_new]
    warm = interaction_matrix(warm_ratings, ml.n_users, ml.n_items)
    theirs = ml.ratings[is_new].sort_values(["user", "timestamp", "item"], kind="stable")
    position = theirs.groupby("user").cumcount()
    truth = {int(u): set(g.tolist()) for u, g in theirs[position >= n_given].groupby("user")["item"]}
    new = np.array([u for u in new if u in truth])                 # someone with nothing left is not scored
    given = interaction_matrix(theirs[(position < n_given) & theirs["user"].isin(new)], ml.n_users, ml.n_items)[new]

    popularity = item_popularity(warm)
    model = mf.fit_als(warm, **ALS_SETTINGS)
    demo = np.stack([demographic_popularity(warm_ratings, ml.users, ml.users.loc[u, "gender"],
                                            int(ml.users.loc[u, "age"]), ml.n_items) for u in new])
    results = {
        "most popular": _lists(new, top_k(np.tile(popularity, (len(new), 1)), given, k)),
        "popular in their age band and gender": _lists(new, top_k(demo, given, k)),
    }
    if n_given > 0:
        folded = mf.fold_in(model, given, ALS_SETTINGS["regularization"], ALS_SETTINGS["alpha"])
        results[f"ALS folded in from {n_given} ratings"] = _lists(new, top_k(folded @ model.item_factors.T, given, k))
        knn = item_knn_scores(given, item_similarity(warm))
        results[f"item-kNN from {n_given} ratings"] = _lists(new, top_k(knn, given, k))
        content = user_profiles(given, embeddings) @ embeddings.T
        results[f"content from {n_given} ratings"] = _lists(new, top_k(content, given, k))
    return _table(results, truth, k, popularity, ml.n_users)
