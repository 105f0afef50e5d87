"""Self-check and class grading on bad input: clear errors, and nothing recorded is lost."""
from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from aisd.core import paths
from conftest import slowness

pytestmark = pytest.mark.slow
A = "00_start_here"


def aisd(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "aisd.course.cli", *args], capture_output=True, text=True,
                          timeout=timeout * slowness(), cwd=paths.ROOT)


def cell_timeout(quiet_seconds: float = 8) -> str:
    """A cell time limit that the looping answers hit, and that no honest cell hits even on a busy
    machine: scaled by how slow the machine is right now (a fixed 5 s failed a run at load 6)."""
    return str(round(quiet_seconds * slowness()))


def variant(tmp: Path, name: str, answer: str | None = None, test_source: str | None = None,
            base: Path = paths.NOTEBOOKS / f"{A}.ipynb") -> Path:
    """A copy of the student notebook with the answer cell and/or the first test cell replaced."""
    nb = nbformat.read(base, 4)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid == "ex_cosine_similarity" and answer is not None:
            cell.source = answer
        if gid == "test_cosine_similarity" and test_source is not None:
            cell.source = test_source
    path = tmp / name / f"{A}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


RIGHT = "import numpy as np\ndef cosine_similarity(a, b):\n    a, b = np.asarray(a, float), np.asarray(b, float)\n" \
        "    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))\n"
LOOP = "def cosine_similarity(a, b):\n    while True:\n        pass\n"
CRASH = "import os\nos._exit(1)\n"
CHEAT = "def cosine_similarity(a, b):\n    return 0.7071067811865476\n"


def test_check_malformed_notebook(tmp_path):
    """A notebook that is not JSON gets a clear error and exit code 2, not a traceback."""
    bad = tmp_path / f"{A}.ipynb"
    bad.write_text('{"cells": [ {')
    r = aisd("check", str(bad))
    assert r.returncode == 2, r.stdout + r.stderr
    assert "is not a readable notebook" in r.stderr and "Traceback" not in r.stderr


def test_check_missing_file(tmp_path):
    r = aisd("check", str(tmp_path / "nope.ipynb"))
    assert r.returncode == 2 and "no such file" in r.stderr


def test_check_edited_test_cell_is_restored(tmp_path):
    """Replacing a test with `pass` earns nothing: the original test runs, and the report says so."""
    nb = variant(tmp_path, "eve", answer=CHEAT, test_source="pass")
    r = aisd("check", str(nb))
    assert r.returncode == 1, r.stdout
    assert "edited the test cell(s) test_cosine_similarity" in r.stdout
    assert "Autograded score: 0 / " in r.stdout, r.stdout


def test_check_infinite_loop_is_stopped(tmp_path):
    """An answer that never returns is stopped at the cell time limit and loses its points."""
    nb = variant(tmp_path, "dave", answer=LOOP)
    r = aisd("check", str(nb), "--cell-timeout", cell_timeout())
    assert r.returncode == 1, r.stdout + r.stderr
    assert "Autograded score: 0 / " in r.stdout
    assert "stopped at the cell time limit" in r.stdout, r.stdout


def test_check_kernel_crash_is_reported(tmp_path):
    """A notebook that kills its kernel is reported as not gradable, with the reason."""
    nb = variant(tmp_path, "frank", answer=CRASH)
    r = aisd("check", str(nb), "--cell-timeout", cell_timeout(20))
    assert r.returncode in (1, 2), r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    assert "kernel died" in r.stderr, r.stderr


def read_csv(path: Path) -> dict[str, dict]:
    with path.open() as f:
        return {row["student"]: row for row in csv.DictReader(f)}


def test_class_grading_isolates_bad_submissions_and_keeps_grades(tmp_path):
    subs = tmp_path / "submissions"
    variant(subs, "alice", answer=RIGHT)
    variant(subs, "bob")                                       # blank
    (subs / "carol").mkdir()
    (subs / "carol" / f"{A}.ipynb").write_text("{not json")  # malformed
    variant(subs, "dave", answer=LOOP)                         # infinite loop
    variant(subs, "eve", answer=CHEAT, test_source="pass")     # edited test cell
    variant(subs, "frank", answer=CRASH)                       # kills the kernel
    course = tmp_path / "course"
    r = aisd("grade", str(subs), "--course", str(course), "--cell-timeout", cell_timeout(), timeout=600)
    assert r.returncode == 1, r.stdout + r.stderr             # some submissions had errors
    rows = read_csv(course / "export" / "grades.csv")
    assert rows["alice"]["score"] == "2" and rows["alice"]["status"] == "graded"
    assert rows["bob"]["score"] == "0"
    assert rows["carol"]["status"] == "error" and "not a readable notebook" in rows["carol"]["detail"]
    assert rows["dave"]["score"] == "0" and "time limit" in rows["dave"]["detail"]
    assert rows["eve"]["score"] == "0" and "edited test cells" in rows["eve"]["detail"]
    assert rows["frank"]["score"] in ("", "0")
    feedback = (course / "export" / "feedback" / "alice" / f"{A}.html").read_text()
    assert "_sk_cosine" not in feedback, "feedback shows the hidden tests"

    # Run again: nothing changed, nothing is re-graded, nothing is lost.
    r = aisd("grade", str(subs), "--course", str(course), "--cell-timeout", cell_timeout(), timeout=600)
    rows = read_csv(course / "export" / "grades.csv")
    assert rows["alice"]["score"] == "2" and rows["alice"]["status"] == "unchanged", rows["alice"]

    # Alice replaces her notebook with a broken file: the error is reported, her grade is kept.
    (subs / "alice" / f"{A}.ipynb").write_text("broken")
    r = aisd("grade", str(subs), "--course", str(course), "--cell-timeout", cell_timeout(), timeout=600)
    rows = read_csv(course / "export" / "grades.csv")
    assert rows["alice"]["score"] == "2", rows["alice"]
    assert rows["alice"]["status"] == "error" and "earlier grade is kept" in rows["alice"]["detail"]
    assert (course / "gradebook.db").exists()
