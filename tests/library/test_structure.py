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


# The course's split names, and the other names a data set may give its splits (mapped at load time).
SPLIT_NAMES = {"train", "tuning", "heldout"}
OTHER_SPLIT_NAMES = {"val", "valid", "validation", "test", "dev", "tune", "held_out", "hold_out"}


def _strings(nodes) -> list[str]:
    return [n.value for n in nodes if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def split_name_problems(source: str) -> list[str]:
    """Where a module's data API names a split outside ``train``/``tuning``/``heldout``: a dict with two or more
    split keys (unless it maps a source's names onto the course's: every value is a course split name), a class
    field named like a split, a count parameter ``n_<split>``, or a ``split`` parameter whose default is not a
    course split name.

    >>> split_name_problems('parts = {"train": a, "val": b, "test": c}')
    ["line 1: a dict with the split keys ['val', 'test']"]
    >>> split_name_problems('SOURCE = {"tune": "tuning", "test": "heldout"}')      # a mapping at load time
    []
    """
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Dict):
            keys = [k for k in _strings(node.keys) if k in SPLIT_NAMES | OTHER_SPLIT_NAMES]
            values = _strings(node.values)
            mapping = len(values) == len(node.values) and set(values) <= SPLIT_NAMES
            if len(keys) >= 2 and set(keys) & OTHER_SPLIT_NAMES and not mapping:
                found.append(f"line {node.lineno}: a dict with the split keys {[k for k in keys if k not in SPLIT_NAMES]}")
        elif isinstance(node, ast.ClassDef):
            for statement in node.body:
                if (isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name)
                        and statement.target.id in OTHER_SPLIT_NAMES):
                    found.append(f"line {statement.lineno}: {node.name}.{statement.target.id}")
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            args = node.args
            positional = args.posonlyargs + args.args
            defaults = list(zip(positional[len(positional) - len(args.defaults):], args.defaults))
            defaults += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None]
            for arg in positional + args.kwonlyargs:
                if arg.arg.startswith("n_") and arg.arg[2:] in OTHER_SPLIT_NAMES:
                    found.append(f"line {node.lineno}: {node.name}({arg.arg}=...)")
            for arg, default in defaults:
                if (arg.arg == "split" and isinstance(default, ast.Constant) and isinstance(default.value, str)
                        and default.value not in SPLIT_NAMES):
                    found.append(f"line {node.lineno}: {node.name}(split={default.value!r})")
    return found


def test_split_names_are_the_courses_in_every_notebook_package():
    """One split vocabulary (``train``, ``tuning``, ``heldout``): a notebook package maps a source's own names
    (``val``, ``dev``, ``test``, ``tune``) when it loads the data, and speaks only the course's after that. The
    toolkit's BEIR reader (``aisd.toolkit.datasets.load_beir``) is the one place that takes a source's file name."""
    problems = [f"{name} {p}" for name, path in MODULES.items() if room(name) == "notebook"
                for p in split_name_problems(path.read_text())]
    assert not problems, "split names outside train/tuning/heldout:\n" + "\n".join(problems)


@pytest.mark.parametrize("source", [
    "class Split:\n    train: int\n    val: int\n",
    "def split_by_time(ratings, n_test=5): ...",
    "def load(folder, split='dev'): ...",
    "recall = {'tuning': 0.5, 'test': 0.6}",
])
def test_the_split_name_check_finds_other_names(source):
    assert split_name_problems(source)


@pytest.mark.parametrize("source", [
    "class Split:\n    train: int\n    tuning: int\n    heldout: int\n",
    "def split_by_time(ratings, n_heldout=5, n_tuning=5): ...",
    "def load(folder, split='tuning'): ...",
    "SPLITS = {'tuning': 'dev', 'heldout': 'test'}",
    "df.split.map({'val': 'tuning', 'test': 'heldout'})",
    "SCHEMA = {'test': {'type': 'string'}}",
    "def run_claim(test, source): ...",
])
def test_the_split_name_check_allows_the_courses_names_and_mappings(source):
    assert not split_name_problems(source)


def test_no_two_classes_share_a_name():
    """One name for one idea: a class name means one thing in the whole package (the agent's review policy and
    the retry policy, an interview problem and a design's finding were once all called the same). An idea that
    several notebooks share, such as ``DecisionError``, is one class in a shared layer."""
    where: dict[str, list[str]] = {}
    for name, path in MODULES.items():
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                where.setdefault(node.name, []).append(name)
    shared = {cls: mods for cls, mods in where.items() if len(mods) > 1 and cls not in SHARED_NAMES_TO_MERGE}
    assert not shared, f"classes of the same name in several modules: {shared}"


# Pairs known to be one idea written twice, left until they are merged (each says why it is still here).
SHARED_NAMES_TO_MERGE = {
    "SemanticCache": "02's (aisd.rag.generation, embeds each question) and 11's (aisd.resilience.semcache, on "
                     "stored vectors, vectorised) are one cache: 02 should use 11's once 11's work settles",
}
