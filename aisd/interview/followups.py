"""Follow-up questions chosen by rules from the gaps in the candidate's own design.

The rules alone choose the questions: no cache -> "traffic grows 10x: what does it cost?"; no
fallback -> "the provider is down for an hour"; no evaluation -> "how do you know it works?"; no
monitoring -> "p95 doubled at 2 am". A design with none of those gaps gets the problem's harder
questions instead. The numbers in a question come from the candidate's own requirements. With an LLM
configured (``AISD_LLM_BASE_URL``, or ``use_llm=True`` for the local model), :func:`phrase` has it say
the chosen question in an interviewer's voice; without one, the rule's text is the question.

>>> from aisd.toolkit.design import Design
>>> from aisd.toolkit.requirements import DEFAULTS
>>> bare = Design(nodes={"u": "client", "api": "service", "m": "llm"},
...               edges=[("u", "api"), ("api", "m"), ("m", "api"), ("api", "u")])
>>> [f.gap for f in choose(bare, DEFAULTS)]
['cache', 'fallback', 'evaluation']
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from aisd.toolkit.requirements import Requirements
from aisd.interview.gaps import gaps
from aisd.interview.problems import problem as _problem

MINUTES_TO_ANSWER = 2


@dataclass(frozen=True)
class FollowUp:
    gap: str            # the gap it probes ("cache", ...), or the hard question's id
    question: str       # what the interviewer asks (the rule's text, numbers filled in)
    strong: str         # what a strong answer covers
    hard: bool = False  # True: asked because the design had no gap left


def _peak_qps(req: Requirements) -> float:
    return req.daily_active_users * req.requests_per_user / 86_400 * req.peak_factor


def _rule(gap: str, req: Requirements) -> FollowUp:
    day = req.requests_per_day
    if gap == "cache":
        return FollowUp(gap, f"Traffic grows 10x next quarter: {10 * day:,.0f} requests a day, "
                             f"{10 * _peak_qps(req):,.1f} a second at peak. What does that cost a month against "
                             f"your ${req.monthly_budget_usd:,.0f} budget, and what do you change first?",
                        "the cost at 10x with a number; a cache (and its hit rate, key and TTL), model tiering, "
                        "fewer retrieved tokens; what breaks first at that load")
    if gap == "fallback":
        return FollowUp(gap, f"Your LLM provider is down for an hour at the busiest time: about "
                             f"{_peak_qps(req) * 3600:,.0f} requests. What do users see, and what do you do?",
                        "a second provider or a small self-hosted model behind the same interface, timeouts "
                        "and a circuit breaker, degraded answers (search results only, cached answers), the "
                        f"availability it buys against the {req.availability:.2%} target")
    if gap == "evaluation":
        return FollowUp(gap, f"How do you know it works? Your target is {req.accuracy_target:.0%} of answers "
                             "right: how do you measure that before launch and after?",
                        "a labelled set with a tuning and a held-out split, the metric and its interval, "
                        "online signals (thumbs, escalations), and how results flow back into the system")
    if gap == "monitoring":
        return FollowUp(gap, f"It is 2 am and p95 latency has doubled past your {req.answer_budget_s:g} s budget. "
                             "How do you find out, and where do you look first?",
                        "latency per stage, error and cost metrics with alerts on the SLO, traces per request, "
                        "a dashboard per dependency")
    raise KeyError(gap)


def choose(design, req: Requirements, problem: str | None = None, k: int = 3) -> list[FollowUp]:
    """Up to ``k`` follow-ups: one per gap of the design (in :data:`aisd.interview.gaps.GAPS` order), then,
    if fewer than ``k``, the problem's harder questions (a generic hard question when no problem is named).

    >>> from aisd.interview.enterprise import search_design, search_requirements
    >>> [f.gap for f in choose(search_design(), search_requirements(), "enterprise_search")]
    ['cache_leak', 'revocation', 'injection']
    """
    picked = [_rule(g, req) for g in gaps(design)][:k]
    hard = list(_problem(problem).hard) if problem else []
    hard.append(("scale_100x", "The data grows 100x and so does the traffic. What breaks first, and what do "
                               "you change?", "the first component past its limit, with a number (index memory, "
                               "QPS per worker, the bill); sharding, tiering, batch ingestion"))
    for gap, question, strong in hard:
        if len(picked) >= k:
            break
        picked.append(FollowUp(gap, question, strong, hard=True))
    return picked


def llm_configured() -> bool:
    """Is a provider configured (``AISD_LLM_BASE_URL``)? The local model is used only when asked."""
    import os

    return bool(os.environ.get("AISD_LLM_BASE_URL"))


def keeps_numbers(question: str, text: str) -> bool:
    """Is a rewording still the rule's question: a question (a "?"), not much longer, keeping every
    number? Otherwise the rule's text is used: a rewording that drops "12,000 requests", or answers
    instead of asking, has changed the question.

    >>> keeps_numbers("about 12,000 requests in an hour", "Roughly 12,000 requests fail for an hour?")
    True
    >>> keeps_numbers("about 12,000 requests", "Many requests fail.")
    False
    """
    numbers = re.findall(r"\d[\d,]*(?:\.\d+)?", question)
    return (20 < len(text) <= 2 * len(question) + 60 and "?" in text
            and all(n in text for n in numbers))


def phrase(followup: FollowUp, problem: str | None = None, use_llm: bool | None = None) -> tuple[str, str]:
    """(the question as the interviewer says it, who phrased it: ``"rules"`` or the model's name).

    ``use_llm``: None asks the LLM only when a provider is configured; True asks the course's LLM (the
    local model when none is); False never asks. The rules chose the question either way: the LLM only
    rewords it, and any failure (or a rewording that drops a number) falls back to the rule's text.
    """
    if not (llm_configured() if use_llm is None else use_llm):
        return followup.question, "rules"
    try:
        from aisd.runtime import llm

        client = llm.client()
        context = _problem(problem).title if problem else "an AI system design"
        reply = client.chat.completions.create(
            model=llm.model_name(), temperature=0.3, max_tokens=120,
            messages=[{"role": "system", "content": f"You are interviewing a candidate on: {context}. Say the "
                       "question the user gives you in your own words, in one or two spoken sentences. Keep "
                       "every number. Do not answer it."},
                      {"role": "user", "content": followup.question}])
        text = (reply.choices[0].message.content or "").strip().rpartition("Follow-up:")[2].strip()
        return (text, llm.model_name()) if keeps_numbers(followup.question, text) else (followup.question, "rules")
    except Exception:       # no server, no network, a refusal: the rule's text is still the question
        return followup.question, "rules"
