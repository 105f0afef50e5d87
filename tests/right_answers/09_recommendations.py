"""Right answers to the exercises of 09_recommendations written another valid way: each set must earn every
point (the mirror of tests/wrong_answers). Two sets, each replacing every answer cell; the notebook runs once
per set (``conftest.points_lost_with``). At least two different valid methods for each decision (the candidate
depth, the exploration budget and rate)."""

RIGHT_ANSWERS = {
    "noise margins, a fitted slope, a rounded budget, an algebraically equal design effect": {
    "ex_choose_candidate_depth": '''
def choose_candidate_depth(rows, budget_ms):
    # the smallest depth whose net value is within 0.005 of the best: smaller differences are noise
    in_budget = sorted((r for r in rows if r["p95_ms"] <= budget_ms), key=lambda r: r["depth"])
    if len(in_budget) == 0:
        return sorted(r["depth"] for r in rows)[0]
    value = [r["recall@10"] - r["pool_size"] / 10_000 for r in in_budget]
    return next(r["depth"] for r, v in zip(in_budget, value) if v >= max(value) - 0.005)
''',
    "ex_exploration_budget": '''
import math

def exploration_budget(rows, discovery_goal):
    # the loss at the first rate that reached the goal, rounded up to the next 5 points
    first = min((r for r in rows if r["items_ever_clicked"] >= discovery_goal), key=lambda r: r["exploration"])
    return {"ctr_loss_budget": math.ceil(first["ctr_loss"] * 20) / 20,
            "why": "what the goal cost on tuning users, rounded up to a number a product owner can sign"}
''',
    "ex_choose_exploration": '''
def choose_exploration(rows, ctr_loss_budget):
    # the loss grows about linearly with the rate: fit the slope, solve for the budget, take the measured rate below
    xs = np.array([r["exploration"] for r in rows]); ys = np.array([r["ctr_loss"] for r in rows])
    slope = float((xs * ys).sum() / (xs * xs).sum())
    limit = ctr_loss_budget / slope
    below = [x for x in xs if x <= limit + 1e-12]
    return float(max(below)) if below else 0.0
''',
    "ex_min_detectable_lift": '''
def min_detectable_lift(baseline_ctr, users_per_arm, lists_per_user, icc, lifts, alpha=0.05, power=0.8):
    # one user's lists are worth 1 / (icc + (1 - icc) / m) of a user... times m lists: the same effective sample
    effective = users_per_arm / (icc + (1 - icc) / lists_per_user)
    fitting = [lift for lift in lifts
               if abtest.sample_size_per_arm(baseline_ctr, lift, alpha=alpha, power=power, relative=True) <= effective + 1e-6]
    return min(fitting) if fitting else None
''',
    "ex_quiz_recsys": '''
def quiz_recsys():
    return {"q1": " C", "q2": "A", "q3": "c ", "q4": "A"}
''',
},
    "a greedy walk up the depths, grid searches with another tie rule, a slack budget": {
    "ex_choose_candidate_depth": '''
def choose_candidate_depth(rows, budget_ms):
    # walk up the depths within budget; go deeper only while the next depth adds more than 0.002 of net value
    ladder = sorted((r for r in rows if r["p95_ms"] <= budget_ms), key=lambda r: r["depth"])
    if not ladder:
        return min(r["depth"] for r in rows)
    net = lambda r: r["recall@10"] - 0.0001 * r["pool_size"]
    chosen = ladder[0]
    for r in ladder[1:]:
        if net(r) > net(chosen) + 0.002:
            chosen = r
    return chosen["depth"]
''',
    "ex_exploration_budget": '''
def exploration_budget(rows, discovery_goal):
    reached = [r["ctr_loss"] for r in rows if r["items_ever_clicked"] >= discovery_goal]
    return dict(ctr_loss_budget=min(reached) + 0.03, why="the cheapest loss that met the goal, and 3 points of slack")
''',
    "ex_choose_exploration": '''
def choose_exploration(rows, ctr_loss_budget):
    ok = [r for r in rows if r["ctr_loss"] <= ctr_loss_budget]
    if not ok:
        return 0.0
    top = max(r["items_ever_clicked"] for r in ok)
    return min(r["exploration"] for r in ok if r["items_ever_clicked"] >= top - 0.005)   # as good, and cheaper
''',
    "ex_min_detectable_lift": '''
def min_detectable_lift(baseline_ctr, users_per_arm, lists_per_user, icc, lifts, alpha=0.05, power=0.8):
    deff = 1.0 + icc * (lists_per_user - 1.0)
    lists = users_per_arm * lists_per_user
    for lift in sorted(set(lifts)):
        needed = abtest.sample_size_per_arm(baseline_ctr, lift, alpha, power, relative=True)
        if needed * deff <= lists * (1 + 1e-12):
            return lift
    return None
''',
    "ex_quiz_recsys": '''
def quiz_recsys():
    return dict(q1="c", q2="a", q3="C", q4="a")
''',
}
}
