"""Similarity of embeddings: the cosine, and the candidate closest in meaning to a question.

Dense retrieval rests on one idea: texts with similar meaning get vectors pointing in similar
directions, whatever words they use. Notebook 00 has the learner write both functions.

>>> round(cosine_similarity([1, 0], [1, 1]), 4)
0.7071
"""
from __future__ import annotations

import numpy as np


from aisd.core.errors import AisdError


class SimilarityError(AisdError, ValueError):
    """A comparison with nothing to compare."""


def cosine_similarity(a, b) -> float:
    """Cosine of the angle between two 1-D vectors (a float in [-1, 1]).

    Reference answer of notebook 00, exercise ``ex_cosine_similarity``.

    >>> cosine_similarity([1, 2, 3], [2, 4, 6])
    1.0
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def most_similar(question: str, candidates: list) -> int:
    """The index of the candidate text closest in meaning to ``question`` (cosine of their embeddings
    from :func:`aisd.runtime.embeddings.embed`).

    Reference answer of notebook 00, exercise ``ex_most_similar``.

    >>> most_similar("How do I reset my password?", ["Reset the router to factory settings.",
    ...                                               "I forgot my login and cannot sign in."])
    1
    """
    from aisd.runtime import embeddings

    if not candidates:
        raise SimilarityError("most_similar needs at least one candidate")
    vectors = embeddings.embed([question, *candidates])
    scores = [cosine_similarity(vectors[0], v) for v in vectors[1:]]
    return int(np.argmax(scores))
