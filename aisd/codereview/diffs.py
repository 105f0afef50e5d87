"""Unified diffs: make one from two versions of a file, and read back which lines a change added.

>>> diff = make_diff("a = 1\\nb = 2\\n", "a = 1\\nb = 3\\n", "m.py")
>>> print(diff, end="")
--- a/m.py
+++ b/m.py
@@ -1,2 +1,2 @@
 a = 1
-b = 2
+b = 3
>>> changed_lines(diff)
{'m.py': [2]}
"""
from __future__ import annotations

import difflib
import re

HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


def make_diff(before: str, after: str, path: str, context: int = 3) -> str:
    """The unified diff (``git diff`` style, ``a/`` and ``b/`` prefixes) that turns ``before`` into ``after``."""
    return "".join(difflib.unified_diff(before.splitlines(True), after.splitlines(True),
                                        f"a/{path}", f"b/{path}", n=context))


def changed_lines(diff: str) -> dict[str, list[int]]:
    """For each file of a unified diff, the line numbers (1-based, in the *new* version) of the lines
    the change added or rewrote: where a review comment on the change can go. A file whose change only
    deletes lines maps to ``[]``; a deleted file (``+++ /dev/null``) is left out.

    Reference answer of notebook 07, exercise ``ex_changed_lines``.

    >>> changed_lines("--- a/x.py\\n+++ b/x.py\\n@@ -10,3 +10,4 @@ def f():\\n a\\n+b\\n c\\n+d\\n")
    {'x.py': [11, 13]}
    >>> changed_lines("--- a/y.py\\n+++ b/y.py\\n@@ -5 +4,0 @@\\n-gone\\n")
    {'y.py': []}
    """
    out: dict[str, list[int]] = {}
    path, line = None, 0
    for text in diff.splitlines():
        if text.startswith("+++ "):
            name = text[4:].split("\t")[0].strip()
            path = None if name == "/dev/null" else name.removeprefix("b/")
            if path is not None:
                out.setdefault(path, [])
            continue
        if text.startswith("--- ") or path is None:
            continue
        match = HUNK.match(text)
        if match:
            line = int(match.group(1))
            continue
        if text.startswith("+"):
            out[path].append(line)
            line += 1
        elif text.startswith(" ") or text == "":      # context (some tools strip a blank line's space)
            line += 1
    return out
