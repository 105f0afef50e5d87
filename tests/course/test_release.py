"""notebooks/ is exactly what the release generates from solutions/, and the metadata is sound."""
from __future__ import annotations

import json

import pytest

from aisd.core import paths
from aisd.course.cells import graded_cells, metadata_problems, nbgrader_cells, read
from aisd.course.release import release, student_version


def test_every_solution_has_a_student_version():
    """One student notebook per solution notebook, and nothing else in notebooks/."""
    solutions = {p.name for p in paths.SOLUTIONS.glob("*.ipynb")}
    students = {p.name for p in paths.NOTEBOOKS.glob("*.ipynb")}
    assert solutions, "solutions/ holds no notebook"
    assert solutions == students, f"solutions/ and notebooks/ differ: {sorted(solutions ^ students)}"


def test_notebooks_are_the_current_release():
    """notebooks/ equals what `make release` generates today (run `make release` if this fails)."""
    stale = release(check=True)
    assert not stale, f"notebooks/ is stale for {stale}: run `make release` and commit the result"


@pytest.mark.parametrize("folder", ["solutions", "notebooks"])
def test_stored_without_outputs(folder, assignment):
    """Notebooks are stored without outputs, execution counts, or jupytext pairing metadata."""
    path = paths.ROOT / folder / f"{assignment}.ipynb"
    nb = json.loads(path.read_text())
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"{path.name} cell {i} has stored outputs"
            assert cell["execution_count"] is None, f"{path.name} cell {i} has an execution count"
    assert "jupytext" not in nb["metadata"], f"{path.name} carries jupytext metadata"
    assert nb["metadata"]["kernelspec"]["name"] == "python3"


def test_nbgrader_metadata_is_valid(assignment):
    """Unique grade_ids, points on every graded cell, the course's naming of answers and tests."""
    nb = read(paths.SOLUTIONS / f"{assignment}.ipynb")
    assert metadata_problems(nb) == []
    for cell in nbgrader_cells(nb):
        assert cell.grade_id, f"cell {cell.index} has nbgrader metadata but no grade_id"
    assert any(c.grade for c in graded_cells(nb)), f"{assignment} has no graded cell"


def test_student_version_hides_solutions_and_hidden_tests(assignment):
    """The student version has no solution code and no hidden-test block."""
    text = (paths.NOTEBOOKS / f"{assignment}.ipynb").read_text()
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
        assert marker not in text, f"notebooks/{assignment}.ipynb still contains '{marker}'"


def test_release_refuses_bad_metadata(tmp_path):
    """A source notebook with a duplicated grade_id is refused with a message naming it."""
    from aisd.course.cells import NotebookError

    nb = read(paths.SOLUTIONS / "00_start_here.ipynb")
    ids = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "test_cosine_similarity"]
    ids[0].metadata["nbgrader"]["grade_id"] = "ex_cosine_similarity"
    import nbformat

    bad = tmp_path / "00_start_here.ipynb"
    nbformat.write(nb, bad)
    with pytest.raises(NotebookError, match="used twice"):
        student_version("00_start_here", bad)
