"""SQLite FTS5 as a second keyword engine: the database's own index, and the same engine over chunks."""
from __future__ import annotations

import json

import pytest

from aisd.legal import data
from aisd.legal.fts import Fts5Index, fts_query, search_db


@pytest.mark.parametrize("question, article", [
    ("right to erasure right to be forgotten", "gdpr/17"),
    ("data protection officer designation", "gdpr/37"),
    ("AI literacy of staff", "aiact/4"),
    ("register of information contractual arrangements ICT third-party", "dora/28"),
])
def test_the_database_index_finds_the_article(question, article):
    ids, scores = search_db(question, k=5)
    assert article in ids[:3], (question, ids)
    assert scores == sorted(scores, reverse=True) and all(s > 0 for s in scores), "higher is better"


def test_questions_are_never_read_as_fts5_syntax():
    for question in ['what does "NEAR" mean?', "AND OR NOT", "art. 83(5): -fines*", "col:value", "'quoted'"]:
        search_db(question, k=3)                       # no sqlite3.OperationalError
    assert search_db("?!", k=3) == ([], [])
    assert fts_query("Fines, fines and FINES") == '"fines" OR "and"'


def test_the_in_memory_index_ranks_chunks_like_sqlite_does():
    rows = [json.loads(line) for line in (data.FOLDER / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    docs = {r["_id"]: r["text"] for r in rows if r["_id"].startswith("gdpr/")}
    idx = Fts5Index(docs)
    ids, _ = idx.search("personal data breach notified 72 hours supervisory authority", k=3)
    assert ids[0] == "gdpr/33/1"
    assert idx.search("zzzzqqq", k=3) == ([], [])
    stemmed = Fts5Index(docs, tokenize="porter unicode61")
    assert stemmed.search("notifying breaches", k=10)[0] and not idx.search("notifyings", k=10)[0]
