"""Notebook 06's system around the pieces: its requirements and design as data, the keyword and dense
engines side by side (the course's BM25, SQLite FTS5, dense, hybrid, each with cross-references
followed), context-budget recall for comparing chunkings, and extractive answers that quote and cite.

>>> REQUIREMENTS["wrong_answer_cost_usd"][0] > REQUIREMENTS["escalation_cost_usd"][0]
True
>>> key_phrase_recall(["the fine is 20 000 000 EUR", "other"], ["20 000 000 EUR"], budget_chars=30)
1.0
>>> corrupt_quote('GDPR Art. 33(1) provides: "not later than 72 hours" [gdpr/33/1].')
'GDPR Art. 33(1) provides: "not later than 73 hours" [gdpr/33/1].'
"""
from __future__ import annotations

import re
import time
from typing import Sequence

import numpy as np
import pandas as pd

from ..design import Design
from ..retrieval import Retriever, terms
from ..retrieval.pipeline import SearchResult
from .chunking import citation_of
from .citations import ChunkIds, citation_from_id, expand_with_references
from .fts import Fts5Index
from .verify import normalise

#: What the interviewer answered (value, unit): a law firm's knowledge team, EU regulatory law.
REQUIREMENTS = {
    "lawyers": (400, "users"),
    "questions_per_lawyer_per_day": (15, "questions"),
    "peak_factor": (3, "x mean"),
    "answer_p95_s": (5.0, "s"),
    "retrieval_p95_ms": (300.0, "ms"),
    "corpus_chunks_now": (2_387, "chunks (six EU laws)"),
    "corpus_growth": (100, "x (the firm's own matter files)"),
    "wrong_answer_cost_usd": (100.0, "USD (a lawyer follows a wrong citation: ~30 min lost)"),
    "escalation_cost_usd": (40.0, "USD (a paralegal looks it up: ~15 min)"),
    "citation_required": (1.0, "share of claims with an exact citation"),
    "forbidden_passages_shown": (0, "passages of a matter a user is not on"),
    "audit_retention_years": (7, "years"),
}

#: Which matter (client file) each law plays in the access-control deep dive.
MATTER_OF_LAW = {"aiact": "ai-startup", "cra": "ai-startup", "gdpr": "privacy", "dora": "bank",
                 "nis2": "bank", "csrd": "esg"}


def requirements_table() -> pd.DataFrame:
    """:data:`REQUIREMENTS` as a table, with the peak load it implies.

    >>> requirements_table().loc["peak_questions_per_s", "value"] > 0
    True
    """
    rows = {name: {"value": v, "unit": u} for name, (v, u) in REQUIREMENTS.items()}
    per_day = REQUIREMENTS["lawyers"][0] * REQUIREMENTS["questions_per_lawyer_per_day"][0]
    rows["questions_per_day"] = {"value": per_day, "unit": "questions"}
    rows["peak_questions_per_s"] = {"value": round(per_day / 8 / 3600 * REQUIREMENTS["peak_factor"][0], 2),
                                    "unit": "questions/s (an 8-hour working day)"}
    return pd.DataFrame(rows).T


def design() -> Design:
    """The legal Q&A design as data (draw it with :func:`aisd.design.render`).

    >>> from aisd.design import review
    >>> review(design())
    []
    """
    return Design(
        nodes={"lawyer": ("client", "lawyer (user with matters)"),
               "api": ("service", "Q&A API"),
               "entitle": ("service", "entitlement filter: matters -> allowed chunks"),
               "cache": ("cache", "answer cache keyed by scope + question"),
               "docs": ("storage", "law texts + matter files (versioned)"),
               "ingest": ("service", "ingest: chunk law > article > paragraph, citation paths"),
               "embedder": ("model", "embedder (MiniLM)"),
               "index": ("vector_store", "vector index + BM25 index, matter per chunk"),
               "retrieve": ("service", "retriever: rank allowed chunks, follow cross-references"),
               "llm": ("llm", "LLM: answer quoting provisions with [citations]"),
               "verify": ("service", "quote verifier: drop unsupported sentences or abstain"),
               "human": ("human", "paralegal reviewer (abstentions)"),
               "audit": ("storage", "audit log: who asked, passages shown"),
               "monitor": ("monitoring", "metrics: p95 latency, abstention rate, cost"),
               "evals": ("evaluation", "labelled questions: tuning / held-out")},
        edges=[("docs", "ingest"), ("ingest", "embedder"), ("embedder", "index"), ("ingest", "index"),
               ("lawyer", "api", "question"), ("api", "cache", "lookup in scope"), ("api", "entitle"),
               ("entitle", "retrieve", "allowed rows"), ("index", "retrieve"), ("retrieve", "llm", "passages"),
               ("llm", "verify"), ("verify", "api", "verified answer"), ("verify", "human", "abstain"),
               ("api", "lawyer", "answer + citations"), ("api", "audit"), ("api", "monitor"),
               ("audit", "evals"), ("evals", "ingest", "fix chunking, labels")])


