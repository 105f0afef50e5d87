"""Item analysis (`aisd items`) on a class graded by the real `aisd grade`, and on bad input.

The class: five students of notebook 12 (cheap to autograde: no model), each with a known mix of right,
wrong and blank answers, so every figure of the analysis can be computed here independently."""
from __future__ import annotations

import csv
import math
import subprocess
import sys

import nbformat
import numpy as np
import pytest

from aisd.core import paths
from aisd.course.cells import answer_cells, read
from aisd.course.nbgrader import nbgrader_env
from conftest import slowness, wrong_answers

A = "12_mock_interview"


def aisd(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "aisd.course.cli", *args], capture_output=True, text=True,
                          timeout=timeout * slowness(), cwd=paths.ROOT)


def one_line_error(done, command="items"):
    lines = [ln for ln in done.stderr.splitlines() if ln.strip()]
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert len(lines) == 1 and lines[0].startswith(f"aisd {command}:"), done.stderr
    return lines[0]


def test_no_gradebook_gives_one_clear_line(tmp_path):
    assert "no gradebook" in one_line_error(aisd("items", "--course", str(tmp_path / "course")))


def test_an_empty_gradebook_gives_one_clear_line_and_exit_2(tmp_path, monkeypatch):
    """A gradebook with an assignment in it but no graded submission (the class has not been graded yet)."""
    from nbgrader.api import Gradebook

    for key, value in nbgrader_env().items():
        monkeypatch.setenv(key, value)
    course = tmp_path / "course"
    course.mkdir()
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        gb.add_assignment(A)
    assert "holds no graded submission" in one_line_error(aisd("items", "--course", str(course)))


# Which answers each student typed: "right" (the solution's), "blank" (the stub) or a wrong answer's description.
WRONG = wrong_answers(A)
CLASS = {
    "alice": {"search_requirements": "right", "search_design": "right", "has_fallback": "right", "quiz_interview": "right"},
    "bob": {},
    "carol": {"search_requirements": "right", "search_design": "right", "has_fallback": "counts the LLMs",
              "quiz_interview": "right"},
    "dave": {"search_requirements": "freshness of 15 written in the hours field",
             "search_design": "filters permissions after ranking (post-filter)", "has_fallback": "right",
             "quiz_interview": "draws first"},
    "erin": {"quiz_interview": "right", "search_requirements": "only the users changed, the rest left at the defaults"},
}


def _notebook(answers: dict, tmp_path, student: str):
    solution = {c.grade_id.removeprefix("ex_"): c.source for c in answer_cells(read(paths.SOLUTIONS / f"{A}.ipynb"))}
    nb = read(paths.NOTEBOOKS / f"{A}.ipynb")
    for cell in nb.cells:
        name = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "").removeprefix("ex_")
        if name in answers:
            cell.source = solution[name] if answers[name] == "right" else WRONG[name][answers[name]]
    path = tmp_path / "submissions" / student / f"{A}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


@pytest.mark.slow
def test_item_analysis_of_a_graded_class(tmp_path):
    for student, answers in CLASS.items():
        _notebook(answers, tmp_path, student)
    course = tmp_path / "course"
    graded = aisd("grade", str(tmp_path / "submissions"), "--course", str(course), timeout=900)
    assert graded.returncode == 0, graded.stdout + graded.stderr
    done = aisd("items", "--course", str(course))
    assert done.returncode == 0, done.stderr
    assert "corrected item-total correlation" in done.stdout

    from nbgrader.api import Gradebook

    score = {}          # (student, exercise) -> points, read from the gradebook cell by cell
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in CLASS:
            for grade in gb.find_submission_notebook(A, A, student).grades:
                if grade.name.startswith("test_"):
                    ex = grade.name.removeprefix("test_").removesuffix("_hidden")
                    score[(student, ex)] = score.get((student, ex), 0) + grade.score
    # Everything the class typed scores as intended: right answers full, blank and wrong ones less.
    for student, answers in CLASS.items():
        for ex in ("search_requirements", "search_design", "has_fallback", "quiz_interview"):
            full = answers.get(ex) == "right"
            assert (score[(student, ex)] == 2) is full, (student, ex, score[(student, ex)])

    with (course / "export" / "items.csv").open() as f:
        rows = {r["exercise"]: r for r in csv.DictReader(f)}
    assert set(rows) == {"search_requirements", "search_design", "has_fallback", "quiz_interview"}
    students = sorted(CLASS)
    total = {s: sum(score[(s, e)] for e in rows) for s in students}
    for ex, row in rows.items():
        item = np.array([score[(s, ex)] for s in students], float)
        rest = np.array([total[s] - score[(s, ex)] for s in students], float)
        assert int(row["students"]) == 5
        assert float(row["mean_score"]) == pytest.approx(item.mean() / 2, abs=1e-4)
        assert float(row["share_zeros"]) == pytest.approx((item == 0).mean(), abs=1e-4)
        want = np.corrcoef(item, rest)[0, 1]
        assert float(row["discrimination"]) == pytest.approx(want, abs=1e-4), ex
        assert not math.isnan(want)
    # Bob's and Erin's stubs fail the test cell: the most frequent failure; Dave's post-filter is named too.
    assert rows["search_design"]["top_failures"].startswith("2x not answered yet"), rows["search_design"]
    assert "permission check" in rows["search_design"]["top_failures"]
    assert (course / "export" / "items.png").stat().st_size > 10_000
