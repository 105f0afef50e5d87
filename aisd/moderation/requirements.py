"""The numbers of notebook 05's interview, written down once as data.

>>> R = REQUIREMENTS
>>> R.review_capacity_per_day, round(R.review_share, 3)
(24000, 0.12)
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Requirements:
    """A platform's moderation requirements (assumptions stated in the notebook's section 1)."""
    posts_per_day: int = 20_000_000           # all posts
    flagged_per_day: int = 200_000            # reported by users or caught by sampling: what this pipeline judges
    peak_factor: float = 2.0                  # busiest hour vs the mean hour
    reviewers_on_duty: int = 25               # at every hour, in shifts
    reviews_per_reviewer_hour: int = 40       # 90 s per post, with breaks
    remove_precision_floor: float = 0.90      # at most 1 in 10 automatic removals may be wrong
    appeal_share: float = 0.10                # removed posts whose authors appeal
    appeal_delay_hours: int = 2               # an appeal arrives about this long after the removal
    max_wait_hours: float = 4.0               # a post in review is decided within this time
    auto_latency_ms: int = 200                # p95 for an automatic decision (live content)
    reviewer_usd_per_hour: float = 25.0       # loaded cost of one reviewer hour

    @property
    def review_capacity_per_hour(self) -> int:
        return self.reviewers_on_duty * self.reviews_per_reviewer_hour

    @property
    def review_capacity_per_day(self) -> int:
        return 24 * self.review_capacity_per_hour

    @property
    def review_share(self) -> float:
        """The share of flagged posts the reviewers can look at in a day."""
        return self.review_capacity_per_day / self.flagged_per_day

    @property
    def usd_per_review(self) -> float:
        return self.reviewer_usd_per_hour / self.reviews_per_reviewer_hour


REQUIREMENTS = Requirements()
