"""A system design as data: components (nodes) and data flow (edges), drawn and reviewed.

>>> from aisd.toolkit.design import Design, review
>>> d = Design(nodes={"user": "client", "api": "service", "llm": ("llm", "LLM")},
...            edges=[("user", "api", "question"), ("api", "llm"), ("llm", "api"), ("api", "user", "answer")])
>>> [p.piece for p in review(d)]
['storage', 'monitoring', 'evaluation']
>>> print(mermaid(d).splitlines()[1])
    user(["user"])

- a node is an id with a *kind* (one of :data:`KINDS`) and an optional label;
- an edge is ``(source, target)`` or ``(source, target, label)``: data flows from source to target;
- :func:`render` draws the design as a Mermaid flowchart (a Markdown cell with a ``mermaid`` block
  renders as a diagram in JupyterLab 4); a :class:`Design` shown as a cell's value renders itself;
- :func:`review` lists what an interviewer would miss, each with why it matters.
"""
from __future__ import annotations

import copy as _copy
import re
from collections import deque
from dataclasses import dataclass, field

from aisd.core.errors import AisdError


class DesignError(AisdError, ValueError, TypeError):
    """A design that cannot be read or drawn (the message says which node, edge or kind is wrong)."""

# What each kind of component is, and how it is drawn (Mermaid shape: opening, closing).
KINDS = {
    "client": ("who sends requests and reads answers (user, app, another system)", '(["', '"])'),
    "service": ("code you run: API, orchestrator, worker, router", '["', '"]'),
    "model": ("an ML model that is not a generative LLM: embedder, re-ranker, classifier", '[["', '"]]'),
    "llm": ("a large language model that generates text", '{{"', '"}}'),
    "vector_store": ("an index of embeddings (FAISS, pgvector, ...)", '[("', '")]'),
    "storage": ("where data lives: documents, logs, a database, object storage", '[("', '")]'),
    "cache": ("answers or vectors kept to skip work", '[("', '")]'),
    "queue": ("a buffer between producers and consumers", '>"', '"]'),
    "monitoring": ("metrics, logs, traces, alerts on the running system", '[/"', '"/]'),
    "evaluation": ("offline and online evaluation, labelled sets, user feedback", '[\\"', '"\\]'),
    "human": ("a person in the loop: support agent, reviewer, labeller", '(("', '"))'),
}
# Words that name a real part of each kind: a label should say what the component is ("metrics:
# latency p95, errors", "labelled questions + thumbs up/down"), not just "m" or "e".
VOCABULARY = {
    "client": ("user", "customer", "client", "app", "browser", "widget", "agent", "manager", "caller", "system"),
    "service": ("api", "service", "server", "gateway", "orchestrat", "worker", "router", "ingest", "pipeline",
                "backend", "job", "scheduler", "proxy", "retriev", "chunk"),
    "model": ("embed", "rerank", "re-rank", "classif", "model", "encoder", "minilm", "bert", "router", "ranker"),
    "llm": ("llm", "gpt", "claude", "gemini", "smollm", "llama", "language model", "generat", "chat"),
    "vector_store": ("vector", "index", "faiss", "pgvector", "hnsw", "embedding", "ann"),
    "storage": ("log", "doc", "database", "db", "store", "bucket", "s3", "table", "warehouse", "record", "file",
                "history", "conversation", "postgres", "blob", "archive", "ticket"),
    "cache": ("cache", "redis", "memcache"),
    "queue": ("queue", "kafka", "stream", "topic", "buffer", "sqs", "pubsub", "pub/sub"),
    "monitoring": ("metric", "latency", "error", "trace", "alert", "dashboard", "monitor", "observab", "p95",
                   "p99", "cost", "prometheus", "grafana", "datadog", "slo", "uptime", "throughput"),
    "evaluation": ("eval", "label", "feedback", "thumb", "golden", "review", "judge", "rating", "test set",
                   "benchmark", "ragas", "a/b", "ab test", "annotat", "accuracy", "groundedness", "offline"),
    "human": ("agent", "human", "person", "reviewer", "labeller", "labeler", "operator", "support", "expert"),
}
AI_KINDS = ("llm", "model")
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
STORAGE_KINDS = ("vector_store", "storage", "cache")
# Colours per kind in the diagram (Mermaid classDef), so the AI and the feedback loop stand out.
_COLOURS = {"llm": "#ffd8a8", "model": "#ffe8cc", "vector_store": "#d0ebff", "storage": "#d0ebff",
            "cache": "#d0ebff", "monitoring": "#e9ecef", "evaluation": "#d3f9d8", "client": "#f3f0ff",
            "human": "#fff3bf"}


