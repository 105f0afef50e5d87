"""`aisd bench notebooks`: measures, reports against the budget, and fails only when asked to."""
from __future__ import annotations

import json

import pytest

from aisd.course import cli
from aisd.course import bench

START = "00_start_here"


def _report(*rows: bench.NotebookResult) -> bench.BenchReport:
    return bench.BenchReport(list(rows), bench.machine(), "2026-01-01 00:00 UTC")


@pytest.mark.slow
def test_bench_measures_the_start_notebook(capsys):
    """A real run of the start notebook: JSON with time, both memory peaks, budgets, machine, date."""
    assert cli.main(["bench", "notebooks", "--only", START, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    row = report["notebooks"][0]
    assert row["notebook"] == START and row["status"] == "ok", row
    assert 0 < row["wall_s"] < 300, row
    assert 30 < row["kernel_peak_mib"] <= row["total_peak_mib"], "a Python kernel takes tens of MiB at least"
    assert report["budget"] == {"notebook_wall_s": 90.0, "notebook_peak_mib": 1536.0,
                                "binder_limit_mib": 2048, "course_wall_s": 600.0}
    assert report["machine"]["cpus"] >= 1 and report["measured_at"]


def test_enforce_is_the_only_way_to_fail(monkeypatch, capsys):
    """Over budget: exit 0 by default (a benchmark reports), 1 with --enforce."""
    slow = bench.NotebookResult("99_slow", "ok", 120.0, 500.0, 900.0, True)
    monkeypatch.setattr(bench, "bench_notebooks", lambda *a, **k: _report(slow))
    assert cli.main(["bench", "notebooks"]) == 0
    table = capsys.readouterr().out
    assert "99_slow" in table and "120.0 s" in table and "budget < 90 s" in table
    assert cli.main(["bench", "notebooks", "--enforce"]) == 1

    fine = bench.NotebookResult("00_fine", "ok", 10.0, 300.0, 700.0, True)
    monkeypatch.setattr(bench, "bench_notebooks", lambda *a, **k: _report(fine))
    assert cli.main(["bench", "notebooks", "--enforce"]) == 0


@pytest.mark.parametrize("row, within, binder", [
    (bench.NotebookResult("a", "ok", 89.0, 1000.0, 1500.0), True, True),
    (bench.NotebookResult("a", "ok", 30.0, 1000.0, 1600.0), False, True),      # over 1.5 GiB
    (bench.NotebookResult("a", "ok", 30.0, 1000.0, 2100.0), False, False),     # over Binder's 2 GiB
    (bench.NotebookResult("a", "error: boom", 3.0, 100.0, 100.0), False, True),  # a failing notebook
])
def test_budget_checks(row, within, binder):
    """Each notebook: under 90 s and 1.5 GiB, and without error; Binder fit is reported apart."""
    assert row.within_budget is within and row.fits_binder is binder


def test_whole_course_budget():
    """Notebooks each within budget can still add up to more than 10 minutes."""
    rows = [bench.NotebookResult(f"{i:02d}_x", "ok", 80.0, 100.0, 200.0) for i in range(8)]
    assert not _report(*rows).all_within_budget
    assert _report(*rows[:7]).all_within_budget


def test_unknown_notebook_is_a_clear_error(capsys):
    assert cli.main(["bench", "notebooks", "--only", "99_nope"]) == 2
    assert "no solution notebook named 99_nope" in capsys.readouterr().err


def test_update_readme_replaces_only_between_markers(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"# T\nbefore\n{bench.README_START}\nold table\n{bench.README_END}\nafter\n")
    bench.update_readme(_report(bench.NotebookResult("00_x", "ok", 1.0, 100.0, 100.0)), readme)
    text = readme.read_text()
    assert text.startswith("# T\nbefore\n") and text.endswith(f"{bench.README_END}\nafter\n")
    assert "old table" not in text and "| 00_x | ok |" in text and "2026-01-01" in text
