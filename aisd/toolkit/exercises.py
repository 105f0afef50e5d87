"""What the notebooks' test cells use: grading that an answer cannot pass by calling the course's own code.

Every exercise of the course has a *reference answer* in this package: a function whose docstring says
``Reference answer of notebook NN, exercise ``ex_NAME``.`` (a test checks there is exactly one per
exercise). The hidden tests compare a learner's answer with it. That makes a shortcut tempting:
``def peak_qps(*a): return reference.peak_qps(*a)`` would agree with the reference on every input.

:func:`guarded` closes it, twice. First it reads the answer's cell (its syntax tree) for the escape routes: a
reference answer named anywhere in the cell (inside the function or computed at cell level), function copies
(``__code__``, ``types.FunctionType``), imports by name, reading the package's source:

>>> from aisd.toolkit import exercises, metrics
>>> def my_recall(retrieved, relevant, k):          # a learner delegating to the reference
...     return metrics.recall_at_k(retrieved, relevant, k)
>>> exercises.guarded(my_recall)(["a"], {"a"}, 1)
Traceback (most recent call last):
...
aisd.toolkit.exercises.StaticCheckError: your answer cell uses aisd.toolkit.metrics.recall_at_k (line 2), the reference answer of notebook 02, exercise ex_recall_at_k: write the exercise yourself (you may use numpy, the standard library and what the exercise names)

Then, while the answer runs, every reference answer of the package refuses to run, and says why (a route the
syntax tree cannot see, such as a name built from strings, still fails). Expected values are computed from the
references *outside* the guarded call.

>>> name = "recall" + "_at_k"
>>> exercises.guarded(lambda r, rel, k: getattr(metrics, name)(r, rel, k))(["a"], {"a"}, 1)
Traceback (most recent call last):
...
aisd.toolkit.exercises.DelegationError: your answer calls aisd.toolkit.metrics.recall_at_k, the course's reference answer of notebook 02, exercise ex_recall_at_k: write it yourself (you may use numpy, the standard library and what the exercise names)
>>> metrics.recall_at_k(["a"], {"a"}, 1)             # outside the guarded call the reference works again
1.0

A helper that does an exercise's work for another public function is marked as *part* of the reference,
so the other function is no way round either:

>>> from aisd.meetings import redact
>>> with exercises.no_delegation():                  # what guarded() does around the answer
...     redact.find("call 415 555 0199")
Traceback (most recent call last):
...
aisd.toolkit.exercises.DelegationError: your answer calls aisd.meetings.redact._contact_spans, part of the course's reference answer of notebook 10, exercise ex_redact_contacts: write it yourself (you may use numpy, the standard library and what the exercise names)
"""
from __future__ import annotations

import contextlib
import functools
import importlib
import inspect
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable


from aisd.core.errors import AisdError
from aisd.toolkit.escapes import ESCAPE_NAMES, escape_uses


class GuardError(AisdError, LookupError, TypeError):
    """The grading guard was called with something it cannot guard (not a function; no single reference)."""

MARKER = re.compile(r"Reference answer of notebook (\d\d), exercise ``ex_(\w+)``")
# A helper that does the exercise's work for another public function of the package (e.g. the patterns
# behind both ``redact_contacts`` and ``find``) says ``Part of the reference answer of notebook NN, exercise
# ``ex_NAME``.``: it is switched off too, so calling that other function is no way round the guard.
PART = re.compile(r"Part of the reference answer of notebook (\d\d), exercise ``ex_(\w+)``")
# The rooms whose functions may be reference answers (the teaching library); never the course tooling.
SKIP_PACKAGES = ("aisd.course", "aisd.course.cli")


class DelegationError(RuntimeError):
    """An answer called the course's reference implementation instead of doing the exercise."""


class StaticCheckError(DelegationError):
    """An answer cell's code takes an escape route (found by reading the cell, before any test runs)."""


