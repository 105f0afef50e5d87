"""A learner's progress across the course, from what ``aisd check`` and the mock-interview timer recorded.

    aisd progress          points per notebook and exercise, quiz questions missed with their topics,
                           time per mock-interview phase, and what to study next
    aisd progress --json   the same as JSON (notebook 12 plots it)

Every ``aisd check`` appends its result to ``$AISD_HOME/progress/checks.jsonl`` (:func:`record_check`);
notebook 12's timer appends each finished phase to ``$AISD_HOME/progress/interviews.jsonl``
(:mod:`aisd.interview.timer` writes it; this module only reads the file, so the grading tools import
nothing from the teaching library). Nothing here needs a network. A line that is not a valid record
stops the report with one line that names the file and the line.
"""
from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path

from aisd.core import paths
from aisd.core.errors import AisdError

# The mock interview's phases and their time boxes (high end, minutes), as notebook 12's timer records them.
PHASE_BOX_MIN = {"clarify": 5, "high_level": 10, "deep_dive": 20, "wrap_up": 10}


def checks_path() -> Path:
    return paths.state_dir() / "progress" / "checks.jsonl"


def interviews_path() -> Path:
    return paths.state_dir() / "progress" / "interviews.jsonl"


def record_check(report) -> Path:
    """Append one self-check (an :class:`aisd.course.selfcheck.SelfCheck`) to :func:`checks_path`."""
    path = checks_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [{"grade_id": r.grade_id, "exercise": r.exercise, "points": r.points, "max_points": r.max_points,
             "kind": r.kind, "message": r.message} for r in report.rows]
    record = {"at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "assignment": report.assignment,
              "score": report.score, "max_score": report.max_score, "rows": rows}
    with path.open("a", encoding="utf-8") as f:
        f.write(json.dumps(record) + "\n")
    return path


def _read(path: Path, needed: tuple[str, ...]) -> list[dict]:
    if not path.exists():
        return []
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            missing = [k for k in needed if k not in record] if isinstance(record, dict) else ["an object"]
        except ValueError as exc:
            missing, record = [f"valid JSON ({exc.msg})"], None
        if missing:
            raise AisdError(f"{path} line {number} is not a valid record (missing {', '.join(missing)}): "
                            "delete that line (or the file, to start afresh) and run it again")
        records.append(record)
    return records


def _quiz_questions(assignment: str, exercise: str) -> dict[str, str]:
    """``{"q1": "first words of question 1", ...}`` from the self-quiz text above the quiz's answer cell."""
    from aisd.course.cells import read

    try:
        nb = read(paths.SOLUTIONS / f"{assignment}.ipynb")
    except AisdError:
        return {}
    for i, cell in enumerate(nb.cells):
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == f"ex_{exercise}":
            text = "\n".join(c.source for c in nb.cells[max(0, i - 2):i] if c.cell_type == "markdown")
            found = re.findall(r"^(\d+)\.\s+(.+)$", text, flags=re.M)
            return {f"q{n}": re.sub(r"[*`]", "", q).strip()[:90] for n, q in found}
    return {}


def missed_questions(assignment: str, exercise: str, message: str) -> list[tuple[str, str]]:
    """(question, topic) for each quiz question a failing test message names. The topic is the section
    the test says to reread, else the question's own words.

    >>> missed_questions("00_start_here", "framework_quiz", "AssertionError: not right: question 2 (reread section 6)")
    [('q2', 'reread section 6')]
    """
    hinted = re.findall(r"question (\d+) \((reread .*?)\)(?=; question|$)", message.strip())
    if hinted:
        return [(f"q{n}", hint) for n, hint in hinted]
    numbers = re.findall(r"\bq(\d+)\b", message)
    text = _quiz_questions(assignment, exercise) if numbers else {}
    return [(f"q{n}", text.get(f"q{n}", "the question in the notebook's self-quiz")) for n in dict.fromkeys(numbers)]


