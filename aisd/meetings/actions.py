"""Action items as data: a JSON schema, validation with reasons, and scoring against the references.

An action item is ``{"owner", "task", "due", "source_time"}``: who, what, by when (an ISO date,
or null when nobody said), and where in the recording it was said (seconds), so every item links
back to its evidence and a reader can check it. :data:`SCHEMA` is what a model is asked to fill
(the local server constrains its output to it); :func:`validate` says in words what is wrong with
an item, since even grammar-constrained output can name someone who was not there or a date
that does not exist.

Extracted items are scored against the reference items by one-to-one matching: a pair matches
when the owners agree (fuzzy: "marcus" = "Marcus.") and the tasks are similar enough (fuzzy, on
content words), then precision = matched / extracted and recall = matched / reference.

>>> item = {"owner": "Marcus", "task": "Update the release notes", "due": "2026-03-09", "source_time": 41.2}
>>> validate(item, team=["Priya", "Marcus"])
[]
>>> validate({"owner": "Dana", "task": "", "due": "2026-02-30", "source_time": -1}, team=["Priya", "Marcus"])
['task must be a non-empty string', 'due must be an ISO date YYYY-MM-DD or null, got 2026-02-30', 'source_time must be a number of seconds >= 0', 'owner Dana is not one of the attendees (Priya, Marcus)']
"""
from __future__ import annotations

import datetime as dt
import difflib
import json
import re

from aisd.core.errors import AisdError

SCHEMA = {
    "type": "object",
    "properties": {
        "owner": {"type": "string", "minLength": 1, "description": "the attendee who will do it"},
        "task": {"type": "string", "minLength": 1, "description": "what will be done, as a short imperative"},
        "due": {"type": ["string", "null"], "pattern": r"^\d{4}-\d{2}-\d{2}$",
                "description": "ISO date it is due, or null if no date was said"},
        "source_time": {"type": "number", "minimum": 0, "description": "seconds into the meeting where it was said"},
    },
    "required": ["owner", "task", "due", "source_time"],
    "additionalProperties": False,
}
LIST_SCHEMA = {"type": "object", "properties": {"items": {"type": "array", "items": SCHEMA}},
               "required": ["items"], "additionalProperties": False}

_STOP = set("a an the to of for on in by with and or be will is are it this that his her their our we i "
            "you they them up".split())


class ActionItemError(AisdError):
    """Model output that holds no list of action items; the message says what was found instead."""


