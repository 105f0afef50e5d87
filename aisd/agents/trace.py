"""Traces: one record per agent step, a table of them, and what a task cost and whether it succeeded.

>>> trace = Trace(task_id="t1", task="2+2?")
>>> _ = trace.add(step=1, kind="tool", tool="calculate", arguments={"expression": "2+2"}, observation="4",
...               prompt_tokens=120, completion_tokens=15, latency_s=0.4)
>>> _ = trace.add(step=2, kind="final", tool="final_answer", arguments={"answer": "4"}, observation="",
...               prompt_tokens=150, completion_tokens=10, latency_s=0.3)
>>> trace.table()[["step", "tool", "observation_chars", "prompt_tokens"]]
   step          tool  observation_chars  prompt_tokens
0     1     calculate                  1            120
1     2  final_answer                  0            150
"""
from __future__ import annotations

import re
import string
from dataclasses import asdict, dataclass, field

import pandas as pd

from aisd.runtime import usage

COLUMNS = ["task_id", "step", "kind", "tool", "arguments", "observation_chars", "prompt_tokens",
           "completion_tokens", "latency_s", "cost_usd", "model", "note"]
ABSTENTIONS = ("i don't know", "i do not know", "unknown", "not in the documents", "cannot answer",
               "no answer", "not found")
MAX_ANSWER_WORDS = 40        # a longer answer does not count as a match: listing everything is not answering


@dataclass
class StepRecord:
    """One step: an LLM call and what it led to (a tool run, a plan, a final answer, an error)."""
    task_id: str
    step: int
    kind: str                        # "tool", "plan", "final", "repair", "stopped"
    tool: str | None
    arguments: dict | None
    observation_chars: int
    prompt_tokens: int
    completion_tokens: int
    latency_s: float
    cost_usd: float
    model: str
    note: str = ""


@dataclass
class Trace:
    """Everything one agent run did, in order; ``answer`` and ``stop_reason`` at the end."""
    task_id: str
    task: str
    model: str = "smollm2"
    steps: list[StepRecord] = field(default_factory=list)
    answer: str | None = None
    sources: list[str] = field(default_factory=list)
    stop_reason: str = ""
    seconds: float = 0.0
    counters: dict[str, int] = field(default_factory=dict)

    def add(self, *, step: int, kind: str, tool: str | None, arguments: dict | None, observation: str,
            prompt_tokens: int, completion_tokens: int, latency_s: float, note: str = "") -> StepRecord:
        """Record one step; its cost comes from :func:`aisd.runtime.usage.cost` for this trace's model."""
        record = StepRecord(self.task_id, step, kind, tool, arguments, len(observation or ""), prompt_tokens,
                            completion_tokens, latency_s, usage.cost(self.model, prompt_tokens, completion_tokens),
                            self.model, note)
        self.steps.append(record)
        return record

    def table(self) -> pd.DataFrame:
        """One row per step (columns :data:`COLUMNS`)."""
        return pd.DataFrame([asdict(s) for s in self.steps], columns=COLUMNS)

    def tokens(self) -> int:
        return sum(s.prompt_tokens + s.completion_tokens for s in self.steps)


def traces_table(traces: list[Trace]) -> pd.DataFrame:
    """The steps of many runs in one table.

    >>> traces_table([]).columns.tolist() == COLUMNS
    True
    """
    rows = [asdict(s) for t in traces for s in t.steps]
    return pd.DataFrame(rows, columns=COLUMNS)


def answer_form(text: str) -> str:
    """Lower case, punctuation around words dropped (``_`` and ``.`` inside names kept), single spaces.

    >>> answer_form("  The `__exit__()` method!! ")
    'the __exit__ method'
    """
    text = str(text).lower().replace("`", " ").replace("()", " ")
    words = [w.strip(string.punctuation.replace("_", "")) for w in text.split()]
    return " ".join(w for w in words if w)


def is_abstention(answer: str | None) -> bool:
    """Did the answer decline (``"I don't know"``, ``"not in the documents"`` ...)?

    >>> is_abstention("I don't know."), is_abstention("It is 42")
    (True, False)
    """
    text = answer_form(answer or "").replace("’", "'")
    return not text or any(text.startswith(answer_form(a)) or text == answer_form(a) for a in ABSTENTIONS)


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


def task_success(answer: str | None, references: list[str], answerable: bool = True) -> bool:
    """Did ``answer`` solve the task? ``None`` (the run gave no answer) never does. Unanswerable tasks:
    the answer abstains. Otherwise one of the
    ``references`` appears in the normalised answer as whole words (a number also matches a number
    equal to it within 1e-6 relative), and the answer has at most ``MAX_ANSWER_WORDS`` words.

    >>> task_success("It calls __exit__.", ["__exit__"]), task_success("It calls __enter__", ["__exit__"])
    (True, False)
    >>> task_success("The result is 1,024", ["1024"]), task_success("I don't know", [], answerable=False)
    (True, True)
    """
    if answer is None:                  # no answer at all (a budget stopped the run) is not an abstention
        return False
    if not answerable:
        return is_abstention(answer)
    if is_abstention(answer):
        return False
    said = answer_form(answer)
    if len(said.split()) > MAX_ANSWER_WORDS:
        return False
    numbers = [_number(w) for w in said.split()]
    for reference in references:
        ref = answer_form(reference)
        if ref and re.search(r"(^|\s)" + re.escape(ref) + r"(\s|$)", said):
            return True
        value = _number(ref)
        if value is not None and any(n is not None and abs(n - value) <= 1e-6 * max(1.0, abs(value))
                                     for n in numbers):
            return True
    return False


def cost_per_task(steps: pd.DataFrame, price_model: str | None = None) -> pd.DataFrame:
    """Per task: steps, LLM calls, tokens in and out, seconds, and cost in USD (of the model that ran,
    or at ``price_model``'s list price for the same tokens).

    >>> steps = pd.DataFrame({"task_id": ["a", "a", "b"], "kind": ["tool", "final", "final"],
    ...     "prompt_tokens": [1000, 1000, 500], "completion_tokens": [100, 100, 50],
    ...     "latency_s": [1.0, 1.0, 0.5], "cost_usd": [0.0, 0.0, 0.0]})
    >>> cost_per_task(steps, price_model="gpt-4o-mini")[["task_id", "llm_calls", "tokens", "cost_usd"]]
      task_id  llm_calls  tokens  cost_usd
    0       a          2    2200  0.000420
    1       b          1     550  0.000105
    """
    table = steps.copy()
    if price_model is not None:
        table["cost_usd"] = [usage.cost(price_model, p, c)
                             for p, c in zip(table["prompt_tokens"], table["completion_tokens"])]
    out = table.groupby("task_id", sort=True).agg(
        llm_calls=("prompt_tokens", lambda p: int((p > 0).sum())),   # a planned tool step calls no model
        tool_steps=("kind", lambda k: int((k == "tool").sum())),
        prompt_tokens=("prompt_tokens", "sum"), completion_tokens=("completion_tokens", "sum"),
        seconds=("latency_s", "sum"), cost_usd=("cost_usd", "sum")).reset_index()
    out["tokens"] = out["prompt_tokens"] + out["completion_tokens"]
    out["cost_usd"] = out["cost_usd"].round(8)
    return out[["task_id", "llm_calls", "tool_steps", "prompt_tokens", "completion_tokens", "tokens", "seconds",
                "cost_usd"]]
