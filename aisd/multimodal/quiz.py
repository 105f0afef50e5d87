"""The key of notebook 08's self-quiz (the questions are in the notebook).

>>> sorted(quiz_multimodal())
['q1', 'q2', 'q3', 'q4']
"""
from __future__ import annotations


def quiz_multimodal() -> dict:
    """The right letter of each question of notebook 08's self-quiz.

    Reference answer of notebook 08, exercise ``ex_quiz_multimodal``.

    >>> quiz_multimodal()["q2"]
    'b'
    """
    return {"q1": "c", "q2": "b", "q3": "a", "q4": "c"}
