"""Item analysis for an instructor: which exercises a class finds hard, and which separate strong
students from weak ones, from the gradebook that ``aisd grade`` keeps.

    aisd items --course autograder/course [--out DIR]

Per exercise (an exercise's points are those of its one autograded test cell ``test_X``, or
``test_X_hidden`` for a quiz): the number of students, the **mean score** (share of the exercise's points), the
**share of zeros**, the **discrimination** and the most frequent **failing test messages** (the first
line of each failing test cell, read from the autograded notebooks). Written as a table, ``items.csv``
and ``items.png`` (mean score against discrimination, one dot per exercise).

**Discrimination** is the *corrected item-total correlation*: the Pearson correlation, over the
students who submitted the assignment, between their score on the exercise and their total score on
the *other* autograded exercises of the same assignment (the exercise itself left out, so it does not
correlate with itself). Near 0: the exercise does not separate strong from weak students (everyone
passes, everyone fails, or it measures something else); negative: the strong students fail it, so read
its tests. It needs 3 students whose scores differ; otherwise it is left empty.

>>> round(corrected_item_total([0, 1, 1, 0], [2, 5, 4, 1]), 3)
0.949
"""
from __future__ import annotations

import csv
import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from aisd.core.errors import AisdError
from aisd.course.cells import NotebookError, exercise_of, read
from aisd.course.nbgrader import Course
from aisd.course.selfcheck import first_problem

METHOD = "corrected item-total correlation (Pearson; the exercise left out of the total)"


def corrected_item_total(item: list[float], rest: list[float]) -> float:
    """Pearson correlation of an exercise's scores with the rest of the total; NaN when undefined
    (fewer than 3 students, or no spread in either)."""
    n = len(item)
    if n < 3:
        return math.nan
    mi, mr = sum(item) / n, sum(rest) / n
    cov = sum((a - mi) * (b - mr) for a, b in zip(item, rest))
    vi, vr = sum((a - mi) ** 2 for a in item), sum((b - mr) ** 2 for b in rest)
    return cov / math.sqrt(vi * vr) if vi > 0 and vr > 0 else math.nan


@dataclass
class Item:
    assignment: str
    exercise: str
    students: int
    mean_score: float          # share of the exercise's points, over students
    share_zeros: float
    discrimination: float     # NaN: not defined (see METHOD)
    max_points: float
    failures: list = field(default_factory=list)   # [(message, count)], most frequent first


@dataclass
class ItemAnalysis:
    items: list[Item]
    students: int
    csv_path: Path | None = None
    plot_path: Path | None = None

    def table(self) -> str:
        lines = [f"Item analysis of {self.students} student(s); discrimination = {METHOD}", "",
                 f"{'assignment':<28} {'exercise':<26} {'n':>3} {'mean':>6} {'zeros':>6} {'discr.':>7}  most frequent failure"]
        for i in self.items:
            disc = "-" if math.isnan(i.discrimination) else f"{i.discrimination:+.2f}"
            fail = f"{i.failures[0][1]}x {i.failures[0][0]}" if i.failures else ""
            lines.append(f"{i.assignment:<28} {i.exercise:<26} {i.students:>3} {i.mean_score:>6.0%} "
                         f"{i.share_zeros:>6.0%} {disc:>7}  {fail[:90]}")
        if self.csv_path:
            lines += ["", f"table: {self.csv_path}", f"plot: {self.plot_path}"]
        return "\n".join(lines)


def _scores(course: Course) -> dict[tuple[str, str], dict[str, list[float]]]:
    """``{(assignment, student): {test cell: [score, max_score]}}`` for the autograded test cells."""
    from nbgrader.api import Gradebook

    out: dict[tuple[str, str], dict[str, list[float]]] = {}
    with Gradebook(f"sqlite:///{course.gradebook}") as gb:
        for assignment in gb.assignments:
            for sub in assignment.submissions:
                cells = out.setdefault((assignment.name, sub.student_id), {})
                for nb in sub.notebooks:
                    for grade in nb.grades:
                        if grade.name.startswith("test_") and grade.cell_type == "code":
                            cells[grade.name] = [float(grade.score or 0), float(grade.max_score or 0)]
    return {k: v for k, v in out.items() if v}


