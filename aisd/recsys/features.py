"""What the two-stage recommender knows at one point in time, and the features of a (user, item) pair.

:func:`fit_stage_one` fits everything stage one needs on one window of history (the interactions
up to a cutoff): the interaction matrix, item popularity, ALS factors, the item-kNN similarity, the
users' content and genre profiles, item recency. The same function serves the ranker's training
window (history = ``train``, labels = ``tuning``) and the scored window (history = ``train + tuning``,
truth = ``heldout``), so the features mean the same thing at training and serving time.

:func:`pair_features` then describes each candidate pair by numbers a ranker can learn from: the
MF score, the kNN score, the content similarity, the item's popularity and recency, the genre match,
the user's history length, and the candidate's rank in each source.

>>> from aisd.recsys import data
>>> ml = data.load_movielens()
>>> early = ml.ratings[ml.ratings["timestamp"] < 880_000_000]
>>> state = fit_stage_one(early, ml, item_embeddings=np.eye(ml.n_items, 8, dtype="float32"), factors=8, iterations=2)
>>> state.history.shape, int(state.popularity.sum()) == len(early)
((943, 1682), True)
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from aisd.core.errors import AisdError
from aisd.recsys import als as mf
from aisd.recsys.baselines import item_popularity, item_similarity
from aisd.recsys.candidates import user_profiles
from aisd.recsys.data import MovieLens, genre_matrix, interaction_matrix

DAY = 86_400
RECENT_DAYS = 30
ALS_SETTINGS = {"factors": 32, "regularization": 10.0, "alpha": 1.0, "iterations": 15}  # chosen on tuning (see als.fit_als)
FEATURES = ("mf_score", "knn_score", "content_sim", "genre_match", "log_popularity", "recent_share",
            "days_since_item_seen", "item_age_years", "log_user_history", "days_since_user_active")


@dataclass
class StageOne:
    """The state of the system at ``cutoff`` (Unix seconds): fitted on interactions up to then."""
    history: sp.csr_matrix          # users x items, 0/1
    popularity: np.ndarray          # interactions per item
    model: mf.ALSModel              # ALS factors
    similarity: np.ndarray          # item-kNN cosine similarity (items x items)
    item_embeddings: np.ndarray     # MiniLM vectors of the items' text (unit length)
    content_profiles: np.ndarray    # users x 384: mean embedding of each history
    genres: np.ndarray              # items x genres, 0/1
    genre_profiles: np.ndarray      # users x genres: unit-length share of each genre in the history
    recent_share: np.ndarray        # per item: share of its interactions in the last RECENT_DAYS
    item_last_seen: np.ndarray      # per item: time of its last interaction (cutoff - 10 years if never)
    user_last_seen: np.ndarray      # per user: time of their last interaction
    item_year: np.ndarray           # release year (0 unknown)
    cutoff: int
    indexes: dict = field(default_factory=dict, repr=False)   # FAISS indexes built once, by candidate_pool
    seconds: dict = field(default_factory=dict)               # fit time of the ALS model and the similarity


def fit_stage_one(history: pd.DataFrame, ml: MovieLens, item_embeddings: np.ndarray, **als_settings) -> StageOne:
    """Fit stage one on ``history`` (interactions with ``user``, ``item``, ``timestamp``); the ALS
    settings default to :data:`ALS_SETTINGS`. Items and users outside ``history`` still get (empty) rows.
    """
    if history.empty:
        raise AisdError("the history window is empty: nothing to fit stage one on")
    if len(item_embeddings) != ml.n_items:
        raise AisdError(f"{len(item_embeddings)} item embeddings for {ml.n_items} items")
    settings = {**ALS_SETTINGS, **als_settings}
    matrix = interaction_matrix(history, ml.n_users, ml.n_items)
    cutoff = int(history["timestamp"].max())
    genres = genre_matrix(ml.items)
    genre_sums = np.asarray(matrix @ genres)
    norms = np.linalg.norm(genre_sums, axis=1, keepdims=True)

    items, times = history["item"].to_numpy(), history["timestamp"].to_numpy()
    counts = np.bincount(items, minlength=ml.n_items).astype(float)
    recent = np.bincount(items[times > cutoff - RECENT_DAYS * DAY], minlength=ml.n_items)
    never = cutoff - 3650 * DAY
    item_last = np.full(ml.n_items, never, dtype=np.int64)
    np.maximum.at(item_last, items, times)
    user_last = np.full(ml.n_users, never, dtype=np.int64)
    np.maximum.at(user_last, history["user"].to_numpy(), times)

    start = time.perf_counter()
    model = mf.fit_als(matrix, **settings)
    als_seconds = time.perf_counter() - start
    similarity = item_similarity(matrix)
    similarity_seconds = time.perf_counter() - start - als_seconds
    return StageOne(
        history=matrix, popularity=item_popularity(matrix), model=model,
        similarity=similarity, item_embeddings=np.asarray(item_embeddings, dtype=np.float32),
        content_profiles=user_profiles(matrix, item_embeddings), genres=genres,
        genre_profiles=np.divide(genre_sums, norms, out=np.zeros_like(genre_sums), where=norms > 0),
        recent_share=np.divide(recent, counts, out=np.zeros_like(counts), where=counts > 0),
        item_last_seen=item_last, user_last_seen=user_last,
        item_year=ml.items["year"].to_numpy(), cutoff=cutoff,
        seconds={"als": als_seconds, "similarity": similarity_seconds})


def pair_features(state: StageOne, pairs: pd.DataFrame) -> pd.DataFrame:
    """The :data:`FEATURES` of each (``user``, ``item``) row of ``pairs``, plus every ``*_rank``
    column ``pairs`` carries (from :func:`aisd.recsys.candidates.merge`), in that order.

    >>> from aisd.recsys import data
    >>> ml = data.load_movielens()
    >>> state = fit_stage_one(ml.ratings.head(2000), ml, np.eye(ml.n_items, 4, dtype="float32"), factors=4, iterations=1)
    >>> x = pair_features(state, pd.DataFrame({"user": [0, 0], "item": [0, 1], "pop_rank": [1.0, 2.0]}))
    >>> list(x.columns) == list(FEATURES) + ["pop_rank"]
    True
    """
    for column in ("user", "item"):
        if column not in pairs:
            raise AisdError(f"the pairs need a {column!r} column; got {list(pairs.columns)}")
    u = pairs["user"].to_numpy(dtype=int)
    i = pairs["item"].to_numpy(dtype=int)
    distinct, position = np.unique(u, return_inverse=True)
    position = position.ravel()

    def per_user(user_matrix: np.ndarray, item_matrix) -> np.ndarray:   # (users x items)[pair's user, pair's item]
        return np.asarray(user_matrix @ item_matrix)[position, i]

    genre_norms = np.maximum(np.linalg.norm(state.genres, axis=1), 1e-9)
    mf_score = per_user(state.model.user_factors[distinct], state.model.item_factors.T)
    knn = per_user(state.history[distinct], state.similarity)                       # item-kNN scores
    content = per_user(state.content_profiles[distinct], state.item_embeddings.T)
    genre = per_user(state.genre_profiles[distinct], (state.genres / genre_norms[:, None]).T)
    year = state.item_year[i]
    cutoff_year = pd.Timestamp(state.cutoff, unit="s").year
    out = pd.DataFrame({
        "mf_score": mf_score, "knn_score": knn, "content_sim": content, "genre_match": genre,
        "log_popularity": np.log1p(state.popularity[i]), "recent_share": state.recent_share[i],
        "days_since_item_seen": (state.cutoff - state.item_last_seen[i]) / DAY,
        "item_age_years": np.where(year > 0, cutoff_year - year, np.nan),
        "log_user_history": np.log1p(np.diff(state.history.indptr)[u]),
        "days_since_user_active": (state.cutoff - state.user_last_seen[u]) / DAY,
    })
    for column in pairs.columns:
        if column.endswith("_rank"):
            out[column] = pairs[column].to_numpy()
    return out
