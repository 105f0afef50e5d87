"""Access control enforced in retrieval, not in the prompt: entitlements filter the candidates BEFORE
ranking, scope every cache, and an audit log records who asked what and which passages they were shown.

Every document belongs to one matter (a client file, a tenant); a user is entitled to some matters.

- :class:`EntitledRetriever` ranks only the chunks the user may see: BM25 and dense scores are computed
  for the entitled chunks alone (``last_scored`` says which), so a forbidden chunk is never scored,
  never ranked, never returned, and cannot push entitled chunks out of the top k. (Filtering *after*
  ranking the top k does all three wrong: it scores forbidden text and returns fewer than k results.)
  BM25's idf still counts every document, as a shared index does; a per-tenant index avoids even that.
- :func:`scope_key` is part of every cache key: :class:`ScopedCache` keeps one cache per entitlement
  scope, so an answer built from matter A's passages is never served to a user without A, even by a
  semantic cache that finds the question "similar".
- :class:`AuditLog` appends one record per answer (user, scope, question, passages shown, whether it
  came from a cache), each chained to the previous by sha256 so an edited record breaks the chain.

>>> docs = {"a/1": "Acme merger terms", "b/1": "Beta merger terms", "b/2": "Beta board", "b/3": "Beta lease",
...         "b/4": "Beta payroll"}
>>> r = EntitledRetriever(docs, {"a/1": "acme", **{d: "beta" for d in docs if d[0] == "b"}}, embed=None)
>>> alice = User("alice", frozenset({"beta"}))
>>> r.search(alice, "merger terms", k=3).ids, sorted(r.last_scored)
(['b/1'], ['b/1', 'b/2', 'b/3', 'b/4'])
"""
from __future__ import annotations

import hashlib
import inspect
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from aisd.core.errors import AisdError
from aisd.toolkit.retrieval import BM25Index, rrf
from aisd.toolkit.retrieval.pipeline import SearchResult


class AccessError(AisdError):
    """A user or a cache entry that breaks the entitlement rules; the message names it."""


#: Which matter (client file) each law plays in notebook 06's access-control deep dive.
MATTER_OF_LAW = {"aiact": "ai-startup", "cra": "ai-startup", "gdpr": "privacy", "dora": "bank",
                 "nis2": "bank", "csrd": "esg"}


@dataclass(frozen=True)
class User:
    name: str
    matters: frozenset[str]


def scope_key(user: User) -> str:
    """The entitlement scope of a user, for cache keys: users with the same matters share a scope.

    >>> scope_key(User("bob", frozenset({"beta", "acme"})))
    'acme|beta'
    """
    return "|".join(sorted(user.matters))


