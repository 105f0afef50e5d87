"""Plausible wrong answers for 11_scale_cost_reliability (each replaces the whole answer cell)."""
WRONG_ANSWERS = {
    "choose_retry_policy": {
        "no retries, a generous timeout (the default client)": '''
def choose_retry_policy(tuning_trace, p99_budget_s, availability_target):
    return {"timeout_s": 10.0, "retries": 0, "backoff_s": 0.0}
''',
        "retries, but a timeout longer than the stalls": '''
def choose_retry_policy(tuning_trace, p99_budget_s, availability_target):
    return {"timeout_s": 10.0, "retries": 3, "backoff_s": 0.1}
''',
        "the textbook backoff: 1 s, doubling": '''
def choose_retry_policy(tuning_trace, p99_budget_s, availability_target):
    return {"timeout_s": 1.0, "retries": 3, "backoff_s": 1.0}
''',
        "maximises availability and ignores the p99 budget": '''
def choose_retry_policy(tuning_trace, p99_budget_s, availability_target):
    best, best_avail = None, -1.0
    for timeout_s in (0.5, 1.0, 2.0, 5.0, 10.0):
        for retries in range(6):
            s = replay.score(tuning_trace, timeout_s, retries, 0.1)
            if s["availability"] > best_avail:
                best, best_avail = {"timeout_s": timeout_s, "retries": retries, "backoff_s": 0.1}, s["availability"]
    return best
''',
        "minimises p99 and ignores availability": '''
def choose_retry_policy(tuning_trace, p99_budget_s, availability_target):
    ok = sorted(s for k, s in tuning_trace if k == "ok")
    return {"timeout_s": ok[len(ok) // 2], "retries": 0, "backoff_s": 0.0}
''',
        "the timeout at the median ok call, so half the good calls time out": '''
def choose_retry_policy(tuning_trace, p99_budget_s, availability_target):
    ok = sorted(s for k, s in tuning_trace if k == "ok")
    return {"timeout_s": ok[len(ok) // 2], "retries": 3, "backoff_s": 0.02}
''',
    },
    "replicas_for": {
        "takes the highest throughput whatever its latency": '''
def replicas_for(target_qps, curve_rows, p95_budget_s, headroom=0.7):
    return int(np.ceil(target_qps / (max(r["throughput_rps"] for r in curve_rows) * headroom)))
''',
        "forgets the headroom": '''
def replicas_for(target_qps, curve_rows, p95_budget_s, headroom=0.7):
    usable = [r["throughput_rps"] for r in curve_rows if r["p95_s"] <= p95_budget_s]
    if not usable:
        raise ValueError("none")
    return int(np.ceil(target_qps / max(usable)))
''',
        "rounds to the nearest instead of up": '''
def replicas_for(target_qps, curve_rows, p95_budget_s, headroom=0.7):
    usable = [r["throughput_rps"] for r in curve_rows if r["p95_s"] <= p95_budget_s]
    if not usable:
        raise ValueError("none")
    return max(1, round(target_qps / (max(usable) * headroom)))
''',
        "multiplies by the headroom instead of dividing": '''
def replicas_for(target_qps, curve_rows, p95_budget_s, headroom=0.7):
    usable = [r["throughput_rps"] for r in curve_rows if r["p95_s"] <= p95_budget_s]
    if not usable:
        raise ValueError("none")
    return int(np.ceil(target_qps * headroom / max(usable)))
''',
        "sizes from one request at a time (the first row), whatever the budget": '''
def replicas_for(target_qps, curve_rows, p95_budget_s, headroom=0.7):
    return int(np.ceil(target_qps / (curve_rows[0]["throughput_rps"] * headroom)))
''',
    },
    "resilience_quiz": {
        "retries fix outages, every error is worth retrying": '''
def resilience_quiz():
    return {"q1": "d", "q2": "abcd", "q3": "b", "q4": "a"}
''',
        "right but for the select-all question": '''
def resilience_quiz():
    return {"q1": "c", "q2": "d", "q3": "b", "q4": "a"}
''',
        "p99 is about the median": '''
def resilience_quiz():
    return {"q1": "c", "q2": "bd", "q3": "b", "q4": "b"}
''',
    },
}

WRONG_ANSWERS["availability_target"] = {
    "promises 100 %": '''
def availability_target(tuning_trace, p99_budget_s):
    return 1.0
''',
    "a percentage instead of a share": '''
def availability_target(tuning_trace, p99_budget_s):
    return 99.5
''',
    "promises all the tuning trace shows, with no margin for what it cannot show": '''
def availability_target(tuning_trace, p99_budget_s):
    best = 0.99
    for target in (0.99, 0.995, 0.999, 0.9995, 0.9999):
        try:
            decisions.choose_retry_policy(tuning_trace, p99_budget_s, target)
        except replay.NoPolicyError:
            break
        best = target
    return best
''',
    "below 99 % (more than 7 hours down a month)": '''
def availability_target(tuning_trace, p99_budget_s):
    return 0.98
''',
}

WRONG_ANSWERS["choose_cache_threshold"] = {
    "threshold 0: every question is treated as a paraphrase of every other": '''
def choose_cache_threshold(tuning_pairs, wrong_hit_budget):
    return 0.0
''',
    "exact match only (1.0): no wrong hit, and none of the semantic hits": '''
def choose_cache_threshold(tuning_pairs, wrong_hit_budget):
    return 1.0
''',
    "maximises hits on the tuning traffic and ignores the budget": '''
def choose_cache_threshold(tuning_pairs, wrong_hit_budget):
    rows = semcache.sweep(TUNING_STREAM, np.arange(0.5, 1.0001, 0.01))
    return max(rows, key=lambda r: r["hit_rate"])["threshold"]
''',
    "the lowest threshold within the budget on one day of tuning traffic, with no margin": '''
def choose_cache_threshold(tuning_pairs, wrong_hit_budget):
    for r in semcache.sweep(TUNING_STREAM, np.round(np.arange(0.5, 1.0001, 0.01), 2)):
        if r["wrong_hit_rate"] <= wrong_hit_budget:
            return r["threshold"]
    return 1.0
''',
    "no wrong hit on the tuning traffic (it only shows the close pairs that were popular that day)": '''
def choose_cache_threshold(tuning_pairs, wrong_hit_budget):
    for r in semcache.sweep(TUNING_STREAM, np.round(np.arange(0.5, 1.0001, 0.01), 2)):
        if r["wrong_hits"] == 0:
            return r["threshold"]
    return 1.0
''',
    "chosen on the held-out traffic the notebook shows (the best in hindsight on one day)": '''
def choose_cache_threshold(tuning_pairs, wrong_hit_budget):
    for r in semcache.sweep(HELD_OUT_STREAM, np.round(np.arange(0.5, 1.0001, 0.01), 2)):
        if r["wrong_hit_rate"] <= wrong_hit_budget:
            return r["threshold"]
    return 1.0
''',
    "the budget read as a quantile of the different-question similarities": '''
def choose_cache_threshold(tuning_pairs, wrong_hit_budget):
    other = tuning_pairs.loc[~tuning_pairs["same_question"], "similarity"]
    return float(np.quantile(other, 1 - wrong_hit_budget))
''',
}