@dataclass(frozen=True)
class Node:
    kind: str
    label: str


@dataclass(frozen=True)
class DesignProblem:
    """One thing the design misses: which piece, and why an interviewer asks for it."""

    piece: str
    explanation: str

    def __str__(self) -> str:
        return f"{self.piece}: {self.explanation}"


@dataclass
class Design:
    """Components and data flow. ``nodes``: id -> kind, or id -> (kind, label). ``edges``: (src, dst[, label]).

    >>> d = Design(nodes={"user": "client"})
    >>> d.add("bot", "llm", label="chat model").connect("user", "bot").connect("bot", "user", "reply")
    Design(nodes=['user', 'bot'], edges=[('user', 'bot'), ('bot', 'user', 'reply')])
    """

    nodes: dict = field(default_factory=dict)
    edges: list = field(default_factory=list)

    def __post_init__(self):
        self.nodes = {str(k): _node(k, v) for k, v in dict(self.nodes).items()}
        self.edges = [tuple(e) for e in self.edges]

    def add(self, node_id: str, kind: str, label: str | None = None) -> "Design":
        """Add (or replace) a node; returns the design so calls can be chained."""
        self.nodes[node_id] = _node(node_id, (kind, label) if label else kind)
        return self

    def connect(self, source: str, target: str, label: str | None = None) -> "Design":
        """Add an edge: data flows from ``source`` to ``target``; returns the design."""
        self.edges.append((source, target, label) if label else (source, target))
        return self

    def copy(self) -> "Design":
        """An independent copy (change it without touching the original)."""
        return _copy.deepcopy(self)

    def of_kind(self, *kinds: str) -> list[str]:
        """Ids of the nodes of the given kinds, in order.

        >>> Design(nodes={"a": "llm", "b": "client"}).of_kind("llm")
        ['a']
        """
        return [i for i, n in self.nodes.items() if n.kind in kinds]

    def without(self, *ids: str) -> "Design":
        """A copy with the nodes ``ids`` taken out, and only the edges that still join two of its nodes.

        >>> Design(nodes={"a": "client", "b": "llm", "c": "llm"}, edges=[("a", "b"), ("b", "c"), ("c", "x")]).without("b")
        Design(nodes=['a', 'c'], edges=[])
        """
        kept = {k: (n.kind, n.label) for k, n in self.nodes.items() if k not in ids}
        return Design(nodes=kept, edges=[e for e in self.edges if e[0] in kept and e[1] in kept])

    def reachable(self, start) -> set[str]:
        """Nodes reachable from ``start`` (an id or ids) along the edges, the starts excluded unless on a cycle.

        >>> Design(nodes={"a": "client", "b": "llm"}, edges=[("a", "b")]).reachable("a")
        {'b'}
        """
        starts = [start] if isinstance(start, str) else list(start)
        out: dict[str, list[str]] = {}
        for e in self.edges:
            out.setdefault(e[0], []).append(e[1])
        seen: set[str] = set()
        todo = deque(n for s in starts for n in out.get(s, []))
        while todo:
            n = todo.popleft()
            if n not in seen:
                seen.add(n)
                todo.extend(out.get(n, []))
        return seen

    def __repr__(self) -> str:
        return f"Design(nodes={list(self.nodes)}, edges={self.edges})"

    def _repr_markdown_(self) -> str:
        return _markdown(self)


def _node(node_id, value) -> Node:
    if isinstance(value, Node):
        return value
    kind, label = (value, None) if isinstance(value, str) else (tuple(value) + (None,))[:2]
    return Node(kind=kind, label=str(label) if label else str(node_id))


def as_design(design) -> Design:
    """A :class:`Design` from a Design or a dict ``{"nodes": ..., "edges": ...}``.

    >>> as_design({"nodes": {"u": "client"}, "edges": []}).nodes["u"].kind
    'client'
    """
    if isinstance(design, Design):
        return design
    if isinstance(design, dict) and "nodes" in design:
        return Design(nodes=design["nodes"], edges=design.get("edges", []))
    raise DesignError(f"expected a Design or a dict with 'nodes' and 'edges'; got {type(design).__name__}")


