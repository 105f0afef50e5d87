"""Retrieval for RAG, one idea per module; the reference implementations behind notebook 02 and later.

- ``chunking``  ``chunk_fixed(text, size, overlap)``, ``chunk_by_structure(text, max_chars)``, headings
- ``bm25``      ``BM25Index(texts)``: keyword search over ``terms(text)`` (words, stop words out, stems)
- ``dense``     ``DenseIndex(vectors, kind="flat"|"hnsw"|"ivf")``: FAISS over normalised embeddings
- ``fusion``    ``rrf([ranking, ...], k=60, weights=None)``: reciprocal rank fusion; ``zscore_fusion`` of scores
- ``rerank``    ``CrossEncoderReranker.fine_tune(pairs, labels)`` then ``.rerank(query, ids, texts)``
- ``pipeline``  ``Retriever(docs).search(query, config, k)`` for config in ``CONFIGS``
- ``evaluate``  every configuration scored on a BEIR collection (``aisd eval-retrieval DIR``), verdicts
- ``collections`` a second public collection (Lee news similarity, from the gensim wheel) in BEIR layout

The metrics live in :mod:`aisd.toolkit.metrics` and the BEIR loader in :mod:`aisd.toolkit.datasets` (other notebooks
need them without retrieval). The names below are importable from here, so a notebook writes
``from aisd import retrieval as R`` and then ``R.BM25Index``, ``R.rrf``, ...

>>> docs = {"a": "with calls __enter__ and __exit__", "b": "lists are mutable", "c": "tuples are not"}
>>> bm25 = BM25Index(list(docs.values()))
>>> [list(docs)[i] for i in bm25.top_k("what does __exit__ do", 1)[0]]
['a']
>>> rrf([["a", "b"], ["b", "c"]])[0][0]
'b'
"""
import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # what type checkers and the import graph (tests/library/test_structure.py) see
    from aisd.toolkit.retrieval.bm25 import STOP_WORDS, BM25Index, stem, terms, words
    from aisd.toolkit.retrieval.chunking import chunk_by_structure, chunk_fixed, covered_ids, is_heading, locate_chunks
    from aisd.toolkit.retrieval.collections import convert_lee
    from aisd.toolkit.retrieval.dense import DenseIndex, default_embed
    from aisd.toolkit.retrieval.evaluate import evaluate_collection, evaluate_configs, format_table, tune_fusion, verdicts
    from aisd.toolkit.retrieval.fusion import rrf, zscore_fusion
    from aisd.toolkit.retrieval.pipeline import CONFIGS, FUSIONS, Retriever, SearchResult
    from aisd.toolkit.retrieval.rerank import CrossEncoderReranker, training_pairs

# Each name is imported from its module on first use (PEP 562), so importing one small module of the
# package (``aisd.toolkit.retrieval.chunking``) does not load scikit-learn, FAISS and the re-ranker too.
_HOME = {
    "bm25": ["STOP_WORDS", "BM25Index", "stem", "terms", "words"],
    "collections": ["convert_lee"],
    "chunking": ["chunk_by_structure", "chunk_fixed", "covered_ids", "is_heading", "locate_chunks"],
    "dense": ["DenseIndex", "default_embed"],
    "evaluate": ["evaluate_collection", "evaluate_configs", "format_table", "tune_fusion", "verdicts"],
    "fusion": ["rrf", "zscore_fusion"],
    "pipeline": ["CONFIGS", "FUSIONS", "Retriever", "SearchResult"],
    "rerank": ["CrossEncoderReranker", "training_pairs"],
}
_MODULE_OF = {name: module for module, names in _HOME.items() for name in names}
__all__ = sorted(_MODULE_OF)


def __getattr__(name: str):
    if name not in _MODULE_OF:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_MODULE_OF[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
