"""Run a problem's tests on a version of the file, inside the course sandbox, and turn a failure that
the change caused into a review finding.

The code under review is untrusted: it runs only through :func:`aisd.agents.run_python` (a child process
with a time limit, a memory limit, no network and no files outside a temporary folder).

>>> from aisd.codereview import benchmark
>>> pr = benchmark.build()[0]
>>> run_tests(pr["before"], test_code(pr["task_id"]), pr["entry_point"]).ok
True
"""
from __future__ import annotations

import re

from aisd.agents import SandboxResult, run_python
from aisd.codereview.data import load_problems
from aisd.core.errors import AisdError
from aisd.codereview.diffs import changed_lines

TIMEOUT_S = 3.0
FRAME = re.compile(r'File "main\.py", line (\d+)')


def test_code(task_id: str) -> str:
    """The ``check(candidate)`` function of a HumanEval problem."""
    for p in load_problems():
        if p["task_id"] == task_id:
            return p["test"]
    raise AisdError(f"no HumanEval problem {task_id!r}: task ids look like 'HumanEval/0'")


def run_tests(source: str, tests: str, entry_point: str, timeout_s: float = TIMEOUT_S) -> SandboxResult:
    """The file, then its tests, then ``check(entry_point)``, in the sandbox."""
    program = f"{source}\n\n{tests}\n\ncheck({entry_point})\n"
    return run_python(program, timeout_s=timeout_s)


def failing_line(result: SandboxResult, source: str) -> int | None:
    """The deepest line of the traceback that lies in the file under review (not in its tests).

    >>> failing_line(SandboxResult("", 'File "main.py", line 3, in f\\nFile "main.py", line 30', 1, 0.1), "a\\nb\\nc\\n")
    3
    """
    n = len(source.splitlines())
    inside = [int(x) for x in FRAME.findall(result.stderr) if int(x) <= n]
    return inside[-1] if inside else None


def test_finding(pr: dict, before: SandboxResult, after: SandboxResult) -> list[dict]:
    """A finding when the tests pass before the change and fail after it (nothing if they already failed
    before: that is not this change's fault). Its line is the traceback's line in the file when the
    failure is an exception there, else the first line the change added."""
    if not before.ok or after.ok:
        return []
    added = changed_lines(pr["diff"]).get(pr["path"], [])
    line = failing_line(after, pr["after"])
    if line is None or (added and line not in added and not after.timed_out and "AssertionError" in after.stderr):
        line = added[0] if added else 1
    why = "timed out" if after.timed_out else (after.stderr.strip().splitlines() or ["failed"])[-1][:160]
    return [{"pr_id": pr["pr_id"], "path": pr["path"], "line": line, "tool": "tests", "category": "bug",
             "severity": "high", "code": "test-failure",
             "message": f"The tests of {pr['entry_point']} pass before this change and fail after it: {why}",
             "suggested_fix": "Revert or fix the changed line so the tests pass again."}]


def runs_path():
    """Where the stored test runs are (``aisd precompute 07 tests`` writes them)."""
    from aisd.core import paths
    return paths.DATASETS / "code_review" / "test_runs.jsonl"


def as_record(result: SandboxResult) -> dict:
    """A run as it is stored (the end of stderr only)."""
    return {"ok": result.ok, "returncode": result.returncode, "timed_out": result.timed_out,
            "seconds": round(result.seconds, 3), "stderr": result.stderr[-600:]}


def stored_result(record: dict) -> SandboxResult:
    """A stored run back as a :class:`SandboxResult` (the seconds are those measured when it ran)."""
    return SandboxResult("", record["stderr"], record["returncode"], record["seconds"], timed_out=record["timed_out"])


def load_runs(path=None) -> dict[str, dict]:
    """``{pr_id: {"before": run, "after": run}}`` as stored by ``aisd precompute 07 tests``."""
    import json
    with open(path or runs_path(), encoding="utf-8") as f:
        return {r["pr_id"]: r for r in map(json.loads, filter(str.strip, f))}