def structure_problems(design) -> list[DesignProblem]:
    """Errors in the data itself: unknown kinds, edges to nodes that do not exist, malformed edges.

    >>> structure_problems(Design(nodes={"a": "robot"}, edges=[("a", "b")]))[0].piece
    'structure'
    """
    d = as_design(design)
    problems = []
    for i, n in d.nodes.items():
        if not _ID.match(i) or i.lower() == "end":
            problems.append(DesignProblem("structure", f"node id {i!r} should be letters, digits and _ (starting "
                                                 "with a letter), and not 'end' (a Mermaid keyword)"))
        if n.kind not in KINDS:
            problems.append(DesignProblem("structure", f"node {i!r} has kind {n.kind!r}, which is not one of "
                                                 f"{', '.join(KINDS)}"))
    for e in d.edges:
        if len(e) not in (2, 3):
            problems.append(DesignProblem("structure", f"edge {e!r} should be (source, target) or (source, target, label)"))
            continue
        for end in e[:2]:
            if end not in d.nodes:
                problems.append(DesignProblem("structure", f"edge {e[:2]!r} names {end!r}, which is not a node"))
    return problems


def review(design) -> list[DesignProblem]:
    """What an interviewer would find missing, each with why it matters (an empty list: nothing).

    Checks, in order: the data is well formed; a client sends requests; an AI component (an
    ``llm`` or ``model``) sits on a path from a client and its output reaches a client back;
    storage the system reads or writes; monitoring fed by the running system; an evaluation
    fed by the AI's outputs whose results flow back into the system (the feedback loop).

    >>> review(Design(nodes={"m": "llm"}))[0].piece
    'input'
    """
    d = as_design(design)
    problems = structure_problems(d)
    if problems:
        return problems
    clients, ai = d.of_kind("client"), d.of_kind(*AI_KINDS)
    if not clients:
        problems.append(DesignProblem("input", "no client: who sends the request and reads the answer? Start the "
                                         "diagram where a user or another system enters (kind 'client')."))
    if not ai:
        problems.append(DesignProblem("AI component", "no 'llm' or 'model' node: show where the AI happens, it is "
                                                "what the interviewer will dig into."))
    if clients and ai:
        from_clients = d.reachable(clients)
        on_path = [a for a in ai if a in from_clients and set(clients) & d.reachable(a)]
        if not any(a in from_clients for a in ai):
            problems.append(DesignProblem("request path", "no path from a client to the AI: draw how a request "
                                                    "reaches the llm/model (client -> service -> llm)."))
        elif not on_path:
            problems.append(DesignProblem("output path", "the AI's output never reaches a client: draw how the "
                                                   "answer gets back (llm -> service -> client)."))
    store = d.of_kind(*STORAGE_KINDS)
    connected = {e[0] for e in d.edges} | {e[1] for e in d.edges}
    if not any(s in connected for s in store):
        problems.append(DesignProblem("storage", "no connected storage (vector_store, storage or cache): where do the "
                                           "documents, embeddings, logs or conversations live, and who reads them?"))
    monitors = d.of_kind("monitoring")
    system = [i for i, n in d.nodes.items() if n.kind not in ("monitoring", "evaluation", "client", "human")]
    fed = [m for m in monitors if any(e[1] == m and e[0] in system for e in d.edges)]
    if not monitors:
        problems.append(DesignProblem("monitoring", "no monitoring: how do you see latency, errors, cost and drift "
                                              "in production? Add a 'monitoring' node fed by the services."))
    elif not fed:
        problems.append(DesignProblem("monitoring", f"monitoring ({', '.join(monitors)}) receives nothing: connect the "
                                              "services or the LLM to it (they send metrics and traces)."))
    evals = d.of_kind("evaluation")
    if not evals:
        problems.append(DesignProblem("evaluation", "no evaluation or feedback loop: how do you know answers are "
                                              "good, and how does the system improve? Add an 'evaluation' node "
                                              "fed by the AI's outputs (or user feedback)."))
    else:
        fed_by_ai = [v for v in evals if any(v in d.reachable(a) for a in ai)]
        if not fed_by_ai:
            problems.append(DesignProblem("evaluation", f"evaluation ({', '.join(evals)}) is not fed by the AI's "
                                                  "outputs: draw an edge from the llm/model (or the answers or "
                                                  "logs it produces) to it."))
        else:
            closes = [v for v in fed_by_ai if any(n in system for n in d.reachable(v))]
            if not closes:
                problems.append(DesignProblem("feedback loop", "evaluation results go nowhere: draw where they flow "
                                                         "back (a new prompt, re-ranker, index or model version), "
                                                         "or the loop is not closed."))
    return problems


