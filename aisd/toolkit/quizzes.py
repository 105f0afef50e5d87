"""Self-quiz answers: a quiz answer is data (``{"q1": "b", "q2": "ac", ...}``: for a "select all that apply"
question, every right letter, in any order).

Every notebook's quiz test cell reads the learner's answer through :func:`quiz_letters`, so "B", "(c)" and "d, b"
count as "b", "c" and "bd" in every notebook alike. The keys are not here, nor anywhere in the package: each lives
only in its notebook's hidden test cell, which the student version does not have (``tests/notebooks/test_quiz_keys.py`` searches the package for each key).
"""
from __future__ import annotations

from aisd.core.errors import AisdError


class QuizError(AisdError, TypeError):
    """A quiz answer that is not a dict of letters."""


def quiz_letters(answers) -> dict:
    """A learner's quiz answers as ``{question: sorted lower-case letters}`` ("A, c" -> "ac").

    >>> quiz_letters({"q1": "B", "q3": "d, a"})
    {'q1': 'b', 'q3': 'ad'}
    """
    if not isinstance(answers, dict):
        raise QuizError(f"the quiz answer is a dict like {{'q1': 'b'}}; got {type(answers).__name__}")
    return {str(k): "".join(sorted({ch for ch in str(v).lower() if ch.isalpha()})) for k, v in answers.items()}
