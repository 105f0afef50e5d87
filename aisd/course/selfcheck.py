"""Self-check for a learner studying alone: grade one notebook against the *full* tests.

``aisd check notebooks/02_rag_customer_support.ipynb`` puts the learner's notebook through the real
nbgrader pipeline, exactly as an instructor's autograde would: a course directory is built from the
matching solution notebook (which holds the hidden tests), the learner's answers are autograded there,
and the per-cell scores come from nbgrader's gradebook. nbgrader restores any test cell the learner
edited, so editing a test cannot earn points; the report says so.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from aisd.core import paths
from aisd.course.nbgrader import Course
from aisd.course.cells import NotebookError, exercise_of, graded_cells, read
from aisd.course.feedback import DesignAnswer, design_answers, format_design

STUDENT = "learner"


@dataclass
class CellScore:
    grade_id: str
    exercise: str
    points: float
    max_points: float
    kind: str          # "autograded" or "manual"
    message: str = ""

    @property
    def passed(self) -> bool:
        return self.kind == "autograded" and self.points >= self.max_points


@dataclass
class SelfCheck:
    assignment: str
    rows: list[CellScore] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    executed: object = None   # the notebook as nbgrader executed it (outputs included)
    designs: list[DesignAnswer] = field(default_factory=list)

    @property
    def autograded(self) -> list[CellScore]:
        return [r for r in self.rows if r.kind == "autograded"]

    @property
    def score(self) -> float:
        return sum(r.points for r in self.autograded)

    @property
    def max_score(self) -> float:
        return sum(r.max_points for r in self.autograded)

    @property
    def all_passed(self) -> bool:
        return bool(self.autograded) and all(r.passed for r in self.autograded)

    def exercise_points(self, exercise: str) -> tuple[float, float]:
        """(points earned, points possible) over the autograded test cells of one exercise."""
        rows = [r for r in self.autograded if r.exercise == exercise]
        return sum(r.points for r in rows), sum(r.max_points for r in rows)

    def table(self) -> str:
        lines = [f"Self-check of {self.assignment} (hidden tests included)", ""]
        head = f"{'exercise':<26} {'test cell':<34} {'points':>9}  result"
        lines += [head, "-" * len(head)]
        for r in self.rows:
            if r.kind == "manual":
                status = "graded by an instructor: see its rubric below"
                pts = f"-/{r.max_points:g}"
            else:
                status = "passed" if r.passed else "FAILED"
                pts = f"{r.points:g}/{r.max_points:g}"
            lines.append(f"{r.exercise:<26} {r.grade_id:<34} {pts:>9}  {status}")
            if r.message and not r.passed:
                lines.append(f"{'':<26}   -> {r.message}")
        lines += ["", f"Autograded score: {self.score:g} / {self.max_score:g}"]
        lines += self.notes
        return "\n".join(lines) + format_design(self.designs)


def first_problem(cell) -> str:
    """The first line of what went wrong in an executed cell, or '' if nothing did."""
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            value = (out.get("evalue") or "").strip().splitlines()
            text = f"{out.get('ename')}: {value[0]}" if value else out.get("ename", "error")
            if out.get("ename") == "NotImplementedError":
                text = "not answered yet (the stub still raises NotImplementedError)"
            if out.get("ename") in ("KeyboardInterrupt", "CellTimeoutError"):
                text = "stopped at the cell time limit (an infinite loop, or far too slow?)"
            return text[:300]
        if out.get("output_type") == "stream" and out.get("name") == "stderr":
            first = (out.get("text") or "").strip().splitlines()
            return "wrote to standard error (graded cells must not): " + (first[0][:200] if first else "")
    return ""


def find_assignment(nb, filename: str) -> str:
    """Match a learner's notebook to its assignment: by file name, else by its grade cell ids."""
    by_name = paths.assignment_of(filename)
    if by_name:
        return by_name
    names = paths.assignment_names()
    ids = {c.grade_id for c in graded_cells(nb)}
    best, overlap = None, 0
    for name in names:
        theirs = {c.grade_id for c in graded_cells(read(paths.SOLUTIONS / f"{name}.ipynb"))}
        if len(ids & theirs) > overlap:
            best, overlap = name, len(ids & theirs)
    if not best:
        raise NotebookError(f"{filename}: cannot tell which assignment this is (no known graded cells). "
                            f"Known assignments: {', '.join(names)}")
    return best


