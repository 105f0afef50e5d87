"""Notebook 10's graders are fair: right answers written another valid way (tests/right_answers) earn every point of
every test cell, hidden ones included, under nbgrader's own scoring. (The wrong ones losing points is
tests/notebooks/test_discrimination.py's job.) Each set runs the whole solution once, so this is slow."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from conftest import points_lost_with

from aisd.course.nbgrader import nbgrader_env

pytestmark = pytest.mark.slow
A = "10_meeting_assistant"


def _sets() -> list[dict[str, str]]:
    path = Path(__file__).parents[1] / "right_answers" / f"{A}.py"
    spec = importlib.util.spec_from_file_location(f"right_{A}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    answers = module.RIGHT_ANSWERS
    n = max(len(v) for v in answers.values())
    return [{f"ex_{name}": list(ways.values())[min(i, len(ways) - 1)] for name, ways in answers.items()} for i in range(n)]


@pytest.mark.parametrize("answers", _sets(), ids=["first-way", "second-way"])
def test_right_answers_written_another_way_earn_every_point(answers, monkeypatch):
    for key, value in nbgrader_env().items():
        monkeypatch.setenv(key, value)
    lost = points_lost_with(A, answers)
    assert not lost, "a valid answer written another way lost points:\n" + "\n".join(lost)
