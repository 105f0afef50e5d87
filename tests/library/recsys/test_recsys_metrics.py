"""Recommendation metrics checked against scikit-learn and hand-computed examples; the A/B sample size
checked against R's documented power.prop.test example and a simulation of the test itself."""
from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.metrics import ndcg_score

from aisd.toolkit import metrics as ranking
from aisd.core.errors import AisdError
from aisd.recsys import abtest
from aisd.recsys import metrics as m


def test_ndcg_matches_scikit_learn_on_random_lists():
    rng = np.random.default_rng(0)
    for _ in range(200):
        n_items, k = 30, int(rng.integers(1, 15))
        relevant = set(rng.choice(n_items, size=int(rng.integers(1, 8)), replace=False).tolist())
        ranked = rng.permutation(n_items)[: int(rng.integers(k, n_items + 1))].tolist()
        # scikit-learn scores every item: the listed ones by position, the others tied below them all
        # (it averages over ties, but the list is at least k long, so the top k are never tied)
        scores = np.full(n_items, -1.0)
        scores[ranked] = np.arange(len(ranked), 0, -1)
        truth = np.array([[1.0 if i in relevant else 0.0 for i in range(n_items)]])
        expected = ndcg_score(truth, scores[None, :], k=k)
        assert m.ndcg_at_k(ranked, relevant, k) == pytest.approx(expected, abs=1e-12)


def test_map_on_a_hand_computed_example():
    """Relevant {a, c, e}; list a x c y z e: hits at ranks 1, 3 and 6.
    AP@5 = (1/1 + 2/3) / min(5, 3) = 0.5556; AP@6 adds 3/6: (1 + 2/3 + 1/2) / 3 = 0.7222."""
    ranked = ["a", "x", "c", "y", "z", "e"]
    assert m.average_precision_at_k(ranked, {"a", "c", "e"}, 5) == pytest.approx((1 + 2 / 3) / 3)
    assert m.average_precision_at_k(ranked, {"a", "c", "e"}, 6) == pytest.approx((1 + 2 / 3 + 1 / 2) / 3)
    assert m.average_precision_at_k(["a", "c"], {"a", "c", "e"}, 2) == 1.0, "divides by min(k, |relevant|)"
    assert m.average_precision_at_k(["x", "a", "a"], {"a"}, 3) == 0.5, "a repeated item counts once"
    assert m.average_precision_at_k(["a"], set(), 3) == 0.0


def test_recall_and_ndcg_reuse_the_course_definitions():
    ranked, relevant = [3, 1, 4, 1, 5], {1, 5, 9}
    assert m.recall_at_k(ranked, relevant, 3) == ranking.recall_at_k(ranked, relevant, 3) == pytest.approx(1 / 3)
    assert m.ndcg_at_k(ranked, relevant, 5) == pytest.approx(ranking.ndcg_at_k(ranked, {1: 1, 5: 1, 9: 1}, 5))


def test_coverage_novelty_and_popularity_bias():
    lists = [[0, 1], [0, 2]]
    assert m.catalogue_coverage(lists, n_items=6) == 0.5
    assert m.catalogue_coverage(lists, n_items=6, k=1) == pytest.approx(1 / 6)
    pop = [80, 20, 5, 0, 0, 0]
    expected = np.mean([-math.log2(80 / 100), -math.log2(20 / 100), -math.log2(80 / 100), -math.log2(5 / 100)])
    assert m.novelty(lists, pop, n_users=100) == pytest.approx(expected)
    assert m.popularity_bias(lists, pop) == pytest.approx((80 + 20 + 80 + 5) / 4)
    with pytest.raises(AisdError):
        m.catalogue_coverage(lists, n_items=0)


def test_gini_matches_the_mean_absolute_difference_formula():
    rng = np.random.default_rng(1)
    for _ in range(20):
        x = rng.exponential(size=50)
        expected = np.abs(x[:, None] - x[None, :]).sum() / (2 * len(x) ** 2 * x.mean())
        assert m.gini(x) == pytest.approx(expected)
    assert m.gini([0, 0, 0]) == 0.0
    with pytest.raises(AisdError):
        m.gini([1, -1])


