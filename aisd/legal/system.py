"""Notebook 06's system as data: the requirements the interviewer answered and the design drawn from them.

>>> REQUIREMENTS.wrong_answer_cost_usd > REQUIREMENTS.escalation_cost_usd
True
>>> REQUIREMENTS.questions_per_day, REQUIREMENTS.peak_questions_per_s
(6000, 0.62)
>>> from aisd.toolkit.design import review
>>> review(DESIGN)
[]
"""
from __future__ import annotations

from aisd.toolkit.design import Design
from aisd.toolkit.requirements import Requirements

#: What the interviewer answered: a law firm's knowledge team, EU regulatory law.
REQUIREMENTS = Requirements(
    prompt="Our lawyers want to ask questions about EU regulations and their client files and get answers they "
           "can rely on. Design it.",
    functional=["answer a lawyer's question from the laws and the firm's matter files",
                "every claim cites the exact provision and quotes it",
                "say 'not found' and hand the question to a paralegal rather than guess",
                "show a lawyer only passages of the matters they are on",
                "log who asked what and which passages they were shown"],
    lawyers=(400, "users"),
    questions_per_lawyer_per_day=(15, "questions/lawyer/day"),
    working_hours=(8, "hours/day"),
    peak_factor=(3, "x the mean of the working day"),
    answer_p95_s=(5.0, "s (p95)", "a lawyer waits at the desk"),
    retrieval_p95_ms=(300.0, "ms (p95)", "retrieval's share of the 5 s; the LLM gets the rest"),
    corpus_chunks_now=(2_387, "chunks (six EU laws)"),
    corpus_growth=(100, "x (the firm's own matter files)"),
    wrong_answer_cost_usd=(100.0, "USD", "a lawyer follows a wrong citation: ~30 min lost"),
    escalation_cost_usd=(40.0, "USD", "a paralegal looks it up: ~15 min"),
    citation_required=(1.0, "share of claims with an exact citation"),
    unsupported_kept_ceiling=(0.3, "share of unsupported claims the support check lets through",
                              "the firm's ceiling: above it lawyers stop trusting the cited answers"),
    forbidden_passages_shown=(0, "passages of a matter a user is not on"),
    audit_retention_years=(7, "years"),
    derived={"questions_per_day": (lambda r: r.lawyers * r.questions_per_lawyer_per_day, "questions/day"),
             "peak_questions_per_s": (lambda r: round(r.lawyers * r.questions_per_lawyer_per_day
                                                      / (r.working_hours * 3600) * r.peak_factor, 2),
                                      "questions/s (peak of the working day)")},
)

#: The legal Q&A design (draw it with :func:`aisd.toolkit.design.render`).
DESIGN = Design(
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
           "verify": ("service", "verifier: quotes, numbers, support of every sentence; drop or abstain"),
           "human": ("human", "paralegal reviewer (abstentions)"),
           "audit": ("storage", "audit log: who asked, passages shown"),
           "monitor": ("monitoring", "metrics: p95 latency, abstention rate, unsupported sentences, cost"),
           "evals": ("evaluation", "labelled questions: tuning / held-out")},
    edges=[("docs", "ingest"), ("ingest", "embedder"), ("embedder", "index"), ("ingest", "index"),
           ("lawyer", "api", "question"), ("api", "cache", "lookup in scope"), ("api", "entitle"),
           ("entitle", "retrieve", "allowed rows"), ("index", "retrieve"), ("retrieve", "llm", "passages"),
           ("llm", "verify"), ("verify", "api", "verified answer"), ("verify", "human", "abstain"),
           ("api", "lawyer", "answer + citations"), ("api", "audit"), ("api", "monitor"),
           ("audit", "evals"), ("evals", "ingest", "fix chunking, labels")])
