"""Requirements as data: what the interviewer answered, written down once and read by every estimate.

Every notebook writes its requirements as one :class:`Requirements`: the prompt, the functional requirements
(what the system does) and named numbers (how well: scale, latency, accuracy, cost, availability), each with its
unit and, where it is a choice, why. Derived numbers (requests a day from users and requests per user) are
computed from the others, so they cannot disagree.

>>> r = Requirements(prompt="Design a support assistant", functional=["answer from the docs"],
...                  daily_active_users=(20_000, "users/day"), requests_per_user=(3, "requests/user/day"),
...                  p95_latency_s=(2.0, "s (p95)", "a user waits"),
...                  derived={"requests_per_day": (lambda r: r.daily_active_users * r.requests_per_user, "requests/day")})
>>> r.requests_per_day, r.p95_latency_s
(60000, 2.0)
>>> r.replace(daily_active_users=40_000).requests_per_day      # a changed requirement: the unit is kept
120000
>>> list(r.table().columns)
['requirement', 'value', 'unit', 'kind', 'why']

:data:`DEFAULTS` holds the course's starting numbers for an LLM product that answers users (the numbers notebooks
01, 02 and 12 change with :meth:`Requirements.replace`); :data:`QUESTIONS` holds the questions that get you those
numbers, grouped by what they pin down.
"""
from __future__ import annotations

from dataclasses import dataclass

from aisd.core.errors import AisdError

# The clarifying questions an interviewer expects, by what each one pins down.
QUESTIONS = {
    "users and scale": ["Who are the users, and how many use it per day?",
                        "How many requests does a user make per day, and how peaky is the traffic?",
                        "How big is the data (documents, pages, updates per day), and how fast does it grow?"],
    "latency and mode": ["Is this real-time (a user waits) or can it be async (batch, email, ticket)?",
                         "What latency is acceptable: to the first token, to the full answer (p50 and p95)?"],
    "quality": ["What does a wrong answer cost compared to no answer? Must answers cite sources?",
                "How will we know answers are good: labelled questions, user feedback, human review?"],
    "cost": ["Is there a budget per month or per request? Hosted models or our own hardware?"],
    "availability and risk": ["What availability is needed, and what happens when the LLM provider is down?",
                              "Any privacy, compliance or data-residency constraints (PII, on-premises)?"],
    "scope": ["Which languages and channels (chat widget, email, API)? Can it take actions or only answer?",
              "Is there a human to hand over to?"],
}


class RequirementsError(AisdError):
    """A requirement was written or read in a way that does not fit the type."""


@dataclass(frozen=True)
class Requirement:
    """One named number: its value, unit, and why it is what it is (for a choice)."""

    name: str
    value: object
    unit: str = ""
    why: str = ""
    kind: str = "non-functional"


def _as_requirement(name: str, spec, old: Requirement | None = None) -> Requirement:
    if isinstance(spec, Requirement):
        return Requirement(name, spec.value, spec.unit, spec.why, spec.kind)
    if isinstance(spec, tuple):
        if not 1 <= len(spec) <= 3:
            raise RequirementsError(f"{name}: write a requirement as (value, unit) or (value, unit, why); got {spec!r}")
        value, unit, why = (list(spec) + ["", ""])[:3]
        return Requirement(name, value, str(unit), str(why))
    if old is not None:                         # a changed value keeps its unit (and its why, unless it changed)
        return Requirement(name, spec, old.unit, old.why, old.kind)
    return Requirement(name, spec)


