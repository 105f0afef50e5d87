"""What a design lacks that an interviewer will probe: a cache, a fallback, evaluation, monitoring.

:func:`aisd.toolkit.design.review` checks the structure every design needs (a client, the AI on a path and
back, storage, monitoring, an evaluation loop). Two things it does not check decide the first
follow-ups of a mock interview: a **cache** (what does 10x traffic cost?) and a **fallback** (the LLM
provider is down for an hour).

>>> from aisd.toolkit.design import Design
>>> d = Design(nodes={"u": "client", "api": "service", "a": ("llm", "LLM A"), "b": ("llm", "LLM B")},
...            edges=[("u", "api"), ("api", "a"), ("a", "api"), ("api", "b"), ("b", "api"), ("api", "u")])
>>> has_fallback(d), has_cache(d)
(True, False)
"""
from __future__ import annotations

from aisd.toolkit.design import as_design, review

# The gaps the follow-up rules know, in the order an interviewer raises them.
GAPS = ("cache", "fallback", "evaluation", "monitoring")


def _paths_back(d, clients: list[str], through: str) -> bool:
    """Is there a path client -> ... -> ``through`` -> ... -> client in ``d``?"""
    return through in d.reachable(clients) and bool(set(clients) & d.reachable(through))


def has_fallback(design) -> bool:
    """True when every LLM on the request path can fail without taking the answers down: for each
    ``llm`` node that a client's request reaches and whose output gets back to a client, removing it
    still leaves another ``llm`` that a request reaches and whose output gets back. A design with no
    LLM on its request path needs no LLM fallback (True).

    Reference answer of notebook 12, exercise ``ex_has_fallback``.

    >>> from aisd.toolkit.design import Design
    >>> one = Design(nodes={"u": "client", "api": "service", "a": "llm"},
    ...              edges=[("u", "api"), ("api", "a"), ("a", "api"), ("api", "u")])
    >>> has_fallback(one)
    False
    """
    d = as_design(design).without()                  # only the edges between nodes the design declares
    clients = d.of_kind("client")
    llms = [n for n in d.of_kind("llm") if _paths_back(d, clients, n)]
    for failed in llms:
        alive = d.without(failed)
        if not any(_paths_back(alive, clients, other) for other in llms if other != failed):
            return False
    return True


def has_cache(design) -> bool:
    """True when a ``cache`` node is on the request path: a client's request reaches it.

    >>> from aisd.toolkit.design import Design
    >>> has_cache(Design(nodes={"u": "client", "c": "cache"}, edges=[("u", "c")]))
    True
    """
    d = as_design(design)
    reached = d.reachable(d.of_kind("client"))
    return any(c in reached for c in d.of_kind("cache"))


def gaps(design) -> list[str]:
    """The gaps of :data:`GAPS` this design has, in that order (an empty list: none).

    ``evaluation`` covers a missing evaluation and an evaluation loop that is not closed;
    ``monitoring`` a missing or unfed monitoring node.

    >>> from aisd.toolkit.design import Design
    >>> gaps(Design(nodes={"u": "client", "api": "service", "a": "llm"},
    ...             edges=[("u", "api"), ("api", "a"), ("a", "api"), ("api", "u")]))
    ['cache', 'fallback', 'evaluation', 'monitoring']
    """
    d = as_design(design)
    pieces = {p.piece for p in review(d)}
    found = []
    if not has_cache(d):
        found.append("cache")
    if not has_fallback(d):
        found.append("fallback")
    if pieces & {"evaluation", "feedback loop"}:
        found.append("evaluation")
    if "monitoring" in pieces:
        found.append("monitoring")
    return found
