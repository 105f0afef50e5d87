"""The code-review benchmark, its tools and metrics (aisd.codereview)."""
from __future__ import annotations

import json
import math
import shutil
import subprocess
from collections import Counter

import pytest

from aisd.core import paths
from aisd.codereview import (benchmark, data, decisions, diffs, evaluate, injection, llmreview, mutations, review, static,
                             system, testrun, verify)
from aisd.codereview.agent import ReviewPolicy, ReviewAgent, ToolResult
from aisd.core.errors import AisdError


@pytest.fixture(scope="module")
def prs():
    return benchmark.build()


def test_the_generator_is_deterministic_and_matches_the_committed_file(prs):
    assert prs == benchmark.build()
    assert prs == benchmark.load(), "datasets/code_review/benchmark.jsonl is stale: python -m aisd.codereview.benchmark"


def test_every_problem_gives_one_bug_and_one_clean_pr_on_the_same_side(prs):
    by_task = {}
    for p in prs:
        by_task.setdefault(p["task_id"], []).append(p)
    assert len(by_task) == 164
    for task, pair in by_task.items():
        assert sorted(p["label"] for p in pair) == ["bug", "clean"], task
        assert len({p["split"] for p in pair}) == 1, f"{task}: a bug and its clean change on different splits"
    assert Counter(p["split"] for p in prs) == {"tuning": 164, "heldout": 164}


def test_bug_kinds_are_balanced_and_the_bug_line_is_a_changed_line(prs):
    kinds = Counter(p["kind"] for p in prs if p["label"] == "bug")
    assert set(kinds) == set(mutations.BUG_OPERATORS)
    assert max(kinds.values()) - min(kinds.values()) <= 12, kinds
    for p in prs:
        added = diffs.changed_lines(p["diff"])[p["path"]]
        if p["label"] == "bug":
            assert p["bug_line"] in added, p["pr_id"]
            assert p["after"].splitlines()[p["bug_line"] - 1] != p["before"].splitlines()[p["bug_line"] - 1]
        else:
            assert p["bug_line"] is None and added, p["pr_id"]


@pytest.mark.skipif(shutil.which("patch") is None, reason="GNU patch is not installed")
def test_every_diff_applies_with_patch(prs, tmp_path):
    """The diffs are real unified diffs: GNU patch turns before into after."""
    for p in prs[:40]:
        (tmp_path / p["path"]).write_text(p["before"])
        subprocess.run(["patch", "-s", "-p1", "-d", str(tmp_path)], input=p["diff"], text=True, check=True)
        assert (tmp_path / p["path"]).read_text() == p["after"], p["pr_id"]


def test_changed_lines_agrees_with_difflib_opcodes(prs):
    import difflib
    for p in prs:
        a, b = p["before"].splitlines(), p["after"].splitlines()
        want = [j + 1 for tag, _, _, j1, j2 in difflib.SequenceMatcher(None, a, b).get_opcodes()
                if tag in ("replace", "insert") for j in range(j1, j2)]
        assert diffs.changed_lines(p["diff"])[p["path"]] == want, p["pr_id"]


def test_mutation_operators_refuse_lines_they_cannot_change():
    assert mutations.flip_comparison("    return x") is None
    assert mutations.flip_comparison("    f = lambda: x -> y") is None
    assert mutations.off_by_one("    print('range(3)')") is None
    assert mutations.wrong_return("    x = 1") is None
    assert mutations.rename_variable(["def f(a):", "    a = a + 1", "    return a"], 1) is None, \
        "renaming a parameter's reassignment would break the code"


def test_the_split_is_by_problem_and_stable():
    ids = [p["task_id"] for p in data.load_problems()]
    assert sum(data.split_of(i) == "heldout" for i in ids) == 82
    assert data.split_of("HumanEval/0") == data.split_of("HumanEval/0")


def test_stored_test_runs_cover_the_benchmark_and_clean_changes_pass(prs):
    runs = testrun.load_runs()
    assert set(runs) == {p["pr_id"] for p in prs}
    assert all(r["before"]["ok"] for r in runs.values()), "a canonical solution failed its own tests"
    assert all(runs[p["pr_id"]]["after"]["ok"] for p in prs if p["label"] == "clean")
    failing = sum(not runs[p["pr_id"]]["after"]["ok"] for p in prs if p["label"] == "bug")
    assert 80 <= failing <= 130, failing


def test_a_stored_run_is_what_the_sandbox_gives_now(prs):
    p = next(p for p in prs if p["kind"] == "wrong_operator")
    stored = testrun.load_runs()[p["pr_id"]]
    live = testrun.run_tests(p["after"], testrun.test_code(p["task_id"]), p["entry_point"])
    assert live.ok == stored["after"]["ok"] is False
    found = testrun.test_finding(p, testrun.stored_result(stored["before"]), live)
    assert len(found) == 1 and found[0]["line"] == p["bug_line"]


