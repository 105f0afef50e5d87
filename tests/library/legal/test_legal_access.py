"""Access control in retrieval: the entitlement filter runs before ranking and is part of every cache key.

The checks are written as functions (``retrieval_violations``, ``cache_violations``) and run twice: on
the real implementation, which must pass, and on the two classic mistakes (filter after ranking; a
cache keyed by the question alone), which they must catch. So these tests cannot pass vacuously.
"""
from __future__ import annotations

import hashlib
import json
import re

import numpy as np
import pytest

from aisd.legal import data
from aisd.legal.access import AccessError, AuditLog, EntitledRetriever, ScopedCache, User, scope_key
from aisd.rag.generation import ExactCache, SemanticCache

MATTER_OF_LAW = {"aiact": "ai-startup", "cra": "ai-startup", "gdpr": "privacy", "dora": "bank", "nis2": "bank",
                 "csrd": "esg"}
BANK = User("bank-lawyer", frozenset({"bank"}))
AI = User("ai-lawyer", frozenset({"ai-startup"}))
AI_TOO = User("ai-paralegal", frozenset({"ai-startup"}))
NOBODY = User("intern", frozenset())
QUESTIONS = ["What is the maximum administrative fine for an undertaking?", "Who is a provider of an AI system?",
             "How fast must a personal data breach be notified?", "What must a contract with an ICT provider contain?"]


def hashed_embed(texts):
    """A stand-in for the embedding model inside this unit test: hashed bag of words, unit length."""
    out = np.zeros((len(texts), 256), dtype="float32")
    for i, t in enumerate(texts):
        for w in re.findall(r"[a-z]+", t.lower()):
            out[i, int(hashlib.md5(w.encode()).hexdigest(), 16) % 256] += 1
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


