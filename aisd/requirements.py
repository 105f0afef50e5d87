"""Requirements as data: what the interviewer answered, written down once and read by every estimate.

>>> from aisd.requirements import Requirements
>>> r = Requirements(prompt="Design a support assistant", daily_active_users=20_000)
>>> r.requests_per_day
60000
>>> list(table(r).columns)
['requirement', 'value', 'unit', 'kind']

Functional requirements say *what* the system does; non-functional ones say *how well*: scale,
latency, accuracy, cost, availability. :data:`QUESTIONS` holds the questions that get you those
numbers, grouped by what they pin down.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields

import pandas as pd

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


def _f(default, unit: str = "", kind: str = "non-functional"):
    """A dataclass field with its unit and whether it is functional or non-functional."""
    if isinstance(default, (list, dict)):
        return field(default_factory=lambda: type(default)(default), metadata={"unit": unit, "kind": kind})
    return field(default=default, metadata={"unit": unit, "kind": kind})


@dataclass
class Requirements:
    """The numbers and promises a design is held to. Every field has a default; override what you learn.

    >>> Requirements(peak_factor=5).peak_factor
    5
    """

    prompt: str = _f("", kind="prompt")
    functional: list = _f([], kind="functional")
    realtime: bool = _f(True, "a user waits for the answer")
    daily_active_users: int = _f(20_000, "users/day")
    requests_per_user: float = _f(3, "requests/user/day")
    peak_factor: float = _f(4, "x the daily mean")
    documents: int = _f(5_000, "pages")
    chunks_per_document: int = _f(8, "chunks/page")
    embedding_dim: int = _f(384, "values/vector")
    system_tokens: int = _f(200, "tokens")
    question_tokens: int = _f(30, "tokens")
    retrieved_chunks: int = _f(5, "chunks/request")
    chunk_tokens: int = _f(250, "tokens")
    answer_tokens: int = _f(150, "tokens")
    first_token_budget_s: float = _f(2.0, "s (p95)")
    retrieval_budget_ms: float = _f(200, "ms (p95), inside the first-token budget")
    max_staleness_hours: float = _f(24, "h an answer may lag a docs change")
    answer_budget_s: float = _f(4.0, "s (p95)")
    accuracy_target: float = _f(0.9, "share of answers correct and grounded")
    availability: float = _f(0.999, "share of time up")
    monthly_budget_usd: float = _f(2_000, "USD/month")
    wrong_answer_cost_usd: float = _f(10.0, "USD per confident wrong answer (trust, a follow-up ticket)")
    escalation_cost_usd: float = _f(2.0, "USD per question handed to a human agent")

    @property
    def requests_per_day(self) -> float:
        return self.daily_active_users * self.requests_per_user

    @property
    def chunks(self) -> int:
        return self.documents * self.chunks_per_document


# The prompt notebooks 01 and 02 share: 01 estimates it, 02 builds it. One object, so the numbers agree.
CUSTOMER_SUPPORT = Requirements(
    prompt="Design a customer support system that answers questions about our product documentation.",
    functional=["answer questions from the product docs", "cite the passages used",
                "hand a question to a human agent when unsure"],
    daily_active_users=25_000, requests_per_user=2, peak_factor=5,
)


def table(req: Requirements) -> pd.DataFrame:
    """The requirements as a table: requirement, value, unit, kind (prompt / functional / non-functional).

    >>> table(Requirements()).set_index("requirement").loc["peak_factor", "unit"]
    'x the daily mean'
    """
    rows = []
    for f in fields(req):
        value = getattr(req, f.name)
        if isinstance(value, list):
            value = "; ".join(map(str, value))
        rows.append((f.name, value, f.metadata.get("unit", ""), f.metadata.get("kind", "")))
    return pd.DataFrame(rows, columns=["requirement", "value", "unit", "kind"])
