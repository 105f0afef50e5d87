"""Static analysis of the changed files with three real tools, each finding in one shape, and only the
findings on lines the change added kept (a reviewer comments on the change, not on old code).

=========  =========================================  ======================================
tool       what it looks for                          how it runs here
=========  =========================================  ======================================
ruff       pyflakes' checks, pycodestyle (E, W),      one ``ruff check`` process over a folder
           bugbear (B), bandit's rules (S)
pyflakes   undefined names, unused imports, ...       in this process, on the parsed file
bandit     security smells (eval, shell=True, ...)    one ``python -m bandit`` process
=========  =========================================  ======================================

The tools read the code; they never run it.

>>> found = analyse({"m.py": "import os\\ndef f(x=[]):\\n    return eval(x)\\n"})
>>> sorted({(f["tool"], f["line"], f["code"]) for f in found if f["line"] >= 2})[:3]
[('bandit', 3, 'B307'), ('ruff', 2, 'B006'), ('ruff', 3, 'S307')]
"""
from __future__ import annotations

import ast
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from aisd.codereview.diffs import changed_lines
from aisd.core.errors import AisdError

RUFF_RULES = "F,E,W,B,S"
SEVERITIES = ("low", "medium", "high")
HIGH_RUFF = ("F82", "F63", "F7", "E9", "S307", "S102", "S602", "S605", "S301")
HIGH_PYFLAKES = ("UndefinedName", "UndefinedLocal", "UndefinedExport", "ReturnOutsideFunction")
LOW_PYFLAKES = ("UnusedImport", "UnusedVariable", "RedefinedWhileUnused", "ImportShadowedByLoopVar")


class StaticAnalysisError(AisdError):
    """Files or tools that static analysis cannot run on."""


def _finding(path: str, line: int, tool: str, code: str, category: str, severity: str, message: str) -> dict:
    return {"path": path, "line": int(line), "tool": tool, "code": code, "category": category,
            "severity": severity, "message": message, "suggested_fix": ""}


def _ruff_category(code: str) -> tuple[str, str]:
    if code.startswith("S"):
        return "security", "high" if code.startswith(HIGH_RUFF) else "medium"
    if code.startswith(("E", "W")) and not code.startswith("E9"):
        return "style", "low"
    return "bug", "high" if code.startswith(HIGH_RUFF) else "medium"


def run_ruff(folder: Path) -> list[dict]:
    """``ruff check`` over every ``.py`` file in ``folder`` (rules :data:`RUFF_RULES`)."""
    from ruff.__main__ import find_ruff_bin

    out = subprocess.run([find_ruff_bin(), "check", "--isolated", "--no-cache", "--select", RUFF_RULES,
                          "--output-format", "json", "--exit-zero", str(folder)], capture_output=True, text=True,
                         timeout=120, check=True).stdout
    found = []
    for item in json.loads(out or "[]"):
        code = item.get("code") or "E999"
        category, severity = _ruff_category(code)
        found.append(_finding(Path(item["filename"]).name, item["location"]["row"], "ruff", code, category,
                              severity, item["message"]))
    return found


def run_pyflakes(path: str, source: str) -> list[dict]:
    """pyflakes' checker on one file's text (a syntax error is one high finding)."""
    from pyflakes import checker

    try:
        tree = ast.parse(source, filename=path)
    except SyntaxError as exc:
        return [_finding(path, exc.lineno or 1, "pyflakes", "SyntaxError", "bug", "high", str(exc.msg))]
    found = []
    for m in checker.Checker(tree, filename=path).messages:
        kind = type(m).__name__
        severity = "high" if kind in HIGH_PYFLAKES else "low" if kind in LOW_PYFLAKES else "medium"
        found.append(_finding(path, m.lineno, "pyflakes", kind, "bug" if severity != "low" else "style", severity,
                              m.message % m.message_args))
    return found


def run_bandit(folder: Path) -> list[dict]:
    """``bandit -r`` over ``folder`` (its severity as ours)."""
    out = subprocess.run([sys.executable, "-m", "bandit", "-q", "-r", "-f", "json", str(folder)],
                         capture_output=True, text=True, timeout=300).stdout
    found = []
    for item in json.loads(out or "{}").get("results", []):
        found.append(_finding(Path(item["filename"]).name, item["line_number"], "bandit", item["test_id"],
                              "security", item["issue_severity"].lower(), item["issue_text"]))
    return found


def analyse(files: dict[str, str], tools: tuple[str, ...] = ("ruff", "pyflakes", "bandit")) -> list[dict]:
    """Every finding of ``tools`` on ``files`` ({file name: text}), in one run of each tool."""
    for name in files:
        if Path(name).name != name or not name.endswith(".py"):
            raise StaticAnalysisError(f"file names must be plain names ending in .py, not {name!r}")
    unknown = set(tools) - {"ruff", "pyflakes", "bandit"}
    if unknown:
        raise StaticAnalysisError(f"unknown tools {sorted(unknown)}: choose among ruff, pyflakes, bandit")
    found: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="aisd_review_") as tmp:
        folder = Path(tmp)
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
        if "ruff" in tools:
            found += run_ruff(folder)
        if "bandit" in tools:
            found += run_bandit(folder)
    if "pyflakes" in tools:
        for name, text in files.items():
            found += run_pyflakes(name, text)
    return found


def on_changed_lines(findings: list[dict], diff: str) -> list[dict]:
    """The findings that sit on a line the diff added (in a file the diff changed).

    >>> diff = "--- a/m.py\\n+++ b/m.py\\n@@ -1,2 +1,2 @@\\n a\\n-b\\n+c\\n"
    >>> [f["line"] for f in on_changed_lines([{"path": "m.py", "line": 1}, {"path": "m.py", "line": 2}], diff)]
    [2]
    """
    added = changed_lines(diff)
    return [f for f in findings if f["line"] in added.get(f["path"], ())]
