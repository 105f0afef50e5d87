"""Plausible wrong answers to the exercises of 09_recommendations: each must lose points."""

WRONG_ANSWERS = {
    "ndcg_at_k": {
        "wraps scikit-learn's ndcg_score (the oracle of the hidden tests)": '''
import numpy as np
from sklearn.metrics import ndcg_score

def ndcg_at_k(recommended, relevant, k):
    if not relevant or not recommended:
        return 0.0
    items = sorted(set(recommended) | set(relevant))
    where = {item: i for i, item in enumerate(items)}
    y_true = np.zeros((1, len(items))); y_score = np.zeros((1, len(items)))
    for item in relevant:
        y_true[0, where[item]] = 1
    for rank, item in enumerate(recommended):
        y_score[0, where[item]] = len(recommended) - rank
    return float(ndcg_score(y_true, y_score, k=k))
''',
        "recall@k instead of NDCG": '''
def ndcg_at_k(recommended, relevant, k):
    relevant = set(relevant)
    return len(relevant & set(list(recommended)[:k])) / len(relevant) if relevant else 0.0
''',
        "the ideal DCG counts every relevant item, not min(k, |relevant|)": '''
import math

def ndcg_at_k(recommended, relevant, k):
    relevant = set(relevant)
    dcg = sum(1 / math.log2(r + 1) for r, i in enumerate(list(recommended)[:k], start=1) if i in relevant)
    ideal = sum(1 / math.log2(r + 1) for r in range(1, len(relevant) + 1))
    return dcg / ideal if ideal > 0 else 0.0
''',
        "discounts by log2(rank) + 1 instead of log2(rank + 1)": '''
import math

def ndcg_at_k(recommended, relevant, k):
    relevant = set(relevant)
    dcg = sum(1 / (math.log2(r) + 1) for r, i in enumerate(list(recommended)[:k], start=1) if i in relevant)
    ideal = sum(1 / (math.log2(r) + 1) for r in range(1, min(k, len(relevant)) + 1))
    return dcg / ideal if ideal > 0 else 0.0
''',
        "ignores the cutoff k": '''
import math

def ndcg_at_k(recommended, relevant, k):
    relevant = set(relevant)
    dcg = sum(1 / math.log2(r + 1) for r, i in enumerate(recommended, start=1) if i in relevant)
    ideal = sum(1 / math.log2(r + 1) for r in range(1, min(k, len(relevant)) + 1))
    return min(dcg / ideal, 1.0) if ideal > 0 else 0.0
''',
    },
    "choose_candidate_depth": {
        "the best recall@10 within budget, ignoring the tolerance": '''
def choose_candidate_depth(rows, budget_ms, tolerance=0.005):
    fits = [r for r in rows if r["p95_ms"] <= budget_ms]
    if not fits:
        return int(min(r["depth"] for r in rows))
    return int(max(fits, key=lambda r: (r["recall@10"], -r["depth"]))["depth"])
''',
        "ignores the latency budget": '''
def choose_candidate_depth(rows, budget_ms, tolerance=0.005):
    best = max(r["recall@10"] for r in rows)
    return int(min(r["depth"] for r in rows if r["recall@10"] >= best - tolerance))
''',
        "the deepest pool within budget (more candidates can only help)": '''
def choose_candidate_depth(rows, budget_ms, tolerance=0.005):
    fits = [r for r in rows if r["p95_ms"] <= budget_ms]
    return int(max(r["depth"] for r in (fits or rows)))
''',
        "budget on p50 instead of p95": '''
def choose_candidate_depth(rows, budget_ms, tolerance=0.005):
    fits = [r for r in rows if r.get("p50_ms", r["p95_ms"]) <= budget_ms]
    if not fits:
        return int(min(r["depth"] for r in rows))
    best = max(r["recall@10"] for r in fits)
    return int(min(r["depth"] for r in fits if r["recall@10"] >= best - tolerance))
''',
        "returns 0 when nothing fits the budget": '''
def choose_candidate_depth(rows, budget_ms, tolerance=0.005):
    fits = [r for r in rows if r["p95_ms"] <= budget_ms]
    if not fits:
        return 0
    best = max(r["recall@10"] for r in fits)
    return int(min(r["depth"] for r in fits if r["recall@10"] >= best - tolerance))
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
    "min_detectable_lift": {
        "forgets the second arm (counts users per arm only once)": '''
def min_detectable_lift(baseline_ctr, daily_users, traffic_share, max_days, lifts, alpha=0.05, power=0.8):
    per_day = daily_users * traffic_share
    for lift in sorted(lifts):
        if abtest.sample_size_per_arm(baseline_ctr, lift, alpha, power, relative=True) / per_day <= max_days:
            return lift
    return None
''',
        "ignores the traffic share": '''
def min_detectable_lift(baseline_ctr, daily_users, traffic_share, max_days, lifts, alpha=0.05, power=0.8):
    for lift in sorted(lifts):
        if 2 * abtest.sample_size_per_arm(baseline_ctr, lift, alpha, power, relative=True) / daily_users <= max_days:
            return lift
    return None
''',
        "reads the lift as absolute": '''
def min_detectable_lift(baseline_ctr, daily_users, traffic_share, max_days, lifts, alpha=0.05, power=0.8):
    per_day = daily_users * traffic_share
    for lift in sorted(lifts):
        if 2 * abtest.sample_size_per_arm(baseline_ctr, lift, alpha, power) / per_day <= max_days:
            return lift
    return None
''',
        "keeps the lifts in the given order": '''
def min_detectable_lift(baseline_ctr, daily_users, traffic_share, max_days, lifts, alpha=0.05, power=0.8):
    per_day = daily_users * traffic_share
    for lift in lifts:
        if 2 * abtest.sample_size_per_arm(baseline_ctr, lift, alpha, power, relative=True) / per_day <= max_days:
            return lift
    return None
''',
        "drops alpha and power": '''
def min_detectable_lift(baseline_ctr, daily_users, traffic_share, max_days, lifts, alpha=0.05, power=0.8):
    per_day = daily_users * traffic_share
    for lift in sorted(lifts):
        if 2 * abtest.sample_size_per_arm(baseline_ctr, lift, relative=True) / per_day <= max_days:
            return lift
    return None
''',
    },
    "quiz_recsys": {
        "ships the deepest pool": '''
def quiz_recsys():
    return {"q1": "a", "q2": "c", "q3": "a", "q4": "b"}
''',
        "thinks halving the lift doubles the users": '''
def quiz_recsys():
    return {"q1": "b", "q2": "c", "q3": "a", "q4": "a"}
''',
        "item-kNN for a new title": '''
def quiz_recsys():
    return {"q1": "b", "q2": "c", "q3": "b", "q4": "b"}
''',
    },
}
