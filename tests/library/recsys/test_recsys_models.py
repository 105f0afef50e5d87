"""Baselines, ALS (the numpy half-step against the ``implicit`` package), candidates and the ranker's
pieces, on small hand-made data and on the real MovieLens tuning window."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.metrics.pairwise import cosine_similarity

from aisd.core.errors import AisdError
from aisd.recsys import als, baselines as b, candidates as cand, data, metrics, ranker
from aisd.recsys.data import split_by_time


@pytest.fixture(scope="module")
def window():
    """MovieLens train matrix and the truth of the tuning window."""
    ml = data.load_movielens()
    s = split_by_time(ml.ratings)
    train = data.interaction_matrix(s.train, ml.n_users, ml.n_items)
    truth = {int(u): set(g) for u, g in s.tuning.groupby("user")["item"]}
    return train, truth, np.array(sorted(truth))


def test_top_k_never_returns_a_seen_item_and_breaks_ties_by_id():
    scores = np.array([[5.0, 5.0, 1.0, 5.0], [0.0, 0.0, 0.0, 0.0]])
    seen = sp.csr_matrix([[1, 0, 0, 0], [0, 0, 0, 0]])
    assert b.top_k(scores, seen, 2).tolist() == [[1, 3], [0, 1]]
    with pytest.raises(AisdError):
        b.top_k(scores, seen, 5)
    with pytest.raises(AisdError, match="shape"):
        b.top_k(scores, sp.csr_matrix((1, 4)), 2)


def test_item_similarity_is_the_cosine_of_the_item_columns():
    rng = np.random.default_rng(0)
    m = sp.csr_matrix((rng.random((40, 25)) < 0.2).astype("float32"))
    expected = cosine_similarity(m.T.toarray())
    np.fill_diagonal(expected, 0.0)
    assert np.allclose(b.item_similarity(m), expected, atol=1e-6)
    pruned = b.item_similarity(m, neighbours=3)
    assert ((pruned > 0).sum(axis=0) <= 3).all()
    kept = np.sort(expected, axis=0)[-3:]               # the three largest per column survive
    assert np.allclose(np.sort(pruned, axis=0)[-3:], kept, atol=1e-6)


def test_item_knn_scores_add_the_similarities_to_the_history():
    sim = np.array([[0, .6, .1, 0], [.6, 0, .3, 0], [.1, .3, 0, .9], [0, 0, .9, 0]])
    history = sp.csr_matrix([[1, 0, 1, 0]])
    assert np.allclose(b.item_knn_scores(history, sim), [[0.1, 0.9, 0.1, 0.9]])
    with pytest.raises(AisdError):
        b.item_knn_scores(sp.csr_matrix([[1, 0]]), sim)


def test_the_numpy_half_step_gives_the_factors_of_the_implicit_package():
    """One ALS iteration from the same start: implicit's exact (Cholesky) solver and solve_factors agree."""
    rng = np.random.default_rng(0)
    m = sp.random(60, 80, density=0.1, format="csr", random_state=1, dtype="float32")
    m.data[:] = 1
    users0 = rng.random((60, 5), dtype=np.float32) * 0.1
    items0 = rng.random((80, 5), dtype=np.float32) * 0.1
    fitted = als.fit_als(m, factors=5, iterations=1, exact=True, start=(users0, items0), alpha=10, regularization=0.1)
    users1 = als.solve_factors(m * 10, items0, 0.1)
    items1 = als.solve_factors((m * 10).T.tocsr(), users1, 0.1)
    scale = np.abs(users1).max()
    assert np.abs(fitted.user_factors - users1).max() < 1e-5 * scale
    assert np.abs(fitted.item_factors - items1).max() < 1e-5 * max(np.abs(items1).max(), 1e-6)


def test_the_half_step_solves_the_weighted_ridge_regression():
    """On a 2-item example, by hand: c = (3, 0) confidences, Y = I, reg 1: (I + diag(2, 0) + I) x = (3, 0)."""
    x = als.solve_factors(sp.csr_matrix([[3.0, 0.0]]), np.eye(2), 1.0)
    assert np.allclose(x, [[0.75, 0.0]])
    assert np.all(als.solve_factors(sp.csr_matrix((1, 2)), np.eye(2), 1.0) == 0), "no interaction, zero vector"
    with pytest.raises(AisdError):
        als.solve_factors(sp.csr_matrix([[1.0, 0.0, 0.0]]), np.eye(2), 1.0)


def test_fold_in_matches_implicits_recalculate_user():
    from implicit.cpu.als import AlternatingLeastSquares

    m = sp.random(50, 30, density=0.2, format="csr", random_state=2, dtype="float32")
    m.data[:] = 1
    model = als.fit_als(m, factors=4, iterations=3, regularization=0.5, alpha=5)
    reference = AlternatingLeastSquares(factors=4, regularization=0.5, alpha=5)
    reference.item_factors = model.item_factors
    expected = reference.recalculate_user(0, m[0])
    assert np.allclose(als.fold_in(model, m[0], regularization=0.5, alpha=5)[0], expected, atol=1e-4)


