"""The review agent: for one pull request it decides which tools to run, merges and scores what they
found, and posts at most ``budget`` comments; every step is recorded in an :class:`aisd.agents.Trace`
(the same traces and cost table as notebook 03's agent).

The tools are registered in an :class:`aisd.agents.ToolRegistry` (schemas from their signatures, so an
LLM could call them), but the *plan* is a written policy, not the model's choice: a policy is cheap,
predictable and measurable. The policy:

- ``parse_diff`` always (which lines changed);
- ``static_analysis`` always (ruff, pyflakes, bandit: cheap, milliseconds per file);
- ``run_tests`` when ``tests`` is ``"always"``, or ``"auto"`` and the change touches code (not only
  comments or blank lines): before and after the change, in the sandbox;
- ``llm_review`` when ``llm`` is ``"always"``, or ``"if_silent"`` and the other tools found nothing; its findings
  pass the LLM's gate: its own confidence at least ``llm_confidence``, and, with ``llm_gate="verified"``, only its
  top finding, if a test it wrote fails on the change and passes on the base (``verify_findings``,
  :mod:`aisd.codereview.verify`).

Every tool returns a :class:`ToolResult` record (its value, and the seconds and tokens it cost when it ran:
slow tools are served from stores made by the same code, so the cost per PR is still measured); the agent
reads those records and nothing else.

>>> ToolResult([{"line": 3}], seconds=0.2).value
[{'line': 3}]
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from aisd.agents import ToolRegistry, Trace
from aisd.codereview import llmreview, static, testrun, verify
from aisd.codereview.diffs import changed_lines
from aisd.codereview.review import merge_findings, score, select_comments

CONFIDENCE_LEVELS = {"low": 0, "medium": 1, "high": 2}


@dataclass
class ToolResult:
    """What a tool returns: its ``value`` (findings, for the tools that find), and what it cost when it ran
    (``seconds`` None: the agent's clock measures the call)."""
    value: object
    seconds: float | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    note: str = ""


@dataclass
class ReviewPolicy:
    """Which tools the agent uses, what it lets through from the LLM, and what it posts."""
    static: bool = True
    tests: str = "auto"             # "always", "auto", "never"
    llm: str = "never"              # "always", "if_silent", "never"
    llm_confidence: str = "low"     # the LLM's findings at or above this self-reported confidence
    llm_gate: str = "none"          # "none", or "verified": only findings its own failing test backs
    budget: int = 3                 # comments per pull request
    min_score: float = 0.0          # post only findings scoring at least this
    window: int = 2                 # lines within which two findings are one


@dataclass
class ReviewAgent:
    """Reviews pull requests with :class:`ReviewPolicy`; ``confidence`` (from :func:`review.learn_confidence`
    on the tuning split) scores findings. ``static_cache``/``test_runs``/``llm_store``/``verify_store`` hold tool
    results computed in batch or stored; without them the tools run live."""
    policy: ReviewPolicy
    confidence: dict = field(default_factory=dict)
    static_cache: dict = field(default_factory=dict)
    static_seconds: float = 0.0     # seconds per PR of the batch that filled static_cache
    test_runs: dict = field(default_factory=dict)
    llm_store: object = None        # an aisd.toolkit.answer_store.Store of LLM reviews (None: the LLM is not asked)
    verify_store: object = None     # a Store of the LLM's tests for its findings (verify.load_store())
    verify_runs: dict = field(default_factory=dict)   # their stored sandbox outcomes (verify.load_runs())
    llm_live: bool = False          # ask the live model for what the stores lack (else: skipped, and said)
    model: str = "policy"

    def registry(self, pr: dict) -> ToolRegistry:
        """The tools, bound to one pull request; each returns a :class:`ToolResult`."""
        registry = ToolRegistry()

        def read_file(line: int, around: int = 3) -> ToolResult:
            """Read the changed file around a line.

            Args:
                line: the line number in the new version
                around: how many lines before and after
            """
            lines = pr["after"].splitlines()
            lo, hi = max(1, line - around), min(len(lines), line + around)
            return ToolResult("\n".join(f"{i:4d} {lines[i - 1]}" for i in range(lo, hi + 1)))

        def parse_diff() -> ToolResult:
            """The lines the change added, per file."""
            return ToolResult(changed_lines(pr["diff"]))

        def static_analysis() -> ToolResult:
            """ruff, pyflakes and bandit on the changed file; findings on changed lines only."""
            found, seconds = self.static_cache.get(pr["pr_id"]), self.static_seconds
            if found is None:
                found, seconds = static.analyse({pr["path"]: pr["after"]}), None
            return ToolResult([{**f, "pr_id": pr["pr_id"]} for f in static.on_changed_lines(found, pr["diff"])],
                              seconds=seconds)

        def run_tests() -> ToolResult:
            """The problem's tests before and after the change, in the sandbox."""
            stored = self.test_runs.get(pr["pr_id"])
            if stored:
                before, after = testrun.stored_result(stored["before"]), testrun.stored_result(stored["after"])
            else:
                tests = testrun.test_code(pr["task_id"])
                before = testrun.run_tests(pr["before"], tests, pr["entry_point"])
                after = testrun.run_tests(pr["after"], tests, pr["entry_point"])
            return ToolResult(testrun.test_finding(pr, before, after), seconds=before.seconds + after.seconds)

        def llm_review() -> ToolResult:
            """Ask the LLM for findings on the diff (JSON: file, line, severity, category, message, fix, confidence)."""
            if self.llm_store is None:
                return ToolResult([], seconds=0.0, note="no LLM store: skipped")
            record = llmreview.review(pr, self.llm_store, live=self.llm_live)
            if record is None:
                return ToolResult([], seconds=0.0, note="no stored review and live calls off: skipped")
            floor = CONFIDENCE_LEVELS[self.policy.llm_confidence]
            kept = [f for f in record["findings"] if CONFIDENCE_LEVELS.get(f.get("confidence"), 1) >= floor]
            return ToolResult(kept, seconds=record["seconds"], prompt_tokens=record["prompt_tokens"] or 0,
                              completion_tokens=record["completion_tokens"] or 0, note=record["model"])

        def verify_findings(findings: list) -> ToolResult:
            """Keep the LLM's top findings (``verify.TOP``) whose failing test (written by the LLM, run in the
            sandbox) fails on the change and passes on the base; the others are not posted.

            Args:
                findings: the LLM's findings on this pull request
            """
            if self.verify_store is None:
                return ToolResult([], seconds=0.0, note="no verification store: nothing verified")
            kept, seconds, tokens, skipped = [], 0.0, [0, 0], 0
            for f in findings[:verify.TOP]:
                checked = verify.check(pr, f, self.verify_store, self.verify_runs)
                if checked is None:
                    skipped += 1
                    continue
                seconds += checked["llm_seconds"] + checked["seconds"]
                tokens[0] += checked["prompt_tokens"]
                tokens[1] += checked["completion_tokens"]
                if checked["verified"]:
                    kept.append(f)
            note = "not verified: no stored test" if skipped else ""
            return ToolResult(kept, seconds=seconds, prompt_tokens=tokens[0], completion_tokens=tokens[1], note=note)

        for fn in (parse_diff, read_file, static_analysis, run_tests, llm_review, verify_findings):
            registry.add(fn)
        return registry

    def review(self, pr: dict) -> tuple[list[dict], Trace]:
        """The comments posted on ``pr``, and the trace of how they were found."""
        p = self.policy
        trace = Trace(task_id=pr["pr_id"], task=f"review {pr['path']}", model=self.model)
        tools = self.registry(pr)
        step = 0

        def use(name: str, **arguments) -> object:
            """Run one tool, record its step from the :class:`ToolResult` it returns, and give back its value."""
            nonlocal step
            step += 1
            started = time.perf_counter()
            result = tools[name].fn(**arguments)
            seconds = time.perf_counter() - started if result.seconds is None else result.seconds
            trace.add(step=step, kind="tool", tool=name, arguments={k: str(v)[:80] for k, v in arguments.items()},
                      observation=str(result.value), prompt_tokens=result.prompt_tokens,
                      completion_tokens=result.completion_tokens, latency_s=round(seconds, 4), note=result.note)
            return result.value

        added = use("parse_diff").get(pr["path"], [])
        found = []
        if p.static:
            found += use("static_analysis")
        new_lines = pr["after"].splitlines()
        touches_code = any(new_lines[i - 1].strip() and not new_lines[i - 1].strip().startswith("#") for i in added)
        if p.tests == "always" or (p.tests == "auto" and touches_code):
            found += use("run_tests")
        if p.llm == "always" or (p.llm == "if_silent" and not found):
            llm_found = use("llm_review")
            if p.llm_gate == "verified" and llm_found:
                llm_found = use("verify_findings", findings=llm_found)
            found += llm_found
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
