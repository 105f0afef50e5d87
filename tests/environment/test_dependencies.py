"""One source of truth for the dependencies: the pins in binder/ agree with pyproject.toml and the setup check."""
from __future__ import annotations

import re
import tomllib

from aisd.core import paths
from aisd.runtime import setup_check


def declared() -> set[str]:
    project = tomllib.loads((paths.ROOT / "pyproject.toml").read_text())["project"]
    names = project["dependencies"] + [n for extra in project.get("optional-dependencies", {}).values() for n in extra]
    return {setup_check.canonical(re.split(r"[\[<>=; ]", n, maxsplit=1)[0]) for n in names}


def test_every_pin_is_a_declared_dependency_and_back():
    pins = set(setup_check.pinned())
    assert pins - declared() == set(), f"pinned in binder/ but not declared in pyproject.toml: {pins - declared()}"
    assert declared() - pins == set(), f"declared in pyproject.toml but not pinned in binder/: {declared() - pins}"


def test_every_pin_is_exact():
    """A line without ==version would let pip pick any release (and torch a CUDA build)."""
    for relative in setup_check.REQUIREMENTS:
        for line in (paths.ROOT / relative).read_text().splitlines():
            line = line.strip()
            if line and not line.startswith(("#", "--")):
                assert "==" in line, f"{relative}: {line!r} is not pinned"


def test_the_setup_check_passes_here():
    assert setup_check.problems() == []
