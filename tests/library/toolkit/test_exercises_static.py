"""The static check of an answer cell (issue: grading an instructor can trust): each escape route found in the
cell's syntax tree is refused before any test runs, with the line and the route named; a right answer that uses
numpy, the standard library or an allowed earlier exercise passes."""
from __future__ import annotations

import itertools
import linecache

import pytest

from aisd.toolkit import exercises

_cells = itertools.count()


def cell(source: str, name: str = "answer"):
    """Run ``source`` as a notebook cell does (its text registered in linecache, as IPython does) and return the
    function ``name`` it defines."""
    filename = f"<answer-cell-{next(_cells)}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace: dict = {}
    exec(compile(source, filename, "exec"), namespace)
    return namespace[name]


ROUTES = {
    "a reference called inside the function": ("""
from aisd.toolkit import metrics
def answer(r, rel, k):
    return metrics.recall_at_k(r, rel, k)
""", "uses aisd.toolkit.metrics.recall_at_k (line 4)"),
    "a reference imported by name": ("""
from aisd.toolkit.metrics import recall_at_k as r_at_k
def answer(r, rel, k):
    return r_at_k(r, rel, k)
""", "uses aisd.toolkit.metrics.recall_at_k"),
    "a value computed at cell level": ("""
from aisd.toolkit import metrics
VALUE = metrics.recall_at_k(["a"], {"a"}, 1)
def answer(r, rel, k):
    return VALUE
""", "(line 3)"),
    "a copy of the reference's code": ("""
import types
from aisd.toolkit import metrics
_mine = types.FunctionType(metrics.ndcg_at_k.__code__, metrics.ndcg_at_k.__globals__)
def answer(r, rel, k):
    return _mine(r, rel, k)
""", "copies or rewrites a function (FunctionType)"),
    "importlib": ("""
import importlib
def answer(r, rel, k):
    return importlib.import_module("aisd.toolkit." + "metrics").recall_at_k(r, rel, k)
""", "imports by name (importlib)"),
    "inspect": ("""
import inspect
from aisd.toolkit import metrics
def answer(r, rel, k):
    ns = {}
    exec(inspect.getsource(metrics), ns)
    return ns["recall_at_k"](r, rel, k)
""", "reads the course's source (inspect)"),
    "reading the package's source": ("""
import aisd
from pathlib import Path
def answer(r, rel, k):
    text = (Path(aisd.__file__).parent / "toolkit" / "metrics.py").read_text()
    return text
""", "__file__"),
    "eval of a string": ("""
def answer(r, rel, k):
    return eval("__import__('aisd.toolkit.metrics').toolkit.metrics.recall_at_k")(r, rel, k)
""", "runs a string as code (eval)"),
    "a forbidden library": ("""
import jiwer
def answer(ref, hyp):
    return jiwer.wer(ref, hyp)
""", "uses jiwer.wer"),
}


@pytest.mark.parametrize("route", ROUTES)
def test_each_escape_route_is_refused_before_the_answer_runs(route):
    source, said = ROUTES[route]
    fn = cell(source)
    forbid = ("jiwer.wer",) if "jiwer" in source else ()
    with pytest.raises(exercises.StaticCheckError) as err:
        exercises.guarded(fn, forbid=forbid)
    assert said in str(err.value), str(err.value)


RIGHT = {
    "numpy and the standard library": """
import math
import numpy as np
def answer(retrieved, relevant, k):
    hits = np.isin(np.asarray(retrieved[:k], dtype=object), list(relevant)).sum()
    return float(hits) / max(1, len(set(relevant))) if relevant else math.nan
""",
    "a helper of its own and a cell-level constant": """
TOP = 10
def _hits(retrieved, relevant, k):
    return sum(1 for d in retrieved[:min(k, TOP)] if d in relevant)
def answer(retrieved, relevant, k):
    return _hits(retrieved, relevant, k) / len(relevant)
""",
    "copy of data, getattr on its own object": """
import copy
def answer(retrieved, relevant, k):
    mine = copy.deepcopy(list(retrieved))
    return len(set(mine[:k]) & set(relevant)) / len(relevant)
""",
}


@pytest.mark.parametrize("how", RIGHT)
def test_right_answers_pass_the_static_check(how):
    fn = cell(RIGHT[how])
    assert exercises.static_problems(fn) == []
    assert exercises.guarded(fn)(["a", "b"], {"a", "c"}, 2) == 0.5


def test_an_allowed_earlier_exercise_may_be_used():
    fn = cell("""
from aisd.framework.similarity import cosine_similarity
def answer(a, b):
    return cosine_similarity(a, b)
""")
    assert exercises.static_problems(fn, allow=("cosine_similarity",)) == []
    assert exercises.static_problems(fn) != []


