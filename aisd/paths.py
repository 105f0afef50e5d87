"""Where things live: the course's folders, and per-user state outside the repository.

>>> from aisd import paths
>>> (paths.ROOT / "solutions").is_dir()
True
"""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"
NOTEBOOKS = ROOT / "notebooks"
DATASETS = ROOT / "datasets"
AUTOGRADER = ROOT / "autograder"
NBGRADER_CONFIG = AUTOGRADER / "nbgrader_config.py"


def state_dir() -> Path:
    """Per-user state (LLM server record, caches): ``$AISD_HOME`` or ``~/.cache/aisd``.

    Created on first use. Shared by every notebook of one user, never inside the repository.
    """
    path = Path(os.environ.get("AISD_HOME") or Path.home() / ".cache" / "aisd")
    path.mkdir(parents=True, exist_ok=True)
    return path


def assignment_names() -> list[str]:
    """The course's assignments in order: the solution notebooks' names without ``.ipynb``.

    >>> assignment_names()[0]
    '00_start_here'
    """
    return sorted(p.stem for p in SOLUTIONS.glob("[0-9][0-9]_*.ipynb"))
