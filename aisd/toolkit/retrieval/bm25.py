"""Keyword retrieval: Okapi BM25 over analysed terms (words, English stop words out, Snowball stems).

>>> idx = BM25Index(["with calls __enter__ and __exit__", "lists are mutable", "tuples are not"])
>>> idx.top_k("what does __exit__ do", 1)[0]
[0]
"""
from __future__ import annotations

import keyword
import math
import re
from collections import Counter
from functools import lru_cache
from typing import Callable, Sequence

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

_WORD = re.compile(r"[a-z0-9_]+")

#: scikit-learn's English stop words, less the Python keywords among them (``with``, ``if``, ``in``,
#: ``not``, ``none``, ...): in a programming corpus those are the subject of questions, not filler.
STOP_WORDS = frozenset(ENGLISH_STOP_WORDS) - {k.lower() for k in keyword.kwlist + keyword.softkwlist}


def words(text: str) -> list[str]:
    """Lower-case word tokens; identifiers such as ``__slots__`` stay whole, ``str.strip`` splits at the dot.

    >>> words("What does str.removeprefix do with __slots__?")
    ['what', 'does', 'str', 'removeprefix', 'do', 'with', '__slots__']
    """
    return _WORD.findall(text.lower())


@lru_cache(maxsize=None)
def _stemmer():
    import snowballstemmer          # uses PyStemmer's C implementation of the same algorithm when installed

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Snowball (Porter 2) English stem of a word; identifiers (with ``_`` or a digit) are kept whole.

    >>> stem("generators"), stem("running"), stem("__slots__"), stem("utf8")
    ('generat', 'run', '__slots__', 'utf8')
    """
    if "_" in word or any(c.isdigit() for c in word):
        return word
    return _stemmer().stemWord(word)


def terms(text: str, stop_words: frozenset[str] | None = STOP_WORDS, stemmed: bool = True) -> list[str]:
    """The index terms of a text, what BM25 matches: :func:`words`, less ``stop_words``, each :func:`stem`-med.

    Both sides go through it: a query "slots" finds ``__slots__`` only by its whole identifier,
    "generating" finds "generators". ``stop_words=None, stemmed=False`` is plain :func:`words`.

    >>> terms("What does str.removeprefix do with __slots__?")
    ['doe', 'str', 'removeprefix', 'with', '__slots__']
    >>> terms("Generators are running", stop_words=None, stemmed=False)
    ['generators', 'are', 'running']
    """
    out = _WORD.findall(text.lower())
    if stop_words:
        out = [w for w in out if w not in stop_words]
    if stemmed:
        out = [stem(w) for w in out]
    return out


class BM25Index:
    """Okapi BM25 over tokenised texts, the same formula as ``rank_bm25.BM25Okapi`` (its oracle, given the
    same analyser: ``BM25Okapi([terms(t) for t in texts])``).

    score(q, d) = sum over query terms t of idf(t) * f(t,d) * (k1+1) / (f(t,d) + k1 * (1 - b + b*|d|/avgdl)),
    idf(t) = ln((N - n_t + 0.5) / (n_t + 0.5)), with negative idfs raised to ``epsilon * mean idf``.

    >>> idx = BM25Index(["a cat sat on the mat", "a dog ran in the park", "the bird sang", "cows eat grass"])
    >>> [round(float(s), 3) for s in idx.scores("cat in the park")]     # "the" is a stop word
    [0.847, 1.474, 0.0, 0.0]
    """

    def __init__(self, texts: Sequence[str], k1: float = 1.5, b: float = 0.75, epsilon: float = 0.25,
                 tokenizer: Callable[[str], list[str]] = terms):
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