def test_fit_als_writes_nothing_to_stderr(capfd):
    m = sp.random(30, 20, density=0.3, format="csr", random_state=0, dtype="float32")
    als.fit_als(m, factors=3, iterations=2)
    assert capfd.readouterr().err == ""


def test_on_the_tuning_window_personal_models_beat_popularity_which_beats_chance(window):
    train, truth, users = window
    score = lambda lists: metrics.evaluate_lists(dict(zip(users.tolist(), lists.tolist())), truth, 10,
                                                 b.item_popularity(train))["recall@10"]
    rng = np.random.default_rng(0)
    chance = score(b.top_k(rng.random((len(users), train.shape[1])), train[users], 10))
    popular = score(b.most_popular(train, users, 10))
    knn = score(b.top_k(b.item_knn_scores(train[users], b.item_similarity(train)), train[users], 10))
    mf = als.fit_als(train)
    factorised = score(b.top_k(mf.scores(users), train[users], 10))
    assert chance < 0.02 < 0.07 < popular < 0.10, (chance, popular)
    assert knn > popular + 0.04 and factorised > popular + 0.05, (popular, knn, factorised)


def test_ann_candidates_find_almost_all_of_the_exact_top_items(window):
    train, _, users = window
    mf = als.fit_als(train, iterations=5)
    seen = train[users[:200]]
    approximate = cand.ann_candidates(mf.user_factors[users[:200]], mf.item_factors, seen, n=50, kind="hnsw")
    exact = b.top_k(mf.scores(users[:200]), seen, 50)
    overlap = np.mean([len(set(a) & set(e)) / 50 for a, e in zip(approximate.tolist(), exact.tolist())])
    assert overlap > 0.9, f"HNSW finds only {overlap:.2f} of the exact top 50"
    rows, cols = seen.nonzero()
    assert not (approximate[rows] == cols[:, None]).any(), "a candidate the user already saw"


def test_content_candidates_follow_the_history():
    emb = np.array([[1, 0], [0.95, 0.05], [0, 1], [0.05, 0.95]], dtype="float32")
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    got = cand.content_candidates(emb, sp.csr_matrix([[1, 0, 0, 0], [0, 0, 1, 0]]), n=1)
    assert got.tolist() == [[1], [3]]


def test_merge_and_candidate_recall():
    pool = cand.merge({"ann": np.array([[1, 2], [3, -1]]), "pop": np.array([[2, 4], [5, 6]])}, users=[0, 1])
    assert pool.loc[(pool.user == 0) & (pool.item == 2), ["ann_rank", "pop_rank"]].values.tolist() == [[2.0, 1.0]]
    assert pool.loc[(pool.user == 1) & (pool.item == 5), "ann_rank"].item() == cand.MISSING_RANK
    assert len(pool) == 6
    assert cand.candidate_recall(pool, {0: {1, 9}, 1: {6}}) == 0.75
    with pytest.raises(AisdError):
        cand.merge({"ann": np.array([[1]])}, users=[0, 1])


def test_ranker_pieces():
    pairs = pd.DataFrame({"user": [0, 0, 0, 1], "item": [1, 2, 3, 1]})
    labels = ranker.label_pairs(pairs, pd.DataFrame({"user": [0, 1, 1], "item": [3, 1, 1]}))
    assert labels.tolist() == [0, 0, 1, 1]
    rows = ranker.sample_negatives([1] + [0] * 99, per_positive=5)
    assert len(rows) == 6 and rows[0] == 0
    assert ranker.rank_lists(pairs, [0.1, 0.9, 0.5, 0.3], k=2) == {0: [2, 3], 1: [1]}
    with pytest.raises(AisdError, match="one class"):
        ranker.fit_ranker(pd.DataFrame({"a": [1.0, 2.0]}), [0, 0])
    with pytest.raises(AisdError, match="kind"):
        ranker.fit_ranker(pd.DataFrame({"a": [1.0, 2.0]}), [0, 1], kind="forest")


def test_the_gradient_boosted_ranker_learns_an_interaction_and_is_silent(capfd):
    rng = np.random.default_rng(0)
    x = pd.DataFrame({"a": rng.normal(size=2000), "b": rng.normal(size=2000)})
    y = ((x["a"] > 0) & (x["b"] > 0)).astype(int)
    model = ranker.fit_ranker(x, y)
    assert ((ranker.score_pairs(model, x) > 0.5) == y).mean() > 0.97
    assert capfd.readouterr().err == ""
