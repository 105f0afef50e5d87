"""Answering from retrieved passages: prompts with citations, groundedness, abstention, caches.

- ``build_messages(question, passages)``: chat messages asking for an answer citing ``[passage id]``.
- ``parse_citations(answer)``: the ids an answer cites.
- ``check_grounded(answer, passages, embed)``: flags a missing citation, a cited id that was not
  in the context, or a cited passage that does not support the sentence citing it.
- ``should_abstain(top_score, threshold)``: hand the question to a human when retrieval is weak.
- ``ExactCache`` and ``SemanticCache``: response caches, the second by embedding similarity with a TTL.
- ``answer(question, retriever, client, model)``: the whole path, with timings.

>>> parse_citations("Use a raw string [strings/3], see also [strings/11].")
['strings/3', 'strings/11']
>>> should_abstain(0.21, threshold=0.35)
True
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

SYSTEM_PROMPT = (
    "You are a support assistant for the Python documentation. Answer ONLY from the passages given. "
    "After each sentence, cite the passage it comes from as [id], using the ids shown. "
    "If the passages do not answer the question, reply exactly: I don't know."
)
PASSAGE_CHARS = 400      # each passage is cut to this many characters in the prompt
ANSWER_K = 3             # passages given to the LLM
MAX_TOKENS = 100         # room for two or three cited sentences
ESCALATION = "I can't answer that from the documentation; I've passed your question to a human colleague."

_CITATION = re.compile(r"\[([A-Za-z0-9_.\-]+/[0-9]+)\]")


def build_messages(question: str, passages: Sequence[tuple[str, str]], max_chars: int = 400,
                   system: str = SYSTEM_PROMPT) -> list[dict]:
    """Chat messages: the instructions (``system``), then the passages (id and text, each cut to
    ``max_chars``), then the question.

    >>> m = build_messages("What is pass?", [("pass/0", "pass is a null operation")])
    >>> m[1]["content"].splitlines()[1]
    '[pass/0] pass is a null operation'
    """
    context = "\n".join(f"[{pid}] {' '.join(text.split())[:max_chars]}" for pid, text in passages)
    user = f"Passages:\n{context}\n\nQuestion: {question}\nAnswer with citations:"
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def parse_citations(answer: str) -> list[str]:
    """Passage ids cited as ``[topic/n]`` in ``answer``, in order, without repeats.

    >>> parse_citations("A [a/1]. B [a/1] [b/2].")
    ['a/1', 'b/2']
    """
    return list(dict.fromkeys(_CITATION.findall(answer or "")))


def is_refusal(answer: str) -> bool:
    """Whether the model declined (``I don't know`` or similar).

    >>> is_refusal("I don't know."), is_refusal("Use pass.")
    (True, False)
    """
    text = (answer or "").lower()
    return any(p in text for p in ("i don't know", "i do not know", "cannot answer", "can't answer"))


@dataclass
class Groundedness:
    """The verdict on one answer: which citations, whether each is valid and supports its sentence."""
    citations: list[str]
    invalid: list[str]                     # cited ids that were not among the passages given
    unsupported: list[str]                 # valid cited ids whose passage is far from the citing sentence
    support: dict[str, float] = field(default_factory=dict)   # id -> cosine(sentence, passage)

    @property
    def grounded(self) -> bool:
        return bool(self.citations) and not self.invalid and not self.unsupported

    @property
    def reason(self) -> str:
        if not self.citations:
            return "no citation"
        if self.invalid:
            return "cites passages that were not retrieved: " + ", ".join(self.invalid)
        if self.unsupported:
            return "cited passages do not support the sentence: " + ", ".join(self.unsupported)
        return "ok"


def check_grounded(answer: str, passages: dict[str, str], embed: Callable | None = None,
                   min_support: float = 0.3) -> Groundedness:
    """Check an answer's citations against the passages it was given (``{id: text}``).

    A citation is *invalid* if its id was not in ``passages``; it is *unsupported* if the sentence
    citing it has cosine similarity below ``min_support`` with the passage (``embed`` maps texts to
    unit vectors; without it, word overlap is used instead).

    >>> g = check_grounded("pass does nothing [pass/0].", {"pass/0": "pass is a null operation, it does nothing"})
    >>> g.grounded, g.reason
    (True, 'ok')
    >>> check_grounded("It returns None.", {"pass/0": "..."}).reason
    'no citation'
    """
    cites = parse_citations(answer)
    invalid = [c for c in cites if c not in passages]
    support: dict[str, float] = {}
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", answer or "") if s.strip()]
    for cid in (c for c in cites if c in passages):
        citing = " ".join(s for s in sentences if f"[{cid}]" in s) or answer
        claim = _CITATION.sub("", citing).strip()
        if embed is not None:
            v = np.asarray(embed([claim, passages[cid]]), dtype="float32")
            support[cid] = float(v[0] @ v[1])
        else:
            a, b = set(re.findall(r"\w+", claim.lower())), set(re.findall(r"\w+", passages[cid].lower()))
            support[cid] = len(a & b) / max(1, len(a))
    unsupported = [c for c, s in support.items() if s < min_support]
    return Groundedness(cites, invalid, unsupported, support)


def claims(answer: str) -> list[str]:
    """The sentences of an answer that state something (a refusal states nothing).

    >>> claims("Use pass [pass/0]. It does nothing! I don't know.")
    ['Use pass [pass/0].', 'It does nothing!']
    """
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", answer or "")]
    return [s for s in sentences if re.search(r"\w", _CITATION.sub("", s)) and not is_refusal(s)]


def judge(answer: str, passages: dict[str, str], relevant: set | None, embed: Callable | None = None,
          min_support: float = 0.3) -> dict:
    """One answer judged against the passages it was given and the passages that answer the question
    (``relevant``; ``None`` or empty when the documentation cannot answer it).

    A sentence (*claim*) is *supported* when it cites a given passage similar enough to it (cosine
    ``>= min_support`` with ``embed``, else word overlap), and *on topic* when any given passage is,
    cited or not (the content may be right while the citation is missing). Returns ``refused``,
    ``claims``, ``unsupported_claims``, ``off_topic_claims``, ``invalid_citations`` (ids not given),
    ``cites_relevant`` (a cited id is a relevant passage) and ``hallucinated``: it answered an
    unanswerable question, or made a claim no given passage supports.

    >>> j = judge("pass does nothing [pass/0].", {"pass/0": "pass does nothing at all"}, {"pass/0"})
    >>> j["unsupported_claims"], j["cites_relevant"], j["hallucinated"]
    (0, True, False)
    >>> judge("Use pip.", {"pass/0": "pass does nothing"}, None)["hallucinated"]
    True
    """
    refused = is_refusal(answer) and not claims(answer)
    stated = [] if refused else claims(answer)
    cites = parse_citations(answer)
    ids = list(passages)
    texts = [_CITATION.sub("", c).strip() for c in stated]
    if stated and ids:
        if embed is not None:
            v = np.asarray(embed(texts + [passages[i] for i in ids]), dtype="float32")
            sim = v[:len(texts)] @ v[len(texts):].T
        else:
            words = lambda t: set(re.findall(r"\w+", t.lower()))
            sim = np.array([[len(words(c) & words(passages[i])) / max(1, len(words(c))) for i in ids] for c in texts])
    else:
        sim = np.zeros((len(stated), len(ids)))
    unsupported = off_topic = 0
    for row, sentence in zip(sim, stated):
        cited = [ids.index(c) for c in parse_citations(sentence) if c in passages]
        unsupported += not any(row[j] >= min_support for j in cited)
        off_topic += not (row >= min_support).any()
    answerable = bool(relevant)
    return {"refused": refused, "claims": len(stated), "unsupported_claims": unsupported, "off_topic_claims": off_topic,
            "invalid_citations": len([c for c in cites if c not in passages]),
            "cites_relevant": answerable and bool(set(cites) & set(relevant)),
            "hallucinated": (not refused) and (not answerable or unsupported > 0)}


def should_abstain(top_score: float, threshold: float) -> bool:
    """Abstain (and escalate to a human) when the best retrieval score is below ``threshold``.

    >>> should_abstain(0.5, 0.4), should_abstain(0.3, 0.4)
    (False, True)
    """
    return top_score < threshold


# ----------------------------------------------------------------------------------------------
# Caches
# ----------------------------------------------------------------------------------------------

def cache_key(question: str) -> str:
    """The exact cache's key: lower case, single spaces, no trailing punctuation.

    >>> cache_key("  How do I   use PASS? ")
    'how do i use pass'
    """
    return " ".join(question.lower().split()).rstrip("?.! ")


class ExactCache:
    """Response cache keyed by the normalised question text, entries expire after ``ttl`` seconds.

    >>> c = ExactCache(ttl=60, clock=lambda: 0.0)
    >>> c.put("What is pass?", "a no-op"); c.get("what is pass"), c.get("what is del")
    ('a no-op', None)
    """

    def __init__(self, ttl: float = 3600, clock: Callable[[], float] = time.time):
        self.ttl, self.clock = ttl, clock
        self.entries: dict[str, tuple[str, float]] = {}
        self.hits = self.misses = 0

    def get(self, question: str):
        key = cache_key(question)
        hit = self.entries.get(key)
        if hit is not None and self.clock() - hit[1] <= self.ttl:
            self.hits += 1
            return hit[0]
        self.misses += 1
        return None

    def put(self, question: str, response) -> None:
        self.entries[cache_key(question)] = (response, self.clock())


def semantic_lookup(query_vec: np.ndarray, entries: Sequence[dict], threshold: float, ttl: float,
                    now: float):
    """The cached response of the most similar fresh entry, or None.

    ``entries`` are dicts with ``vector`` (unit length), ``response`` and ``time``; an entry counts
    when cosine(query, vector) >= ``threshold`` and ``now - time <= ttl``.

    Reference answer of notebook 02, exercise ``ex_semantic_lookup``.

    >>> e = [{"vector": np.array([1.0, 0.0]), "response": "A", "time": 0.0}]
    >>> semantic_lookup(np.array([1.0, 0.0]), e, 0.9, ttl=10, now=5), semantic_lookup(np.array([0.0, 1.0]), e, 0.9, 10, 5)
    ('A', None)
    """
    best, best_sim = None, -np.inf
    for entry in entries:
        if now - entry["time"] > ttl:
            continue
        sim = float(np.dot(query_vec, entry["vector"]))
        if sim >= threshold and sim > best_sim:
            best, best_sim = entry["response"], sim
    return best


class SemanticCache:
    """Response cache by meaning: a new question reuses the answer of a similar enough earlier one.

    ``threshold`` is the cosine similarity needed, ``ttl`` the seconds an entry lives; entries also
    remember which passages they were built from, so ``invalidate(ids)`` drops answers a document
    change made stale. ``lookup_fn`` is the lookup rule (default :func:`semantic_lookup`).

    >>> vec = {"a": [1.0, 0.0], "b": [0.99, 0.14], "c": [0.0, 1.0]}
    >>> c = SemanticCache(lambda ts: np.array([vec[t] for t in ts]), threshold=0.9, ttl=60, clock=lambda: 0.0)
    >>> c.put("a", "answer A", sources=["x/1"]); c.get("b"), c.get("c")
    ('answer A', None)
    >>> c.invalidate(["x/1"]), c.get("b")
    (1, None)
    """

    def __init__(self, embed: Callable, threshold: float = 0.9, ttl: float = 3600,
                 clock: Callable[[], float] = time.time, lookup_fn: Callable = semantic_lookup):
        self.embed, self.threshold, self.ttl, self.clock, self.lookup_fn = embed, threshold, ttl, clock, lookup_fn
        self.entries: list[dict] = []
        self.hits = self.misses = 0

    def get(self, question: str):
        vec = np.asarray(self.embed([question]), dtype="float32")[0]
        found = self.lookup_fn(vec, self.entries, self.threshold, self.ttl, self.clock())
        if found is None:
            self.misses += 1
        else:
            self.hits += 1
        return found

    def put(self, question: str, response, sources: Sequence[str] = ()) -> None:
        vec = np.asarray(self.embed([question]), dtype="float32")[0]
        self.entries.append({"question": question, "vector": vec, "response": response, "time": self.clock(),
                             "sources": list(sources)})

    def invalidate(self, doc_ids: Sequence[str]) -> int:
        """Drop the entries built from any of ``doc_ids``; returns how many were dropped."""
        ids = set(doc_ids)
        before = len(self.entries)
        self.entries = [e for e in self.entries if not ids & set(e["sources"])]
        return before - len(self.entries)


# ----------------------------------------------------------------------------------------------
# The whole path
# ----------------------------------------------------------------------------------------------

@dataclass
class Answer:
    question: str
    text: str
    passages: list[str]
    abstained: bool
    grounded: Groundedness | None
    top_score: float
    timings: dict[str, float]


def answer(question: str, retriever, client, model: str, threshold: float, k: int = 3,
           max_tokens: int = 60, embed: Callable | None = None) -> Answer:
    """Retrieve (hybrid), abstain if the best dense score is under ``threshold``, else generate with
    citations and check them. ``retriever`` is an :class:`aisd.toolkit.retrieval.Retriever`."""
    timings: dict[str, float] = {}
    res = retriever.search(question, "hybrid", k=k)
    timings.update(res.timings)
    dense = retriever.search(question, "dense", k=1)
    top = dense.scores[0] if dense.scores else 0.0
    text_of = dict(zip(retriever.ids, retriever.texts))
    if should_abstain(top, threshold):
        return Answer(question, ESCALATION, res.ids, True, None, top, timings)
    t = time.perf_counter()
    reply = client.chat.completions.create(model=model, messages=build_messages(
        question, [(i, text_of[i]) for i in res.ids]), max_tokens=max_tokens, temperature=0)
    timings["llm"] = time.perf_counter() - t
    text = reply.choices[0].message.content or ""
    verdict = check_grounded(text, {i: text_of[i] for i in res.ids}, embed=embed)
    return Answer(question, text, res.ids, False, verdict, top, timings)
