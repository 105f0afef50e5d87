"""An nbgrader course directory, built from solutions/, and nbgrader commands run inside it.

nbgrader wants ``ROOT/source/<assignment>/<notebook>.ipynb``; the course keeps one notebook per
assignment in a flat ``solutions/`` folder. ``Course`` lays the one out from the other and runs the
real ``nbgrader`` command-line tool in it (a subprocess, so a crash or a hang in one submission
cannot take the caller down).

>>> import tempfile
>>> c = Course(tempfile.mkdtemp())
>>> c.add_source("00_start_here")          # doctest: +ELLIPSIS
PosixPath('.../source/00_start_here/00_start_here.ipynb')
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from aisd.core import paths
from aisd.core.errors import AisdError
from aisd.core.offline import offline_env


@dataclass
class NbgraderRun:
    returncode: int
    output: str
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out


def nbgrader_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(offline_env())
    env["PYTHONWARNINGS"] = "ignore"
    # The kernel nbgrader starts must be this environment's Python, with aisd importable.
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return env


class Course:
    """A course directory: ``source/``, ``submitted/``, ``autograded/``, ``feedback/``, gradebook."""

    def __init__(self, root: str | Path):
        self.root = Path(root).resolve()
        if self.root.exists() and not self.root.is_dir():
            raise AisdError(f"{self.root} is a file, not a course directory: choose another --course folder")
        self.root.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(paths.NBGRADER_CONFIG, self.root / "nbgrader_config.py")

    @property
    def gradebook(self) -> Path:
        return self.root / "gradebook.db"

    def source_path(self, assignment: str) -> Path:
        return self.root / "source" / assignment / f"{assignment}.ipynb"

    def add_source(self, assignment: str, notebook: Path | None = None) -> Path:
        """Copy the solution notebook of ``assignment`` (or ``notebook``) into ``source/``."""
        src = Path(notebook) if notebook else paths.SOLUTIONS / f"{assignment}.ipynb"
        dst = self.source_path(assignment)
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
        return dst

    def nbgrader(self, *args: str, timeout: float | None = None) -> NbgraderRun:
        """Run ``nbgrader ARGS`` in the course directory; never raises for nbgrader's failures."""
        cmd = [sys.executable, "-m", "nbgrader", *args, f"--CourseDirectory.root={self.root}"]
        try:
            proc = subprocess.run(cmd, cwd=self.root, env=nbgrader_env(), capture_output=True,
                                  text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as exc:
            out = (exc.stdout or b"").decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
            return NbgraderRun(returncode=-1, output=out, timed_out=True)
        return NbgraderRun(proc.returncode, proc.stdout + proc.stderr)

    def generate(self, assignment: str) -> NbgraderRun:
        """``nbgrader generate_assignment`` (forced: nbgrader silently skips an existing release)."""
        return self.nbgrader("generate_assignment", assignment, "--force")

    def release_path(self, assignment: str) -> Path:
        return self.root / "release" / assignment / f"{assignment}.ipynb"

    def submit_local(self, student: str, assignment: str, notebook: Path) -> Path:
        """Place a notebook where ``nbgrader autograde`` looks for a student's submission."""
        dst = self.root / "submitted" / student / assignment / f"{assignment}.ipynb"
        if dst.parent.exists():
            shutil.rmtree(dst.parent)
        dst.parent.mkdir(parents=True)
        shutil.copyfile(notebook, dst)
        return dst

    def autograde(self, assignment: str, student: str, timeout: float | None = None,
                  cell_timeout: int | None = None) -> NbgraderRun:
        args = ["autograde", assignment, f"--student={student}", "--force"]
        if cell_timeout:
            args.append(f"--Execute.timeout={int(cell_timeout)}")
        return self.nbgrader(*args, timeout=timeout)

    def autograded_path(self, student: str, assignment: str) -> Path:
        return self.root / "autograded" / student / assignment / f"{assignment}.ipynb"

    def grades(self, assignment: str, student: str) -> dict[str, tuple[float, float]]:
        """``{grade_id: (score, max_score)}`` of one autograded submission, from the gradebook."""
        from nbgrader.api import Gradebook

        with Gradebook(f"sqlite:///{self.gradebook}") as gb:
            nb = gb.find_submission_notebook(assignment, assignment, student)
            out = {}
            for grade in nb.grades:
                out[grade.name] = (float(grade.score), float(grade.max_score))
            return out
