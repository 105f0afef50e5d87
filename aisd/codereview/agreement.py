"""Agreement between samples, a third gate on the LLM's comments: ask the same review again with sampling
(temperature, another seed; :func:`aisd.toolkit.answer_store.request_key`'s ``sample``) and keep a finding of the
greedy review only when enough of the answers point at the same place (same file, within ``window`` lines). A
defect the model really sees tends to come back; a guess moves around.

The sampled reviews of the pull requests whose seeded bug the tests miss (and of their clean twins: the
false alarms) are stored in :data:`STORE` by ``aisd precompute 07 samples``, held-out problems first.

>>> greedy = [{"path": "a.py", "line": 10}, {"path": "a.py", "line": 30}]
>>> samples = [[{"path": "a.py", "line": 11}], [{"path": "a.py", "line": 9}, {"path": "a.py", "line": 2}]]
>>> [f["line"] for f in agreed(greedy, samples, min_votes=3)]
[10]
>>> [f["line"] for f in agreed(greedy, samples, min_votes=1)]
[10, 30]
"""
from __future__ import annotations

from pathlib import Path

from aisd.core import paths
from aisd.codereview import llmreview
from aisd.codereview.evaluate import WINDOW
from aisd.toolkit import answer_store

STORE = paths.DATASETS / "code_review" / "llm_samples.jsonl"
SAMPLES = (1, 2)          # two sampled answers beside the greedy one: votes out of 3


def load_store(path: str | Path = STORE, tier: str | None = None) -> answer_store.Store:
    """The stored sampled reviews (the small model's unless ``tier`` says otherwise)."""
    return answer_store.Store(path, tier=tier)


def sampled(pr: dict, store: answer_store.Store, samples=SAMPLES, live: bool = True) -> list[list[dict]] | None:
    """The findings of each sampled review of ``pr`` (:func:`llmreview.to_findings`), or ``None`` when one is not
    stored and ``live`` is off."""
    messages = llmreview.messages_for(pr["diff"])
    requests = {n: store.request(messages, llmreview.MAX_TOKENS, llmreview.FINDINGS_SCHEMA, n) for n in samples}
    if not live and not all(r.stored for r in requests.values()):
        return None
    return [llmreview.to_findings(store.answer(r, label=f"{pr['pr_id']}#{n}", pr_id=pr["pr_id"])["text"], pr)
            for n, r in requests.items()]


def votes(finding: dict, greedy: list[dict], samples: list[list[dict]], window: int = WINDOW) -> int:
    """How many of the answers (the greedy one, which holds ``finding``, and each sample) point within ``window``
    lines of ``finding`` in its file."""
    near = lambda answer: any(f["path"] == finding["path"] and abs(int(f["line"]) - int(finding["line"])) <= window
                              for f in answer)
    return 1 + sum(near(answer) for answer in samples) if finding in greedy else sum(near(a) for a in samples)


def agreed(greedy: list[dict], samples: list[list[dict]], min_votes: int = 2, window: int = WINDOW) -> list[dict]:
    """The greedy review's findings that at least ``min_votes`` of the answers (greedy + samples) agree on."""
    return [f for f in greedy if votes(f, greedy, samples, window) >= min_votes]


def order(prs: list[dict]) -> list[dict]:
    """The pull requests to sample: both PRs (buggy and clean twin) of every problem whose seeded bug the tests
    miss, held-out problems first, then tuning ones (:func:`llmreview.interleaved` order within each)."""
    from aisd.codereview.testrun import load_runs

    runs = load_runs()
    missed = {p["task_id"] for p in prs if p["label"] == "bug" and runs[p["pr_id"]]["after"]["ok"]}
    chosen = [p for p in llmreview.interleaved(prs, first=missed) if p["task_id"] in missed]
    return sorted(chosen, key=lambda p: p["split"] != "heldout")
