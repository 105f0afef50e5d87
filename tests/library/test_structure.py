"""The package's shape: layers (core, runtime, toolkit, one package per notebook, course tooling), one shape
for every notebook package, no import circles, small modules.

Walks the imports with ``ast`` (nothing is imported to do it), so a circle or a wrong-way import is
named here before it bites at run time.
"""
from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from aisd.core import paths

PACKAGE = paths.ROOT / "aisd"
MAX_LINES = 400


def module_name(path: Path) -> str:
    parts = list(path.relative_to(paths.ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str) -> set[str]:
    """The aisd modules that module ``name`` imports (at any depth of its code: lazy imports count)."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            targets = [stem] + [f"{stem}.{a.name}" for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != name and target.startswith("aisd"):
                found.add(target)
    return found


GRAPH = {name: imports_of(name) for name in MODULES}


# The layers, lowest first: a module imports its own layer or lower ones only. Notebook packages may import one
# another (a later notebook builds on an earlier one); nothing shared (core, runtime, toolkit) imports them.
LAYERS = ("core", "runtime", "toolkit", "notebook", "course")
# Each notebook's package (the teaching code and the reference answers of its exercises).
NOTEBOOK_PACKAGES = {"00": "framework", "01": "estimation", "02": "rag", "03": "agents", "04": "fraud",
                     "05": "moderation", "06": "legal", "07": "codereview", "08": "multimodal", "09": "recsys",
                     "10": "meetings", "11": "resilience", "12": "interview"}
# A notebook package's modules for the roles every notebook has (the domain modules are named by their idea).
ROLE_MODULES = {"data", "system", "evaluate", "decisions", "precompute"}
# Names that would hold a role under another name (one name for one idea).
NOT_ROLE_NAMES = {"requirements": "system", "design": "system", "plan": "system", "quiz": "the hidden test cell",
                  "split": "data", "splits": "data", "dataset": "data"}


def room(name: str) -> str:
    """The layer of a module: core, runtime, toolkit, notebook or course (``aisd`` itself: core)."""
    parts = name.split(".")
    if len(parts) == 1:
        return "core"
    if parts[1] in ("core", "runtime", "toolkit", "course"):
        return parts[1]
    return "notebook"


def test_the_top_level_is_layers_and_one_package_per_notebook():
    """``ls aisd`` reads as layers a newcomer can name: no loose module beside ``__init__.py``, and exactly one
    package per notebook."""
    loose = sorted(p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py")
    assert not loose, f"loose modules at the top of aisd/ (put each in its layer or notebook package): {loose}"
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    want = {"core", "runtime", "toolkit", "course", *NOTEBOOK_PACKAGES.values()}
    assert packages == want, f"unexpected packages {sorted(packages - want)}, missing {sorted(want - packages)}"
    notebooks = {p.name[:2] for p in paths.SOLUTIONS.glob("[0-9][0-9]_*.ipynb")}
    assert notebooks == set(NOTEBOOK_PACKAGES), f"notebooks without a package: {sorted(notebooks - set(NOTEBOOK_PACKAGES))}"


def test_each_layer_imports_only_itself_and_the_layers_below():
    rank = {layer: i for i, layer in enumerate(LAYERS)}
    wrong = sorted(f"{name} ({room(name)}) imports {dep} ({room(dep)})" for name, deps in GRAPH.items()
                   for dep in deps if rank[room(dep)] > rank[room(name)])
    assert not wrong, "imports against the layers:\n" + "\n".join(wrong)


def test_notebook_packages_share_one_shape():
    """Each notebook package names its roles the same way (data, system, evaluate, decisions, precompute) and
    holds no quiz key module; the requirements and the design of a notebook live in its ``system`` module."""
    problems = []
    for nn, package in NOTEBOOK_PACKAGES.items():
        names = {n.rpartition(".")[2] for n in MODULES if n.startswith(f"aisd.{package}.")}
        for wrong, right in NOT_ROLE_NAMES.items():
            if wrong in names:
                problems.append(f"aisd.{package}.{wrong}: this role's module is named {right}")
    assert not problems, "\n".join(problems)


def test_one_requirements_type():
    """Every notebook writes its requirements as ``aisd.toolkit.requirements.Requirements``: no other class of
    that name, and no other module named requirements."""
    others = []
    for name, path in MODULES.items():
        if name == "aisd.toolkit.requirements":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef) and node.name.endswith("Requirements"):
                others.append(f"{name}.{node.name}")
    assert not others, f"a second requirements type: {others} (use aisd.toolkit.requirements.Requirements)"


def test_the_imports_form_no_circle():
    """No module reaches itself through the modules it imports (a package's __init__ re-exporting its
    own modules is not a circle: it imports them, they never import it back)."""
    def reach(start: str) -> set[str]:
        seen, todo = set(), [m for m in GRAPH[start] if not start.startswith(m + ".") and m != "aisd"]
        while todo:
            m = todo.pop()
            if m not in seen:
                seen.add(m)
                todo.extend(x for x in GRAPH[m] if x != "aisd" and not m.startswith(x + "."))
        return seen
    circles = [name for name in GRAPH if name in reach(name)]
    assert not circles, f"import circles through: {circles}"


def test_the_grading_commands_import_neither_runtime_nor_library():
    """`aisd check` and `aisd grade` must work even when a runtime or teaching module is broken."""
    def closure(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            m = todo.pop()
            if m not in seen:
                seen.add(m)
                todo.extend(GRAPH[m])
        return seen
    for start in ("aisd.course.selfcheck", "aisd.course.classroom", "aisd.course.release"):
        outside = sorted(m for m in closure(start) if room(m) in ("runtime",) or m.startswith("aisd.toolkit.retrieval"))
        assert not outside, f"{start} pulls in {outside}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_is_too_long(name):
    lines = len(MODULES[name].read_text().splitlines())
    assert lines <= MAX_LINES, f"{name} has {lines} lines (> {MAX_LINES}): split it by idea"


def test_no_module_is_named_vaguely():
    vague = [n for n in MODULES if n.rpartition(".")[2] in ("utils", "helpers", "misc", "common", "notebook")]
    assert not vague, vague


def test_intervals_are_computed_in_one_module_only():
    """``aisd.toolkit.stats`` is the only place an interval is computed (issue 24): no other module defines a
    bootstrap, a Wilson interval or an ``*_ci`` function, and no other function resamples and takes
    percentiles (a hand-made bootstrap). Wrapping a ``stats`` call under a clearer name is fine."""
    found = []
    for name, path in MODULES.items():
        if name == "aisd.toolkit.stats":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            if re.search(r"(^bootstrap|^wilson|_ci$|^paired_ci$)", node.name):
                found.append(f"{name}.{node.name} (its name)")
                continue
            calls = {n.func.attr if isinstance(n.func, ast.Attribute) else getattr(n.func, "id", "")
                     for n in ast.walk(node) if isinstance(n, ast.Call)}
            if calls & {"integers", "choice"} and calls & {"percentile", "quantile"}:
                found.append(f"{name}.{node.name} (resamples and takes percentiles)")
    assert not found, "intervals computed outside aisd.toolkit.stats:\n" + "\n".join(found)
