"""The one base error of the course's tools: a problem the user can fix, with a message that says how.

Every error meant for a person (a missing file, a broken notebook, an LLM that cannot be reached)
is an :class:`AisdError`. The ``aisd`` command catches it in one place and prints
``aisd <command>: <message>`` with exit status 2, never a traceback; notebooks show the message.

>>> try:
...     raise AisdError("no such folder: x (check the path)")
... except AisdError as exc:
...     print(exc)
no such folder: x (check the path)
"""
from __future__ import annotations


class AisdError(Exception):
    """Something the user can act on; the message says what to do."""


class DecisionError(AisdError, ValueError):
    """A decision asked with inputs it cannot be made from (mismatched lengths, nothing measured) or with no
    admissible option (nothing fits the budget); every notebook's ``decisions`` module raises this one."""


class SplitError(AisdError, ValueError):
    """A split name that the labelled data do not have (the course's are ``train``, ``tuning``, ``heldout``)."""
