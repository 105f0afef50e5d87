"""The labelled research tasks (datasets/research_tasks): format, mix, splits, and every label checked
against the corpus; the checks themselves must catch a wrong label."""
from __future__ import annotations

import dataclasses
from collections import Counter

import pytest

from aisd.core import paths
from aisd.agents.data import KINDS, TaskError, load_tasks, problems
from aisd.toolkit.datasets import load_beir

CORPUS = load_beir(paths.DATASETS / "pydoc_qa").corpus
TASKS = load_tasks()


def test_at_least_40_tasks_of_every_kind_in_both_splits():
    assert len(TASKS) >= 40
    assert len({t.id for t in TASKS}) == len(TASKS), "task ids must be unique"
    mix = Counter((t.kind, t.split) for t in TASKS)
    for kind in KINDS:
        assert mix[(kind, "tuning")] >= 3 and mix[(kind, "heldout")] >= 3, f"{kind}: {mix}"
    assert abs(len(load_tasks(split="tuning")) - len(load_tasks(split="heldout"))) <= 3
    assert len({t.question for t in TASKS}) == len(TASKS), "no question twice"


@pytest.mark.parametrize("task", TASKS, ids=[t.id for t in TASKS])
def test_each_label_is_supported_by_the_corpus(task):
    assert problems(task, CORPUS) == []


def test_the_checks_catch_wrong_labels():
    single = next(t for t in TASKS if t.kind == "single_hop")
    calc = next(t for t in TASKS if t.kind == "calculation")
    multi = next(t for t in TASKS if t.kind == "multi_hop")
    unanswerable = next(t for t in TASKS if t.kind == "unanswerable")
    wrong = {
        "answer not in the passages": dataclasses.replace(single, answer="zebra crossing", aliases=[]),
        "unknown id": dataclasses.replace(single, supporting_ids=["nope/0"], evidence={}),
        "quote not in the passage": dataclasses.replace(single, evidence={single.supporting_ids[0]: "words never written"}),
        "wrong arithmetic": dataclasses.replace(calc, answer=str(int(float(calc.answer)) + 1)),
        "number not in the passages": dataclasses.replace(calc, calculation={**calc.calculation, "numbers_from_documents": ["987654"]}),
        "one passage for multi-hop": dataclasses.replace(multi, supporting_ids=multi.supporting_ids[:1],
                                                         evidence=dict(list(multi.evidence.items())[:1])),
        "answerable after all": dataclasses.replace(unanswerable, absent_terms=["statement"]),
    }
    for name, task in wrong.items():
        assert problems(task, CORPUS), f"the check missed: {name}"


def test_a_malformed_task_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "tasks.jsonl"
    bad.write_text('{"id": "x"}\n')
    with pytest.raises(TaskError, match="line 1 is not a task"):
        load_tasks(bad)
    with pytest.raises(TaskError, match="split must be"):
        load_tasks(split="test")
    with pytest.raises(TaskError, match="no train split"):
        load_tasks(split="train")


def test_every_reference_answer_is_a_success_and_a_wrong_one_is_not():
    for task in TASKS:
        assert task.solved_by(task.answer), task.id
        assert not task.solved_by("a completely unrelated reply about spreadsheets"), task.id


# --- the stored runs of notebook 03 (aisd precompute 03 runs|multi) and what the notebook computes from them ---
from aisd.agents import decisions, diagnose, evaluate, multi, runs  # noqa: E402
from aisd.agents.trace import Trace  # noqa: E402

STORED = runs.load_runs()
MULTI = runs.load_runs(multi.MULTI_FILE).get("multi", {})
BY_ID = {t.id: t for t in TASKS}


def test_the_stored_runs_cover_every_held_out_task_with_every_approach():
    held = {t.id for t in load_tasks(split="heldout")}
    assert sorted(STORED) == sorted(runs.APPROACHES)
    for approach, traces in STORED.items():
        assert held <= set(traces), f"{approach}: held-out tasks without a stored run: {sorted(held - set(traces))}"


@pytest.mark.parametrize("stored", ["single", "multi"])
def test_the_stored_runs_belong_to_the_current_tasks_and_are_complete_traces(stored):
    loaded = STORED if stored == "single" else {"multi": MULTI}
    assert any(loaded.values()), f"no stored {stored} run"
    assert {t.model for traces in loaded.values() for t in traces.values()} == {"qwen2.5-coder-1.5b"}
    for approach, traces in loaded.items():
        for task_id, trace in traces.items():
            assert trace.task == BY_ID[task_id].question, f"{approach}/{task_id}: the task's question changed: re-run"
            assert trace.model and trace.stop_reason, f"{approach}/{task_id}: no model or stop reason"
            assert diagnose.failure_kind(trace, BY_ID[task_id]) in diagnose.LABELS
            if trace.answer is not None:
                assert trace.steps and trace.steps[-1].kind == "final", f"{approach}/{task_id}: answer without a final step"
            llm_steps = [s for s in trace.steps if s.prompt_tokens > 0]
            if approach in ("direct", "retrieve") and trace.answer is not None:
                assert len(llm_steps) == 1 and trace.steps[0].completion_tokens > 0
            if approach == "retrieve" and trace.answer is not None:
                assert len(trace.steps[0].arguments["passages"]) == 3
            if approach == "multi":
                assert trace.steps[0].kind == "plan" and trace.counters["researchers"] >= 1
                assert any(s.kind == "notes" for s in trace.steps), f"multi/{task_id}: the notes (memory) are missing"
                assert multi.critical_path_s(trace) <= sum(s.latency_s for s in trace.steps) + 1e-9


