"""Discrimination: the solution earns every point, and a plausible wrong answer to any exercise, like a
delegating one, scores zero on it.

For each notebook, the solution runs once in a fresh kernel: every one of its cells must run without an
error and every test cell must earn full points under nbgrader's own scoring (``determine_grade``, what
``nbgrader autograde`` uses; this is the solution's only execution in the suite). Just before each answer cell ``ex_X``,
every wrong answer for X (``tests/wrong_answers/NN_name.py``) is executed in its place, followed by the
cells up to X's test cell; nbgrader's own scoring (``determine_grade``) must give X's test cell (an exercise has
one, visible checks then hidden ones) zero points. The same happens with a *delegating* answer generated for every
function exercise (it calls the package's reference answer of X, which ``aisd.toolkit.exercises.guarded``
switches off while tests run): it must score zero too. Then the real answer
runs and the notebook goes on. One kernel per notebook keeps this affordable; test_grading.py shows, for
one wrong and one delegating answer per notebook, that real ``nbgrader autograde`` agrees, and runs
``aisd check`` end to end on a solution.
"""
from __future__ import annotations

import copy
import inspect

import pytest
from nbclient import NotebookClient
from nbgrader.utils import determine_grade

from aisd.toolkit import exercises

from aisd.core import paths
from aisd.course.cells import answer_cells, autograded_tests, exercise_of, read
from aisd.course.nbgrader import nbgrader_env
from aisd.course.selfcheck import first_problem
from conftest import defined_function, delegating_answer, right_answers, slowness, wrong_answers

DELEGATES = "delegates to the package's reference answer"


def test_every_exercise_has_wrong_answers(assignment):
    """Each autograded exercise has at least one wrong answer for the tests to reject."""
    nb = read(paths.SOLUTIONS / f"{assignment}.ipynb")
    names = {c.grade_id.removeprefix("ex_") for c in answer_cells(nb)}
    wrong = wrong_answers(assignment)
    missing = sorted(x for x in names if not wrong.get(x))
    assert not missing, f"{assignment}: no wrong answers in tests/wrong_answers for {missing}"
    unknown = sorted(set(wrong) - names)
    assert not unknown, f"{assignment}: wrong answers for exercises that do not exist: {unknown}"


def test_every_exercise_has_exactly_one_reference_answer_of_its_shape(assignment):
    """Each ``ex_X`` has one reference answer in the package, named like what the answer defines, with the
    same parameters (so hidden tests compare like with like, and delegation can be caught)."""
    nb = read(paths.SOLUTIONS / f"{assignment}.ipynb")
    problems = []
    for cell in answer_cells(nb):
        name = cell.grade_id.removeprefix("ex_")
        quiz = "quiz" in name          # a quiz's key lives only in its hidden test cell (test_quiz_keys.py)
        try:
            ref = exercises.reference_for(assignment[:2], name)
        except LookupError as exc:
            if not quiz:
                problems.append(str(exc))
            continue
        if quiz:
            problems.append(f"ex_{name}: a quiz key in the package ({ref.where}): keep it in the hidden test only")
            continue
        fn = ref.function
        if "." in ref.where.removeprefix(fn.__module__ + "."):
            problems.append(f"ex_{name}: the reference {ref.where} is a method; make it a module-level function")
            continue
        answer = defined_function(cell.source, fn.__name__)
        if answer is None:
            if f"{fn.__name__} =" not in cell.source and f"{fn.__name__}=" not in cell.source:
                problems.append(f"ex_{name}: the answer cell neither defines {fn.__name__}() nor assigns "
                                f"{fn.__name__} (the reference {ref.where} names what the answer is)")
            continue
        theirs = [a.arg for a in answer.args.posonlyargs + answer.args.args + answer.args.kwonlyargs]
        ours = [p for p in inspect.signature(fn).parameters]
        if theirs != ours:
            problems.append(f"ex_{name}: the answer's parameters {theirs} differ from the reference's {ours}")
    assert not problems, f"{assignment}:\n" + "\n".join(problems)


def _grade_id(cell) -> str:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")


def _trials(assignment: str, nb) -> dict[str, dict[str, str]]:
    """The written wrong answers, plus a delegating answer for every function exercise."""
    trials = {name: dict(answers) for name, answers in wrong_answers(assignment).items()}
    for cell in answer_cells(nb):
        name = cell.grade_id.removeprefix("ex_")
        try:
            code = delegating_answer(exercises.reference_for(assignment[:2], name), cell.source)
        except LookupError:
            continue          # reported by the reference test above
        if code:
            trials.setdefault(name, {})[DELEGATES] = code
    return trials


