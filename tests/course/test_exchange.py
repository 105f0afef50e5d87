"""The class workflow through nbgrader's exchange on one machine, for two students.

release -> fetch -> submit -> collect -> autograde -> feedback (generate, release, fetch), with a
student who solved the exercise and one who handed the notebook in blank.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from aisd.core import paths
from aisd.course.nbgrader import Course, nbgrader_env

pytestmark = pytest.mark.slow
ASSIGNMENT = "00_start_here"


def student_cmd(home: Path, exchange: Path, *args: str) -> str:
    """An nbgrader command run as that student: own HOME and user name, as on a shared JupyterHub.

    nbgrader keeps each user's submissions in a cache under HOME; with one HOME for both students,
    fetch_feedback hands alice bob's feedback too (seen in a CI run before this was fixed).
    """
    cmd = [sys.executable, "-m", "nbgrader", *args, "--course=aisd", f"--Exchange.root={exchange}"]
    env = nbgrader_env()
    for name in ("JUPYTER_DATA_DIR", "JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR"):
        env.pop(name, None)
    env.update(HOME=str(home), USER=home.name, LOGNAME=home.name)
    proc = subprocess.run(cmd, cwd=home, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"{' '.join(args)} failed:\n{proc.stdout}{proc.stderr}"
    return proc.stdout + proc.stderr


def solve(notebook: Path) -> None:
    """Put the instructor's answer into the fetched student notebook (as a learner would type it)."""
    solution = {c.metadata["nbgrader"]["grade_id"]: c.source
                for c in nbformat.read(paths.SOLUTIONS / f"{ASSIGNMENT}.ipynb", 4).cells
                if c.metadata.get("nbgrader", {}).get("solution")}
    nb = nbformat.read(notebook, 4)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in solution:
            cell.source = "\n".join(line for line in solution[gid].splitlines()
                                    if "### BEGIN SOLUTION" not in line and "### END SOLUTION" not in line)
    nbformat.write(nb, notebook)


def test_release_fetch_submit_collect_autograde_feedback(tmp_path):
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    course = Course(tmp_path / "course")
    course.add_source(ASSIGNMENT)
    ex = f"--Exchange.root={exchange}"
    assert course.generate(ASSIGNMENT).ok
    result = course.nbgrader("release_assignment", ASSIGNMENT, ex)
    assert result.ok, result.output

    for student in ("alice", "bob"):
        home = tmp_path / student
        home.mkdir()
        student_cmd(home, exchange, "fetch_assignment", ASSIGNMENT)
        fetched = next(home.rglob(f"{ASSIGNMENT}.ipynb"))
        if student == "alice":
            solve(fetched)
        student_cmd(home, exchange, "submit", ASSIGNMENT, f"--student={student}")

    result = course.nbgrader("collect", ASSIGNMENT, ex)
    assert result.ok, result.output
    for student in ("alice", "bob"):
        result = course.autograde(ASSIGNMENT, student)
        assert result.ok, result.output

    with Gradebook(f"sqlite:///{course.gradebook}") as gb:
        scores = {s: gb.find_submission(ASSIGNMENT, s).score for s in ("alice", "bob")}
        max_score = gb.find_assignment(ASSIGNMENT).max_code_score     # autograded; design answers are graded by hand
    assert max_score > 0
    assert scores == {"alice": max_score, "bob": 0}, f"expected alice full marks and bob 0, got {scores}"

    assert course.nbgrader("generate_feedback", ASSIGNMENT).ok
    assert course.nbgrader("release_feedback", ASSIGNMENT, ex).ok
    for student in ("alice", "bob"):
        home = tmp_path / student
        student_cmd(home, exchange, "fetch_feedback", ASSIGNMENT, f"--student={student}")
        html = list(home.rglob("feedback/*/*.html"))
        assert len(html) == 1, f"{student} should receive exactly their own feedback, got {html}"
        text = html[0].read_text()
        if student == "alice":   # a passing hidden test cell shows nothing of the hidden part
            assert "_sk_cosine" not in text, f"{student}'s feedback shows the hidden tests"
            assert "most recent call last" not in text, "alice solved the notebook: her feedback should show no error"
        else:                    # nbgrader shows a failing cell's traceback, so only check it is bob's
            assert "most recent call last" in text and "NotImplementedError" in text, "bob handed in a blank notebook: his feedback should show the stub error"
        assert "test_cosine_similarity" in text or "cosine_similarity" in text
