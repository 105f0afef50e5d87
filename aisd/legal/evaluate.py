"""Notebook 06's measurements: context-budget recall for comparing chunkings, and answers judged sentence by
sentence (the hallucination rate of the LLM against the extractive baseline, with Wilson intervals).

>>> key_phrase_recall(["the fine is 20 000 000 EUR", "other"], ["20 000 000 EUR"], budget_chars=30)
1.0
"""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np
import pandas as pd

from aisd.legal.verify import verbatim_form, verify_answer
from aisd.toolkit.stats import wilson


def key_phrase_recall(ranked_texts: Sequence[str], phrases: Sequence[str], budget_chars: int) -> float:
    """Share of ``phrases`` found (whitespace and case aside) in the first ``budget_chars`` characters of the
    ranked texts read in order: what an LLM with that context budget would see. Chunker-agnostic, so
    chunkings with different ids compare on the same questions.

    >>> key_phrase_recall(["abc def", "ghi"], ["def", "ghi"], budget_chars=8)
    0.5
    """
    context = verbatim_form(" ".join(ranked_texts))[:budget_chars].lower()
    found = [verbatim_form(p).lower() in context for p in phrases]
    return float(np.mean(found)) if found else 0.0


def cites_judged(cited: Sequence[str], relevant) -> bool:
    """Whether a cited id is a judged (relevant) chunk, or lies inside or around one.

    >>> cites_judged(["gdpr/83/5/a"], {"gdpr/83/5"}), cites_judged(["gdpr/6/1"], {"gdpr/83/5"})
    (True, False)
    """
    return any(c == r or c.startswith(r + "/") or r.startswith(c + "/") for c in cited for r in relevant)


def problem_kind(problem: str) -> str:
    """The verifier's problem in one word: ``citation``, ``quote``, ``number`` or ``support``.

    >>> problem_kind("number not in the cited text: 48"), problem_kind("no citation")
    ('number', 'citation')
    """
    for word, kind in (("quote", "quote"), ("number", "number"), ("claim", "support")):
        if problem.startswith(word):
            return kind
    return "citation"


def judge_answers(answers: dict[str, str], retrieved: dict[str, dict[str, str]], relevant: dict[str, set],
                  declined: Callable[[str], bool], support=None, min_support: float = 0.0) -> pd.DataFrame:
    """One row per question: whether the answer ``declined``, its stated ``sentences`` and how many the
    verifier rejects (``unsupported``, and by kind: citation, quote, number, support), whether it cites a judged
    chunk, and ``hallucinated``: it answered and a sentence is unsupported, or it answered a question the corpus
    cannot answer (``relevant`` empty).

    >>> rows = judge_answers({"q1": 'It says "72 hours" [gdpr/33/1]. Within 48 hours [gdpr/33/1].'},
    ...                      {"q1": {"gdpr/33/1": "not later than 72 hours"}}, {"q1": {"gdpr/33/1"}}, lambda a: False)
    >>> [str(rows.at["q1", c]) for c in ("sentences", "unsupported", "number", "hallucinated")]
    ['2', '1', '1', 'True']
    """
    rows = []
    for q, answer in answers.items():
        refused = bool(declined(answer))
        v = verify_answer("" if refused else answer, retrieved[q], support=support, min_support=min_support)
        kinds = {k: 0 for k in ("citation", "quote", "number", "support")}
        for check in v.checks:
            for kind in {problem_kind(p) for p in check.problems}:
                kinds[kind] += 1
        bad = sum(not c.ok for c in v.checks)
        answerable = bool(relevant.get(q))
        rows.append({"q": q, "declined": refused, "sentences": len(v.checks), "unsupported": bad, **kinds,
                     "cites judged": answerable and cites_judged(v.cited, relevant[q]),
                     "answerable": answerable,
                     "hallucinated": (not refused) and (bad > 0 or not answerable)})
    return pd.DataFrame(rows).set_index("q")


def hallucination_table(judged: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Per system (``{name: judge_answers(...)}``): declined, unsupported sentences among stated ones, answers
    with an unsupported sentence among those given, answered unanswerable questions, each a share with its
    Wilson 95 % interval (as ``Interval``; ``None`` when there is no case to count)."""
    def share(k: int, n: int):
        return wilson(k, n) if n else None

    out = {}
    for name, rows in judged.items():
        given = rows[~rows["declined"]]
        out[name] = {
            "questions": len(rows),
            "declined": share(int(rows["declined"].sum()), len(rows)),
            "sentences": int(given["sentences"].sum()),
            "unsupported sentences": share(int(given["unsupported"].sum()), int(given["sentences"].sum())),
            "answers with an unsupported sentence": share(int((given["unsupported"] > 0).sum()), len(given)),
            "unanswerable answered": share(int((~rows["declined"] & ~rows["answerable"]).sum()),
                                            int((~rows["answerable"]).sum())),
            "cites a judged chunk (answerable)": share(int(rows.loc[rows["answerable"], "cites judged"].sum()),
                                                        int(rows["answerable"].sum())),
        }
    return pd.DataFrame(out).T
