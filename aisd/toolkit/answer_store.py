"""Stored answers of the course's LLM: one mechanism for every notebook, so that a notebook can judge generation
on *every* held-out case within its time budget (a local model takes seconds per answer).

A record is keyed by the exact request (:func:`request_key`): the model, the messages, ``max_tokens`` and the
JSON schema of structured output, at temperature 0. A notebook that edits its prompt, its passages or its
schema asks for other requests, finds none stored, and generates them live: slower, never stale.

:class:`Store` is the one way in. ``Store(path).ask(messages, max_tokens, schema=...)`` returns the stored answer
of the model that made the notebook's store (the ``small`` tier, :data:`aisd.runtime.models.STORED_TIER`) and
records it in the usage ledger as ``source="stored"`` (tokens and seconds as when it was generated), so cost
tables come from the ledger. A request not stored goes live to the tier that serves live calls here
(:func:`aisd.runtime.llm.live_tier`), and its record says which model answered.

A caller that decides what to do from whether an answer is stored (skip it, count it) makes the request once,
``request = store.request(messages, max_tokens, schema=...)``, reads ``request.stored``, then
``store.answer(request, label=...)``: the request is keyed once, whichever way it is answered.

``aisd precompute NN`` regenerates a notebook's store with ``Store(path, write=True, tier="small")``: each new
answer is appended to the file as soon as it is made (a stopped run keeps them and continues), retried when the
local server is busy, and :meth:`Store.keep_only` finally drops what is no longer asked for.

>>> key = request_key("m", [{"role": "user", "content": "hi"}], 10)
>>> len(key), key == request_key("m", [{"role": "user", "content": "hi"}], 11)
(64, False)
"""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path

from aisd.core.errors import AisdError


SAMPLE_TEMPERATURE = 0.8     # sampled answers (agreement between samples); greedy answers use 0


class StoreError(AisdError, KeyError):
    """The store lacks answers a step asked for (run the regeneration to the end first)."""


