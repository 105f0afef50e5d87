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
5.25 % (a 5 % relative lift) takes about 122,000 users per arm.
"""
from __future__ import annotations

import math

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


def min_detectable_lift(baseline_ctr: float, daily_users: float, traffic_share: float, max_days: float,
                        lifts, alpha: float = 0.05, power: float = 0.8):
    """The smallest relative lift of ``lifts`` an A/B test can detect within ``max_days``: each day
    ``daily_users * traffic_share`` new users enter the test, split evenly between the two arms, and
    each arm needs :func:`sample_size_per_arm` users; ``None`` when no lift of the list fits.

    Reference answer of notebook 09, exercise ``ex_min_detectable_lift``.

    >>> min_detectable_lift(0.05, daily_users=10_000_000, traffic_share=0.1, max_days=14, lifts=[0.005, 0.01, 0.05])
    0.01
    """
    if daily_users <= 0 or not 0 < traffic_share <= 1 or max_days <= 0:
        raise AisdError("need daily_users > 0, 0 < traffic_share <= 1 and max_days > 0")
    per_day = daily_users * traffic_share
    for lift in sorted(lifts):
        days = 2 * sample_size_per_arm(baseline_ctr, lift, alpha, power, relative=True) / per_day
        if days <= max_days:
            return lift
    return None
