"""Class grading for an instructor: autograde a folder of submissions with nbgrader.

    aisd grade SUBMISSIONS --course autograder/course

``SUBMISSIONS`` holds one folder per student, each with that student's notebooks named like the
course's (``alice/00_start_here.ipynb``). The course directory keeps nbgrader's gradebook between runs.
For each student and assignment the command runs the real ``nbgrader autograde`` (one subprocess each,
so a crash, a hang or a broken notebook stops only that submission), then writes feedback HTML with
hidden tests removed (``nbgrader generate_feedback``) and ``grades.csv``.

Nothing already recorded is lost on a re-run: an unchanged submission is not graded again, and when a
new submission cannot be graded the gradebook is restored to what it held before that attempt (the
earlier grade stays, and the CSV says why the new one is missing).
"""
from __future__ import annotations

import csv
import hashlib
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from aisd.core import paths
from aisd.core.errors import AisdError
from aisd.course.nbgrader import Course
from aisd.course.cells import NotebookError, read
from aisd.course.selfcheck import explain_failure


@dataclass
class SubmissionResult:
    student: str
    assignment: str
    status: str            # graded | unchanged | error
    score: float | None = None
    max_score: float | None = None
    detail: str = ""


@dataclass
class ClassResults:
    outcomes: list[SubmissionResult] = field(default_factory=list)
    csv_path: Path | None = None
    feedback_dir: Path | None = None

    @property
    def errors(self) -> list[SubmissionResult]:
        return [o for o in self.outcomes if o.status == "error"]

    def table(self) -> str:
        lines = [f"{'student':<16} {'assignment':<32} {'score':>11}  status"]
        for o in self.outcomes:
            score = f"{o.score:g}/{o.max_score:g}" if o.score is not None else "-"
            lines.append(f"{o.student:<16} {o.assignment:<32} {score:>11}  {o.status}"
                         + (f": {o.detail}" if o.detail else ""))
        lines.append(f"\ngrades: {self.csv_path}\nfeedback: {self.feedback_dir}")
        return "\n".join(lines)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _state(course: Course) -> dict:
    f = course.root / "aisd_state.json"
    return json.loads(f.read_text()) if f.exists() else {}


def _save_state(course: Course, state: dict) -> None:
    (course.root / "aisd_state.json").write_text(json.dumps(state, indent=1, sort_keys=True))


def prepare(course: Course, assignment: str, state: dict) -> None:
    """Put the assignment in the gradebook, once per version of its solution notebook."""
    digest = _digest(paths.SOLUTIONS / f"{assignment}.ipynb")
    if state.get("sources", {}).get(assignment) == digest and course.release_path(assignment).exists():
        return
    course.add_source(assignment)
    result = course.generate(assignment)
    if not result.ok:
        raise AisdError(f"nbgrader generate_assignment {assignment} failed:\n{result.output}")
    state.setdefault("sources", {})[assignment] = digest


def grade_one(course: Course, student: str, assignment: str, notebook: Path, state: dict,
              cell_timeout: int, timeout: float) -> SubmissionResult:
    key = f"{student}/{assignment}"
    digest = _digest(notebook)
    if state.get("graded", {}).get(key) == digest:
        return SubmissionResult(student, assignment, "unchanged")
    try:
        read(notebook)
    except NotebookError as exc:
        return SubmissionResult(student, assignment, "error", detail=str(exc).splitlines()[0])
    backup = course.root / "gradebook.db.before-autograde"
    shutil.copyfile(course.gradebook, backup)
    course.submit_local(student, assignment, notebook)
    result = course.autograde(assignment, student, timeout=timeout, cell_timeout=cell_timeout)
    if not result.ok or not course.autograded_path(student, assignment).exists():
        shutil.copyfile(backup, course.gradebook)   # keep every grade recorded before this attempt
        detail = (f"did not finish within {timeout:g} s" if result.timed_out
                  else explain_failure(result.output, cell_timeout).splitlines()[-1])
        return SubmissionResult(student, assignment, "error", detail=detail)
    backup.unlink()
    state.setdefault("graded", {})[key] = digest
    return SubmissionResult(student, assignment, "graded", detail=_remarks(course, student, assignment, notebook))


