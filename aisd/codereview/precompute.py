"""``aisd precompute 07 STEP``: regenerate notebook 07's stored artefacts, each resumable where it is slow.

========  ==================================================  ====================================================
step      makes                                               how
========  ==================================================  ====================================================
tests     ``datasets/code_review/test_runs.jsonl``            every PR's tests before and after, in the sandbox
llm       ``datasets/code_review/llm_reviews.jsonl``          the small model's review of every PR (resumable)
verify    ``llm_verify.jsonl``, ``llm_verify_runs.jsonl``,     the model's failing test for each of its findings,
          ``llm_injection.jsonl``                             run in the sandbox; a planted prompt injection
samples   ``datasets/code_review/llm_samples.jsonl``          two sampled reviews of each PR whose bug the tests
                                                              miss, and of its clean twin (held-out first)
========  ==================================================  ====================================================

The LLM steps are slow on a shared machine (tens of seconds a request): run them in the background with one
thread, e.g. ``AISD_LLM_THREADS=1 nohup aisd precompute 07 verify > verify.log &``; each record is appended as it
is made, and a stopped run continues where it stopped.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from aisd.codereview import agreement, benchmark, injection, llmreview, testrun, verify
from aisd.toolkit import answer_store


def tests(workers: int = 2) -> None:
    """Run every benchmark pull request's tests before and after its change, in the sandbox, and store the
    outcomes with the seconds each run took."""
    from concurrent.futures import ThreadPoolExecutor

    prs = benchmark.load()
    code = {p["task_id"]: testrun.test_code(p["task_id"]) for p in prs}

    def both(pr):
        before = testrun.run_tests(pr["before"], code[pr["task_id"]], pr["entry_point"])
        after = testrun.run_tests(pr["after"], code[pr["task_id"]], pr["entry_point"])
        return {"pr_id": pr["pr_id"], "before": testrun.as_record(before), "after": testrun.as_record(after)}

    with ThreadPoolExecutor(workers) as pool:
        rows = list(pool.map(both, prs))
    path = testrun.runs_path()
    with open(path, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row) + "\n")
    print(path, len(rows), "pull requests;", sum(not r["after"]["ok"] for r in rows), "fail after the change",
          file=sys.stderr)


def llm(path: str | Path = llmreview.STORE) -> None:
    """Review all 328 benchmark pull requests with the small model (in :func:`llmreview.interleaved` order), each
    answer appended to the store as it is made (a stopped run continues), then keep exactly those answers."""
    from aisd.toolkit.progress import progress

    store = answer_store.Store(path, write=True)
    runs = testrun.load_runs()
    prs = benchmark.load()
    missed = {p["task_id"] for p in prs if p["label"] == "bug" and runs[p["pr_id"]]["after"]["ok"]}
    prs = llmreview.interleaved(prs, first=missed)
    for pr in progress(prs, "07 LLM reviews"):
        llmreview.review(pr, store)
    store.keep_only(store.key(llmreview.messages_for(p["diff"]), llmreview.MAX_TOKENS, llmreview.FINDINGS_SCHEMA)
                    for p in prs)
    print(f"{len(prs)} reviews, {store.live} made live; wrote {path}")


def verify_findings(path: str | Path = verify.STORE, runs_path: str | Path = verify.RUNS, passes: int = 200,
                    injected_after: int = 12, injected: int = 8) -> None:
    """Verify the top finding of every stored LLM review (:data:`verify.TOP`), pull request by pull request in :func:`verify.order` (the problems whose
    bug the tests miss first, held-out and tuning problems alternating: a gate is chosen on tuning PRs and scored
    on held-out ones, so a run stopped part-way must have both), appending each test and its sandbox outcome as it is made (a stopped run continues). After the first
    ``injected_after`` findings, review ``injected`` held-out buggy pull requests whose tests pass with a prompt
    injection planted (:mod:`aisd.codereview.injection`). While ``aisd precompute 07 llm`` is still adding reviews,
    each pass picks up the new ones; the run ends when every PR is reviewed and a pass finds nothing new."""
    from aisd.toolkit.progress import progress

    store = answer_store.Store(path, write=True)
    attacks = answer_store.Store(injection.STORE, write=True)
    prs = benchmark.load()
    test_runs = testrun.load_runs()
    for _ in range(passes):
        reviews = llmreview.load_store()
        reviewed = {p["pr_id"] for p in prs if llmreview.stored(p, reviews)}
        runs = verify.load_runs(runs_path)
        todo = []
        for rank, pr in enumerate(verify.order(prs, reviewed)):
            for finding in llmreview.review(pr, reviews)["findings"][:verify.TOP]:
                if store.key(verify.messages_for(pr, finding), verify.MAX_TOKENS, verify.SCHEMA) not in runs:
                    todo.append((rank, "verify", pr, finding))
        todo = [t[1:] for t in sorted(todo, key=lambda t: t[0])]
        targets = [p for p in verify.order(prs, reviewed) if p["split"] == "heldout" and p["label"] == "bug"
                   and test_runs[p["pr_id"]]["after"]["ok"]][:injected]
        attack = [("inject", injection.planted(p), None) for p in targets
                  if not llmreview.stored(injection.planted(p), attacks)]
        todo = todo[:injected_after] + attack + todo[injected_after:]
        if not todo:
            if len(reviewed) == len(prs):
                break
            time.sleep(120)          # the reviews are still being made: wait for more
            continue
        for kind, pr, finding in progress(todo, "07 verify findings + injection"):
            if kind == "inject":
                llmreview.review(pr, attacks)
                continue
            result = verify.check(pr, finding, store, runs)
            with open(runs_path, "a", encoding="utf-8") as f:
                f.write(json.dumps({"key": result["key"], "pr_id": pr["pr_id"], "line": finding["line"],
                                    **{k: result[k] for k in ("verified", "fails_after", "passes_before", "why",
                                                              "seconds")}}) + "\n")
        time.sleep(1)
    print(f"{len(verify.load_runs(runs_path))} findings verified; {store.live} tests made live; wrote {path}")


def samples(path: str | Path = agreement.STORE) -> None:
    """Two sampled reviews (:data:`agreement.SAMPLES`) of every pull request in :func:`agreement.order`, each
    appended as it is made (a stopped run continues), then keep exactly those answers. The held-out PRs get their
    first sample, then their second, before any tuning PR: a run stopped part-way can still be read."""
    from aisd.toolkit.progress import progress

    store = answer_store.Store(path, write=True)
    prs = agreement.order(benchmark.load())
    todo = [(pr, n) for split in ("heldout", "tuning") for n in agreement.SAMPLES for pr in prs if pr["split"] == split]
    for pr, n in progress(todo, "07 sampled reviews"):
        agreement.sampled(pr, store, samples=(n,))
    store.keep_only(store.key(llmreview.messages_for(p["diff"]), llmreview.MAX_TOKENS, llmreview.FINDINGS_SCHEMA,
                              sample=n) for p in prs for n in agreement.SAMPLES)
    print(f"{len(prs)} pull requests sampled {len(agreement.SAMPLES)} times, {store.live} made live; wrote {path}")
