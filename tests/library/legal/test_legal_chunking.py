"""Structure-aware legal chunking: titles, paragraphs and points read from the numbering; citation paths."""
from __future__ import annotations

import json
import re

import pytest

from aisd.legal import chunking, data
from aisd.legal.citations import format_citation, parse_citation


@pytest.fixture(scope="module")
def articles():
    return data.load_articles()


@pytest.fixture(scope="module")
def chunks(articles):
    return chunking.chunk_laws(articles)


def test_every_article_has_a_title_and_a_body_that_starts_like_a_sentence(articles):
    """The source runs title and body together; the split must hold on every article of the corpus."""
    for a in articles:
        title, body = chunking.split_title(a.text)
        assert title, f"{a.id}: no title found in {a.text[:80]!r}"
        assert len(title) < 200, f"{a.id}: title swallowed the body: {title[:120]!r}"
        assert re.match(r"[A-Z0-9‘(]", body), f"{a.id}: body starts mid-sentence: {body[:60]!r}"


def test_paragraphs_are_numbered_in_order_and_rebuild_the_article(articles):
    for a in articles:
        parsed = chunking.parse_article(a.text)
        if parsed.numbered:
            assert [u.label for u in parsed.units] == [str(i) for i in range(1, len(parsed.units) + 1)], a.id
    gdpr83 = chunking.parse_article(next(a for a in articles if a.id == "gdpr/83").text)
    assert len(gdpr83.units) == 9 and gdpr83.units[4].text.startswith("Infringements of the following")
    assert [p.label for p in gdpr83.units[1].points] == list("abcdefghijk")


def test_roman_sub_points_are_not_taken_for_point_i(articles):
    """AI Act Art. 5(1)(h) lists objectives (i), (ii), (iii): they belong to (h), there is no point (i)."""
    five = chunking.parse_article(next(a for a in articles if a.id == "aiact/5").text)
    assert [p.label for p in five.units[0].points] == list("abcdefgh")
    dora5 = chunking.parse_article(next(a for a in articles if a.id == "dora/5").text)
    assert [p.label for p in dora5.units[1].points] == list("abcdefghi"), "DORA 5(2) does have a point (i)"


def test_chunk_ids_are_unique_and_every_text_is_verbatim_from_its_article(articles, chunks):
    text_of = {a.id: a.text for a in articles}
    ids = [c.id for c in chunks]
    assert len(ids) == len(set(ids))
    for c in chunks:
        assert c.text and c.text in text_of[f"{c.law}/{c.article}"], f"{c.id} is not verbatim from its article"


def test_citation_paths_round_trip(chunks):
    for c in chunks:
        assert format_citation(parse_citation(c.citation)) == c.citation
        assert parse_citation(c.citation).id == c.id
    by_id = {c.id: c for c in chunks}
    assert by_id["gdpr/83/5"].citation == "GDPR Art. 83(5)"
    assert by_id["gdpr/9/2/a"].citation == "GDPR Art. 9(2)(a)"
    assert by_id["aiact/3/1"].text.startswith("‘AI system’ means")
    assert "CHAPTER VIII" in by_id["gdpr/83/5"].header() and "Art. 83 General conditions" in by_id["gdpr/83/5"].header()


def test_levels_nest(articles):
    gdpr9 = [a for a in articles if a.id == "gdpr/9"]
    art = chunking.chunk_laws(gdpr9, "article")
    para = chunking.chunk_laws(gdpr9, "paragraph", max_chars=100_000)
    point = chunking.chunk_laws(gdpr9, "point")
    assert [c.id for c in art] == ["gdpr/9"]
    assert [c.id for c in para] == [f"gdpr/9/{i}" for i in range(1, 5)]
    assert "gdpr/9/2/a" in [c.id for c in point] and len(point) > len(para)
    with pytest.raises(data.LegalDataError, match="level"):
        chunking.chunk_laws(gdpr9, "sentence")


def test_the_committed_corpus_is_what_the_chunker_writes(tmp_path):
    """datasets/eu_law_qa/corpus.jsonl is regenerated exactly by `python -m aisd.legal.chunking`."""
    n = chunking.write_corpus(tmp_path / "corpus.jsonl")
    committed = (data.FOLDER / "corpus.jsonl").read_text(encoding="utf-8")
    assert (tmp_path / "corpus.jsonl").read_text(encoding="utf-8") == committed
    rows = [json.loads(line) for line in committed.splitlines()]
    assert n == len(rows) > 2000
    assert all(r["metadata"]["citation"] and r["title"] for r in rows)
