"""Discrimination: a plausible wrong answer to any exercise must lose that exercise's points.

For each notebook, the solution runs once in a fresh kernel. Just before each answer cell ``ex_X``,
every wrong answer for X (``tests/wrong_answers/NN_name.py``) is executed in its place, followed by the
cells up to X's last test cell; nbgrader's own scoring (``determine_grade``) must give at least one of
X's test cells less than full points. Then the real answer runs and the notebook goes on. One kernel per
notebook keeps this affordable; ``test_wrong_answer_loses_points_in_real_autograde`` shows, for one wrong
answer per notebook, that a copy of the notebook through real ``nbgrader autograde`` agrees.
"""
from __future__ import annotations

import copy

import nbformat
import pytest
from nbclient import NotebookClient
from nbgrader.utils import determine_grade

from aisd import paths
from aisd.course.nbgrader import nbgrader_env
from aisd.course.cells import answer_cells, autograded_tests, exercise_of, read
from aisd.course.selfcheck import check, first_problem
from conftest import wrong_answers

pytestmark = pytest.mark.slow


def test_every_exercise_has_wrong_answers(assignment):
    """Each autograded exercise has at least one wrong answer for the tests to reject."""
    nb = read(paths.SOLUTIONS / f"{assignment}.ipynb")
    exercises = {c.grade_id.removeprefix("ex_") for c in answer_cells(nb)}
    wrong = wrong_answers(assignment)
    missing = sorted(x for x in exercises if not wrong.get(x))
    assert not missing, f"{assignment}: no wrong answers in tests/wrong_answers for {missing}"
    unknown = sorted(set(wrong) - exercises)
    assert not unknown, f"{assignment}: wrong answers for exercises that do not exist: {unknown}"


def _grade_id(cell) -> str:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")


def test_wrong_answers_lose_points(assignment, monkeypatch):
    """Run every wrong answer in place of its exercise; each must fail at least one of its tests."""
    for key, value in nbgrader_env().items():
        monkeypatch.setenv(key, value)
    nb = read(paths.SOLUTIONS / f"{assignment}.ipynb")
    wrong = wrong_answers(assignment)
    tests_of: dict[str, list[int]] = {}
    for c in autograded_tests(nb):
        tests_of.setdefault(exercise_of(c.grade_id), []).append(c.index)
    client = NotebookClient(nb, timeout=180, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(paths.SOLUTIONS)}})
    accepted, broken = [], []
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            name = _grade_id(cell).removeprefix("ex_")
            if _grade_id(cell).startswith("ex_") and name in wrong:
                last = max(tests_of[name])
                for description, code in wrong[name].items():
                    scored = []
                    for j in range(index, last + 1):
                        trial = copy.deepcopy(nb.cells[j])
                        if j == index:
                            trial.source = code
                        client.execute_cell(trial, j)
                        if j == index and first_problem(trial):
                            broken.append(f"{name} / {description}: the wrong answer itself fails to run "
                                          f"({first_problem(trial)})")
                        if j in tests_of[name]:
                            score, max_score = determine_grade(trial)
                            scored.append(score < max_score)
                    if not any(scored):
                        accepted.append(f"{name} / {description}")
            if cell.cell_type == "code":
                client.execute_cell(cell, index)
    assert not broken, "\n".join(broken)
    assert not accepted, (f"{assignment}: these wrong answers pass all their exercise's tests "
                          "(a grade a wrong answer earns is a bug):\n" + "\n".join(accepted))


def test_wrong_answer_loses_points_in_real_autograde(assignment, tmp_path):
    """One wrong answer per notebook, put into a copy of the notebook and graded by nbgrader."""
    wrong = wrong_answers(assignment)
    if not wrong:
        pytest.fail(f"{assignment} has no wrong answers")
    exercise, answers = next(iter(wrong.items()))
    description, code = next(iter(answers.items()))
    nb = read(paths.SOLUTIONS / f"{assignment}.ipynb")
    for cell in nb.cells:
        if _grade_id(cell) == f"ex_{exercise}":
            cell.source = code
    copy_path = tmp_path / f"{assignment}.ipynb"
    nbformat.write(nb, copy_path)
    report = check(copy_path)
    got, possible = report.exercise_points(exercise)
    assert possible > 0
    assert got < possible, f"{assignment}: wrong answer '{description}' to {exercise} earned {got}/{possible}"
