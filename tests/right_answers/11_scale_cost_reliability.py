"""Right answers to 11_scale_cost_reliability written another valid way (a different search for the retry
policy, a closed-form timeout from the latency tail; replicas by counting up; upper-case quiz letters): each set's
answers run in their exercise's place in the discrimination kernel and must earn every point."""

RIGHT_ANSWERS = [{
    "ex_choose_retry_policy": '''
def choose_retry_policy(tuning_trace, p99_budget_s, availability_target):
    # Walk timeouts up through the ok calls' tail; for each, the fewest retries that reach the target.
    ok = sorted(s for kind, s in tuning_trace if kind == "ok")
    for q in (0.9, 0.95, 0.98, 0.99, 0.995):
        timeout_s = ok[int(q * (len(ok) - 1))]
        for retries in range(1, 8):
            s = replay.score(tuning_trace, timeout_s, retries, 0.01)
            if s["availability"] >= availability_target + 0.002 and s["p99_s"] <= 0.8 * p99_budget_s:
                return dict(timeout_s=timeout_s, retries=retries, backoff_s=0.01)
    return None
''',
    "ex_replicas_for": '''
import math

def replicas_for(target_qps, curve_rows, p95_budget_s, headroom=0.7):
    fitting = sorted((row for row in curve_rows if row["p95_s"] <= p95_budget_s),
                     key=lambda row: -row["throughput_rps"])
    if len(fitting) == 0:
        raise ValueError(f"nothing meets p95 <= {p95_budget_s} s")
    per_replica = fitting[0]["throughput_rps"] * headroom
    n = 1
    while n * per_replica < target_qps - 1e-9:
        n += 1
    return n
''',
    "ex_resilience_quiz": '''
def resilience_quiz():
    return {"q1": "C", "q2": "D, B", "q3": " b", "q4": "A"}
''',
}, {
    "ex_choose_retry_policy": '''
import itertools

def choose_retry_policy(tuning_trace, p99_budget_s, availability_target):
    # The most available policy whose p99 keeps a 25 % margin on the budget.
    ok = np.array([s for kind, s in tuning_trace if kind == "ok"])
    candidates = []
    for t, r, b in itertools.product(np.percentile(ok, [90, 97, 99]), range(2, 6), (0.0, 0.03)):
        s = replay.score(tuning_trace, float(t), r, b)
        if s["p99_s"] <= 0.75 * p99_budget_s:
            candidates.append((s["availability"], -s["p99_s"], {"timeout_s": float(t), "retries": r, "backoff_s": b}))
    good = [c for c in candidates if c[0] >= availability_target]
    return max(good, key=lambda c: c[:2])[2] if good else None
''',
    "ex_replicas_for": '''
def replicas_for(target_qps, curve_rows, p95_budget_s, headroom=0.7):
    best = 0.0
    for row in curve_rows:
        if row["p95_s"] <= p95_budget_s:
            best = max(best, row["throughput_rps"])
    if best == 0.0:
        raise ValueError("no concurrency level meets the budget")
    return -(-target_qps // (best * headroom)) if (target_qps / (best * headroom)) % 1 > 1e-9 else round(target_qps / (best * headroom))
''',
    "ex_resilience_quiz": '''
def resilience_quiz():
    return dict(q1="c", q2="bd", q3="B", q4="a")
''',
}]

# Two other valid ways to set the availability promise: a conservative fixed promise with its reason, and a
# promise checked on half of the tuning trace after choosing on the other half (a held-out split of its own).
RIGHT_ANSWERS.append({
    "ex_availability_target": '''
def availability_target(tuning_trace, p99_budget_s):
    return 0.99          # an internal support tool with a person behind it: 99 % (7 h a month) is enough to start
''',
})
RIGHT_ANSWERS.append({
    "ex_availability_target": '''
def availability_target(tuning_trace, p99_budget_s):
    half = len(tuning_trace) // 2
    fit, check = tuning_trace[:half], tuning_trace[half:]
    promise = 0.99
    for target in (0.99, 0.995, 0.999):
        try:
            p = decisions.choose_retry_policy(fit, p99_budget_s, target)
        except replay.NoPolicyError:
            break
        s = replay.score(check, p["timeout_s"], p["retries"], p["backoff_s"])
        if s["availability"] < target + (1 - target) / 2:       # keep half of the allowed failures in reserve
            break
        promise = target
    return promise
''',
})

# Two other valid ways to choose the cache threshold: just above the closest pair of different tuning questions,
# and the budget held against the share of different-question pairs among the pairs a threshold lets through.
RIGHT_ANSWERS.append({
    "ex_choose_cache_threshold": '''
def choose_cache_threshold(tuning_pairs, wrong_hit_budget):
    closest_other = tuning_pairs.loc[~tuning_pairs["same_question"], "similarity"].max()
    return np.float32(min(1.0, closest_other + 0.02))   # above every confusable pair seen, with room to spare (a numpy float)
''',
})
RIGHT_ANSWERS.append({
    "ex_choose_cache_threshold": '''
import math

def choose_cache_threshold(tuning_pairs, wrong_hit_budget):
    ranked = tuning_pairs.sort_values("similarity", ascending=False)
    wrong_share = (~ranked["same_question"]).cumsum() / range(1, len(ranked) + 1)
    allowed = ranked.loc[wrong_share <= wrong_hit_budget, "similarity"]
    lowest = allowed.min() if len(allowed) else 1.0
    return min(1.0, math.ceil(lowest * 100) / 100 + 0.03)
''',
})
RIGHT_ANSWERS.append({
    "ex_resilience_quiz": '''
def resilience_quiz():
    return {"q1": "C", "q2": "d, b", "q3": "B", "q4": "a)"}     # capitals, a select-all answer in another order
''',
})
