"""The agent loop, in plain Python over the ``openai`` client: ask the model for an action, check it, run the
tool, show the model what came back, until it gives a final answer or a budget runs out.

>>> from aisd.core import paths
>>> from aisd.agents.research import ResearchTools
>>> tools = ResearchTools.from_collection(paths.DATASETS / "pydoc_qa")          # doctest: +SKIP
>>> agent = Agent(tools.registry(), budget=Budget(max_steps=4))                 # doctest: +SKIP
>>> trace = agent.run("Which method does a with statement call on exit?")       # doctest: +SKIP
>>> trace.answer, trace.stop_reason, trace.table()                              # doctest: +SKIP

Two strategies on the same parts:

- ``"react"`` (step by step): each step is one LLM call that returns one tool call (``tool_choice=
  "required"`` over the tools and ``final_answer``), then the tool runs and its result is appended.
- ``"plan"`` (plan, then execute): one LLM call writes the whole plan (a JSON list of tool calls,
  constrained by a schema built from the registry), the tools run in order without the model, and a
  last call (forced ``final_answer``) reads all the results. Fewer LLM calls; it cannot use what a
  step found (an id from a search) to choose the next step.

Recovery and safety, each counted in ``trace.counters``: a malformed or invalid call is shown to the
model with the reason and asked again (``repairs``, at most ``max_repairs`` per step); a tool that
raises becomes an observation ``error: ...`` (``tool_errors``); a call identical to an earlier one is
not run again but answered with a warning (``loops_detected``), and the guard stops the run when it
comes back once more; when the step or loop budget stops a ReAct run, one last call forced to ``final_answer``
lets the model answer from what it found (``forced_finals``; the stop reason stays the budget's); a tool marked risky runs only if ``approver(call)`` says yes (``approvals_asked``,
``approvals_denied``; without an approver, risky tools are refused). Locally, the runtime's own
retries of a call that did not fit its schema are counted as ``runtime_retries``.
"""
from __future__ import annotations

import json
import time
import uuid
from typing import Callable

import openai
import tenacity

from aisd.core.errors import AisdError
from aisd.runtime import llm, toolcalls
from aisd.agents.guards import Budget, should_stop
from aisd.agents.tools import ToolCall, ToolCallError, ToolRegistry, parse_tool_call
from aisd.agents.trace import Trace

FINAL = "final_answer"
FINAL_SPEC = {"name": FINAL, "description": "Give the final answer, short, with the ids of the documents that "
              "support it. If the documents do not say, answer \"I don't know\".",
              "parameters": {"type": "object", "properties": {
                  "answer": {"type": "string", "maxLength": 200},
                  "sources": {"type": "array", "maxItems": 3, "items": {"type": "string", "maxLength": 40}}},
                  "required": ["answer", "sources"]}}
SYSTEM = ("You answer questions about Python with tools. Search the documentation, read the passages you need, "
          "calculate exactly, then call final_answer with a short answer and the ids of the passages you used. "
          "If the documentation does not contain the answer, the answer is \"I don't know\".")
COUNTERS = ("llm_calls", "repairs", "invalid_calls", "tool_errors", "loops_detected", "approvals_asked",
            "approvals_denied", "runtime_retries", "forced_finals", "llm_retries", "fallbacks")
ATTEMPTS = 3                 # tries of one model call on a transient error (connection, 429, 5xx)
BACKOFF_S = (0.5, 4.0)       # exponential backoff with jitter between tries: first wait, longest wait

class AgentError(AisdError):
    """An agent set up or run in a way the loop does not support; the message says what to change."""


Approver = Callable[[ToolCall], bool]
Policy = Callable[[str, list], ToolCall]          # (task, [(ToolCall, observation), ...]) -> the next call


def transient(exc: BaseException) -> bool:
    """Is ``exc`` worth another try? A refused or dropped connection, a rate limit (429) or a server error (5xx):
    yes. A timeout (the deadline is spent), a rejected request (400) or a wrong key: no.

    >>> import httpx
    >>> transient(openai.APIConnectionError(request=httpx.Request("POST", "http://x"))), transient(ValueError())
    (True, False)
    """
    if isinstance(exc, llm.LLMUnavailable):                  # the runtime's clear message around a connection error
        exc = exc.__cause__ or exc
    if isinstance(exc, openai.APITimeoutError):
        return False
    return isinstance(exc, (openai.APIConnectionError, openai.RateLimitError, openai.InternalServerError))


