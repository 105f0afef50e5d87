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
from aisd.codereview.diffs import changed_lines

TIMEOUT_S = 3.0
FRAME = re.compile(r'File "main\.py", line (\d+)')


def test_code(task_id: str) -> str:
    """The ``check(candidate)`` function of a HumanEval problem."""
    for p in load_problems():
        if p["task_id"] == task_id:
            return p["test"]
    raise KeyError(f"no HumanEval problem {task_id!r}")


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




def _runs_path():
    from aisd.core import paths
    return paths.DATASETS / "code_review" / "test_runs.jsonl"


def _record(result: SandboxResult) -> dict:
    return {"ok": result.ok, "returncode": result.returncode, "timed_out": result.timed_out,
            "seconds": round(result.seconds, 3), "stderr": result.stderr[-600:]}


def stored_result(record: dict) -> SandboxResult:
    """A stored run back as a :class:`SandboxResult` (the seconds are those measured when it ran)."""
    return SandboxResult("", record["stderr"], record["returncode"], record["seconds"], timed_out=record["timed_out"])


def load_runs(path=None) -> dict[str, dict]:
    """``{pr_id: {"before": run, "after": run}}`` as stored by :func:`main`."""
    import json
    with open(path or _runs_path(), encoding="utf-8") as f:
        return {r["pr_id"]: r for r in map(json.loads, filter(str.strip, f))}


def main(workers: int = 2) -> None:
    """Run every benchmark pull request's tests before and after its change, in the sandbox, and store
    the outcomes (``datasets/code_review/test_runs.jsonl``): ``python -m aisd.codereview.testrun``."""
    import json
    import sys
    from concurrent.futures import ThreadPoolExecutor

    from aisd.codereview.benchmark import load

    prs = load()
    tests = {p["task_id"]: test_code(p["task_id"]) for p in prs}

    def both(pr):
        before = run_tests(pr["before"], tests[pr["task_id"]], pr["entry_point"])
        after = run_tests(pr["after"], tests[pr["task_id"]], pr["entry_point"])
        return {"pr_id": pr["pr_id"], "before": _record(before), "after": _record(after)}

    with ThreadPoolExecutor(workers) as pool:
        rows = list(pool.map(both, prs))
    with open(_runs_path(), "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row) + "\n")
    print(_runs_path(), len(rows), "pull requests;", sum(not r["after"]["ok"] for r in rows), "fail after the change",
          file=sys.stderr)


if __name__ == "__main__":
    main()
