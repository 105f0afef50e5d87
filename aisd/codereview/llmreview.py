"""The LLM as a reviewer: it reads the diff (its lines numbered, since a model cannot count lines) and
answers with findings as JSON that fits :data:`FINDINGS_SCHEMA` (file, line, severity, category,
message, suggested fix), constrained by the runtime's grammar so the JSON is always valid.

Answers are stored by request (model, messages, ``max_tokens``, schema; :class:`aisd.toolkit.answer_store.Store`): the
notebook reads the small model's stored review of every one of the 328 benchmark diffs instead of waiting for a
local model; a changed prompt is a new request and goes to the live model. Regenerate the store with
``aisd precompute 07 llm`` (resumable).

>>> print(numbered_diff("--- a/m.py\\n+++ b/m.py\\n@@ -1,2 +1,2 @@\\n a = 1\\n-b = 2\\n+b = 3\\n"))
file m.py
   1   a = 1
       -b = 2
   2 + b = 3
"""
from __future__ import annotations

import json
from pathlib import Path

from aisd.toolkit import answer_store

from aisd.core import paths
from aisd.codereview.diffs import HUNK

STORE = paths.DATASETS / "code_review" / "llm_reviews.jsonl"
MAX_TOKENS = 200
SYSTEM = ("You review a pull request to a Python file. Find the line the change broke: a bug (wrong "
          "comparison, wrong operator, off-by-one, wrong return value, swapped arguments, lost condition, "
          "mutable default argument) or a security problem (eval, shell=True). Use the line numbers shown "
          "on the left. Report at most two findings, the most serious first, each with how confident you are that "
          "it is a real defect; report none if the change is safe.")
FINDINGS_SCHEMA = {
    "type": "object",
    "properties": {"findings": {"type": "array", "maxItems": 2, "items": {
        "type": "object",
        "properties": {
            "file": {"type": "string", "maxLength": 20},
            "line": {"type": "integer", "minimum": 1, "maximum": 99},
            "severity": {"enum": ["low", "medium", "high"]},
            "category": {"enum": ["bug", "security", "style"]},
            "message": {"type": "string", "maxLength": 100},
            "suggested_fix": {"type": "string", "maxLength": 60},
            "confidence": {"enum": ["low", "medium", "high"]}},
        "required": ["file", "line", "severity", "category", "message", "suggested_fix", "confidence"]}}},
    "required": ["findings"]}


def numbered_diff(diff: str) -> str:
    """The diff as the model reads it: the new file's line number before each kept or added line.

    Part of the reference answer of notebook 07, exercise ``ex_changed_lines``: its ``+`` rows carry exactly the
    numbers that exercise asks for, so it is switched off while that exercise is graded."""
    out, line = [], 0
    for text in diff.splitlines():
        if text.startswith("+++ "):
            out.append("file " + text[4:].strip().removeprefix("b/"))
        elif text.startswith("--- "):
            continue
        elif HUNK.match(text):
            line = int(HUNK.match(text).group(1))
        elif text.startswith("+"):
            out.append(f"{line:4d} + {text[1:]}")
            line += 1
        elif text.startswith("-"):
            out.append(f"       -{text[1:]}")
        else:
            out.append(f"{line:4d}   {text[1:]}")
            line += 1
    return "\n".join(out)


def messages_for(diff: str) -> list[dict]:
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": numbered_diff(diff)}]


def load_store(path: str | Path = STORE, tier: str | None = None) -> answer_store.Store:
    """The stored reviews (:class:`aisd.toolkit.answer_store.Store`; the small model's unless ``tier`` says otherwise)."""
    return answer_store.Store(path, tier=tier)


def stored(pr: dict, store: answer_store.Store) -> bool:
    """Is the review of ``pr`` stored (for the store's model)?"""
    return store.has(messages_for(pr["diff"]), MAX_TOKENS, FINDINGS_SCHEMA)


def review(pr: dict, store: answer_store.Store, live: bool = True) -> dict | None:
    """The LLM's review of one pull request: the stored record (``text``, ``model``, ``prompt_tokens``,
    ``completion_tokens``, ``seconds``, ``stored``) with ``findings``; a live call when it is not stored, or
    ``None`` then if ``live`` is off (the caller counts and says what it skipped). The request is built, and
    keyed, once."""
    messages = messages_for(pr["diff"])
    request = store.request(messages, MAX_TOKENS, FINDINGS_SCHEMA)
    if not live and not request.stored:
        return None
    record = store.answer(request, label=pr["pr_id"], pr_id=pr["pr_id"])
    return {**record, "findings": to_findings(record["text"], pr)}


def to_findings(text: str, pr: dict) -> list[dict]:
    """The model's JSON as findings of the common shape (a finding on another file is dropped).

    >>> to_findings('{"findings": [{"file": "x.py", "line": 3, "severity": "high", "category": "bug", '
    ...             '"message": "m", "suggested_fix": "f"}]}', {"pr_id": "p", "path": "x.py"})[0]["line"]
    3
    """
    try:
        items = json.loads(text).get("findings", [])
    except (json.JSONDecodeError, AttributeError):
        return []
    out = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("line"), int):
            continue
        out.append({"pr_id": pr["pr_id"], "path": pr["path"], "line": item["line"], "tool": "llm",
                    "code": "llm-" + str(item.get("category", "bug")), "category": item.get("category", "bug"),
                    "severity": item.get("severity", "medium"), "message": item.get("message", ""),
                    "suggested_fix": item.get("suggested_fix", ""), "confidence": item.get("confidence", "medium")})
    return out


def interleaved(prs: list[dict], first: set | None = None) -> list[dict]:
    """The pull requests in the order they are reviewed: problem by problem, alternating held-out and tuning
    problems (in proportion to their sizes), the problems in ``first`` before the others (e.g. those whose
    seeded bug the tests miss, where a reviewer earns its place), so that a run stopped part-way has reviewed
    both PRs of the first problems of both splits.

    >>> from aisd.codereview.benchmark import load
    >>> [p["split"][0] for p in interleaved(load())[:6]]
    ['h', 'h', 't', 't', 'h', 'h']
    """
    first = first or set()
    by_split = {s: sorted(dict.fromkeys(p["task_id"] for p in prs if p["split"] == s), key=lambda t: t not in first)
                for s in ("heldout", "tuning")}
    ratio = max(1, round(len(by_split["heldout"]) / max(1, len(by_split["tuning"]))))
    order, h, t = [], iter(by_split["heldout"]), iter(by_split["tuning"])
    while True:
        chunk = [x for x in [next(h, None) for _ in range(ratio)] + [next(t, None)] if x]
        if not chunk:
            break
        order += chunk
    rank = {task: i for i, task in enumerate(order)}
    return sorted(prs, key=lambda p: (rank[p["task_id"]], p["pr_id"]))
