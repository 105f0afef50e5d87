"""Every solution earns full marks and every student version zero, through real nbgrader autograde."""
from __future__ import annotations

import pytest

from aisd import paths
from aisd.course.cells import answer_cells, read
from aisd.course.selfcheck import check

pytestmark = pytest.mark.slow


def test_solution_autogrades_to_full_marks(assignment):
    """The instructor's notebook passes every autograded test, hidden ones included."""
    report = check(paths.SOLUTIONS / f"{assignment}.ipynb")
    failed = [f"{r.grade_id}: {r.message}" for r in report.autograded if not r.passed]
    assert report.max_score > 0, f"{assignment} has no autograded points"
    assert not failed, f"{assignment} solution lost points:\n" + "\n".join(failed)
    assert report.all_passed


def test_student_version_scores_zero(assignment):
    """The released notebook earns nothing, and fails only by the stubs' NotImplementedError."""
    report = check(paths.NOTEBOOKS / f"{assignment}.ipynb")
    assert report.score == 0, f"{assignment} student version earned {report.score} points: " + ", ".join(
        r.grade_id for r in report.autograded if r.points)
    first_answer = min(c.index for c in answer_cells(read(paths.NOTEBOOKS / f"{assignment}.ipynb")))
    errors = [(i, o.get("ename")) for i, cell in enumerate(report.executed.cells)
              for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    assert errors, "the student version raised nothing: are the stubs missing?"
    before = [(i, e) for i, e in errors if i < first_answer]
    assert not before, f"errors before the first exercise (cell {first_answer}): {before}"
    first_index, first_name = errors[0]
    assert first_name == "NotImplementedError", (
        f"the first error in the student version (cell {first_index}) is {first_name}, "
        "not the stub's NotImplementedError")
