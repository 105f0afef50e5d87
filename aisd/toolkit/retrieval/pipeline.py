"""The retrieval pipeline: BM25, dense, hybrid and hybrid + re-rank behind one ``search`` call.

>>> r = Retriever({"a": "cats purr", "b": "dogs bark", "c": "cows moo"}, embed=None)   # BM25 only
>>> r.search("why do cats purr", "bm25", k=1).ids
['a']
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from aisd.toolkit.retrieval.bm25 import BM25Index
from aisd.toolkit.retrieval.dense import DenseIndex, default_embed
from aisd.toolkit.retrieval.fusion import rrf, zscore_fusion
from aisd.toolkit.retrieval.rerank import CrossEncoderReranker
from aisd.toolkit.retrieval.errors import RetrievalError

CONFIGS = ("bm25", "dense", "hybrid", "hybrid+rerank")
FUSIONS = ("rrf", "zscore")


@dataclass
class SearchResult:
    """Ranked ids with their scores, and the seconds each stage took."""
    ids: list[str]
    scores: list[float]
    timings: dict[str, float] = field(default_factory=dict)


class Retriever:
    """BM25, dense, hybrid and hybrid + re-rank search over ``docs`` (``{id: text}``).

    ``embed`` maps a list of texts to normalised vectors (default: ``aisd.embeddings.embed``).
    Hybrid search fuses the top ``candidates`` of BM25 and of dense search with ``fusion``: ``"rrf"``
    (:func:`rrf`, ``rrf_k``) or ``"zscore"`` (:func:`zscore_fusion`, the recipe for a collection without tuning
    data), ``weights`` for BM25 and dense; hybrid + re-rank then lets ``reranker`` re-order
    the top ``rerank_depth`` of that list, either replacing their order (``rerank_mode="replace"``)
    or fused with it as a third ranking (``"fuse"``: a weak re-ranker can only nudge the order).

    >>> r = Retriever({"a": "cats purr", "b": "dogs bark", "c": "cows moo"}, embed=None)   # BM25 only
    >>> r.search("why do cats purr", "bm25", k=1).ids
    ['a']
    """

    def __init__(self, docs: dict[str, str], embed: Callable[[list[str]], np.ndarray] | None = default_embed,
                 index_kind: str = "flat", rrf_k: int = 60, candidates: int = 100,
                 weights: tuple[float, float] = (1.0, 1.0), rerank_depth: int = 10, rerank_mode: str = "fuse",
                 fusion: str = "rrf"):
        if not docs:
            raise RetrievalError("the corpus is empty: nothing to index")
        self.ids = list(docs)
        self.texts = [docs[i] for i in self.ids]
        self.embed = embed
        if rerank_mode not in ("replace", "fuse"):
            raise RetrievalError(f"rerank_mode must be 'replace' or 'fuse', not {rerank_mode!r}")
        if fusion not in FUSIONS:
            raise RetrievalError(f"fusion must be one of {FUSIONS}, not {fusion!r}")
        self.rrf_k, self.candidates, self.weights, self.fusion = rrf_k, candidates, tuple(weights), fusion
        self.reranker: CrossEncoderReranker | None = None
        self.rerank_depth, self.rerank_mode = rerank_depth, rerank_mode
        t = time.perf_counter()
        self.bm25 = BM25Index(self.texts)
        self.build_seconds = {"bm25": time.perf_counter() - t}
        self.dense = None
        if embed is not None:
            t = time.perf_counter()
            self.vectors = np.asarray(embed(self.texts), dtype="float32")
            self.build_seconds["embed"] = time.perf_counter() - t
            t = time.perf_counter()
            self.dense = DenseIndex(self.vectors, kind=index_kind)
            self.build_seconds["index"] = time.perf_counter() - t

    def _bm25(self, query: str, k: int, timings: dict) -> tuple[list[str], list[float]]:
        t = time.perf_counter()
        idx, sc = self.bm25.top_k(query, k)
        timings["bm25"] = time.perf_counter() - t
        return [self.ids[i] for i in idx], sc

    def _dense(self, query: str, k: int, timings: dict) -> tuple[list[str], list[float]]:
        if self.dense is None:
            raise RetrievalError("this Retriever was built without an embedding function")
        t = time.perf_counter()
        qv = np.asarray(self.embed([query]), dtype="float32")
        timings["embed_query"] = time.perf_counter() - t
        t = time.perf_counter()
        ids, sc = self.dense.search(qv, k)
        timings["dense_search"] = time.perf_counter() - t
        keep = ids[0] >= 0
        return [self.ids[i] for i in ids[0][keep]], [float(s) for s in sc[0][keep]]

    def fuse(self, bm25: tuple[list, list], dense: tuple[list, list], fusion: str | None = None,
             weights: tuple[float, float] | None = None) -> list[tuple[str, float]]:
        """BM25's and dense search's ``(ids, scores)`` fused with ``fusion`` (default: the retriever's)."""
        fusion, weights = fusion or self.fusion, weights or self.weights
        if fusion == "rrf":
            return rrf([bm25[0], dense[0]], k=self.rrf_k, weights=weights)
        if fusion == "zscore":
            return zscore_fusion([bm25, dense], weights=weights)
        raise RetrievalError(f"fusion must be one of {FUSIONS}, not {fusion!r}")

    def search(self, query: str, config: str = "hybrid", k: int = 10, fusion: str | None = None) -> SearchResult:
        """Top ``k`` ids for ``query`` with one of ``CONFIGS``; ``timings`` per stage in seconds; ``fusion``
        overrides the retriever's for this call."""
        timings: dict[str, float] = {}
        if config == "bm25":
            ids, sc = self._bm25(query, k, timings)
        elif config == "dense":
            ids, sc = self._dense(query, k, timings)
        elif config in ("hybrid", "hybrid+rerank"):
            depth = max(k, self.candidates)
            b_ids, b_sc = self._bm25(query, depth, timings)
            d_ids, d_sc = self._dense(query, depth, timings)
            t = time.perf_counter()
            fused = self.fuse((b_ids, b_sc), (d_ids, d_sc), fusion)
            timings["fusion"] = time.perf_counter() - t
            ids, sc = [d for d, _ in fused], [s for _, s in fused]
            if config == "hybrid+rerank":
                if self.reranker is None:
                    raise RetrievalError("no re-ranker: set retriever.reranker (CrossEncoderReranker.fine_tune)")
                t = time.perf_counter()
                head = ids[:self.rerank_depth]
                text_of = dict(zip(self.ids, self.texts))
                reranked = self.reranker.rerank(query, head, [text_of[d] for d in head])
                if self.rerank_mode == "fuse":
                    reranked = rrf([head, [d for d, _ in reranked]], k=self.rrf_k)
                timings["rerank"] = time.perf_counter() - t
                ids = [d for d, _ in reranked] + ids[self.rerank_depth:]
                sc = [s for _, s in reranked] + sc[self.rerank_depth:]
        else:
            raise RetrievalError(f"config must be one of {CONFIGS}, not {config!r}")
        return SearchResult(ids[:k], sc[:k], timings)
