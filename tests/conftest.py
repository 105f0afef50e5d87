"""Shared fixtures: the course's notebooks, their wrong answers (written and generated), and the run's hooks."""
from __future__ import annotations

import ast
import importlib.util
import time
from pathlib import Path

import pytest

from aisd.core import paths

ASSIGNMENTS = paths.assignment_names()
collect_ignore = ["wrong_answers"]     # data for the tests (code as strings), not tests


def wrong_answers(assignment: str) -> dict[str, dict[str, str]]:
    """The plausible wrong answers of one notebook, written by hand: ``{exercise: {description: code}}``."""
    path = Path(__file__).parent / "wrong_answers" / f"{assignment}.py"
    if not path.exists():
        return {}
    spec = importlib.util.spec_from_file_location(f"wrong_{assignment}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.WRONG_ANSWERS


def right_answers(assignment: str) -> dict[str, dict[str, str]]:
    """The answers written another valid way (``tests/right_answers/NN_name.py``, ``RIGHT_ANSWERS``), as
    ``{exercise: {description: code}}``. The file may group them in sets (``{set description: {grade_id: code}}``
    or a list of ``{grade_id: code}``): each answer of a set is tried on its own, in its exercise's place."""
    path = Path(__file__).parent / "right_answers" / f"{assignment}.py"
    if not path.exists():
        return {}
    spec = importlib.util.spec_from_file_location(f"right_{assignment}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    raw = module.RIGHT_ANSWERS
    sets = list(enumerate(raw, 1)) if isinstance(raw, list) else list(raw.items())
    out: dict[str, dict[str, str]] = {}
    for name, group in sets:
        if all(str(k).startswith("ex_") for k in group):           # a set: {grade_id: code}
            for gid, code in group.items():
                out.setdefault(gid.removeprefix("ex_"), {})[f"set {name}"] = code
        else:                                                       # {description: code} of one exercise
            for description, code in group.items():
                out.setdefault(str(name).removeprefix("ex_"), {})[description] = code
    return out


def defined_function(source: str, name: str) -> ast.FunctionDef | None:
    """The top-level ``def name(...)`` of an answer cell's source, if it has one."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    return next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name), None)


def delegating_answer(reference, answer_source: str) -> str | None:
    """The answer a learner would write to let the package do the exercise: a function of the answer's
    name that calls the reference answer. None when the answer is data, not a function."""
    name = reference.function.__name__
    if defined_function(answer_source, name) is None:
        return None
    module, _, attr = reference.where.rpartition(".")
    return (f"import importlib as _importlib\n"
            f"_reference = getattr(_importlib.import_module({module!r}), {attr!r})\n\n"
            f"def {name}(*args, **kwargs):\n"
            f"    return _reference(*args, **kwargs)\n")


QUIET_REFERENCE_S = 0.2     # the reference task below on a quiet 2-core machine of this project's kind


def slowness() -> float:
    """How many times slower than a quiet machine this one runs *now* (at least 1).

    CI machines are shared: a test that waits for something uses ``timeout * slowness()`` rather than a
    fixed clock, so a busy machine gives a slow green run, not a red one. Measured each call with a fixed
    amount of single-threaded Python work (about 0.2 s when quiet), the kind of work a notebook cell does.
    """
    started = time.perf_counter()
    total = 0
    for i in range(3_000_000):
        total += i * i
    return max(1.0, (time.perf_counter() - started) / QUIET_REFERENCE_S)


def points_lost_with(assignment: str, answers: dict[str, str]) -> list[str]:
    """The solution of ``assignment`` with some answer cells replaced by ``answers`` (``{grade_id: source}``),
    run from a fresh kernel: every graded cell that lost points, with its first error. Empty when the answers,
    written another valid way, earn everything (the mirror of the wrong answers)."""
    from nbclient import NotebookClient
    from nbgrader.utils import determine_grade

    from aisd.course.cells import read

    nb = read(paths.SOLUTIONS / f"{assignment}.ipynb")
    replaced = 0
    for cell in nb.cells:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
        if gid in answers:
            cell.source, replaced = answers[gid], replaced + 1
    assert replaced == len(answers), f"{assignment}: some right answers name no answer cell"
    NotebookClient(nb, timeout=round(300 * slowness()), kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(paths.SOLUTIONS)}}).execute()
    lost = []
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") and cell.cell_type == "code":
            score, max_score = determine_grade(cell)
            if score < max_score:
                errors = [o.get("evalue", "") for o in cell.get("outputs", []) if o.get("output_type") == "error"]
                lost.append(f"{meta['grade_id']}: {score:g}/{max_score:g} {errors[:1]}")
    return lost


PROVIDER_VARS = ("AISD_LLM_BASE_URL", "AISD_LLM_MODEL", "AISD_LLM_API_KEY", "OPENAI_API_KEY", "AISD_LLM_GGUF")


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """One local LLM server for a test module, in its own state dir (so no test stops a server another
    test uses), with no provider configured; stopped when the module's tests are done."""
    from aisd.runtime import server

    with pytest.MonkeyPatch.context() as mp:
        for name in PROVIDER_VARS:
            mp.delenv(name, raising=False)
        path = tmp_path_factory.mktemp("aisd_home")
        mp.setenv("AISD_HOME", str(path))
        yield path
        server.stop_server()


@pytest.fixture(params=ASSIGNMENTS)
def assignment(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def ml():
    """Notebook 09's MovieLens 100K, loaded once per test module (tests/library/recsys)."""
    from aisd.recsys import data

    return data.load_movielens()


@pytest.fixture(scope="module")
def embeddings(ml):
    """MiniLM vectors of MovieLens's items (notebook 09's content features), once per test module."""
    from aisd.recsys import pipeline

    return pipeline.item_embeddings(ml)


def pytest_sessionfinish(session, exitstatus):
    """A run in which no test passed (nothing collected, everything skipped) must fail, not pass."""
    if hasattr(session.config, "workerinput"):
        return  # an xdist worker: the controller decides
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    passed = len(reporter.stats.get("passed", [])) if reporter else 0
    if passed == 0 and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.NO_TESTS_COLLECTED
