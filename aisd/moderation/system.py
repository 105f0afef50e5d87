"""Notebook 05's system as data: the requirements the interviewer answered and the design drawn from them.

>>> R = REQUIREMENTS
>>> R.review_capacity_per_day, round(R.review_share, 3), R.usd_per_review
(24000, 0.12, 0.625)
>>> R.replace(reviewers_on_duty=50).review_capacity_per_hour
2000
>>> from aisd.toolkit.design import review
>>> [p.piece for p in review(DESIGN)]
[]
"""
from __future__ import annotations

from aisd.toolkit.design import Design
from aisd.toolkit.requirements import Requirements

#: What the interviewer answered (the assumptions of the notebook's section 1).
REQUIREMENTS = Requirements(
    prompt="Design the content moderation system for a social platform. Millions of posts a day: remove clear "
           "violations fast, send the uncertain ones to people, never flood the review team, and be fair and "
           "appealable.",
    functional=["decide every flagged post: remove, send to a reviewer, or allow",
                "remove re-uploads of images removed before",
                "let an author appeal a removal; a person decides the appeal",
                "give every removal a reason a reviewer and the author can read"],
    posts_per_day=(20_000_000, "posts/day"),
    flagged_per_day=(200_000, "posts/day", "reported by users or caught by sampling: what this pipeline judges"),
    peak_factor=(2.0, "x the mean hour", "the evening peak"),
    reviewers_on_duty=(25, "reviewers at every hour", "in shifts"),
    reviews_per_reviewer_hour=(40, "reviews/hour", "90 s a post, with breaks"),
    remove_precision_floor=(0.90, "precision of automatic removals", "every wrong removal silences a user"),
    appeal_share=(0.10, "of removals", "authors who appeal"),
    appeal_delay_hours=(2, "hours", "an appeal arrives about this long after the removal"),
    max_wait_hours=(4.0, "hours", "a post in review is decided within this time"),
    auto_latency_ms=(200, "ms (p95)", "live content: an automatic decision before the post spreads"),
    reviewer_usd_per_hour=(25.0, "USD/hour", "loaded cost of one reviewer hour"),
    derived={"review_capacity_per_hour": (lambda r: r.reviewers_on_duty * r.reviews_per_reviewer_hour, "reviews/hour"),
             "review_capacity_per_day": (lambda r: 24 * r.reviewers_on_duty * r.reviews_per_reviewer_hour,
                                         "reviews/day"),
             "review_share": (lambda r: 24 * r.reviewers_on_duty * r.reviews_per_reviewer_hour / r.flagged_per_day,
                              "of flagged posts (the daily average capacity)"),
             "usd_per_review": (lambda r: r.reviewer_usd_per_hour / r.reviews_per_reviewer_hour, "USD/review")},
)

#: The moderation cascade (draw it with :func:`aisd.toolkit.design.render`).
DESIGN = Design(
    nodes={"user": ("client", "user posts"), "api": ("service", "post API"),
           "rules": ("service", "rules: normalised blocklist"), "clf": ("model", "classifier: TF-IDF or MiniLM + LR"),
           "router": ("service", "LLM router: tiny model first, small model when unsure"),
           "llm": ("llm", "LLM on the uncertain band"), "queue": ("queue", "review queue"),
           "people": ("human", "reviewers"), "hashes": ("storage", "known-bad image hashes"),
           "log": ("storage", "decision log + appeals"), "labels": ("evaluation", "labelled set: review decisions"),
           "mon": ("monitoring", "metrics: queue wait, precision per action, overturned appeals, per-group errors")},
    edges=[("user", "api", "post"), ("api", "hashes", "image hash"), ("api", "rules", "text"),
           ("rules", "clf", "no rule hit"), ("clf", "router", "uncertain"), ("router", "llm", "post"),
           ("llm", "queue", "violating"), ("clf", "queue", "review band"), ("queue", "people"),
           ("people", "log", "decision"), ("rules", "log", "remove"), ("clf", "log", "remove / allow"),
           ("log", "queue", "appeal"), ("api", "user", "decision and reason"), ("log", "api"), ("log", "labels"), ("labels", "clf", "retrain, re-tune thresholds"),
           ("log", "mon")])
