"""The names an answer cell never needs, and which uses of them in a cell's syntax tree are the real thing.

An answer cell that copies or rewrites a function, imports by name, reads the course's source or runs a string
as code reaches around the grading (:func:`aisd.toolkit.exercises.guarded` refuses it). The names are
:data:`ESCAPE_NAMES`; a name is an escape only where it means the module or the builtin: ``import gc``,
``gc.get_objects()`` or calling the builtin ``globals()`` are, while a variable of the learner's that happens to
be called ``gc`` or a parameter named ``globals`` is not. Python's own scoping decides which is which: a name
bound in the function (or lambda, or comprehension) that uses it is a local; a name at cell level is whatever the
cell left in the namespace after it ran.

>>> import ast
>>> def uses(source, namespace=None):
...     return [name for name, line in escape_uses(ast.parse(source), namespace or {})]
>>> uses("import gc\\ndef f():\\n    return gc.get_objects()", {"gc": __import__("gc")})
['gc']
>>> uses("gc = 3\\ndef f(globals):\\n    return globals['x'] + gc", {"gc": 3})
[]
>>> uses("def f(x):\\n    return globals()[x]")
['globals']
"""
from __future__ import annotations

import ast
import builtins
import inspect
import types

# Names an answer cell never needs and that reach around the grading: copying or rewriting functions, importing
# by name, reading the package's source, evaluating strings.
_ROUTES = {"copies or rewrites a function": ("__code__", "__globals__", "__closure__", "__wrapped__", "FunctionType",
                                             "CodeType"),
           "imports by name": ("importlib", "__import__", "sys.modules", "globals"),
           "reads the course's source": ("inspect", "getsource", "linecache", "__file__", "gc"),
           "runs a string as code": ("eval", "exec", "compile")}
ESCAPE_NAMES = {name: f"{what} ({name})" for what, names in _ROUTES.items() for name in names}
# What those names mean when they are not the learner's own variables (besides any module).
_ESCAPE_OBJECTS = (builtins.eval, builtins.exec, builtins.compile, builtins.globals, builtins.__import__,
                   types.FunctionType, types.CodeType, inspect.getsource)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp,
           ast.GeneratorExp)
_MISSING = object()


def _own_nodes(function):
    """The nodes of a function's (or lambda's) body, not descending into the scopes nested in it."""
    todo = list(function.body) if isinstance(function.body, list) else [function.body]
    while todo:
        node = todo.pop()
        yield node
        if not isinstance(node, _SCOPES):
            todo.extend(ast.iter_child_nodes(node))


def _locals(scope) -> set[str]:
    """The names ``scope`` binds as its own variables: parameters, assignment and loop targets, ``except ... as``,
    nested ``def``/``class`` names (an ``import`` is no variable of the learner's; ``global`` names are not local)."""
    if not isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):          # a comprehension
        return {n.id for g in scope.generators for n in ast.walk(g.target) if isinstance(n, ast.Name)}
    a = scope.args
    names = {x.arg for x in (*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg) if x is not None}
    declared_global = set()
    for node in _own_nodes(scope):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Global):
            declared_global.update(node.names)
    return names - declared_global


def _is_escape(value) -> bool:
    return value is _MISSING or isinstance(value, types.ModuleType) or any(value is o for o in _ESCAPE_OBJECTS)


def escape_uses(tree, namespace: dict) -> list[tuple[str, int]]:
    """``(name, line)`` for each use of an :data:`ESCAPE_NAMES` name in ``tree`` that means the module or the
    builtin: not a local of an enclosing function, lambda or comprehension, and at cell level not a plain value the
    cell assigned (``namespace``: the cell's globals after it ran, builtins included). ``__file__`` is left to the
    attribute check (``aisd.__file__``)."""
    found = []

    def visit(node, stack: list[set[str]]) -> None:
        if isinstance(node, _SCOPES):
            args = getattr(node, "args", None)
            outer = [*getattr(node, "decorator_list", []), *(args.defaults if args else []),
                     *(d for d in (args.kw_defaults if args else []) if d is not None)]
            for child in outer:                     # evaluated where the function is defined
                visit(child, stack)
            inner = stack + [_locals(node)]
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                body = node.body if isinstance(node.body, list) else [node.body]
            else:
                body = [node.elt] if hasattr(node, "elt") else [node.key, node.value]
                body += [part for g in node.generators for part in (g.target, g.iter, *g.ifs)]
            for child in body:
                visit(child, inner)
            return
        if (isinstance(node, ast.Name) and node.id in ESCAPE_NAMES and not node.id.startswith("__file")
                and not any(node.id in names for names in stack) and _is_escape(namespace.get(node.id, _MISSING))):
            found.append((node.id, node.lineno))
        for child in ast.iter_child_nodes(node):
            visit(child, stack)

    visit(tree, [])
    return found