def _failures(course: Course, assignment: str, student: str, failed: set[str]) -> dict[str, str]:
    """``{test cell: first line of what went wrong}`` from the student's autograded notebook."""
    try:
        nb = read(course.autograded_path(student, assignment))
    except NotebookError:
        return {}
    out = {}
    for cell in nb.cells:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
        if gid in failed:
            out[gid] = first_problem(cell) or "lost points without an error message"
    return out


def analyse(course_dir: str | Path) -> ItemAnalysis:
    """The item analysis of every autograded exercise in the course's gradebook."""
    course_dir = Path(course_dir)
    if not (course_dir / "gradebook.db").is_file():
        raise AisdError(f"no gradebook in {course_dir} (gradebook.db): grade the class first with "
                        f"`aisd grade SUBMISSIONS --course {course_dir}`")
    course = Course(course_dir)
    scores = _scores(course)
    if not scores:
        raise AisdError(f"the gradebook in {course_dir} holds no graded submission: run `aisd grade SUBMISSIONS "
                        f"--course {course_dir}` first")
    items = []
    for assignment in sorted({a for a, _ in scores}):
        students = sorted(s for a, s in scores if a == assignment)
        per_student: dict[str, dict[str, list[float]]] = {}
        messages: dict[str, Counter] = {}
        for student in students:
            cells = scores[(assignment, student)]
            failed = {c for c, (s, m) in cells.items() if s < m}
            for cell, text in _failures(course, assignment, student, failed).items():
                messages.setdefault(exercise_of(cell), Counter())[text] += 1
            for cell, (s, m) in cells.items():
                acc = per_student.setdefault(exercise_of(cell), {}).setdefault(student, [0.0, 0.0])
                acc[0] += s
                acc[1] += m
        totals = {st: sum(per_student[e][st][0] for e in per_student if st in per_student[e]) for st in students}
        for exercise in sorted(per_student):
            got = per_student[exercise]
            who = sorted(got)
            shares = [got[st][0] / got[st][1] if got[st][1] else 0.0 for st in who]
            item = [got[st][0] for st in who]
            rest = [totals[st] - got[st][0] for st in who]
            items.append(Item(assignment, exercise, len(who), sum(shares) / len(who),
                              sum(s == 0 for s in item) / len(who), corrected_item_total(item, rest),
                              max(got[st][1] for st in who), messages.get(exercise, Counter()).most_common(3)))
    return ItemAnalysis(items, len({s for _, s in scores}))


def write(analysis: ItemAnalysis, out: str | Path) -> ItemAnalysis:
    """``items.csv`` and ``items.png`` in ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    analysis.csv_path = out / "items.csv"
    with analysis.csv_path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["assignment", "exercise", "students", "max_points", "mean_score", "share_zeros",
                    "discrimination", "discrimination_method", "top_failures"])
        for i in analysis.items:
            w.writerow([i.assignment, i.exercise, i.students, f"{i.max_points:g}", f"{i.mean_score:.4f}",
                        f"{i.share_zeros:.4f}", "" if math.isnan(i.discrimination) else f"{i.discrimination:.4f}",
                        METHOD, " | ".join(f"{n}x {m}" for m, n in i.failures)])
    analysis.plot_path = out / "items.png"
    _plot(analysis, analysis.plot_path)
    return analysis


def _plot(analysis: ItemAnalysis, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    placed: dict[tuple, int] = {}
    for i in analysis.items:
        y = 0.0 if math.isnan(i.discrimination) else i.discrimination
        spot = (round(i.mean_score, 2), round(y, 2))
        placed[spot] = placed.get(spot, -1) + 1         # labels of dots on the same spot stack upwards
        ax.scatter(i.mean_score, y, s=40 + 200 * i.share_zeros, alpha=0.7,
                   marker="x" if math.isnan(i.discrimination) else "o", color="#1971c2")
        ax.annotate(f"{i.assignment[:2]} {i.exercise}", (i.mean_score, y), fontsize=7, xytext=(4, 3 + 9 * placed[spot]),
                    textcoords="offset points")
    ax.axhline(0.2, color="#868e96", linestyle="--", linewidth=0.8)
    ax.set_xlim(-0.05, 1.1)
    ax.set_ylim(-1.05, 1.05)
    ax.set_xlabel("mean score (share of the exercise's points)")
    ax.set_ylabel("discrimination (corrected item-total r)")
    ax.set_title(f"{len(analysis.items)} exercises, {analysis.students} students (x: not defined; size: share of zeros)",
                 fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