def edited_tests(learner_nb, *originals) -> list[str]:
    """grade_ids of locked cells whose text matches none of the originals (nbgrader restores them).

    The originals are the student version and the source (a solution notebook keeps its hidden tests).
    """
    known: dict[str, set[str]] = {}
    for nb in originals:
        for c in graded_cells(nb):
            if c.locked:
                known.setdefault(c.grade_id, set()).add(c.source.strip())
    return [c.grade_id for c in graded_cells(learner_nb)
            if c.grade_id in known and c.source.strip() not in known[c.grade_id]]


def check(notebook: str | Path, assignment: str | None = None, cell_timeout: int = 300,
          timeout: float = 1800) -> SelfCheck:
    """Grade ``notebook`` with nbgrader against the full tests of its assignment."""
    notebook = Path(notebook)
    learner_nb = read(notebook)
    if assignment and assignment not in paths.assignment_names():
        raise NotebookError(f"no assignment named {assignment!r} (have: {', '.join(paths.assignment_names())})")
    assignment = assignment or find_assignment(learner_nb, notebook.name)
    solution_nb = read(paths.SOLUTIONS / f"{assignment}.ipynb")
    with tempfile.TemporaryDirectory(prefix="aisd-check-") as tmp:
        course = Course(tmp)
        course.add_source(assignment)
        gen = course.generate(assignment)
        if not gen.ok:
            raise NotebookError(f"nbgrader generate_assignment failed for {assignment}:\n{gen.output}")
        release_nb = read(course.release_path(assignment))
        course.submit_local(STUDENT, assignment, notebook)
        result = course.autograde(assignment, STUDENT, timeout=timeout, cell_timeout=cell_timeout)
        graded = course.autograded_path(STUDENT, assignment)
        if result.timed_out:
            raise NotebookError(f"{notebook}: grading did not finish within {timeout:g} s.")
        if not result.ok or not graded.exists():
            raise NotebookError(f"{notebook}: nbgrader could not grade this notebook.\n"
                                + explain_failure(result.output, cell_timeout))
        scores = course.grades(assignment, STUDENT)
        executed = read(graded)
    report = SelfCheck(assignment, executed=executed)
    cells_by_id = {c.get("metadata", {}).get("nbgrader", {}).get("grade_id"): c for c in executed.cells}
    for cell in graded_cells(solution_nb):
        score, max_score = scores.get(cell.grade_id, (0.0, cell.points))
        kind = "manual" if cell.manual else "autograded"
        exercise = cell.grade_id.removeprefix("design_") if kind == "manual" else exercise_of(cell.grade_id)
        message = first_problem(cells_by_id.get(cell.grade_id, {})) if kind == "autograded" else ""
        report.rows.append(CellScore(cell.grade_id, exercise, score, max_score, kind, message))
    report.designs = design_answers(solution_nb, learner_nb)
    edited = edited_tests(learner_nb, release_nb, solution_nb)
    if edited:
        report.notes.append("Note: you edited the test cell(s) " + ", ".join(edited)
                            + "; the original tests were restored for grading.")
    return report


def explain_failure(output: str, cell_timeout: int) -> str:
    """Turn nbgrader's log into the few lines a learner needs."""
    lines = [ln for ln in output.splitlines() if ln.strip()]
    if any("CellTimeoutError" in ln or "timed out" in ln.lower() for ln in lines):
        return (f"A cell ran longer than {cell_timeout} s (an infinite loop?) and was stopped. "
                "Fix that cell and check again.")
    if any("DeadKernelError" in ln for ln in lines):
        return ("The Python kernel died while running this notebook (a cell exited the process, ran out "
                "of memory or crashed). Run it from a fresh kernel in JupyterLab to find that cell.")
    if any("missing" in ln.lower() and "cell" in ln.lower() for ln in lines):
        return ("A graded cell is missing from the notebook (deleted?). "
                "Copy it back from notebooks/ in the course repository.\n" + "\n".join(lines[-5:]))
    keep = [ln for ln in lines if "[ERROR]" in ln or "Error" in ln][-8:] or lines[-8:]
    return "\n".join(keep)
