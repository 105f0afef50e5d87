"""The course's nbgrader cell conventions: which cells of a notebook are answers, tests, tasks.

The course's conventions (checked by the tests):

- an autograded answer cell has ``grade_id`` ``ex_<name>`` (nbgrader: solution, not grade);
- its one test cell has ``grade_id`` ``test_<name>`` (grade, locked, all the exercise's points): the visible checks, then
  the hidden ones between nbgrader's markers, so failing any check scores zero on the exercise (a quiz's cell, with
  hidden checks only, may be named ``test_<name>_hidden``);
- a manually graded answer has ``grade_id`` ``design_<name>`` (grade and solution, points).

>>> import nbformat

from aisd.core.errors import AisdError
>>> nb = nbformat.v4.new_notebook()
>>> nb.cells.append(nbformat.v4.new_code_cell("x = 1", metadata={"nbgrader": {
...     "schema_version": 3, "grade": True, "solution": False, "locked": True,
...     "grade_id": "test_x", "points": 2}}))
>>> [c.grade_id for c in graded_cells(nb)]
['test_x']
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from aisd.core.errors import AisdError

GRADE_ID = re.compile(r"^[A-Za-z0-9_-]+$")


class NotebookError(AisdError):
    """A notebook that cannot be read or graded, with a message a learner can act on."""


@dataclass(frozen=True)
class Cell:
    index: int
    grade_id: str
    cell_type: str
    grade: bool
    solution: bool
    locked: bool
    task: bool
    points: float
    source: str

    @property
    def autograded_test(self) -> bool:
        return self.grade and not self.solution and self.cell_type == "code"

    @property
    def autograded_answer(self) -> bool:
        return self.solution and not self.grade and self.cell_type == "code"

    @property
    def manual(self) -> bool:
        return (self.grade and self.solution) or self.task


def read(path: str | Path) -> nbformat.NotebookNode:
    """Read a notebook, turning every way it can be broken into one clear NotebookError."""
    path = Path(path)
    if not path.exists():
        raise NotebookError(f"{path}: no such file")
    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception as exc:  # JSON errors, wrong nbformat, truncated files
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise NotebookError(f"{path} is not a readable notebook ({first}). "
                            "Restore it from a backup or from notebooks/ in the course repository.") from None
    return nb


def nbgrader_cells(nb) -> list[Cell]:
    """Every cell that carries nbgrader metadata, in notebook order."""
    out = []
    for i, cell in enumerate(nb.cells):
        meta = cell.get("metadata", {}).get("nbgrader")
        if not meta:
            continue
        out.append(Cell(
            index=i, grade_id=meta.get("grade_id", ""), cell_type=cell.cell_type,
            grade=bool(meta.get("grade")), solution=bool(meta.get("solution")),
            locked=bool(meta.get("locked")), task=bool(meta.get("task")),
            points=float(meta.get("points", 0) or 0), source=cell.source,
        ))
    return out


def graded_cells(nb) -> list[Cell]:
    """Cells that carry points (autograded tests, manual answers, tasks)."""
    return [c for c in nbgrader_cells(nb) if c.grade or c.task]


def autograded_tests(nb) -> list[Cell]:
    return [c for c in nbgrader_cells(nb) if c.autograded_test]


def answer_cells(nb) -> list[Cell]:
    return [c for c in nbgrader_cells(nb) if c.autograded_answer]


def exercise_of(test_id: str) -> str:
    """The exercise a test cell belongs to: ``test_peak_qps_hidden`` -> ``peak_qps``.

    >>> exercise_of("test_peak_qps_hidden"), exercise_of("test_peak_qps")
    ('peak_qps', 'peak_qps')
    """
    name = test_id.removeprefix("test_")
    return name.removesuffix("_hidden")


def metadata_problems(nb) -> list[str]:
    """What is wrong with a source notebook's nbgrader metadata (empty list: nothing)."""
    problems = []
    seen: set[str] = set()
    for c in nbgrader_cells(nb):
        where = f"cell {c.index}"
        if (c.grade or c.solution or c.locked or c.task) and not c.grade_id:
            problems.append(f"{where}: nbgrader cell without a grade_id")
            continue
        if c.grade_id and not GRADE_ID.match(c.grade_id):
            problems.append(f"{where}: grade_id {c.grade_id!r} has characters outside [A-Za-z0-9_-]")
        if c.grade_id in seen:
            problems.append(f"{where}: grade_id {c.grade_id!r} is used twice")
        seen.add(c.grade_id)
        if (c.grade or c.task) and c.points <= 0:
            problems.append(f"{where} ({c.grade_id}): graded cell without points")
        if c.autograded_test:
            if not c.locked:
                problems.append(f"{where} ({c.grade_id}): test cell must be locked")
            if not c.grade_id.startswith("test_"):
                problems.append(f"{where} ({c.grade_id}): test cells are named test_<exercise>[_hidden]")
        if c.autograded_answer and not c.grade_id.startswith("ex_"):
            problems.append(f"{where} ({c.grade_id}): autograded answers are named ex_<exercise>")
    answers = {c.grade_id.removeprefix("ex_") for c in answer_cells(nb)}
    tests = {exercise_of(c.grade_id) for c in autograded_tests(nb)}
    ids_of: dict[str, list[str]] = {}
    for c in autograded_tests(nb):
        ids_of.setdefault(exercise_of(c.grade_id), []).append(c.grade_id)
    for name, ids in sorted(ids_of.items()):
        if len(ids) > 1:
            problems.append(f"exercise {name!r} has {len(ids)} test cells ({', '.join(ids)}): keep its checks in one "
                            f"cell test_{name}, visible then hidden, so an answer that fails any check scores zero")
    for name in sorted(answers - tests):
        problems.append(f"exercise {name!r} has an answer cell but no test cell test_{name}")
    for name in sorted(tests - answers):
        problems.append(f"test_{name}: no answer cell ex_{name}")
    return problems