def chat(client, model: str, messages: list[dict], timeout: float, attempts: int = ATTEMPTS, **request):
    """One chat completion, retried on a :func:`transient` error with exponential backoff and jitter
    (``tenacity``); returns ``(reply, seconds, retries)``, ``reply`` None when every try failed or the error is
    not transient (the caller decides: a fallback model, or stop and hand the task to a person).

    >>> class Down:                    # a client whose server refuses every connection
    ...     def with_options(self, **kw): return self
    ...     @property
    ...     def chat(self): return self
    ...     @property
    ...     def completions(self): return self
    ...     def create(self, **kw):
    ...         import httpx
    ...         raise openai.APIConnectionError(request=httpx.Request("POST", "http://127.0.0.1:9"))
    >>> reply, seconds, retries = chat(Down(), "m", [], timeout=5, attempts=2, wait=lambda s: 0.0)
    >>> reply, retries
    (None, 1)
    """
    wait = request.pop("wait", tenacity.wait_random_exponential(multiplier=BACKOFF_S[0], max=BACKOFF_S[1]))
    started, tries = time.perf_counter(), 0

    def once():
        nonlocal tries
        tries += 1
        left = max(1.0, timeout - (time.perf_counter() - started))
        return client.with_options(timeout=left).chat.completions.create(model=model, messages=messages, **request)

    retrying = tenacity.Retrying(stop=tenacity.stop_after_attempt(attempts) | tenacity.stop_after_delay(timeout),
                                 wait=wait, retry=tenacity.retry_if_exception(transient), reraise=True)
    try:
        reply = retrying(once)
    except (openai.APIError, llm.LLMUnavailable):
        reply = None
    return reply, time.perf_counter() - started, tries - 1


def approve_all(call: ToolCall) -> bool:
    """An approver that says yes to everything (for measured runs; say so where you use it)."""
    return True


def ask_person(call: ToolCall) -> bool:
    """An approver that asks the person at the keyboard.

    >>> ask_person(ToolCall("run_python", {"code": "print(1)"}))   # doctest: +SKIP
    The agent wants to run run_python with {"code": "print(1)"}. Allow? [y/N]
    """
    reply = input(f"The agent wants to run {call.name} with {json.dumps(call.arguments)}. Allow? [y/N] ")
    return reply.strip().lower() in ("y", "yes")