# A wrong answer whose description starts with "escape route:" takes a route around the grading (a copy of the
# reference's code, an import by name, the package's source): like every wrong answer, it must score zero.
# Right answers (tests/right_answers) run in the same kernel, in their exercise's place: each must earn every point.
RIGHT = "right answer: "


@pytest.mark.slow
def test_solution_earns_everything_and_wrong_or_delegating_answers_score_zero(assignment, monkeypatch):
    """Run the solution from a fresh kernel: no cell raises and every test earns its points. Before each
    answer, run every wrong answer in its place: each, like a delegating answer or an escape route, must score
    zero on its exercise; and every right answer written another valid way (tests/right_answers) must earn full
    marks."""
    for key, value in nbgrader_env().items():
        monkeypatch.setenv(key, value)
    nb = read(paths.SOLUTIONS / f"{assignment}.ipynb")
    trials = _trials(assignment, nb)
    rights = right_answers(assignment)
    unknown = sorted(set(rights) - {c.grade_id.removeprefix("ex_") for c in answer_cells(nb)})
    assert not unknown, f"{assignment}: right answers for exercises that do not exist: {unknown}"
    for name, answers in rights.items():
        for description, code in answers.items():
            trials.setdefault(name, {})[RIGHT + description] = code
    tests_of: dict[str, list[int]] = {}
    for c in autograded_tests(nb):
        tests_of.setdefault(exercise_of(c.grade_id), []).append(c.index)
    client = NotebookClient(nb, timeout=round(300 * slowness()), kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(paths.SOLUTIONS)}})
    accepted, broken, half, raised, lost, rejected = [], [], [], [], [], []
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            name = _grade_id(cell).removeprefix("ex_")
            if _grade_id(cell).startswith("ex_") and name in trials:
                last = max(tests_of[name])
                for description, code in trials[name].items():
                    scores = []
                    for j in range(index, last + 1):
                        trial = copy.deepcopy(nb.cells[j])
                        if j == index:
                            trial.source = code
                        client.execute_cell(trial, j)
                        if j == index and first_problem(trial):
                            broken.append(f"{name} / {description}: the wrong answer itself fails to run "
                                          f"({first_problem(trial)})")
                        if j in tests_of[name]:
                            score, max_score = determine_grade(trial)
                            scores.append((_grade_id(trial), score, max_score))
                    if description.startswith(RIGHT):
                        if not all(score >= max_score for _, score, max_score in scores):
                            rejected.append(f"{name} / {description.removeprefix(RIGHT)}: " + ", ".join(
                                f"{g} {s:g}/{m:g}" for g, s, m in scores if s < m) + f" ({first_problem(trial)})")
                    elif all(score >= max_score for _, score, max_score in scores):
                        accepted.append(f"{name} / {description}")
                    elif any(score > 0 for _, score, _ in scores):
                        half.append(f"{name} / {description}: "
                                    + ", ".join(f"{g} {s:g}/{m:g}" for g, s, m in scores if s > 0))
            if cell.cell_type == "code":
                client.execute_cell(cell, index)
                problem = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
                if problem:
                    raised.append(f"cell {index} ({_grade_id(cell) or 'no grade id'}): "
                                  f"{problem[0].get('ename')}: {problem[0].get('evalue', '')[:200]}")
                if index in tests_of.get(exercise_of(_grade_id(cell)), ()):
                    score, max_score = determine_grade(cell)
                    if score < max_score:
                        lost.append(f"{_grade_id(cell)}: {score:g}/{max_score:g} ({first_problem(cell)})")
    assert not raised, f"{assignment}: the solution raised from a fresh kernel:\n" + "\n".join(raised)
    assert not rejected, (f"{assignment}: these right answers (tests/right_answers, another valid way) lose points "
                          "(a grader that rejects a valid method is unfair):\n" + "\n".join(rejected))
    assert not lost, f"{assignment}: the solution lost points:\n" + "\n".join(lost)
    assert not broken, "\n".join(broken)
    assert not accepted, (f"{assignment}: these wrong answers pass all their exercise's tests "
                          "(a grade a wrong answer earns is a bug):\n" + "\n".join(accepted))
    assert not half, (f"{assignment}: these wrong answers still earn part of their exercise's points (keep an "
                      "exercise's checks in one test cell; a delegating answer that earns points means a test calls "
                      "the learner's function without aisd.toolkit.exercises.guarded):\n" + "\n".join(half))
