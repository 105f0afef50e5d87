"""Precomputed embeddings of the legal corpus's chunks, so notebook 06 does not embed 2,387 chunks at run time.

Embedding the corpus with the bundled MiniLM takes about two minutes on two busy cores (measured: 110 s
for 2,387 chunks at load average 4, with the embedding cache off), over the notebook's budget. So
``aisd precompute 06 vectors`` embeds every chunk once (as :class:`aisd.toolkit.retrieval.Retriever` indexes it:
``title + "\\n" + text``), every question of ``queries.jsonl`` and the few fixed questions of the notebook
(:data:`EXTRA_TEXTS`) and the texts the support check compares (:func:`support_texts`), and writes ``datasets/eu_law_qa/chunk_vectors.npz``: float16 vectors (1.9 MB)
with the embedding cache's key of each text (sha256 of the model id and the text). :func:`embed` then
answers from the file for every text whose key it holds (renormalised to unit length) and embeds the
rest (a question a learner types) with :func:`aisd.runtime.embeddings.embed`; a changed chunk or another
model has another key, so a stale file can never be used for it. So the notebook never loads the
embedding model unless a learner asks something new (loading it costs seconds and ~400 MB).

>>> v = embed(list(chunk_texts().values())[:3])        # from the file: no model call
>>> v.shape, round(float(v[0] @ v[0]), 3)
((3, 384), 1.0)
"""
from __future__ import annotations

import functools
import json
from pathlib import Path

import numpy as np

from aisd.runtime import embeddings
from aisd.legal.data import FOLDER

VECTORS = FOLDER / "chunk_vectors.npz"
#: Questions notebook 06 asks besides the labelled ones (the access-control demonstrations and tests).
EXTRA_TEXTS = ("ICT risk", "What must the AI provider's technical documentation contain?",
               "what must the technical documentation of an AI provider contain",
               "What must a contract with an ICT third-party service provider contain?",
               "Who is a provider of an AI system?", "personal data breach notification to the authority")


def chunk_texts(folder: str | Path = FOLDER) -> dict[str, str]:
    """``{chunk id: title + "\\n" + text}``: what the course's retrievers index for each chunk.

    >>> len(chunk_texts())
    2387
    """
    from aisd.legal.data import load_split

    return load_split("tuning", folder).doc_texts()          # the chunks are the same in both splits


def legal_search():
    """The notebook's search engines over the corpus (as its section 5 builds them), with these vectors:
    ``(search, text_of_chunk)``."""
    from aisd.legal.data import load_split
    from aisd.legal.search import LegalSearch

    collection = load_split("tuning")
    text = {i: d["text"] for i, d in collection.corpus.items()}
    return LegalSearch(collection.doc_texts(), embed, text), text


def support_texts() -> list[str]:
    """The texts notebook 06's support check embeds (:mod:`aisd.legal.support`): every sentence of the stored LLM
    answers and of the extractive answers built from the same retrieval, the labelled questions' written answers
    (the pairs the support threshold is chosen on), and the segments of every chunk they can be compared with
    (the top 10 of :data:`aisd.legal.answers.ANSWER_CONFIG` for every question, and the judged chunks)."""
    from aisd.legal import answers, support, verify
    from aisd.legal.data import load_questions, load_split
    from aisd.toolkit.answer_store import load

    search, text = legal_search()
    questions = load_questions()
    out = [support.claim_text(a) for a in questions["answer"].dropna()]
    said = [answers.without_not_found(r["text"]) for r in load(answers.STORE).values()]
    chunks = set()
    for question in questions["text"]:
        chunks.update(search.search(question, answers.ANSWER_CONFIG, k=10).ids)
        top = search.search(question, answers.ANSWER_CONFIG, k=answers.ANSWER_K).ids
        chunks.update(top)
        said.append(answers.extractive_answer(question, [(i, text[i]) for i in top]))
    for split in ("tuning", "heldout"):
        chunks.update(c for rel in load_split(split).qrels.values() for c in rel)
    out += [support.claim_text(s) for a in said for s in verify.sentences(a)]
    out += [seg for c in sorted(chunks) for seg in support.segments(text[c])]
    return list(dict.fromkeys(t for t in out if t))


def write(path: str | Path = VECTORS, support: bool = True) -> int:
    """Embed every chunk, question and extra text and write the vectors with their keys; returns how many.

    >>> write("/tmp/chunk_vectors.npz")           # doctest: +SKIP
    2517
    """
    lines = (FOLDER / "queries.jsonl").read_text(encoding="utf-8").splitlines()
    questions = [json.loads(line)["text"] for line in lines if line.strip()]
    more = support_texts() if support else []
    texts = list(dict.fromkeys([*chunk_texts().values(), *questions, *EXTRA_TEXTS, *more]))
    keys = np.array([embeddings._key(t) for t in texts])
    stored = _stored()                          # vectors the file already holds (same text, same model) are kept
    missing = [t for t, k in zip(texts, keys) if k not in stored]
    fresh = dict(zip(missing, embeddings.embed(missing, batch_size=16))) if missing else {}
    vectors = np.stack([stored[k] if k in stored else fresh[t] for t, k in zip(texts, keys)])
    np.savez_compressed(path, vectors=vectors.astype(np.float16), keys=keys)
    _stored.cache_clear()
    return len(texts)


@functools.lru_cache(maxsize=1)
def _stored(path: str = str(VECTORS)) -> dict[str, np.ndarray]:
    if not Path(path).is_file():
        return {}
    with np.load(path) as f:
        vectors = f["vectors"].astype(np.float32)
        keys = f["keys"].tolist()
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    return dict(zip(keys, vectors))


def embed(texts, batch_size: int = 16) -> np.ndarray:
    """Unit vectors for ``texts``, from the precomputed file where it holds them, else from the model.

    >>> embed([]).shape
    (0, 384)
    """
    texts = [texts] if isinstance(texts, str) else list(texts)
    stored = _stored()
    keys = [embeddings._key(t) for t in texts]
    missing = [t for t, k in zip(texts, keys) if k not in stored]
    fresh = dict(zip(missing, embeddings.embed(missing, batch_size=batch_size))) if missing else {}
    if not texts:
        return np.zeros((0, embeddings.DIMENSIONS), dtype=np.float32)
    return np.stack([stored[k] if k in stored else fresh[t] for t, k in zip(texts, keys)]).astype(np.float32)


def coverage(texts: list[str] | None = None) -> float:
    """Share of ``texts`` (default: the corpus's chunks) the file holds (1.0 when it is current).

    >>> coverage(), coverage(list(EXTRA_TEXTS))
    (1.0, 1.0)
    """
    stored = _stored()
    texts = list(chunk_texts().values()) if texts is None else texts
    return sum(embeddings._key(t) in stored for t in texts) / len(texts)
