"""Online stores for the point-in-time features, and a replay of a transaction stream through one.

A store keeps, per event stream (``customer_tx``, ``terminal_tx``, ``terminal_label``) and per entity, the
events seen so far as (time, value) pairs; :func:`aisd.fraud.features.online_features` asks it for the
history of one customer and one terminal. Two interchangeable stores:

- :class:`MemoryStore`: Python lists in a dict (what a Redis-like key-value store would hold);
- :class:`SQLiteStore`: one indexed table in SQLite (a file, or ``":memory:"``).

:func:`replay` plays a frame of transactions as a live stream: labels arrive at their ``label_time``,
each transaction is scored from the store *before* it is recorded, and the time each lookup took is kept.

>>> store = MemoryStore()
>>> store.record_transaction({"time": 10, "customer_id": 1, "terminal_id": 2, "amount": 3.5})
>>> store.history("customer_tx", 1, since=0, until=11)
(array([10]), array([350]))
"""
from __future__ import annotations

import bisect
import heapq
import sqlite3
import time as clock
from collections import defaultdict
from typing import Mapping

import numpy as np
import pandas as pd

from aisd.core.errors import AisdError
from aisd.fraud.features import REQUIRED, STREAMS, WINDOWS_DAYS, feature_names, online_features

STREAM_NAMES = tuple(STREAMS)


class _Recording:
    """What both stores share: turning a transaction or a label into stream events."""

    def add(self, stream: str, key: int, time: int, value: int) -> None:     # pragma: no cover - abstract
        raise NotImplementedError

    def record_transaction(self, txn: Mapping) -> None:
        """Record a transaction (after scoring it): it enters its customer's and its terminal's history."""
        time, cents = int(txn["time"]), int(round(float(txn["amount"]) * 100))
        self.add("customer_tx", int(txn["customer_id"]), time, cents)
        self.add("terminal_tx", int(txn["terminal_id"]), time, cents)

    def record_label(self, terminal_id: int, label_time: int, is_fraud: int) -> None:
        """Record a label when it becomes known (a dispute, or the dispute window closing)."""
        self.add("terminal_label", int(terminal_id), int(label_time), int(is_fraud))


def _check_stream(stream: str) -> None:
    if stream not in STREAMS:
        raise AisdError(f"unknown stream {stream!r}: the store holds {list(STREAMS)}")


class MemoryStore(_Recording):
    """Events in memory: ``{(stream, entity): ([times], [values])}``, each list kept sorted by time.

    >>> s = MemoryStore(); s.add("terminal_label", 7, 100, 1); s.add("terminal_label", 7, 50, 0)
    >>> s.history("terminal_label", 7, since=0, until=200)
    (array([ 50, 100]), array([0, 1]))
    """

    def __init__(self) -> None:
        self._events: dict[tuple[str, int], tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))

    def add(self, stream: str, key: int, time: int, value: int) -> None:
        _check_stream(stream)
        times, values = self._events[stream, key]
        if times and time < times[-1]:                     # late event: insert in order
            i = bisect.bisect_right(times, time)
            times.insert(i, time)
            values.insert(i, value)
        else:
            times.append(time)
            values.append(value)

    def history(self, stream: str, key: int, since: int, until: int) -> tuple[np.ndarray, np.ndarray]:
        """Times and values of the events with ``since <= time < until``, in time order.

        The point-in-time window query of :func:`aisd.fraud.features.terminal_risk`, so it is off while a
        notebook grades that exercise.

        Part of the reference answer of notebook 04, exercise ``ex_terminal_risk``.
        """
        _check_stream(stream)
        times, values = self._events.get((stream, key), ([], []))
        lo, hi = bisect.bisect_left(times, since), bisect.bisect_left(times, until)
        return np.array(times[lo:hi], dtype=np.int64), np.array(values[lo:hi], dtype=np.int64)

    def __len__(self) -> int:
        return sum(len(t) for t, _ in self._events.values())


