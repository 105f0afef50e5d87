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
    "tokens_per_month": {
        "counts one retrieved chunk, not all of them": '''
def tokens_per_month(requests_per_day, system_tokens, question_tokens, chunks, chunk_tokens, answer_tokens, days=30):
    n = requests_per_day * days
    return {"input": (system_tokens + question_tokens + chunk_tokens) * n, "output": answer_tokens * n}
''',
        "forgets the days in the month": '''
def tokens_per_month(requests_per_day, system_tokens, question_tokens, chunks, chunk_tokens, answer_tokens, days=30):
    n = requests_per_day
    return {"input": (system_tokens + question_tokens + chunks * chunk_tokens) * n, "output": answer_tokens * n}
''',
        "counts the answer as input too": '''
def tokens_per_month(requests_per_day, system_tokens, question_tokens, chunks, chunk_tokens, answer_tokens, days=30):
    n = requests_per_day * days
    return {"input": (system_tokens + question_tokens + chunks * chunk_tokens + answer_tokens) * n,
            "output": answer_tokens * n}
''',
        "forgets the system prompt": '''
def tokens_per_month(requests_per_day, system_tokens, question_tokens, chunks, chunk_tokens, answer_tokens, days=30):
    n = requests_per_day * days
    return {"input": (question_tokens + chunks * chunk_tokens) * n, "output": answer_tokens * n}
''',
        "uses a hard-coded 30 days": '''
def tokens_per_month(requests_per_day, system_tokens, question_tokens, chunks, chunk_tokens, answer_tokens, days=30):
    n = requests_per_day * 30
    return {"input": (system_tokens + question_tokens + chunks * chunk_tokens) * n, "output": answer_tokens * n}
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
    "optimised_cost": {
        "ignores the cache hit rate": '''
def optimised_cost(cost_large, cost_small, hard_fraction, cache_hit_rate):
    return hard_fraction * cost_large + (1 - hard_fraction) * cost_small
''',
        "multiplies by the hit rate instead of the miss rate": '''
def optimised_cost(cost_large, cost_small, hard_fraction, cache_hit_rate):
    return cache_hit_rate * (hard_fraction * cost_large + (1 - hard_fraction) * cost_small)
''',
        "sends the hard questions to the small model": '''
def optimised_cost(cost_large, cost_small, hard_fraction, cache_hit_rate):
    return (1 - cache_hit_rate) * (hard_fraction * cost_small + (1 - hard_fraction) * cost_large)
''',
        "forgets the small model's cost": '''
def optimised_cost(cost_large, cost_small, hard_fraction, cache_hit_rate):
    return (1 - cache_hit_rate) * hard_fraction * cost_large
''',
    },
    "vector_storage_bytes": {
        "counts float32 as 8 bytes (that is float64)": '''
def vector_storage_bytes(n_vectors, dim, dtype="float32", overhead_per_vector=0):
    size = {"float32": 8, "float16": 2, "int8": 1}[dtype]
    return n_vectors * (dim * size + overhead_per_vector)
''',
        "forgets the index overhead": '''
def vector_storage_bytes(n_vectors, dim, dtype="float32", overhead_per_vector=0):
    size = {"float32": 4, "float16": 2, "int8": 1}[dtype]
    return n_vectors * dim * size
''',
        "adds the overhead once, not per vector": '''
def vector_storage_bytes(n_vectors, dim, dtype="float32", overhead_per_vector=0):
    size = {"float32": 4, "float16": 2, "int8": 1}[dtype]
    return n_vectors * dim * size + overhead_per_vector
''',
        "ignores the dtype (always 4 bytes)": '''
def vector_storage_bytes(n_vectors, dim, dtype="float32", overhead_per_vector=0):
    return n_vectors * (dim * 4 + overhead_per_vector)
''',
        "counts bits instead of bytes": '''
def vector_storage_bytes(n_vectors, dim, dtype="float32", overhead_per_vector=0):
    bits = {"float32": 32, "float16": 16, "int8": 8}[dtype]
    return n_vectors * (dim * bits + overhead_per_vector)
''',
    },
    "max_answer_tokens": {
        "forgets the time to the first token": '''
import math
def max_answer_tokens(budget_s, embed_s, retrieve_s, rerank_s, first_token_s, tokens_per_s):
    return max(0, math.floor((budget_s - embed_s - retrieve_s - rerank_s) * tokens_per_s))
''',
        "rounds to nearest instead of down": '''
def max_answer_tokens(budget_s, embed_s, retrieve_s, rerank_s, first_token_s, tokens_per_s):
    return max(0, round((budget_s - embed_s - retrieve_s - rerank_s - first_token_s) * tokens_per_s))
''',
        "goes negative when over budget": '''
import math
def max_answer_tokens(budget_s, embed_s, retrieve_s, rerank_s, first_token_s, tokens_per_s):
    return math.floor(round((budget_s - embed_s - retrieve_s - rerank_s - first_token_s) * tokens_per_s, 9))
''',
        "divides by the token rate instead of multiplying": '''
import math
def max_answer_tokens(budget_s, embed_s, retrieve_s, rerank_s, first_token_s, tokens_per_s):
    return max(0, math.floor((budget_s - embed_s - retrieve_s - rerank_s - first_token_s) / tokens_per_s))
''',
        "returns a float of seconds left, not tokens": '''
def max_answer_tokens(budget_s, embed_s, retrieve_s, rerank_s, first_token_s, tokens_per_s):
    return max(0.0, budget_s - embed_s - retrieve_s - rerank_s - first_token_s)
''',
    },
    "workers_needed": {
        "rounds down": '''
import math
def workers_needed(peak_qps, tokens_per_request, tokens_per_s_per_worker, utilisation=0.7):
    return math.floor(peak_qps * tokens_per_request / (tokens_per_s_per_worker * utilisation))
''',
        "off by one: int() + 1 adds a worker on exact multiples": '''
def workers_needed(peak_qps, tokens_per_request, tokens_per_s_per_worker, utilisation=0.7):
    return int(peak_qps * tokens_per_request / (tokens_per_s_per_worker * utilisation)) + 1
''',
        "forgets the utilisation target": '''
import math
def workers_needed(peak_qps, tokens_per_request, tokens_per_s_per_worker, utilisation=0.7):
    return math.ceil(peak_qps * tokens_per_request / tokens_per_s_per_worker)
''',
        "multiplies by the utilisation instead of dividing": '''
import math
def workers_needed(peak_qps, tokens_per_request, tokens_per_s_per_worker, utilisation=0.7):
    return math.ceil(round(peak_qps * tokens_per_request * utilisation / tokens_per_s_per_worker, 9))
''',
        "rounds to nearest": '''
def workers_needed(peak_qps, tokens_per_request, tokens_per_s_per_worker, utilisation=0.7):
    return round(peak_qps * tokens_per_request / (tokens_per_s_per_worker * utilisation))
''',
    },
    "complete_design": {
        "leaves the design unchanged": '''
my_design = INCOMPLETE.copy()
''',
        "adds monitoring and evaluation nodes but connects nothing": '''
my_design = INCOMPLETE.copy()
my_design.add("metrics", "monitoring")
my_design.add("evals", "evaluation")
''',
        "evaluation results go nowhere (the loop is not closed)": '''
my_design = INCOMPLETE.copy()
my_design.add("metrics", "monitoring")
my_design.add("evals", "evaluation")
my_design.connect("api", "metrics")
my_design.connect("llm", "evals", "answers")
''',
        "monitoring fed only by the customer": '''
my_design = INCOMPLETE.copy()
my_design.add("metrics", "monitoring")
my_design.add("evals", "evaluation")
my_design.connect("customer", "metrics", "page views")
my_design.connect("llm", "evals", "answers")
my_design.connect("evals", "api", "new prompt")
''',
        "rebuilds a smaller design without retrieval": '''
from aisd import design as _d
my_design = _d.Design(
    nodes={"customer": "client", "api": "service", "llm": "llm", "logs": "storage",
           "metrics": "monitoring", "evals": "evaluation"},
    edges=[("customer", "api"), ("api", "llm"), ("llm", "api"), ("api", "customer"), ("api", "logs"),
           ("api", "metrics"), ("logs", "evals"), ("evals", "api")])
''',
    },
    "tradeoffs": {
        "fills nothing (the template)": '''
DECISIONS = ["chunk size", "hybrid search", "re-ranking", "caching"]
TRADEOFFS = {decision: {"choice": "", "pays": "", "at_10x": "", "at_100x": ""} for decision in DECISIONS}
''',
        "one-word answers": '''
DECISIONS = ["chunk size", "hybrid search", "re-ranking", "caching"]
TRADEOFFS = {d: {"choice": "yes", "pays": "latency", "at_10x": "more", "at_100x": "much more"} for d in DECISIONS}
''',
        "same answer at 10x and 100x": '''
DECISIONS = ["chunk size", "hybrid search", "re-ranking", "caching"]
TRADEOFFS = {d: {"choice": f"use {d} as usual here", "pays": f"{d} adds latency and cost",
                 "at_10x": "add more machines behind a balancer", "at_100x": "add more machines behind a balancer"}
             for d in DECISIONS}
''',
        "the same text for every decision": '''
DECISIONS = ["chunk size", "hybrid search", "re-ranking", "caching"]
TRADEOFFS = {d: {"choice": "the standard choice for this system", "pays": "some latency and some cost",
                 "at_10x": "add replicas of each service", "at_100x": "shard the data across machines"}
             for d in DECISIONS}
''',
        "'pays' names no cost": '''
DECISIONS = ["chunk size", "hybrid search", "re-ranking", "caching"]
TRADEOFFS = {d: {"choice": f"we use {d} in the usual way", "pays": f"nothing much for {d} really",
                 "at_10x": f"keep {d} as it is now", "at_100x": f"rethink {d} from the start"} for d in DECISIONS}
''',
        "forgets caching": '''
DECISIONS = ["chunk size", "hybrid search", "re-ranking", "caching"]
TRADEOFFS = {d: {"choice": f"we use {d} in the usual way", "pays": f"{d} costs latency and money",
                 "at_10x": f"keep {d} as it is now", "at_100x": f"rethink {d} from the start"} for d in DECISIONS[:3]}
''',
    },
}
