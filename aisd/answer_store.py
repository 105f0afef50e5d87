"""Stored answers of the course's LLM, so that a notebook can judge generation on *every* held-out
question within its time budget (the local model takes seconds per answer).

A record is keyed by the exact request: model name, messages (instructions, passages as cut, question)
and ``max_tokens``, at temperature 0. A notebook that edits its prompt, its passage cut or its k asks
for other requests, finds none stored, and generates them live: slower, never stale.

Regenerate the store of notebook 02 (after a change to retrieval, the prompt or the model) with::

    AISD_HOME=... python -m aisd.answer_store

which runs the held-out questions through the same path as the notebook (the top-k passages of the
retriever chosen on the tuning questions, :func:`aisd.experiments.choose_config`,
:data:`aisd.rag.SYSTEM_PROMPT`, :data:`aisd.rag.PASSAGE_CHARS`, :data:`aisd.rag.MAX_TOKENS`) against the
local model, and rewrites ``datasets/pydoc_qa/answers.jsonl`` with exactly those requests.

>>> key = request_key("m", [{"role": "user", "content": "hi"}], 10)
>>> len(key), key == request_key("m", [{"role": "user", "content": "hi"}], 11)
(64, False)
"""
from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

from . import paths

STORE_02 = paths.DATASETS / "pydoc_qa" / "answers.jsonl"


def request_key(model: str, messages: list[dict], max_tokens: int, **extra) -> str:
    """A stable hash of one chat request (temperature 0); ``extra`` holds whatever else shapes the answer
    (e.g. ``schema=`` for structured output), so a changed schema is a different request.

    >>> request_key("m", [], 10) == request_key("m", [], 10, schema={"type": "object"})
    False
    """
    blob = json.dumps({"model": model, "messages": messages, "max_tokens": max_tokens, **extra}, sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def load(path: str | Path = STORE_02) -> dict[str, dict]:
    """The stored records, ``{key: record}`` (empty when there is no store)."""
    path = Path(path)
    if not path.is_file():
        return {}
    with open(path, encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    return {r["key"]: r for r in records}


def save(records: list[dict], path: str | Path = STORE_02) -> Path:
    """Write ``records`` (one JSON object a line)."""
    path = Path(path)
    with open(path, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    return path


def complete(client, model: str, messages: list[dict], max_tokens: int, store: dict[str, dict],
             label: str = "") -> dict:
    """The answer to one request: the stored one if there is one, else a live call (added to ``store``).

    Returns the record (``text``, ``finish_reason``, ``prompt_tokens``, ``completion_tokens``,
    ``seconds`` as measured when it was generated) with ``stored`` saying where it came from.
    """
    key = request_key(model, messages, max_tokens)
    if key in store:
        return {**store[key], "stored": True}
    t = time.perf_counter()
    reply = client.chat.completions.create(model=model, messages=messages, max_tokens=max_tokens, temperature=0)
    usage = reply.usage
    record = {"key": key, "label": label, "model": model, "max_tokens": max_tokens,
              "text": reply.choices[0].message.content or "", "finish_reason": reply.choices[0].finish_reason,
              "prompt_tokens": getattr(usage, "prompt_tokens", None),
              "completion_tokens": getattr(usage, "completion_tokens", None),
              "seconds": time.perf_counter() - t}
    store[key] = record
    return {**record, "stored": False}


def notebook_02_requests(model: str) -> list[tuple[str, list[dict]]]:
    """``[(question id, messages), ...]`` for the held-out questions of notebook 02 that reach the LLM,
    as the notebook builds them: those the abstention gate lets through (threshold chosen on the tuning
    questions, :func:`aisd.decisions.choose_threshold`), and every unanswerable one (the notebook also
    asks the model those *without* the gate). Answerable questions the gate escalates never reach the LLM.
    """
    import numpy as np

    from . import datasets, rag
    from .decisions import choose_threshold
    from .experiments import choose_config
    from .requirements import CUSTOMER_SUPPORT as REQ
    from .retrieval import Retriever

    tuning, heldout = datasets.load_beir(STORE_02.parent, "dev"), datasets.load_beir(STORE_02.parent, "test")
    retriever = Retriever(heldout.doc_texts())
    config, _ = choose_config(retriever, tuning.queries, tuning.qrels, k=rag.ANSWER_K)
    text_of = dict(zip(retriever.ids, retriever.texts))
    top = lambda q: retriever.search(tuning.queries[q], "dense", 1).scores[0]
    ids_of = lambda q: retriever.search(tuning.queries[q], config, k=rag.ANSWER_K).ids
    tune_ids = rag.question_ids(STORE_02.parent, "tuning")
    ok = [q in tuning.qrels and bool(set(ids_of(q)) & set(tuning.qrels[q])) for q in tune_ids]
    threshold = choose_threshold(np.array([top(q) for q in tune_ids]), np.array(ok),
                                 REQ.wrong_answer_cost_usd, REQ.escalation_cost_usd)
    out = []
    for qid in rag.question_ids(STORE_02.parent, "heldout"):
        if qid in heldout.qrels and top(qid) < threshold:
            continue
        out.append((qid, rag.build_messages(heldout.queries[qid], [(i, text_of[i]) for i in ids_of(qid)],
                                            max_chars=rag.PASSAGE_CHARS, system=rag.SYSTEM_PROMPT)))
    return out


def main(path: str | Path = STORE_02, attempts: int = 3) -> None:
    """Bring the store up to date: keep the stored answers still asked for, generate the missing ones
    (saving after each, so an interrupted run loses nothing), drop the rest."""
    from . import rag
    from .errors import AisdError
    from .runtime import llm

    client, model = llm.client(local=True, timeout=600), llm.model_name(local=True)
    store = load(path)
    requests = notebook_02_requests(model)
    wanted = {request_key(model, m, rag.MAX_TOKENS) for _, m in requests}
    for qid, messages in requests:
        for attempt in range(attempts):
            try:
                record = complete(client, model, messages, rag.MAX_TOKENS, store, label=qid)
                break
            except AisdError as exc:           # the shared local server was busy: wait and retry
                print(qid, f"attempt {attempt + 1} failed: {exc}", flush=True)
                time.sleep(10)
        else:
            raise SystemExit(f"{qid}: the LLM did not answer after {attempts} attempts")
        if not record["stored"]:
            save([r for k, r in store.items() if k in wanted], path)
        print(qid, "stored" if record["stored"] else f"generated in {record['seconds']:.1f} s", flush=True)
    kept = [store[request_key(model, m, rag.MAX_TOKENS)] for _, m in requests]
    print(save(kept, path), f"{len(kept)} answers")


if __name__ == "__main__":
    main()
