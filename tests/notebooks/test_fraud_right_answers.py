"""Notebook 04's graders are fair: right answers written another valid way (tests/right_answers/04_*.py: a count of
distinct scores for the budget threshold; staffing by a coarse grid or by the marginal rule; bands by a binned
quantile grid or one cut at a time; quiz letters in other cases) earn every point of every test cell, hidden ones
included, under nbgrader's own scoring. (The wrong ones losing points is test_discrimination.py's job.)"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from conftest import points_lost_with

from aisd.course.nbgrader import nbgrader_env

pytestmark = pytest.mark.slow
A = "04_fraud_detection_pipeline"
_spec = importlib.util.spec_from_file_location("right_04", Path(__file__).parents[1] / "right_answers" / f"{A}.py")
_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_module)


@pytest.mark.parametrize("answers", _module.RIGHT_ANSWERS, ids=["grid", "rule-and-descent"])
def test_right_answers_written_another_way_earn_every_point(answers, monkeypatch):
    for key, value in nbgrader_env().items():
        monkeypatch.setenv(key, value)
    lost = points_lost_with(A, answers)
    assert not lost, "a valid answer written another way lost points:\n" + "\n".join(lost)
