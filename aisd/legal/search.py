"""Notebook 06's search engines side by side: the course's :class:`~aisd.toolkit.retrieval.Retriever` (BM25, dense,
``hybrid`` as notebook 02 fused it with RRF, ``hybrid_z`` fused from z-scores, the recipe without tuning data) and
SQLite FTS5 over the same chunk texts, with two legal additions a config can ask for:

- ``+xref``: keep the top ``k - extra`` of the base and fill the rest with the chunks they refer to
  (:func:`~aisd.legal.citations.expand_with_references`), then the base's next ones;
- ``+cite``: a provision the *question* names ("What does Article 21 of NIS2 require?") is looked up exactly
  (:func:`named_chunks`) and put first, up to ``extra`` chunks; the base (with ``+xref`` if asked) fills the rest.

>>> docs = {"gdpr/8/1": "where point (a) of Article 6(1) applies", "gdpr/6/1/a": "consent given", "gdpr/5/1": "lawfulness"}
>>> s = LegalSearch(docs, embed=None, plain=docs)
>>> s.search("point (a) applies", "bm25+xref", k=2, extra=1).ids
['gdpr/8/1', 'gdpr/6/1/a']
>>> s.search("What does GDPR Article 5(1) say?", "bm25+cite", k=2, extra=1).ids[0]
'gdpr/5/1'
"""
from __future__ import annotations

import re
import time

from aisd.legal.citations import ALIASES, ChunkIds, expand_with_references, find_references, resolve
from aisd.legal.fts import Fts5Index
from aisd.toolkit.retrieval import Retriever
from aisd.toolkit.retrieval.pipeline import SearchResult

_LAW_IN_TEXT = sorted(((name, law) for law, names in ALIASES.items() for name in names), key=lambda p: -len(p[0]))


def named_law(question: str) -> str | None:
    """The law a question names (its longest alias found as a whole word, any case), else ``None``.

    >>> named_law("What does NIS2 Article 21 require?"), named_law("What is a provider?")
    ('nis2', None)
    """
    for name, law in _LAW_IN_TEXT:
        if re.search(r"(?<![\w/])" + re.escape(name) + r"(?![\w/])", question, flags=re.IGNORECASE):
            return law
    return None


def named_chunks(question: str, ids: ChunkIds, per_citation: int = 2) -> list[str]:
    """The chunks of the provisions a question names, in the order named (the first ``per_citation`` chunks of
    each: a named article is its first paragraphs). A question naming no law names nothing here: "Article 6"
    of which act? The last provision named comes first: "X refers to Article 21: what does Article 21 require?"
    asks about the last one.

    >>> named_chunks("What does NIS2 Article 21(2) require?", ChunkIds(["nis2/21/1", "nis2/21/2"]))
    ['nis2/21/2']
    """
    law = named_law(question)
    if law is None:
        return []
    out: list[str] = []
    for ref in reversed(find_references(question, law)):
        for cid in resolve(ref.citation, ids)[:per_citation]:
            if cid not in out:
                out.append(cid)
    return out


class LegalSearch:
    """BM25, FTS5, dense and hybrid search over the chunks (``docs``: ``{id: title + text}``, what is indexed;
    ``plain``: ``{id: text}``, what references are read from) behind one ``search(question, config, k)``, where
    ``config`` is a base (:data:`CONFIGS`) with ``+xref`` and/or ``+cite`` (see the module docstring)."""

    CONFIGS = ("bm25", "fts5", "dense", "hybrid", "hybrid_z")   # hybrid: 02's RRF; hybrid_z: z-score fusion

    def __init__(self, docs: dict[str, str], embed, plain: dict[str, str], **retriever_options):
        self.retriever = Retriever(docs, embed=embed, **retriever_options)
        t = time.perf_counter()
        self.fts = Fts5Index(docs)
        self.retriever.build_seconds["fts5"] = time.perf_counter() - t
        self.plain = plain
        self.chunk_ids = ChunkIds(plain)

    def search(self, question: str, config: str = "dense", k: int = 10, extra: int = 3) -> SearchResult:
        base, *options = config.split("+")
        if base == "fts5":
            t = time.perf_counter()
            ids, scores = self.fts.search(question, k)
            res = SearchResult(ids, scores, {"fts5": time.perf_counter() - t})
        elif base == "hybrid_z":
            res = self.retriever.search(question, "hybrid", k, fusion="zscore")
        else:
            res = self.retriever.search(question, base, k, fusion="rrf" if base == "hybrid" else None)
        if "xref" in options:
            t = time.perf_counter()
            head = res.ids[:max(0, k - extra)]
            expanded = expand_with_references(head, self.plain, k_extra=extra, index=self.chunk_ids)
            ids = list(dict.fromkeys(expanded + res.ids))[:k]
            res = SearchResult(ids, [0.0] * len(ids), {**res.timings, "xref": time.perf_counter() - t})
        if "cite" in options:
            t = time.perf_counter()
            named = named_chunks(question, self.chunk_ids)[:extra]
            ids = list(dict.fromkeys(named + res.ids))[:k]
            res = SearchResult(ids, [0.0] * len(ids), {**res.timings, "cite": time.perf_counter() - t})
        return res
