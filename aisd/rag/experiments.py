"""The longer measurements of notebook 02, kept here so the notebook's cells stay short and readable.

- ``chunk_sweep(chunker, docs, unit_spans, queries, qrels, embed)``: recall of a chunking, at 5 chunks
  and at a fixed context budget, with index size and search latency;
- ``hnsw_sweep(vectors, queries, ef_values)``: HNSW's recall against exact search as ``ef_search`` grows;
- ``rerank_depth_sweep(retriever, queries, qrels, depths)``: quality and latency of re-ranking the top
  ``depth`` hybrid results, for each depth;
- ``choose_config(retriever, queries, qrels)``: the retriever with the best recall@k on the tuning questions;
- ``run_configs(retriever, queries, qrels, configs)``: each configuration's rankings and latencies;
- ``simulate_traffic(queries, repeat_share)`` and ``nearest_earlier(vectors)``: a simulated request
  stream with repeated questions, and each request's most similar earlier one (for cache thresholds).

>>> nearest_earlier(np.array([[1.0, 0.0], [0.6, 0.8], [1.0, 0.0]]))[1].tolist()
[-1, 0, 0]
"""
from __future__ import annotations

import time
from typing import Callable, Sequence

import numpy as np

from aisd.toolkit.metrics import evaluate, ndcg_at_k
from aisd.toolkit.retrieval import DenseIndex, covered_ids, locate_chunks


def chunk_sweep(chunker: Callable[[str], list[str]], docs: dict[str, str], unit_spans: dict[str, dict],
                queries: dict[str, str], qrels: dict[str, dict], embed: Callable, budget_chars: int = 3000) -> dict:
    """Chunk every document of ``docs`` with ``chunker``, embed and index the chunks, search with ``queries``.

    ``unit_spans[doc]`` maps each labelled passage of a document to its character span there; a chunk
    *covers* a passage when they overlap by at least half of the smaller one. Returns the number of
    chunks, their mean length, the index size, embedding seconds, search ms per query, recall@5 (passages
    covered by the top 5 chunks) and recall at ``budget_chars`` of retrieved text.
    """
    chunks, covers = [], []
    for name, text in docs.items():
        pieces = chunker(text)
        for piece, span in zip(pieces, locate_chunks(text, pieces)):
            chunks.append(piece)
            covers.append(covered_ids(span, unit_spans[name]))
    t = time.perf_counter()
    index = DenseIndex(embed(chunks))
    embed_s = time.perf_counter() - t
    qids = list(qrels)
    qv = embed([queries[q] for q in qids])
    t = time.perf_counter()
    ids, _ = index.search(qv, 20)
    search_ms = (time.perf_counter() - t) / len(qids) * 1000
    r5, rbudget = [], []
    for q, row in zip(qids, ids):
        rel = set(qrels[q])
        top5 = {pid for i in row[:5] for pid in covers[i]}
        used, seen = 0, set()
        for i in row:
            if used >= budget_chars:
                break
            seen |= set(covers[i])
            used += len(chunks[i])
        r5.append(len(rel & top5) / len(rel))
        rbudget.append(len(rel & seen) / len(rel))
    return {"chunks": len(chunks), "mean_chars": float(np.mean([len(c) for c in chunks])),
            "index_kb": index.memory_bytes() / 1024, "embed_s": embed_s, "search_ms": search_ms,
            "recall@5": float(np.mean(r5)), f"recall@{budget_chars}chars": float(np.mean(rbudget))}


def hnsw_sweep(vectors: np.ndarray, queries: np.ndarray, ef_values: Sequence[int], k: int = 10, m: int = 16,
               ef_construction: int = 40) -> list[dict]:
    """Recall@k against exact search and ms per query of one HNSW graph, for each ``ef_search``.

    >>> rng = np.random.default_rng(0); v = rng.normal(size=(300, 8)).astype("float32")
    >>> v /= np.linalg.norm(v, axis=1, keepdims=True)
    >>> rows = hnsw_sweep(v, v[:20], [4, 64])
    >>> rows[0]["recall_vs_exact"] <= rows[1]["recall_vs_exact"] == 1.0
    True
    """
    exact, _ = DenseIndex(vectors).search(queries, k)
    t = time.perf_counter()
    hnsw = DenseIndex(vectors, kind="hnsw", m=m, ef_construction=ef_construction)
    build_s = time.perf_counter() - t
    rows = []
    for ef in ef_values:
        hnsw.index.hnsw.efSearch = int(ef)
        t = time.perf_counter()
        found = np.vstack([hnsw.search(q[None, :], k)[0] for q in queries])
        ms = (time.perf_counter() - t) / len(queries) * 1000
        recall = float(np.mean([len(set(a) & set(e)) / k for a, e in zip(found, exact)]))
        rows.append({"ef_search": int(ef), "recall_vs_exact": recall, "ms_per_query": ms, "build_s": build_s})
    return rows


