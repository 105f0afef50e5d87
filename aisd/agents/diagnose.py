"""Reading traces: why did a run fail? One label per run, from what the trace recorded.

The labels, checked in this order (the first that applies):

============================  ===========================================================================
``solved``                    the answer solves the task (:func:`aisd.agents.trace.task_success`)
``no answer: loop``           no answer; the loop guard stopped the run (``stop_reason == "loop"``)
``no answer: budget``         no answer; a budget stopped it (``"steps"``, ``"tokens"`` or ``"deadline"``)
``no answer: broken``         no answer for any other reason (invalid calls, an LLM error)
``abstained wrongly``         the task is answerable and the answer abstains ("I don't know")
``answered the unanswerable`` the task is unanswerable and the answer does not abstain
``wrong, evidence read``      a wrong answer although a supporting passage was read (the model's fault)
``wrong, evidence missed``    a wrong answer and no supporting passage was read (retrieval's fault)
============================  ===========================================================================

A passage counts as read when a step's arguments name it: ``read_document``'s ``doc_id``, or the
``passages`` a retrieve-then-answer step was given.

>>> from aisd.agents.data import load_tasks
>>> from aisd.agents.trace import Trace
>>> task = load_tasks()[0]
>>> failure_kind(Trace(task_id=task.id, task=task.question, stop_reason="loop"), task)
'no answer: loop'
"""
from __future__ import annotations

LABELS = ("solved", "no answer: loop", "no answer: budget", "no answer: broken", "abstained wrongly",
          "answered the unanswerable", "wrong, evidence read", "wrong, evidence missed")


def passages_read(trace) -> set[str]:
    """The passage ids a trace's steps read (``read_document``'s ``doc_id``, a step's ``passages``).

    It decides :func:`failure_kind`'s "evidence read" or "missed", so it is off while a notebook grades
    that exercise.

    Part of the reference answer of notebook 03, exercise ``ex_failure_kind``.

    >>> from aisd.agents.trace import Trace
    >>> t = Trace(task_id="t", task="q")
    >>> _ = t.add(step=1, kind="tool", tool="read_document", arguments={"doc_id": "with/1"}, observation="x",
    ...           prompt_tokens=0, completion_tokens=0, latency_s=0.0)
    >>> passages_read(t)
    {'with/1'}
    """
    read = set()
    for step in trace.steps:
        arguments = step.arguments or {}
        if step.tool == "read_document" and isinstance(arguments.get("doc_id"), str):
            read.add(arguments["doc_id"].strip().strip("[]"))
        read.update(p for p in arguments.get("passages", []) or [] if isinstance(p, str))
    return read


def failure_kind(trace, task) -> str:
    """The label of one run (``trace``) of ``task`` (see the module's table).

    Reference answer of notebook 03, exercise ``ex_failure_kind``.
    """
    from aisd.agents.trace import is_abstention

    if task.solved_by(trace.answer):
        return "solved"
    if trace.answer is None:
        if trace.stop_reason == "loop":
            return "no answer: loop"
        if trace.stop_reason in ("steps", "tokens", "deadline"):
            return "no answer: budget"
        return "no answer: broken"
    if task.answerable and is_abstention(trace.answer):
        return "abstained wrongly"
    if not task.answerable:
        return "answered the unanswerable"
    if passages_read(trace) & set(task.supporting_ids):
        return "wrong, evidence read"
    return "wrong, evidence missed"
