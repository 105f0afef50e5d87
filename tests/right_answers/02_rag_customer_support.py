"""Right answers to the decisions of 02_rag_customer_support written another valid way: each must earn every point
(the mirror of tests/wrong_answers). At least two different valid methods for each decision, and another
requirement a candidate could defend."""

RIGHT_ANSWERS = {
    "retrieval_budget_ms": {
        "a quarter of the first-token budget, from the LLM's share": '''
def retrieval_budget_ms():
    return 500, "the LLM needs at least 1.5 s of the 2 s to read ~600 prompt tokens and start; retrieval gets the rest"
''',
        "a tight budget just above the measured hybrid search": '''
def retrieval_budget_ms():
    return 100.0, "hybrid search takes a few ms here; 100 ms leaves headroom for load and the LLM keeps 1.9 s"
''',
    },
    "choose_rerank_depth": {
        "the best nDCG within budget, ties to the deeper depth (another tie rule)": '''
def choose_rerank_depth(rows, budget_ms):
    fits = [r for r in rows if r["p95_ms"] <= budget_ms]
    if not fits:
        return 0
    return int(max(fits, key=lambda r: (r["ndcg@10"], r["depth"]))["depth"])
''',
        "re-rank only for a gain larger than noise (paired bootstrap over the questions)": '''
def choose_rerank_depth(rows, budget_ms):
    base = next((r for r in rows if r["depth"] == 0), None)
    best_depth, best_gain = 0, 0.0
    rng = np.random.default_rng(0)
    for r in rows:
        if r["depth"] == 0 or r["p95_ms"] > budget_ms:
            continue
        if base is None:                          # nothing to compare with: take the best that fits
            gain, sure = r["ndcg@10"], True
        elif "ndcg@10 per question" in r and "ndcg@10 per question" in base:
            d = np.asarray(r["ndcg@10 per question"]) - np.asarray(base["ndcg@10 per question"])
            means = d[rng.integers(0, len(d), (1000, len(d)))].mean(axis=1)
            gain, sure = d.mean(), np.quantile(means, 0.025) > 0
        else:                                     # means only (rows written by hand): a gain of 0.005 or more
            gain = r["ndcg@10"] - base["ndcg@10"]
            sure = gain >= 0.005
        if sure and gain > best_gain:
            best_depth, best_gain = int(r["depth"]), gain
    return best_depth
''',
    },
    "choose_threshold": {
        "the largest of the equally cheap thresholds (another tie rule)": '''
import math

def choose_threshold(top_scores, answer_ok, wrong_cost, escalation_cost):
    s, ok = np.asarray(top_scores, dtype=float), np.asarray(answer_ok, dtype=bool)
    cands = sorted(set(s.tolist())) + [math.inf]
    costs = [((s < t) * escalation_cost + ((s >= t) & ~ok) * wrong_cost).mean() for t in cands]
    best = min(costs)
    return [t for t, c in zip(cands, costs) if abs(c - best) < 1e-12][-1]
''',
        "the break-even probability: answer when P(ok | score) >= 1 - escalation/wrong (isotonic fit)": '''
import math
from sklearn.isotonic import IsotonicRegression

def choose_threshold(top_scores, answer_ok, wrong_cost, escalation_cost):
    # Answering costs wrong_cost * (1 - p), escalating costs escalation_cost: answer when p >= 1 - escalation/wrong.
    s, ok = np.asarray(top_scores, dtype=float), np.asarray(answer_ok, dtype=float)
    p = IsotonicRegression(y_min=0, y_max=1, out_of_bounds="clip").fit(s, ok).predict(s)
    answer = s[p >= 1 - escalation_cost / wrong_cost]
    return float(answer.min()) if answer.size else math.inf
''',
    },
    "choose_cache_threshold": {
        "the midpoint below the lowest safe similarity (a margin toward more hits)": '''
import math

def choose_cache_threshold(similarities, same_answer, max_wrong_rate):
    s, same = np.asarray(similarities, dtype=float), np.asarray(same_answer, dtype=bool)
    cands = sorted(set(s[~np.isnan(s)].tolist()))
    for i, t in enumerate(cands):
        if ((s >= t) & ~same).sum() / len(s) <= max_wrong_rate:
            return (t + cands[i - 1]) / 2 if i > 0 else t
    return math.inf
''',
        "scan from the most similar down, stop before the budget breaks": '''
import math

def choose_cache_threshold(similarities, same_answer, max_wrong_rate):
    pairs = sorted(((x, y) for x, y in zip(similarities, same_answer) if not math.isnan(x)), reverse=True)
    n, wrong, chosen = len(similarities), 0, math.inf
    i = 0
    while i < len(pairs):
        j = i
        while j < len(pairs) and pairs[j][0] == pairs[i][0]:    # all requests at this similarity hit together
            wrong += not pairs[j][1]
            j += 1
        if wrong / n > max_wrong_rate:
            break
        chosen, i = pairs[i][0], j
    return chosen
''',
    },
    "quiz_rag": {
        "capitals and punctuation around the letters": '''
def quiz_rag():
    return {"q1": "B", "q2": "(c)", "q3": " b.", "q4": "A"}
''',
    },
}
