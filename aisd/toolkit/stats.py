"""Intervals for the numbers the notebooks report: one :class:`Interval`, Wilson for a proportion.

A proportion measured on a few dozen cases needs an interval, and 0 of n is not "exactly 0": the Wilson score
interval (Wilson, 1927) stays inside [0, 1], is not degenerate at 0 or n, and holds its coverage on small n far
better than the normal approximation. For 0 of 20 it gives [0, 0.16]: zero successes on twenty tries is still
compatible with a 16 % rate.

>>> wilson(0, 20)
Interval(estimate=0.0, low=0.0, high=0.161, level=0.95)
>>> str(wilson(12, 15))
'0.80 [0.55, 0.93]'
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

from aisd.core.errors import AisdError


@dataclass(frozen=True)
class Interval:
    """An estimate with its confidence interval (``level``, e.g. 0.95)."""

    estimate: float
    low: float
    high: float
    level: float = 0.95

    def __str__(self) -> str:
        return f"{self.estimate:.2f} [{self.low:.2f}, {self.high:.2f}]"

    def __repr__(self) -> str:
        return (f"Interval(estimate={round(self.estimate, 3)}, low={round(self.low, 3)}, high={round(self.high, 3)}, "
                f"level={self.level})")

    def excludes(self, value: float) -> bool:
        """Does the interval leave ``value`` out (e.g. 0 for a difference)?

        >>> Interval(0.2, 0.05, 0.35).excludes(0), Interval(0.2, -0.05, 0.35).excludes(0)
        (True, False)
        """
        return value < self.low or value > self.high


def wilson(successes: int, n: int, level: float = 0.95) -> Interval:
    """The Wilson score interval of ``successes`` out of ``n``.

    >>> wilson(20, 20).low > 0.8, wilson(20, 20).high
    (True, 1.0)
    """
    if n <= 0:
        raise AisdError(f"a proportion needs at least one case (n={n})")
    if not 0 <= successes <= n:
        raise AisdError(f"successes must be between 0 and n={n}, not {successes}")
    z = NormalDist().inv_cdf(0.5 + level / 2)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return Interval(p, max(0.0, centre - half), min(1.0, centre + half), level)


def proportion(flags, level: float = 0.95) -> Interval:
    """:func:`wilson` of a sequence of booleans (the share that is true).

    >>> str(proportion([True, False, False, False]))
    '0.25 [0.05, 0.70]'
    """
    flags = [bool(f) for f in flags]
    return wilson(sum(flags), len(flags), level)


def paired_difference(a, b, level: float = 0.95, resamples: int = 2000, seed: int = 0) -> Interval:
    """The mean of ``a - b`` over paired cases (e.g. two approaches on the same tasks), with a bootstrap
    percentile interval that resamples the cases, so each pair stays together. Read "excludes 0" as a
    difference this set shows.

    >>> d = paired_difference([1, 1, 1, 0, 1, 1], [0, 0, 1, 0, 0, 0])
    >>> round(d.estimate, 2), d.excludes(0)
    (0.67, True)
    >>> paired_difference([1, 0], [0, 1]).excludes(0)
    False
    """
    import numpy as np

    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape or a.size == 0:
        raise AisdError(f"paired cases need two equally long, non-empty sequences (got {a.size} and {b.size})")
    diff = a - b
    rng = np.random.default_rng(seed)
    means = diff[rng.integers(0, diff.size, size=(resamples, diff.size))].mean(axis=1)
    low, high = np.quantile(means, [(1 - level) / 2, (1 + level) / 2])
    return Interval(float(diff.mean()), float(low), float(high), level)


def bootstrap(metric, *columns, clusters=None, level: float = 0.95, resamples: int = 1000, seed: int = 0) -> Interval:
    """Percentile bootstrap interval of ``metric(*columns)``: rows resampled with replacement, together.

    ``clusters`` (one id per row: a terminal, a user, a meeting) resamples whole clusters instead of rows, so rows
    that are not independent (frauds from one compromised terminal, turns of one meeting) do not narrow the
    interval falsely. A paired comparison is a metric of both systems' columns, e.g.
    ``bootstrap(lambda y, a, b: auc(y, a) - auc(y, b), y, a, b)``. A resample on which the metric is undefined
    (it raises ``ValueError`` or :class:`AisdError`, e.g. no positive for ROC-AUC) is skipped; more than 10 %
    skipped raises, since the interval would then describe a different population.

    >>> import numpy as np
    >>> mean = lambda x: float(np.mean(x))
    >>> str(bootstrap(mean, [0, 1] * 50))
    '0.50 [0.40, 0.60]'
    >>> wide = bootstrap(mean, [0] * 50 + [1] * 50, clusters=[0] * 50 + [1] * 50)   # two clusters, not 100 rows
    >>> wide.high - wide.low > 0.9
    True
    """
    import numpy as np

    arrays = [np.asarray(c) for c in columns]
    if not arrays or any(len(a) != len(arrays[0]) for a in arrays) or not len(arrays[0]):
        raise AisdError("bootstrap needs one or more non-empty columns of the same length")
    if not 0 < level < 1:
        raise AisdError(f"level must be between 0 and 1, e.g. 0.95; got {level!r}")
    n = len(arrays[0])
    if clusters is not None:
        clusters = np.asarray(clusters)
        if len(clusters) != n:
            raise AisdError(f"clusters needs one id per row ({n}); got {len(clusters)}")
        _, inverse = np.unique(clusters, return_inverse=True)
        order = np.argsort(inverse, kind="stable")
        starts = np.searchsorted(inverse[order], np.arange(inverse.max() + 1))
        sizes = np.diff(np.append(starts, n))
    estimate = float(metric(*arrays))
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(resamples):
        if clusters is None:
            rows = rng.integers(0, n, size=n)
        else:                       # whole clusters: their rows, by offsets into the sorted order (linear time)
            picked = rng.integers(0, len(starts), size=len(starts))
            rows = order[np.repeat(starts[picked] - np.cumsum(np.append(0, sizes[picked][:-1])), sizes[picked])
                         + np.arange(sizes[picked].sum())]
        try:
            values.append(float(metric(*(a[rows] for a in arrays))))
        except (AisdError, ValueError, ZeroDivisionError):
            continue
    if len(values) < 0.9 * resamples:
        raise AisdError(f"the metric was undefined on {resamples - len(values)} of {resamples} resamples "
                        "(too few positives?): a bootstrap interval would mislead")
    low, high = np.quantile(values, [(1 - level) / 2, (1 + level) / 2])
    return Interval(estimate, float(low), float(high), level)
