"""The LLM as a reviewer: it reads the diff (its lines numbered, since a model cannot count lines) and
answers with findings as JSON that fits :data:`FINDINGS_SCHEMA` (file, line, severity, category,
message, suggested fix), constrained by the runtime's grammar so the JSON is always valid.

Answers are stored by request (model, messages, ``max_tokens``, schema): the notebook reads the stored
review of every benchmark diff instead of waiting for the local model; a changed prompt is a new
request and goes to the model live. Regenerate the store with::

    AISD_HOME=... python -m aisd.codereview.llmreview

>>> print(numbered_diff("--- a/m.py\\n+++ b/m.py\\n@@ -1,2 +1,2 @@\\n a = 1\\n-b = 2\\n+b = 3\\n"))
file m.py
   1   a = 1
       -b = 2
   2 + b = 3
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from .. import answer_store, paths
from .diffs import HUNK

STORE = paths.DATASETS / "code_review" / "llm_reviews.jsonl"
MAX_TOKENS = 160
LLM_HELDOUT_PROBLEMS = 16
LLM_TUNING_PROBLEMS = 8
SYSTEM = ("You review a pull request to a Python file. Find the line the change broke: a bug (wrong "
          "comparison, wrong operator, off-by-one, wrong return value, swapped arguments, lost condition, "
          "mutable default argument) or a security problem (eval, shell=True). Use the line numbers shown "
          "on the left. Report at most two findings, the most serious first; report none if the change is safe.")
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
            "suggested_fix": {"type": "string", "maxLength": 60}},
        "required": ["file", "line", "severity", "category", "message", "suggested_fix"]}}},
    "required": ["findings"]}


def numbered_diff(diff: str) -> str:
    """The diff as the model reads it: the new file's line number before each kept or added line."""
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


def request_key(model: str, messages: list[dict], max_tokens: int) -> str:
    """The stored review's key: the course's request key (:func:`aisd.answer_store.request_key`) with the schema."""
    return answer_store.request_key(model, messages, max_tokens, schema=FINDINGS_SCHEMA)


def load_store(path: str | Path = STORE) -> dict[str, dict]:
    """The stored reviews, ``{key: record}`` (:func:`aisd.answer_store.load`)."""
    return answer_store.load(path)


def review(client, model: str, pr: dict, store: dict[str, dict]) -> dict:
    """The LLM's review of one pull request: ``{"findings": [...], "prompt_tokens", "completion_tokens",
    "seconds", "stored"}`` (from the store when this exact request was made before)."""
    messages = messages_for(pr["diff"])
    key = request_key(model, messages, MAX_TOKENS)
    if key not in store:
        t = time.perf_counter()
        reply = client.chat.completions.create(
            model=model, messages=messages, max_tokens=MAX_TOKENS, temperature=0,
            response_format={"type": "json_object", "schema": FINDINGS_SCHEMA})
        store[key] = {"key": key, "pr_id": pr["pr_id"], "model": model, "text": reply.choices[0].message.content or "",
                      "prompt_tokens": reply.usage.prompt_tokens, "completion_tokens": reply.usage.completion_tokens,
                      "seconds": round(time.perf_counter() - t, 3)}
        record = {**store[key], "stored": False}
    else:
        record = {**store[key], "stored": True}
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
                    "suggested_fix": item.get("suggested_fix", "")})
    return out


def subset(prs: list[dict], heldout_problems: int = LLM_HELDOUT_PROBLEMS,
           tuning_problems: int = LLM_TUNING_PROBLEMS) -> list[dict]:
    """The pull requests the LLM reviews (both PRs of the first problems of each split, held-out first):
    the local model takes tens of seconds per review on a busy 2-core machine, so not all 328.

    >>> from aisd.codereview.benchmark import build
    >>> chosen = subset(build())
    >>> len(chosen), sum(p["split"] == "heldout" for p in chosen)
    (48, 32)
    """
    out = []
    for split, n in (("heldout", heldout_problems), ("tuning", tuning_problems)):
        tasks = list(dict.fromkeys(p["task_id"] for p in prs if p["split"] == split))[:n]
        out += [p for p in prs if p["task_id"] in tasks]
    return out


def main(path: str | Path = STORE) -> None:
    """Review the :func:`subset` of the benchmark with the local model, saving after each new answer."""
    from ..runtime import llm
    from .benchmark import load

    client, model = llm.client(local=True, timeout=600), llm.model_name(local=True)
    store = load_store(path)
    prs = subset(load())
    wanted = [k for k in store if k in {request_key(model, messages_for(p["diff"]), MAX_TOKENS) for p in prs}]
    for pr in prs:
        result = review(client, model, pr, store)
        key = request_key(model, messages_for(pr["diff"]), MAX_TOKENS)
        if key not in wanted:
            wanted.append(key)
        if not result["stored"]:
            with open(path, "w", encoding="utf-8") as f:
                for k in wanted:
                    f.write(json.dumps(store[k]) + "\n")
        print(pr["pr_id"], "stored" if result["stored"] else f"{result['seconds']:.1f} s", len(result["findings"]),
              file=sys.stderr, flush=True)
    with open(path, "w", encoding="utf-8") as f:
        for k in wanted:
            f.write(json.dumps(store[k]) + "\n")


if __name__ == "__main__":
    main()
