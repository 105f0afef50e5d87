"""Generate the student notebooks (notebooks/) from the instructor's (solutions/).

``solutions/NN_x.ipynb`` is the single source of truth. ``aisd release`` runs nbgrader's real
``generate_assignment`` on each one and writes ``notebooks/NN_x.ipynb``: solutions replaced by stubs,
hidden tests removed, outputs cleared, and nothing else that should not reach a learner (jupytext
pairing metadata, widget state). ``aisd release --check`` only compares, for CI.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import nbformat

from aisd.core import paths
from aisd.course.nbgrader import Course
from aisd.course.cells import NotebookError, metadata_problems, read

# Notebook-level metadata a student version keeps; everything else (jupytext, widgets...) is dropped.
KEEP_NB_METADATA = ("kernelspec", "language_info")
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def clean(nb) -> nbformat.NotebookNode:
    """Normalise a notebook so that generating it twice gives the same bytes."""
    nb.metadata = {k: v for k, v in nb.metadata.items() if k in KEEP_NB_METADATA}
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    for cell in nb.cells:
        cell.metadata.pop("jupyter", None)
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return nb


def dumps(nb) -> str:
    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"


def student_version(assignment: str, solution: Path | None = None) -> str:
    """The student notebook text for one assignment, produced by nbgrader generate_assignment."""
    solution = Path(solution) if solution else paths.SOLUTIONS / f"{assignment}.ipynb"
    problems = metadata_problems(read(solution))
    if problems:
        raise NotebookError(f"{solution}: " + "; ".join(problems))
    with tempfile.TemporaryDirectory(prefix="aisd-release-") as tmp:
        course = Course(tmp)
        course.add_source(assignment, solution)
        result = course.generate(assignment)
        out = course.release_path(assignment)
        if not result.ok or not out.exists():
            raise NotebookError(f"nbgrader generate_assignment failed for {assignment}:\n{result.output}")
        return dumps(clean(read(out)))


def release(check: bool = False, only: list[str] | None = None) -> list[str]:
    """Write (or, with ``check``, compare) notebooks/ for every assignment; returns the stale ones."""
    stale = []
    unknown = sorted(set(only or []) - set(paths.assignment_names()))
    if unknown:
        raise NotebookError(f"no solution notebook named {', '.join(unknown)} "
                            f"(have: {', '.join(paths.assignment_names())})")
    paths.NOTEBOOKS.mkdir(exist_ok=True)
    for assignment in only or paths.assignment_names():
        text = student_version(assignment)
        target = paths.NOTEBOOKS / f"{assignment}.ipynb"
        current = target.read_text() if target.exists() else None
        if current != text:
            stale.append(assignment)
            if not check:
                target.write_text(text)
    if not only:
        wanted = {f"{a}.ipynb" for a in paths.assignment_names()}
        for extra in paths.NOTEBOOKS.glob("*.ipynb"):
            if extra.name not in wanted:
                stale.append(extra.stem)
                if not check:
                    extra.unlink()
    return stale
