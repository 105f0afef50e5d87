"""Notebook 02's stored answers: the held-out requests the notebook makes, and their regeneration
(``aisd precompute 02 answers``) for both model tiers.
"""
from __future__ import annotations

from pathlib import Path

from aisd.core import paths
from aisd.toolkit.answer_store import Store

STORE = paths.DATASETS / "pydoc_qa" / "answers.jsonl"


def notebook_02_requests() -> list[tuple[str, list[dict]]]:
    """``[(question id, messages), ...]`` for *every* held-out question of notebook 02, as the notebook builds
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
        out.append((qid, rag.build_messages(heldout.queries[qid], [(i, text_of[i]) for i in ids],
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


if __name__ == "__main__":
    main()