def label_problems(design) -> list[DesignProblem]:
    """Nodes whose label does not say what they are: it names no part of its kind (:data:`VOCABULARY`),
    or two nodes share a label. A reviewer reads labels; "m" and "e" tell them nothing.

    >>> [p.piece for p in label_problems(Design(nodes={"m": "monitoring", "e": "evaluation"}))]
    ['label', 'label']
    >>> label_problems(Design(nodes={"mon": ("monitoring", "metrics: latency p95, errors")}))
    []
    """
    d = as_design(design)
    problems, seen = [], {}
    for i, n in d.nodes.items():
        text = n.label.lower()
        words = VOCABULARY.get(n.kind, ())
        if words and not any(w in text for w in words):
            problems.append(DesignProblem("label", f"node {i!r} ({n.kind}) is labelled {n.label!r}, which names no "
                                             f"{n.kind} part: say what it is, e.g. {', '.join(words[:4])}"))
        if text in seen:
            problems.append(DesignProblem("label", f"nodes {seen[text]!r} and {i!r} share the label {n.label!r}: "
                                             "each component needs its own name"))
        seen.setdefault(text, i)
    return problems


def complete_design(draft):
    """The support assistant's draft from notebook 01, completed: monitoring fed by the running system,
    conversation logs, and an evaluation fed by the answers whose results flow back. Returns a new
    design; the draft is not changed.

    Reference answer of notebook 01, exercise ``ex_complete_design``.

    >>> d = Design(nodes={"customer": "client", "api": "service", "llm": "llm", "ingest": "service"},
    ...            edges=[("customer", "api"), ("api", "llm"), ("llm", "api"), ("api", "customer")])
    >>> review(complete_design(d)), label_problems(complete_design(d))
    ([], [])
    """
    d = as_design(draft).copy()
    d.add("metrics", "monitoring", "metrics: latency p95, errors, cost/request")
    d.add("logs", "storage", "conversation logs")
    d.add("evals", "evaluation", "evaluation: labelled questions + thumbs up/down")
    d.connect("api", "metrics", "traces").connect("llm", "metrics", "tokens, latency")
    d.connect("api", "logs", "question, chunks, answer").connect("customer", "evals", "thumbs up/down")
    d.connect("logs", "evals", "sampled answers").connect("evals", "api", "new prompt / k, after offline eval")
    if "ingest" in d.nodes:
        d.connect("evals", "ingest", "fix docs, chunking")
    return d


def mermaid(design, direction: str = "LR") -> str:
    """The Mermaid flowchart source of a design (shapes and colours by kind).

    >>> print(mermaid(Design(nodes={"u": "client", "m": "llm"}, edges=[("u", "m", "ask")])))  # doctest: +ELLIPSIS
    flowchart LR
        u(["u"])
        m{{"m"}}
        u -->|"ask"| m
    ...
    """
    d = as_design(design)
    bad = structure_problems(d)
    if bad:
        raise DesignError("cannot draw this design: " + "; ".join(p.explanation for p in bad))
    lines = [f"flowchart {direction}"]
    for i, n in d.nodes.items():
        _, opening, closing = KINDS[n.kind]
        lines.append(f"    {i}{opening}{n.label.replace(chr(34), '#quot;')}{closing}")
    for e in d.edges:
        label = f'|"{e[2]}"|' if len(e) == 3 and e[2] else ""
        arrow = "-.->" if d.nodes[e[1]].kind in ("monitoring", "evaluation") or \
            d.nodes[e[0]].kind == "evaluation" else "-->"
        lines.append(f"    {e[0]} {arrow}{label} {e[1]}")
    for kind in dict.fromkeys(n.kind for n in d.nodes.values()):
        if kind in _COLOURS:
            members = ",".join(i for i, n in d.nodes.items() if n.kind == kind)
            lines.append(f"    classDef {kind} fill:{_COLOURS[kind]},stroke:#495057")
            lines.append(f"    class {members} {kind}")
    return "\n".join(lines)


def _markdown(design, direction: str = "LR") -> str:
    return f"```mermaid\n{mermaid(design, direction)}\n```"


def render(design, direction: str = "LR"):
    """The design as a diagram in the notebook (an ``IPython.display.Markdown`` with a Mermaid block).

    ``direction``: ``"LR"`` (left to right) or ``"TB"`` (top to bottom, better for large designs).

    >>> render(Design(nodes={"u": "client"})).data.startswith("```mermaid")
    True
    """
    from IPython.display import Markdown

    return Markdown(_markdown(design, direction))


def report(design):
    """The review as a table (piece, what is missing and why); an empty table when nothing is missing.

    >>> len(report(Design(nodes={"u": "client"})))
    4
    """
    import pandas as pd

    return pd.DataFrame([(p.piece, p.explanation) for p in review(design)], columns=["piece", "missing and why"])
