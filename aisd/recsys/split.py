"""A time-aware split: each user's last interactions are the test, the ones just before them the
validation window, everything earlier the training set.

A random split lets a model train on what a user watched *after* the movies it is asked to predict
(the sequel before the first film), which inflates every offline number. Here, per user, sorted by
time: ``train`` < ``val`` < ``test``. The ranker of the two-stage pipeline learns on the earlier window
(features from ``train``, labels from ``val``) and is scored on ``test`` with models refitted on
``train + val``: the same shape as production, where yesterday's data trains what serves today.

Ratings entered in the same second (MovieLens has many) are ordered by item id, so the split is
deterministic; such ties are the only way a held-out timestamp can equal a training one.

What it does not stop: users are on different clocks, so one user's training interactions can be
later than another user's test ones (on MovieLens 100k, 38 % of the training interactions are later
than the median test interaction). A model therefore sees the catalogue's later popularity. A global
cutoff (train before a date, test after) removes that too, at the price of testing only the users
active after the date: say which protocol a number comes from.

>>> import pandas as pd
>>> ratings = pd.DataFrame({"user": [0] * 5, "item": [4, 3, 2, 1, 0], "timestamp": [50, 40, 30, 20, 10]})
>>> s = split_by_time(ratings, n_test=1, n_val=1)
>>> s.train["item"].tolist(), s.val["item"].tolist(), s.test["item"].tolist()
([0, 1, 2], [3], [4])
>>> leaks(s)
[]
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from aisd.core.errors import AisdError


@dataclass(frozen=True)
class Split:
    """Three disjoint sets of interactions (same columns as the ratings)."""
    train: pd.DataFrame
    val: pd.DataFrame
    test: pd.DataFrame

    def fit_frame(self) -> pd.DataFrame:
        """``train`` and ``val`` together: what models see before they are scored on ``test``."""
        return pd.concat([self.train, self.val], ignore_index=True)

    def sizes(self) -> dict[str, int]:
        """Interactions per part, e.g. ``{"train": 90570, "val": 4715, "test": 4715}``."""
        return {"train": len(self.train), "val": len(self.val), "test": len(self.test)}


def split_by_time(ratings: pd.DataFrame, n_test: int = 5, n_val: int = 5, min_train: int = 1) -> Split:
    """Hold out each user's last ``n_test`` interactions as the test and the ``n_val`` before as the
    validation window; users with fewer than ``n_test + n_val + min_train`` interactions stay whole
    in the training set (they are still known users, just not scored).

    >>> import pandas as pd
    >>> r = pd.DataFrame({"user": [0, 0, 0, 1], "item": [0, 1, 2, 0], "timestamp": [3, 1, 2, 9]})
    >>> s = split_by_time(r, n_test=1, n_val=1)
    >>> s.sizes(), s.test.to_dict("records")
    ({'train': 2, 'val': 1, 'test': 1}, [{'user': 0, 'item': 0, 'timestamp': 3}])
    """
    missing = {"user", "item", "timestamp"} - set(ratings.columns)
    if missing:
        raise AisdError(f"the ratings need the columns {sorted(missing)} to be split by time")
    if n_test < 1 or n_val < 0 or min_train < 1:
        raise AisdError(f"need n_test >= 1, n_val >= 0 and min_train >= 1; got {n_test}, {n_val}, {min_train}")
    ordered = ratings.sort_values(["user", "timestamp", "item"], kind="stable").reset_index(drop=True)
    from_end = ordered.groupby("user").cumcount(ascending=False)          # 0 = the user's last one
    size = ordered.groupby("user")["item"].transform("size")
    scored = size >= n_test + n_val + min_train
    test = scored & (from_end < n_test)
    val = scored & (from_end >= n_test) & (from_end < n_test + n_val)
    train = ~(test | val)
    return Split(ordered[train].reset_index(drop=True), ordered[val].reset_index(drop=True),
                 ordered[test].reset_index(drop=True))


def leaks(split: Split) -> list[str]:
    """Every way the held-out parts are visible to training, in words; ``[]`` when there is none.

    Checks (1) no (user, item) pair of ``val`` or ``test`` appears in an earlier part and (2) per
    user, nothing in ``train`` is later than the user's first ``val`` or ``test`` interaction, and
    nothing in ``val`` later than the first ``test`` one (equal timestamps are allowed: ties).

    >>> import pandas as pd
    >>> part = lambda items, times: pd.DataFrame({"user": 0, "item": items, "timestamp": times})
    >>> leaks(Split(train=part([1, 2], [1, 9]), val=part([3], [5]), test=part([1], [7])))[:2]
    ['user 0: item 1 is held out in test but also in train', 'user 0: train has an interaction at 9, after val starts at 5']
    """
    problems: list[str] = []
    parts = {"train": split.train, "val": split.val, "test": split.test}
    order = list(parts)
    for later_i, later in enumerate(order[1:], start=1):
        held = parts[later][["user", "item"]]
        for earlier in order[:later_i]:
            both = held.merge(parts[earlier][["user", "item"]], on=["user", "item"])
            for u, i in both.drop_duplicates().itertuples(index=False):
                problems.append(f"user {u}: item {i} is held out in {later} but also in {earlier}")
    for later_i, later in enumerate(order[1:], start=1):
        starts = parts[later].groupby("user")["timestamp"].min()
        for earlier in order[:later_i]:
            ends = parts[earlier].groupby("user")["timestamp"].max()
            both = pd.concat([ends.rename("end"), starts.rename("start")], axis=1, join="inner")
            for u, row in both[both["end"] > both["start"]].iterrows():
                problems.append(f"user {u}: {earlier} has an interaction at {row['end']}, after {later} "
                                f"starts at {row['start']}")
    return problems
