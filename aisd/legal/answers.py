"""Answers that quote and cite: extractive ones built from the retrieved provisions, and the LLM's, stored.

- :func:`extractive_answer`: from each of the first hits, the segment sharing most words with the question,
  quoted verbatim and cited: exact by construction, the baseline any LLM must beat;
- :func:`corrupt_quote`: the way models misquote law (a number off by one, "shall" made "may"), to test a verifier;
- :func:`build_messages` and :func:`requests`: what the LLM is asked, from the provisions retrieved with the
  configuration chosen on the tuning questions (:data:`ANSWER_CONFIG`, the same ``k`` the verifier checks
  against). The stored answers come from the course's ``small`` tier (Qwen2.5-Coder-1.5B-Instruct);
  ``aisd precompute 06 answers`` regenerates them (:mod:`aisd.legal.precompute`).

>>> extractive_answer("age of consent", [("gdpr/8/1", "Consent at the age of 16 years.")])
'GDPR Art. 8(1) provides: "Consent at the age of 16 years." [gdpr/8/1].'
>>> corrupt_quote('GDPR Art. 33(1) provides: "not later than 72 hours" [gdpr/33/1].')
'GDPR Art. 33(1) provides: "not later than 73 hours" [gdpr/33/1].'
>>> m = build_messages("How fast?", [("gdpr/33/1", "not later than 72 hours after having become aware of it")])
>>> m[1]["content"].splitlines()[1]
'[gdpr/33/1] GDPR Art. 33(1): not later than 72 hours after having become aware of it'
"""
from __future__ import annotations

import re
from typing import Sequence

from aisd.legal.chunking import citation_of
from aisd.legal.citations import citation_from_id
from aisd.legal.data import FOLDER
from aisd.toolkit.retrieval import terms

STORE = FOLDER / "llm_answers.jsonl"
ANSWER_CONFIG = "dense+xref"   # the retriever chosen on the tuning questions (section 5 of the notebook)
ANSWER_K = 5                   # provisions retrieved and given to the model (the verifier checks against them)
PASSAGE_CHARS = 500            # each provision cut to this many characters in the prompt (median chunk: 293)
MAX_TOKENS = 160               # room for two or three cited sentences
NOT_FOUND = "Not found in the provisions given."
SYSTEM_PROMPT = (
    "You answer lawyers' questions about EU law ONLY from the provisions given. Write one to three short "
    "sentences. End every sentence with the id of the provision it comes from in square brackets, exactly as "
    "shown, e.g. [gdpr/33/1]. Quote the provision's own words in double quotes where you can, and never "
    "change a number, a deadline or a 'shall'. If the provisions do not answer the question, reply exactly: "
    + NOT_FOUND
)


def build_messages(question: str, hits: Sequence[tuple[str, str]], max_chars: int = PASSAGE_CHARS) -> list[dict]:
    """Chat messages: the instructions, then each provision as ``[id] citation: text`` (cut to
    ``max_chars`` at a word), then the question."""
    lines = []
    for cid, text in hits:
        c = citation_from_id(cid)
        words = " ".join(text.split())
        if len(words) > max_chars:
            words = words[:max_chars].rsplit(" ", 1)[0] + " ..."
        lines.append(f"[{cid}] {citation_of(c.law, c.article, c.path)}: {words}")
    user = "Provisions:\n" + "\n".join(lines) + f"\n\nQuestion: {question}\nAnswer (every sentence cited):"
    return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user}]


def without_not_found(answer: str) -> str:
    """The answer without its "not found" lines: the model often answers, then adds :data:`NOT_FOUND` on a line of
    its own; that line states nothing to check.

    >>> without_not_found("It is 72 hours [gdpr/33/1].\\nNot found in the provisions given.")
    'It is 72 hours [gdpr/33/1].'
    """
    lines = [line for line in (answer or "").splitlines() if not _declines(line)]
    return "\n".join(lines).strip()


def is_not_found(answer: str) -> bool:
    """Whether the model declined: nothing is left once its "not found" lines are removed.

    >>> is_not_found("Not found in the provisions given."), is_not_found("It is 72 hours [gdpr/33/1].\\nNot found.")
    (True, False)
    """
    return not re.search(r"\w", without_not_found(answer))


def _declines(line: str) -> bool:
    text = line.lower()
    return any(p in text for p in ("not found", "do not answer", "does not answer", "i don't know", "cannot answer"))


def requests(search, text: dict[str, str]) -> list[tuple[str, str, list[dict]]]:
    """``[(question id, split, messages), ...]`` for every labelled question, held-out ones first, as the
    notebook builds them (:data:`ANSWER_CONFIG`, :data:`ANSWER_K`) with ``search`` (a
    :class:`~aisd.legal.search.LegalSearch`, e.g. :func:`aisd.legal.vectors.legal_search`) and the chunks' ``text``."""
    from aisd.legal.data import load_questions

    qs = load_questions()
    order = [q for q in qs.index if qs.at[q, "split"] == "heldout"] + \
            [q for q in qs.index if qs.at[q, "split"] != "heldout"]
    out = []
    for q in order:
        ids = search.search(qs.at[q, "text"], ANSWER_CONFIG, k=ANSWER_K).ids
        out.append((q, qs.at[q, "split"], build_messages(qs.at[q, "text"], [(i, text[i]) for i in ids])))
    return out


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
