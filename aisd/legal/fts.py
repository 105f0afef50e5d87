"""SQLite FTS5 as a second keyword engine: the database's own index (article level), and the same engine
over any chunks, so its BM25 can be compared with the course's (:class:`aisd.toolkit.retrieval.BM25Index`).

FTS5's ``bm25()`` is Okapi BM25 (k1 = 1.2, b = 0.75) over its own tokens: the ``unicode61`` tokenizer
(lower case, no stemming, no stop words); it returns *lower is better* scores, negated here.
A question is turned into an OR of its quoted words, so any word may match and no word is read as
FTS5 syntax (``NEAR``, ``-``, ``:``).

>>> idx = Fts5Index({"a": "fines for controllers", "b": "consent of a child", "c": "records"})
>>> idx.search("what fines apply?", k=2)[0]
['a']
>>> fts_query("Art. 83(5): fines?")
'"art" OR "83" OR "5" OR "fines"'
"""
from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from aisd.legal.data import BY_CELEX, db_path

_TOKEN = re.compile(r"\w+", re.UNICODE)


def fts_query(question: str, stop_words: frozenset[str] = frozenset()) -> str:
    """An FTS5 MATCH expression: the question's words, each quoted, joined by OR ("" if it has none).

    >>> fts_query('What does "NEAR" mean?', stop_words=frozenset({"what", "does"}))
    '"near" OR "mean"'
    """
    words = [w for w in _TOKEN.findall(question.lower()) if w not in stop_words]
    return " OR ".join(f'"{w}"' for w in dict.fromkeys(words))


def search_db(question: str, k: int = 10, db: str | Path | None = None) -> tuple[list[str], list[float]]:
    """The shipped database's FTS5 index, as it is: the ``k`` best *articles* (ids ``law/number``) with
    their BM25 scores (higher is better).

    >>> search_db("right to erasure right to be forgotten", k=1)[0]       # doctest: +SKIP
    ['gdpr/17']
    """
    query = fts_query(question)
    if not query:
        return [], []
    con = sqlite3.connect(f"file:{Path(db or db_path())}?mode=ro", uri=True)
    try:
        rows = con.execute("SELECT a.celex, a.article_number, bm25(articles_fts) FROM articles_fts "
                           "JOIN articles a ON a.id = articles_fts.rowid WHERE articles_fts MATCH ? "
                           "ORDER BY bm25(articles_fts) LIMIT ?", (query, k)).fetchall()
    finally:
        con.close()
    return [f"{BY_CELEX[c].key}/{n}" for c, n, _ in rows], [-float(s) for _, _, s in rows]


class Fts5Index:
    """An in-memory FTS5 table over ``docs`` (``{id: text}``), searched with SQLite's BM25.

    ``tokenize`` is the FTS5 tokenizer spec (default ``unicode61``; ``"porter unicode61"`` stems).

    >>> Fts5Index({"a": "notifying a breach", "b": "fines"}, tokenize="porter unicode61").search("notified", 1)[0]
    ['a']
    """

    def __init__(self, docs: dict[str, str], tokenize: str = "unicode61"):
        self.ids = list(docs)
        self.con = sqlite3.connect(":memory:")
        self.con.execute(f"CREATE VIRTUAL TABLE chunks USING fts5(text, tokenize = '{tokenize}')")
        self.con.executemany("INSERT INTO chunks(rowid, text) VALUES (?, ?)",
                             ((i + 1, docs[d]) for i, d in enumerate(self.ids)))
        self.con.commit()

    def search(self, question: str, k: int = 10) -> tuple[list[str], list[float]]:
        """The ``k`` best ids and their BM25 scores (higher is better; only documents sharing a word)."""
        query = fts_query(question)
        if not query:
            return [], []
        rows = self.con.execute("SELECT rowid, bm25(chunks) FROM chunks WHERE chunks MATCH ? "
                                "ORDER BY bm25(chunks) LIMIT ?", (query, k)).fetchall()
        return [self.ids[r - 1] for r, _ in rows], [-float(s) for _, s in rows]
