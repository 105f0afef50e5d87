"""Evaluation metrics, written once for every notebook: ranking metrics now (recall@k, precision@k,
MRR, nDCG@k, and the per-question values a bootstrap interval needs), classification and calibration metrics as the course grows.

Each is the reference for a notebook exercise; the tests check them against trusted libraries
(scikit-learn's ``ndcg_score``).

>>> recall_at_k(["a", "x", "b"], {"a", "b"}, k=2)
0.5
"""
from __future__ import annotations

import math
from typing import Iterable, Sequence

import numpy as np

def recall_at_k(retrieved: Sequence[str], relevant: Iterable[str], k: int) -> float:
    """Share of the relevant ids found in the first ``k`` retrieved (0.0 when nothing is relevant).

    Reference answer of notebook 02, exercise ``ex_recall_at_k``.

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

    Reference answer of notebook 02, exercise ``ex_ndcg_at_k``.

    >>> round(ndcg_at_k(["x", "a"], {"a": 1}, k=2), 4)
    0.6309
    """
    dcg = sum(relevance.get(d, 0) / math.log2(r + 1) for r, d in enumerate(retrieved[:k], start=1))
    ideal = sorted((g for g in relevance.values() if g > 0), reverse=True)[:k]
    idcg = sum(g / math.log2(r + 1) for r, g in enumerate(ideal, start=1))
    return dcg / idcg if idcg > 0 else 0.0


def per_query(run: dict[str, Sequence[str]], qrels: dict[str, dict[str, int]], k_recall: int = 5,
              k_ndcg: int = 10) -> dict[str, np.ndarray]:
    """Recall@k, precision@k, reciprocal rank and nDCG@k of each judged question (arrays in ``qrels`` order):
    what a bootstrap confidence interval resamples.

    >>> per_query({"q": ["a", "b"], "r": ["x"]}, {"q": {"b": 1}, "r": {"y": 1}})["mrr"].tolist()
    [0.5, 0.0]
    """
    rows = []
    for qid, rel in qrels.items():
        got = list(run.get(qid, []))
        positive = {d for d, g in rel.items() if g > 0}
        rows.append((recall_at_k(got, positive, k_recall), precision_at_k(got, positive, k_recall),
                     mrr(got, positive), ndcg_at_k(got, rel, k_ndcg)))
    arr = np.array(rows, dtype=float).reshape(-1, 4)
    return {f"recall@{k_recall}": arr[:, 0], f"precision@{k_recall}": arr[:, 1], "mrr": arr[:, 2],
            f"ndcg@{k_ndcg}": arr[:, 3]}


def evaluate(run: dict[str, Sequence[str]], qrels: dict[str, dict[str, int]], k_recall: int = 5,
             k_ndcg: int = 10) -> dict[str, float]:
    """Mean recall@k, precision@k, MRR and nDCG@k of ``run`` (``{qid: ranked ids}``) over ``qrels``.

    >>> evaluate({"q": ["a", "b"]}, {"q": {"b": 1}})["mrr"]
    0.5
    """
    values = per_query(run, qrels, k_recall, k_ndcg)
    return {name: float(v.mean()) if v.size else 0.0 for name, v in values.items()}
