"""A semantic response cache, measured on real questions with known meaning.

The questions are notebook 02's 114 support questions about Python's documentation, each in three wordings: the
original and two paraphrases written by hand (``datasets/resilience/paraphrases.jsonl``), so which wordings mean
the same thing is known. A request is answered from the cache when the nearest cached wording (cosine of the
course's MiniLM vectors) reaches ``threshold``; the hit is **wrong** when that answer was written for another
question, and **stale** when the documentation it came from changed after it was cached.

>>> cache = SemanticCache(threshold=0.9)
>>> cache.store(np.array([1.0, 0.0]), "answer to q1", now=0, question="q1")
>>> cache.lookup(np.array([0.96, 0.28]), now=1).question        # cosine 0.96: a hit
'q1'
>>> cache.lookup(np.array([0.6, 0.8]), now=2) is None            # cosine 0.6: a miss
True
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

from aisd.core import paths
from aisd.core.errors import AisdError

DATA = paths.DATASETS / "resilience"
PARAPHRASES = DATA / "paraphrases.jsonl"
VECTORS = DATA / "cache_vectors.npz"


class CacheDataError(AisdError):
    """A request stream or a stored vector file that the cache experiments cannot use."""


@dataclass
class Entry:
    """One cached answer: the question it was written for, when, and the passages it came from."""
    answer: str
    question: str
    stored_at: float
    sources: tuple = ()
    similarity: float = 1.0


class SemanticCache:
    """Answers keyed by their question's unit vector; a lookup returns the nearest entry at or above ``threshold``.

    ``ttl`` (in the same unit as ``now``) expires entries; :meth:`invalidate` drops those built from changed
    sources (invalidation on ingest). ``threshold=1.0`` is an exact-match cache (the same wording only).
    """

    def __init__(self, threshold: float, ttl: float | None = None):
        self.threshold, self.ttl = float(threshold), ttl
        self._matrix = np.zeros((0, 0), dtype=np.float32)     # one row per entry (grown by doubling)
        self._stored_at = np.zeros(0)
        self._entries: list[Entry] = []

    def __len__(self) -> int:
        return len(self._entries)

    def lookup(self, vector, now: float = 0.0) -> Entry | None:
        """The nearest live entry if its cosine with ``vector`` reaches the threshold, else None."""
        n = len(self._entries)
        if n == 0:
            return None
        sims = self._matrix[:n] @ np.asarray(vector, dtype=np.float32)
        if self.ttl is not None:
            sims = np.where(now - self._stored_at[:n] < self.ttl, sims, -np.inf)
        best = int(np.argmax(sims))
        if sims[best] < self.threshold - 1e-6:          # float32 rounding: an identical vector is a hit at 1.0
            return None
        e = self._entries[best]
        return Entry(e.answer, e.question, e.stored_at, e.sources, float(min(sims[best], 1.0)))

    def store(self, vector, answer: str, now: float = 0.0, question: str = "", sources=()) -> None:
        """Cache ``answer`` under ``vector`` (replacing an entry with the very same vector)."""
        vector = np.asarray(vector, dtype=np.float32)
        n = len(self._entries)
        same = np.flatnonzero((self._matrix[:n] == vector).all(axis=1)) if n else []
        i = int(same[0]) if len(same) else n
        if i == n:
            if n == len(self._matrix):
                grown = np.zeros((max(16, 2 * n), vector.size), dtype=np.float32)
                if n:
                    grown[:n] = self._matrix[:n]
                self._matrix, self._stored_at = grown, np.resize(self._stored_at, len(grown))
            self._entries.append(None)
        self._matrix[i], self._stored_at[i] = vector, now
        self._entries[i] = Entry(answer, question, now, tuple(sources))

    def invalidate(self, changed) -> int:
        """Drop every entry with a source in ``changed`` (a passage id, or a topic: the part before ``/``)."""
        changed = set(changed)
        keep = [i for i, e in enumerate(self._entries)
                if not any(s in changed or s.split("/")[0] in changed for s in e.sources)]
        dropped = len(self._entries) - len(keep)
        self._matrix, self._stored_at = self._matrix[keep], self._stored_at[keep]
        self._entries = [self._entries[i] for i in keep]
        return dropped


# ------------------------------------------------------------------------------------------------
# The questions, their wordings and their stored vectors
# ------------------------------------------------------------------------------------------------
def wordings(split: str | None = None) -> list[dict]:
    """Every wording of notebook 02's questions: ``question``, ``text``, ``wording`` (0 is the original),
    ``split`` (``tuning`` or ``heldout``) and ``sources`` (the passages judged to answer it; none when unanswerable).

    >>> rows = wordings()
    >>> len(rows), len({r["question"] for r in rows}), rows[0]["wording"], rows[1]["wording"]
    (342, 114, 0, 1)
    """
    from aisd.rag.data import FOLDER, load_split

    with open(FOLDER / "queries.jsonl", encoding="utf-8") as f:
        queries = [json.loads(line) for line in f if line.strip()]
    with open(PARAPHRASES, encoding="utf-8") as f:
        paraphrases = {r["_id"]: r["paraphrases"] for r in map(json.loads, filter(str.strip, f))}
    sources = {}
    for name in ("tuning", "heldout"):
        sources.update({q: tuple(sorted(docs)) for q, docs in load_split(name).qrels.items()})
    rows = []
    for q in queries:
        qsplit = q["metadata"]["split"]
        if split is not None and qsplit != split:
            continue
        for i, text in enumerate([q["text"], *paraphrases.get(q["_id"], [])]):
            rows.append({"question": q["_id"], "text": text, "wording": i, "split": qsplit,
                         "sources": sources.get(q["_id"], ())})
    return rows


def store_vectors(path=VECTORS) -> dict:
    """Embed every wording with MiniLM and store the vectors (float16) with their texts and how they were made."""
    import os
    import time

    from aisd.runtime import embeddings
    from aisd.runtime.models import minilm_id

    texts = [r["text"] for r in wordings()]
    load, started = os.getloadavg()[0], time.perf_counter()
    vectors = embeddings.embed(texts)
    meta = {"made_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "model": minilm_id(), "texts": len(texts),
            "seconds": round(time.perf_counter() - started, 1), "load_average_at_start": round(load, 2),
            "cores": os.cpu_count()}
    np.savez_compressed(path, texts=np.array(texts), vectors=vectors.astype(np.float16), meta=np.array(json.dumps(meta)))
    return meta


def vectors_meta(path=VECTORS) -> dict:
    """How the stored vectors were made: when, the model, how long embedding took and the load average then."""
    return json.loads(str(np.load(path)["meta"]))


def vectors_for(texts) -> np.ndarray:
    """Unit MiniLM vectors for ``texts``: from the stored file when it has them all, else embedded now."""
    texts = list(texts)
    if VECTORS.exists():
        stored = np.load(VECTORS)
        index = {t: i for i, t in enumerate(stored["texts"].tolist())}
        if all(t in index for t in texts):
            v = stored["vectors"][[index[t] for t in texts]].astype(np.float32)
            return v / np.linalg.norm(v, axis=1, keepdims=True)
    from aisd.runtime import embeddings
    return embeddings.embed(texts)


def pairs(split: str):
    """Every pair of two wordings of one split's questions, with their cosine and whether they mean the same
    (``same_question``): a pandas DataFrame with ``text_a``, ``text_b``, ``question_a``, ``question_b``,
    ``similarity``, ``same_question``, the most similar pairs first.

    >>> p = pairs("tuning")
    >>> len(p) == 171 * 170 // 2, int(p["same_question"].sum())        # 57 questions x 3 wordings
    (True, 171)
    """
    import pandas as pd

    rows = wordings(split)
    v = vectors_for([r["text"] for r in rows])
    i, j = np.triu_indices(len(rows), k=1)
    sims = np.clip((v @ v.T)[i, j], -1.0, 1.0)
    qa, qb = np.array([r["question"] for r in rows])[i], np.array([r["question"] for r in rows])[j]
    texts = np.array([r["text"] for r in rows], dtype=object)
    table = pd.DataFrame({"text_a": texts[i], "text_b": texts[j], "question_a": qa, "question_b": qb,
                          "similarity": sims.astype(float).round(4), "same_question": qa == qb})
    return table.sort_values("similarity", ascending=False, ignore_index=True)


def make_stream(split: str, n: int, s: float = 1.0, seed: int = 0) -> list[dict]:
    """``n`` requests over one split's questions: a question drawn from a Zipf law (the k-th most asked, in a
    seeded random order of popularity, has weight 1/k**s), then one of its wordings at random. Each request is
    ``{"t", "question", "text", "sources", "vector"}`` (``t`` counts requests).

    >>> stream = make_stream("tuning", 50, seed=1)
    >>> len(stream), sorted(stream[0])
    (50, ['question', 'sources', 't', 'text', 'vector'])
    """
    rows = wordings(split)
    if not rows:
        raise CacheDataError(f"no questions in split {split!r} (tuning or heldout)")
    questions = list(dict.fromkeys(r["question"] for r in rows))
    rng = np.random.default_rng(seed)
    popularity = rng.permutation(len(questions))
    weights = 1.0 / np.arange(1, len(questions) + 1) ** s
    picks = rng.choice(len(questions), size=n, p=weights / weights.sum())
    by_question = {q: [r for r in rows if r["question"] == q] for q in questions}
    chosen = []
    for k in picks:
        options = by_question[questions[popularity[k]]]
        chosen.append(options[rng.integers(len(options))])
    vectors = vectors_for([r["text"] for r in chosen])
    return [{"t": t, "question": r["question"], "text": r["text"], "sources": r["sources"], "vector": vectors[t]}
            for t, r in enumerate(chosen)]


@dataclass(frozen=True)
class DocUpdate:
    """The documentation of ``topics`` changes at request ``at``: answers cached before from them are stale."""
    at: int
    topics: frozenset


def replay(stream: list[dict], threshold: float, ttl: float | None = None, update: DocUpdate | None = None,
           invalidate: bool = False) -> dict:
    """Serve ``stream`` through a :class:`SemanticCache` (a miss is answered and cached; ``t`` is the clock).

    Returns the shares of requests that were hits, **wrong hits** (the answer of another question), and **stale
    hits** (an answer cached before ``update`` from a topic it changed), their counts, and ``outcomes``: one of
    ``miss``, ``hit``, ``wrong``, ``stale`` per request (a wrong hit that is also stale counts as wrong). With
    ``invalidate=True`` the cache drops the changed topics' entries when the update lands.

    >>> stream = make_stream("tuning", 200, seed=3)
    >>> exact, loose = replay(stream, 1.0), replay(stream, -1.0)        # -1: every request after the first hits
    >>> exact["wrong_hits"], loose["hits"] == 199
    (0, True)
    """
    if not stream or any(k not in stream[0] for k in ("t", "question", "vector")):
        raise CacheDataError("a stream is a list of requests with t, question and vector (semcache.make_stream)")
    cache = SemanticCache(threshold, ttl)
    hits = wrong = stale = 0
    applied = False
    outcomes = []
    for r in stream:
        if update is not None and not applied and r["t"] >= update.at:
            applied = True
            if invalidate:
                cache.invalidate(update.topics)
        entry = cache.lookup(r["vector"], now=r["t"])
        if entry is None:
            cache.store(r["vector"], f"answer to {r['question']}", now=r["t"], question=r["question"],
                        sources=r.get("sources", ()))
            outcomes.append("miss")
            continue
        is_wrong = entry.question != r["question"]
        is_stale = bool(applied and entry.stored_at < update.at
                        and any(s.split("/")[0] in update.topics for s in entry.sources))
        hits, wrong, stale = hits + 1, wrong + is_wrong, stale + is_stale
        outcomes.append("wrong" if is_wrong else "stale" if is_stale else "hit")
    n = len(stream)
    return {"requests": n, "hits": hits, "wrong_hits": wrong, "stale_hits": stale, "hit_rate": hits / n,
            "wrong_hit_rate": wrong / n, "stale_rate": stale / n, "outcomes": outcomes}


def sweep(stream: list[dict], thresholds) -> list[dict]:
    """:func:`replay` at each threshold: ``[{"threshold", "hit_rate", "wrong_hit_rate", ...}, ...]``."""
    rows = [{"threshold": float(t), **replay(stream, float(t))} for t in thresholds]
    return [{k: v for k, v in row.items() if k != "outcomes"} for row in rows]