@pytest.fixture(scope="module")
def corpus():
    rows = [json.loads(line) for line in (data.FOLDER / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    return {r["_id"]: r["text"] for r in rows}


@pytest.fixture(scope="module")
def matter_of(corpus):
    return {i: MATTER_OF_LAW[i.split("/")[0]] for i in corpus}


@pytest.fixture(scope="module")
def retriever(corpus, matter_of):
    return EntitledRetriever(corpus, matter_of, embed=hashed_embed)


class FilterAfterRanking(EntitledRetriever):
    """The classic mistake: rank everything, then drop what the user may not see."""

    def search(self, user, query, config="bm25", k=5, depth=50):
        everything = User("all", frozenset(set(self.matter)))
        res = super().search(everything, query, config, k)
        allowed = {self.ids[r] for r in self.allowed_rows(user)}
        res.ids = [d for d in res.ids if d in allowed]
        return res


def retrieval_violations(retriever, matter_of, k=5) -> list[str]:
    """Every way a retriever breaks the rule, for every question, user and configuration."""
    found = []
    for user in (BANK, AI):
        for question in QUESTIONS:
            for config in ("bm25", "dense", "hybrid"):
                ids = retriever.search(user, question, config, k=k).ids
                if any(matter_of[d] not in user.matters for d in ids):
                    found.append(f"{config}: returned a forbidden chunk to {user.name}")
                if any(matter_of[d] not in user.matters for d in retriever.last_scored):
                    found.append(f"{config}: scored forbidden chunks for {user.name}")
                if len(ids) < k:
                    found.append(f"{config}: {len(ids)} results for {user.name}, not {k}: forbidden chunks took the places")
    return found


def test_the_filter_runs_before_ranking(retriever, matter_of):
    assert retrieval_violations(retriever, matter_of) == []


def test_the_check_catches_a_filter_moved_after_ranking(retriever, matter_of):
    wrong = FilterAfterRanking.__new__(FilterAfterRanking)
    wrong.__dict__.update(retriever.__dict__)               # the same indexes, searched the wrong way
    found = retrieval_violations(wrong, matter_of)
    assert any("scored forbidden" in f for f in found)
    assert any("took the places" in f for f in found), "post-filtering must visibly lose results here"


def test_a_user_with_no_matter_sees_nothing(retriever):
    assert retriever.search(NOBODY, QUESTIONS[0], "hybrid").ids == [] and retriever.last_scored == set()


def test_every_document_needs_a_matter(corpus):
    with pytest.raises(AccessError, match="no matter"):
        EntitledRetriever({"a/1": "x", "b/1": "y"}, {"a/1": "acme"})


def test_entitled_ranking_is_the_ranking_restricted_to_entitled_chunks(retriever):
    """Scoring a subset must not change the scores: same BM25 as over everything, forbidden rows removed."""
    q = QUESTIONS[0]
    full = retriever.bm25.scores(q)
    rows = retriever.allowed_rows(BANK)
    assert np.allclose(retriever._bm25_rows(q, rows), full[rows])
    best = [retriever.ids[rows[i]] for i in np.argsort(-full[rows], kind="stable")[:5]]
    assert retriever.search(BANK, q, "bm25", k=5).ids == best


def answer_as(user, question, retriever, cache, log):
    """A minimal answer path: cache by scope, else retrieve as the user; every answer audited."""
    cached = cache.get(user, question)
    if cached is not None:
        log.record(user, question, cached["sources"], cached=True)
        return cached
    ids = retriever.search(user, question, "hybrid", k=3).ids
    response = {"text": " ".join(f"[{i}]" for i in ids), "sources": ids}
    cache.put(user, question, response, sources=ids)
    log.record(user, question, ids)
    return response


def cache_violations(make_scoped_cache, retriever, matter_of) -> list[str]:
    """Ask as one user, then as users with other rights (same question, and a paraphrase for the semantic
    cache): nothing of a forbidden matter may come back, and the audit log must say what was shown."""
    found = []
    cache, log = make_scoped_cache(), AuditLog(clock=lambda: 0.0)
    for question in QUESTIONS:
        for user in (AI, BANK, AI_TOO):
            got = answer_as(user, question, retriever, cache, log)
            bad = [d for d in got["sources"] if matter_of[d] not in user.matters]
            if bad:
                found.append(f"{user.name} was served {bad} from the cache")
        paraphrase = question.replace("What", "Tell me what").replace("Who", "Tell me who")
        got = answer_as(BANK, paraphrase, retriever, cache, log)
        if any(matter_of[d] not in BANK.matters for d in got["sources"]):
            found.append("a paraphrase served another scope's answer")
    for rec in log.records:
        if any(matter_of[d] not in set(rec["scope"].split("|")) for d in rec["shown"]):
            found.append(f"audit: {rec['user']} was shown a forbidden passage")
    if not log.verify():
        found.append("audit log chain broken")
    return found


@pytest.mark.parametrize("inner", ["exact", "semantic"])
def test_the_cache_key_includes_the_entitlement_scope(inner, retriever, matter_of):
    def make_inner():
        if inner == "exact":
            return ExactCache(ttl=3600, clock=lambda: 0.0)
        return SemanticCache(hashed_embed, threshold=0.5, ttl=3600, clock=lambda: 0.0)
    allowed = lambda user, ids: all(matter_of[d] in user.matters for d in ids)      # noqa: E731
    assert cache_violations(lambda: ScopedCache(make_inner, allowed), retriever, matter_of) == []


def test_the_check_catches_a_cache_keyed_by_the_question_alone(retriever, matter_of):
    class Unscoped(ScopedCache):
        def _cache(self, user):                      # one cache for everybody: the scope left out of the key
            return self.scopes.setdefault("", self.make_cache())
    for inner in (lambda: ExactCache(ttl=3600, clock=lambda: 0.0),
                  lambda: SemanticCache(hashed_embed, threshold=0.5, ttl=3600, clock=lambda: 0.0)):
        found = cache_violations(lambda: Unscoped(inner), retriever, matter_of)
        assert any("from the cache" in f for f in found), found


def test_users_with_the_same_rights_share_a_scope_and_hit_the_cache(retriever):
    cache, log = ScopedCache(lambda: ExactCache(clock=lambda: 0.0)), AuditLog(clock=lambda: 0.0)
    answer_as(AI, QUESTIONS[1], retriever, cache, log)
    answer_as(AI_TOO, QUESTIONS[1], retriever, cache, log)
    assert scope_key(AI) == scope_key(AI_TOO) and [r["cached"] for r in log.records] == [False, True]


def test_an_answer_built_from_forbidden_passages_is_never_cached(matter_of):
    allowed = lambda user, ids: all(matter_of[d] in user.matters for d in ids)      # noqa: E731
    cache = ScopedCache(lambda: ExactCache(clock=lambda: 0.0), allowed)
    with pytest.raises(AccessError, match="outside their matters"):
        cache.put(BANK, "fines?", "GDPR fines", sources=["gdpr/83/5"])
    assert cache.get(BANK, "fines?") is None


def test_the_audit_log_records_persists_and_detects_tampering(tmp_path):
    path = tmp_path / "audit.jsonl"
    log = AuditLog(path, clock=lambda: 1.0)
    log.record(AI, "who is a provider?", ["aiact/3/3"])
    log.record(BANK, "contract terms?", ["dora/30/2"], cached=True)
    again = AuditLog(path)
    assert again.verify() and len(again.records) == 2
    assert again.who_saw("aiact/3/3") == ["ai-lawyer"] and again.records[1]["cached"] is True
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0].replace("aiact/3/3", "aiact/3/4"), lines[1]]) + "\n")
    assert not AuditLog(path).verify(), "an edited record must break the chain"
    path.write_text(lines[1] + "\n")
    assert not AuditLog(path).verify(), "a deleted record must break the chain"
