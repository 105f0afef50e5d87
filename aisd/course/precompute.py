"""``aisd precompute NN [STEP]``: regenerate a notebook's committed artefacts (stored LLM answers, model runs).

Each step is a module's regeneration function; every one is resumable (its records are written as they are
made, and a run that was stopped continues where it stopped) and prints progress with an ETA
(:func:`aisd.toolkit.progress.progress`). The steps and
what they make are listed by ``aisd precompute --list``; ``datasets/README.md`` says how long each took.

The LLM steps use the ``small`` tier (:data:`aisd.runtime.models.STORED_TIER`): run ``aisd llm fetch small``
first. On 2 quiet cores it makes ~25 tokens/s; on a busy machine ten times fewer, so run them in the
background (``nohup aisd precompute 07 > precompute-07.log &``) and commit the files they write.

>>> [s.step for s in STEPS["07"]]
['tests', 'llm', 'verify', 'samples']
"""
from __future__ import annotations

import dataclasses
import importlib
import inspect
import time

from aisd.core.errors import AisdError


@dataclasses.dataclass(frozen=True)
class Step:
    notebook: str
    step: str
    target: str        # "module:function" called with no argument
    makes: str         # what it writes
    llm: bool = False  # needs the small model's server


STEPS: dict[str, list[Step]] = {}
for _step in [
    Step("02", "answers", "aisd.rag.precompute:main", "datasets/pydoc_qa/answers.jsonl (tiny and small)", llm=True),
    Step("02", "tiers", "aisd.rag.precompute:judge_tiers",
         "datasets/pydoc_qa/tier_judgements.jsonl (both tiers' stored answers judged as 02 does; read by 01)"),
    Step("03", "runs", "aisd.agents.precompute:runs", "datasets/research_tasks/runs_small.jsonl (held-out first)",
         llm=True),
    Step("03", "multi", "aisd.agents.precompute:multi",
         "datasets/research_tasks/runs_multi.jsonl (multi-agent on multi-hop tasks, held-out first)", llm=True),
    Step("04", "seeds", "aisd.fraud.precompute:seeds", "datasets/creditcard_fraud/simulated_seeds.csv (5 simulator seeds)"),
    Step("05", "scores", "aisd.moderation.precompute:minilm", "datasets/tweeteval/minilm_*"),
    Step("05", "llm", "aisd.moderation.llm_stage:store_answers", "datasets/tweeteval/llm_answers.jsonl (small; tiny in two wordings)", llm=True),
    Step("06", "answers", "aisd.legal.precompute:answers", "datasets/eu_law_qa/llm_answers.jsonl (held-out first)",
         llm=True),
    Step("06", "vectors", "aisd.legal.vectors:write",
         "datasets/eu_law_qa/chunk_vectors.npz (chunks, questions, answers' sentences: after 06 answers)"),
    Step("07", "tests", "aisd.codereview.precompute:tests", "datasets/code_review/test_runs.jsonl"),
    Step("07", "llm", "aisd.codereview.precompute:llm", "datasets/code_review/llm_reviews.jsonl", llm=True),
    Step("07", "verify", "aisd.codereview.precompute:verify_findings",
         "datasets/code_review/llm_verify*.jsonl, llm_injection.jsonl (the LLM's failing tests; a planted injection)",
         llm=True),
    Step("07", "samples", "aisd.codereview.precompute:samples",
         "datasets/code_review/llm_samples.jsonl (two sampled reviews of each PR whose bug the tests miss, and its twin)",
         llm=True),
    Step("08", "features", "aisd.multimodal.precompute:main", "datasets/multimodal/features.npz"),
    Step("08", "video", "aisd.multimodal.precompute:main_video", "datasets/multimodal/video.npz (frames of 120 clips)"),
    Step("10", "audio", "aisd.meetings.precompute:main", "datasets/meetings/precomputed/"),
    Step("10", "captions", "aisd.meetings.streaming:main",
         "datasets/meetings/precomputed/caption_runs.jsonl (live-caption runs timed in CPU s, clean meetings + noise)"),
    Step("10", "notes", "aisd.meetings.notes:main", "datasets/meetings/llm_answers.jsonl", llm=True),
    Step("11", "vectors", "aisd.resilience.precompute:vectors",
         "datasets/resilience/cache_vectors.npz, distill_vectors.npz (MiniLM vectors: the cache's questions, "
         "the posts of the distilled classifier; no LLM)"),
    Step("11", "runs", "aisd.resilience.precompute:main", "datasets/resilience/*.json (load and fault runs, both tiers)",
         llm=True),
    Step("11", "truncation", "aisd.resilience.precompute_load:truncation",
         "datasets/resilience/truncated_streams.json (streams cut mid-answer, naive vs checked client; tiny)"),
    Step("11", "service", "aisd.resilience.precompute_load:service",
         "datasets/resilience/service_load.json (02's RAG service under load, 1-8 in flight; tiny)"),
    Step("11", "replicas", "aisd.resilience.precompute_load:replicas",
         "datasets/resilience/replicas_load.json (tiny server throughput, one vs two processes)"),
]:
    STEPS.setdefault(_step.notebook, []).append(_step)


def steps(notebook: str, step: str | None = None) -> list[Step]:
    """The steps of ``notebook`` (``"07"`` or ``"07_code_review_agent"``), or the one named ``step``."""
    nn = notebook[:2]
    if nn not in STEPS:
        raise AisdError(f"notebook {notebook!r} has no precompute step; these do: {', '.join(STEPS)}")
    chosen = [s for s in STEPS[nn] if step in (None, s.step)]
    if not chosen:
        raise AisdError(f"notebook {nn} has no step {step!r}; its steps: {', '.join(s.step for s in STEPS[nn])}")
    return chosen


def run(notebook: str, step: str | None = None) -> None:
    """Run the steps of ``notebook`` in order (the LLM steps check first that the small model is there)."""
    from aisd.runtime import models

    for s in steps(notebook, step):
        if s.llm:
            problem = models.verified(models.models_dir() / models.TIERS["small"].file_name, models.TIERS["small"])
            if problem:
                raise AisdError(problem)
        module, function = s.target.split(":")
        started = time.monotonic()
        print(f"== {s.notebook} {s.step}: {s.makes}", flush=True)
        fn = getattr(importlib.import_module(module), function)
        fn([]) if "argv" in inspect.signature(fn).parameters else fn()    # not the `aisd` command's own argv
        print(f"== {s.notebook} {s.step} done in {time.monotonic() - started:.0f} s", flush=True)
