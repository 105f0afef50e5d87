"""Design answers get feedback for a learner alone: each rubric beside the learner's answer."""
from __future__ import annotations

from aisd.core import paths
from aisd.course.cells import graded_cells, read
from aisd.course.feedback import design_answers, format_design
from aisd.course.review import review


def test_every_design_answer_of_the_course_has_a_rubric_cell():
    """Each ``design_<name>`` has a locked ``rubric_<name>`` markdown cell just before it."""
    problems = []
    for name in paths.assignment_names():
        nb = read(paths.SOLUTIONS / f"{name}.ipynb")
        cells = {c.grade_id: c for c in graded_cells(nb)}
        for c in cells.values():
            if c.grade_id.startswith("design_"):
                before = nb.cells[c.index - 1].get("metadata", {}).get("nbgrader", {})
                if before.get("grade_id") != "rubric_" + c.grade_id.removeprefix("design_") or not before.get("locked"):
                    problems.append(f"{name}: {c.grade_id} has no locked rubric_ cell just before it")
    assert not problems, "\n".join(problems)


def test_the_self_check_shows_the_rubric_beside_the_learners_answer():
    for name in paths.assignment_names():
        solution, student = read(paths.SOLUTIONS / f"{name}.ipynb"), read(paths.NOTEBOOKS / f"{name}.ipynb")
        answers = design_answers(solution, student)
        text = format_design(answers)
        for a in answers:
            assert f"design_{a.name}" in text and a.rubric.strip().splitlines()[0] in text
            assert not a.answered and "(not answered yet)" in text, "the released notebook's answer is a stub"
        solved = design_answers(solution, solution)
        assert all(a.answered for a in solved)


def test_the_advisory_review_refuses_the_tiny_local_model(monkeypatch):
    monkeypatch.delenv("AISD_LLM_BASE_URL", raising=False)
    solution = read(paths.SOLUTIONS / "02_rag_customer_support.ipynb")
    [answer] = design_answers(solution, solution)[:1]
    assert "set AISD_LLM_BASE_URL" in review(answer)
