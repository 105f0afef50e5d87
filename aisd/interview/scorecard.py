"""A mock interview's requirements and design reviewed together, one row per criterion an interviewer
checks: components, data flow, evaluation and its feedback loop, monitoring, a fallback, a cache,
labels that say what each part is, and numbers for load, latency and cost (plus the problem's own checks).

>>> from aisd.interview import enterprise
>>> card = scorecard(enterprise.search_requirements(), enterprise.search_design(), "enterprise_search")
>>> bool(card["ok"].all()), len(card)
(True, 10)
"""
from __future__ import annotations

from aisd.toolkit.design import as_design, label_problems, review
from aisd.toolkit.requirements import DEFAULTS, Requirements
from aisd.interview.gaps import has_cache, has_fallback

# Requirements fields that put a number on each thing an interviewer asks about.
NUMBERS = {"load (QPS)": ("daily_active_users", "requests_per_user", "peak_factor"),
           "latency": ("first_token_budget_s", "answer_budget_s", "retrieval_budget_ms"),
           "cost": ("monthly_budget_usd",)}
_REVIEW = {"components": ("input", "AI component", "storage", "structure"),
           "data flow": ("request path", "output path"),
           "evaluation and feedback loop": ("evaluation", "feedback loop"),
           "monitoring": ("monitoring",)}


def _row(criterion: str, problems: list[str]) -> tuple[str, bool, str]:
    return criterion, not problems, "; ".join(problems) if problems else "ok"


def number_problems(req) -> dict[str, list[str]]:
    """Per area of :data:`NUMBERS`, what was left at the course's default (did you ask?).

    >>> number_problems(DEFAULTS.replace(monthly_budget_usd=500))["cost"]
    []
    """
    default = DEFAULTS
    out = {}
    for area, names in NUMBERS.items():
        if not isinstance(req, Requirements):
            out[area] = ["no Requirements"]
            continue
        changed = [n for n in names if getattr(req, n) != getattr(default, n)]
        out[area] = [] if changed else [f"{', '.join(names)} left at the defaults: ask, then write the numbers down"]
    return out


def scorecard(req, design, problem: str | None = None):
    """The review as a table: criterion, ok (bool), what is missing and why. ``problem``: a key of
    :data:`aisd.interview.problems.PROBLEMS`; ``"enterprise_search"`` adds its requirements, permission
    and source checks."""
    import pandas as pd

    d = as_design(design)
    found = review(d)
    rows = [_row(criterion, [p.explanation for p in found if p.piece in pieces])
            for criterion, pieces in _REVIEW.items()]
    rows.append(_row("fallback", [] if has_fallback(d) else [
        "an LLM on the request path has no alternative: if its provider is down, so are you (add a second "
        "provider or a smaller self-hosted model, and say when you switch)"]))
    rows.append(_row("cache", [] if has_cache(d) else [
        "nothing on the request path is cached: repeated questions pay full price and full latency"]))
    rows.append(_row("labels", [p.explanation for p in label_problems(d)]))
    rows += [_row(f"numbers: {area}", problems) for area, problems in number_problems(req).items()]
    if problem == "enterprise_search":
        from aisd.interview import enterprise

        rows = rows[:-3] + [_row("requirements match the interviewer", enterprise.requirement_problems(req)),
                            _row("permissions before ranking", enterprise.permission_problems(d)),
                            _row("a connector per source", enterprise.source_problems(d))]
    return pd.DataFrame(rows, columns=["criterion", "ok", "missing and why"])
