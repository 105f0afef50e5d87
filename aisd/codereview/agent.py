"""The review agent: for one pull request it decides which tools to run, merges and scores what they
found, and posts at most ``budget`` comments; every step is recorded in an :class:`aisd.agents.Trace`
(the same traces and cost table as notebook 03's agent).

The tools are registered in an :class:`aisd.agents.ToolRegistry` (schemas from their signatures, so an
LLM could call them), but the *plan* is a written policy, not the model's choice: a 135M-parameter model
does not pick tools reliably, and a policy is cheap, predictable and measurable. The policy:

- ``parse_diff`` always (which lines changed);
- ``static_analysis`` always (ruff, pyflakes, bandit: cheap, milliseconds per file);
- ``run_tests`` when ``tests`` is ``"always"``, or ``"auto"`` and the change touches code (not only
  comments or blank lines): before and after the change, in the sandbox;
- ``llm_review`` when ``llm`` is ``"always"``, or ``"if_silent"`` and the other tools found nothing.

Slow tools are served from stores made by the same code (``testrun.main``, ``llmreview.main``); their
seconds and tokens are those measured when they ran, so the cost per PR is still measured.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from aisd.agents import ToolRegistry, Trace
from aisd.codereview import llmreview, static, testrun
from aisd.codereview.diffs import changed_lines
from aisd.codereview.review import merge_findings, score, select_comments


@dataclass
class Policy:
    """Which tools the agent uses, and what it posts."""
    static: bool = True
    tests: str = "auto"             # "always", "auto", "never"
    llm: str = "never"              # "always", "if_silent", "never"
    budget: int = 3                 # comments per pull request
    min_score: float = 0.0          # post only findings scoring at least this
    window: int = 2                 # lines within which two findings are one


@dataclass
class ReviewAgent:
    """Reviews pull requests with :class:`Policy`; ``confidence`` (from :func:`review.learn_confidence`
    on the tuning split) scores findings. ``static_cache``/``test_runs``/``llm_store`` hold tool results
    computed in batch or stored; without them the tools run live."""
    policy: Policy
    confidence: dict = field(default_factory=dict)
    static_cache: dict = field(default_factory=dict)
    static_seconds: float = 0.0     # seconds per PR of the batch that filled static_cache
    test_runs: dict = field(default_factory=dict)
    llm_store: object = None        # an aisd.toolkit.answer_store.Store of LLM reviews (None: the LLM is not asked)
    llm_live: bool = False          # ask the live model for a review the store lacks (else: skipped, and said)
    model: str = "policy"

    def registry(self, pr: dict) -> ToolRegistry:
        """The tools, bound to one pull request."""
        registry = ToolRegistry()

        def read_file(line: int, around: int = 3) -> str:
            """Read the changed file around a line.

            Args:
                line: the line number in the new version
                around: how many lines before and after
            """
            lines = pr["after"].splitlines()
            lo, hi = max(1, line - around), min(len(lines), line + around)
            return "\n".join(f"{i:4d} {lines[i - 1]}" for i in range(lo, hi + 1))

        def parse_diff() -> dict:
            """The lines the change added, per file."""
            return changed_lines(pr["diff"])

        def static_analysis() -> list:
            """ruff, pyflakes and bandit on the changed file; findings on changed lines only."""
            found = self.static_cache.get(pr["pr_id"])
            if found is None:
                found = static.analyse({pr["path"]: pr["after"]})
            return [{**f, "pr_id": pr["pr_id"]} for f in static.on_changed_lines(found, pr["diff"])]

        def run_tests() -> list:
            """The problem's tests before and after the change, in the sandbox."""
            stored = self.test_runs.get(pr["pr_id"])
            if stored:
                before, after = testrun.stored_result(stored["before"]), testrun.stored_result(stored["after"])
            else:
                tests = testrun.test_code(pr["task_id"])
                before = testrun.run_tests(pr["before"], tests, pr["entry_point"])
                after = testrun.run_tests(pr["after"], tests, pr["entry_point"])
            return {"findings": testrun.test_finding(pr, before, after), "seconds": before.seconds + after.seconds}

        def llm_review() -> dict:
            """Ask the LLM for findings on the diff (JSON: file, line, severity, category, message, fix)."""
            if self.llm_store is None:
                return {"findings": [], "note": "no LLM store: skipped"}
            if not self.llm_live and not llmreview.stored(pr, self.llm_store):
                return {"findings": [], "note": "no stored review and live calls off: skipped"}
            record = llmreview.review(pr, self.llm_store)
            return {"findings": record["findings"], "seconds": record["seconds"], "model": record["model"],
                    "prompt_tokens": record["prompt_tokens"], "completion_tokens": record["completion_tokens"]}

        for fn in (parse_diff, read_file, static_analysis, run_tests, llm_review):
            registry.add(fn)
        return registry

    def review(self, pr: dict) -> tuple[list[dict], Trace]:
        """The comments posted on ``pr``, and the trace of how they were found."""
        p = self.policy
        trace = Trace(task_id=pr["pr_id"], task=f"review {pr['path']}", model=self.model)
        tools = self.registry(pr)
        step, found = 0, []

        def use(name: str) -> list | dict:
            """Run one tool; a tool returns its result, or a record ``{"findings", "seconds", ...}`` when it
            knows better than the clock what it cost (a stored run, a stored LLM answer)."""
            nonlocal step
            step += 1
            t = time.perf_counter()
            result = tools[name].fn()
            seconds = time.perf_counter() - t
            if name == "static_analysis" and pr["pr_id"] in self.static_cache:
                seconds = self.static_seconds
            record = result if isinstance(result, dict) and "findings" in result else {}
            trace.add(step=step, kind="tool", tool=name, arguments={},
                      observation=str(record.get("findings", result)),
                      prompt_tokens=record.get("prompt_tokens", 0), completion_tokens=record.get("completion_tokens", 0),
                      latency_s=round(record.get("seconds", seconds), 4), note=record.get("note", ""))
            return record.get("findings", result) if record else result

        added = use("parse_diff").get(pr["path"], [])
        if p.static:
            found += use("static_analysis")
        new_lines = pr["after"].splitlines()
        touches_code = any(new_lines[i - 1].strip() and not new_lines[i - 1].strip().startswith("#") for i in added)
        if p.tests == "always" or (p.tests == "auto" and touches_code):
            found += use("run_tests")
        if p.llm == "always" or (p.llm == "if_silent" and not found):
            found += use("llm_review")
        merged = merge_findings(score(found, self.confidence), p.window)
        comments = select_comments(merged, p.budget, p.min_score)
        trace.answer = f"{len(comments)} comments"
        trace.stop_reason = "done"
        trace.seconds = sum(s.latency_s for s in trace.steps)
        return comments, trace


def batch_static(prs: list[dict]) -> tuple[dict[str, list[dict]], float]:
    """Static findings of every pull request's new file, each tool run once per batch of distinct file
    names; returns ``({pr_id: findings}, seconds per pull request)``."""
    out: dict[str, list[dict]] = {}
    t = time.perf_counter()
    batches: list[list[dict]] = []
    for pr in prs:
        for batch in batches:
            if all(b["path"] != pr["path"] for b in batch):
                batch.append(pr)
                break
        else:
            batches.append([pr])
    for batch in batches:
        found = static.analyse({pr["path"]: pr["after"] for pr in batch})
        for pr in batch:
            out[pr["pr_id"]] = [f for f in found if f["path"] == pr["path"]]
    return out, (time.perf_counter() - t) / max(1, len(prs))