def _remarks(course: Course, student: str, assignment: str, notebook: Path) -> str:
    """What an instructor should know about a graded submission: timeouts, edited tests."""
    from aisd.course.selfcheck import edited_tests

    remarks = []
    graded = read(course.autograded_path(student, assignment))
    timed_out = {c.metadata.get("nbgrader", {}).get("grade_id", f"cell {i}")
                 for i, c in enumerate(graded.cells)
                 for o in c.get("outputs", []) if o.get("ename") == "CellTimeoutError"}
    if timed_out:
        remarks.append("stopped after the cell time limit in " + ", ".join(sorted(timed_out)))
    edited = edited_tests(read(notebook), read(course.release_path(assignment)),
                          read(course.source_path(assignment)))
    if edited:
        remarks.append("edited test cells (originals restored): " + ", ".join(edited))
    return "; ".join(remarks)


def prepare_course(course_dir: str | Path) -> Course:
    """An nbgrader course directory with every assignment of solutions/ generated (for the formgrader)."""
    course = Course(course_dir)
    state = _state(course)
    for assignment in paths.assignment_names():
        prepare(course, assignment, state)
    _save_state(course, state)
    return course


def grade_submissions(submissions: str | Path, course_dir: str | Path, out: str | Path | None = None,
                      cell_timeout: int = 300, timeout: float = 1800) -> ClassResults:
    """Autograde every ``STUDENT/NN_name.ipynb`` under ``submissions`` in the course directory."""
    submissions = Path(submissions)
    if not submissions.is_dir():
        raise AisdError(f"{submissions} is not a folder (expected one sub-folder per student, "
                        "each with notebooks named like the course's, e.g. alice/00_start_here.ipynb)")
    course = Course(course_dir)
    out = Path(out) if out else course.root / "export"
    state = _state(course)
    summary = ClassResults()
    for student_dir in sorted(p for p in submissions.iterdir() if p.is_dir()):
        student = student_dir.name
        for notebook in sorted(student_dir.glob("*.ipynb")):
            assignment = paths.assignment_of(notebook)
            if assignment is None:
                summary.outcomes.append(SubmissionResult(student, notebook.stem, "error",
                                                detail="not a notebook of this course (unknown name)"))
                continue
            prepare(course, assignment, state)
            outcome = grade_one(course, student, assignment, notebook, state, cell_timeout, timeout)
            summary.outcomes.append(outcome)
            _save_state(course, state)
    _fill_scores(course, summary)
    summary.feedback_dir = _feedback(course, summary, out)
    summary.csv_path = _write_csv(course, summary, out)
    return summary


def _fill_scores(course: Course, summary: ClassResults) -> None:
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(f"sqlite:///{course.gradebook}") as gb:
        for o in summary.outcomes:
            try:
                sub = gb.find_submission(o.assignment, o.student)
            except MissingEntry:
                if o.status == "graded":      # never an empty score beside "graded": say what happened
                    o.status, o.detail = "error", "nbgrader recorded no score for this submission; grade it again"
                continue
            o.score, o.max_score = float(sub.score), float(sub.max_score)
            if o.status == "error":
                o.detail += " (the earlier grade is kept)"


def _feedback(course: Course, summary: ClassResults, out: Path) -> Path:
    target = out / "feedback"
    for o in summary.outcomes:
        if o.status != "graded":
            continue
        course.nbgrader("generate_feedback", o.assignment, f"--student={o.student}", "--force")
        html = course.root / "feedback" / o.student / o.assignment / f"{o.assignment}.html"
        if html.exists():
            dst = target / o.student / f"{o.assignment}.html"
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(html, dst)
    return target


def _write_csv(course: Course, summary: ClassResults, out: Path) -> Path:
    """grades.csv: every submission in the gradebook, plus this run's status for each."""
    from nbgrader.api import Gradebook

    out.mkdir(parents=True, exist_ok=True)
    status = {(o.student, o.assignment): o for o in summary.outcomes}
    path = out / "grades.csv"
    with Gradebook(f"sqlite:///{course.gradebook}") as gb, path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student", "assignment", "score", "max_score", "needs_manual_grade", "status", "detail"])
        rows = set()
        for assignment in gb.assignments:
            for sub in assignment.submissions:
                o = status.get((sub.student_id, assignment.name))
                rows.add((sub.student_id, assignment.name))
                w.writerow([sub.student_id, assignment.name, f"{sub.score:g}", f"{sub.max_score:g}",
                            sub.needs_manual_grade, o.status if o else "recorded earlier",
                            o.detail if o else ""])
        for o in summary.outcomes:
            if (o.student, o.assignment) not in rows:
                w.writerow([o.student, o.assignment, "", "", "", o.status, o.detail])
    return path


__all__ = ["grade_submissions", "prepare_course", "ClassResults", "SubmissionResult"]
