"""Right answers to the decisions of 01_requirements_estimation written another valid way: each must earn every
point (the mirror of tests/wrong_answers). Two different valid methods for each decision."""

RIGHT_ANSWERS = {
    "break_even_requests_per_day": {
        "the last volume where the API is cheaper, found per GPU step and checked with the cost function": '''
def break_even_requests_per_day(api_usd_per_request, gpu_usd_per_hour, requests_per_s_per_gpu, peak_factor,
                                utilisation=0.7, min_gpus=2):
    carried = requests_per_s_per_gpu * utilisation * 86_400 / peak_factor     # requests/day one GPU carries at the peak
    gpu_day = 24 * gpu_usd_per_hour
    if gpu_day >= carried * api_usd_per_request:
        return None                                   # each GPU added costs more than the requests it carries
    own = lambda v: estimate.self_host_usd_per_day(v, gpu_usd_per_hour, requests_per_s_per_gpu, peak_factor,
                                                   utilisation, min_gpus)
    # Past n GPUs with (n - 1) * carried >= n * gpu_day / api, every step starts where GPUs already win.
    last_step = math.ceil(carried / (carried - gpu_day / api_usd_per_request)) + max(1, min_gpus) + 1
    worst = -1                                        # the largest volume at which the API is cheaper
    for n in range(max(1, min_gpus), last_step + 1):
        top = math.floor(n * carried)                 # about the largest volume n GPUs carry
        line = math.ceil(n * gpu_day / api_usd_per_request) - 1    # below this volume, n GPUs cost more
        for v in range(max(0, min(top, line) - 2), min(top, line) + 3):
            if own(v) > v * api_usd_per_request + 1e-12:
                worst = max(worst, v)
    return worst + 1
''',
        "bisection on the first volume after which the API is never cheaper again": '''
def break_even_requests_per_day(api_usd_per_request, gpu_usd_per_hour, requests_per_s_per_gpu, peak_factor,
                                utilisation=0.7, min_gpus=2):
    per_gpu = requests_per_s_per_gpu * utilisation * 86_400 / peak_factor
    day = 24 * gpu_usd_per_hour
    if day >= per_gpu * api_usd_per_request:
        return None
    steps_to_check = math.ceil(per_gpu / (per_gpu - day / api_usd_per_request)) + max(1, min_gpus) + 1

    def api_cheaper_somewhere_from(v):
        # within a step the API is dearest-relative at the step's first volume: check each step's first volume >= v
        first_n = max(min_gpus, 1, math.ceil(round(v / per_gpu, 9)))
        for n in range(first_n, max(first_n, steps_to_check) + 1):
            start = v if n == first_n else math.floor(round((n - 1) * per_gpu, 6)) + 1
            if start <= math.floor(round(n * per_gpu, 6)) and start * api_usd_per_request < n * day - 1e-12:
                return True
        return False
    lo, hi = 0, 1
    while api_cheaper_somewhere_from(hi):
        hi *= 2
    while lo < hi:                                   # the smallest v with no cheaper API at v or above
        mid = (lo + hi) // 2
        if api_cheaper_somewhere_from(mid):
            lo = mid + 1
        else:
            hi = mid
    return lo
''',
    },
}
RIGHT_ANSWERS["fallbacks_needed"] = {
    "every subset, the cheapest that reaches the target (ties: fewer components)": '''
def fallbacks_needed(target, chain, fallbacks):
    names = sorted(c for c in fallbacks if c in chain)
    plans = []
    for mask in range(2 ** len(names)):
        chosen = {n for i, n in enumerate(names) if mask >> i & 1}
        up = 1.0
        for c, a in chain.items():
            up *= 1 - (1 - a) * (1 - fallbacks[c][0]) if c in chosen else a
        if up >= target:
            plans.append((sum(fallbacks[c][1] for c in chosen), len(chosen), chosen))
    return min(plans, key=lambda p: p[:2])[2] if plans else None
''',
    "branch and bound: include or skip each fallback, cut branches that cannot beat the best price": '''
def fallbacks_needed(target, chain, fallbacks):
    names = [c for c in fallbacks if c in chain]
    best = {"cost": float("inf"), "plan": None}

    def availability(chosen):
        return reliability.chain_availability(
            reliability.with_fallback(a, fallbacks[c][0]) if c in chosen else a for c, a in chain.items())

    def search(i, chosen, cost):
        if cost > best["cost"] + 1e-12:
            return
        if availability(chosen | set(names[i:])) < target:
            return                                    # even every remaining fallback cannot reach the target
        if availability(chosen) >= target:
            if cost < best["cost"] - 1e-12 or (abs(cost - best["cost"]) <= 1e-12 and len(chosen) < len(best["plan"])):
                best["cost"], best["plan"] = cost, set(chosen)
            return
        if i == len(names):
            return
        search(i + 1, chosen | {names[i]}, cost + fallbacks[names[i]][1])
        search(i + 1, chosen, cost)

    search(0, set(), 0.0)
    return best["plan"]
''',
}
RIGHT_ANSWERS["what_breaks"] = {
    "one margin per choice (requirement minus what the choice needs), broken when negative": '''
def what_breaks(req):
    b = drills.BASELINE
    tokens_in = req.system_tokens + req.question_tokens + req.retrieved_chunks * req.chunk_tokens
    per_request = (tokens_in * b["model"]["input_per_1m"] + req.answer_tokens * b["model"]["output_per_1m"]) / 1e6
    margins = {
        "model": req.monthly_budget_usd - per_request * req.requests_per_day * 30,
        "rate_limit": b["rate_limit"]["requests_per_s"] - req.requests_per_day * req.peak_factor / 86_400,
        "prompt": req.first_token_budget_s - (b["prompt"]["first_token_overhead_s"] + tokens_in / b["prompt"]["prefill_tokens_per_s"]),
        "index": req.retrieval_budget_ms - (b["index"]["embed_ms"] + b["index"]["ms_per_10k_vectors"] * req.chunks / 10_000),
        "cache": req.max_staleness_hours - b["cache"]["ttl_hours"],
    }
    return {name for name, margin in margins.items() if margin < -1e-9}
''',
    "the changed requirements, each traced to the choice that serves it": '''
def what_breaks(req):
    b = drills.BASELINE
    prompt = req.system_tokens + req.question_tokens + req.retrieved_chunks * req.chunk_tokens
    broken = set()
    monthly = 30 * req.requests_per_day * (prompt * b["model"]["input_per_1m"] + req.answer_tokens * b["model"]["output_per_1m"]) / 1e6
    if monthly / req.monthly_budget_usd > 1 + 1e-12:
        broken.add("model")
    if req.requests_per_day / 86_400 * req.peak_factor / b["rate_limit"]["requests_per_s"] > 1 + 1e-12:
        broken.add("rate_limit")
    if (b["prompt"]["first_token_overhead_s"] + prompt / b["prompt"]["prefill_tokens_per_s"]) / req.first_token_budget_s > 1 + 1e-12:
        broken.add("prompt")
    if (req.chunks / 10_000 * b["index"]["ms_per_10k_vectors"] + b["index"]["embed_ms"]) / req.retrieval_budget_ms > 1 + 1e-12:
        broken.add("index")
    if b["cache"]["ttl_hours"] / req.max_staleness_hours > 1 + 1e-12:
        broken.add("cache")
    return broken
''',
}
RIGHT_ANSWERS["availability_target"] = {
    "99.5 %: the human desk covers the rest": '''
def availability_target():
    return 0.995, "a human agent desk answers while it is down; 3.6 h a month is acceptable and needs one fallback only"
''',
    "99.95 %: the first line of support for every customer": '''
def availability_target():
    return 0.9995, "it is the first line of support: 22 min down a month at most, and every fallback costs under $500"
''',
}
