"""Quiz keys live only where nbgrader hides them (issue 23): each notebook's self-quiz key is a literal in its
hidden test cell, the student version has no copy of it, the visible quiz test carries no points and names no
letter, no two notebooks share a key, and no file of the installed package holds any key (in any formatting)."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import aisd
from aisd.core import paths
from aisd.course.cells import read

HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)


def _grade(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _quiz_keys(nb) -> list[dict]:
    """Every dict literal of quiz letters ({"q1": "b", ...}) in the notebook's hidden test sections."""
    keys = []
    for cell in nb.cells:
        for block in HIDDEN.findall(cell.source if cell.cell_type == "code" else ""):
            keys += _letter_dicts(block)
    return keys


def _letter_dicts(source: str) -> list[dict]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict) and node.keys and all(isinstance(k, ast.Constant) for k in node.keys):
            try:
                value = ast.literal_eval(node)
            except ValueError:
                continue
            if all(re.fullmatch(r"q\d+", str(k)) for k in value) and all(
                    isinstance(v, str) and re.fullmatch(r"[a-e]+", v) for v in value.values()):
                found.append(value)
    return found


NOTEBOOKS = sorted(p.stem for p in paths.SOLUTIONS.glob("[0-9][0-9]_*.ipynb"))
QUIZZED = [n for n in NOTEBOOKS if any("quiz" in _grade(c).get("grade_id", "") for c in read(paths.SOLUTIONS / f"{n}.ipynb").cells)]


@pytest.mark.parametrize("notebook", QUIZZED)
def test_the_key_is_in_the_hidden_test_only(notebook):
    solution = read(paths.SOLUTIONS / f"{notebook}.ipynb")
    keys = _quiz_keys(solution)
    assert len(keys) == 1, f"{notebook}: the hidden quiz test holds {len(keys)} key literals; write exactly one"
    student = (paths.NOTEBOOKS / f"{notebook}.ipynb").read_text()
    assert "BEGIN HIDDEN TESTS" not in student, f"{notebook}: the student version still has hidden tests"
    for cell in solution.cells:
        grade = _grade(cell)
        gid = grade.get("grade_id", "")
        if gid.startswith("test_") and "quiz" in gid and not gid.endswith("_hidden"):
            assert not grade.get("grade") and not grade.get("points"), f"{notebook}: {gid} must carry no points"
            assert not re.search(r"""\[["']q\d+["']\]\s*==""", cell.source), f"{notebook}: {gid} gives a letter away"


def test_no_two_notebooks_share_a_key():
    keys = {n: _quiz_keys(read(paths.SOLUTIONS / f"{n}.ipynb")) for n in QUIZZED}
    seen: dict = {}
    for n, k in ((n, tuple(sorted(ks[0].items()))) for n, ks in keys.items() if len(ks) == 1):
        seen.setdefault(k, []).append(n)
    shared = [names for names in seen.values() if len(names) > 1]
    assert not shared, f"these notebooks share one quiz key: {shared}"


def test_no_key_anywhere_in_the_package():
    keys = {n: _quiz_keys(read(paths.SOLUTIONS / f"{n}.ipynb")) for n in QUIZZED}
    root = Path(aisd.__file__).parent
    found = []
    for path in sorted(root.rglob("*")):
        if path.suffix not in {".py", ".json", ".txt", ".md", ".toml", ".yaml"}:
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        literals = _letter_dicts(text) if path.suffix == ".py" else []
        for n, ks in keys.items():
            for key in ks:
                flat = ", ".join(f"{q}={v}" for q, v in key.items())
                if key in literals or (len(key) > 2 and all(re.search(rf"""["']?{q}["']?\s*[:=]\s*["']{v}["']""", text)
                                                             for q, v in key.items())):
                    found.append(f"{path.relative_to(root)} holds {n}'s key ({flat})")
    assert not found, "quiz keys in the package (move them to the hidden test cell):\n" + "\n".join(found)
