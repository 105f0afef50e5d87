"""Hybrid retrieval: reciprocal rank fusion of several ranked lists.

>>> rrf([["a", "b"], ["b", "c"]])[0][0]
'b'
"""
from __future__ import annotations

from typing import Iterable, Sequence

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
