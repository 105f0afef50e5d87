"""The package's shape: three rooms, no import circles, small modules, one reference per exercise.

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


def room(name: str) -> str:
    if name.startswith("aisd.course"):
        return "course"
    if name.startswith("aisd.runtime"):
        return "runtime"
    if name in ("aisd.course.cli",):
        return "cli"
    return "library"


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


def test_the_teaching_library_and_the_runtime_never_import_the_course_tooling():
    """Notebooks import the library and the runtime; the grading tools must stay out of their way."""
    wrong = [(name, dep) for name, deps in GRAPH.items() for dep in deps
             if room(name) in ("library", "runtime") and room(dep) == "course"]
    assert not wrong, f"imports of aisd.course from the library or runtime: {wrong}"


def test_the_runtime_does_not_import_the_teaching_library():
    wrong = [(name, dep) for name, deps in GRAPH.items() for dep in deps
             if room(name) == "runtime" and room(dep) == "library" and dep not in ("aisd", "aisd.core.paths",
                                                                                 "aisd.core.errors", "aisd.core.offline")]
    assert not wrong, f"the runtime imports teaching modules: {wrong}"


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
