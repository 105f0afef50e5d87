"""Notebook 06's pieces: the precomputed vectors, the engines side by side (cross-references, named citations),
the entitled and cached search (checked on the real implementation and on the two classic mistakes, which the
checks must catch), the sentence verifier (quotes, numbers, support), the stored LLM answers, the citation
parser and the decisions."""
from __future__ import annotations

import numpy as np
import pytest

from aisd.legal import access, answers, citations, decisions, evaluate, precompute, search, support, system, vectors, verify
from aisd.legal.access import RowIndex, User, search_as
from aisd.legal.data import load_questions, load_split
from aisd.runtime import embeddings
from aisd.toolkit.answer_store import load

BANK = User("bank-lawyer", frozenset({"bank"}))
AI = User("ai-lawyer", frozenset({"ai-startup"}))
AI_TOO = User("ai-paralegal", frozenset({"ai-startup"}))
QUESTIONS = ["What must a contract with an ICT third-party service provider contain?", "Who is a provider of an AI system?",
             "How fast must a personal data breach be notified?"]


@pytest.fixture(scope="module")
def collection():
    return load_split("tuning")


@pytest.fixture(scope="module")
def docs(collection):
    return collection.doc_texts()


@pytest.fixture(scope="module")
def entitled(docs):
    matter = {i: access.MATTER_OF_LAW[i.split("/")[0]] for i in docs}
    return access.EntitledRetriever(docs, matter, embed=vectors.embed)


def test_the_vector_file_is_current_and_matches_the_model(docs):
    assert vectors.coverage() == 1.0, "datasets/eu_law_qa/chunk_vectors.npz is stale: run aisd precompute 06 vectors"
    questions = list(load_split("tuning").queries.values())
    assert vectors.coverage(questions + list(vectors.EXTRA_TEXTS)) == 1.0, "the questions' vectors are stale: run aisd precompute 06 vectors"
    assert vectors.coverage(vectors.support_texts()) == 1.0, \
        "the answers' sentences have no stored vectors (new stored answers?): run aisd precompute 06 vectors"
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
    assert len(verify.sentence_problems(answers.corrupt_quote(good), ctx)) == 1
    assert verify.sentence_problems("Controllers must notify a breach within 48 hours [gdpr/33/1].", ctx) == [
        "number not in the cited text: 48"], "an unquoted paraphrase with a changed number fails"
    assert verify.sentence_problems("Notify within seventy-two hours [gdpr/33/1].", ctx) == []
    assert verify.sentence_problems('Fines "up to 20 000 000 EUR" [gdpr/83/5/a].', ctx) == []   # covered by 83(5)
    assert verify.sentence_problems('Fines "up to 20 000 000 EUR" [gdpr/33/1].', ctx) == [
        'quote not in the cited text: "up to 20 000 000 EUR"']
    assert verify.sentence_problems('It says "x" [gdpr/34/1].', ctx) == [
        "cites gdpr/34/1, which was not retrieved", 'quote not in the cited text: "x"']


def test_extractive_answers_quote_exactly(collection):
    text = {i: d["text"] for i, d in collection.corpus.items()}
    hits = [("gdpr/33/1", text["gdpr/33/1"]), ("gdpr/83/5", text["gdpr/83/5"])]
    answer = answers.extractive_answer("within how many hours must a breach be notified", hits)
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
    assert decisions.choose_retriever(res, 300) == "b" and decisions.choose_retriever(res, 500) == "c"
    with pytest.raises(ValueError):
        decisions.choose_retriever(res, 1)


def test_choose_min_support_weighs_the_two_errors():
    scores, supported = [0.9, 0.7, 0.6, 0.5, 0.2], [True, True, False, True, False]
    assert decisions.choose_min_support(scores, supported, wrong_cost=100, drop_cost=40) == 0.65   # drop the 0.5 too
    assert decisions.choose_min_support(scores, supported, wrong_cost=10, drop_cost=40) == 0.35    # keep the 0.6
    with pytest.raises(ValueError):
        decisions.choose_min_support([], [], wrong_cost=1, drop_cost=1)


