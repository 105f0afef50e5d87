"""Does a sentence say what the provision it cites says? A meaning check beside the verbatim one.

The verifier (:mod:`aisd.legal.verify`) checks quotes word for word and numbers digit for digit. A paraphrase
without quotes or numbers ("Providers must keep logs [aiact/12/1].") passes both as long as its citation was
retrieved, even when the cited provision is about something else. :class:`SupportScorer` scores such a
sentence against the text it cites with the course's sentence embeddings (MiniLM, the model dense search uses):
the best cosine between the sentence (citations removed) and a segment of a cited chunk (the chunk split after
``.``, ``;`` or ``:``, as :func:`aisd.legal.answers.best_segment` splits it). A segment, not the whole chunk: a
claim usually restates one clause, and on the labelled pairs the best segment separated supported from
unsupported claims better than the whole chunk with its header (ROC AUC 0.84 against 0.69 on the tuning
pairs, measured when this was written). It is a similarity, not an entailment check: "shall" made "may" scores nearly as high as the original, which is why
the answer format asks for quotes and the verifier checks them.

The threshold is a decision (:func:`aisd.legal.decisions.choose_min_support`), taken on tuning pairs made from
the labelled questions (:func:`support_pairs`): the written answer of a question against a provision that
answers it (supported) and against a retrieved provision that does not (unsupported).

>>> import numpy as np
>>> fake = lambda texts: np.array([[1.0, 0.0] if "breach" in t else [0.0, 1.0] for t in texts])
>>> s = SupportScorer(fake, {"gdpr/33/1": "Scope: notify a personal data breach.", "gdpr/6/1": "lawful if consent"})
>>> s.score("A breach is notified [gdpr/33/1].", ["gdpr/33/1"]), s.score("A breach is notified [gdpr/6/1].", ["gdpr/6/1"])
(1.0, 0.0)
"""
from __future__ import annotations

import re
from typing import Callable, Sequence

import numpy as np

_BRACKET = re.compile(r"\[[^\[\]]*\]")
_SEGMENT = re.compile(r"(?<=[.;:])\s+")


def segments(text: str) -> list[str]:
    """The pieces of a chunk a claim is compared with: split after ``.``, ``;`` or ``:`` (the whole text if it has
    one piece).

    >>> segments("Scope. A breach shall be notified; fines apply.")
    ['Scope.', 'A breach shall be notified;', 'fines apply.']
    """
    return [p for p in _SEGMENT.split(text or "") if p.strip()] or [text or ""]


def claim_text(sentence: str) -> str:
    """The sentence as a claim: citations in square brackets removed, quotes kept (they are part of it).

    >>> claim_text('It says "72 hours" [gdpr/33/1].')
    'It says "72 hours" .'
    """
    return " ".join(_BRACKET.sub(" ", sentence).split())


class SupportScorer:
    """The best cosine between a sentence and a segment of a chunk it cites (``texts``: ``{id: text}``, the chunks'
    own words), with ``embed`` mapping texts to unit vectors (e.g. :func:`aisd.legal.vectors.embed`, which reads
    precomputed vectors and embeds only what it lacks)."""

    def __init__(self, embed: Callable[[list[str]], np.ndarray], texts: dict[str, str]):
        self.embed, self.texts = embed, texts
        self._vectors: dict[str, np.ndarray] = {}

    def prepare(self, texts: Sequence[str]) -> None:
        """Embed the texts not seen yet, in one call."""
        todo = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if todo:
            self._vectors.update(zip(todo, np.asarray(self.embed(todo), dtype=np.float32)))

    def score(self, sentence: str, cited: Sequence[str]) -> float:
        """The best cosine between the claim and a segment of a cited chunk (``-1.0`` when none is known)."""
        pieces = [seg for c in cited if c in self.texts for seg in segments(self.texts[c])]
        if not pieces:
            return -1.0
        claim = claim_text(sentence)
        self.prepare([claim, *pieces])
        return round(max(float(self._vectors[claim] @ self._vectors[p]) for p in pieces), 4)


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
