"""Feedback on design answers for a learner studying alone: the rubric beside the answer.

Design answers (``design_<name>``) are graded by an instructor, not by tests. ``aisd check`` still helps:
it prints each answer's rubric (the locked markdown cell ``rubric_<name>`` before it: tiers per point, a
weak and a strong example) together with what the learner wrote, so they can grade themselves.
With ``aisd check --review`` and a provider configured (``AISD_LLM_BASE_URL``), an LLM also reviews the
answer against the rubric; that review is advisory and labelled so.

>>> import nbformat
>>> nb = nbformat.v4.new_notebook()
>>> nb.cells = [nbformat.v4.new_markdown_cell("- 1 pt: names two components", metadata={"nbgrader": {
...     "grade_id": "rubric_x", "locked": True, "grade": False, "solution": False, "schema_version": 3}}),
...     nbformat.v4.new_markdown_cell("A cache and an index.", metadata={"nbgrader": {
...     "grade_id": "design_x", "grade": True, "solution": True, "points": 1, "schema_version": 3}})]
>>> [(a.name, a.points, a.answered) for a in design_answers(nb, nb)]
[('x', 1.0, True)]
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass

from aisd.course.cells import nbgrader_cells

UNANSWERED = ("YOUR ANSWER HERE", "")


@dataclass
class DesignAnswer:
    name: str
    points: float
    rubric: str
    answer: str
    review: str = ""

    @property
    def answered(self) -> bool:
        return self.answer.strip() not in UNANSWERED


def design_answers(solution_nb, learner_nb) -> list[DesignAnswer]:
    """Each manually graded answer of the solution notebook, with its rubric and the learner's text."""
    rubrics = {c.grade_id.removeprefix("rubric_"): c.source for c in nbgrader_cells(solution_nb)
               if c.grade_id.startswith("rubric_")}
    learner = {c.grade_id: c.source for c in nbgrader_cells(learner_nb)}
    return [DesignAnswer(c.grade_id.removeprefix("design_"), c.points,
                         rubrics.get(c.grade_id.removeprefix("design_"), "(this answer has no rubric cell)"),
                         learner.get(c.grade_id, ""))
            for c in nbgrader_cells(solution_nb) if c.grade_id.startswith("design_") and c.grade and c.solution]


def _block(title: str, text: str, width: int) -> list[str]:
    body = [textwrap.fill(p, width, replace_whitespace=False) if len(p) > width else p
            for p in text.strip().splitlines()] or ["(empty)"]
    return [f"  -- {title} " + "-" * max(0, width - len(title) - 6)] + ["  " + line for line in body]


def format_design(answers: list[DesignAnswer], width: int = 100) -> str:
    """The rubric, then the learner's answer (and any advisory review), for each design answer."""
    if not answers:
        return ""
    lines = ["", "Design answers: graded by an instructor. Hold your answer against its rubric:"]
    for a in answers:
        lines += ["", f"== design_{a.name} ({a.points:g} points) " + "=" * max(0, width - len(a.name) - 24)]
        lines += _block("rubric", a.rubric, width)
        lines += _block("your answer", a.answer if a.answered else "(not answered yet)", width)
        if a.review:
            lines += _block("advisory review by an LLM (not a grade; it can be wrong)", a.review, width)
    return "\n".join(lines)