class SQLiteStore(_Recording):
    """Events in one SQLite table ``events(stream, entity, time, value)`` indexed on (stream, entity, time).

    Writes are committed in groups of ``commit_every`` (one commit per event would cost a disk write each);
    this connection reads its own writes at once, other processes after the next commit or :meth:`close`.

    >>> s = SQLiteStore()
    >>> s.record_transaction({"time": 10, "customer_id": 1, "terminal_id": 2, "amount": 3.5})
    >>> s.history("terminal_tx", 2, since=0, until=11)
    (array([10]), array([350]))
    """

    def __init__(self, path: str = ":memory:", commit_every: int = 1000) -> None:
        self.commit_every, self._unsaved = commit_every, 0
        try:
            self.db = sqlite3.connect(str(path))
        except sqlite3.Error as exc:
            raise AisdError(f"cannot open the SQLite online store at {path}: {exc}") from None
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute("CREATE TABLE IF NOT EXISTS events (stream TEXT, entity INTEGER, time INTEGER, value INTEGER)")
        self.db.execute("CREATE INDEX IF NOT EXISTS events_by_entity ON events (stream, entity, time)")
        self.db.commit()

    def add(self, stream: str, key: int, time: int, value: int) -> None:
        _check_stream(stream)
        self.db.execute("INSERT INTO events VALUES (?, ?, ?, ?)", (stream, key, time, value))
        self._unsaved += 1
        if self._unsaved >= self.commit_every:
            self.db.commit()
            self._unsaved = 0

    def history(self, stream: str, key: int, since: int, until: int) -> tuple[np.ndarray, np.ndarray]:
        """Times and values of the events with ``since <= time < until``, in time order.

        The point-in-time window query of :func:`aisd.fraud.features.terminal_risk`, so it is off while a
        notebook grades that exercise.

        Part of the reference answer of notebook 04, exercise ``ex_terminal_risk``.
        """
        _check_stream(stream)
        rows = self.db.execute("SELECT time, value FROM events WHERE stream = ? AND entity = ? AND time >= ? "
                               "AND time < ? ORDER BY time", (stream, key, since, until)).fetchall()
        arr = np.array(rows, dtype=np.int64).reshape(-1, 2)
        return arr[:, 0].copy(), arr[:, 1].copy()

    def __len__(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM events").fetchone()[0]

    def close(self) -> None:
        self.db.commit()
        self.db.close()


def replay(tx: pd.DataFrame, store, windows: tuple[int, ...] = WINDOWS_DAYS,
           score_from: int | None = None) -> tuple[pd.DataFrame, np.ndarray]:
    """Play ``tx`` as a live stream through ``store``; return the online features and seconds per lookup.

    In time order: the labels whose ``label_time`` has come are recorded, then the transaction is scored
    (its features computed from the store: the timed part), then recorded. The features come back with
    ``tx``'s index, so they can be compared row by row with :func:`aisd.fraud.features.batch_features`.
    With ``score_from``, the transactions before that time only fill the store (a warm-up, much faster):
    the features and timings returned are those of the later ones.

    >>> from aisd.fraud.simulate import simulate
    >>> tx = simulate(n_customers=50, n_terminals=100, n_days=5, seed=0).transactions
    >>> features, seconds = replay(tx, MemoryStore())
    >>> len(features) == len(seconds) == len(tx)
    True
    """
    missing = [c for c in REQUIRED if c not in tx.columns]
    if missing:
        raise AisdError(f"replay: the transactions lack the columns {missing} (need {list(REQUIRED)})")
    ordered = tx.sort_values("time", kind="stable")
    pending: list[tuple[int, int, int, int]] = []        # (label_time, seq, terminal, is_fraud), a heap
    scored = ordered.index if score_from is None else ordered.index[(ordered["time"] >= score_from).to_numpy()]
    rows, seconds = [], []
    records = ordered[["time", "customer_id", "terminal_id", "amount", "is_fraud", "label_time"]].to_dict("records")
    for i, txn in enumerate(records):
        while pending and pending[0][0] <= txn["time"]:
            label_time, _, terminal, is_fraud = heapq.heappop(pending)
            store.record_label(terminal, label_time, is_fraud)
        if score_from is None or txn["time"] >= score_from:
            start = clock.perf_counter()
            rows.append(online_features(txn, store, windows))
            seconds.append(clock.perf_counter() - start)
        store.record_transaction(txn)
        heapq.heappush(pending, (int(txn["label_time"]), i, int(txn["terminal_id"]), int(txn["is_fraud"])))
    features = pd.DataFrame(rows, index=scored, columns=feature_names(windows))
    keep = tx.index[tx.index.isin(scored)]
    return features.reindex(keep), pd.Series(seconds, index=scored, dtype=float).reindex(keep).to_numpy()
