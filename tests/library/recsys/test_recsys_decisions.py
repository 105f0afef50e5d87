"""Notebook 09's decisions and measurements: the candidate depth rule and sweep, the exploration budget and
rate, cold items put into the ALS space, the A/B test's users, design effect and smallest detectable lift, the
requirements and the design."""
from __future__ import annotations

import numpy as np
import pytest

from aisd.toolkit.design import mermaid, review
from aisd.core.errors import AisdError
from aisd.recsys import abtest, coldstart, decisions, features, metrics, pipeline, sweeps, system
from aisd.recsys.candidates import user_profiles
from aisd.recsys.ranker import fit_ranker, label_pairs
from aisd.recsys.data import split_by_time


ROWS = [{"depth": 10, "recall@10": 0.100, "pool_size": 18, "p50_ms": 5.0, "p95_ms": 9.0},
        {"depth": 50, "recall@10": 0.118, "pool_size": 88, "p50_ms": 8.0, "p95_ms": 20.0},
        {"depth": 200, "recall@10": 0.160, "pool_size": 320, "p50_ms": 30.0, "p95_ms": 50.0}]


@pytest.mark.parametrize("budget, expected", [
    (50, 200),      # 200 fits (p95 equal to the budget) and its 0.042 of recall pays for 232 more candidates
    (49.9, 50),     # 200 is over budget; 50's 0.018 pays for 70 more candidates than 10
    (5, 10),        # nothing fits: the smallest depth
])
def test_the_depth_rule_weighs_recall_against_candidates(budget, expected):
    assert decisions.choose_candidate_depth(list(reversed(ROWS)), budget) == expected
    with pytest.raises(AisdError):
        decisions.choose_candidate_depth([], 50)


SWEEP = [{"exploration": 0.0, "ctr_loss": 0.0, "items_ever_clicked": 0.18},
         {"exploration": 0.1, "ctr_loss": 0.07, "items_ever_clicked": 0.22},
         {"exploration": 0.2, "ctr_loss": 0.15, "items_ever_clicked": 0.25},
         {"exploration": 0.3, "ctr_loss": 0.23, "items_ever_clicked": 0.27}]


def test_the_exploration_budget_and_rate():
    budget = decisions.exploration_budget(SWEEP, discovery_goal=0.25)
    assert budget["ctr_loss_budget"] == pytest.approx(0.17) and budget["why"]
    assert decisions.exploration_budget(SWEEP, discovery_goal=0.9)["ctr_loss_budget"] == pytest.approx(0.25), \
        "a goal no measured rate meets: the largest loss measured (plus the margin)"
    assert decisions.choose_exploration(SWEEP, 0.17) == 0.2          # 0.15 <= 0.9 x 0.17
    assert decisions.choose_exploration(SWEEP, 0.16) == 0.1          # 0.15 > 0.9 x 0.16: keep the margin
    assert decisions.choose_exploration(SWEEP, 0.001) == 0.0
    with pytest.raises(AisdError):
        decisions.choose_exploration([], 0.1)


def test_an_ab_test_randomised_by_user_counts_returning_users_once():
    assert abtest.users_in_test(10_000_000, 0.1, 30_000, 14) == pytest.approx(1_042_000)
    assert abtest.design_effect(1, 0.5) == 1.0 and abtest.design_effect(42, 0.05) == pytest.approx(3.05)
    assert abtest.intraclass_correlation([0.05] * 10) == pytest.approx(0.0, abs=1e-12)
    rates = np.array([0.0] * 50 + [0.1] * 50)
    assert abtest.intraclass_correlation(rates) == pytest.approx(0.0025 / (0.05 * 0.95))
    with pytest.raises(AisdError):
        abtest.users_in_test(10_000_000, 0.0, 30_000, 14)
    with pytest.raises(AisdError):
        abtest.design_effect(0, 0.1)