@dataclass(frozen=True)
class ReferenceAnswer:
    notebook: str            # "02"
    exercise: str            # "recall_at_k" (the answer cell is ex_recall_at_k)
    function: Callable
    where: str               # "aisd.toolkit.metrics.recall_at_k"
    part: bool = False       # a helper that does part of the work (PART), not the answer itself


def _functions(module):
    for name, value in vars(module).items():
        if inspect.isfunction(value) and value.__module__ == module.__name__:
            yield f"{module.__name__}.{name}", value
        elif inspect.isclass(value) and value.__module__ == module.__name__:
            for attr, member in vars(value).items():
                member = getattr(member, "__func__", member)      # classmethods and staticmethods
                if inspect.isfunction(member):
                    yield f"{module.__name__}.{name}.{attr}", member


def _modules_with_references() -> list[str]:
    """The package's modules whose source holds a reference-answer marker (read as text: nothing else is
    imported, so a slow or broken module elsewhere in the package cannot slow down or break grading)."""
    import aisd

    root = Path(aisd.__file__).parent
    names = []
    for path in sorted(root.rglob("*.py")):
        name = ".".join(("aisd", *path.relative_to(root).with_suffix("").parts)).removesuffix(".__init__")
        if name.startswith(SKIP_PACKAGES) or name == __name__:
            continue
        text = path.read_text(encoding="utf-8")
        if MARKER.search(text) or PART.search(text):
            names.append(name)
    return names


@functools.lru_cache(maxsize=1)
def references() -> tuple[ReferenceAnswer, ...]:
    """Every reference answer in the package, and every part of one (imports only the modules that hold one)."""
    found = []
    for name in _modules_with_references():
        module = importlib.import_module(name)
        for where, function in _functions(module):
            for notebook, exercise in MARKER.findall(function.__doc__ or ""):
                found.append(ReferenceAnswer(notebook, exercise, function, where))
            for notebook, exercise in PART.findall(function.__doc__ or ""):
                found.append(ReferenceAnswer(notebook, exercise, function, where, part=True))
    return tuple(found)


def reference_for(notebook: str, exercise: str) -> ReferenceAnswer:
    """The one reference answer of ``ex_<exercise>`` in notebook ``NN``."""
    matches = [r for r in references() if (r.notebook, r.exercise) == (notebook, exercise) and not r.part]
    if len(matches) != 1:
        raise GuardError(f"notebook {notebook}, exercise ex_{exercise} has {len(matches)} reference answers")
    return matches[0]


_lock = threading.RLock()
_depth = 0
_saved: dict[Callable, object] = {}


def _refusal(ref: ReferenceAnswer) -> str:
    what = "part of the course's reference answer" if ref.part else "the course's reference answer"
    return (f"your answer calls {ref.where}, {what} of notebook {ref.notebook}, "
            f"exercise ex_{ref.exercise}: write it yourself (you may use numpy, the standard library and "
            "what the exercise names)")


def _library_function(dotted: str) -> Callable:
    """``"jiwer.wer"`` -> the Python function (:func:`_library_object`), which the runtime guard can switch off."""
    value = _library_object(dotted)
    if not inspect.isfunction(value):
        raise TypeError(f"{dotted} is not a Python function; it cannot be switched off")
    return value


def _library_object(dotted: str):
    """``"rapidfuzz.distance.Levenshtein.distance"`` -> the object, compiled functions included (the static check
    can refuse a name the runtime guard cannot switch off)."""
    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            value = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            value = getattr(value, attr)
        return value
    raise ImportError(f"no module found for {dotted}")


def _refusing_code(function: Callable, message: str):
    freevars = function.__code__.co_freevars
    # The replacement body must close over as many cells as the original (Python checks it on assignment).
    args = ", ".join(freevars)
    source = (f"def _outer({args}):\n    def _refuse(*args, **kwargs):\n"
              + (f"        ({args},)\n" if freevars else "")
              + f"        raise _DelegationError({message!r})\n    return _refuse\n")
    namespace = {"_DelegationError": DelegationError}
    exec(source, namespace)
    code = namespace["_outer"](*[None] * len(freevars)).__code__
    return code.replace(co_name=function.__code__.co_name, co_freevars=freevars)


