"""Plausible wrong answers for 01_requirements_estimation (each replaces the whole answer cell)."""
WRONG_ANSWERS = {
    "peak_qps": {
        "forgets the peak factor": '''
def peak_qps(daily_users, requests_per_user, peak_factor):
    return daily_users * requests_per_user / 86_400
''',
        "divides by 3,600 (seconds in an hour) instead of 86,400": '''
def peak_qps(daily_users, requests_per_user, peak_factor):
    return daily_users * requests_per_user / 3_600 * peak_factor
''',
        "divides by the peak factor": '''
def peak_qps(daily_users, requests_per_user, peak_factor):
    return daily_users * requests_per_user / 86_400 / peak_factor
''',
        "rounds to a whole number of requests": '''
def peak_qps(daily_users, requests_per_user, peak_factor):
    return round(daily_users * requests_per_user / 86_400 * peak_factor)
''',
        "forgets requests per user": '''
def peak_qps(daily_users, requests_per_user, peak_factor):
    return daily_users / 86_400 * peak_factor
''',
    },
    "monthly_cost": {
        "prices per 1K tokens instead of per 1M": '''
def monthly_cost(input_tokens, output_tokens, input_per_1m, output_per_1m):
    return input_tokens / 1e3 * input_per_1m + output_tokens / 1e3 * output_per_1m
''',
        "uses the input price for output tokens": '''
def monthly_cost(input_tokens, output_tokens, input_per_1m, output_per_1m):
    return (input_tokens + output_tokens) / 1e6 * input_per_1m
''',
        "swaps the input and output prices": '''
def monthly_cost(input_tokens, output_tokens, input_per_1m, output_per_1m):
    return input_tokens / 1e6 * output_per_1m + output_tokens / 1e6 * input_per_1m
''',
        "forgets the output tokens": '''
def monthly_cost(input_tokens, output_tokens, input_per_1m, output_per_1m):
    return input_tokens / 1e6 * input_per_1m
''',
    },
    "break_even_requests_per_day": {
        "the first crossing with the minimum GPUs (ignores the staircase)": """
def break_even_requests_per_day(api_usd_per_request, gpu_usd_per_hour, requests_per_s_per_gpu, peak_factor,
                                utilisation=0.7, min_gpus=2):
    carried = requests_per_s_per_gpu * utilisation * 86_400 / peak_factor
    if 24 * gpu_usd_per_hour >= carried * api_usd_per_request:
        return None
    return math.ceil(min_gpus * 24 * gpu_usd_per_hour / api_usd_per_request)
""",
        "prices one GPU, forgets the minimum of two": """
def break_even_requests_per_day(api_usd_per_request, gpu_usd_per_hour, requests_per_s_per_gpu, peak_factor,
                                utilisation=0.7, min_gpus=2):
    carried = requests_per_s_per_gpu * utilisation * 86_400 / peak_factor
    if 24 * gpu_usd_per_hour >= carried * api_usd_per_request:
        return None
    return math.ceil(24 * gpu_usd_per_hour / api_usd_per_request)
""",
        "sizes the GPUs for the mean, not the peak": """
def break_even_requests_per_day(api_usd_per_request, gpu_usd_per_hour, requests_per_s_per_gpu, peak_factor,
                                utilisation=0.7, min_gpus=2):
    carried = requests_per_s_per_gpu * utilisation * 86_400
    gpu_day = 24 * gpu_usd_per_hour
    if gpu_day >= carried * api_usd_per_request:
        return None
    last_bad, n, high = -1, max(1, min_gpus), -1
    while True:
        low = 0 if n == max(1, min_gpus) else high + 1
        high = math.floor(n * carried)
        cheaper_from = math.ceil(n * gpu_day / api_usd_per_request)
        if low >= cheaper_from:
            return last_bad + 1
        last_bad = max(last_bad, min(high, cheaper_from - 1))
        n += 1
""",
        "GPUs paid 8 hours a day, not 24": """
def break_even_requests_per_day(api_usd_per_request, gpu_usd_per_hour, requests_per_s_per_gpu, peak_factor,
                                utilisation=0.7, min_gpus=2):
    carried = requests_per_s_per_gpu * utilisation * 86_400 / peak_factor
    gpu_day = 8 * gpu_usd_per_hour
    if gpu_day >= carried * api_usd_per_request:
        return None
    last_bad, n, high = -1, max(1, min_gpus), -1
    while True:
        low = 0 if n == max(1, min_gpus) else high + 1
        high = math.floor(n * carried)
        cheaper_from = math.ceil(n * gpu_day / api_usd_per_request)
        if low >= cheaper_from:
            return last_bad + 1
        last_bad = max(last_bad, min(high, cheaper_from - 1))
        n += 1
""",
        "never returns None (GPUs always win eventually)": """
def break_even_requests_per_day(api_usd_per_request, gpu_usd_per_hour, requests_per_s_per_gpu, peak_factor,
                                utilisation=0.7, min_gpus=2):
    return math.ceil(min_gpus * 24 * gpu_usd_per_hour / api_usd_per_request)
""",
    },
    "availability_target": {
        "two nines (over 7 hours down a month)": """
def availability_target():
    return 0.99, "99 % sounds high"
""",
        "five nines, which no fallback on offer reaches": """
def availability_target():
    return 0.99999, "support must never be down"
""",
        "a percentage instead of a share": """
def availability_target():
    return 99.9, "three nines"
""",
        "no reason given": """
def availability_target():
    return 0.999, ""
""",
    },
    "fallbacks_needed": {
        "a fallback for every component": """
def fallbacks_needed(target, chain, fallbacks):
    return set(fallbacks)
""",
        "only the weakest link gets a fallback": """
def fallbacks_needed(target, chain, fallbacks):
    weakest = min((c for c in chain if c in fallbacks), key=lambda c: chain[c])
    return {weakest}
""",
        "greedy: adds the cheapest fallbacks until the target is met": """
def fallbacks_needed(target, chain, fallbacks):
    chosen = set()
    for c in sorted(fallbacks, key=lambda c: fallbacks[c][1]):
        a = reliability.chain_availability(reliability.with_fallback(x, fallbacks[n][0]) if n in chosen else x
                                           for n, x in chain.items())
        if a >= target:
            return chosen
        chosen.add(c)
    a = reliability.chain_availability(reliability.with_fallback(x, fallbacks[n][0]) if n in chosen else x
                                       for n, x in chain.items())
    return chosen if a >= target else None
""",
        "fewest fallbacks, whatever they cost": """
import itertools
def fallbacks_needed(target, chain, fallbacks):
    names = [c for c in fallbacks if c in chain]
    for size in range(len(names) + 1):
        for chosen in sorted(itertools.combinations(names, size), key=lambda s: -sum(fallbacks[c][1] for c in s)):
            a = reliability.chain_availability(reliability.with_fallback(x, fallbacks[n][0]) if n in chosen else x
                                               for n, x in chain.items())
            if a >= target:
                return set(chosen)
    return None
""",
        "adds availabilities of a fallback instead of multiplying the downtimes": """
import itertools
def fallbacks_needed(target, chain, fallbacks):
    best = None
    names = [c for c in fallbacks if c in chain]
    for size in range(len(names) + 1):
        for chosen in itertools.combinations(names, size):
            a = reliability.chain_availability(min(1.0, (x + fallbacks[n][0]) / 2) if n in chosen else x
                                               for n, x in chain.items())
            cost = sum(fallbacks[c][1] for c in chosen)
            if a >= target and (best is None or cost < best[0]):
                best = (cost, set(chosen))
    return None if best is None else best[1]
""",
    },
    "what_breaks": {
        "nothing ever breaks": """
def what_breaks(req):
    return set()
""",
        "checks the rate limit against the mean, not the peak": """
def what_breaks(req):
    b = drills.BASELINE
    tokens = req.system_tokens + req.question_tokens + req.retrieved_chunks * req.chunk_tokens
    month = req.requests_per_day * 30
    bill = (tokens * month * 0.40 + req.answer_tokens * month * 1.60) / 1e6
    out = set()
    if bill > req.monthly_budget_usd: out.add("model")
    if req.requests_per_day / 86_400 > 20: out.add("rate_limit")
    if 0.25 + tokens / 4000 > req.first_token_budget_s: out.add("prompt")
    if req.chunks / 10_000 * 2 + 20 > req.retrieval_budget_ms: out.add("index")
    if 24 > req.max_staleness_hours: out.add("cache")
    return out
""",
        "checks the prompt against the full-answer budget": """
def what_breaks(req):
    tokens = req.system_tokens + req.question_tokens + req.retrieved_chunks * req.chunk_tokens
    month = req.requests_per_day * 30
    bill = (tokens * month * 0.40 + req.answer_tokens * month * 1.60) / 1e6
    out = set()
    if bill > req.monthly_budget_usd: out.add("model")
    if req.requests_per_day / 86_400 * req.peak_factor > 20: out.add("rate_limit")
    if 0.25 + tokens / 4000 > req.answer_budget_s: out.add("prompt")
    if req.chunks / 10_000 * 2 + 20 > req.retrieval_budget_ms: out.add("index")
    if 24 > req.max_staleness_hours: out.add("cache")
    return out
""",
        "forgets the retrieved chunks in the token bill": """
def what_breaks(req):
    tokens = req.system_tokens + req.question_tokens
    month = req.requests_per_day * 30
    bill = (tokens * month * 0.40 + req.answer_tokens * month * 1.60) / 1e6
    out = set()
    if bill > req.monthly_budget_usd: out.add("model")
    if req.requests_per_day / 86_400 * req.peak_factor > 20: out.add("rate_limit")
    if 0.25 + (tokens + req.retrieved_chunks * req.chunk_tokens) / 4000 > req.first_token_budget_s: out.add("prompt")
    if req.chunks / 10_000 * 2 + 20 > req.retrieval_budget_ms: out.add("index")
    if 24 > req.max_staleness_hours: out.add("cache")
    return out
""",
        "breaks at the limit too (>= instead of >)": """
def what_breaks(req):
    tokens = req.system_tokens + req.question_tokens + req.retrieved_chunks * req.chunk_tokens
    month = req.requests_per_day * 30
    bill = (tokens * month * 0.40 + req.answer_tokens * month * 1.60) / 1e6
    out = set()
    if bill >= req.monthly_budget_usd: out.add("model")
    if req.requests_per_day / 86_400 * req.peak_factor >= 20: out.add("rate_limit")
    if 0.25 + tokens / 4000 >= req.first_token_budget_s: out.add("prompt")
    if req.chunks / 10_000 * 2 + 20 >= req.retrieval_budget_ms: out.add("index")
    if 24 >= req.max_staleness_hours: out.add("cache")
    return out
""",
        "counts documents, not chunks, in the index": """
def what_breaks(req):
    tokens = req.system_tokens + req.question_tokens + req.retrieved_chunks * req.chunk_tokens
    month = req.requests_per_day * 30
    bill = (tokens * month * 0.40 + req.answer_tokens * month * 1.60) / 1e6
    out = set()
    if bill > req.monthly_budget_usd: out.add("model")
    if req.requests_per_day / 86_400 * req.peak_factor > 20: out.add("rate_limit")
    if 0.25 + tokens / 4000 > req.first_token_budget_s: out.add("prompt")
    if req.documents / 10_000 * 2 + 20 > req.retrieval_budget_ms: out.add("index")
    if 24 > req.max_staleness_hours: out.add("cache")
    return out
""",
    },
    "complete_design": {
        "returns the draft unchanged": """
def complete_design(draft):
    return draft.copy()
""",
        "labels the new parts 'm' and 'e'": """
def complete_design(draft):
    d = draft.copy()
    d.add("m", "monitoring", "m")
    d.add("s", "storage", "s")
    d.add("e", "evaluation", "e")
    d.connect("api", "m").connect("llm", "m").connect("api", "s").connect("s", "e").connect("e", "api")
    return d
""",
        "adds monitoring and evaluation nodes but connects nothing": """
def complete_design(draft):
    d = draft.copy()
    d.add("metrics", "monitoring", "metrics: latency, errors")
    d.add("evals", "evaluation", "evaluation: labelled questions")
    return d
""",
        "evaluation results go nowhere (the loop is not closed)": """
def complete_design(draft):
    d = draft.copy()
    d.add("metrics", "monitoring", "metrics: latency, errors")
    d.add("evals", "evaluation", "evaluation: labelled questions")
    d.connect("api", "metrics", "traces").connect("llm", "evals", "answers")
    return d
""",
        "monitoring fed only by the customer": """
def complete_design(draft):
    d = draft.copy()
    d.add("metrics", "monitoring", "metrics: page views")
    d.add("evals", "evaluation", "evaluation: thumbs up/down")
    d.connect("customer", "metrics", "page views").connect("llm", "evals", "answers").connect("evals", "api", "new prompt")
    return d
""",
        "changes the draft in place instead of copying it": """
def complete_design(draft):
    d = draft
    d.add("metrics", "monitoring", "metrics: latency p95, errors")
    d.add("logs", "storage", "conversation logs")
    d.add("evals", "evaluation", "evaluation: labelled questions + thumbs up/down")
    d.connect("api", "metrics", "traces").connect("api", "logs", "answers")
    d.connect("logs", "evals", "sampled answers").connect("evals", "api", "new prompt")
    return d
""",
        "rebuilds a smaller design without retrieval": """
def complete_design(draft):
    return design.Design(
        nodes={"customer": ("client", "customer"), "api": ("service", "support API"), "llm": ("llm", "LLM"),
               "logs": ("storage", "conversation logs"), "metrics": ("monitoring", "metrics: latency, errors"),
               "evals": ("evaluation", "evaluation: labelled questions")},
        edges=[("customer", "api"), ("api", "llm"), ("llm", "api"), ("api", "customer"), ("api", "logs"),
               ("api", "metrics"), ("logs", "evals"), ("evals", "api")])
""",
    },
    "estimation_quiz": {
        "sizes for the mean": """
def estimation_quiz():
    return {"q1": "a", "q2": "a", "q3": "bd", "q4": "c", "q5": "d"}
""",
        "blames the system prompt for the input bill": """
def estimation_quiz():
    return {"q1": "b", "q2": "b", "q3": "bd", "q4": "c", "q5": "d"}
""",
        "thinks a required service in series helps": """
def estimation_quiz():
    return {"q1": "b", "q2": "a", "q3": "abd", "q4": "c", "q5": "d"}
""",
        "only one letter on the select-all question": """
def estimation_quiz():
    return {"q1": "b", "q2": "a", "q3": "b", "q4": "c", "q5": "d"}
""",
        "answers at 50 % confidence": """
def estimation_quiz():
    return {"q1": "b", "q2": "a", "q3": "bd", "q4": "c", "q5": "a"}
""",
        "rate limits explain the break-even": """
def estimation_quiz():
    return {"q1": "b", "q2": "a", "q3": "bd", "q4": "b", "q5": "d"}
""",
    },
}
