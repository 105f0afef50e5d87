"""Availability arithmetic: a chain of dependencies, fallbacks, and which fallbacks a target needs.

A request that needs *every* component of a chain (API, embedder, vector store, LLM provider) is
served only while all are up: availabilities multiply, so a chain is less available than its weakest
link. A fallback (a second LLM provider, a replica) is down only while both it and the primary are
down: *un*availabilities multiply. Both rules assume independent failures; a shared region, network
or deploy breaks that assumption, so say it in an interview.

>>> round(chain_availability([0.9995, 0.999, 0.995]), 4)
0.9935
>>> round(with_fallback(0.995, 0.99), 5)
0.99995
>>> round(downtime_minutes_per_month(0.999))
43
"""
from __future__ import annotations

import itertools
import math

from aisd.estimation.estimate import EstimationError


def _check(a: float) -> float:
    if not 0 <= a <= 1:
        raise EstimationError(f"an availability is a share of time between 0 and 1; got {a!r}")
    return float(a)


def chain_availability(availabilities) -> float:
    """Availability of components that are all needed (in series): the product.

    >>> chain_availability([0.99, 0.99])
    0.9801
    """
    return math.prod(_check(a) for a in availabilities)


def with_fallback(primary: float, *fallbacks: float) -> float:
    """Availability of a component with fallbacks (in parallel): down only when every one is down.

    >>> round(with_fallback(0.99, 0.99), 6)
    0.9999
    """
    return 1 - math.prod(1 - _check(a) for a in (primary, *fallbacks))


def downtime_minutes_per_month(availability: float, days: int = 30) -> float:
    """Minutes a month a service at ``availability`` is down (three nines: about 43 minutes).

    >>> downtime_minutes_per_month(0.99)
    432.0000000000004
    """
    return (1 - _check(availability)) * days * 24 * 60


def plan_availability(chain: dict, fallbacks: dict, chosen) -> float:
    """Availability of ``chain`` (``{component: availability}``) when the components in ``chosen`` get
    their fallback (``fallbacks``: ``{component: (availability, usd_per_month)}``).

    >>> plan_availability({"llm": 0.99, "db": 0.999}, {"llm": (0.99, 100.0)}, {"llm"})
    0.9989001
    """
    unknown = set(chosen) - set(fallbacks)
    if unknown:
        raise EstimationError(f"no fallback is offered for {sorted(unknown)}; the choices are {sorted(fallbacks)}")
    return chain_availability(with_fallback(a, fallbacks[c][0]) if c in chosen else a for c, a in chain.items())


def plan_cost(fallbacks: dict, chosen) -> float:
    """USD a month of the chosen fallbacks.

    >>> plan_cost({"llm": (0.99, 100.0), "db": (0.999, 40.0)}, ["llm", "db"])
    140.0
    """
    return float(sum(fallbacks[c][1] for c in set(chosen)))


def fallbacks_needed(target: float, chain: dict, fallbacks: dict):
    """The cheapest set of components to give their fallback so that the chain's availability is at
    least ``target`` (an empty set if it already is; ``None`` if even every fallback is not enough).

    Reference answer of notebook 01, exercise ``ex_fallbacks_needed``.

    ``chain``: ``{component: availability}``; ``fallbacks``: ``{component: (availability, usd_per_month)}``.
    Ties in cost go to the smaller set.

    >>> chain = {"api": 0.9995, "vectors": 0.9995, "llm": 0.995}
    >>> offers = {"llm": (0.99, 300.0), "vectors": (0.9995, 80.0), "api": (0.9995, 150.0)}
    >>> sorted(fallbacks_needed(0.999, chain, offers))
    ['llm', 'vectors']
    >>> fallbacks_needed(0.99999, chain, offers) is None
    True
    """
    _check(target)
    options = [c for c in fallbacks if c in chain]
    best = None
    for size in range(len(options) + 1):
        for chosen in itertools.combinations(options, size):
            if plan_availability(chain, fallbacks, chosen) >= target:
                key = (plan_cost(fallbacks, chosen), size)
                if best is None or key < best[0]:
                    best = (key, set(chosen))
    return None if best is None else best[1]
