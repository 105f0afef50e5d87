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
