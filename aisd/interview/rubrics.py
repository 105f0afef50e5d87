"""A rubric per phase of the mock interview, with tiers and a weak and a strong example answer, shown
after the candidate has answered (self-grading). (The self-quiz key lives only in the notebook's hidden test.)

>>> [r.phase for r in RUBRICS]
['clarify', 'high_level', 'deep_dive', 'wrap_up']
>>> "| tier |" in markdown("clarify")
True
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rubric:
    phase: str
    tiers: tuple        # (tier, what it looks like), weakest first
    weak: str
    strong: str


RUBRICS = (
    Rubric("clarify",
           (("0: missing", "starts drawing; no questions, or only 'how many users?'"),
            ("1: partial", "asks about scale and latency but writes no numbers, or misses permissions"),
            ("2: solid", "users, requests, peak, latency per stage, budget, freshness, as numbers"),
            ("3: strong", "also the requirement only the candidate can set (availability, accuracy) with a "
                          "reason, and which answer would change the design most")),
           "How many users? OK, let's say a lot. I'll use RAG.",
           "8,000 people x 6 searches, half in 2 hours: 6x peak, ~3.3 searches/s. Results in 300 ms, first "
           "words in 2 s. Permissions fresh within 15 min: that rules out a nightly re-index. I'll target "
           "99.9 % in working hours; the permission freshness is what shapes the design."),
    Rubric("high_level",
           (("0: missing", "a box called 'LLM' and an arrow"),
            ("1: partial", "the request path only: no storage, monitoring or evaluation"),
            ("2: solid", "the review passes: request and answer paths, storage, monitoring, an evaluation loop"),
            ("3: strong", "also the problem's own risk in the diagram (permissions before ranking), a cache "
                          "and a fallback, each said with what it costs")),
           "User -> API -> vector DB -> GPT -> user.",
           "Connectors per source copy content and ACLs; the query passes a permission filter before the "
           "hybrid index; answers are cached per permission set; a second provider takes over on timeouts; "
           "traces feed metrics; sampled answers and thumbs feed an evaluation that changes ranking."),
    Rubric("deep_dive",
           (("0: missing", "repeats the diagram"),
            ("1: partial", "describes a component without a number or an alternative"),
            ("2: solid", "two components in depth, each with an alternative and why this one"),
            ("3: strong", "answers each follow-up in two minutes with a number from the requirements and a "
                          "way to measure it")),
           "For the outage I'd add retries.",
           "An hour down at peak is ~12,000 searches: results still come from the index, answers switch to "
           "the second provider after a 2 s timeout (circuit breaker), and we alert on the error rate; "
           "99.9 % x 99.5 % providers in parallel is ~99.9995 % for the LLM step."),
    Rubric("wrap_up",
           (("0: missing", "runs out of time"),
            ("1: partial", "lists technologies"),
            ("2: solid", "the main trade-offs with what each pays"),
            ("3: strong", "what changes at 10x and 100x, the biggest risk, and what to build first")),
           "It scales because it's on the cloud.",
           "The cache pays staleness for ~30 % fewer LLM calls; the pre-filter pays index complexity for "
           "never leaking. At 10x the index shards by source; the biggest risk is permission sync lag, so "
           "it is the first thing we monitor."),
)


def markdown(phase: str) -> str:
    """The rubric of one phase as a Markdown table, with its weak and strong example."""
    r = next(r for r in RUBRICS if r.phase == phase)
    lines = ["| tier | what it looks like |", "|---|---|"] + [f"| {t} | {d} |" for t, d in r.tiers]
    return "\n".join(lines) + f"\n\n**Weak:** {r.weak}\n\n**Strong:** {r.strong}"
