"""Notebook 09's decisions and measurements: the candidate depth rule and sweep, cold items put into the
ALS space, the A/B test's smallest detectable lift, the requirements and the design."""
from __future__ import annotations

import numpy as np
import pytest

from aisd.toolkit.design import mermaid, review
from aisd.core.errors import AisdError
from aisd.recsys import abtest, coldstart, data, decisions, design, features, metrics, pipeline, sweeps
from aisd.recsys.candidates import user_profiles
from aisd.recsys.ranker import fit_ranker, label_pairs
from aisd.recsys.split import split_by_time


@pytest.fixture(scope="module")
def ml():
    return data.load_movielens()


@pytest.fixture(scope="module")
def embeddings(ml):
    return pipeline.item_embeddings(ml)


ROWS = [{"depth": 10, "recall@10": 0.100, "p50_ms": 5.0, "p95_ms": 9.0},
        {"depth": 50, "recall@10": 0.118, "p50_ms": 8.0, "p95_ms": 20.0},
        {"depth": 200, "recall@10": 0.121, "p50_ms": 30.0, "p95_ms": 50.0}]


@pytest.mark.parametrize("budget, tolerance, expected", [
    (50, 0.005, 50),      # 200 fits (p95 equal to the budget), 50 is within 0.005 of it
    (49.9, 0.005, 50),    # 200 is over budget
    (50, 0.002, 200),     # 0.118 is not within 0.002 of 0.121
    (5, 0.005, 10),       # nothing fits: the smallest depth
    (1000, 0.05, 10),     # a loose tolerance: the cheapest
])
def test_the_depth_rule(budget, tolerance, expected):
    assert decisions.choose_candidate_depth(list(reversed(ROWS)), budget, tolerance) == expected
    with pytest.raises(AisdError):
        decisions.choose_candidate_depth([], 50)


def test_the_quiz_key_has_one_letter_per_question():
    key = decisions.quiz_recsys()
    assert sorted(key) == ["q1", "q2", "q3", "q4"] and set(key.values()) <= {"a", "b", "c"}


def test_min_detectable_lift_counts_both_arms_and_the_traffic_share():
    lifts = (0.10, 0.005, 0.02, 0.01)
    assert abtest.min_detectable_lift(0.05, 10_000_000, 0.1, 14, lifts) == 0.01
    per_arm = abtest.sample_size_per_arm(0.05, 0.005, relative=True)
    assert 11 < per_arm / 1_000_000 < 14 < 2 * per_arm / 1_000_000, "one arm alone would fit: the second must count"
    needed = 2 * abtest.sample_size_per_arm(0.05, 0.02, relative=True)
    assert abtest.min_detectable_lift(0.05, needed, 1.0, 1, (0.02,)) == 0.02
    assert abtest.min_detectable_lift(0.05, needed - 1, 1.0, 1, (0.02,)) is None
    assert abtest.min_detectable_lift(0.05, 10_000_000, 0.1, 14, lifts, alpha=0.001, power=0.95) == 0.02
    with pytest.raises(AisdError):
        abtest.min_detectable_lift(0.05, 10_000, 0.0, 14, lifts)


def test_the_requirements_and_the_design():
    req = design.REQUIREMENTS
    assert round(req.peak_qps()) == 1042 and req.table().loc["ab_max_days", "value"] == 14
    assert review(design.DESIGN) == []
    assert mermaid(design.DESIGN).startswith("flowchart LR")


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
    val_users = np.arange(0, 943, 10)
    pairs = pipeline.candidate_pool(state, val_users, sweeps.pool_sizes(30))
    ranker = fit_ranker(features.pair_features(state, pairs), label_pairs(pairs, s.val), kind="logistic")
    truth = {int(u): set(g) for u, g in s.val.groupby("user")["item"] if u % 7 == 0}
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