def test_min_detectable_lift_divides_the_lists_by_the_design_effect():
    lifts = (0.05, 0.0025, 0.02, 0.01, 0.005)
    assert abtest.min_detectable_lift(0.05, 521_000, 42, 0.0, lifts) == 0.005       # 21.9 M independent lists
    assert abtest.min_detectable_lift(0.05, 521_000, 42, 0.05, lifts) == 0.01       # 7.2 M effective
    n = abtest.sample_size_per_arm(0.05, 0.02, relative=True)
    assert abtest.min_detectable_lift(0.05, n, 1, 0.5, (0.02,)) == 0.02
    assert abtest.min_detectable_lift(0.05, n - 1, 1, 0.5, (0.02,)) is None
    # with many lists per user the effective sample tends to users / ICC: more days buy little
    capped = abtest.min_detectable_lift(0.05, 100_000, 10_000, 0.1, lifts)
    assert capped == abtest.min_detectable_lift(0.05, 100_000, 1_000_000, 0.1, lifts)
    with pytest.raises(AisdError):
        abtest.min_detectable_lift(0.05, 0, 42, 0.05, lifts)


def test_the_requirements_and_the_design():
    req = system.REQUIREMENTS
    table = req.table().set_index("requirement")
    assert round(req.peak_qps) == 1042 and table.loc["ab_max_days", "value"] == 14
    assert round(req.replace(daily_active_users=30_000_000).peak_qps) == 3125
    assert review(system.DESIGN) == []
    assert mermaid(system.DESIGN).startswith("flowchart LR")


def test_new_items_put_into_the_als_space_beat_content_similarity(ml, embeddings):
    setup = coldstart.cold_items(ml, fraction=0.1, seed=1)
    assert not set(setup.cold) & set(setup.warm_items) and setup.warm[:, setup.cold].nnz == 0
    assert set(setup.users) == set(setup.truth) and all(items <= set(setup.cold) for items in setup.truth.values())
    predicted = coldstart.content_to_factors(embeddings, setup.model.item_factors, setup.warm_items)
    noisy = setup.model.item_factors.copy()
    noisy[setup.cold] += 100
    assert np.allclose(predicted, coldstart.content_to_factors(embeddings, noisy, setup.warm_items)), \
        "the map must be learned on the warm items only"
    recall = lambda lists: metrics.per_user_scores(lists, setup.truth, 10)["recall@10"].mean()
    mapped = recall(coldstart.cold_item_lists(setup, predicted))
    similar = recall(coldstart.rank_cold(setup, user_profiles(setup.warm[setup.users], embeddings) @ embeddings[setup.cold].T))
    assert mapped > similar > 0.1, (mapped, similar)
    with pytest.raises(AisdError, match="shape"):
        coldstart.rank_cold(setup, np.zeros((2, 2)))
    with pytest.raises(AisdError, match="shape"):
        coldstart.cold_item_lists(setup, embeddings)


def test_the_depth_sweep_measures_candidate_recall_accuracy_and_latency(ml, embeddings):
    s = split_by_time(ml.ratings)
    state = features.fit_stage_one(s.train, ml, embeddings, factors=16, iterations=5)
    tuning_users = np.arange(0, 943, 10)
    pairs = pipeline.candidate_pool(state, tuning_users, sweeps.pool_sizes(30))
    ranker = fit_ranker(features.pair_features(state, pairs), label_pairs(pairs, s.tuning), kind="logistic")
    truth = {int(u): set(g) for u, g in s.tuning.groupby("user")["item"] if u % 7 == 0}
    rows, per_user = sweeps.depth_sweep(state, ranker, truth, depths=(10, 60), latency_users=3)
    assert [r["depth"] for r in rows] == [10, 60] and sorted(per_user) == [10, 60]
    assert rows[1]["candidate_recall"] > rows[0]["candidate_recall"] and rows[1]["pool_size"] > rows[0]["pool_size"]
    assert all(0 < r["recall@10"] < 1 and 0 < r["p50_ms"] <= r["p95_ms"] for r in rows)
    assert len(per_user[10]["recall@10"]) == len(truth)
    stages = sweeps.stage_latency(state, ranker, [0, 7], depth=10)
    assert list(stages) == ["candidates", "features", "ranking", "whole request"]


def test_latency_is_cpu_time_by_default_and_wall_time_on_request():
    import time

    sleeping = pipeline.latency_per_request(lambda u: time.sleep(0.02), [0, 1, 2])
    assert sleeping["p95_ms"] < 5, "sleeping uses no CPU"
    assert pipeline.latency_per_request(lambda u: time.sleep(0.02), [0, 1], clock="wall")["p50_ms"] >= 19
    with pytest.raises(AisdError, match="clock"):
        pipeline.latency_per_request(lambda u: u, [0], clock="gpu")