def load_questions(folder=None) -> pd.DataFrame:
    """The labelled questions with their metadata as columns, indexed by id.

    >>> q = load_questions(); len(q), sorted(q.split.unique())
    (124, ['heldout', 'tuning'])
    """
    from .data import FOLDER

    rows = pd.read_json((folder or FOLDER) / "queries.jsonl", lines=True)
    meta = pd.DataFrame(list(rows["metadata"]))
    return pd.concat([rows[["_id", "text"]], meta], axis=1).set_index("_id")


class LegalSearch:
    """The course's :class:`~aisd.retrieval.Retriever` (BM25, dense, hybrid) and SQLite FTS5 over the same
    chunk texts, behind one ``search(question, config, k)``. A config ending in ``+xref`` keeps the top
    ``k - extra`` of its base and fills the rest with the chunks they refer to
    (:func:`~aisd.legal.citations.expand_with_references`), then the base's next ones.

    >>> s = LegalSearch({"gdpr/8/1": "where point (a) of Article 6(1) applies", "gdpr/6/1/a": "consent given",
    ...                  "gdpr/5/1": "lawfulness"}, embed=None, plain={"gdpr/8/1": "where point (a) of Article 6(1) applies",
    ...                  "gdpr/6/1/a": "consent given", "gdpr/5/1": "lawfulness"})
    >>> s.search("point (a) applies", "bm25+xref", k=2, extra=1).ids
    ['gdpr/8/1', 'gdpr/6/1/a']
    """

    CONFIGS = ("bm25", "fts5", "dense", "hybrid")

    def __init__(self, docs: dict[str, str], embed, plain: dict[str, str]):
        self.retriever = Retriever(docs, embed=embed)
        t = time.perf_counter()
        self.fts = Fts5Index(docs)
        self.retriever.build_seconds["fts5"] = time.perf_counter() - t
        self.plain = plain               # chunk texts without headers: what references are read from
        self.chunk_ids = ChunkIds(plain)

    def search(self, question: str, config: str = "dense", k: int = 10, extra: int = 3) -> SearchResult:
        base = config.removesuffix("+xref")
        if base == "fts5":
            t = time.perf_counter()
            ids, scores = self.fts.search(question, k)
            res = SearchResult(ids, scores, {"fts5": time.perf_counter() - t})
        else:
            res = self.retriever.search(question, base, k)
        if config.endswith("+xref"):
            t = time.perf_counter()
            head = res.ids[:max(0, k - extra)]
            expanded = expand_with_references(head, self.plain, k_extra=extra, index=self.chunk_ids)
            ids = list(dict.fromkeys(expanded + res.ids))[:k]
            res = SearchResult(ids, [0.0] * len(ids), {**res.timings, "xref": time.perf_counter() - t})
        return res


