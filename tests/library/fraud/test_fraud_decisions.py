"""Notebook 04's decisions (aisd.fraud.decisions) and system: what each action costs, the bands and the single
threshold against brute force, the analysts' staffing, and the requirements and design as data."""
from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from aisd.core.errors import AisdError
from aisd.fraud import decisions as DE
from aisd.fraud import system
from aisd.toolkit import classification as C

COSTS = DE.ActionCosts(review=5, step_up_friction=1, step_up_stops=0.9, false_decline=10)


def _random_payments(rng, n=25):
    y = (rng.random(n) < 0.3).astype(int)
    return y, np.round(rng.random(n), 1), np.round(rng.uniform(1, 300, n), 2)


def test_each_action_has_its_own_price():
    y, a = [1, 0, 1, 0, 1, 0], [100, 40, 100, 40, 100, 40]
    got = DE.action_costs(y, a, ["allow", "allow", "step-up", "step-up", "decline", "decline"], COSTS)
    assert got.round(6).tolist() == [100.0, 0.0, 10.0, 1.0, 0.0, 10.0]
    with pytest.raises(AisdError, match="actions must be"):
        DE.action_costs([1], [5], ["review"], COSTS)
    with pytest.raises(AisdError, match="equally long"):
        DE.action_costs([1, 0], [5], ["allow", "allow"], COSTS)
    with pytest.raises(AisdError, match="share"):
        DE.ActionCosts(step_up_stops=1.5)


def test_bands_and_their_order():
    assert DE.bands([0.0, 0.3, 0.89, 0.9, 1.0], 0.3, 0.9).tolist() == ["allow", "step-up", "step-up", "decline", "decline"]
    assert DE.bands([0.5], math.inf, math.inf).tolist() == ["allow"]
    with pytest.raises(AisdError, match="must not exceed"):
        DE.bands([0.5], 0.9, 0.3)


def _brute_bands(y, s, a, costs):
    cuts = [math.inf] + sorted(set(s), reverse=True)
    pairs = [(su, de) for su, de in itertools.product(cuts, cuts) if su <= de]
    return min(DE.bands_cost(y, s, a, su, de, costs) for su, de in pairs)


def test_choose_bands_is_the_cheapest_pair_and_the_single_threshold_the_cheapest_single():
    rng = np.random.default_rng(0)
    for _ in range(30):
        y, s, a = _random_payments(rng)
        costs = DE.ActionCosts(5, float(rng.uniform(0, 5)), float(rng.uniform(0, 1)), float(rng.uniform(0, 30)))
        step_up_at, decline_at = DE.choose_bands(y, s, a, costs)
        assert step_up_at <= decline_at
        assert DE.bands_cost(y, s, a, step_up_at, decline_at, costs) == pytest.approx(_brute_bands(y, s, a, costs))
        action, t = DE.choose_single_threshold(y, s, a, costs)
        cuts = [math.inf] + sorted(set(s))
        brute = min(DE.bands_cost(y, s, a, *DE.single_threshold_bands(act, c), costs)
                    for act in ("step-up", "decline") for c in cuts)
        assert DE.bands_cost(y, s, a, *DE.single_threshold_bands(action, t), costs) == pytest.approx(brute)
    with pytest.raises(AisdError):
        DE.single_threshold_bands("review", 0.5)


def test_budget_cost_reviews_each_day_from_the_top_until_the_slots_run_out():
    y, s, d, a = [1, 1, 0, 1], [0.9, 0.8, 0.7, 0.6], [0, 0, 0, 1], [100, 30, 20, 40]
    assert DE.budget_cost(y, s, d, a, 0.5, 1, COSTS) == pytest.approx((30 + 2 * 5) / 2)   # day 0: 0.8 not reviewed
    assert DE.budget_cost(y, s, d, a, 0.95, 3, COSTS) == pytest.approx((170 + 2 * 15) / 2)  # nothing alerted
    with pytest.raises(AisdError):
        DE.budget_cost(y, s, d, a, 0.5, -1, COSTS)


def test_alert_budget_is_the_cheapest_staffing_tried():
    rng = np.random.default_rng(3)
    y = (rng.random(3000) < 0.03).astype(int)
    s, d, a = rng.random(3000) + 0.5 * y, np.repeat(np.arange(6), 500), rng.uniform(5, 200, 3000)
    got = DE.alert_budget(y, s, d, a, COSTS)
    price = lambda b: DE.budget_cost(y, s, d, a, C.threshold_for_alert_budget(s, d, b), b, COSTS)
    assert price(got["alerts_per_day"]) == pytest.approx(min(price(b) for b in range(5, 401, 5)))
    assert any(ch.isdigit() for ch in got["why"])


def test_threshold_for_alert_budget_against_brute_force():
    rng = np.random.default_rng(1)
    for _ in range(40):
        s, d = np.round(rng.random(50), 2), rng.integers(0, 5, 50)
        k = float(rng.integers(0, 15))
        allowed = k * len(np.unique(d))
        fits = [t for t in set(s) if (s >= t).sum() <= allowed]
        assert C.threshold_for_alert_budget(s, d, k) == (min(fits) if fits else math.inf)
    with pytest.raises(AisdError):
        C.threshold_for_alert_budget([0.1, float("nan")], [0, 0], 1)


def test_requirements_costs_and_design_are_data():
    req = system.REQUIREMENTS
    table = req.table().set_index("requirement")
    assert table.loc["alert_budget_share", "value"] == 0.013 and table.loc["label_delay_days", "unit"] == "days"
    assert system.costs(req.replace(step_up_friction=3.0)).step_up_friction == 3.0
    assert req.alerts_per_day_today == pytest.approx(52_000)
    from aisd.toolkit.design import review
    assert review(system.DESIGN) == []
