"""Right answers to the exercises of 05_content_moderation written another valid way: each set replaces the answer
cells it names, and the solution must still earn every point (the mirror of tests/wrong_answers). At least two
different valid methods for each decision (the thresholds, the reviewer capacity)."""

RIGHT_ANSWERS = {
    "a one-standard-error margin, a hand-written queue, the fewest reviewers": {
        "ex_choose_thresholds": '''
import math

def choose_thresholds(scores, labels, req):
    # remove_at: the lowest threshold whose tuning precision, less one standard error, still reaches the floor
    # (a normal-approximation margin, about a one-sided 84 % bound);
    # review_at: the widest band whose queue (simulated here, hour by hour) keeps the wait, found by bisection.
    s, y = np.asarray(scores, dtype=float), np.asarray(labels, dtype=int)
    remove_at = float("inf")
    for t in np.unique(s):
        kept = s >= t
        p, n = y[kept].mean(), kept.sum()
        if p - math.sqrt(p * (1 - p) / n) >= req.remove_precision_floor:
            remove_at = float(t)
            break
    removed = float((s >= remove_at).mean())
    hours = np.arange(48)
    shape = 1 + (req.peak_factor - 1) * np.cos(2 * np.pi * (hours - 20) / 24)
    posts = req.flagged_per_day / 24 * shape / shape[:24].mean()
    capacity = req.reviewers_on_duty * req.reviews_per_reviewer_hour

    def longest_wait(share):
        backlog, worst = 0.0, 0.0
        for h in hours:
            back = req.appeal_share * removed * posts[h - req.appeal_delay_hours] if h >= req.appeal_delay_hours else 0.0
            backlog = max(0.0, backlog + share * posts[h] + back - capacity)
            worst = max(worst, backlog / capacity)
        return worst

    below = np.unique(s[s < remove_at])[::-1]          # candidates, widest band last
    lo, hi = -1, len(below) - 1                          # bisection on the last candidate that keeps the wait
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if longest_wait(((s >= below[mid]) & (s < remove_at)).mean()) <= req.max_wait_hours:
            lo = mid
        else:
            hi = mid - 1
    return remove_at, (float(below[lo]) if lo >= 0 else remove_at)
''',
        "ex_reviewers_for": '''
def reviewers_for(review_share, removed_share, req):
    # The fewest reviewers that keep the wait, found by counting up with the course's queue simulation.
    n = 1
    while policy.peak_wait_hours(review_share, removed_share, req, reviewers_on_duty=n) > req.max_wait_hours:
        n += 1
    return n
''',
        "ex_quiz_moderation": '''
def quiz_moderation():
    return {"q1": "C", "q2": " a", "q3": "c ", "q4": "B"}
''',
    },
    "a fixed precision margin, the queue's table, 20 % headroom": {
        "ex_choose_thresholds": '''
def choose_thresholds(scores, labels, req):
    # remove_at: tuning precision at least the floor plus 0.02 (a fixed margin, defended by the held-out interval);
    # review_at: walk the band wider with policy.simulate_day's table until the evening queue waits too long.
    s, y = np.asarray(scores, dtype=float), np.asarray(labels, dtype=int)
    order = np.argsort(-s)
    s_sorted, hits = s[order], np.cumsum(y[order])
    remove_at = float("inf")
    for i in range(len(s) - 1, -1, -1):                 # lowest threshold first
        if i + 1 < len(s) and s_sorted[i + 1] == s_sorted[i]:
            continue
        if hits[i] / (i + 1) >= req.remove_precision_floor + 0.02:
            remove_at = float(s_sorted[i])
            break
    removed = float((s >= remove_at).mean())
    traffic = policy.hourly_traffic(req.flagged_per_day, req.peak_factor)
    review_at = remove_at
    for t in sorted(set(s[s < remove_at].tolist()), reverse=True):
        share = float(((s >= t) & (s < remove_at)).mean())
        day = policy.simulate_day(traffic, share, removed, req.reviewers_on_duty * req.reviews_per_reviewer_hour,
                                  req.appeal_share, req.appeal_delay_hours, days=2)
        if day.wait_hours.max() > req.max_wait_hours:
            break
        review_at = t
    return remove_at, review_at
''',
        "ex_reviewers_for": '''
import math

def reviewers_for(review_share, removed_share, req):
    # Bisection on the fewest that keep the wait (the wait only falls as reviewers are added), then 20 % headroom.
    lo, hi = 1, 1
    while policy.peak_wait_hours(review_share, removed_share, req, reviewers_on_duty=hi) > req.max_wait_hours:
        hi *= 2
    while lo < hi:
        mid = (lo + hi) // 2
        if policy.peak_wait_hours(review_share, removed_share, req, reviewers_on_duty=mid) <= req.max_wait_hours:
            hi = mid
        else:
            lo = mid + 1
    return math.ceil(1.2 * lo)
''',
        "ex_quiz_moderation": '''
def quiz_moderation():
    return dict(q1="c", q2="A", q3="C", q4="b")
''',
    },
}