class Requirements:
    """The prompt, the functional requirements and the named numbers a design is held to.

    Read a number as an attribute (``req.peak_factor``) or its whole record by name (``req["peak_factor"]``).

    >>> Requirements(peak_factor=(5, "x the daily mean")).peak_factor
    5
    >>> Requirements(peak_factor=5).peek_factor
    Traceback (most recent call last):
    ...
    AttributeError: no requirement named 'peek_factor'; these are written down: peak_factor
    """

    def __init__(self, prompt: str = "", functional=(), derived: dict | None = None, **numbers):
        if isinstance(functional, str):
            functional = [functional]
        self.__dict__["prompt"] = str(prompt)
        self.__dict__["functional"] = [str(f) for f in functional]
        self.__dict__["_numbers"] = {n: _as_requirement(n, s) for n, s in numbers.items()}
        derived = dict(derived or {})
        for name, spec in derived.items():
            if not (isinstance(spec, tuple) and len(spec) == 2 and callable(spec[0])):
                raise RequirementsError(f"derived {name!r}: write it as (function of the requirements, unit)")
            if name in self._numbers:
                raise RequirementsError(f"{name!r} is both written down and derived: keep one")
        self.__dict__["_derived"] = derived

    # -- reading -----------------------------------------------------------------------------------------------
    def __getattr__(self, name: str):
        numbers, derived = self.__dict__.get("_numbers", {}), self.__dict__.get("_derived", {})
        if name in numbers:
            return numbers[name].value
        if name in derived:
            return derived[name][0](self)
        if name.startswith("__"):
            raise AttributeError(name)
        raise AttributeError(f"no requirement named {name!r}; these are written down: "
                             f"{', '.join(list(numbers) + list(derived)) or 'none'}")

    def __setattr__(self, name, value):
        raise RequirementsError("requirements are data: write a changed one with req.replace(name=value)")

    def __getitem__(self, name: str) -> Requirement:
        if name in self._numbers:
            return self._numbers[name]
        if name in self._derived:
            fn, unit = self._derived[name]
            return Requirement(name, fn(self), unit, kind="derived")
        raise KeyError(name)

    def __contains__(self, name: str) -> bool:
        return name in self._numbers or name in self._derived

    def names(self) -> list[str]:
        """The written-down numbers, then the derived ones."""
        return list(self._numbers) + list(self._derived)

    def values(self) -> dict:
        """``{name: value}`` of every number, derived ones included."""
        return {n: getattr(self, n) for n in self.names()}

    def __eq__(self, other) -> bool:
        return (isinstance(other, Requirements) and self.prompt == other.prompt
                and self.functional == other.functional and self._numbers == other._numbers
                and self._derived.keys() == other._derived.keys())

    def __repr__(self) -> str:
        numbers = ", ".join(f"{n}={r.value!r}" for n, r in self._numbers.items())
        return f"Requirements(prompt={self.prompt!r}, {len(self.functional)} functional, {numbers})"

    # -- changing ----------------------------------------------------------------------------------------------
    def replace(self, **changes) -> "Requirements":
        """A copy with ``changes``: a bare value keeps the number's unit; a tuple sets value, unit (and why);
        ``prompt``, ``functional`` and ``derived`` replace those. A new name needs its unit: ``(value, unit)``."""
        prompt = changes.pop("prompt", self.prompt)
        functional = changes.pop("functional", self.functional)
        derived = {**self._derived, **changes.pop("derived", {})}
        numbers = dict(self._numbers)
        for name, spec in changes.items():
            if name in self._derived:
                raise RequirementsError(f"{name!r} is derived from other requirements; change those instead")
            if name not in numbers and not isinstance(spec, (tuple, Requirement)):
                raise RequirementsError(f"{name!r} is new here: give its unit too, as {name}=({spec!r}, 'unit')")
            numbers[name] = _as_requirement(name, spec, numbers.get(name))
        return Requirements(prompt, functional, derived, **numbers)

    # -- showing -----------------------------------------------------------------------------------------------
    def table(self):
        """The requirements as a DataFrame: requirement, value, unit, kind (prompt / functional / non-functional /
        derived), why."""
        import pandas as pd

        rows = [("prompt", self.prompt, "", "prompt", "")] if self.prompt else []
        rows += [(f"functional {i}", f, "", "functional", "") for i, f in enumerate(self.functional, 1)]
        rows += [(r.name, r.value, r.unit, r.kind, r.why) for r in self._numbers.values()]
        rows += [(n, self[n].value, self[n].unit, "derived", "") for n in self._derived]
        return pd.DataFrame(rows, columns=["requirement", "value", "unit", "kind", "why"])


def table(req: Requirements):
    """:meth:`Requirements.table` as a function (for ``display(table(req))``)."""
    if not isinstance(req, Requirements):
        raise RequirementsError(f"write the requirements as aisd.toolkit.requirements.Requirements; got "
                                f"{type(req).__name__}")
    return req.table()


def _requests_per_day(r: Requirements) -> float:
    return r.daily_active_users * r.requests_per_user


def _chunks(r: Requirements) -> int:
    return r.documents * r.chunks_per_document


# The course's starting numbers for an LLM product that answers users: change what the interviewer tells you.
DEFAULTS = Requirements(
    realtime=(True, "a user waits for the answer"),
    daily_active_users=(20_000, "users/day"),
    requests_per_user=(3, "requests/user/day"),
    peak_factor=(4, "x the daily mean"),
    documents=(5_000, "pages"),
    chunks_per_document=(8, "chunks/page"),
    embedding_dim=(384, "values/vector"),
    system_tokens=(200, "tokens"),
    question_tokens=(30, "tokens"),
    retrieved_chunks=(5, "chunks/request"),
    chunk_tokens=(250, "tokens"),
    answer_tokens=(150, "tokens"),
    first_token_budget_s=(2.0, "s (p95)"),
    retrieval_budget_ms=(200, "ms (p95), inside the first-token budget"),
    max_staleness_hours=(24, "h an answer may lag a docs change"),
    answer_budget_s=(4.0, "s (p95)"),
    accuracy_target=(0.9, "share of answers correct and grounded"),
    availability=(0.999, "share of time up"),
    monthly_budget_usd=(2_000, "USD/month"),
    wrong_answer_cost_usd=(10.0, "USD per confident wrong answer (trust, a follow-up ticket)"),
    escalation_cost_usd=(2.0, "USD per question handed to a human agent"),
    derived={"requests_per_day": (_requests_per_day, "requests/day"), "chunks": (_chunks, "chunks")},
)

# The prompt notebooks 01 and 02 share: 01 estimates it, 02 builds it. One object, so the numbers agree.
CUSTOMER_SUPPORT = DEFAULTS.replace(
    prompt="Design a customer support system that answers questions about our product documentation.",
    functional=["answer questions from the product docs", "cite the passages used",
                "hand a question to a human agent when unsure"],
    daily_active_users=25_000, requests_per_user=2, peak_factor=5,
)
