"""The code-review benchmark, its tools and metrics (aisd.codereview)."""
from __future__ import annotations

import json
import math
import shutil
import subprocess
from collections import Counter

import pytest

from aisd.core import paths
from aisd.codereview import benchmark, data, diffs, evaluate, experiments, llmreview, mutations, review, static, testrun
from aisd.codereview.agent import Policy, ReviewAgent


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
    with pytest.raises(ValueError, match="plain names"):
        static.analyse({"../x.py": "x = 1\n"})
    with pytest.raises(ValueError, match="unknown tools"):
        static.analyse({"x.py": "x = 1\n"}, tools=("pylint",))


def test_merge_keeps_the_best_and_records_agreeing_tools():
    f = lambda line, tool, score, path="a.py": {"path": path, "line": line, "tool": tool, "score": score}
    got = review.merge_findings([f(3, "ruff", 0.5), f(1, "tests", 0.9), f(5, "bandit", 0.8), f(3, "x", 0.1, "b.py")], 2)
    assert [(g["path"], g["line"], g["tools"]) for g in got] == [
        ("a.py", 1, ["ruff", "tests"]), ("a.py", 5, ["bandit"]), ("b.py", 3, ["x"])]
    assert review.select_comments(got, 1, 0.0) == [got[0]]
    assert review.select_comments(got, 5, 0.85) == [got[0]]
    with pytest.raises(ValueError):
        review.select_comments(got, -1, 0.0)


def test_metrics_and_gate_on_a_tiny_case():
    prs = {"b": {"pr_id": "b", "label": "bug", "path": "a.py", "bug_line": 10},
           "c": {"pr_id": "c", "label": "clean", "path": "a.py", "bug_line": None}}
    m = evaluate.review_metrics(prs, {"b": [{"path": "a.py", "line": 13}], "c": []})
    assert m["bug_recall"] == 0.0 and m["precision"] == 0.0 and m["false_alarm_rate"] == 0.0
    assert math.isnan(evaluate.review_metrics(prs, {})["precision"])
    assert evaluate.choose_block_threshold([0.5, 0.5, 0.0], [True, False, False], 1.0, 1.0) == math.inf
    with pytest.raises(ValueError):
        evaluate.choose_block_threshold([0.5], [True, False], 1.0, 1.0)
    rows = [{"min_score": 0.0, "precision": 0.5, "false_alarm_rate": 0.0}]
    assert experiments.choose_min_score(rows, 0.8, 0.1) == math.inf


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
    agent = ReviewAgent(Policy(tests="auto", llm="if_silent"), test_runs=runs)
    comments, trace = agent.review(p)
    tools = [s.tool for s in trace.steps]
    assert tools == ["parse_diff", "static_analysis", "run_tests"], tools
    assert comments and all(abs(c["line"] - p["bug_line"]) <= 2 for c in comments)
    assert sorted(comments[0]["tools"]) == ["bandit", "ruff"]
    clean = next(q for q in prs if q["kind"] == "comment")
    _, trace = ReviewAgent(Policy(tests="auto", llm="never"), test_runs=runs).review(clean)
    assert "run_tests" not in [s.tool for s in trace.steps], "a comment-only change needs no test run"
    spec = {s["function"]["name"] for s in agent.registry(p).specs()}
    assert spec == {"parse_diff", "read_file", "static_analysis", "run_tests", "llm_review"}
