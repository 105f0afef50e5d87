"""Dense retrieval: FAISS inner-product search over L2-normalised embeddings (cosine similarity)."""
from __future__ import annotations

import math

import numpy as np
from aisd.toolkit.retrieval.errors import RetrievalError

def default_embed(texts: list[str]) -> np.ndarray:
    """The course's embedding function: ``aisd.embeddings.embed`` (bundled MiniLM, persistent cache)."""
    from aisd.runtime.embeddings import embed

    return embed(texts, batch_size=16)      # smaller batches: lower peak memory, same speed on 2 cores


class DenseIndex:
    """Inner-product search over L2-normalised vectors (cosine similarity) with FAISS.

    ``kind="flat"`` is exact search; ``"hnsw"`` (graph, ``m`` links per node, ``ef_search`` breadth)
    and ``"ivf"`` (``nlist`` clusters, ``nprobe`` visited) are approximate.

    >>> rng = np.random.default_rng(0); v = rng.normal(size=(50, 8)).astype("float32")
    >>> v /= np.linalg.norm(v, axis=1, keepdims=True)
    >>> DenseIndex(v).search(v[:2], 1)[0].ravel().tolist()
    [0, 1]
    """

    def __init__(self, vectors: np.ndarray, kind: str = "flat", m: int = 32, ef_search: int = 64,
                 ef_construction: int = 80, nlist: int = 0, nprobe: int = 8):
        import faiss

        vectors = np.ascontiguousarray(vectors, dtype="float32")
        n, dim = vectors.shape
        self.kind = kind
        if kind == "flat":
            self.index = faiss.IndexFlatIP(dim)
        elif kind == "hnsw":
            self.index = faiss.IndexHNSWFlat(dim, m, faiss.METRIC_INNER_PRODUCT)
            self.index.hnsw.efConstruction = ef_construction
            self.index.hnsw.efSearch = ef_search
        elif kind == "ivf":
            # FAISS wants >= 39 training points per cluster (and says so on stderr otherwise)
            nlist = nlist or max(1, min(int(4 * math.sqrt(n)), n // 39))
            self.quantizer = faiss.IndexFlatIP(dim)
            self.index = faiss.IndexIVFFlat(self.quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
            self.index.train(vectors)
            self.index.nprobe = nprobe
        else:
            raise RetrievalError(f"kind must be 'flat', 'hnsw' or 'ivf', not {kind!r}")
        self.index.add(vectors)

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """``(ids, scores)``, each of shape (n_queries, k); id -1 where fewer than k were found."""
        q = np.ascontiguousarray(np.atleast_2d(queries), dtype="float32")
        scores, ids = self.index.search(q, k)
        return ids, scores

    def memory_bytes(self) -> int:
        """Size of the serialised index in bytes."""
        import faiss

        return int(faiss.serialize_index(self.index).nbytes)