def rerank_depth_sweep(retriever, queries: dict[str, str], qrels: dict[str, dict], depths: Sequence[int]) -> list[dict]:
    """nDCG@10 and p50/p95 latency (ms) of the pipeline's hybrid search with its top ``depth`` re-ranked
    (``retriever.search(q, "hybrid+rerank")`` with ``retriever.rerank_depth = depth``; depth 0 is plain
    hybrid), each question searched and timed at each depth. ``retriever.reranker`` must be set. Each row also
    keeps ``"ndcg@10 per question"`` (in the order of ``qrels``), for a paired comparison of two depths.
    """
    before = retriever.rerank_depth
    rows = []
    try:
        for d in depths:
            retriever.rerank_depth = d
            quality, latency = [], []
            for qid, rel in qrels.items():
                res = retriever.search(queries[qid], "hybrid+rerank" if d > 0 else "hybrid", k=10)
                quality.append(ndcg_at_k(res.ids, rel, 10))
                latency.append(sum(res.timings.values()) * 1000)
            rows.append({"depth": d, "ndcg@10": float(np.mean(quality)), "p50_ms": float(np.percentile(latency, 50)),
                         "p95_ms": float(np.percentile(latency, 95)), "ndcg@10 per question": quality})
    finally:
        retriever.rerank_depth = before
    return rows


def run_configs(retriever, queries: dict[str, str], qrels: dict, configs: Sequence[str], k: int = 10) -> dict:
    """``{config: {"run": {qid: ids}, "ms": [total ms per question]}}`` for each configuration."""
    out = {}
    for config in configs:
        run, ms = {}, []
        for qid in qrels:
            res = retriever.search(queries[qid], config, k=k)
            run[qid] = res.ids
            ms.append(sum(res.timings.values()) * 1000)
        out[config] = {"run": run, "ms": ms}
    return out


def choose_config(retriever, queries: dict[str, str], qrels: dict, configs: Sequence[str] = ("bm25", "dense", "hybrid"),
                  k: int = 3) -> tuple[str, dict[str, float]]:
    """The configuration with the best mean recall@k on ``qrels`` (the tuning questions: the ``k``
    passages the LLM will read), and every configuration's score; ties go to the one listed first.

    >>> from aisd.toolkit.retrieval import Retriever
    >>> r = Retriever({"a": "cats purr", "b": "dogs bark", "c": "cows moo"}, embed=None)
    >>> choose_config(r, {"q": "why do cats purr"}, {"q": {"a": 1}}, configs=("bm25",), k=1)
    ('bm25', {'bm25': 1.0})
    """
    scores = {c: evaluate(run_configs(retriever, queries, qrels, [c], k=k)[c]["run"], qrels, k_recall=k)[f"recall@{k}"]
              for c in configs}
    return max(configs, key=lambda c: (scores[c], -configs.index(c))), scores


STYLES = (lambda s: "Hi! " + s, lambda s: s + " Thanks!", lambda s: s.lower(), lambda s: "Quick question: " + s)


def simulate_traffic(queries: dict[str, str], repeat_share: float = 0.5, seed: int = 7) -> list[tuple[str, str]]:
    """A simulated request stream: every question once, then ``repeat_share`` of them again, reworded
    (a greeting, thanks, lower case). Returns ``[(question id, text), ...]``.

    >>> simulate_traffic({"a": "What is pass?", "b": "What is del?"}, repeat_share=0.5)[2][1] in ("Hi! What is pass?", "Hi! What is del?")
    True
    """
    rng = np.random.default_rng(seed)
    qids = list(queries)
    repeats = list(rng.choice(qids, size=int(len(qids) * repeat_share), replace=False))
    return ([(q, queries[q]) for q in qids]
            + [(str(q), STYLES[i % len(STYLES)](queries[q])) for i, q in enumerate(repeats)])


def exact_hit_rate(stream: Sequence[tuple[str, str]]) -> float:
    """Share of requests whose normalised text (:func:`aisd.rag.generation.cache_key`) was seen before: the hit rate
    of an exact response cache that never expires.

    >>> exact_hit_rate([("a", "What is pass?"), ("a", "what is pass"), ("b", "What is del?")])
    0.3333333333333333
    """
    from aisd.rag.generation import cache_key

    seen, hits = set(), 0
    for _, text in stream:
        key = cache_key(text)
        hits += key in seen
        seen.add(key)
    return hits / len(stream) if stream else 0.0


def nearest_earlier(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each row, the cosine with the most similar earlier row and that row's index (nan, -1 for the first).

    >>> sims, idx = nearest_earlier(np.array([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]]))
    >>> np.round(sims, 2).tolist(), idx.tolist()
    ([nan, 0.6, 0.8], [-1, 0, 1])
    """
    v = np.asarray(vectors, dtype=float)
    sim = v @ v.T
    sims, idx = np.full(len(v), np.nan), np.full(len(v), -1)
    for i in range(1, len(v)):
        j = int(np.argmax(sim[i, :i]))
        sims[i], idx[i] = sim[i, j], j
    return sims, idx
