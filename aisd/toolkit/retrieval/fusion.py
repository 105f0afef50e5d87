"""Hybrid retrieval: reciprocal rank fusion of several ranked lists.

>>> rrf([["a", "b"], ["b", "c"]])[0][0]
'b'
"""
from __future__ import annotations

from typing import Iterable, Sequence

def rrf(rankings: Iterable[Sequence[str]], k: int = 60,
        weights: Sequence[float] | None = None) -> list[tuple[str, float]]:
    """Reciprocal rank fusion: score(d) = sum over rankings i of w_i / (k + rank of d in i), ranks from 1.

    ``weights`` (one per ranking, default all 1) lean the fusion toward one retriever. A document
    missing from a list gets nothing from it, so fuse lists deeper than the ``k`` you will keep:
    a passage ranked 40th by BM25 and 3rd by dense search should still be a candidate.
    Returns ``[(id, score), ...]`` best first; ties keep the order of first appearance.

    Reference answer of notebook 02, exercise ``ex_rrf``.

    >>> rrf([["a", "b"], ["b", "c"]], k=60)[:2]
    [('b', 0.03252247488101534), ('a', 0.01639344262295082)]
    >>> rrf([["a", "b"], ["b", "a"]], weights=[2.0, 1.0])[0][0]
    'a'
    """
    rankings = list(rankings)
    if weights is None:
        weights = [1.0] * len(rankings)
    elif len(weights) != len(rankings):
        raise ValueError(f"one weight per ranking: got {len(weights)} weights for {len(rankings)} rankings")
    scores: dict[str, float] = {}
    for ranking, w in zip(rankings, weights):
        for rank, doc in enumerate(ranking, start=1):
            scores[doc] = scores.get(doc, 0.0) + w / (k + rank)
    return sorted(scores.items(), key=lambda kv: -kv[1])
