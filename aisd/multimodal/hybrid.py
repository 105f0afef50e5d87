"""Hybrid search: a text score from the item's metadata fused with the image score, and metadata filters.

A catalogue item has a seller's title (words, often incomplete) and an image. For a query, the
*text score* is the MiniLM cosine between the query and the title, the *image score* the dual
encoder's cosine between the query and the image; :func:`fuse` mixes them with one weight, chosen on
tuning queries (:func:`aisd.multimodal.decisions.choose_fusion_weight`). A filter (``colour == "red"``) can run before the
vector search (pre-filter: rank only allowed items) or after it (post-filter: take the top
``fetch`` and drop the others, which may leave fewer than k).

>>> import numpy as np
>>> fuse(np.array([[1.0, 0.0]]), np.array([[0.0, 1.0]]), 0.25).tolist()
[[0.25, 0.75]]
>>> sim = np.array([0.9, 0.8, 0.7, 0.1]); allowed = np.array([False, False, True, True])
>>> filtered_top_k(sim, allowed, k=2, mode="pre").tolist(), filtered_top_k(sim, allowed, k=2, mode="post").tolist()
([2, 3], [])
"""
from __future__ import annotations

import numpy as np

from aisd.core.errors import AisdError

def fuse(text_scores, image_scores, weight: float) -> np.ndarray:
    """``weight * text + (1 - weight) * image``, element by element."""
    t, i = np.asarray(text_scores, dtype=float), np.asarray(image_scores, dtype=float)
    if t.shape != i.shape:
        raise AisdError(f"text scores {t.shape} and image scores {i.shape} must have one shape")
    if not 0 <= weight <= 1:
        raise AisdError(f"the fusion weight must lie in [0, 1], got {weight}")
    return weight * t + (1 - weight) * i

def filtered_top_k(similarity, allowed, k: int, mode: str = "pre", fetch: int | None = None) -> np.ndarray:
    """Indices of the best ``k`` allowed items for one query.

    ``mode="pre"`` ranks only the allowed items (exact, needs the filter inside the index);
    ``mode="post"`` takes the top ``fetch`` (default ``k``) of all items, then drops disallowed ones.
    """
    sim, ok = np.asarray(similarity, dtype=float), np.asarray(allowed, dtype=bool)
    if sim.shape != ok.shape:
        raise AisdError("similarity and allowed must have one length")
    order = np.argsort(-sim, kind="stable")
    if mode == "pre":
        return order[ok[order]][:k]
    if mode == "post":
        top = order[:fetch or k]
        return top[ok[top]][:k]
    raise AisdError(f"mode must be 'pre' or 'post', got {mode!r}")
