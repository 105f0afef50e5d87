"""Gate the LLM's findings with evidence it cannot simply assert: for each finding, ask the model for a test that
shows the claimed bug, run that test in the sandbox on the pull request's code and on the base, and keep the
finding only when the test **fails on the change and passes on the base**.

Why this separates real findings from noise: a clean pull request here is behaviour-preserving (a rename, a
comment), so no test can pass on the base and fail on the change; only a timeout or a flaky test could verify a
finding on it. The price is recall: a bug that does not change behaviour on the inputs the model tries (an
``eval(repr(x))``, a mutable default called once) cannot be verified, and neither can a real bug the model writes a
wrong test for (a test whose expected value is wrong fails on the base too and is rejected).

The model's tests are stored like its reviews (:class:`aisd.toolkit.answer_store.Store`,
``datasets/code_review/llm_verify.jsonl``); their sandbox outcomes beside them (``llm_verify_runs.jsonl``), since
running hundreds of tests twice would not fit the notebook's time budget. Only the model's first finding (it lists
the most serious first) is verified (:data:`TOP`): one more model call per review, not per finding, and a gated
review posts at most that one finding. Regenerate both with
``aisd precompute 07 verify`` (resumable; the problems whose bug the tests miss first, held-out and tuning problems
alternating).

>>> print(claim_program("def f(x):\\n    return x + 1\\n", "assert f(1) == 2"))
def f(x):
    return x + 1
<BLANKLINE>
<BLANKLINE>
assert f(1) == 2
<BLANKLINE>
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from aisd.core import paths
from aisd.toolkit import answer_store

from aisd.codereview import llmreview
from aisd.codereview.diffs import make_diff

STORE = paths.DATASETS / "code_review" / "llm_verify.jsonl"
RUNS = paths.DATASETS / "code_review" / "llm_verify_runs.jsonl"
MAX_TOKENS = 220
TOP = 1            # findings verified per review: the model's first (its most serious); the rest are not posted
TIMEOUT_S = 3.0
SYSTEM = ("A reviewer claims that a change to a Python function introduced a bug. Write a test that shows the bug: "
          "one to three assert statements, one a line, that call the function and check the results its docstring "
          "promises. The docstring's own examples already pass, so choose new inputs that reach the changed line and "
          "make the claimed bug visible. If the claim is right, one of them fails on the changed code. No imports, "
          "no prints.")
SCHEMA = {"type": "object", "properties": {"test": {"type": "string", "maxLength": 600}}, "required": ["test"]}


def messages_for(pr: dict, finding: dict) -> list[dict]:
    """The request for one finding: the whole changed file as a numbered diff (new line numbers; removed lines
    shown with ``-``), and the claim."""
    whole = llmreview.numbered_diff(make_diff(pr["before"], pr["after"], pr["path"], context=10_000))
    claim = f"Claim: line {finding['line']}: {finding.get('message', '')}".strip()
    return [{"role": "system", "content": SYSTEM},
            {"role": "user", "content": f"{whole}\n\nThe function is {pr['entry_point']}.\n{claim}"}]


def claim_program(source: str, test: str) -> str:
    """The program the sandbox runs: the file under review, then the model's test (its asserts at the top level;
    a ``test_...()`` function it defines is called)."""
    calls = "".join(f"{name}()\n" for name in re.findall(r"^def (test\w*)\(\s*\)", test, flags=re.M))
    return f"{source}\n\n{test.rstrip()}\n{calls}"


def test_of(text: str) -> str:
    """The test in the model's JSON answer ('' when there is none).

    >>> test_of('{"test": "assert f(1) == 2"}')
    'assert f(1) == 2'
    >>> test_of("not json")
    ''
    """
    try:
        test = json.loads(text).get("test", "")
    except (json.JSONDecodeError, AttributeError):
        return ""
    return test if isinstance(test, str) else ""


def run_claim(pr: dict, test: str) -> dict:
    """Run the test on the change and on the base in the sandbox: ``{"fails_after", "passes_before", "verified",
    "seconds", "why"}`` (``why``: the last line of the change's error, or of the base's when it failed there)."""
    from aisd.agents import run_python

    if "assert" not in test:
        return {"fails_after": False, "passes_before": False, "verified": False, "seconds": 0.0,
                "why": "no assert in the answer"}
    after = run_python(claim_program(pr["after"], test), timeout_s=TIMEOUT_S)
    before = run_python(claim_program(pr["before"], test), timeout_s=TIMEOUT_S)
    last = lambda r: "timed out" if r.timed_out else (r.stderr.strip().splitlines() or [""])[-1][:160]
    verified = (not after.ok) and before.ok and not after.timed_out
    return {"fails_after": not after.ok, "passes_before": before.ok, "verified": verified,
            "seconds": round(after.seconds + before.seconds, 3),
            "why": last(before) if not before.ok else last(after)}


def load_store(path: str | Path = STORE, tier: str | None = None) -> answer_store.Store:
    """The stored tests (the small model's unless ``tier`` says otherwise)."""
    return answer_store.Store(path, tier=tier)


def load_runs(path: str | Path = RUNS) -> dict[str, dict]:
    """``{request key: sandbox outcome}`` as stored by ``aisd precompute 07 verify`` (empty when there is none)."""
    path = Path(path)
    if not path.is_file():
        return {}
    with open(path, encoding="utf-8") as f:
        return {r["key"]: r for r in map(json.loads, filter(str.strip, f))}


def check(pr: dict, finding: dict, store: answer_store.Store, runs: dict | None = None) -> dict | None:
    """One finding checked: ``{"test", "verified", "fails_after", "passes_before", "why", "seconds" (the
    sandbox's), "llm_seconds", "prompt_tokens", "completion_tokens", "stored"}``, or ``None`` when the test is not
    stored and the store makes no live calls here (the caller says how many were skipped). The sandbox outcome is
    read from ``runs`` when there, else run now."""
    messages = messages_for(pr, finding)
    request = store.request(messages, MAX_TOKENS, SCHEMA)
    if not store.write and not request.stored:
        return None
    record = store.answer(request, label=f"{pr['pr_id']}:{finding['line']}", pr_id=pr["pr_id"], line=finding["line"])
    test = test_of(record["text"])
    outcome = (runs or {}).get(record["key"]) or run_claim(pr, test)
    return {"test": test, **{k: outcome[k] for k in ("verified", "fails_after", "passes_before", "why", "seconds")},
            "llm_seconds": record.get("seconds") or 0.0, "prompt_tokens": record.get("prompt_tokens") or 0,
            "completion_tokens": record.get("completion_tokens") or 0, "stored": record["stored"], "key": record["key"]}


def order(prs: list[dict], reviewed: set[str]) -> list[dict]:
    """The pull requests to verify in :func:`llmreview.interleaved` order (the problems whose bug the tests miss
    first, held-out and tuning problems alternating); only those with a stored review."""
    from aisd.codereview.testrun import load_runs as load_test_runs

    runs = load_test_runs()
    missed = {p["task_id"] for p in prs if p["label"] == "bug" and runs[p["pr_id"]]["after"]["ok"]}
    ranked = llmreview.interleaved(prs, first=missed)
    return [p for p in ranked if p["pr_id"] in reviewed]
