"""Where things live: the course's folders, and per-user state outside the repository.

>>> from aisd.core import paths
>>> (paths.ROOT / "solutions").is_dir()
True
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
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


@contextlib.contextmanager
def private_state_dir(path: str | Path | None = None):
    """Run the enclosed code (and every process it starts) with its own state dir: its own LLM
    server and a fresh embedding cache, leaving the user's alone. A temporary folder unless ``path``.

    >>> with private_state_dir() as home:
    ...     state_dir() == home
    True
    """
    saved = {k: os.environ.get(k) for k in ("AISD_HOME", "AISD_EMBED_CACHE")}
    with contextlib.ExitStack() as stack:
        home = Path(path) if path else Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="aisd-home-")))
        os.environ["AISD_HOME"] = str(home)
        os.environ.pop("AISD_EMBED_CACHE", None)
        try:
            yield home
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


def usable_cpus() -> int:
    """CPUs this process may run on (its affinity where the OS has one, e.g. Linux; else all).

    >>> usable_cpus() >= 1
    True
    """
    import psutil

    try:
        return len(psutil.Process().cpu_affinity())
    except (AttributeError, psutil.Error):      # macOS has no CPU affinity
        return os.cpu_count() or 1


def assignment_of(filename: str | Path) -> str | None:
    """The assignment a notebook file belongs to, by its name (``02_rag_customer_support-alice.ipynb``
    belongs to ``02_rag_customer_support``), or None.

    >>> assignment_of("notebooks/00_start_here.ipynb"), assignment_of("notes.ipynb")
    ('00_start_here', None)
    """
    stem = Path(filename).stem
    return next((name for name in assignment_names() if stem == name or stem.startswith(name)), None)
