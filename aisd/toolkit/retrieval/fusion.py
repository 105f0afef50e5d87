"""Hybrid retrieval: fusing several ranked lists into one.

- :func:`rrf`, reciprocal rank fusion: ranks only. Robust to scores on different scales, but blind to how
  sure each retriever is: with equal weights it pulls a clearly stronger retriever toward a weaker one.
- :func:`zscore_fusion`, the course's default without tuning data: each list's scores standardised (z-scores
  over its own top candidates), then a weighted sum. A result far above the rest of its own list (a sure
  retriever) counts more than one a hair above its neighbours (an unsure one); RRF gives both the same. Measured on the course's collections with equal weights:
  within noise of the better single retriever where RRF fell clearly below it (06's legal questions), and above
  both where the two retrievers complement each other (02's Python docs); see ``datasets/README.md``.

>>> rrf([["a", "b"], ["b", "c"]])[0][0]
'b'
>>> sure = (["a"] + [f"x{i}" for i in range(20)], [9.0] + [1.0] * 20)          # "a" stands out
>>> unsure = ([f"x{i}" for i in range(20)] + ["a"], [0.62] + [0.61] * 20)        # x0 is a hair ahead
>>> [d for d, _ in zscore_fusion([sure, unsure])][0], [d for d, _ in rrf([sure[0], unsure[0]])][0]
('a', 'x0')
"""
from __future__ import annotations

from typing import Iterable, Sequence
from aisd.toolkit.retrieval.errors import RetrievalError

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
        raise RetrievalError(f"one weight per ranking: got {len(weights)} weights for {len(rankings)} rankings")
    scores: dict[str, float] = {}
    for ranking, w in zip(rankings, weights):
        for rank, doc in enumerate(ranking, start=1):
            scores[doc] = scores.get(doc, 0.0) + w / (k + rank)
    return sorted(scores.items(), key=lambda kv: -kv[1])


def zscore_fusion(runs: Iterable[tuple[Sequence[str], Sequence[float]]],
                  weights: Sequence[float] | None = None) -> list[tuple[str, float]]:
    """Score fusion: each run's scores (``(ids, scores)``, higher is better) turned into z-scores over that run, a
    document missing from a run given that run's lowest z-score, then summed with ``weights`` (default all 1).
    Returns ``[(id, score), ...]`` best first; ties keep the order of first appearance.

    >>> zscore_fusion([(["a", "b"], [2.0, 0.0]), (["b", "a"], [1.0, 0.0])])
    [('a', 0.0), ('b', 0.0)]
    >>> zscore_fusion([(["a", "b"], [2.0, 0.0]), (["b", "a"], [1.0, 0.0])], weights=[1.0, 2.0])[0]
    ('b', 1.0)
    """
    import numpy as np

    runs = [(list(ids), np.asarray(scores, dtype=float)) for ids, scores in runs]
    if weights is None:
        weights = [1.0] * len(runs)
    elif len(weights) != len(runs):
        raise RetrievalError(f"one weight per run: got {len(weights)} weights for {len(runs)} runs")
    standard = []
    for ids, scores in runs:
        sd = scores.std() if len(scores) else 0.0
        z = (scores - scores.mean()) / sd if sd > 0 else np.zeros(len(scores))
        standard.append((dict(zip(ids, z)), float(z.min()) if len(z) else 0.0))
    order = list(dict.fromkeys(d for ids, _ in runs for d in ids))
    fused = {d: sum(w * (z.get(d, floor)) for w, (z, floor) in zip(weights, standard)) for d in order}
    return sorted(((d, round(float(v), 10)) for d, v in fused.items()), key=lambda kv: -kv[1])