@contextlib.contextmanager
def no_delegation(allow: tuple[str, ...] = (), forbid: tuple[str, ...] = ()):
    """Inside the block every reference answer raises :class:`DelegationError` (except those whose
    exercise is named in ``allow``: an exercise may build on an earlier one), and so does each library
    function named in ``forbid`` (e.g. ``"jiwer.wer"``: the oracle of an exercise whose point is to write it)."""
    global _depth
    with _lock:
        if _depth == 0:
            off = [(ref.function, _refusal(ref)) for ref in references() if ref.exercise not in allow]
            for name in forbid:
                try:
                    function = _library_function(name)
                except TypeError:       # compiled (e.g. rapidfuzz): only the static check can refuse it
                    continue
                off.append((function, f"your answer calls {name}, the library the hidden tests use to check this "
                                      "exercise: the exercise is to write it yourself"))
            for function, message in off:
                if function in _saved:
                    continue
                _saved[function] = function.__code__
                function.__code__ = _refusing_code(function, message)
                function.__globals__.setdefault("_DelegationError", DelegationError)
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                for function, code in _saved.items():
                    function.__code__ = code
                _saved.clear()


def guarded(answer: Callable, allow: tuple[str, ...] = (), forbid: tuple[str, ...] = ()) -> Callable:
    """``answer`` (the learner's function), called with every reference answer switched off, and the
    library functions named in ``forbid`` too.

    >>> guarded(lambda x: x + 1)(1)
    2
    >>> import jiwer
    >>> guarded(lambda ref, hyp: jiwer.wer(ref, hyp), forbid=("jiwer.wer",))("a b", "a c")
    Traceback (most recent call last):
    ...
    aisd.toolkit.exercises.StaticCheckError: your answer cell uses jiwer.wer (line 1), the library the hidden tests check this exercise with: write the exercise yourself (you may use numpy, the standard library and what the exercise names)
    >>> jiwer.wer("a b", "a c")
    0.5
    """
    if not callable(answer):
        raise GuardError(f"expected the function your answer cell defines, got {type(answer).__name__}")
    routes = static_problems(answer, allow, forbid)
    if routes:
        raise StaticCheckError("your answer cell " + "; ".join(routes) + ": write the exercise yourself "
                               "(you may use numpy, the standard library and what the exercise names)")

    @functools.wraps(answer)
    def call(*args, **kwargs):
        with no_delegation(allow, forbid):
            return answer(*args, **kwargs)
    return call


def _cell_tree(answer: Callable):
    """The syntax tree of the cell (or file) that defines ``answer``, or None when its source is not known
    (e.g. a function built at the prompt): then only the runtime guard applies."""
    import ast
    import linecache

    code = getattr(answer, "__code__", None)
    if code is None:
        return None
    lines = linecache.getlines(code.co_filename)
    if not lines:
        return None
    try:
        return ast.parse("".join(lines))
    except SyntaxError:
        return None


def _resolve(node, namespace: dict):
    """The object a ``Name`` or dotted ``Attribute`` chain names in ``namespace``, or None."""
    import ast

    chain = []
    while isinstance(node, ast.Attribute):
        chain.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or node.id not in namespace:
        return None
    value = namespace[node.id]
    for attr in reversed(chain):
        try:
            value = inspect.getattr_static(value, attr)
        except AttributeError:
            return None
        value = getattr(value, "__func__", value)
    return value


