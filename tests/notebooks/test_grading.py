"""Through real nbgrader autograde: every student version earns nothing, even with a wrong answer and a
delegating answer typed in; and ``aisd check`` of a solution gives full marks, end to end.

A notebook is executed twice in the whole suite: its student version here, and its solution in
test_discrimination.py, where that one run also proves the solution raises nothing and earns every
point under nbgrader's own scoring, and every wrong answer scores zero. The end-to-end self-check of a
solution runs for the start notebook only (it is the same code path for every notebook).
"""
from __future__ import annotations

import pytest

from aisd.toolkit import exercises

from aisd.core import paths
from aisd.course.cells import answer_cells, read
from aisd.course.selfcheck import check
from conftest import delegating_answer, wrong_answers

pytestmark = pytest.mark.slow


def _errors(executed) -> list[tuple[int, str, str]]:
    return [(i, o.get("ename", ""), (o.get("evalue") or "").splitlines()[0] if o.get("evalue") else "")
            for i, cell in enumerate(executed.cells) for o in cell.get("outputs", [])
            if o.get("output_type") == "error"]


def test_self_check_of_a_solution_gives_full_marks():
    """`aisd check` on the instructor's start notebook: real nbgrader, hidden tests included, full marks,
    no error in any cell."""
    assignment = paths.assignment_names()[0]
    report = check(paths.SOLUTIONS / f"{assignment}.ipynb")
    assert report.max_score > 0, f"{assignment} has no autograded points"
    errors = _errors(report.executed)
    assert not errors, f"{assignment}: cells raised from a fresh kernel: {errors}"
    failed = [f"{r.grade_id}: {r.message}" for r in report.autograded if not r.passed]
    assert not failed, f"{assignment} solution lost points:\n" + "\n".join(failed)


def _student_copy_with(assignment: str, answers: dict[str, str], tmp_path):
    """The released notebook with some answer cells filled in (as a learner would type them)."""
    nb = read(paths.NOTEBOOKS / f"{assignment}.ipynb")
    for cell in nb.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
        if grade_id.removeprefix("ex_") in answers and grade_id.startswith("ex_"):
            cell.source = answers[grade_id.removeprefix("ex_")]
    import nbformat

    path = tmp_path / f"{assignment}.ipynb"
    nbformat.write(nb, path)
    return path


def test_student_version_scores_zero_even_with_a_wrong_and_a_delegating_answer(assignment, tmp_path):
    """The released notebook earns nothing. Its first exercise gets a plausible wrong answer and its
    first function exercise a delegating one (it calls the package's reference answer): real nbgrader
    gives both zero. Nothing raises before the first exercise, and the first stub left raises
    NotImplementedError."""
    solution = read(paths.SOLUTIONS / f"{assignment}.ipynb")
    answers = answer_cells(solution)
    exercise_order = [c.grade_id.removeprefix("ex_") for c in answers]
    filled: dict[str, str] = {}
    wrong = wrong_answers(assignment)
    first = exercise_order[0]
    if wrong.get(first):
        filled[first] = next(iter(wrong[first].values()))
    sources = {c.grade_id.removeprefix("ex_"): c.source for c in answers}
    for name in exercise_order:
        if name in filled:
            continue
        try:
            ref = exercises.reference_for(assignment[:2], name)
        except LookupError:
            continue
        code = delegating_answer(ref, sources[name])
        if code:
            filled[name] = code
            break
    report = check(_student_copy_with(assignment, filled, tmp_path))
    earned = {r.grade_id: r.points for r in report.autograded if r.points}
    assert report.score == 0, f"{assignment}: the student version earned points: {earned} (filled in: {sorted(filled)})"

    stub_cells = [c.index for c in answer_cells(read(paths.NOTEBOOKS / f"{assignment}.ipynb"))
                  if c.grade_id.removeprefix("ex_") not in filled]
    errors = _errors(report.executed)
    assert errors, "the student version raised nothing: are the stubs missing?"
    first_answer = min(c.index for c in answers)
    before = [e for e in errors if e[0] < first_answer]
    assert not before, f"errors before the first exercise (cell {first_answer}): {before}"
    if stub_cells:
        first_stub = min(stub_cells)
        after = [e for e in errors if e[0] >= first_stub]
        assert after and after[0][1] == "NotImplementedError", (
            f"the first error at or after the first stub left (cell {first_stub}) should be the stub's "
            f"NotImplementedError; errors: {after[:5]}")