class Agent:
    """An agent over ``registry``'s tools (see the module).

    ``client``/``model`` default to :func:`aisd.runtime.llm.client` and its model; ``max_tokens`` bounds
    each answer; ``approver`` decides on risky tools; ``first_tool`` (e.g. ``"search"``) forces the
    first step's tool (a retrieval-first policy; the model still writes the arguments).

    A model call that fails on a transient error is tried again (:func:`chat`, ``llm_retries``); when every
    try fails and ``fallback=(client, model)`` is given, the call goes to that model instead (``fallbacks``;
    e.g. the small tier falling back to the tiny one); only then does the run stop (``"llm error: ..."``), and a
    person takes the task.

    ``policy`` replaces the model in the ReAct loop: ``policy(task, history)`` gets the task text and the
    ``[(ToolCall, observation), ...]`` so far and returns the next :class:`ToolCall` (``final_answer`` to
    finish). Everything else stays the same (checks, budgets, loop guard, approvals, trace), and no LLM is
    called: a scripted or oracle policy shows what the loop and tools do when the choices are right.
    """

    def __init__(self, registry: ToolRegistry, *, client: openai.OpenAI | None = None, model: str | None = None,
                 budget: Budget = Budget(), approver: Approver | None = None, system: str = SYSTEM,
                 max_tokens: int = 120, temperature: float = 0.0, max_repairs: int = 1,
                 first_tool: str | None = None, policy: Policy | None = None, fallback: tuple | None = None):
        if FINAL in registry:
            raise AgentError(f"{FINAL!r} is the agent's own tool: rename yours")
        self.registry, self.budget, self.approver, self.system = registry, budget, approver, system
        self.client = client or (None if policy is not None else llm.client())
        self.model = model or ("policy" if policy is not None else llm.model_name())
        self.max_tokens, self.temperature, self.max_repairs = max_tokens, temperature, max_repairs
        self.schemas = {**registry.schemas(), FINAL: FINAL_SPEC["parameters"]}
        if first_tool is not None and first_tool not in registry:
            raise AgentError(f"first_tool {first_tool!r} is not in the registry ({sorted(registry.tools)})")
        self.first_tool = first_tool
        self.policy = policy
        self.fallback = fallback

    # ---------------------------------------------------------------------------------------------
    def run(self, task: str, task_id: str = "task", strategy: str = "react") -> Trace:
        """Work on ``task`` until a final answer or a budget stops it; returns the :class:`Trace`."""
        if strategy not in ("react", "plan"):
            raise AgentError(f"strategy must be 'react' or 'plan', not {strategy!r}")
        if self.policy is not None and strategy != "react":
            raise AgentError("a policy drives the step-by-step (react) loop only")
        trace = Trace(task_id=task_id, task=task, model=self.model, counters={c: 0 for c in COUNTERS})
        self._started, self._tokens, self._calls, self._history = time.perf_counter(), 0, [], []
        retried_before = sum(v for k, v in toolcalls.stats.items() if k.endswith("_retried"))
        messages = [{"role": "system", "content": self.system}, {"role": "user", "content": task}]
        try:
            (self._react if strategy == "react" else self._plan)(trace, messages)
        finally:
            trace.seconds = time.perf_counter() - self._started
            trace.counters["runtime_retries"] = sum(v for k, v in toolcalls.stats.items()
                                                    if k.endswith("_retried")) - retried_before
        return trace

    def _elapsed(self) -> float:
        return time.perf_counter() - self._started

    def _stop(self, trace: Trace) -> bool:
        reason = should_stop(self._calls, self._tokens, self._elapsed(), self.budget)
        if reason:
            trace.stop_reason = reason
        return reason is not None

    def _ask(self, trace: Trace, messages: list[dict], **request):
        """One LLM call within the remaining time, retried on transient errors, then the fallback model;
        None (and ``stop_reason``) if it still failed."""
        request.setdefault("max_tokens", self.max_tokens)
        request.setdefault("temperature", self.temperature)
        started = time.perf_counter()
        remaining = self.budget.deadline_s - self._elapsed()
        reply, _, retries = chat(self.client, self.model, messages, timeout=max(1.0, remaining), **request)
        trace.counters["llm_retries"] += retries
        if reply is None and self.fallback is not None and self._elapsed() < self.budget.deadline_s:
            client, model = self.fallback
            trace.counters["fallbacks"] += 1
            remaining = self.budget.deadline_s - self._elapsed()
            reply, _, retries = chat(client, model, messages, timeout=max(1.0, remaining), **request)
            trace.counters["llm_retries"] += retries
        if reply is None:
            trace.stop_reason = ("deadline" if self._elapsed() >= self.budget.deadline_s else
                                 f"llm error after {retries + 1} tries")
            return None, 0, 0, time.perf_counter() - started
        trace.counters["llm_calls"] += 1
        used = reply.usage
        prompt, completion = (used.prompt_tokens, used.completion_tokens) if used else (0, 0)
        self._tokens += prompt + completion
        return reply, prompt, completion, time.perf_counter() - started

    def _execute(self, trace: Trace, call: ToolCall) -> str:
        """Run one checked call under the safety rules; the observation the model will read."""
        if any(c.key() == call.key() for c in self._calls):
            trace.counters["loops_detected"] += 1
            return (f"not run again: you already called {call.name} with these arguments (the result is above). "
                    f"Use it, try something else, or call {FINAL}.")
        tool = self.registry[call.name]
        if tool.risky:
            trace.counters["approvals_asked"] += 1
            if not (self.approver and self.approver(call)):
                trace.counters["approvals_denied"] += 1
                return f"not run: {call.name} needs a person's approval, and it was not given"
        try:
            return self.registry.run(call)
        except Exception as exc:          # a tool's failure is information for the model, not a crash
            trace.counters["tool_errors"] += 1
            return f"error: {type(exc).__name__}: {exc}"

    # ---------------------------------------------------------------------------------------------
    def _react(self, trace: Trace, messages: list[dict]) -> None:
        tools = self.registry.specs() + [{"type": "function", "function": FINAL_SPEC}]
        step, repairs = 0, 0
        while True:
            if self._stop(trace):
                if trace.stop_reason in ("steps", "loop") and self.policy is None:
                    self._force_final(trace, messages, step + 1)     # out of steps: answer from what was found
                return
            step += 1
            choice = ({"type": "function", "function": {"name": self.first_tool}}
                      if self.first_tool and not self._calls and step == 1 else "required")
            if self.policy is not None:
                started = time.perf_counter()
                message = self.policy(trace.task, list(self._history))
                if isinstance(message, ToolCall):
                    message = {"tool": message.name, "arguments": message.arguments}
                if isinstance(message, dict) and "tool" in message:
                    message = json.dumps(message)
                prompt, completion, latency = 0, 0, time.perf_counter() - started
            else:
                reply, prompt, completion, latency = self._ask(trace, messages, tools=tools, tool_choice=choice)
                if reply is None:
                    return
                message = reply.choices[0].message
            try:
                call = parse_tool_call(message, self.schemas)
            except ToolCallError as exc:
                trace.counters["invalid_calls"] += 1
                trace.add(step=step, kind="repair", tool=None, arguments=None, observation="", prompt_tokens=prompt,
                          completion_tokens=completion, latency_s=latency, note=str(exc))
                if repairs >= self.max_repairs:
                    trace.stop_reason = "invalid calls"
                    return
                repairs += 1
                trace.counters["repairs"] += 1
                messages.append({"role": "assistant", "content": getattr(message, "content", message) or ""})
                messages.append({"role": "user", "content": f"That was not a valid tool call: {exc}. Call one tool, "
                                 f"with arguments that fit its schema."})
                continue
            repairs = 0
            if call.name == FINAL:
                self._finish(trace, call, step, prompt, completion, latency)
                return
            started = time.perf_counter()
            observation = self._execute(trace, call)
            trace.add(step=step, kind="tool", tool=call.name, arguments=call.arguments, observation=observation,
                      prompt_tokens=prompt, completion_tokens=completion,
                      latency_s=latency + time.perf_counter() - started)
            self._calls.append(call)
            self._history.append((call, observation))
            call_id = call.id or f"call_{uuid.uuid4().hex[:12]}"
            messages.append({"role": "assistant", "content": None, "tool_calls": [{"id": call_id, "type": "function",
                             "function": {"name": call.name, "arguments": json.dumps(call.arguments)}}]})
            messages.append({"role": "tool", "tool_call_id": call_id, "content": observation})

    def _force_final(self, trace: Trace, messages: list[dict], step: int) -> None:
        """The step or loop budget ran out: one last call, forced to ``final_answer``, so that what the tools
        found is not thrown away (the stop reason stays the budget's; ``forced_finals`` counts it)."""
        reason = trace.stop_reason
        note = (f"You have used all your tool steps ({reason} budget). Call {FINAL} now with the best answer "
                "the results above support, or \"I don't know\".")
        reply, prompt, completion, latency = self._ask(
            trace, messages + [{"role": "user", "content": note}],
            tools=[{"type": "function", "function": FINAL_SPEC}],
            tool_choice={"type": "function", "function": {"name": FINAL}})
        if reply is None:
            return
        trace.counters["forced_finals"] = trace.counters.get("forced_finals", 0) + 1
        try:
            call = parse_tool_call(reply.choices[0].message, {FINAL: FINAL_SPEC["parameters"]})
        except ToolCallError as exc:
            trace.counters["invalid_calls"] += 1
            trace.add(step=step, kind="repair", tool=None, arguments=None, observation="", prompt_tokens=prompt,
                      completion_tokens=completion, latency_s=latency, note=str(exc))
            trace.stop_reason = reason
            return
        self._finish(trace, call, step, prompt, completion, latency)
        trace.stop_reason = reason

    def _finish(self, trace: Trace, call: ToolCall, step: int, prompt: int, completion: int, latency: float) -> None:
        trace.answer = str(call.arguments.get("answer", ""))
        trace.sources = [str(s) for s in call.arguments.get("sources", [])]
        trace.stop_reason = trace.stop_reason or "answered"    # a plan stopped early still gets its answer
        trace.add(step=step, kind="final", tool=FINAL, arguments=call.arguments, observation="", prompt_tokens=prompt,
                  completion_tokens=completion, latency_s=latency)

    def plan_schema(self) -> dict:
        """The JSON schema of a plan: ``{"steps": [{"tool": NAME, "arguments": {...}}, ...]}`` over the tools.

        >>> from aisd.agents.tools import ToolRegistry
        >>> registry = ToolRegistry()
        >>> def add(a: int, b: int) -> int:
        ...     '''Add.'''
        >>> _ = registry.add(add)
        >>> agent = Agent(registry, client=object(), model="m", budget=Budget(max_steps=3))
        >>> agent.plan_schema()["properties"]["steps"]["maxItems"]
        3
        """
        actions = [{"type": "object", "properties": {"tool": {"const": name}, "arguments": params},
                    "required": ["tool", "arguments"]} for name, params in self.registry.schemas().items()]
        return {"type": "object", "properties": {"steps": {"type": "array", "minItems": 1,
                                                           "maxItems": self.budget.max_steps,
                                                           "items": {"anyOf": actions}}},
                "required": ["steps"]}

    def _plan(self, trace: Trace, messages: list[dict]) -> None:
        listing = "\n".join(f"- {t['function']['name']}: {t['function']['description']}" for t in self.registry.specs())
        ask = messages + [{"role": "user", "content": f"Plan the tool calls that answer this, in order (at most "
                                                      f"{self.budget.max_steps}). Tools:\n{listing}"}]
        reply, prompt, completion, latency = self._ask(       # a plan is longer than one call: ~30 tokens a step
            trace, ask, response_format={"type": "json_schema", "json_schema": {"name": "plan",
                                                                                "schema": self.plan_schema()}},
            max_tokens=max(self.max_tokens, 30 * self.budget.max_steps))
        if reply is None:
            return
        try:
            steps = json.loads(reply.choices[0].message.content or "{}").get("steps", [])
        except (json.JSONDecodeError, AttributeError):
            steps = []
        trace.add(step=0, kind="plan", tool=None, arguments={"steps": steps}, observation="", prompt_tokens=prompt,
                  completion_tokens=completion, latency_s=latency)
        results = []
        for number, raw in enumerate(steps, start=1):
            if self._stop(trace):
                break
            try:
                call = parse_tool_call(json.dumps(raw), self.registry.schemas())
            except ToolCallError as exc:
                trace.counters["invalid_calls"] += 1
                results.append(f"step {number} skipped: {exc}")
                continue
            started = time.perf_counter()
            observation = self._execute(trace, call)
            trace.add(step=number, kind="tool", tool=call.name, arguments=call.arguments, observation=observation,
                      prompt_tokens=0, completion_tokens=0, latency_s=time.perf_counter() - started)
            self._calls.append(call)
            results.append(f"{call.name}({json.dumps(call.arguments)}) -> {observation}")
        if trace.stop_reason in ("tokens", "deadline"):
            return
        final = messages + [{"role": "user", "content": "Results of the plan:\n" + "\n".join(results)}]
        reply, prompt, completion, latency = self._ask(
            trace, final, tools=[{"type": "function", "function": FINAL_SPEC}],
            tool_choice={"type": "function", "function": {"name": FINAL}})
        if reply is None:
            return
        try:
            call = parse_tool_call(reply.choices[0].message, {FINAL: FINAL_SPEC["parameters"]})
        except ToolCallError as exc:
            trace.counters["invalid_calls"] += 1
            trace.stop_reason = "invalid calls"
            trace.add(step=len(steps) + 1, kind="repair", tool=None, arguments=None, observation="",
                      prompt_tokens=prompt, completion_tokens=completion, latency_s=latency, note=str(exc))
            return
        self._finish(trace, call, len(steps) + 1, prompt, completion, latency)
