"""Index size and latency at scale: FAISS flat, IVF and IVF-PQ on synthetic clustered vectors.

The collection of the notebook is small; the interview question is what happens at a million or a
billion images. :func:`ann_table` builds each index on ``n`` random vectors drawn around cluster
centres (real embeddings are clustered, uniform noise is not), and measures build time, bytes per
vector, milliseconds per query and recall@k against exact search.

>>> rows = ann_table(n=4000, dim=32, queries=50, nlist=32, pq_m=8, pq_bits=4, seed=0)
>>> [r["index"] for r in rows]
['flat', 'ivf', 'ivf-pq']
>>> rows[0]["recall@10"], rows[0]["bytes/vector"]
(1.0, 128.0)
"""
from __future__ import annotations

import time

import numpy as np


def clustered_vectors(n: int, dim: int, clusters: int = 200, spread: float = 0.35, seed: int = 0) -> np.ndarray:
    """``n`` unit vectors, each a random cluster centre plus Gaussian noise (float32)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(clusters, dim)).astype(np.float32)
    x = centres[rng.integers(0, clusters, n)] + spread * rng.normal(size=(n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def ann_table(n: int = 200_000, dim: int = 64, queries: int = 200, k: int = 10, nlist: int = 1024,
              nprobe: int = 16, pq_m: int = 16, pq_bits: int = 8, seed: int = 0) -> list[dict]:
    """One row per index: build seconds, bytes per vector (codes + 8-byte id), ms per query, recall@k vs exact.

    IVF keeps each vector in one of ``nlist`` lists and scans ``nprobe`` of them; IVF-PQ also compresses
    each vector to ``pq_m`` codes of ``pq_bits`` bits (product quantisation).
    """
    import faiss

    faiss.omp_set_num_threads(1)          # small indexes: one thread avoids contention on shared cores
    base = clustered_vectors(n, dim, seed=seed)
    q = clustered_vectors(queries, dim, seed=seed + 1)
    rows, exact = [], None
    quantiser = faiss.IndexFlatIP(dim)
    specs = {"flat": lambda: faiss.IndexFlatIP(dim),
             "ivf": lambda: faiss.IndexIVFFlat(quantiser, dim, nlist, faiss.METRIC_INNER_PRODUCT),
             "ivf-pq": lambda: faiss.IndexIVFPQ(faiss.IndexFlatIP(dim), dim, nlist, pq_m, pq_bits, faiss.METRIC_INNER_PRODUCT)}
    for name, make in specs.items():
        index = make()
        start = time.perf_counter()
        if not index.is_trained:
            index.train(base[: min(n, 40 * max(nlist, 2 ** pq_bits))])
        index.add(base)
        build = time.perf_counter() - start
        if name != "flat":
            index.nprobe = nprobe
        start = time.perf_counter()
        _, found = index.search(q, k)
        ms = 1000 * (time.perf_counter() - start) / queries
        if exact is None:
            exact = found
        recall = float(np.mean([len(set(a) & set(b)) / k for a, b in zip(found, exact)]))
        per_vector = {"flat": 4.0 * dim, "ivf": 4.0 * dim + 8, "ivf-pq": pq_m * pq_bits / 8 + 8.0}[name]
        rows.append({"index": name, "n": n, "build_s": round(build, 2), "bytes/vector": per_vector,
                     "ms/query": round(ms, 3), f"recall@{k}": round(recall, 3)})
    return rows