def choose_retriever(results: dict, budget_ms: float) -> str:
    """The configuration to deploy: the best mean nDCG@10 among those whose p95 latency is within
    ``budget_ms`` (ties: the lower p95); ``results`` maps each configuration to
    ``{"ndcg@10": [per question], "p95_ms": float}``, measured on the tuning questions. Raises
    ``ValueError`` when none fits the budget.

    Reference answer of notebook 06, exercise ``ex_choose_retriever``.

    >>> choose_retriever({"a": {"ndcg@10": [0.5, 0.7], "p95_ms": 5.0}, "b": {"ndcg@10": [0.9, 0.9], "p95_ms": 900.0}}, 300)
    'a'
    """
    fits = {c: r for c, r in results.items() if r["p95_ms"] <= budget_ms}
    if not fits:
        raise ValueError(f"no configuration within {budget_ms} ms at p95")
    return min(fits, key=lambda c: (-float(np.mean(fits[c]["ndcg@10"])), fits[c]["p95_ms"]))


def key_phrase_recall(ranked_texts: Sequence[str], phrases: Sequence[str], budget_chars: int) -> float:
    """Share of ``phrases`` found (whitespace and case aside) in the first ``budget_chars`` characters of the
    ranked texts read in order: what an LLM with that context budget would see. Chunker-agnostic, so
    chunkings with different ids compare on the same questions.

    >>> key_phrase_recall(["abc def", "ghi"], ["def", "ghi"], budget_chars=8)
    0.5
    """
    context = normalise(" ".join(ranked_texts))[:budget_chars].lower()
    found = [normalise(p).lower() in context for p in phrases]
    return float(np.mean(found)) if found else 0.0


_SEGMENT = re.compile(r"(?<=[.;:])\s+")


def best_segment(question: str, text: str, max_chars: int = 400) -> str:
    """The piece of ``text`` (split after ``.``, ``;`` or ``:``) sharing the most words with the question
    (ties: the first), cut to ``max_chars`` at a word boundary: a verbatim quote.

    >>> best_segment("how fast must a breach be notified?", "Scope. A breach shall be notified without delay; fines apply.")
    'A breach shall be notified without delay;'
    """
    words = set(terms(question))
    pieces = [p for p in _SEGMENT.split(text) if p.strip()] or [text]
    best = max(pieces, key=lambda p: (len(words & set(terms(p))), -pieces.index(p)))
    if len(best) > max_chars:
        best = best[:max_chars].rsplit(" ", 1)[0]
    return best.strip()


def extractive_answer(question: str, hits: Sequence[tuple[str, str]], n: int = 2) -> str:
    """An answer that only quotes: for each of the first ``n`` hits (``(chunk id, text)``), its best
    segment, quoted verbatim and cited by id. Every quote is exact by construction; whether the cited
    provision *answers* the question is up to retrieval (citation precision measures it).

    >>> extractive_answer("age of consent", [("gdpr/8/1", "Consent at the age of 16 years.")])
    'GDPR Art. 8(1) provides: "Consent at the age of 16 years." [gdpr/8/1].'
    """
    parts = []
    for cid, text in list(hits)[:n]:
        c = citation_from_id(cid)
        parts.append(f'{citation_of(c.law, c.article, c.path)} provides: "{best_segment(question, text)}" [{cid}].')
    return " ".join(parts)


def corrupt_quote(answer: str) -> str | None:
    """The answer with its first quote changed the way a model misquotes law: a number off by one, "shall"
    made "may", a "not" dropped; ``None`` when the quote has none of these.

    >>> corrupt_quote('It provides: "the controller shall notify" [gdpr/33/1].')
    'It provides: "the controller may notify" [gdpr/33/1].'
    """
    m = re.search(r'"([^"]+)"', answer)
    if not m:
        return None
    quote = m.group(1)
    for pattern, repl in ((r"\d+", lambda d: str(int(d.group(0)) + 1)), (r"\bshall\b", "may"), (r"\bnot ", "")):
        if re.search(pattern, quote):
            changed = re.sub(pattern, repl, quote, count=1)
            return answer[:m.start(1)] + changed + answer[m.end(1):]
    return None


def quiz_legal() -> dict:
    """The self-quiz key of notebook 06.

    Reference answer of notebook 06, exercise ``ex_quiz_legal``.

    >>> sorted(quiz_legal())
    ['q1', 'q2', 'q3', 'q4']
    """
    return {"q1": "b", "q2": "c", "q3": "a", "q4": "b"}
