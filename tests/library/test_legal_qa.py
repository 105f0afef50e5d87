"""Notebook 06's pieces: the precomputed vectors, the engines side by side, the entitled and cached search
(checked on the real implementation and on the two classic mistakes, which the checks must catch), the
sentence verifier, the citation parser and the retriever choice."""
from __future__ import annotations

import numpy as np
import pytest

from aisd.toolkit import datasets
from aisd.legal import access, citations, qa, vectors, verify
from aisd.legal.access import RowIndex, User, search_as
from aisd.legal.data import FOLDER
from aisd.runtime import embeddings

BANK = User("bank-lawyer", frozenset({"bank"}))
AI = User("ai-lawyer", frozenset({"ai-startup"}))
AI_TOO = User("ai-paralegal", frozenset({"ai-startup"}))
QUESTIONS = ["What must a contract with an ICT third-party service provider contain?", "Who is a provider of an AI system?",
             "How fast must a personal data breach be notified?"]


@pytest.fixture(scope="module")
def collection():
    return datasets.load_beir(FOLDER, "dev")


@pytest.fixture(scope="module")
def docs(collection):
    return collection.doc_texts()


@pytest.fixture(scope="module")
def entitled(docs):
    matter = {i: qa.MATTER_OF_LAW[i.split("/")[0]] for i in docs}
    return access.EntitledRetriever(docs, matter, embed=vectors.embed)


def test_the_vector_file_is_current_and_matches_the_model(docs):
    assert vectors.coverage() == 1.0, "datasets/eu_law_qa/chunk_vectors.npz is stale: run python -m aisd.legal.vectors"
    questions = list(datasets.load_beir(FOLDER, "dev").queries.values())
    assert vectors.coverage(questions + list(vectors.EXTRA_TEXTS)) == 1.0, "the questions' vectors are stale: run python -m aisd.legal.vectors"
    texts = list(docs.values())[:8]
    assert np.abs(vectors.embed(texts) - embeddings.embed(texts)).max() < 2e-3   # float16 storage


def search_violations(search) -> list[str]:
    """Every way an entitled, cached search breaks the rules, on real questions (run on right and wrong code)."""
    found = []
    for q in QUESTIONS:
        index = RowIndex(ENTITLED)
        got = search(BANK, q, 5, index, {})
        if any(index.matter[index.ids.index(c)] not in BANK.matters for c in got):
            found.append("returned a forbidden chunk")
        if any(index.matter[r] not in BANK.matters for r in index.scored):
            found.append("scored forbidden rows")
        if len(got) < 5:
            found.append("fewer than k results")
        cache, index = {}, RowIndex(ENTITLED)
        first = search(AI, q, 5, index, cache)
        calls = index.calls
        if search(AI_TOO, q, 5, index, cache) != first or index.calls != calls:
            found.append("no cache hit within a scope")
        if any(index.matter[index.ids.index(c)] not in BANK.matters for c in search(BANK, q, 5, index, cache)):
            found.append("cache served another scope")
    return found


def after_ranking(user, question, k, index, cache):
    key = (access.scope_key(user), question)
    if key not in cache:
        rows = np.arange(len(index.ids))
        ranked = [index.ids[i] for i in np.argsort(-index.score(question, rows))[:k]]
        cache[key] = [c for c in ranked if index.matter[index.ids.index(c)] in user.matters]
    return cache[key]


def question_keyed(user, question, k, index, cache):
    if question not in cache:
        rows = np.flatnonzero(np.isin(index.matter, sorted(user.matters)))
        cache[question] = [index.ids[rows[i]] for i in np.argsort(-index.score(question, rows))[:k]]
    return cache[question]


def test_search_as_filters_before_ranking_and_scopes_its_cache(entitled):
    global ENTITLED
    ENTITLED = entitled
    assert search_violations(search_as) == []