def summary() -> dict:
    """Everything ``aisd progress`` shows, as data."""
    checks = _read(checks_path(), ("assignment", "score", "max_score", "rows"))
    phases = _read(interviews_path(), ("phase", "seconds"))
    latest: dict[str, dict] = {}
    counts: dict[str, int] = {}
    for c in checks:
        latest[c["assignment"]] = c
        counts[c["assignment"]] = counts.get(c["assignment"], 0) + 1
    order = {name: i for i, name in enumerate(paths.assignment_names())}
    notebooks, exercises, quiz = [], [], []
    for name in sorted(latest, key=lambda n: (order.get(n, len(order)), n)):
        c = latest[name]
        notebooks.append({"assignment": name, "score": c["score"], "max_score": c["max_score"],
                          "checks": counts[name], "at": c.get("at", "")})
        per: dict[str, dict] = {}
        for r in c["rows"]:
            if r.get("kind") != "autograded":
                continue
            e = per.setdefault(r["exercise"], {"assignment": name, "exercise": r["exercise"], "points": 0.0,
                                               "max_points": 0.0, "message": ""})
            e["points"] += r["points"]
            e["max_points"] += r["max_points"]
            if r["points"] < r["max_points"] and r.get("message"):
                e["message"] = e["message"] or r["message"]
                if "quiz" in r["exercise"]:
                    for q, topic in missed_questions(name, r["exercise"], r["message"]):
                        if not any(m["question"] == q and m["assignment"] == name for m in quiz):
                            quiz.append({"assignment": name, "question": q, "topic": topic})
        exercises += per.values()
    interviews = []
    for phase, box in PHASE_BOX_MIN.items():
        minutes = [p["seconds"] / 60 for p in phases if p["phase"] == phase]
        if minutes:
            interviews.append({"phase": phase, "times": len(minutes), "mean_min": sum(minutes) / len(minutes),
                               "total_min": sum(minutes), "box_min": box,
                               "over_box": sum(m > box for m in minutes)})
    return {"notebooks": notebooks, "exercises": exercises, "quiz_missed": quiz, "interviews": interviews,
            "next": _next(notebooks, exercises, quiz, interviews, order)}


def _next(notebooks, exercises, quiz, interviews, order) -> list[str]:
    advice = []
    failing = [e for e in exercises if e["points"] < e["max_points"]]
    for e in failing[:3]:
        advice.append(f"finish {e['assignment']}'s exercise {e['exercise']} "
                      f"({e['points']:g}/{e['max_points']:g}: {e['message'] or 'see its tests'})")
    for q in quiz[:3]:
        advice.append(f"{q['assignment']} self-quiz {q['question']}: {q['topic']}")
    for i in interviews:
        if i["mean_min"] > i["box_min"]:
            advice.append(f"mock interviews: your {i['phase']} phase averages {i['mean_min']:.1f} min against a "
                          f"{i['box_min']:g}-min box; say what is left in one sentence and move on")
    checked = {n["assignment"] for n in notebooks}
    unchecked = [a for a in sorted(order, key=order.get) if a not in checked]
    if unchecked:
        advice.append(f"next notebook: {unchecked[0]} (then `aisd check notebooks/{unchecked[0]}.ipynb`)")
    if not advice:
        advice.append("every checked notebook has full marks: run another mock interview (notebook 12, section 8)")
    return advice


def report(data: dict) -> str:
    """The summary as text for a terminal."""
    if not (data["notebooks"] or data["interviews"]):
        return (f"Nothing recorded yet in {checks_path().parent}: `aisd check notebooks/NN_name.ipynb` records "
                "each self-check there, and notebook 12's timer records your mock interviews.")
    lines = []
    if data["notebooks"]:
        lines += ["Points per notebook (latest check)", f"{'notebook':<32} {'points':>9} {'checks':>7}  last checked"]
        lines += [f"{n['assignment']:<32} {n['score']:>4g}/{n['max_score']:<4g} {n['checks']:>7}  {n['at']}"
                  for n in data["notebooks"]]
        lines += ["", "Points per exercise", f"{'notebook':<32} {'exercise':<28} {'points':>9}"]
        lines += [f"{e['assignment']:<32} {e['exercise']:<28} {e['points']:>4g}/{e['max_points']:<4g}"
                  for e in data["exercises"]]
    if data["quiz_missed"]:
        lines += ["", "Quiz questions missed, by topic"]
        lines += [f"  {q['assignment']} {q['question']}: {q['topic']}" for q in data["quiz_missed"]]
    if data["interviews"]:
        lines += ["", "Mock interviews: minutes per phase", f"{'phase':<12} {'times':>6} {'mean':>7} {'total':>7} "
                  f"{'box':>5} {'over box':>9}"]
        lines += [f"{i['phase']:<12} {i['times']:>6} {i['mean_min']:>7.1f} {i['total_min']:>7.1f} {i['box_min']:>5g} "
                  f"{i['over_box']:>9}" for i in data["interviews"]]
    lines += ["", "What to study next"] + [f"  - {a}" for a in data["next"]]
    return "\n".join(lines)
