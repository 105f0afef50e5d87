"""The quote verifier: quotes verbatim in the cited chunk, cited chunks retrieved, claims cited."""
from __future__ import annotations

import json

import pytest

from aisd.legal import data
from aisd.legal.verify import (citation_precision, cited_ids, quote_exactness, sentences, verify_answer)


@pytest.fixture(scope="module")
def corpus():
    rows = [json.loads(line) for line in (data.FOLDER / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    return {r["_id"]: r["text"] for r in rows}


@pytest.fixture
def retrieved(corpus):
    return {i: corpus[i] for i in ("gdpr/83/5", "gdpr/83/4", "gdpr/33/1")}


def test_an_exact_quote_from_a_retrieved_chunk_passes(retrieved):
    answer = ('The higher tier is "up to 20 000 000 EUR, or in the case of an undertaking, up to 4 %" '
              "[GDPR Art. 83(5)]. A breach is notified \u201cnot later than 72 hours after having become aware of it\u201d "
              "[gdpr/33/1].")
    v = verify_answer(answer, retrieved)
    assert v.ok, v.problems
    assert v.cited == ["gdpr/83/5", "gdpr/33/1"] and v.quotes == v.quotes_found == 2
    assert v.supported_text() == " ".join(sentences(answer))


def test_a_quote_with_one_word_changed_fails(retrieved):
    v = verify_answer('Fines reach "up to 30 000 000 EUR" [GDPR Art. 83(5)].', retrieved)
    assert not v.ok and v.problems == ['quote not in the cited text: "up to 30 000 000 EUR"']


def test_a_true_quote_under_the_wrong_citation_fails(retrieved):
    """Verbatim somewhere is not enough: the quote must be in the chunk the sentence cites."""
    v = verify_answer('Fines reach "up to 20 000 000 EUR" [GDPR Art. 83(4)].', retrieved)
    assert not v.ok and v.problems[0].startswith("quote not in the cited text")


def test_citing_what_was_not_retrieved_fails(retrieved, corpus):
    v = verify_answer('Consent is "freely given" [GDPR Art. 4(11)].', retrieved)
    assert v.problems[0] == "cites gdpr/4/11, which was not retrieved"
    assert "gdpr/4/11" in corpus, "it exists: it just was not retrieved"


def test_a_point_is_covered_by_its_retrieved_paragraph(retrieved):
    v = verify_answer('Point (a) covers "the basic principles for processing" [GDPR Art. 83(5)(a)].', retrieved)
    assert v.ok, v.problems


def test_uncited_claims_and_empty_answers(retrieved):
    assert verify_answer("Fines are high.", retrieved).problems == ["no citation"]
    assert verify_answer("Fines are high.", retrieved, require_citation=False).ok
    assert not verify_answer("", retrieved).ok, "an empty answer verifies nothing"


def test_failing_sentences_are_removed_and_an_all_bad_answer_leaves_nothing(retrieved):
    answer = ('It is "up to 20 000 000 EUR" [GDPR Art. 83(5)]. It is also "up to 99 %" [GDPR Art. 83(5)]. '
              "Everyone agrees.")
    v = verify_answer(answer, retrieved)
    assert v.supported_text() == 'It is "up to 20 000 000 EUR" [GDPR Art. 83(5)].'
    assert verify_answer('"up to 99 %" [GDPR Art. 83(5)].', retrieved).supported_text() == ""


def test_quote_marks_and_spacing_do_not_matter_but_words_do(retrieved):
    assert verify_answer('It says "shall   without undue delay" [gdpr/33/1].', retrieved).ok
    assert not verify_answer('It says "shall without delay" [gdpr/33/1].', retrieved).ok


def test_sentence_splitting_keeps_citations_and_quotes_whole():
    assert sentences('See Art. 83. Then "a. b" [GDPR Art. 83(5)]. End') == \
        ["See Art. 83.", 'Then "a. b" [GDPR Art. 83(5)].', "End"]
    assert cited_ids("[gdpr/83/5; GDPR Art. 4(1)] [not a citation]") == ["gdpr/83/5", "gdpr/4/1"]


def test_the_metrics(retrieved):
    good = verify_answer('"up to 20 000 000 EUR" [gdpr/83/5].', retrieved)
    bad = verify_answer('"up to 5 EUR" [gdpr/83/4].', retrieved)
    assert quote_exactness([good, bad]) == 0.5
    assert citation_precision([good, bad], [{"gdpr/83/5"}, {"gdpr/83/5"}]) == 0.5
    assert citation_precision([good], [{"gdpr/83"}]) == 1.0, "citing inside a relevant article counts"
