"""``aisd precompute 06 answers``: the small model's answer to every labelled question, stored (then
``aisd precompute 06 vectors`` embeds their sentences: :func:`aisd.legal.vectors.write`).

Held-out questions first (they are what the notebook reports), each record appended as soon as it is made, so a
stopped run continues where it stopped; at the end the file keeps exactly the answers asked for. Measured here:
about 90 s an answer on 2 busy cores with one llama.cpp thread (~480 prompt tokens, ~80 generated).
"""
from __future__ import annotations

from aisd.legal.answers import MAX_TOKENS, STORE, requests


def answers(path=STORE, splits: tuple[str, ...] = ("heldout", "tuning")) -> None:
    """Generate the missing answers of ``splits`` (resumable), then drop answers no longer asked for."""
    from aisd.toolkit.progress import progress
    from aisd.toolkit.answer_store import Store

    from aisd.legal.vectors import legal_search

    wanted = [r for r in requests(*legal_search()) if r[1] in splits]
    store = Store(path, tier="small", write=True)
    for q, split, messages in progress(wanted, "06 answers"):
        store.ask(messages, MAX_TOKENS, label=q, split=split)
    store.keep_only([store.key(m, MAX_TOKENS) for _, _, m in wanted])





if __name__ == "__main__":
    answers()
