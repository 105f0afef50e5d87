"""Unit tests of the package's notebook, course and CLI plumbing (no notebook is executed)."""
from __future__ import annotations

import nbformat
import pytest

from aisd.core import paths
from aisd.course import cells as notebook
from aisd.course.cells import exercise_of, metadata_problems


def cell(grade_id, grade=False, solution=False, locked=False, points=None, cell_type="code"):
    meta = {"schema_version": 3, "grade": grade, "solution": solution, "locked": locked, "grade_id": grade_id}
    if points is not None:
        meta["points"] = points
    make = nbformat.v4.new_code_cell if cell_type == "code" else nbformat.v4.new_markdown_cell
    return make("x = 1", metadata={"nbgrader": meta})


def nb_of(*cells):
    nb = nbformat.v4.new_notebook()
    nb.cells.extend(cells)
    return nb


def test_a_well_formed_exercise_has_no_problems():
    nb = nb_of(cell("ex_a", solution=True), cell("test_a", grade=True, locked=True, points=3))
    assert metadata_problems(nb) == []


@pytest.mark.parametrize("cells, expected", [
    ([cell("ex_a", solution=True), cell("ex_a", solution=True)], "used twice"),
    ([cell("ex_a", solution=True), cell("test_a", grade=True, locked=True)], "without points"),
    ([cell("ex_a", solution=True), cell("test_a", grade=True, points=1)], "must be locked"),
    ([cell("ex_a", solution=True)], "no test cell"),
    ([cell("test_b", grade=True, locked=True, points=1)], "no answer cell"),
    ([cell("bad id!", locked=True)], "characters outside"),
    ([cell("ex_a", solution=True), cell("test_a", grade=True, locked=True, points=1),
      cell("test_a_hidden", grade=True, locked=True, points=2)], "2 test cells"),
    ([cell("answer_a", solution=True), cell("test_a", grade=True, locked=True, points=1)], "named ex_"),
])
def test_metadata_problems_are_named(cells, expected):
    problems = metadata_problems(nb_of(*cells))
    assert any(expected in p for p in problems), problems


def test_exercise_of():
    assert exercise_of("test_recall_at_k_hidden") == "recall_at_k"
    assert exercise_of("test_recall_at_k") == "recall_at_k"


def test_read_reports_broken_files(tmp_path):
    bad = tmp_path / "x.ipynb"
    bad.write_text("{")
    with pytest.raises(notebook.NotebookError, match="not a readable notebook"):
        notebook.read(bad)


def test_assignments_are_numbered_in_course_order():
    names = paths.assignment_names()
    assert names[0] == "00_start_here"
    assert [n[:2] for n in names] == sorted(n[:2] for n in names)