def test_evaluate_lists_scores_missing_users_as_zero():
    truth = {0: {1}, 1: {2}}
    out = m.evaluate_lists({0: [1, 3]}, truth, k=2, popularity=[1, 1, 1, 1])
    assert out["recall@2"] == 0.5 and out["ndcg@2"] == 0.5 and out["map@2"] == 0.5
    assert set(out) == {"recall@2", "ndcg@2", "map@2", "coverage@2", "novelty", "arp"}
    scores = m.per_user_scores({0: [1, 3]}, truth, k=2)
    assert scores["recall@2"].tolist() == [1.0, 0.0]
    with pytest.raises(AisdError, match="empty"):
        m.evaluate_lists({}, {}, k=2, popularity=[1])


def test_sample_size_matches_r_power_prop_test():
    """R's documentation: power.prop.test(p1 = .50, p2 = .75, power = .90) gives n = 76.7 per group,
    and power.prop.test(n = 50, p1 = .50, p2 = .75) gives power = 0.740."""
    assert abtest.sample_size_per_arm(0.5, 0.25, power=0.9, round_up=False) == pytest.approx(76.7, abs=0.05)
    assert abtest.sample_size_per_arm(0.5, 0.25, power=0.9) == 77
    assert abtest.power_two_proportions(0.5, 0.75, 50) == pytest.approx(0.740, abs=0.0005)


def test_sample_size_and_power_are_inverse():
    for p, lift in ((0.02, 0.1), (0.05, 0.05), (0.3, -0.02)):
        n = abtest.sample_size_per_arm(p, lift, relative=True, round_up=False)
        assert abtest.power_two_proportions(p, p * (1 + lift), n) == pytest.approx(0.8, abs=1e-9)
    assert abtest.sample_size_per_arm(0.05, 0.10, relative=True) < abtest.sample_size_per_arm(0.05, 0.05, relative=True)
    assert abtest.sample_size_per_arm(0.05, 0.05, relative=True, power=0.9) > abtest.sample_size_per_arm(0.05, 0.05, relative=True)


def test_the_computed_sample_size_gives_the_promised_power_in_simulation():
    """Run the two-proportion z-test many times at the computed n: it should reject ~80 % of the time
    when the effect is real and ~5 % when it is not."""
    rng = np.random.default_rng(0)
    p1, p2 = 0.10, 0.12
    n = abtest.sample_size_per_arm(p1, p2 - p1)

    def rejects(q1, q2, trials=4000):
        a, b = rng.binomial(n, q1, trials) / n, rng.binomial(n, q2, trials) / n
        pooled = (a + b) / 2
        z = (b - a) / np.sqrt(2 * pooled * (1 - pooled) / n)
        return float(np.mean(np.abs(z) > 1.959964))

    assert rejects(p1, p2) == pytest.approx(0.80, abs=0.025)
    assert rejects(p1, p1) == pytest.approx(0.05, abs=0.012)


@pytest.mark.parametrize("args", [(0.0, 0.1), (1.2, 0.1), (0.05, 0.0), (0.95, 0.1)])
def test_impossible_ab_settings_are_refused(args):
    with pytest.raises(AisdError):
        abtest.sample_size_per_arm(*args)


def test_mmr_keeps_the_order_at_lambda_one_and_diversifies_below():
    from aisd.recsys import diversify

    rng = np.random.default_rng(0)
    centres = np.eye(4)
    vectors = np.repeat(centres, 5, axis=0) + rng.normal(scale=0.05, size=(20, 4))    # 4 clusters of 5
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    items = list(range(20))
    scores = np.linspace(1, 0.5, 20)                   # the ranker prefers cluster 0, then 1, ...
    assert diversify.mmr(items, scores, vectors, k=5, weight=1.0) == [0, 1, 2, 3, 4]
    mixed = diversify.mmr(items, scores, vectors, k=4, weight=0.5)
    assert sorted(i // 5 for i in mixed) == [0, 1, 2, 3], f"one item per cluster expected, got {mixed}"
    assert mixed[0] == 0, "the best item comes first whatever lambda"
    before = diversify.intra_list_similarity([[0, 1, 2, 3]], vectors)
    after = diversify.intra_list_similarity([mixed], vectors)
    assert after < before - 0.5
    assert len(set(diversify.mmr(items, scores, vectors, k=20, weight=0.3))) == 20
    with pytest.raises(AisdError):
        diversify.mmr(items, scores, vectors, k=3, weight=1.5)
    with pytest.raises(AisdError):
        diversify.mmr(items, scores[:3], vectors, k=3)
