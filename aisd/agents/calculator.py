"""A calculator tool that parses arithmetic with ``ast`` and never calls ``eval``.

An agent's calculator receives text written by a model, which may have read it in a web page:
``eval`` on it would run any Python (``__import__('os').system(...)``). Here the text is parsed into
a syntax tree and only numbers, arithmetic operators, parentheses and a short list of functions are
evaluated; anything else is refused with a message the model can act on.

>>> calculate("2 * (3 + 4) ** 2")
98
>>> calculate("sqrt(16) + round(2.567, 2)")
6.57
>>> calculate("__import__('os').system('ls')")
Traceback (most recent call last):
...
aisd.agents.calculator.CalculatorError: not allowed in a calculation: a call of something other than abs, ceil, exp, floor, log, log10, max, min, round, sqrt
"""
from __future__ import annotations

import ast
import math
import operator

from aisd.core.errors import AisdError

MAX_EXPONENT = 1000          # 2 ** 1000 is fine; 10 ** 10 ** 10 would take the machine down
MAX_LENGTH = 500             # characters of one expression

OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
             ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: operator.pow}
UNARY = {ast.UAdd: operator.pos, ast.USub: operator.neg}
FUNCTIONS = {"abs": abs, "ceil": math.ceil, "exp": math.exp, "floor": math.floor, "log": math.log,
             "log10": math.log10, "max": max, "min": min, "round": round, "sqrt": math.sqrt}
CONSTANTS = {"pi": math.pi, "e": math.e}


class CalculatorError(AisdError):
    """An expression the calculator refuses or cannot compute; the message says why."""


def _evaluate(node: ast.AST):
    """The value of a parsed expression's tree: the work of :func:`calculate`, off while it is graded.

    Part of the reference answer of notebook 03, exercise ``ex_calculate``.
    """
    if isinstance(node, ast.Expression):
        return _evaluate(node.body)
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return node.value
    if isinstance(node, ast.Name) and node.id in CONSTANTS:
        return CONSTANTS[node.id]
    if isinstance(node, ast.UnaryOp) and type(node.op) in UNARY:
        return UNARY[type(node.op)](_evaluate(node.operand))
    if isinstance(node, ast.BinOp) and type(node.op) in OPERATORS:
        left, right = _evaluate(node.left), _evaluate(node.right)
        if isinstance(node.op, ast.Pow) and abs(right) > MAX_EXPONENT:
            raise CalculatorError(f"exponent {right} is too large (at most {MAX_EXPONENT})")
        try:
            return OPERATORS[type(node.op)](left, right)
        except ZeroDivisionError:
            raise CalculatorError("division by zero") from None
        except OverflowError:
            raise CalculatorError("the result is too large") from None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS:
        if node.keywords:
            raise CalculatorError(f"{node.func.id}() takes plain arguments, no name=value")
        args = [_evaluate(a) for a in node.args]
        try:
            return FUNCTIONS[node.func.id](*args)
        except (TypeError, ValueError) as exc:
            raise CalculatorError(f"{node.func.id}{tuple(args)}: {exc}") from None
    raise CalculatorError(f"not allowed in a calculation: {_describe(node)}")


def _describe(node: ast.AST) -> str:
    if isinstance(node, ast.Call):
        return "a call of something other than " + ", ".join(sorted(FUNCTIONS))
    if isinstance(node, ast.Name):
        return f"the name {node.id!r} (known names: {', '.join(sorted(CONSTANTS))})"
    if isinstance(node, ast.Constant):
        return f"the value {node.value!r} (only numbers)"
    return f"{type(node).__name__} (only numbers, + - * / // % **, parentheses and functions)"


def calculate(expression: str) -> int | float:
    """The value of an arithmetic ``expression``: numbers, ``+ - * / // % **``, parentheses, ``pi``, ``e``
    and ``abs ceil exp floor log log10 max min round sqrt``. Anything else raises :class:`CalculatorError`.

    Reference answer of notebook 03, exercise ``ex_calculate``.

    >>> calculate("7 // 2"), calculate("-2 ** 2"), calculate("1e3 / 8")
    (3, -4, 125.0)
    >>> calculate("1 / 0")
    Traceback (most recent call last):
    ...
    aisd.agents.calculator.CalculatorError: division by zero
    """
    if not isinstance(expression, str):
        raise CalculatorError(f"the expression must be text, not {type(expression).__name__}")
    if len(expression) > MAX_LENGTH:
        raise CalculatorError(f"the expression is {len(expression)} characters long (at most {MAX_LENGTH})")
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as exc:
        raise CalculatorError(f"not an arithmetic expression: {exc.msg} in {expression!r}") from None
    return _evaluate(tree)
