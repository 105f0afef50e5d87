"""The tool registry: typed Python functions the model may call, and checking a call before running it.

>>> registry = ToolRegistry()
>>> @registry.tool
... def add(a: int, b: int) -> int:
...     '''Add two integers.'''
...     return a + b
>>> [t["function"]["name"] for t in registry.specs()]
['add']
>>> call = parse_tool_call('{"tool": "add", "arguments": {"a": 2, "b": 3}}', registry.schemas())
>>> registry.run(call)
'5'
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Callable

from aisd.core.errors import AisdError
from aisd.runtime.toolcalls import validate
from aisd.agents.schema import json_schema_of

MAX_OBSERVATION = 700        # characters of a tool's result shown to the model (the local context is 2,048 tokens)


class ToolCallError(AisdError):
    """A tool call that cannot run: unparsable, an unknown tool, or arguments that do not fit its schema."""


@dataclass
class ToolCall:
    """One call the model asked for."""
    name: str
    arguments: dict
    id: str | None = None

    def key(self) -> str:
        """The call as a canonical string: equal calls have equal keys (for loop detection).

        >>> ToolCall("f", {"b": 1, "a": 2}).key() == ToolCall("f", {"a": 2, "b": 1}).key()
        True
        """
        return self.name + json.dumps(self.arguments, sort_keys=True)


@dataclass
class Tool:
    """A function with its schema; ``risky`` tools run only after an approver says yes."""
    fn: Callable
    spec: dict
    risky: bool = False

    @property
    def name(self) -> str:
        return self.spec["name"]


@dataclass
class ToolRegistry:
    """The tools an agent may use, by name."""
    tools: dict[str, Tool] = field(default_factory=dict)

    def add(self, fn: Callable, risky: bool = False) -> Tool:
        """Register ``fn`` (typed, with a docstring) as a tool; its schema comes from the signature."""
        tool = Tool(fn, json_schema_of(fn), risky)
        self.tools[tool.name] = tool
        return tool

    def tool(self, fn: Callable) -> Callable:
        """``@registry.tool`` registers a function and leaves it as it was."""
        self.add(fn)
        return fn

    def __contains__(self, name: str) -> bool:
        return name in self.tools

    def __getitem__(self, name: str) -> Tool:
        return self.tools[name]

    def specs(self) -> list[dict]:
        """The ``tools=`` list for the openai client."""
        return [{"type": "function", "function": t.spec} for t in self.tools.values()]

    def schemas(self) -> dict[str, dict]:
        """``{name: parameters schema}``."""
        return {name: t.spec["parameters"] for name, t in self.tools.items()}

    def run(self, call: ToolCall) -> str:
        """Run a checked call and return its result as text, cut at ``MAX_OBSERVATION`` characters.
        A tool that raises propagates the exception (the agent loop turns it into an observation)."""
        result = self.tools[call.name].fn(**call.arguments)
        text = result if isinstance(result, str) else json.dumps(result, default=str)
        return text if len(text) <= MAX_OBSERVATION else text[:MAX_OBSERVATION] + " ...(cut)"


def _json_in(text: str):
    """The first JSON object in ``text`` (a model may wrap it in prose or a code fence)."""
    text = text.strip()
    fence = re.search(r"```(?:json)?\s*(.*?)```", text, flags=re.S)
    if fence:
        text = fence.group(1).strip()
    start = text.find("{")
    if start < 0:
        raise ToolCallError(f"no JSON object in the answer: {text[:80]!r}")
    try:
        value, _ = json.JSONDecoder().raw_decode(text[start:])
    except json.JSONDecodeError as exc:
        raise ToolCallError(f"the answer is not valid JSON: {exc.msg} at character {exc.pos + start}") from None
    return value


def parse_tool_call(answer, schemas: dict[str, dict]) -> ToolCall:
    """A checked :class:`ToolCall` from a model's answer, or :class:`ToolCallError` saying what is wrong.

    ``answer`` is text holding ``{"tool": NAME, "arguments": {...}}`` (possibly inside prose or a code
    fence), or an OpenAI message whose ``tool_calls[0]`` carries the call. ``schemas`` maps each
    tool name to its parameters schema; the arguments must fit it.

    >>> schemas = {"search": {"type": "object", "properties": {"query": {"type": "string"}},
    ...                       "required": ["query"]}}
    >>> parse_tool_call('Sure! ```json\\n{"tool": "search", "arguments": {"query": "with"}}\\n```', schemas)
    ToolCall(name='search', arguments={'query': 'with'}, id=None)
    >>> parse_tool_call('{"tool": "search", "arguments": {"q": "with"}}', schemas)
    Traceback (most recent call last):
    ...
    aisd.agents.tools.ToolCallError: arguments of search do not fit its schema: 'query' is a required property
    """
    call_id = None
    calls = getattr(answer, "tool_calls", None) or (answer.get("tool_calls") if isinstance(answer, dict) else None)
    if calls:
        first = calls[0]
        function = first.function if hasattr(first, "function") else first["function"]
        name = function.name if hasattr(function, "name") else function["name"]
        raw = function.arguments if hasattr(function, "arguments") else function["arguments"]
        call_id = first.id if hasattr(first, "id") else first.get("id")
        try:
            arguments = json.loads(raw or "{}") if isinstance(raw, str) else raw
        except json.JSONDecodeError as exc:
            raise ToolCallError(f"arguments of {name} are not valid JSON: {exc.msg}") from None
    else:
        text = getattr(answer, "content", answer)
        if isinstance(answer, dict):
            text = answer.get("content", "")
        if not isinstance(text, str):
            raise ToolCallError(f"expected text or a message, got {type(answer).__name__}")
        value = _json_in(text)
        if not isinstance(value, dict) or "tool" not in value:
            raise ToolCallError('the JSON has no "tool" field: expected {"tool": NAME, "arguments": {...}}')
        name, arguments = value["tool"], value.get("arguments", {})
    if name not in schemas:
        raise ToolCallError(f"unknown tool {name!r}; the tools are {sorted(schemas)}")
    if not isinstance(arguments, dict):
        raise ToolCallError(f"arguments of {name} must be a JSON object, not {type(arguments).__name__}")
    problem = validate(arguments, schemas[name])
    if problem:
        raise ToolCallError(f"arguments of {name} do not fit its schema: {problem}")
    return ToolCall(name, arguments, call_id)
