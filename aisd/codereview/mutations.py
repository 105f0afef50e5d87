"""Mutation operators: seeded bugs of known kind and line, and behaviour-preserving refactors.

Each bug operator rewrites one line of a function's body (``mutable_default`` rewrites the ``def`` line)
and says which line it changed, so a review comment can be checked against the truth. The refactors
(``rename``, ``comment``) change lines without changing behaviour: the negatives of the benchmark.

>>> flip_comparison("    if x < y:")
'    if x <= y:'
>>> off_by_one("    for i in range(len(xs)):")
'    for i in range(len(xs) - 1):'
>>> swap_arguments("    return gcd(a, b)")
'    return gcd(b, a)'
>>> wrong_return("        return True")
'        return False'
>>> security_eval("    return sorted(xs)")
'    return eval(repr(sorted(xs)))'
"""
from __future__ import annotations

import keyword
import re
from typing import Callable

COMPARISONS = [("<=", "<"), (">=", ">"), ("==", "!="), ("!=", "=="), ("<", "<="), (">", ">=")]
OPERATORS = [(" + ", " - "), (" - ", " + "), (" * ", " + "), (" // ", " % "), (" % ", " // ")]


def _code_part(line: str) -> tuple[str, str]:
    """The line without a trailing comment, and the comment (operators inside strings are left alone
    by the callers, which skip lines with quotes)."""
    at = line.find("#")
    return (line, "") if at < 0 else (line[:at], line[at:])


def _plain(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#") and '"' not in line and "'" not in line


def flip_comparison(line: str) -> str | None:
    """``<`` becomes ``<=``, ``==`` becomes ``!=`` and so on (the first comparison of the line)."""
    if not _plain(line):
        return None
    code, comment = _code_part(line)
    found = [(m.start(), old, new) for old, new in COMPARISONS
             for m in re.finditer(rf"(?<![<>=!-]){re.escape(old)}(?![<>=])", code)]
    if not found:
        return None
    at, old, new = min(found)
    return code[:at] + new + code[at + len(old):] + comment


def off_by_one(line: str) -> str | None:
    """``range(stop)`` becomes ``range(stop - 1)`` (the last argument of the first ``range``)."""
    if not _plain(line) or "range(" not in line:
        return None
    start = line.index("range(") + len("range(")
    depth = 1
    for i in range(start, len(line)):
        depth += {"(": 1, ")": -1}.get(line[i], 0)
        if depth == 0:
            return line[:i] + " - 1" + line[i:]
    return None


def wrong_operator(line: str) -> str | None:
    """``+`` becomes ``-``, ``*`` becomes ``+``, ``//`` becomes ``%`` (the first of the line)."""
    if not _plain(line) or line.strip().startswith(("def ", "for ")):
        return None
    code, comment = _code_part(line)
    found = [(code.find(old), old, new) for old, new in OPERATORS if old in code]
    if not found:
        return None
    at, old, new = min(found)
    return code[:at] + new + code[at + len(old):] + comment


def drop_condition(line: str) -> str | None:
    """``if a and b:`` becomes ``if a:``; ``if not a:`` becomes ``if a:`` (a condition lost)."""
    if not _plain(line):
        return None
    m = re.match(r"^(\s*(?:if|elif|while) )(.+?) (and|or) (.+):\s*$", line)
    if m:
        return f"{m.group(1)}{m.group(2)}:"
    m = re.match(r"^(\s*(?:if|elif|while) )not (.+):\s*$", line)
    if m:
        return f"{m.group(1)}{m.group(2)}:"
    return None


def swap_arguments(line: str) -> str | None:
    """``f(a, b)`` becomes ``f(b, a)`` for a call of two simple arguments."""
    if not _plain(line):
        return None
    m = re.search(r"\b(\w+)\((\w+), (\w+)\)", line)
    if not m or m.group(2) == m.group(3) or keyword.iskeyword(m.group(1)):
        return None
    return line[:m.start()] + f"{m.group(1)}({m.group(3)}, {m.group(2)})" + line[m.end():]


def wrong_return(line: str) -> str | None:
    """``return True`` becomes ``return False`` (and back); ``return x`` becomes ``return None``."""
    m = re.match(r"^(\s*)return (.+?)\s*$", line)
    if not m or not _plain(line):
        return None
    value = {"True": "False", "False": "True", "None": "0"}.get(m.group(2), "None")
    return f"{m.group(1)}return {value}"


def security_eval(line: str) -> str | None:
    """``return x`` becomes ``return eval(repr(x))``: same result on plain values, and an ``eval`` in the
    code (a security smell a reviewer must flag: the next change may feed it user input)."""
    m = re.match(r"^(\s*)return (.+?)\s*$", line)
    if not m or not _plain(line) or m.group(2) in ("True", "False", "None"):
        return None
    return f"{m.group(1)}return eval(repr({m.group(2)}))"


def mutable_default(line: str) -> str | None:
    """A ``def`` line gains a list as a default argument (shared between calls: a latent bug).

    >>> mutable_default("def f(a: int) -> int:")
    'def f(a: int, _seen=[]) -> int:'
    """
    m = re.match(r"^(\s*def \w+\()(.*)(\).*:)\s*$", line)
    if not m:
        return None
    args = m.group(2)
    return f"{m.group(1)}{args}{', ' if args else ''}_seen=[]{m.group(3)}"


BUG_OPERATORS: dict[str, Callable[[str], str | None]] = {
    "off_by_one": off_by_one, "flipped_comparison": flip_comparison, "wrong_operator": wrong_operator,
    "dropped_condition": drop_condition, "swapped_arguments": swap_arguments, "wrong_return": wrong_return,
    "mutable_default": mutable_default, "security_eval": security_eval,
}


def rename_variable(lines: list[str], first: int) -> list[str] | None:
    """A behaviour-preserving rename: the first local variable assigned at or after line index ``first``
    gets a longer name everywhere from ``first`` on (not a parameter, and only when the new name is unused).

    >>> rename_variable(["def f(xs):", "    total = 0", "    return total"], 1)
    ['def f(xs):', '    total_value = 0', '    return total_value']
    """
    body = "\n".join(lines[first:])
    for m in re.finditer(r"^\s*(?:for )?([a-z_]\w*)(?: =|, | in )", body, flags=re.M):
        name = m.group(1)
        new = f"{name}_value"
        if keyword.iskeyword(name) or re.search(rf"\b({new}|{name})\b", "\n".join(lines[:first])) \
                or re.search(rf"\b{new}\b", "\n".join(lines)):     # a parameter, or the new name is taken
            continue
        if "'" in body or '"' in body:          # a name inside a string literal must not change
            return None
        return lines[:first] + [re.sub(rf"\b{name}\b", new, line) for line in lines[first:]]
    return None


def add_comment(lines: list[str], first: int) -> list[str]:
    """A behaviour-preserving edit: an explanatory comment above the first body line, and a blank line.

    >>> add_comment(["def f():", "    return 1"], 1)
    ['def f():', '    # Reviewed: behaviour unchanged.', '', '    return 1']
    """
    indent = re.match(r"\s*", lines[first]).group(0)
    return lines[:first] + [f"{indent}# Reviewed: behaviour unchanged.", ""] + lines[first:]


CLEAN_KINDS = ("rename", "comment")