def test_static_findings_are_kept_to_changed_lines():
    before = "import os\n\ndef f(x):\n    return x\n"
    after = "import os\n\ndef f(x):\n    return eval(x)\n"
    diff = diffs.make_diff(before, after, "m.py")
    found = static.analyse({"m.py": after})
    kept = static.on_changed_lines(found, diff)
    assert {f["line"] for f in kept} == {4}
    assert {(f["tool"], f["code"]) for f in kept} >= {("ruff", "S307"), ("bandit", "B307")}
    assert any(f["tool"] == "pyflakes" and f["line"] == 1 for f in found), "pyflakes reports the unused import"


def test_static_refuses_bad_file_names():
    with pytest.raises(AisdError, match="plain names"):
        static.analyse({"../x.py": "x = 1\n"})
    with pytest.raises(AisdError, match="unknown tools"):
        static.analyse({"x.py": "x = 1\n"}, tools=("pylint",))


def test_merge_keeps_the_best_and_records_agreeing_tools():
    f = lambda line, tool, score, path="a.py": {"path": path, "line": line, "tool": tool, "score": score}
    got = review.merge_findings([f(3, "ruff", 0.5), f(1, "tests", 0.9), f(5, "bandit", 0.8), f(3, "x", 0.1, "b.py")], 2)
    assert [(g["path"], g["line"], g["tools"]) for g in got] == [
        ("a.py", 1, ["ruff", "tests"]), ("a.py", 5, ["bandit"]), ("b.py", 3, ["x"])]
    assert review.select_comments(got, 1, 0.0) == [got[0]]
    assert review.select_comments(got, 5, 0.85) == [got[0]]
    with pytest.raises(AisdError):
        review.select_comments(got, -1, 0.0)


def test_metrics_and_gate_on_a_tiny_case():
    prs = {"b": {"pr_id": "b", "label": "bug", "path": "a.py", "bug_line": 10},
           "c": {"pr_id": "c", "label": "clean", "path": "a.py", "bug_line": None}}
    m = evaluate.review_metrics(prs, {"b": [{"path": "a.py", "line": 13}], "c": []})
    assert m["bug_recall"] == 0.0 and m["precision"] == 0.0 and m["false_alarm_rate"] == 0.0
    assert math.isnan(evaluate.review_metrics(prs, {})["precision"])
    assert evaluate.intervals(prs, {"b": [], "c": []})["precision"] is None, "no comment: no precision interval"
    assert evaluate.intervals(prs, {"b": [], "c": []})["bug_recall"].high > 0, "0 of n is never [0, 0] (Wilson)"
    assert decisions.choose_block_threshold([0.5, 0.5, 0.0], [True, False, False], 1.0, 1.0) == math.inf
    assert decisions.best_block_cost([0.5, 0.5, 0.0], [True, False, False], 1.0, 1.0) == 1.0
    with pytest.raises(AisdError):
        decisions.choose_block_threshold([0.5], [True, False], 1.0, 1.0)
    rows = [{"min_score": 0.0, "precision": 0.5, "false_alarm_rate": 0.0}]
    assert decisions.choose_min_score(rows, 0.8, 0.1) == math.inf
    with pytest.raises(AisdError):
        decisions.choose_llm_gate({"none": 0.0}, {"none": 0.0}, budget=10)


def test_precision_and_cost_at_a_production_prevalence():
    """At 10 % bugs the same rates give a lower precision; re-weighting a 50/50 sample prices the gate there."""
    assert evaluate.at_prevalence(0.9, 0.05, 0.1) < evaluate.at_prevalence(0.9, 0.05, 0.5)
    w = evaluate.prevalence_weights([True, True, False, False], 0.1)
    assert math.isclose(w[:2].sum() / w.sum(), 0.1) and math.isclose(w.sum(), 4)
    cost = decisions.block_cost([1, 1, 1, 1], [True, True, False, False], 0.5, 100, 250, weights=w)
    assert math.isclose(cost, 100 * w[2:].sum()), "blocking everything at 10 % bugs costs the clean PRs' weight"


def test_requirements_are_one_type_and_derive_the_monthly_volume():
    req = system.REQUIREMENTS
    assert type(req).__name__ == "Requirements" and req.prs_per_month == 500 * 2 * 21
    assert req.replace(engineers=5000).prs_per_month == 10 * req.prs_per_month
    assert {"requirement", "value", "unit", "why"} <= set(req.table().columns)
    assert 0 < req.max_false_alarm_rate < req.mute_false_alarm_rate < 1 and 0 < req.bug_prevalence < 0.5


