"""Notebook 11's self-quiz key (read only by its hidden test)."""


def resilience_quiz() -> dict:
    """Reference answer of notebook 11, exercise ``ex_resilience_quiz``."""
    return {"q1": "c", "q2": "bd", "q3": "b", "q4": "a"}
