"""``aisd precompute 11 truncation|service|replicas``: notebook 11's longer runs on the tiny tier, stored under
``datasets/resilience/`` like the others (one JSON file each, with ``meta``: made when, how long, the load
average at the start, the cores; a stored file is skipped, delete it to redo it). Every server, proxy and
load run is bounded and stops by itself.

- ``truncation``: ``truncated_streams.json``, streamed answers cut mid-way at several rates, naive vs checked;
- ``service``: ``service_load.json``, notebook 02's RAG service under load, 1 to 8 requests in flight;
- ``replicas``: ``replicas_load.json``, the tiny server's throughput against concurrency with one and with two
  server processes (llama-cpp-python's server has no parallel slots: a second process is the only second slot).
"""
from __future__ import annotations

from aisd.resilience import experiments, load
from aisd.resilience.precompute import OUT, _part
from aisd.runtime import llm, server

SERVICE_LEVELS = (1, 2, 4, 8)
SERVICE_MAX_TOKENS = 32          # a short cited answer; the prompt is notebook 02's (3 passages of 400 characters)
REPLICA_LEVELS = (1, 2, 4, 8)
#: Questions whose answers take more than a few tokens, so a stream cut after two events is cut mid-answer.
STREAM_QUESTIONS = [f"In two sentences: why is {thing}?" for thing in
                    ("the sky blue", "grass green", "snow white", "coal black", "a banana yellow", "blood red",
                     "an orange orange", "the sea blue")]
STREAM_MAX_TOKENS = 24


def service_questions(n: int = 48) -> list[str]:
    """Notebook 02's held-out questions (the first ``n``, in file order): what the service is asked."""
    from aisd.rag.data import load_split, question_ids
    data = load_split("heldout")
    return [data.queries[q] for q in question_ids("heldout")[:n]]


def truncation() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    url = server.ensure_server("tiny")["base_url"]
    _part("truncated_streams", lambda: {
        "truncate_after": 2, "max_tokens": STREAM_MAX_TOKENS, "requests_per_cell": len(STREAM_QUESTIONS) * 3,
        "rows": experiments.truncation_matrix(url, [0.1, 0.3, 0.5], STREAM_QUESTIONS * 3, retries=3,
                                              truncate_after=2, seed=11, max_tokens=STREAM_MAX_TOKENS, bound_s=180)})


def service() -> None:
    from aisd.resilience.service import RagService, pydoc_retriever
    OUT.mkdir(parents=True, exist_ok=True)
    url = server.ensure_server("tiny")["base_url"]

    def make():
        questions, retriever = service_questions(), pydoc_retriever()
        with RagService(retriever, url, llm.model_name(tier="tiny"), max_tokens=SERVICE_MAX_TOKENS,
                        lifetime_s=1800) as s:
            levels = [load.measure_service(s.url, questions, c, requests=max(8, 2 * c), bound_s=300)
                      for c in SERVICE_LEVELS]      # bound generously: a busy machine takes ~10 s a request
        return {"max_tokens": SERVICE_MAX_TOKENS, "k": s.k, "config": s.config, "questions": len(questions),
                "slots": 1, "levels": levels}
    _part("service_load", make)


def replicas() -> None:
    from aisd.resilience.servers import Disposable
    OUT.mkdir(parents=True, exist_ok=True)

    def make():
        out = {}
        with Disposable("tiny", lifetime_s=1200) as a, Disposable("tiny", lifetime_s=1200) as b:
            for name, urls in (("1 server", [a.base_url]), ("2 servers", [a.base_url, b.base_url])):
                out[name] = [load.measure(c, max(24, 3 * c), max_tokens=16, bound_s=60, base_url=urls)
                             for c in REPLICA_LEVELS]
        return {"threads_per_server": server.threads(), "max_tokens": 16, "curves": out}
    _part("replicas_load", make)


def main() -> None:
    truncation()
    service()
    replicas()


if __name__ == "__main__":
    main()