class EntitledRetriever:
    """BM25, dense or hybrid search over ``docs`` (``{id: text}``), within a user's entitled matters only.

    ``matter_of`` gives each document's matter (every document needs one); ``embed`` maps texts to unit
    vectors (``None``: BM25 only). The entitlement filter picks the candidate rows first; scores are then
    computed for those rows alone.

    >>> r = EntitledRetriever({"a/1": "cats", "b/1": "dogs"}, {"a/1": "acme", "b/1": "beta"})
    >>> r.allowed_rows(User("bob", frozenset({"beta"}))).tolist()
    [1]
    """

    def __init__(self, docs: dict[str, str], matter_of: dict[str, str], embed: Callable | None = None):
        missing = [d for d in docs if d not in matter_of]
        if missing:
            raise AccessError(f"{len(missing)} documents belong to no matter (e.g. {missing[0]!r}): "
                              "every document needs one, or nobody could be refused it")
        self.ids = list(docs)
        self.matter = np.array([matter_of[d] for d in self.ids])
        self.bm25 = BM25Index([docs[d] for d in self.ids])
        self.embed = embed
        self.vectors = np.asarray(embed([docs[d] for d in self.ids]), dtype="float32") if embed else None
        self.last_scored: set[str] = set()

    def allowed_rows(self, user: User) -> np.ndarray:
        """Row numbers of the chunks ``user`` may see (the filter, applied before any scoring).

        :meth:`search` starts from it and does :func:`search_as`'s filtering and ranking, so it is off while
        a notebook grades that exercise: neither is a way round writing it.

        Part of the reference answer of notebook 06, exercise ``ex_search_as``.
        """
        return np.flatnonzero(np.isin(self.matter, sorted(user.matters)))

    def _bm25_rows(self, query: str, rows: np.ndarray) -> np.ndarray:
        """BM25 scores of ``rows`` only (same formula as :class:`aisd.toolkit.retrieval.BM25Index`)."""
        idx = self.bm25
        out = np.zeros(len(rows))
        position = {int(r): i for i, r in enumerate(rows)}
        norm = idx.k1 * (1 - idx.b + idx.b * idx.doc_len[rows] / (idx.avgdl or 1.0))
        for term in idx.tokenizer(query):
            if term not in idx.postings:
                continue
            docs, tf = idx.postings[term]
            keep = np.isin(docs, rows)
            at = np.array([position[int(d)] for d in docs[keep]], dtype=int)
            out[at] += idx.idf[term] * tf[keep] * (idx.k1 + 1) / (tf[keep] + norm[at])
        return out

    def _rank(self, scores: np.ndarray, rows: np.ndarray, k: int, positive: bool) -> list[tuple[str, float]]:
        order = np.argsort(-scores, kind="stable")[:k]
        return [(self.ids[rows[i]], float(scores[i])) for i in order if not positive or scores[i] > 0]

    def search(self, user: User, query: str, config: str = "bm25", k: int = 5, depth: int = 50) -> SearchResult:
        """Top ``k`` entitled chunks for ``query`` with ``config`` ``"bm25"``, ``"dense"`` or ``"hybrid"``
        (RRF of the two, each ``depth`` deep). A user with no matter gets nothing."""
        if config not in ("bm25", "dense", "hybrid"):
            raise AccessError(f"config must be 'bm25', 'dense' or 'hybrid', not {config!r}")
        timings: dict[str, float] = {}
        t = time.perf_counter()
        rows = self.allowed_rows(user)
        timings["filter"] = time.perf_counter() - t
        self.last_scored = {self.ids[r] for r in rows}
        if not len(rows):
            return SearchResult([], [], timings)
        rankings = {}
        if config in ("bm25", "hybrid"):
            t = time.perf_counter()
            rankings["bm25"] = self._rank(self._bm25_rows(query, rows), rows, max(k, depth), positive=True)
            timings["bm25"] = time.perf_counter() - t
        if config in ("dense", "hybrid"):
            if self.vectors is None:
                raise AccessError("this EntitledRetriever was built without an embedding function")
            t = time.perf_counter()
            q = np.asarray(self.embed([query]), dtype="float32")[0]
            rankings["dense"] = self._rank(self.vectors[rows] @ q, rows, max(k, depth), positive=False)
            timings["dense"] = time.perf_counter() - t
        if config == "hybrid":
            fused = rrf([[d for d, _ in rankings["bm25"]], [d for d, _ in rankings["dense"]]])
        else:
            fused = rankings[config]
        return SearchResult([d for d, _ in fused[:k]], [s for _, s in fused[:k]], timings)


class RowIndex:
    """What :func:`search_as` works with: the chunk ``ids``, the ``matter`` of each row, and
    ``score(question, rows)``, the scores (higher is better) of those rows only. It counts its calls and
    remembers every row it ever scored (``scored``), so a test can see what was ranked.

    >>> idx = RowIndex(EntitledRetriever({"a/1": "cats purr", "b/1": "dogs bark", "b/2": "cows moo"},
    ...                                  {"a/1": "acme", "b/1": "beta", "b/2": "beta"}), "bm25")
    >>> (idx.score("dogs", [1, 2]) > 0).tolist(), idx.calls, idx.scored
    ([True, False], 1, {1, 2})
    """

    def __init__(self, retriever: EntitledRetriever, config: str = "dense"):
        if config not in ("bm25", "dense"):
            raise AccessError(f"config must be 'bm25' or 'dense', not {config!r}")
        self._retriever, self.config = retriever, config
        self.ids, self.matter = retriever.ids, retriever.matter
        self.calls, self.scored = 0, set()

    def score(self, question: str, rows) -> np.ndarray:
        """Scores of ``rows`` (row numbers) for ``question``, in the order given."""
        rows = np.asarray(rows, dtype=int)
        self.calls += 1
        self.scored.update(int(r) for r in rows)
        r = self._retriever
        if self.config == "bm25":
            return r._bm25_rows(question, rows)
        q = np.asarray(r.embed([question]), dtype="float32")[0]
        return r.vectors[rows] @ q


