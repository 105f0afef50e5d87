"""The self-quizzes that close notebooks 00 and 01: each answer is the letters chosen per question.

A quiz answer is data (``{"q1": "b", "q2": "ac", ...}``: for a "select all that apply" question, every
right letter, in any order). Each function below returns the right letters of one notebook's quiz,
the questions are in the notebook.

>>> sorted(framework_quiz())
['q1', 'q2', 'q3', 'q4']
"""
from __future__ import annotations


def framework_quiz() -> dict:
    """The right letters of notebook 00's self-quiz.

    Reference answer of notebook 00, exercise ``ex_framework_quiz``.

    >>> framework_quiz()["q1"]
    'c'
    """
    return {"q1": "c", "q2": "b", "q3": "ad", "q4": "b"}


def estimation_quiz() -> dict:
    """The right letters of notebook 01's self-quiz.

    Reference answer of notebook 01, exercise ``ex_estimation_quiz``.

    >>> estimation_quiz()["q2"]
    'a'
    """
    return {"q1": "b", "q2": "a", "q3": "bd", "q4": "c", "q5": "d"}


def normalise(answers) -> dict:
    """A learner's quiz answers as ``{question: sorted lower-case letters}`` ("A, c" -> "ac").

    >>> normalise({"q1": "B", "q3": "d, a"})
    {'q1': 'b', 'q3': 'ad'}
    """
    if not isinstance(answers, dict):
        raise TypeError(f"the quiz answer is a dict like {{'q1': 'b'}}; got {type(answers).__name__}")
    return {str(k): "".join(sorted({ch for ch in str(v).lower() if ch.isalpha()})) for k, v in answers.items()}
