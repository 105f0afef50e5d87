"""Readings rendered from measured numbers: a sentence that quotes a result is a template filled with the values
the notebook computed, so the text and the numbers cannot drift apart when data, models or code change.

>>> reading("{solved} of {n} tasks solved ({rate:.0%}, interval {ci})", solved=6, n=20, rate=0.3, ci="[0.15, 0.52]")
'6 of 20 tasks solved (30%, interval [0.15, 0.52])'
>>> reading("{missing} is not measured", n=3)
Traceback (most recent call last):
...
aisd.toolkit.readings.ReadingError: the reading names {missing}, which was not given (given: n)
"""
from __future__ import annotations

import string

from aisd.core.errors import AisdError


class ReadingError(AisdError):
    """A reading's template names a value the notebook did not pass."""


def reading(template: str, **values) -> str:
    """``template`` (``str.format`` syntax) filled with ``values``; every named field must be given."""
    for _, field, _, _ in string.Formatter().parse(template):
        name = (field or "").split(".")[0].split("[")[0]
        if field is not None and name and name not in values:
            raise ReadingError(f"the reading names {{{name}}}, which was not given (given: {', '.join(values) or 'none'})")
    return template.format(**values)


def show(template: str, **values) -> str:
    """Display :func:`reading` as Markdown in a notebook (plain text elsewhere) and return the text."""
    text = reading(template, **values)
    try:
        from IPython.display import Markdown, display

        display(Markdown(text))
    except ImportError:  # pragma: no cover - IPython is always there in the course's environment
        print(text)
    return text
