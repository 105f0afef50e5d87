"""Does a sentence say what the provision it cites says? A meaning check beside the verbatim one.

The verifier (:mod:`aisd.legal.verify`) checks quotes word for word and numbers digit for digit. A paraphrase
without quotes or numbers ("Providers must keep logs [aiact/12/1].") passes both as long as its citation was
retrieved, even when the cited provision is about something else. :class:`SupportScorer` scores such a
sentence against the text it cites with the course's sentence embeddings (MiniLM, the vectors the retriever
already uses): the cosine between the sentence (citations removed) and the best cited chunk. It is a
similarity, not an entailment check: "shall" made "may" scores nearly as high as the original, which is why
the answer format asks for quotes and the verifier checks them.

The threshold is a decision (:func:`aisd.legal.decisions.choose_min_support`), taken on tuning pairs made from
the labelled questions (:func:`support_pairs`): the written answer of a question against a provision that
answers it (supported) and against a retrieved provision that does not (unsupported).

>>> import numpy as np
>>> fake = lambda texts: np.array([[1.0, 0.0] if "breach" in t else [0.0, 1.0] for t in texts])
>>> s = SupportScorer(fake, {"gdpr/33/1": "notify a personal data breach", "gdpr/6/1": "lawful if consent"})
>>> s.score("A breach is notified [gdpr/33/1].", ["gdpr/33/1"]), s.score("A breach is notified [gdpr/6/1].", ["gdpr/6/1"])
(1.0, 0.0)
"""
from __future__ import annotations

import re
from typing import Callable, Sequence

import numpy as np

_BRACKET = re.compile(r"\[[^\[\]]*\]")


def claim_text(sentence: str) -> str:
    """The sentence as a claim: citations in square brackets removed, quotes kept (they are part of it).

    >>> claim_text('It says "72 hours" [gdpr/33/1].')
    'It says "72 hours" .'
    """
    return " ".join(_BRACKET.sub(" ", sentence).split())


class SupportScorer:
    """Cosine similarity between a sentence and the chunks it cites (``passages``: ``{id: text}``, the texts
    the retriever indexed), with ``embed`` mapping texts to unit vectors (e.g. :func:`aisd.legal.vectors.embed`,
    which reads precomputed vectors and embeds only what it lacks)."""

    def __init__(self, embed: Callable[[list[str]], np.ndarray], passages: dict[str, str]):
        self.embed, self.passages = embed, passages
        self._vectors: dict[str, np.ndarray] = {}

    def _vector(self, text: str) -> np.ndarray:
        if text not in self._vectors:
            self._vectors[text] = np.asarray(self.embed([text]), dtype=np.float32)[0]
        return self._vectors[text]

    def prepare(self, texts: Sequence[str]) -> None:
        """Embed many texts in one call (faster than one at a time)."""
        todo = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if todo:
            self._vectors.update(zip(todo, np.asarray(self.embed(todo), dtype=np.float32)))

    def score(self, sentence: str, cited: Sequence[str]) -> float:
        """The best cosine between the claim and a cited chunk (``-1.0`` when none of them is known)."""
        known = [c for c in cited if c in self.passages]
        if not known:
            return -1.0
        claim = self._vector(claim_text(sentence))
        return round(max(float(claim @ self._vector(self.passages[c])) for c in known), 4)


def support_pairs(questions, retrieved: dict[str, Sequence[str]], relevant: dict[str, dict]) -> list[dict]:
    """Labelled (claim, provision) pairs for choosing the support threshold: for each answerable question, its
    written answer (``questions.answer``) against its best relevant chunk (``supported=True``) and against the
    first retrieved chunk that is not relevant nor inside or around a relevant one (``supported=False``).

    >>> import pandas as pd
    >>> qs = pd.DataFrame({"answer": ["72 hours."]}, index=["q1"])
    >>> [(p["chunk"], p["supported"]) for p in support_pairs(qs, {"q1": ["gdpr/6/1", "gdpr/33/1"]}, {"q1": {"gdpr/33/1": 1}})]
    [('gdpr/33/1', True), ('gdpr/6/1', False)]
    """
    pairs = []
    for q, rel in relevant.items():
        if q not in questions.index or not rel:
            continue
        claim = questions.at[q, "answer"]
        best = max(rel, key=lambda r: (rel[r], -list(rel).index(r)))
        pairs.append({"q": q, "claim": claim, "chunk": best, "supported": True})
        near = lambda c: any(c == r or c.startswith(r + "/") or r.startswith(c + "/") for r in rel)
        other = next((c for c in retrieved.get(q, []) if not near(c)), None)
        if other is not None:
            pairs.append({"q": q, "claim": claim, "chunk": other, "supported": False})
    return pairs
