"""A test for leakage from the future: change everything that was not yet known at a cutoff, and check that
no feature of a transaction up to the cutoff moves.

For a cutoff time ``c`` (the time of a real transaction), the altered copy of the data:

- multiplies the amount of every transaction after ``c``,
- flips the label of every transaction whose label is known only at or after ``c`` (``label_time >= c``:
  the transaction at ``c`` itself, and every label still in its delay, even if its transaction is older),
- drops about half of the transactions after ``c`` (a count must not see the future either).

A feature of a transaction at ``t <= c`` may use that transaction's own fields (its amount is known when
it is scored, its label is not), the transactions before it and the labels known before ``t``: none of
which changed, so a point-in-time feature is identical. A leaky one moves: a centred or forward-looking
window, a label not yet known (terminal risk from labels by transaction time, or including the current
transaction's own label).

>>> import pandas as pd
>>> from aisd.fraud.simulate import simulate
>>> from aisd.fraud.features import batch_features
>>> tx = simulate(n_customers=100, n_terminals=200, n_days=20, seed=0).transactions
>>> leaking_columns(batch_features, tx)
{}
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd

from aisd.core.errors import AisdError


class LeakageError(AisdError):
    """A feature changed when only the future changed: it uses something not known at prediction time."""


def _altered(tx: pd.DataFrame, cutoff: int, rng: np.random.Generator) -> pd.DataFrame:
    later = (tx["time"] > cutoff).to_numpy()
    dropped = later & (rng.random(len(tx)) < 0.5)
    out = tx.loc[~dropped].copy()
    after = out["time"] > cutoff
    out.loc[after, "amount"] = (out.loc[after, "amount"] * 7 + 13).round(2)
    unknown = out["label_time"] >= cutoff
    out.loc[unknown, "is_fraud"] = (1 - out.loc[unknown, "is_fraud"]).astype(out["is_fraud"].dtype)
    return out


def leaking_columns(compute: Callable[[pd.DataFrame], pd.DataFrame], tx: pd.DataFrame, n_cutoffs: int = 5,
                    seed: int = 0) -> dict[str, int]:
    """``{feature: rows that changed}`` over ``n_cutoffs`` cutoffs: empty when ``compute`` is point-in-time.

    ``compute(frame)`` must return one row of features per transaction, with the frame's index. The cutoffs
    are the times of random transactions between the 30 % and 90 % points of the period (so that the
    windows before them hold history).

    >>> tx = pd.DataFrame({"time": [0, 1, 2, 3], "amount": [1.0, 2.0, 3.0, 4.0], "is_fraud": [0, 0, 0, 0],
    ...                    "label_time": [5, 6, 7, 8]})
    >>> leaking_columns(lambda t: t[["amount"]].cumsum().rename(columns={"amount": "spent"}), tx)  # so far: fine
    {}
    >>> leaking_columns(lambda t: t[["is_fraud"]].cumsum().rename(columns={"is_fraud": "frauds"}), tx)  # labels
    {'frauds': 5}
    """
    missing = [c for c in ("time", "amount", "is_fraud", "label_time") if c not in tx.columns]
    if missing:
        raise AisdError(f"leaking_columns: the transactions lack the columns {missing}")
    if len(tx) < 2:
        raise AisdError("leaking_columns needs at least two transactions to have a past and a future")
    rng = np.random.default_rng(seed)
    full = compute(tx)
    times = np.sort(tx["time"].to_numpy())
    candidates = times[int(0.3 * len(times)):max(int(0.9 * len(times)), int(0.3 * len(times)) + 1)]
    changed: dict[str, int] = {}
    for cutoff in rng.choice(candidates, size=min(n_cutoffs, len(candidates)), replace=False):
        altered = _altered(tx, int(cutoff), rng)
        again = compute(altered)
        known = altered.index[(altered["time"] <= cutoff).to_numpy()]
        before, after = full.loc[known], again.loc[known]
        for column in full.columns:
            same = np.isclose(before[column].to_numpy(float), after[column].to_numpy(float), rtol=1e-9, atol=1e-12,
                              equal_nan=True)
            if not same.all():
                changed[column] = changed.get(column, 0) + int((~same).sum())
    return changed


def assert_point_in_time(compute: Callable[[pd.DataFrame], pd.DataFrame], tx: pd.DataFrame, n_cutoffs: int = 5,
                         seed: int = 0) -> None:
    """Raise :class:`LeakageError` naming the features that use the future (see :func:`leaking_columns`).

    >>> tx = pd.DataFrame({"time": [0, 1, 2, 3], "amount": [1.0, 2.0, 3.0, 4.0], "is_fraud": [0, 0, 0, 0],
    ...                    "label_time": [5, 6, 7, 8]})
    >>> assert_point_in_time(lambda t: t[["amount"]].shift(1).fillna(0), tx)      # the previous amount: fine
    >>> assert_point_in_time(lambda t: t[["amount"]].shift(-1).fillna(0), tx)     # the next one: leaks
    Traceback (most recent call last):
    ...
    aisd.fraud.leakage.LeakageError: features that use the future: amount (2 rows) changed when only what happened at or after a cutoff changed
    """
    changed = leaking_columns(compute, tx, n_cutoffs, seed)
    if changed:
        listed = ", ".join(f"{c} ({n} rows)" for c, n in changed.items())
        raise LeakageError(f"features that use the future: {listed} changed when only what happened at or "
                           "after a cutoff changed")