def request_key(model: str, messages: list[dict], max_tokens: int, schema: dict | None = None,
                sample: int = 0) -> str:
    """A stable hash of one chat request; ``schema`` is the JSON schema of structured output, so a changed
    schema is a different request. ``sample`` 0 is the greedy answer (temperature 0); ``sample`` n > 0 is the
    n-th sampled answer (temperature :data:`SAMPLE_TEMPERATURE`, seed n), a request of its own.

    >>> request_key("m", [], 10) == request_key("m", [], 10, schema={"type": "object"})
    False
    >>> len({request_key("m", [], 10, sample=n) for n in (0, 1, 2)})
    3
    """
    blob = {"model": model, "messages": messages, "max_tokens": max_tokens}
    if schema is not None:
        blob["schema"] = schema
    if sample:
        blob["sample"] = [sample, SAMPLE_TEMPERATURE]
    return hashlib.sha256(json.dumps(blob, sort_keys=True).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Request:
    """One chat request to a :class:`Store`, keyed once when it is made (:meth:`Store.request`): its keys for the
    store's model and the live model, and the stored record found under one of them (``None``: not stored)."""
    messages: list
    max_tokens: int
    schema: dict | None
    sample: int
    keys: dict                 # model -> request_key, the store's model first
    record: dict | None        # the stored record (the store's model's, else the live model's), or None

    @property
    def stored(self) -> bool:
        """Is the answer stored (no live call needed)?"""
        return self.record is not None


def load(path: str | Path) -> dict[str, dict]:
    """The stored records, ``{key: record}`` (empty when there is no store; a later line wins)."""
    path = Path(path)
    if not path.is_file():
        return {}
    with open(path, encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    return {r["key"]: r for r in records}


def save(records: list[dict], path: str | Path) -> Path:
    """Write ``records`` (one JSON object a line), replacing the file in one step."""
    path = Path(path)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    tmp.replace(path)
    return path


class Store:
    """One notebook's stored LLM answers (a JSON-lines file), and live calls for the requests it lacks.

    ``tier`` is the model whose stored answers are read (default: the tier the course stores,
    ``small``); with ``write=True`` (regeneration) the live calls go to that same tier and every new record is
    appended to ``path`` at once. Without it, live answers stay in memory (the committed file is not touched)
    and go to the live tier. ``client`` replaces the local server's client for live calls (a provider's, or a
    stand-in in a unit test).
    """

    def __init__(self, path: str | Path, tier: str | None = None, write: bool = False, attempts: int = 3,
                 client=None):
        from aisd.runtime.models import STORED_TIER, tier_of

        self.path, self.write, self.attempts = Path(path), write, attempts
        self.tier = tier_of(tier or STORED_TIER).tier
        self.records = load(self.path)
        self.client = client               # an openai-compatible client for live calls (default: the local tier's)
        self._clients: dict = {}
        self.live = 0                      # live calls made by this store
        self.asked: list[str] = []         # the keys of every answer given, in order (what a regeneration keeps)

    @property
    def model(self) -> str:
        """The model name its stored answers were made with (``create(model=...)``)."""
        from aisd.runtime.models import tier_of

        return tier_of(self.tier).alias

    def key(self, messages: list[dict], max_tokens: int, schema: dict | None = None, model: str | None = None,
            sample: int = 0) -> str:
        return request_key(model or self.model, messages, max_tokens, schema, sample)

    def request(self, messages: list[dict], max_tokens: int, schema: dict | None = None, sample: int = 0) -> Request:
        """The request, keyed once, with its stored record: the store's model's, else one the live model made."""
        from aisd.runtime.models import tier_of

        keys = {model: self.key(messages, max_tokens, schema, model, sample)
                for model in dict.fromkeys([self.model, tier_of(self._live_tier()).alias])}
        record = next((self.records[k] for k in keys.values() if k in self.records), None)
        return Request(messages, max_tokens, schema, sample, keys, record)

    def has(self, messages: list[dict], max_tokens: int, schema: dict | None = None, sample: int = 0) -> bool:
        """Is this request's answer stored? (To answer it too, use :meth:`request` and :meth:`answer`.)"""
        return self.request(messages, max_tokens, schema, sample).stored

    def _live_tier(self) -> str:
        from aisd.runtime import llm

        return self.tier if self.write else llm.live_tier()

    def _client(self, tier: str):
        from aisd.runtime import llm

        if self.client is not None:
            return self.client
        if tier not in self._clients:
            self._clients[tier] = llm.client(tier=tier, timeout=900 if self.write else 300)
        return self._clients[tier]

    def ask(self, messages: list[dict], max_tokens: int, schema: dict | None = None, label: str = "",
            sample: int = 0, **meta) -> dict:
        """The answer to one request: a record with ``text``, ``model``, ``finish_reason``, ``prompt_tokens``,
        ``completion_tokens``, ``seconds`` (as measured when generated), ``label`` and ``stored`` (True when it
        was read back). ``sample`` n > 0 asks for the n-th sampled answer instead of the greedy one (see
        :func:`request_key`). ``meta`` adds fields to a new record (e.g. ``post=``)."""
        return self.answer(self.request(messages, max_tokens, schema, sample), label, **meta)

    def answer(self, request: Request, label: str = "", **meta) -> dict:
        """The answer to a request made by :meth:`request`: the stored record it found, else a live one (see
        :meth:`ask`, which is ``answer(request(...))``)."""
        from aisd.runtime import usage

        rec = request.record
        if rec is not None:
            self.asked.append(rec["key"])
            usage.record(model=rec["model"], provider="stored", prompt_tokens=rec.get("prompt_tokens") or 0,
                         completion_tokens=rec.get("completion_tokens") or 0,
                         latency_s=rec.get("seconds") or 0.0, source="stored")
            return {**rec, "stored": True}
        record = self._generate(request, label, meta)
        self.records[record["key"]] = record
        self.asked.append(record["key"])
        if self.write:
            with open(self.path, "a", encoding="utf-8") as f:
                f.write(json.dumps(record, ensure_ascii=False) + "\n")
        return {**record, "stored": False}

    def _generate(self, request: Request, label: str, meta: dict) -> dict:
        import openai

        from aisd.runtime.models import tier_of

        messages, max_tokens, schema, sample = request.messages, request.max_tokens, request.schema, request.sample
        tier = self._live_tier()
        model = tier_of(tier).alias
        key = request.keys.get(model) or self.key(messages, max_tokens, schema, model, sample)
        extra = {"response_format": {"type": "json_object", "schema": schema}} if schema else {}
        sampling = {"temperature": SAMPLE_TEMPERATURE, "seed": sample} if sample else {"temperature": 0}
        for attempt in range(1, self.attempts + 1):
            try:
                started = time.perf_counter()
                reply = self._client(tier).chat.completions.create(
                    model=model, messages=messages, max_tokens=max_tokens, **sampling, **extra)
                break
            except AisdError:                # the local server was busy or restarting: wait, then retry
                if attempt == self.attempts:
                    raise
                time.sleep(10 * attempt)
            except openai.UnprocessableEntityError as exc:
                # The model's output did not fit the schema even after the runtime's retry: that is its answer
                # (recorded, so a regeneration does not ask again), and the caller's parser sees no JSON.
                return {"key": key, "label": label, "model": model,
                        "max_tokens": max_tokens, **meta, "text": "", "finish_reason": "invalid",
                        "error": str(exc)[:300], "prompt_tokens": None, "completion_tokens": None,
                        "seconds": round(time.perf_counter() - started, 3)}
        self.live += 1
        used = reply.usage
        return {"key": key, "label": label, "model": model,
                "max_tokens": max_tokens, **meta, "text": reply.choices[0].message.content or "",
                "finish_reason": getattr(reply.choices[0], "finish_reason", None),
                "prompt_tokens": getattr(used, "prompt_tokens", None),
                "completion_tokens": getattr(used, "completion_tokens", None),
                "seconds": round(time.perf_counter() - started, 3)}

    def keep_only(self, keys) -> Path:
        """Rewrite the file with the records of ``keys`` only, in that order (the end of a regeneration)."""
        keys = list(dict.fromkeys(keys))
        missing = [k for k in keys if k not in self.records]
        if missing:
            raise StoreError(f"{len(missing)} requests have no answer yet; run the regeneration to the end first")
        return save([self.records[k] for k in keys], self.path)