def test_legal_search_configs_on_real_questions(collection, docs):
    s = search.LegalSearch(docs, vectors.embed, {i: d["text"] for i, d in collection.corpus.items()})
    q = "GDPR Article 8(1) applies 'where point (a) of Article 6(1) applies': what legal basis is that?"
    for config in ("bm25", "fts5", "dense", "hybrid", "hybrid_z", "dense+xref", "dense+xref+cite"):
        assert len(s.search(q, config, 10).ids) == 10
    assert "gdpr/6/1" not in s.search(q, "bm25", 10).ids[:7] and "gdpr/6/1" in s.search(q, "bm25+xref", 10).ids
    named = "NIS2 Article 34(4) fines infringements of Article 21 or 23. What does Article 21 require?"
    assert search.named_chunks(named, s.chunk_ids)[0].startswith("nis2/21/")
    assert s.search(named, "dense+cite", 10).ids[0].startswith("nis2/21/")
    assert search.named_chunks("What does Article 21 require?", s.chunk_ids) == [], "no law named: no lookup"


def test_support_scores_separate_a_supported_claim_from_a_wrong_provision(collection, docs):
    scorer = support.SupportScorer(vectors.embed, docs)
    claim = "A personal data breach must be notified to the supervisory authority within 72 hours [gdpr/33/1]."
    assert scorer.score(claim, ["gdpr/33/1"]) > scorer.score(claim, ["aiact/99/3"]) + 0.2
    v = verify.verify_answer(claim.replace("gdpr/33/1", "aiact/99/3"), {"aiact/99/3": "fines"}, support=scorer,
                             min_support=0.5)
    assert any(p.startswith("claim not supported") for p in v.problems)


def test_the_stored_llm_answers_are_the_requests_the_notebook_makes():
    """Every stored answer is one the notebook asks for (same prompt, passages, max_tokens), held-out ones first."""
    stored = load(answers.STORE)
    assert stored, "no stored answers: run aisd precompute 06 answers"
    from aisd.runtime.models import tier_of
    from aisd.toolkit.answer_store import request_key

    requests = answers.requests(*vectors.legal_search())
    model = tier_of("small").alias
    asked = {request_key(model, m, answers.MAX_TOKENS): (q, split) for q, split, m in requests}
    assert set(stored) <= set(asked), "stored answers the notebook no longer asks for: rerun aisd precompute 06 answers"
    splits = [asked[k][1] for k in stored]
    assert splits == sorted(splits), "held-out answers are generated first"
    assert all(r["model"] == model for r in stored.values())


def test_judge_answers_counts_unsupported_sentences_and_declines():
    rows = evaluate.judge_answers({"a": "It is 48 hours [gdpr/33/1].", "b": "", "c": 'It says "72 hours" [gdpr/33/1].'},
                                  {q: {"gdpr/33/1": "not later than 72 hours"} for q in "abc"},
                                  {"a": {"gdpr/33/1"}, "b": set(), "c": set()}, answers.is_not_found)
    assert rows["unsupported"].tolist() == [1, 0, 0] and rows["declined"].tolist() == [False, True, False]
    assert rows["hallucinated"].tolist() == [True, False, True], "answering an unanswerable question is a hallucination"
    table = evaluate.hallucination_table({"x": rows})
    assert table.loc["x", "unsupported sentences"].estimate == 0.5 and table.loc["x", "declined"].low > 0


def test_the_requirements_and_design():
    from aisd.toolkit.design import review

    req = system.REQUIREMENTS
    assert review(system.DESIGN) == [] and req.wrong_answer_cost_usd > req.escalation_cost_usd
    assert req.replace(lawyers=800).questions_per_day == 2 * req.questions_per_day
    assert set(load_questions()["split"]) == {"tuning", "heldout"}


def test_a_budget_of_unsupported_claims_becomes_the_lowest_threshold_that_meets_it():
    scores, supported = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4], [True, False, True, False, True, False]
    assert decisions.choose_support_threshold(scores, supported, 1.0) == 0.4, "anything goes: keep everything"
    t = decisions.choose_support_threshold(scores, supported, 1 / 3)
    assert t == 0.600001, "one unsupported claim of three may pass: the 0.8 one; everything from 0.7 up is kept"
    assert decisions.choose_support_threshold(scores, supported, 0.0) > 0.8
    assert decisions.unsupported_budget()[0] <= system.REQUIREMENTS.unsupported_kept_ceiling
    with pytest.raises(ValueError):
        decisions.choose_support_threshold([0.9], [True], 0.1)
