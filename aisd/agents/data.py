"""The labelled research tasks of ``datasets/research_tasks`` (see its README): loading, the splits, and the checks
that keep their labels honest.

The splits use the course's names: ``tuning`` (choices are made here) and ``heldout`` (reported once). The agent
is not trained, so there is no ``train`` split; the task file already uses the course's names.

>>> tasks = load_tasks()
>>> len(tasks) >= 40, sorted({t.kind for t in tasks})
(True, ['calculation', 'multi_hop', 'single_hop', 'unanswerable'])
>>> problems(tasks[0], load_beir(paths.DATASETS / "pydoc_qa").corpus)
[]
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from aisd.core import paths
from aisd.toolkit.datasets import load_beir
from aisd.core.errors import AisdError
from aisd.agents.calculator import calculate
from aisd.agents.trace import answer_form, task_success

TASKS_FILE = paths.DATASETS / "research_tasks" / "tasks.jsonl"
KINDS = ("single_hop", "multi_hop", "calculation", "unanswerable")
SPLITS = ("tuning", "heldout")          # the course's train / tuning / heldout, without train


class TaskError(AisdError):
    """A task file that does not follow the format; the message says which line and field."""


@dataclass
class Task:
    """One research task: a question, its reference answer(s), and the passages that support it."""
    id: str
    kind: str
    split: str
    question: str
    answer: str
    aliases: list[str]
    answerable: bool
    supporting_ids: list[str]
    evidence: dict[str, str] = field(default_factory=dict)
    calculation: dict | None = None
    absent_terms: list[str] = field(default_factory=list)

    def references(self) -> list[str]:
        """The answer and its accepted aliases."""
        return [self.answer, *self.aliases]

    def solved_by(self, answer: str | None) -> bool:
        """Task success of ``answer`` (:func:`aisd.agents.trace.task_success`)."""
        return task_success(answer, self.references(), self.answerable)


def load_tasks(path: str | Path = TASKS_FILE, split: str | None = None) -> list[Task]:
    """The tasks of ``path`` (JSON lines), optionally only one split (``'tuning'`` or ``'heldout'``)."""
    if split == "train":
        raise TaskError("the research tasks have no train split (nothing is trained): use 'tuning' to choose "
                        "and 'heldout' to report")
    if split not in (None, *SPLITS):
        raise TaskError(f"split must be one of {SPLITS} or None, not {split!r}")
    tasks = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            task = Task(**row)
        except (json.JSONDecodeError, TypeError) as exc:
            raise TaskError(f"{path}: line {number} is not a task ({exc})") from None
        if task.kind not in KINDS or task.split not in SPLITS:
            raise TaskError(f"{path}: line {number} has kind {task.kind!r} / split {task.split!r}; "
                            f"expected one of {KINDS} / {SPLITS}")
        tasks.append(task)
    return [t for t in tasks if split is None or t.split == split]


def _flat(text: str) -> str:
    return " ".join(text.split())


def problems(task: Task, corpus: dict[str, dict]) -> list[str]:
    """What is wrong with a task's labels against ``corpus`` (empty when it is sound):

    - every supporting id exists, and every evidence quote is in its passage (whitespace aside);
    - an answerable task's answer (or an alias) is in its supporting passages, or, for a calculation,
      its expression computes the answer and the numbers it takes from the documents are in them;
    - a multi-hop task has at least two supporting passages;
    - an unanswerable task has none, its answer abstains, and its ``absent_terms`` appear nowhere.
    """
    found = []
    for doc_id in task.supporting_ids:
        if doc_id not in corpus:
            found.append(f"{task.id}: supporting id {doc_id!r} is not in the corpus")
    for doc_id, quote in task.evidence.items():
        if doc_id not in task.supporting_ids:
            found.append(f"{task.id}: evidence from {doc_id!r}, which is not a supporting id")
        elif doc_id in corpus and _flat(quote) not in _flat(corpus[doc_id]["text"]):
            found.append(f"{task.id}: the quote {quote[:50]!r} is not in {doc_id}")
    if found:
        return found
    support = " ".join(corpus[d]["title"] + " " + corpus[d]["text"] for d in task.supporting_ids)
    if not task.answerable:
        if task.supporting_ids or not task.solved_by(task.answer):
            found.append(f"{task.id}: an unanswerable task has no supporting ids and an abstaining answer")
        everything = " ".join(_flat(d["title"] + " " + d["text"]).lower() for d in corpus.values())
        found += [f"{task.id}: {term!r} does appear in the corpus" for term in task.absent_terms
                  if term.lower() in everything]
        if not task.absent_terms:
            found.append(f"{task.id}: list the absent_terms that show the corpus cannot answer it")
        return found
    if task.kind == "multi_hop" and len(set(task.supporting_ids)) < 2:
        found.append(f"{task.id}: a multi-hop task needs at least two supporting passages")
    if task.kind == "calculation":
        calc = task.calculation or {}
        value = calculate(calc.get("expression", ""))
        if not task.solved_by(str(value)):
            found.append(f"{task.id}: {calc.get('expression')!r} = {value}, not the answer {task.answer!r}")
        for number in calc.get("numbers_from_documents", []):
            if not re.search(r"(?<![\w.])" + re.escape(number) + r"(?![\w])", support):
                found.append(f"{task.id}: the number {number!r} is not in the supporting passages")
    else:
        said = answer_form(support)
        if not any(re.search(r"(^|\s)" + re.escape(answer_form(r)) + r"(\s|$)", said) for r in task.references()):
            found.append(f"{task.id}: the answer {task.answer!r} is not in its supporting passages")
    return found