def static_problems(answer: Callable, allow: tuple[str, ...] = (), forbid: tuple[str, ...] = ()) -> list[str]:
    r"""What the answer's cell does that no answer needs, read from its syntax tree before any test runs:
    names that copy or rewrite functions, import by name or read the package's source (:data:`ESCAPE_NAMES`),
    and uses of the course's reference answers (or of a library function the exercise forbids), whether inside
    the function or computed at cell level. The runtime guard (:func:`no_delegation`) stays as the second line.

    >>> import linecache
    >>> src = "from aisd.toolkit import metrics\nK = metrics.recall_at_k(['a'], {'a'}, 1)\ndef f():\n    return K\n"
    >>> linecache.cache["<cell-1>"] = (len(src), None, src.splitlines(True), "<cell-1>")
    >>> ns = {}; exec(compile(src, "<cell-1>", "exec"), ns)
    >>> static_problems(ns["f"])
    ['uses aisd.toolkit.metrics.recall_at_k (line 2), the reference answer of notebook 02, exercise ex_recall_at_k']
    """
    tree = _cell_tree(answer)
    if tree is None:
        return []
    return _tree_problems(tree, getattr(answer, "__globals__", {}), allow, forbid)


def _tree_problems(tree, globals_: dict, allow: tuple[str, ...], forbid: tuple[str, ...]) -> list[str]:
    """The escape routes in one cell's syntax tree (see :func:`static_problems`)."""
    import ast

    namespace = {**vars(__import__("builtins")), **globals_}
    refs = {r.function: r for r in references() if r.exercise not in allow}
    forbidden = {}
    for name in forbid:
        try:
            forbidden[_library_object(name)] = name
        except (ImportError, AttributeError, TypeError):
            continue
    problems = [f"{ESCAPE_NAMES[name]} (line {line})" for name, line in escape_uses(tree, namespace)]
    for node in ast.walk(tree):
        where = f" (line {getattr(node, 'lineno', '?')})"
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] + ([node.module] if isinstance(node, ast.ImportFrom) else [])
            for n in names:
                top = (n or "").split(".")[0]
                if top in ESCAPE_NAMES:
                    problems.append(ESCAPE_NAMES[top] + where)
            continue
        if isinstance(node, ast.Attribute):
            dotted = node.attr
            if isinstance(node.value, ast.Name):
                dotted = f"{node.value.id}.{node.attr}"
            for key in (dotted, node.attr):
                if key in ESCAPE_NAMES and (key.startswith("__") or "." in key or key in ("FunctionType", "CodeType", "getsource")):
                    problems.append(ESCAPE_NAMES[key] + where)
                    break
        if isinstance(node, (ast.Name, ast.Attribute)):
            target = _resolve(node, namespace)
            if target is None:
                continue
            try:
                ref = refs.get(target)
                lib = forbidden.get(target)
            except TypeError:           # unhashable
                continue
            if ref is not None:
                what = "part of the reference answer" if ref.part else "the reference answer"
                problems.append(f"uses {ref.where}{where}, {what} of notebook {ref.notebook}, exercise ex_{ref.exercise}")
            elif lib is not None:
                problems.append(f"uses {lib}{where}, the library the hidden tests check this exercise with")
    return list(dict.fromkeys(problems))


def checked_value(name: str, allow: tuple[str, ...] = (), forbid: tuple[str, ...] = ()):
    """The value an answer cell assigned to ``name`` (an answer that is data, not a function), after the same
    static check as :func:`guarded`: the last cell of the notebook's history that assigns ``name`` must not name a
    reference answer or take an escape route (``alert_budget = decisions.alert_budget(...)`` is refused).

    """
    import ast

    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        raise GuardError(f"checked_value({name!r}) reads the notebook's cells: call it in a notebook")
    namespace = shell.user_ns
    if name not in namespace:
        raise GuardError(f"your answer cell does not set {name}: run it first")
    for source in reversed(namespace.get("In", [])[:-1]):
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        sets = (ast.Assign, ast.AnnAssign, ast.AugAssign)
        if any(isinstance(t, ast.Name) and t.id == name for node in tree.body if isinstance(node, sets)
               for t in getattr(node, "targets", [getattr(node, "target", None)])):
            routes = _tree_problems(tree, namespace, allow, forbid)
            if routes:
                raise StaticCheckError("your answer cell " + "; ".join(routes) + ": set it yourself (you may use "
                                       "numpy, the standard library and what the exercise names)")
            break
    return namespace[name]
