"""Online evaluation, designed before it is run: how many users an A/B test on click-through needs.

A two-sided test of two proportions (control rate ``p1``, treatment ``p2 = p1 + effect``) with
significance ``alpha`` and ``power`` needs, per arm,

    n = ( z(1 - alpha/2) * sqrt(2 p q)  +  z(power) * sqrt(p1 q1 + p2 q2) )^2 / (p2 - p1)^2

where ``p = (p1 + p2) / 2``, ``q = 1 - p`` (the variance under "no difference" for the test, the
variance under the effect for the power). It is the formula of R's ``power.prop.test``, whose
documented example, p1 = 0.50, p2 = 0.75 and power 0.90, gives n = 76.7 per group:

>>> round(sample_size_per_arm(0.50, 0.25, power=0.90, round_up=False), 1)
76.7
>>> round(power_two_proportions(0.50, 0.75, n_per_arm=50), 3)       # R: power = 0.740
0.74

Small effects on small rates are expensive: detecting a click-through rate moving from 5.0 % to
5.25 % (a 5 % relative lift) takes about 122,000 independent observations per arm.

The unit matters. A test randomises *users* (one user sees one system), but click-through is counted
per *list*, and one user's lists are alike: the variance of a per-list rate is larger than the binomial
formula says by the design effect ``1 + (m - 1) * icc`` (:func:`design_effect`), so ``m`` lists of a user
are worth fewer than ``m`` independent observations. And randomising 10 % of 10 M *daily* users does not
bring 1 M new users a day: the same users come back (:func:`users_in_test`).
"""
from __future__ import annotations

import math

import numpy as np
from scipy.stats import norm

from aisd.core.errors import AisdError


def _check_rate(name: str, value: float) -> None:
    if not 0 < value < 1:
        raise AisdError(f"{name} must be a rate strictly between 0 and 1; got {value}")


def sample_size_per_arm(baseline_rate: float, minimum_detectable_effect: float, alpha: float = 0.05,
                        power: float = 0.8, relative: bool = False, round_up: bool = True) -> float:
    """Users per arm for a two-sided two-proportion test to detect ``minimum_detectable_effect``
    (absolute, e.g. 0.0025 for 5.00 % -> 5.25 %, or relative to the baseline when ``relative``)
    with significance ``alpha`` and ``power``; rounded up to a whole user unless ``round_up=False``.

    >>> sample_size_per_arm(0.05, 0.05, relative=True)
    122124
    >>> sample_size_per_arm(0.05, 0.0025) == sample_size_per_arm(0.05, 0.05, relative=True)
    True
    """
    _check_rate("baseline_rate", baseline_rate)
    _check_rate("alpha", alpha)
    _check_rate("power", power)
    effect = minimum_detectable_effect * baseline_rate if relative else minimum_detectable_effect
    if effect == 0:
        raise AisdError("the minimum detectable effect must not be 0: no sample size detects no change")
    p1, p2 = baseline_rate, baseline_rate + effect
    _check_rate("the treatment rate (baseline + effect)", p2)
    p = (p1 + p2) / 2
    z_alpha = norm.ppf(1 - alpha / 2)
    z_power = norm.ppf(power)
    n = (z_alpha * math.sqrt(2 * p * (1 - p)) + z_power * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))) ** 2 / effect ** 2
    return math.ceil(n - 1e-9) if round_up else float(n)


def power_two_proportions(p1: float, p2: float, n_per_arm: float, alpha: float = 0.05) -> float:
    """The power of the same test with ``n_per_arm`` users per arm (the probability of a significant
    result in the direction of a true difference ``p2 - p1``).

    >>> round(power_two_proportions(0.05, 0.0525, n_per_arm=122124), 3)
    0.8
    """
    _check_rate("p1", p1)
    _check_rate("p2", p2)
    if n_per_arm <= 0:
        raise AisdError(f"n_per_arm must be positive; got {n_per_arm}")
    p = (p1 + p2) / 2
    z_alpha = norm.ppf(1 - alpha / 2)
    spread = math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return float(norm.cdf((math.sqrt(n_per_arm) * abs(p2 - p1) - z_alpha * math.sqrt(2 * p * (1 - p))) / spread))


