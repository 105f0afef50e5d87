"""Notebook 11's semantic cache: the cache itself on vectors a test can check by hand, the stored data (wordings,
their MiniLM vectors, the pairs), the replay's accounting of hits, wrong hits and stale hits, and the reference
choice of the threshold graded as the notebook grades it (held-out traffic, wrong hits within the budget)."""
from __future__ import annotations

import numpy as np
import pytest

from aisd.resilience import decisions, semcache


def _unit(*xs):
    v = np.array(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


def test_the_cache_serves_the_nearest_entry_at_or_above_its_threshold():
    cache = semcache.SemanticCache(threshold=0.9)
    assert cache.lookup(_unit(1, 0), now=0) is None                     # empty: a miss
    cache.store(_unit(1, 0), "A", now=0, question="qa")
    cache.store(_unit(0, 1), "B", now=0, question="qb")
    assert cache.lookup(_unit(1, 0.1)).answer == "A"                      # cosine 0.995
    assert cache.lookup(_unit(0.1, 1)).answer == "B"
    assert cache.lookup(_unit(1, 1)) is None                             # cosine 0.71 to both
    exact = semcache.SemanticCache(threshold=1.0)
    exact.store(_unit(3, 4), "C", question="qc")
    assert exact.lookup(_unit(3, 4)).answer == "C" and exact.lookup(_unit(3, 4.2)) is None
    cache.store(_unit(1, 0), "A2", now=5, question="qa")                  # the same vector replaces its entry
    assert len(cache) == 2 and cache.lookup(_unit(1, 0)).answer == "A2"


def test_ttl_expires_entries_and_invalidation_drops_changed_sources():
    cache = semcache.SemanticCache(threshold=0.9, ttl=10)
    cache.store(_unit(1, 0), "A", now=0, question="qa", sources=("typesseq/3",))
    cache.store(_unit(0, 1), "B", now=0, question="qb", sources=("with/1",))
    assert cache.lookup(_unit(1, 0), now=9).answer == "A"
    assert cache.lookup(_unit(1, 0), now=10) is None                     # expired
    fresh = semcache.SemanticCache(threshold=0.9)
    fresh.store(_unit(1, 0), "A", question="qa", sources=("typesseq/3",))
    fresh.store(_unit(0, 1), "B", question="qb", sources=("with/1",))
    assert fresh.invalidate({"typesseq"}) == 1                           # by topic
    assert fresh.lookup(_unit(1, 0)) is None and fresh.lookup(_unit(0, 1)).answer == "B"
    assert fresh.invalidate({"with/1"}) == 1 and len(fresh) == 0         # by passage


def test_the_wordings_and_their_stored_vectors_match():
    rows = semcache.wordings()
    assert len(rows) == 342 and len({r["question"] for r in rows}) == 114
    assert {r["split"] for r in rows} == {"tuning", "heldout"}
    texts = [r["text"] for r in rows]
    assert len(set(texts)) == len(texts), "every wording is different"
    stored = np.load(semcache.VECTORS)
    assert stored["texts"].tolist() == texts, "cache_vectors.npz is stale: run aisd precompute 11 vectors"
    v = semcache.vectors_for(texts[:5])
    assert v.shape == (5, 384) and np.allclose(np.linalg.norm(v, axis=1), 1, atol=1e-3)
    assert semcache.vectors_meta()["texts"] == 342


def test_paraphrases_are_closer_than_other_questions_on_the_whole():
    pairs = semcache.pairs("tuning")
    same, other = pairs[pairs["same_question"]], pairs[~pairs["same_question"]]
    assert len(same) == 171 and same["similarity"].median() > other["similarity"].quantile(0.99)


def test_replay_counts_hits_wrong_hits_and_stale_hits():
    a, b = _unit(1, 0), _unit(0.8, 0.6)                                  # two questions, cosine 0.8
    stream = [{"t": 0, "question": "qa", "vector": a, "sources": ("dict/1",)},
              {"t": 1, "question": "qb", "vector": b, "sources": ()},
              {"t": 2, "question": "qa", "vector": a, "sources": ("dict/1",)}]
    strict, loose = semcache.replay(stream, 0.9), semcache.replay(stream, 0.7)
    assert (strict["hits"], strict["wrong_hits"]) == (1, 0) and strict["outcomes"] == ["miss", "miss", "hit"]
    assert (loose["hits"], loose["wrong_hits"]) == (2, 1) and loose["outcomes"] == ["miss", "wrong", "hit"]
    update = semcache.DocUpdate(at=2, topics=frozenset({"dict"}))
    stale = semcache.replay(stream, 0.9, update=update)
    assert stale["stale_hits"] == 1 and stale["outcomes"][-1] == "stale"
    assert semcache.replay(stream, 0.9, update=update, invalidate=True)["stale_hits"] == 0
    with pytest.raises(semcache.CacheDataError):
        semcache.replay([{"text": "no vector"}], 0.9)


def test_streams_are_seeded_and_zipf_shaped():
    one, two = semcache.make_stream("heldout", 300, seed=5), semcache.make_stream("heldout", 300, seed=5)
    assert [r["text"] for r in one] == [r["text"] for r in two]
    counts = np.sort(np.unique([r["question"] for r in one], return_counts=True)[1])[::-1]
    assert counts[0] > 5 * np.median(counts), "a few questions are asked far more often than the rest"
    assert {r["question"] for r in one} <= {r["question"] for r in semcache.wordings("heldout")}
    with pytest.raises(semcache.CacheDataError):
        semcache.make_stream("dev", 10)


def test_the_reference_threshold_keeps_held_out_traffic_within_the_budget():
    pairs = semcache.pairs("tuning")
    days = [semcache.make_stream("heldout", 1000, seed=s) for s in (61, 62)]
    for budget in (0.01, 0.003):
        t = decisions.choose_cache_threshold(pairs, budget)
        runs = [semcache.replay(d, t) for d in days]
        exact = [semcache.replay(d, 1.0) for d in days]
        assert sum(r["wrong_hits"] for r in runs) / 2000 <= budget
        assert sum(r["hits"] for r in runs) > sum(r["hits"] for r in exact)
    assert decisions.choose_cache_threshold(pairs, 0.5) < decisions.choose_cache_threshold(pairs, 0.0)


def test_the_distillation_data_and_student():
    from aisd.resilience import distill

    labels = distill.teacher_labels()
    assert set(labels["split"]) == {"tuning", "heldout"} and set(labels["teacher"]) == {"ok", "violating"}
    assert labels["post"].is_unique and (labels["seconds"] > 0).all()
    vectors = distill.vectors_for(labels["post"])
    assert vectors.shape == (len(labels), 384), "distill_vectors.npz is stale: run aisd precompute 11 vectors"
    assert distill.vectors_meta()["posts"] == len(labels)
    with pytest.raises(distill.DistillError):
        distill.vectors_for(["a post that was never embedded"])
    tune = labels["split"] == "tuning"
    student = distill.train_student(vectors[tune.to_numpy()], labels.loc[tune, "teacher"])
    assert set(student.predict(vectors[~tune.to_numpy()])) <= {"ok", "violating"}
