"""Unit tests of aisd.estimation.reliability (availability of chains and fallbacks) and aisd.estimation.drills (what breaks)."""
from __future__ import annotations

import itertools

import pytest

from aisd.estimation import drills, reliability
from aisd.toolkit.requirements import CUSTOMER_SUPPORT


def test_chain_and_fallback_on_hand_checked_numbers():
    assert reliability.chain_availability([0.9, 0.5]) == pytest.approx(0.45)
    assert reliability.with_fallback(0.9, 0.5) == pytest.approx(0.95)
    assert reliability.downtime_minutes_per_month(0.999) == pytest.approx(43.2)
    with pytest.raises(reliability.EstimationError, match="between 0 and 1"):
        reliability.chain_availability([1.2])


def test_fallbacks_needed_is_the_cheapest_set_that_meets_the_target():
    chain = {"a": 0.99, "b": 0.995, "c": 0.999}
    offers = {"a": (0.99, 50.0), "b": (0.99, 10.0), "c": (0.99, 10.0)}
    for target in (0.98, 0.99, 0.995, 0.999, 0.9999):
        got = reliability.fallbacks_needed(target, chain, offers)
        feasible = [set(s) for n in range(4) for s in itertools.combinations(offers, n)
                    if reliability.plan_availability(chain, offers, s) >= target]
        if not feasible:
            assert got is None
            continue
        assert reliability.plan_availability(chain, offers, got) >= target
        assert reliability.plan_cost(offers, got) == min(reliability.plan_cost(offers, s) for s in feasible)
    with pytest.raises(reliability.EstimationError, match="no fallback"):
        reliability.plan_availability(chain, {}, {"a"})


def test_what_breaks_names_the_choice_each_change_breaks():
    assert drills.what_breaks(CUSTOMER_SUPPORT) == set()
    said = {what: drills.what_breaks(drills.scenario(CUSTOMER_SUPPORT, change))
            for what, change in drills.SCENARIOS.items()}
    assert said["10x the users"] == {"model", "rate_limit"}
    assert said["we add the forum: 100x the documents"] == {"index"}
    assert said["retrieve 20 chunks instead of 5, for recall"] == {"model"}
    assert any(not broken for broken in said.values()), "one change breaks nothing (a drill needs that answer too)"
    assert CUSTOMER_SUPPORT.peak_factor == 5, "scenarios never change the shared requirements"


def test_estimation_target_outcome_and_the_learners_reference():
    from aisd.estimation import decisions as est_decisions, evaluate as est_evaluate

    chain = {"api": 0.9995, "embedder": 0.9995, "vector_store": 0.9995, "llm_provider": 0.995}
    offers = {"llm_provider": (0.99, 250.0), "vector_store": (0.9995, 80.0), "api": (0.9995, 120.0), "embedder": (0.9995, 40.0)}
    target, why = est_decisions.availability_target()
    out = est_evaluate.target_outcome(target, chain, offers, 2_000)
    assert out["reachable"] and out["fallback_usd_per_month"] == 370.0 and round(out["minutes_down_per_month"]) == 43 and why
    assert not est_evaluate.target_outcome(0.99999, chain, offers, 2_000)["reachable"]
