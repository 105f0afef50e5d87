"""Back-of-the-envelope estimates for an AI system design: load, tokens, cost, storage, latency, workers,
and the break-even between a hosted API and GPUs of your own.

Most are one line of arithmetic: the skill is knowing which line. Notebook 01 uses them all; two
(:func:`peak_qps`, :func:`monthly_cost`) and the break-even are also the reference answers of its
exercises, so a learner's answer that calls them scores nothing (see :mod:`aisd.toolkit.exercises`).

>>> from aisd.estimation import estimate
>>> round(estimate.peak_qps(daily_users=100_000, requests_per_user=5, peak_factor=3), 1)
17.4
>>> estimate.vector_storage_bytes(1_000_000, 384, "float16") / 1e6      # MB
768.0
"""
from __future__ import annotations

import math

from aisd.core.errors import AisdError


class EstimationError(AisdError):
    """An estimate asked for with numbers it cannot use (a negative price, an availability above 1, ...)."""


SECONDS_PER_DAY = 86_400
BYTES_PER_VALUE = {"float32": 4, "float16": 2, "int8": 1}


def peak_qps(daily_users: float, requests_per_user: float, peak_factor: float) -> float:
    """Requests per second at the busiest moment: the daily mean rate times the peak factor.

    Reference answer of notebook 01, exercise ``ex_peak_qps``.

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

    Reference answer of notebook 01, exercise ``ex_monthly_cost``.

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


def self_host_usd_per_day(requests_per_day: float, gpu_usd_per_hour: float, requests_per_s_per_gpu: float,
                          peak_factor: float, utilisation: float = 0.7, min_gpus: int = 2) -> float:
    """USD a day for GPUs of your own serving ``requests_per_day``: enough GPUs for the peak, each kept at
    ``utilisation``, never fewer than ``min_gpus`` (one is a single point of failure), paid 24 h a day.

    >>> self_host_usd_per_day(86_400, 1.0, 1.0, peak_factor=2, utilisation=0.5)    # 2 req/s at peak: 4 GPUs
    96.0
    >>> self_host_usd_per_day(0, 1.0, 1.0, peak_factor=2)                          # idle GPUs still cost
    48.0
    """
    if min(gpu_usd_per_hour, requests_per_s_per_gpu, peak_factor, utilisation) <= 0 or requests_per_day < 0:
        raise EstimationError("prices, throughput, peak factor and utilisation must be positive")
    peak = requests_per_day / SECONDS_PER_DAY * peak_factor
    gpus = max(min_gpus, math.ceil(round(peak / (requests_per_s_per_gpu * utilisation), 9)))
    return gpus * 24 * gpu_usd_per_hour


def break_even_requests_per_day(api_usd_per_request: float, gpu_usd_per_hour: float,
                                requests_per_s_per_gpu: float, peak_factor: float, utilisation: float = 0.7,
                                min_gpus: int = 2):
    """The smallest whole number of requests a day from which GPUs of your own cost no more than the API,
    at that volume *and every larger one*; ``None`` if that never happens.

    Reference answer of notebook 01, exercise ``ex_break_even_requests_per_day``.

    The API costs ``api_usd_per_request`` per request, a straight line. Self-hosting costs
    :func:`self_host_usd_per_day`, a staircase: flat while ``n`` GPUs carry the peak, one GPU-day dearer
    the request after. Just past a step the API can be cheaper again, so the first crossing is not yet
    the answer. If one GPU-day costs at least what the API charges for the requests one GPU carries,
    self-hosting never stays cheaper (``None``).

    >>> break_even_requests_per_day(0.001, 1.0, 10, peak_factor=2)      # 2 GPUs ($48/day) carry 604,800
    48000
    >>> break_even_requests_per_day(0.0001, 1.0, 10, peak_factor=2)     # thin margin: the 3rd and 4th GPU
    960000
    >>> break_even_requests_per_day(0.001, 10.0, 1, peak_factor=2) is None
    True
    """
    if min(api_usd_per_request, gpu_usd_per_hour, requests_per_s_per_gpu, peak_factor, utilisation) <= 0:
        raise EstimationError("prices, throughput, peak factor and utilisation must be positive")
    carried = requests_per_s_per_gpu * utilisation * SECONDS_PER_DAY / peak_factor   # requests/day per GPU
    gpu_day = 24 * gpu_usd_per_hour
    if gpu_day >= carried * api_usd_per_request:
        return None
    first = max(1, min_gpus)
    last_bad, n, high = -1, first, -1
    while True:
        low = 0 if n == first else high + 1                       # the volumes that need exactly n GPUs
        high = math.floor(round(n * carried, 6))
        cheaper_from = math.ceil(round(n * gpu_day / api_usd_per_request, 6))   # n GPUs <= API from here
        if low >= cheaper_from:
            return last_bad + 1                                   # this step and every later one: GPUs win
        last_bad = max(last_bad, min(high, cheaper_from - 1))
        n += 1