def users_in_test(daily_users: float, traffic_share: float, new_users_per_day: float, days: float) -> float:
    """Distinct users an A/B test randomises in ``days``: the ``traffic_share`` of today's daily users
    (who come back day after day: the *same* users, not new ones) plus that share of the sign-ups of
    each day.

    >>> users_in_test(10_000_000, 0.1, 30_000, 14)       # about 1 M, not 14 M
    1042000.0
    """
    if daily_users <= 0 or not 0 < traffic_share <= 1 or new_users_per_day < 0 or days <= 0:
        raise AisdError("need daily_users > 0, 0 < traffic_share <= 1, new_users_per_day >= 0 and days > 0")
    return float(traffic_share * (daily_users + new_users_per_day * days))


def design_effect(lists_per_user: float, icc: float) -> float:
    """How much a per-list analysis's variance grows because lists come in clusters (users):
    ``1 + (m - 1) * icc`` for ``m`` lists per user and an intra-class correlation ``icc`` (how much more
    alike two lists of one user are than two lists of different users). Divide the number of lists by
    it to get the *effective* sample size, the number a two-proportion test may use.

    >>> design_effect(42, 0.0), round(design_effect(42, 0.05), 2)
    (1.0, 3.05)
    """
    if lists_per_user < 1 or not 0 <= icc <= 1:
        raise AisdError(f"need lists_per_user >= 1 and 0 <= icc <= 1; got {lists_per_user}, {icc}")
    return 1 + (lists_per_user - 1) * icc


def intraclass_correlation(user_rates) -> float:
    """The intra-class correlation of a 0/1 outcome (a list clicked or not) whose rate differs by user:
    the share of the outcome's variance that lies *between* users, ``var(rate) / (mean (1 - mean))``.

    >>> round(intraclass_correlation([0.05, 0.05, 0.05]), 6)   # every user alike: lists are independent
    0.0
    >>> round(intraclass_correlation([0.0, 0.1]), 3)           # half the users never click
    0.053
    """
    rates = np.asarray(user_rates, dtype=float)
    if rates.size == 0 or rates.min() < 0 or rates.max() > 1:
        raise AisdError("user_rates must be rates between 0 and 1, at least one")
    mean = rates.mean()
    if mean in (0.0, 1.0):
        return 0.0
    return float(rates.var() / (mean * (1 - mean)))


def min_detectable_lift(baseline_ctr: float, users_per_arm: float, lists_per_user: float, icc: float,
                        lifts, alpha: float = 0.05, power: float = 0.8):
    """The smallest relative lift of ``lifts`` an A/B test randomised by user and analysed per list can
    detect: each arm has ``users_per_arm`` users who see ``lists_per_user`` lists each, the lists of one
    user are correlated (``icc``), so an arm's effective sample is
    ``users_per_arm * lists_per_user / design_effect(lists_per_user, icc)`` lists, and it must reach
    :func:`sample_size_per_arm`; ``None`` when no lift of the list fits.

    Reference answer of notebook 09, exercise ``ex_min_detectable_lift``.

    >>> min_detectable_lift(0.05, users_per_arm=521_000, lists_per_user=42, icc=0.05, lifts=[0.005, 0.01, 0.05])
    0.01
    >>> min_detectable_lift(0.05, users_per_arm=521_000, lists_per_user=42, icc=0.0, lifts=[0.005, 0.01, 0.05])
    0.005
    """
    if users_per_arm <= 0:
        raise AisdError(f"users_per_arm must be positive; got {users_per_arm}")
    effective = users_per_arm * lists_per_user / design_effect(lists_per_user, icc)
    for lift in sorted(lifts):
        if sample_size_per_arm(baseline_ctr, lift, alpha, power, relative=True) <= effective:
            return lift
    return None
