"""Back-of-the-envelope estimates for an AI system design: load, tokens, cost, storage, latency, workers.

The reference answers of notebook 01's exercises, so later notebooks (and a learner who skipped
one) can use them. Each is one line of arithmetic: the skill is knowing which line.

>>> from aisd import estimate
>>> round(estimate.peak_qps(daily_users=100_000, requests_per_user=5, peak_factor=3), 1)
17.4
>>> estimate.vector_storage_bytes(1_000_000, 384, "float16") / 1e6      # MB
768.0
"""
from __future__ import annotations

import math

SECONDS_PER_DAY = 86_400
BYTES_PER_VALUE = {"float32": 4, "float16": 2, "int8": 1}


def peak_qps(daily_users: float, requests_per_user: float, peak_factor: float) -> float:
    """Requests per second at the busiest moment: the daily mean rate times the peak factor.

    >>> peak_qps(86_400, 1, 2)
    2.0
    """
    return daily_users * requests_per_user / SECONDS_PER_DAY * peak_factor


def tokens_per_request(system_tokens: int, question_tokens: int, chunks: int, chunk_tokens: int,
                       answer_tokens: int) -> dict:
    """Input tokens (system prompt + question + retrieved chunks) and output tokens of one RAG request.

    >>> tokens_per_request(200, 30, 5, 250, 150)
    {'input': 1480, 'output': 150}
    """
    return {"input": system_tokens + question_tokens + chunks * chunk_tokens, "output": answer_tokens}


def tokens_per_month(requests_per_day: float, system_tokens: int, question_tokens: int, chunks: int,
                     chunk_tokens: int, answer_tokens: int, days: int = 30) -> dict:
    """Input and output tokens of a month of requests.

    >>> tokens_per_month(1000, 200, 30, 5, 250, 150, days=30)
    {'input': 44400000, 'output': 4500000}
    """
    one = tokens_per_request(system_tokens, question_tokens, chunks, chunk_tokens, answer_tokens)
    return {k: round(v * requests_per_day * days) for k, v in one.items()}


def monthly_cost(input_tokens: float, output_tokens: float, input_per_1m: float, output_per_1m: float) -> float:
    """USD for the tokens at list prices given per 1 million tokens (input and output priced apart).

    >>> monthly_cost(44_400_000, 4_500_000, 0.15, 0.60)      # gpt-4o-mini as of 2025-11-25
    9.36
    """
    return input_tokens / 1e6 * input_per_1m + output_tokens / 1e6 * output_per_1m


def optimised_cost(cost_large: float, cost_small: float, hard_fraction: float, cache_hit_rate: float) -> float:
    """Monthly cost with a response cache and model tiering.

    ``cost_large`` / ``cost_small``: the month's cost if *every* request went to the large / small
    model. Cache hits cost nothing; of the misses, ``hard_fraction`` go to the large model.

    >>> optimised_cost(1000.0, 100.0, hard_fraction=0.2, cache_hit_rate=0.3)
    196.0
    """
    return (1 - cache_hit_rate) * (hard_fraction * cost_large + (1 - hard_fraction) * cost_small)


def vector_storage_bytes(n_vectors: int, dim: int, dtype: str = "float32", overhead_per_vector: float = 0) -> float:
    """Bytes to hold ``n_vectors`` embeddings of ``dim`` values, plus an index's bytes per vector.

    >>> vector_storage_bytes(1000, 384, "int8", overhead_per_vector=256)
    640000
    """
    return n_vectors * (dim * BYTES_PER_VALUE[dtype] + overhead_per_vector)


def hnsw_overhead_per_vector(m: int) -> int:
    """Bytes of graph links per vector in an HNSW index with ``m`` neighbours: 2m int32 ids at level 0.

    (Upper levels add about 1/m of that; FAISS also keeps a level and an offset per vector.)

    >>> hnsw_overhead_per_vector(32)
    256
    """
    return 2 * m * 4


def max_answer_tokens(budget_s: float, embed_s: float, retrieve_s: float, rerank_s: float,
                      first_token_s: float, tokens_per_s: float) -> int:
    """How many answer tokens fit in the latency budget after the other stages (0 if none fit).

    >>> max_answer_tokens(2.0, 0.02, 0.03, 0.15, 0.3, 50)
    75
    """
    left = budget_s - embed_s - retrieve_s - rerank_s - first_token_s
    return max(0, math.floor(round(left * tokens_per_s, 9)))


def workers_needed(peak_qps: float, tokens_per_request: float, tokens_per_s_per_worker: float,
                   utilisation: float = 0.7) -> int:
    """Workers (CPU processes or GPUs) to generate the peak token rate, each kept at ``utilisation``.

    >>> workers_needed(2, 300, 100, utilisation=0.75)
    8
    """
    return math.ceil(round(peak_qps * tokens_per_request / (tokens_per_s_per_worker * utilisation), 9))
