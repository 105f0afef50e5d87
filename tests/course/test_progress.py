"""`aisd progress`: what every `aisd check` and notebook 12's timer recorded, on a fresh install, after
checks and mock interviews, and with a corrupt record."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from aisd.core import paths
from aisd.course import progress
from aisd.course.selfcheck import CellScore, SelfCheck
from aisd.interview import timer


def aisd(home, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "AISD_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "aisd.course.cli", *args], capture_output=True, text=True,
                          timeout=600, cwd=paths.ROOT, env=env)


def test_fresh_install_says_nothing_is_recorded_and_exits_0(tmp_path):
    done = aisd(tmp_path, "progress")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Nothing recorded yet") and not done.stderr
    data = json.loads(aisd(tmp_path, "progress", "--json").stdout)
    assert data["notebooks"] == [] and data["interviews"] == [] and data["next"]


@pytest.mark.parametrize("name, line", [("checks.jsonl", "{not json"), ("checks.jsonl", '{"assignment": "x"}'),
                                        ("interviews.jsonl", '["clarify", 60]')])
def test_a_corrupt_record_gives_one_clear_line_and_exit_2(tmp_path, name, line):
    (tmp_path / "progress").mkdir()
    (tmp_path / "progress" / name).write_text(line + "\n")
    done = aisd(tmp_path, "progress")
    lines = [ln for ln in done.stderr.splitlines() if ln.strip()]
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert len(lines) == 1 and lines[0].startswith("aisd progress:") and f"{name} line 1" in lines[0], lines


def _check(assignment, rows) -> SelfCheck:
    return SelfCheck(assignment, rows=[CellScore(*r) for r in rows])


def test_points_quiz_topics_interview_times_and_what_next(tmp_path, monkeypatch):
    monkeypatch.setenv("AISD_HOME", str(tmp_path))
    progress.record_check(_check("00_start_here", [
        ("test_cosine_similarity", "cosine_similarity", 0, 1, "autograded", "AssertionError: got 2.0"),
        ("test_framework_quiz_hidden", "framework_quiz", 0, 1, "autograded",
         "AssertionError: these answers are not right yet: q2, q4 (re-read the section each one is about)")]))
    progress.record_check(_check("02_rag_customer_support", [
        ("test_quiz_rag_hidden", "quiz_rag", 0, 2, "autograded",
         "AssertionError: not right: question 2 (reread section 11: answer when (1 - p) x 10 < 2); "
         "question 4 (reread section 6's ef_search sweep)"),
        ("design_rag", "rag", 0, 4, "manual", "")]))
    progress.record_check(_check("00_start_here", [                    # a later check wins
        ("test_cosine_similarity", "cosine_similarity", 1, 1, "autograded", ""),
        ("test_framework_quiz_hidden", "framework_quiz", 0, 1, "autograded",
         "AssertionError: these answers are not right yet: q4 (re-read the section each one is about)")]))
    clock = iter([0.0, 400.0, 400.0, 1000.0])
    t = timer.InterviewTimer("multi_agent", clock=lambda: next(clock))
    t.start("clarify"), t.end(), t.start("high_level"), t.end()

    data = progress.summary()
    assert [(n["assignment"], n["score"], n["max_score"], n["checks"]) for n in data["notebooks"]] == [
        ("00_start_here", 1, 2, 2), ("02_rag_customer_support", 0, 2, 1)]
    assert {(e["exercise"], e["points"], e["max_points"]) for e in data["exercises"]} == {
        ("cosine_similarity", 1, 1), ("framework_quiz", 0, 1), ("quiz_rag", 0, 2)}
    missed = [(q["assignment"], q["question"], q["topic"]) for q in data["quiz_missed"]]
    assert missed[0][:2] == ("00_start_here", "q4") and missed[0][2].startswith("In the tour")   # the question's words
    assert missed[1:] == [("02_rag_customer_support", "q2", "reread section 11: answer when (1 - p) x 10 < 2"),
                          ("02_rag_customer_support", "q4", "reread section 6's ef_search sweep")]
    assert [(i["phase"], i["times"], round(i["mean_min"], 2), i["over_box"]) for i in data["interviews"]] == [
        ("clarify", 1, 6.67, 1), ("high_level", 1, 10.0, 0)]
    text = progress.report(data)
    assert "Quiz questions missed, by topic" in text and "clarify" in text
    advice = "\n".join(data["next"])
    assert "framework_quiz" in advice and "clarify phase averages 6.7 min" in advice and "01_requirements" in advice


def test_the_progress_reader_and_the_timer_agree_on_the_file_and_the_boxes(tmp_path, monkeypatch):
    monkeypatch.setenv("AISD_HOME", str(tmp_path))
    assert progress.interviews_path() == timer.record_path()
    assert progress.PHASE_BOX_MIN == {p.key: p.high_min for p in timer.PHASES}


@pytest.mark.slow
def test_aisd_check_records_what_progress_shows(tmp_path):
    """End to end: `aisd check` of notebook 12's student version (cheap: no model) is recorded."""
    done = aisd(tmp_path, "check", str(paths.NOTEBOOKS / "12_mock_interview.ipynb"))
    assert done.returncode == 1, done.stderr
    record = json.loads((tmp_path / "progress" / "checks.jsonl").read_text().splitlines()[-1])
    assert record["assignment"] == "12_mock_interview" and record["score"] == 0 and record["max_score"] > 0
    shown = aisd(tmp_path, "progress")
    assert shown.returncode == 0 and "12_mock_interview" in shown.stdout and "search_design" in shown.stdout