def search_as(user: User, question: str, k: int, index: RowIndex, cache: dict) -> list[str]:
    """The ``k`` best chunk ids for ``question`` among the chunks ``user`` may see, cached per entitlement
    scope: the filter picks the rows first and only those are scored; a cached answer is reused only by
    a user with the same matters. A user with no matter gets ``[]``.

    Reference answer of notebook 06, exercise ``ex_search_as``.

    >>> idx = RowIndex(EntitledRetriever({"a/1": "x y", "b/1": "y", "b/2": "z"}, {"a/1": "A", "b/1": "B", "b/2": "B"}), "bm25")
    >>> search_as(User("u", frozenset({"B"})), "x y", 1, idx, {}), sorted(idx.scored)
    (['b/1'], [1, 2])
    """
    key = (scope_key(user), question)
    if key in cache:
        return list(cache[key])
    rows = np.flatnonzero(np.isin(index.matter, sorted(user.matters)))
    if not len(rows):
        return []
    scores = np.asarray(index.score(question, rows))
    order = np.argsort(-scores, kind="stable")[:k]
    found = [index.ids[rows[i]] for i in order]
    cache[key] = list(found)
    return found


class ScopedCache:
    """Any response cache (``get(question)``/``put(question, response[, sources=...])``, such as
    :class:`aisd.rag.generation.ExactCache` or :class:`aisd.rag.generation.SemanticCache`), one per entitlement scope.

    ``make_cache()`` builds the cache of a new scope; ``allowed(user, ids)`` (optional) is checked on
    ``put``: an answer built from passages the user may not see is refused, not cached.

    >>> class Dict(dict):
    ...     def get(self, q): return super().get(q)
    ...     def put(self, q, r, sources=()): self[q] = r
    >>> c = ScopedCache(Dict)
    >>> c.put(User("a", frozenset({"acme"})), "terms?", "Acme terms")
    >>> c.get(User("b", frozenset({"beta"})), "terms?"), c.get(User("c", frozenset({"acme"})), "terms?")
    (None, 'Acme terms')
    """

    def __init__(self, make_cache: Callable[[], object], allowed: Callable[[User, Sequence[str]], bool] | None = None):
        self.make_cache, self.allowed = make_cache, allowed
        self.scopes: dict[str, object] = {}

    def _cache(self, user: User):
        key = scope_key(user)
        if key not in self.scopes:
            self.scopes[key] = self.make_cache()
        return self.scopes[key]

    def get(self, user: User, question: str):
        return self._cache(user).get(question)

    def put(self, user: User, question: str, response, sources: Sequence[str] = ()) -> None:
        if self.allowed is not None and not self.allowed(user, sources):
            raise AccessError(f"refusing to cache an answer for {user.name!r} built from passages outside "
                              f"their matters: {list(sources)}")
        inner = self._cache(user)
        if "sources" in inspect.signature(inner.put).parameters:
            inner.put(question, response, sources=list(sources))
        else:
            inner.put(question, response)


class AuditLog:
    """Append-only record of every answer: who asked what, in which scope, and which passages were shown.

    Records are JSON lines (in ``path`` when given, else in memory), each carrying the sha256 of the
    previous one, so :meth:`verify` finds an edited or deleted record.

    >>> log = AuditLog(clock=lambda: 0.0)
    >>> _ = log.record(User("alice", frozenset({"beta"})), "merger terms?", ["b/1"])
    >>> log.verify(), log.who_saw("b/1")
    (True, ['alice'])
    >>> log.records[0]["shown"] = ["a/1"]; log.verify()
    False
    """

    def __init__(self, path: str | Path | None = None, clock: Callable[[], float] = time.time):
        self.path, self.clock = (Path(path) if path else None), clock
        self.records: list[dict] = []
        if self.path and self.path.is_file():
            self.records = [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines() if line]

    @staticmethod
    def _digest(record: dict) -> str:
        body = {k: v for k, v in record.items() if k != "hash"}
        return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()

    def record(self, user: User, question: str, shown: Sequence[str], cached: bool = False,
               abstained: bool = False) -> dict:
        """Append one record and return it."""
        rec = {"time": self.clock(), "user": user.name, "scope": scope_key(user), "question": question,
               "shown": list(shown), "cached": cached, "abstained": abstained,
               "prev": self.records[-1]["hash"] if self.records else ""}
        rec["hash"] = self._digest(rec)
        self.records.append(rec)
        if self.path:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "a", encoding="utf-8") as f:
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        return rec

    def verify(self) -> bool:
        """Whether every record is intact and chained to the one before it."""
        prev = ""
        for rec in self.records:
            if rec.get("prev") != prev or rec.get("hash") != self._digest(rec):
                return False
            prev = rec["hash"]
        return True

    def who_saw(self, chunk_id: str) -> list[str]:
        """The users who were shown ``chunk_id``, in order of first sight."""
        return list(dict.fromkeys(r["user"] for r in self.records if chunk_id in r["shown"]))
