"""Citation strings to paths and back; cross-references found in the laws' own text and resolved."""
from __future__ import annotations

import json

import pytest

from aisd.legal import data
from aisd.legal.citations import (ChunkIds, Citation, CitationError, citation_from_id, expand_with_references,
                                  find_references, format_citation, parse_citation, resolve)


@pytest.fixture(scope="module")
def corpus():
    rows = [json.loads(line) for line in (data.FOLDER / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    return {r["_id"]: r["text"] for r in rows}


@pytest.mark.parametrize("text, expected", [
    ("GDPR Art. 83(5)(a)", "gdpr/83/5/a"),
    ("Article 83(5)(a) GDPR", "gdpr/83/5/a"),
    ("Article 83(5), point (a), of the GDPR", "gdpr/83/5/a"),
    ("art 6(1) of the AI Act", "aiact/6/1"),
    ("Article 3(1) of Regulation (EU) 2024/1689", "aiact/3/1"),
    ("NIS 2 Directive Article 23(4)(b)", "nis2/23/4/b"),
    ("Cyber Resilience Act, Article 14", "cra/14"),
    ("DORA Art. 30(2)(h)", "dora/30/2/h"),
])
def test_citations_in_their_usual_spellings(text, expected):
    assert parse_citation(text).id == expected


def test_the_canonical_form_round_trips():
    c = Citation("gdpr", 83, ("5", "a"))
    assert format_citation(c) == "GDPR Art. 83(5)(a)"
    assert parse_citation(format_citation(c)) == c
    assert citation_from_id(c.id) == c


@pytest.mark.parametrize("bad", ["GDPR", "Article 5 of the Treaty", "", "gdpr 83"])
def test_bad_citations_are_clear_errors(bad):
    with pytest.raises(CitationError):
        parse_citation(bad)
    with pytest.raises(ValueError):          # a CitationError is also a ValueError
        parse_citation(bad)


def test_a_citation_without_a_law_uses_the_default():
    assert parse_citation("Article 50(2)", default_law="aiact").id == "aiact/50/2"
    with pytest.raises(CitationError, match="chunk id"):
        citation_from_id("x/1")


def test_references_in_real_text(corpus):
    """Lists, ranges, points and paragraphs of the same article, and references to other acts."""
    refs = [r.citation.id for r in find_references(corpus["gdpr/83/4"], "gdpr", 83)]
    assert refs[0] == "gdpr/83/2", "'in accordance with paragraph 2' is this article's paragraph 2"
    assert {"gdpr/8", "gdpr/11", "gdpr/25", "gdpr/39", "gdpr/42", "gdpr/43"} <= set(refs)
    assert "gdpr/40" not in refs[:15], "'25 to 39' ends at 39"
    assert [r.citation.id for r in find_references(corpus["gdpr/8/1"], "gdpr", 8)][0] == "gdpr/6/1/a"
    cra = [r.citation.id for r in find_references(corpus["cra/12/1"], "cra", 12)]
    assert cra[:2] == ["aiact/15", "aiact/6"], "'Article 6 of that Regulation' is the AI Act, named just before"


@pytest.mark.parametrize("text, ids", [
    ("as referred to in Articles 9 and 10", ["aiact/9", "aiact/10"]),
    ("referred to in Article 50", ["aiact/50"]),
    ("pursuant to Article 6(1)", ["aiact/6/1"]),
    ("Articles 16 to 18", ["aiact/16", "aiact/17", "aiact/18"]),
    ("Article 5 of Regulation (EU) No 182/2011", []),
    ("Article 35 of Regulation (EU) 2016/679", ["gdpr/35"]),
    ("no reference here, only 2 August 2026", []),
])
def test_reference_patterns(text, ids):
    assert [r.citation.id for r in find_references(text, "aiact")] == ids


def test_references_resolve_to_corpus_chunks(corpus):
    ids = set(corpus)
    assert resolve(Citation("gdpr", 6, ("1", "a")), ids) == ["gdpr/6/1"], "an unsplit paragraph holds its points"
    assert resolve(Citation("gdpr", 9, ("2",)), ids)[:2] == ["gdpr/9/2", "gdpr/9/2/a"]
    assert resolve(Citation("aiact", 200), ids) == []
    whole = resolve(Citation("gdpr", 83), ids)
    assert whole[0] == "gdpr/83/1" and "gdpr/83/9" in whole


def test_every_reference_of_the_five_main_laws_resolves(corpus):
    """Except the CSRD (its text amends other directives), a reference names a provision of the corpus;
    a few point to the parts the source cut at 10,000 characters."""
    ids, missed, total = ChunkIds(corpus), [], 0
    for cid, text in corpus.items():
        c = citation_from_id(cid)
        if c.law == "csrd":
            continue
        for ref in find_references(text, c.law, c.article):
            total += 1
            if not resolve(ref.citation, ids):
                missed.append((cid, ref.text))
    assert total > 2000
    assert len(missed) / total < 0.02, missed[:20]


def test_expanding_a_context_with_what_it_refers_to(corpus):
    out = expand_with_references(["gdpr/83/6"], corpus, k_extra=2)
    assert out[0] == "gdpr/83/6" and out[1:] == ["gdpr/58/2", "gdpr/83/2"]
    assert expand_with_references(["gdpr/83/6"], corpus, k_extra=0) == ["gdpr/83/6"]