def test_a_record_round_trips():
    trace = Trace(task_id="rt01", task="q", answer="a", sources=["x/1"], stop_reason="answered", counters={"llm_calls": 1})
    trace.add(step=1, kind="final", tool=None, arguments={"answer": "a"}, observation="", prompt_tokens=10,
              completion_tokens=2, latency_s=0.5)
    assert runs.from_record(runs.to_record(trace, "direct")) == trace


def test_the_step_budget_rule_prices_runs_by_hand():
    three = [{"steps": 3, "solved": True}, {"steps": 5, "solved": True}, {"steps": 7, "solved": False}]
    assert decisions.choose_step_budget(three, 0.1, 2.0) == 5        # 0.3 + 0.5 + 2.5 = 3.3 < budget 7's 3.5
    assert decisions.choose_step_budget(three, 5.0, 2.0) == 1        # a step dearer than a person: stop at once
    early = [{"steps": 2, "solved": False}] * 6 + [{"steps": 6, "solved": True}]
    assert decisions.choose_step_budget(early, 0.1, 2.0) == 6        # giving up early costs 2 steps, not the budget
    assert decisions.choose_step_budget([{"steps": 2, "solved": True}], 0.0, 2.0) == 2    # ties: the smallest
    assert evaluate.budget_cost(three, 5, 0.1, 2.0) == 1.1


def test_replayed_rows_come_from_the_small_models_own_runs():
    tuning = load_tasks(split="tuning")
    rows = evaluate.replay_rows(STORED["react"], load_tasks(split="heldout"))
    assert len(rows) == 20 and all(1 <= r["steps"] <= decisions.MAX_BUDGET + 1 for r in rows)
    assert sum(r["solved"] for r in rows) == sum(BY_ID[r["task_id"]].solved_by(STORED["react"][r["task_id"]].answer)
                                                 for r in rows)
    assert all(r["task_id"] in {t.id for t in tuning} for r in evaluate.replay_rows(STORED["react"], tuning))


def test_the_failure_labels_follow_their_order():
    single = BY_ID["rt05"]
    unanswerable = next(t for t in TASKS if not t.answerable)

    def made(answer=None, stop="answered", reads=(), passages=None):
        trace = Trace(task_id="t", task="q", answer=answer, stop_reason=stop)
        for doc in reads:
            trace.add(step=1, kind="tool", tool="read_document", arguments={"doc_id": doc}, observation="x",
                      prompt_tokens=0, completion_tokens=0, latency_s=0.0)
        if passages is not None:
            trace.add(step=2, kind="final", tool=None, arguments={"passages": passages}, observation="",
                      prompt_tokens=1, completion_tokens=1, latency_s=0.0)
        return trace
    assert diagnose.failure_kind(made("KeyError"), single) == "solved"
    assert diagnose.failure_kind(made(None, "loop"), single) == "no answer: loop"
    assert diagnose.failure_kind(made(None, "deadline"), single) == "no answer: budget"
    assert diagnose.failure_kind(made(None, "invalid calls"), single) == "no answer: broken"
    assert diagnose.failure_kind(made("I don't know"), single) == "abstained wrongly"
    assert diagnose.failure_kind(made("I don't know"), unanswerable) == "solved"
    assert diagnose.failure_kind(made("42"), unanswerable) == "answered the unanswerable"
    assert diagnose.failure_kind(made("x", passages=["typesmapping/3"]), single) == "wrong, evidence read"
    assert diagnose.failure_kind(made("x", reads=["with/1"]), single) == "wrong, evidence missed"


def test_compare_reports_success_with_an_interval_and_costs():
    held = load_tasks(split="heldout")
    table = evaluate.compare({a: STORED[a] for a in ("direct", "react")}, held)
    assert list(table.index) == ["direct", "react"] and (table["tasks"] == len(held)).all()
    assert ((table["ci_low"] <= table["success"]) & (table["success"] <= table["ci_high"])).all()
    assert table.loc["react", "llm_calls"] >= table.loc["direct", "llm_calls"] == 1.0
    assert (table[f"USD/1,000 tasks at {evaluate.PRICE_MODEL}"] > 0).all()
    paired = evaluate.paired_against({a: STORED[a] for a in ("direct", "react")}, held, "direct")
    difference = paired.loc["react", "difference"]
    assert paired.loc["react", "tasks"] == len(held) and difference.low <= difference.estimate <= difference.high


def test_no_quiz_key_in_the_package():
    """Notebook 03's quiz key lives in its hidden test cell only."""
    assert not hasattr(evaluate, "quiz_agents")
    from aisd.core import paths as _paths
    for path in (_paths.ROOT / "aisd" / "agents").glob("*.py"):
        assert "quiz" not in path.read_text(encoding="utf-8").lower(), f"{path.name} mentions a quiz"