def test_a_function_without_known_source_is_left_to_the_runtime_guard():
    namespace: dict = {}
    exec(compile("def answer():\n    return 1\n", "<never-registered>", "exec"), namespace)
    assert exercises.static_problems(namespace["answer"]) == []


def test_a_compiled_library_function_is_refused_by_the_static_check():
    """A compiled function (rapidfuzz's edit distance) cannot be switched off at run time; naming it in ``forbid``
    still refuses an answer cell that uses it."""
    fn = cell("""
from rapidfuzz.distance import Levenshtein
def answer(a, b):
    return Levenshtein.distance(a, b)
""")
    with pytest.raises(exercises.StaticCheckError, match="rapidfuzz.distance.Levenshtein.distance"):
        exercises.guarded(fn, forbid=("rapidfuzz.distance.Levenshtein.distance",))
    assert exercises.guarded(cell("def answer(a, b):\n    return abs(len(a) - len(b))\n"),
                             forbid=("rapidfuzz.distance.Levenshtein.distance",))("ab", "a") == 1


def test_an_answer_that_is_data_is_checked_in_its_cell():
    """checked_value(name) reads the notebook cell that set ``name``: a value computed by a reference answer is
    refused, a value set by hand is returned (run in a real kernel, as nbgrader runs a notebook)."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("from aisd.toolkit import exercises, metrics\nbudget = {'alerts_per_day': 40}"),
                nbformat.v4.new_code_cell("print(exercises.checked_value('budget'))"),
                nbformat.v4.new_code_cell("budget = metrics.recall_at_k(['a'], {'a'}, 1)"),
                nbformat.v4.new_code_cell("try:\n    exercises.checked_value('budget')\n"
                                          "except exercises.StaticCheckError as exc:\n    print('refused:', exc)")]
    NotebookClient(nb, kernel_name="python3", timeout=120).execute()
    assert nb.cells[1].outputs[0]["text"] == "{'alerts_per_day': 40}\n"
    assert nb.cells[3].outputs[0]["text"].startswith("refused: your answer cell uses aisd.toolkit.metrics.recall_at_k")


# A variable of the learner's named like an escape route is no escape route (issue 25): only the module or the
# builtin of that name is.
OWN_NAMES = {
    "a cell-level variable named gc": """
gc = 3
def answer(retrieved, relevant, k):
    return len(set(retrieved[:k]) & set(relevant)) / len(relevant) + 0 * gc
""",
    "a parameter named globals": """
def answer(retrieved, relevant, k, globals=None):
    globals = globals or {}
    return len(set(retrieved[:k]) & set(relevant)) / len(relevant)
""",
    "a local named gc and a comprehension variable named compile": """
def answer(retrieved, relevant, k):
    gc = [d for d in retrieved[:k] if d in relevant]
    eval_ = sum(1 for compile in gc)
    return eval_ / len(relevant)
""",
}

ESCAPES = {
    "import gc": ("""
import gc
def answer(retrieved, relevant, k):
    return len(gc.get_objects()) * 0 + 0.5
""", "reads the course's source (gc) (line 2)"),
    "gc.get_objects() through a module imported in an earlier cell": ("""
def answer(retrieved, relevant, k):
    return len(gc.get_objects()) * 0 + 0.5
""", "reads the course's source (gc) (line 3)"),
    "calling the builtin globals()": ("""
def answer(retrieved, relevant, k, table=None):
    table = globals()
    return 0.5
""", "imports by name (globals) (line 3)"),
    "the builtin under its own name at cell level": ("""
globals = globals
def answer(retrieved, relevant, k):
    return 0.5 + 0 * len(globals())
""", "imports by name (globals)"),
    "the builtin as a default value": ("""
def answer(retrieved, relevant, k, g=globals):
    return 0.5 + 0 * len(g())
""", "imports by name (globals) (line 2)"),
}


@pytest.mark.parametrize("how", OWN_NAMES)
def test_a_variable_named_like_an_escape_route_is_not_refused(how):
    fn = cell(OWN_NAMES[how])
    assert exercises.static_problems(fn) == []
    assert exercises.guarded(fn)(["a", "b"], {"a", "c"}, 2) == 0.5


@pytest.mark.parametrize("route", ESCAPES)
def test_the_module_or_builtin_of_that_name_is_refused(route):
    source, said = ESCAPES[route]
    namespace = {"gc": __import__("gc")} if "earlier cell" in route else {}
    filename = f"<answer-cell-{next(_cells)}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), namespace)
    with pytest.raises(exercises.StaticCheckError) as err:
        exercises.guarded(namespace["answer"])
    assert said in str(err.value), str(err.value)
