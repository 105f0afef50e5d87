"""The code-review benchmark: for each HumanEval problem, one pull request with a seeded bug (kind and
line known) and one clean, behaviour-preserving pull request, as unified diffs. Deterministic.

Regenerate ``datasets/code_review/benchmark.jsonl`` with::

    python -m aisd.codereview.benchmark

>>> prs = build()
>>> len(prs), sum(p["label"] == "bug" for p in prs)
(328, 164)
>>> bug = prs[0]
>>> bug["pr_id"], bug["kind"], bug["bug_line"] in changed_lines(bug["diff"])[bug["path"]]
('HE000-bug', 'wrong_operator', True)
"""
from __future__ import annotations

import json
import random
import sys
from collections import Counter
from pathlib import Path

from aisd.core import paths
from aisd.codereview.data import load_problems, source_of, split_of
from aisd.codereview.diffs import changed_lines, make_diff
from aisd.codereview.mutations import BUG_OPERATORS, add_comment, rename_variable

BENCHMARK = paths.DATASETS / "code_review" / "benchmark.jsonl"
SEED = 7


def _candidates(lines: list[str], first: int, entry_point: str) -> dict[str, list[tuple[int, str]]]:
    """{kind: [(line index, new line), ...]} for every operator that applies somewhere."""
    out: dict[str, list[tuple[int, str]]] = {}
    for kind, operator in BUG_OPERATORS.items():
        if kind == "mutable_default":
            spots = [i for i, line in enumerate(lines[:first]) if line.startswith(f"def {entry_point}(")]
        else:
            spots = range(first, len(lines))
        for i in spots:
            new = operator(lines[i])
            if new is not None and new != lines[i]:
                out.setdefault(kind, []).append((i, new))
    return out


def _record(problem: dict, label: str, kind: str, before: str, after_lines: list[str], bug_line: int | None) -> dict:
    number = int(problem["task_id"].split("/")[1])
    path = f"he_{number:03d}.py"
    after = "\n".join(after_lines) + "\n"
    return {"pr_id": f"HE{number:03d}-{label}", "task_id": problem["task_id"], "split": split_of(problem["task_id"]),
            "label": label, "kind": kind, "path": path, "bug_line": bug_line, "entry_point": problem["entry_point"],
            "before": before, "after": after, "diff": make_diff(before, after, path)}


def build(seed: int = SEED) -> list[dict]:
    """Two pull requests per problem (see the module). The bug kind is the least used so far among
    those that apply to the problem (ties broken by a seeded draw), so kinds stay balanced."""
    rng = random.Random(seed)
    used: Counter = Counter()
    prs = []
    for problem in load_problems():
        before = source_of(problem).rstrip("\n") + "\n"
        lines = before.splitlines()
        first = len(problem["prompt"].rstrip("\n").splitlines())
        options = _candidates(lines, first, problem["entry_point"])
        fewest = min(used[k] for k in options)
        kind = rng.choice(sorted(k for k in options if used[k] == fewest))
        used[kind] += 1
        index, new = rng.choice(options[kind])
        prs.append(_record(problem, "bug", kind, before, lines[:index] + [new] + lines[index + 1:], index + 1))
        renamed = rename_variable(lines, first) if rng.random() < 0.5 else None
        clean = renamed or add_comment(lines, first)
        prs.append(_record(problem, "clean", "rename" if renamed else "comment", before, clean, None))
    return prs


def save(prs: list[dict], path: str | Path = BENCHMARK) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for pr in prs:
            f.write(json.dumps(pr, ensure_ascii=False) + "\n")
    return path


def load(path: str | Path = BENCHMARK) -> list[dict]:
    """The committed benchmark (one pull request a line, as :func:`build` makes them)."""
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


if __name__ == "__main__":
    prs = build()
    print(save(prs), len(prs), "pull requests;", dict(Counter(p["kind"] for p in prs)), file=sys.stderr)
