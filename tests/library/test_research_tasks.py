"""The labelled research tasks (datasets/research_tasks): format, mix, splits, and every label checked
against the corpus; the checks themselves must catch a wrong label."""
from __future__ import annotations

import dataclasses
from collections import Counter

import pytest

from aisd import paths
from aisd.agents.tasks import KINDS, TaskError, load_tasks, problems
from aisd.datasets import load_beir

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


def test_every_reference_answer_is_a_success_and_a_wrong_one_is_not():
    for task in TASKS:
        assert task.solved_by(task.answer), task.id
        assert not task.solved_by("a completely unrelated reply about spreadsheets"), task.id