def test_llm_store_parses_and_belongs_to_the_benchmark(prs):
    store = llmreview.load_store()
    keys = {store.key(llmreview.messages_for(p["diff"]), llmreview.MAX_TOKENS, llmreview.FINDINGS_SCHEMA): p
            for p in prs}
    assert store.records and set(store.records) <= set(keys), "the LLM store holds requests the notebook does not make"
    for key, record in store.records.items():
        json.loads(record["text"])                 # grammar-constrained: always valid JSON
        assert record["prompt_tokens"] > 0 and record["model"] == store.model
    assert llmreview.to_findings("not json", {"pr_id": "p", "path": "x.py"}) == []


def test_the_agent_follows_its_policy_and_traces_each_step(prs):
    p = next(p for p in prs if p["kind"] == "security_eval")
    runs = testrun.load_runs()
    agent = ReviewAgent(ReviewPolicy(tests="auto", llm="if_silent"), test_runs=runs)
    comments, trace = agent.review(p)
    tools = [s.tool for s in trace.steps]
    assert tools == ["parse_diff", "static_analysis", "run_tests"], tools
    assert comments and all(abs(c["line"] - p["bug_line"]) <= 2 for c in comments)
    assert sorted(comments[0]["tools"]) == ["bandit", "ruff"]
    clean = next(q for q in prs if q["kind"] == "comment")
    _, trace = ReviewAgent(ReviewPolicy(tests="auto", llm="never"), test_runs=runs).review(clean)
    assert "run_tests" not in [s.tool for s in trace.steps], "a comment-only change needs no test run"
    spec = {s["function"]["name"] for s in agent.registry(p).specs()}
    assert spec == {"parse_diff", "read_file", "static_analysis", "run_tests", "llm_review", "verify_findings"}
    assert all(isinstance(agent.registry(p).tools[name].fn(), ToolResult) for name in ("parse_diff", "run_tests")), \
        "every tool returns a ToolResult record"
    unstored = ReviewAgent(ReviewPolicy(static=False, tests="never", llm="always"), llm_store=llmreview.load_store())
    fake = {**p, "pr_id": "X-bug", "diff": p["diff"].replace("eval", "evil")}
    comments, trace = unstored.review(fake)
    assert comments == [] and "skipped" in trace.steps[-1].note, "an unstored review is skipped, and the trace says so"


def test_a_verified_finding_needs_a_test_that_fails_on_the_change_and_passes_on_the_base(prs):
    """The verification gate, on a real buggy PR with hand-written tests (no model): a test that shows the bug
    verifies it; a test that passes on both, or fails on both, does not."""
    p = next(q for q in prs if q["pr_id"] == "HE000-bug")           # abs(elem - elem2) became abs(elem + elem2)
    shows = "assert has_close_elements([1.0, 2.8, 3.0, 4.0, 5.0, 2.0], 0.3) == True"
    assert verify.run_claim(p, shows)["verified"]
    assert not verify.run_claim(p, "assert has_close_elements([], 0.3) == False")["verified"], "passes on both"
    assert not verify.run_claim(p, "assert has_close_elements([1.0], 0.3) == True")["verified"], "fails on both"
    assert not verify.run_claim(p, "")["verified"]
    assert verify.claim_program("x = 1\n", "def test_claim():\n    assert x == 1").endswith("test_claim()\n")


def test_stored_verifications_and_injections_belong_to_the_benchmark(prs):
    """Every stored test answers a request the notebook makes, and its stored sandbox outcome is what running the
    test gives now (checked on a few)."""
    reviews, store, runs = llmreview.load_store(), verify.load_store(), verify.load_runs()
    asked = {}
    for p in prs:
        record = llmreview.review(p, reviews, live=False)
        for f in (record or {"findings": []})["findings"][:verify.TOP]:
            asked[store.key(verify.messages_for(p, f), verify.MAX_TOKENS, verify.SCHEMA)] = (p, f)
    assert set(store.records) <= set(asked), "the verification store holds requests the notebook does not make"
    assert set(runs) <= set(store.records), "a stored sandbox outcome without its stored test"
    for key in sorted(runs)[:2]:
        p, _ = asked[key]
        again = verify.run_claim(p, verify.test_of(store.records[key]["text"]))
        assert again["verified"] == runs[key]["verified"], f"{p['pr_id']}: the stored outcome is not reproduced"
    attacks = llmreview.load_store(injection.STORE)
    planted = {attacks.key(llmreview.messages_for(injection.planted(p)["diff"]), llmreview.MAX_TOKENS,
                           llmreview.FINDINGS_SCHEMA) for p in prs if p["label"] == "bug"}
    assert set(attacks.records) <= planted
