"""A tool's JSON schema, written from a typed Python function: its signature and its docstring.

The LLM sees a tool as a name, a description and a JSON schema of its arguments (OpenAI's
``tools=[{"type": "function", "function": {...}}]``). Writing that schema by hand duplicates the
function and drifts from it; reading it off the signature keeps one source of truth.

>>> def search(query: str, k: int = 3) -> list:
...     '''Search the documentation.
...
...     Args:
...         query: what to look for, in words
...         k: how many passages to return
...     '''
>>> json_schema_of(search)["parameters"]["properties"]["k"]
{'type': 'integer', 'description': 'how many passages to return', 'default': 3}
"""
from __future__ import annotations

import inspect
import re
import types
import typing

from aisd.core.errors import AisdError

SIMPLE_TYPES = {str: "string", int: "integer", float: "number", bool: "boolean", dict: "object", list: "array"}


class SchemaError(AisdError):
    """A function that cannot become a tool (an untyped or unsupported parameter); the message says which."""


def type_schema(annotation) -> dict:
    """The JSON schema of one Python type annotation.

    >>> type_schema(list[int])
    {'type': 'array', 'items': {'type': 'integer'}}
    >>> type_schema(typing.Literal["km", "mi"])
    {'type': 'string', 'enum': ['km', 'mi']}
    >>> type_schema(str | None)
    {'type': ['string', 'null']}
    """
    if annotation in SIMPLE_TYPES:
        return {"type": SIMPLE_TYPES[annotation]}
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Literal:
        kinds = {type(a) for a in args}
        if len(kinds) != 1 or next(iter(kinds)) not in SIMPLE_TYPES:
            raise SchemaError(f"Literal{list(args)} mixes types or uses an unsupported one")
        return {"type": SIMPLE_TYPES[next(iter(kinds))], "enum": list(args)}
    if origin in (list, tuple, set, frozenset) or origin is typing.Sequence:
        items = [a for a in args if a is not Ellipsis]
        return {"type": "array", "items": type_schema(items[0])} if items else {"type": "array"}
    if origin is dict:
        return {"type": "object"}
    if origin in (typing.Union, types.UnionType):
        parts = [type_schema(a) for a in args]
        if all(set(p) == {"type"} and isinstance(p["type"], str) for p in parts):
            return {"type": [p["type"] for p in parts]}
        return {"anyOf": parts}
    if annotation is type(None):
        return {"type": "null"}
    raise SchemaError(f"no JSON schema for the type {annotation!r}: use str, int, float, bool, list[...], "
                      "dict, Literal[...] or a union of them")


def docstring_parts(doc: str | None) -> tuple[str, dict[str, str]]:
    """The description (text before ``Args:``) and ``{parameter: description}`` of a Google-style docstring.

    >>> docstring_parts('''Add numbers.
    ...
    ...     Args:
    ...         a: the first
    ...         b: the second,
    ...            on two lines
    ...     ''')
    ('Add numbers.', {'a': 'the first', 'b': 'the second, on two lines'})
    """
    text = inspect.cleandoc(doc or "")
    section = re.search(r"^(?:Args|Arguments|Parameters):[ \t]*$", text, flags=re.M)
    head, rest = (text[:section.start()], text[section.end():]) if section else (text, "")
    params: dict[str, str] = {}
    current, base = None, None
    for line in rest.splitlines():
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        if indent == 0:                                   # the next section (Returns:, Raises: ...)
            break
        base = indent if base is None else base
        match = re.match(r"\s+\*{0,2}(\w+)\s*(?:\([^)]*\))?:\s*(.*)", line)
        if indent == base and match:
            current = match.group(1)
            params[current] = match.group(2).strip()
        elif current:
            params[current] = (params[current] + " " + line.strip()).strip()
    description = " ".join(head.strip().split("\n\n")[0].split())
    return description, params


def json_schema_of(fn) -> dict:
    """The OpenAI ``function`` entry of a tool: ``{"name", "description", "parameters"}``, from ``fn``'s
    signature (types, defaults: a parameter without a default is required) and its docstring.

    >>> def add(a: int, b: int) -> int:
    ...     '''Add two integers.'''
    >>> json_schema_of(add)
    {'name': 'add', 'description': 'Add two integers.', 'parameters': {'type': 'object', 'properties': {'a': {'type': 'integer'}, 'b': {'type': 'integer'}}, 'required': ['a', 'b'], 'additionalProperties': False}}
    >>> def bad(x): ...
    >>> json_schema_of(bad)
    Traceback (most recent call last):
    ...
    aisd.agents.schema.SchemaError: bad: parameter 'x' has no type annotation (a tool's arguments need types)
    """
    name = getattr(fn, "__name__", None)
    if not callable(fn) or not name:
        raise SchemaError(f"{fn!r} is not a named function")
    description, param_docs = docstring_parts(fn.__doc__)
    hints = typing.get_type_hints(fn)
    properties, required = {}, []
    for param in inspect.signature(fn).parameters.values():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            raise SchemaError(f"{name}: *{param.name} cannot be described to a model; name each parameter")
        if param.name not in hints:
            raise SchemaError(f"{name}: parameter {param.name!r} has no type annotation (a tool's arguments need types)")
        schema = type_schema(hints[param.name])
        if param.name in param_docs:
            schema["description"] = param_docs[param.name]
        if param.default is param.empty:
            required.append(param.name)
        else:
            schema["default"] = param.default
        properties[param.name] = schema
    return {"name": name, "description": description,
            "parameters": {"type": "object", "properties": properties, "required": required,
                           "additionalProperties": False}}