def test_the_checks_catch_a_filter_after_ranking_and_a_question_keyed_cache(entitled):
    global ENTITLED
    ENTITLED = entitled
    assert {"scored forbidden rows", "fewer than k results"} <= set(search_violations(after_ranking))
    assert "cache served another scope" in search_violations(question_keyed)


def test_no_matter_no_results(entitled):
    index = RowIndex(entitled)
    assert search_as(User("x", frozenset()), QUESTIONS[0], 5, index, {}) == [] and index.calls == 0


def test_sentence_problems_on_real_chunks(collection):
    text = {i: d["text"] for i, d in collection.corpus.items()}
    ctx = {"gdpr/33/1": text["gdpr/33/1"], "gdpr/83/5": text["gdpr/83/5"]}
    good = 'It applies "not later than 72 hours after having become aware of it" [GDPR Art. 33(1)].'
    assert verify.sentence_problems(good, ctx) == []
    assert len(verify.sentence_problems(qa.corrupt_quote(good), ctx)) == 1
    assert verify.sentence_problems('Fines "up to 20 000 000 EUR" [gdpr/83/5/a].', ctx) == []   # covered by 83(5)
    assert verify.sentence_problems('Fines "up to 20 000 000 EUR" [gdpr/33/1].', ctx) == [
        'quote not in the cited text: "up to 20 000 000 EUR"']
    assert verify.sentence_problems('It says "x" [gdpr/34/1].', ctx) == [
        "cites gdpr/34/1, which was not retrieved", 'quote not in the cited text: "x"']


def test_extractive_answers_quote_exactly(collection):
    text = {i: d["text"] for i, d in collection.corpus.items()}
    hits = [("gdpr/33/1", text["gdpr/33/1"]), ("gdpr/83/5", text["gdpr/83/5"])]
    answer = qa.extractive_answer("within how many hours must a breach be notified", hits)
    v = verify.verify_answer(answer, dict(hits))
    assert v.ok and v.quotes == 2 and v.cited == ["gdpr/33/1", "gdpr/83/5"]
    assert "72 hours" in answer


@pytest.mark.parametrize("text, want", [("GDPR Art. 83(5)(a)", "gdpr/83/5/a"), ("Art. 6(1), point (c) of the AI Act", "aiact/6/1/c"),
                                        ("art. 17 of the gdpr", "gdpr/17"), ("Art 21(2), point (d) of the NIS 2 Directive", "nis2/21/2/d")])
def test_citation_to_id(text, want):
    assert citations.citation_to_id(text) == want == citations.parse_citation(text).id


@pytest.mark.parametrize("bad", ["the GDPR", "Art. 5", "Article 12 of the democracy charter"])
def test_citation_to_id_refuses(bad):
    with pytest.raises(ValueError):
        citations.citation_to_id(bad)


def test_choose_retriever():
    res = {"a": {"ndcg@10": [0.5, 0.5], "p95_ms": 30.0}, "b": {"ndcg@10": [0.4, 0.6], "p95_ms": 10.0},
           "c": {"ndcg@10": [0.9], "p95_ms": 500.0}}
    assert qa.choose_retriever(res, 300) == "b" and qa.choose_retriever(res, 500) == "c"
    with pytest.raises(ValueError):
        qa.choose_retriever(res, 1)


def test_legal_search_configs_on_real_questions(collection, docs):
    s = qa.LegalSearch(docs, vectors.embed, {i: d["text"] for i, d in collection.corpus.items()})
    q = "GDPR Article 8(1) applies 'where point (a) of Article 6(1) applies': what legal basis is that?"
    for config in ("bm25", "fts5", "dense", "hybrid", "dense+xref"):
        assert len(s.search(q, config, 10).ids) == 10
    assert "gdpr/6/1" not in s.search(q, "bm25", 10).ids[:7] and "gdpr/6/1" in s.search(q, "bm25+xref", 10).ids


def test_the_design_passes_review_and_the_quiz_key_is_complete():
    from aisd.toolkit.design import review

    assert review(qa.design()) == [] and sorted(qa.quiz_legal()) == ["q1", "q2", "q3", "q4"]
