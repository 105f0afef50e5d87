"""Notebook 02's stored answers: the held-out requests the notebook makes, and their regeneration
(``aisd precompute 02 answers``) for both model tiers; and the judgement of those answers per tier
(``aisd precompute 02 tiers``), which notebook 01 reads to put both tiers side by side without a retriever.
"""
from __future__ import annotations

from pathlib import Path

from aisd.core import paths
from aisd.core.errors import AisdError
from aisd.toolkit.answer_store import Store

STORE = paths.DATASETS / "pydoc_qa" / "answers.jsonl"
TIER_JUDGEMENTS = paths.DATASETS / "pydoc_qa" / "tier_judgements.jsonl"


def notebook_02_requests() -> list[tuple[str, list[dict]]]:
    """``[(question id, messages), ...]``: :func:`notebook_02_prompts` without the passages."""
    return [(qid, messages) for qid, _, messages in notebook_02_prompts()]


def notebook_02_prompts() -> list[tuple[str, dict[str, str], list[dict]]]:
    """``[(question id, {passage id: text}, messages), ...]`` for *every* held-out question of notebook 02, as the notebook builds
    them: the top-k passages of the retriever chosen on the tuning questions
    (:func:`aisd.rag.experiments.choose_config`), :data:`aisd.rag.generation.SYSTEM_PROMPT`, :data:`aisd.rag.generation.PASSAGE_CHARS`.
    The notebook's pipeline sends only those its abstention gate lets through (and every unanswerable one);
    its tier comparison reads them all.
    """
    from aisd.rag import generation as rag
    from aisd.rag.data import load_split, question_ids
    from aisd.rag.experiments import choose_config
    from aisd.toolkit.retrieval import Retriever

    tuning, heldout = load_split("tuning", STORE.parent), load_split("heldout", STORE.parent)
    retriever = Retriever(heldout.doc_texts())
    config, _ = choose_config(retriever, tuning.queries, tuning.qrels, k=rag.ANSWER_K)
    text_of = dict(zip(retriever.ids, retriever.texts))
    out = []
    for qid in question_ids("heldout", STORE.parent):
        ids = retriever.search(heldout.queries[qid], config, k=rag.ANSWER_K).ids
        out.append((qid, {i: text_of[i] for i in ids},
                    rag.build_messages(heldout.queries[qid], [(i, text_of[i]) for i in ids],
                                       max_chars=rag.PASSAGE_CHARS, system=rag.SYSTEM_PROMPT)))
    return out


def main(path: str | Path = STORE, tiers: tuple[str, ...] = ("small", "tiny")) -> Path:
    """Bring notebook 02's store up to date for each tier: generate the missing answers (each appended as it is
    made, so a stopped run continues), then drop the answers no longer asked for."""
    from aisd.rag import generation as rag
    from aisd.toolkit.progress import progress

    requests = notebook_02_requests()
    wanted = []
    for tier in tiers:
        store = Store(path, tier=tier, write=True)
        for qid, messages in progress(requests, f"02 answers ({tier})"):
            store.ask(messages, rag.MAX_TOKENS, label=qid)
        wanted += [store.key(m, rag.MAX_TOKENS) for _, m in requests]
    return store.keep_only(wanted)


def judge_tiers(path: str | Path = TIER_JUDGEMENTS, tiers: tuple[str, ...] = ("tiny", "small")) -> Path:
    """Judge each tier's stored answer to every held-out question as notebook 02 does (:func:`aisd.rag.generation.judge`
    with the embedder), one JSON line per (tier, question): ``correct`` (a relevant passage cited and nothing
    unsupported; "I don't know" on an unanswerable question), ``hallucinated``, ``refused``, ``fails_check`` (the
    router's check: an unsupported claim, or neither a refusal nor a citation), tokens and the measured seconds."""
    import json

    from aisd.rag import generation as rag
    from aisd.rag.data import FOLDER, load_split
    from aisd.runtime import embeddings

    heldout = load_split("heldout", FOLDER)
    with open(FOLDER / "queries.jsonl", encoding="utf-8") as f:
        kind = {r["_id"]: r["metadata"]["kind"] for r in map(json.loads, filter(str.strip, f))}
    prompts = notebook_02_prompts()
    rows = []
    for tier in tiers:
        store = Store(STORE, tier=tier)
        for qid, passages, messages in prompts:
            rec = store.request(messages, rag.MAX_TOKENS).record
            if rec is None or rec["model"] != store.model:
                raise AisdError(f"no stored {tier} answer for {qid}: run aisd precompute 02 answers first")
            v = rag.judge(rec["text"], passages, set(heldout.qrels.get(qid, {})), embed=embeddings.embed)
            ok = v["refused"] if kind[qid] == "unanswerable" else (v["cites_relevant"] and not v["hallucinated"])
            rows.append({"tier": tier, "qid": qid, "kind": kind[qid], "model": rec["model"], "correct": bool(ok),
                         "hallucinated": bool(v["hallucinated"]), "refused": bool(v["refused"]),
                         "fails_check": bool(v["hallucinated"] or not (v["refused"] or rag.parse_citations(rec["text"]))),
                         "prompt_tokens": int(rec["prompt_tokens"]), "completion_tokens": int(rec["completion_tokens"]),
                         "seconds": float(rec["seconds"])})
    path = Path(path)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


if __name__ == "__main__":
    main()