def validate(item, team: list[str] | None = None, duration: float | None = None) -> list[str]:
    """What is wrong with ``item`` against :data:`SCHEMA`, in plain words ([] when nothing is).

    Beyond the schema, when given: the owner must be one of the ``team`` and the source time
    within the meeting's ``duration``.
    """
    if not isinstance(item, dict):
        return [f"an action item must be a JSON object, got {type(item).__name__}"]
    problems = [f"missing field {key}" for key in SCHEMA["required"] if key not in item]
    problems += [f"unexpected field {key}" for key in item if key not in SCHEMA["properties"]]
    owner, task, due, when = (item.get(k) for k in ("owner", "task", "due", "source_time"))
    if "owner" in item and not (isinstance(owner, str) and owner.strip()):
        problems.append("owner must be a non-empty string")
    if "task" in item and not (isinstance(task, str) and task.strip()):
        problems.append("task must be a non-empty string")
    if "due" in item and due is not None:
        try:
            if not (isinstance(due, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", due)):
                raise ValueError
            dt.date.fromisoformat(due)
        except ValueError:
            problems.append(f"due must be an ISO date YYYY-MM-DD or null, got {due}")
    if "source_time" in item:
        if isinstance(when, bool) or not isinstance(when, (int, float)) or when < 0:
            problems.append("source_time must be a number of seconds >= 0")
        elif duration is not None and when > duration:
            problems.append(f"source_time {when} is after the end of the meeting ({duration} s)")
    if team is not None and isinstance(owner, str) and owner.strip() and _person(owner) not in map(_person, team):
        problems.append(f"owner {owner} is not one of the attendees ({', '.join(team)})")
    return problems


def parse_items(text: str) -> list:
    """The list of items in a model's JSON answer: ``{"items": [...]}``, a bare list, or one object.

    >>> parse_items('{"items": [{"owner": "Ken"}]}')
    [{'owner': 'Ken'}]
    """
    try:
        data = json.loads(text)
    except (TypeError, json.JSONDecodeError) as exc:
        raise ActionItemError(f"the answer is not JSON ({exc}): {str(text)[:80]!r}") from exc
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        return data["items"]
    if isinstance(data, list):
        return data
    if isinstance(data, dict) and "task" in data:
        return [data]
    raise ActionItemError(f"expected {{'items': [...]}}, got {str(text)[:80]!r}")


def _person(name: str) -> str:
    return re.sub(r"[^a-z]", "", str(name).lower().split()[0]) if str(name).split() else ""


def _content(task: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9]+", str(task).lower()) if w not in _STOP]


def owner_matches(a: str, b: str) -> bool:
    """Same person, up to case, punctuation, a surname and a small misspelling (ASR: "Marcos").

    >>> owner_matches("marcus", "Marcus Lee"), owner_matches("Marcos", "Marcus"), owner_matches("Ken", "Lena")
    (True, True, False)
    """
    x, y = _person(a), _person(b)
    return bool(x and y) and difflib.SequenceMatcher(None, x, y).ratio() >= 0.8


def task_similarity(a: str, b: str) -> float:
    """How alike two task descriptions are, in [0, 1]: the similarity of their content words in order.

    >>> round(task_similarity("Update the release notes", "update release notes by Monday"), 2)
    0.86
    >>> task_similarity("Book the venue", "Write the deletion job")
    0.0
    """
    x, y = _content(a), _content(b)
    if not x or not y:
        return 0.0
    return difflib.SequenceMatcher(None, x, y).ratio()


def match_items(extracted, reference, threshold=0.5):
    """Score ``extracted`` items against ``reference`` items (one-to-one, best total similarity).

    Returns ``{"precision", "recall", "f1", "pairs", "due_correct"}``; ``pairs`` lists
    ``(extracted index, reference index, task similarity)`` of the matches, ``due_correct`` how
    many matched items also have the right due date. Empty lists score 0 (and 1 for the side
    with nothing to find: no reference items and none extracted is perfect).

    Reference answer of notebook 10, exercise ``ex_match_items``.

    >>> ref = [{"owner": "Marcus", "task": "Update the release notes", "due": "2026-03-09"},
    ...        {"owner": "Lena", "task": "Train the support team", "due": "2026-03-11"}]
    >>> got = [{"owner": "marcus", "task": "update the release notes", "due": "2026-03-09"},
    ...        {"owner": "Priya", "task": "Train the support team", "due": None}]
    >>> r = match_items(got, ref)
    >>> r["precision"], r["recall"], r["pairs"], r["due_correct"]
    (0.5, 0.5, [(0, 0, 1.0)], 1)
    """
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    if not extracted or not reference:
        perfect = not extracted and not reference
        p = 1.0 if not extracted else 0.0
        r = 1.0 if not reference else 0.0
        return {"precision": p, "recall": r, "f1": 1.0 if perfect else 0.0, "pairs": [], "due_correct": 0}
    score = np.zeros((len(extracted), len(reference)))
    for i, e in enumerate(extracted):
        for j, ref in enumerate(reference):
            if isinstance(e, dict) and owner_matches(e.get("owner", ""), ref["owner"]):
                s = task_similarity(e.get("task", ""), ref["task"])
                score[i, j] = s if s >= threshold else 0.0
    rows, cols = linear_sum_assignment(-score)
    pairs = [(int(i), int(j), round(float(score[i, j]), 3)) for i, j in zip(rows, cols) if score[i, j] > 0]
    precision, recall = len(pairs) / len(extracted), len(pairs) / len(reference)
    f1 = 2 * precision * recall / (precision + recall) if pairs else 0.0
    due = sum(extracted[i].get("due") == reference[j].get("due") for i, j, _ in pairs)
    return {"precision": precision, "recall": recall, "f1": f1, "pairs": pairs, "due_correct": due}
