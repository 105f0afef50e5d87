"""Notebook 01's requirement the learner sets: the availability target, and what it costs.

The decisions the numbers drive live beside their arithmetic: the self-host break-even in
:mod:`aisd.estimation.estimate`, the fallbacks for a target in :mod:`aisd.estimation.reliability`, what a changed
requirement breaks in :mod:`aisd.estimation.drills`.

>>> availability_target()[0]
0.999
"""
from __future__ import annotations


def availability_target() -> tuple[float, str]:
    """The availability (share of time up) the support assistant must keep, and why (one line).

    Reference answer of notebook 01, exercise ``ex_availability_target``.
    """
    return 0.999, ("customers ask at any hour and a human desk is the fallback: 43 min down a month is tolerable, "
                   "hours are not, and the fallbacks for three nines cost a fraction of the budget")
