"""Plausible wrong answers to the exercises of 09_recommendations: each must lose points."""

WRONG_ANSWERS = {
    "choose_candidate_depth": {
        "ignores the latency budget": '''
def choose_candidate_depth(rows, budget_ms):
    return int(max(rows, key=lambda r: r["recall@10"] - 0.0001 * r["pool_size"])["depth"])
''',
        "the best recall@10 within budget, ignoring what the candidates cost": '''
def choose_candidate_depth(rows, budget_ms):
    fits = [r for r in rows if r["p95_ms"] <= budget_ms]
    if not fits:
        return int(min(r["depth"] for r in rows))
    return int(max(fits, key=lambda r: (r["recall@10"], -r["depth"]))["depth"])
''',
        "the deepest pool within budget (more candidates can only help)": '''
def choose_candidate_depth(rows, budget_ms):
    fits = [r for r in rows if r["p95_ms"] <= budget_ms]
    return int(max(r["depth"] for r in (fits or rows)))
''',
        "budget on p50 instead of p95": '''
def choose_candidate_depth(rows, budget_ms):
    fits = [r for r in rows if r.get("p50_ms", r["p95_ms"]) <= budget_ms]
    if not fits:
        return int(min(r["depth"] for r in rows))
    return int(max(fits, key=lambda r: r["recall@10"] - 0.0001 * r["pool_size"])["depth"])
''',
        "returns 0 when nothing fits the budget": '''
def choose_candidate_depth(rows, budget_ms):
    fits = [r for r in rows if r["p95_ms"] <= budget_ms]
    if not fits:
        return 0
    return int(max(fits, key=lambda r: r["recall@10"] - 0.0001 * r["pool_size"])["depth"])
''',
        "prices candidates by depth instead of pool size, ten times too high": '''
def choose_candidate_depth(rows, budget_ms):
    fits = [r for r in rows if r["p95_ms"] <= budget_ms] or [min(rows, key=lambda r: r["depth"])]
    return int(max(fits, key=lambda r: r["recall@10"] - 0.001 * r["depth"])["depth"])
''',
    },
    "content_to_factors": {
        "fits the map on every item, the new ones included": '''
from sklearn.linear_model import Ridge

def content_to_factors(embeddings, item_factors, warm_items, alpha=1.0):
    return Ridge(alpha=alpha).fit(embeddings, item_factors).predict(embeddings).astype(np.float32)
''',
        "keeps the ALS factors as they are (new items keep their meaningless rows)": '''
def content_to_factors(embeddings, item_factors, warm_items, alpha=1.0):
    return np.array(item_factors, dtype=np.float32)
''',
        "gives every item the mean warm vector": '''
def content_to_factors(embeddings, item_factors, warm_items, alpha=1.0):
    mean = np.asarray(item_factors)[np.asarray(warm_items)].mean(axis=0)
    return np.tile(mean, (len(embeddings), 1)).astype(np.float32)
''',
        "truncates the embedding to the factors' size": '''
def content_to_factors(embeddings, item_factors, warm_items, alpha=1.0):
    return np.asarray(embeddings, dtype=np.float32)[:, : np.asarray(item_factors).shape[1]]
''',
    },
    "exploration_budget": {
        "no exploration: a budget of almost nothing": '''
def exploration_budget(rows, discovery_goal):
    return {"ctr_loss_budget": 0.01, "why": "click-through is revenue"}
''',
        "gives away half the click-through": '''
def exploration_budget(rows, discovery_goal):
    return {"ctr_loss_budget": 0.5, "why": "discovery matters most"}
''',
        "the budget as an exploration rate (the rate that met the goal, not its loss)": '''
def exploration_budget(rows, discovery_goal):
    rate = min(r["exploration"] for r in rows if r["items_ever_clicked"] >= discovery_goal)
    return {"ctr_loss_budget": rate, "why": "the rate that met the goal"}
''',
        "no reason given": '''
def exploration_budget(rows, discovery_goal):
    needed = min(r["ctr_loss"] for r in rows if r["items_ever_clicked"] >= discovery_goal)
    return {"ctr_loss_budget": needed + 0.02, "why": ""}
''',
    },
    "choose_exploration": {
        "the most discovery, ignoring the budget": '''
def choose_exploration(rows, ctr_loss_budget):
    return float(max(rows, key=lambda r: r["items_ever_clicked"])["exploration"])
''',
        "never explores": '''
def choose_exploration(rows, ctr_loss_budget):
    return 0.0
''',
        "the smallest exploration that costs anything": '''
def choose_exploration(rows, ctr_loss_budget):
    return float(min(r["exploration"] for r in rows if r["exploration"] > 0))
''',
    },
    "min_detectable_lift": {
        "counts every list as independent (no design effect)": '''
def min_detectable_lift(baseline_ctr, users_per_arm, lists_per_user, icc, lifts, alpha=0.05, power=0.8):
    for lift in sorted(lifts):
        if abtest.sample_size_per_arm(baseline_ctr, lift, alpha, power, relative=True) <= users_per_arm * lists_per_user:
            return lift
    return None
''',
        "counts users only (one observation per user)": '''
def min_detectable_lift(baseline_ctr, users_per_arm, lists_per_user, icc, lifts, alpha=0.05, power=0.8):
    for lift in sorted(lifts):
        if abtest.sample_size_per_arm(baseline_ctr, lift, alpha, power, relative=True) <= users_per_arm:
            return lift
    return None
''',
        "multiplies by the design effect instead of dividing": '''
def min_detectable_lift(baseline_ctr, users_per_arm, lists_per_user, icc, lifts, alpha=0.05, power=0.8):
    effective = users_per_arm * lists_per_user * (1 + (lists_per_user - 1) * icc)
    for lift in sorted(lifts):
        if abtest.sample_size_per_arm(baseline_ctr, lift, alpha, power, relative=True) <= effective:
            return lift
    return None
''',
        "keeps the lifts in the given order": '''
def min_detectable_lift(baseline_ctr, users_per_arm, lists_per_user, icc, lifts, alpha=0.05, power=0.8):
    effective = users_per_arm * lists_per_user / (1 + (lists_per_user - 1) * icc)
    for lift in lifts:
        if abtest.sample_size_per_arm(baseline_ctr, lift, alpha, power, relative=True) <= effective:
            return lift
    return None
''',
        "drops alpha and power": '''
def min_detectable_lift(baseline_ctr, users_per_arm, lists_per_user, icc, lifts, alpha=0.05, power=0.8):
    effective = users_per_arm * lists_per_user / (1 + (lists_per_user - 1) * icc)
    for lift in sorted(lifts):
        if abtest.sample_size_per_arm(baseline_ctr, lift, relative=True) <= effective:
            return lift
    return None
''',
    },
    "quiz_recsys": {
        "ships the deepest pool": '''
def quiz_recsys():
    return {"q1": "a", "q2": "a", "q3": "c", "q4": "a"}
''',
        "the old key (b-c-a-b)": '''
def quiz_recsys():
    return {"q1": "b", "q2": "c", "q3": "a", "q4": "b"}
''',
        "blames position bias for the design effect": '''
def quiz_recsys():
    return {"q1": "c", "q2": "a", "q3": "c", "q4": "b"}
''',
    },
}
