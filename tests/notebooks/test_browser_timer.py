"""Notebook 12's interview timer in the real JupyterLab (headless Chromium, as in test_browser.py): run
all cells, press a phase, let it run, end it, and find its time on the widget and in the record that
`aisd progress` reads."""
from __future__ import annotations

import json

import pytest

from aisd.core import paths
from conftest import slowness
from test_browser import (TIMEOUT_MS, _menu, _screenshot, _solved_copy, _wait_notebook_ready,  # noqa: F401
                          browser, jupyter_lab, page)

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser")]

NB = "12_mock_interview"


def test_the_timer_starts_ends_and_records_a_phase(page, tmp_path):
    root = tmp_path / "work"
    _solved_copy(paths.NOTEBOOKS / f"{NB}.ipynb", paths.SOLUTIONS / f"{NB}.ipynb", root / "notebooks" / f"{NB}.ipynb")
    home = tmp_path / "home"
    with jupyter_lab(root, home, student=True, default_url=f"/lab/tree/notebooks/{NB}.ipynb") as (base, token):
        page.goto(f"{base}/?token={token}")
        _wait_notebook_ready(page, f"{NB}.ipynb")
        _menu(page, "Run", "Run All Cells")
        panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
        start = panel.locator(".aisd-timer-clarify").first
        start.wait_for(timeout=TIMEOUT_MS * slowness())
        _wait_notebook_ready(page, f"{NB}.ipynb")
        status = panel.locator(".aisd-timer-status").first
        assert "press a phase to start" in status.inner_text()

        start.click()                                             # the phase starts, and the clock runs
        page.wait_for_function(
            "() => /Clarify requirements: 00:0[2-9]/.test(document.querySelector('.aisd-timer-status').innerText)",
            timeout=TIMEOUT_MS * slowness())
        _screenshot(page, "timer_01_clarify_running")
        panel.locator(".aisd-timer-end").first.click()            # the phase ends, and is recorded
        page.wait_for_function(
            "() => document.querySelector('.aisd-timer-status').innerText.startsWith('recorded Clarify requirements')",
            timeout=TIMEOUT_MS * slowness())
        _screenshot(page, "timer_02_clarify_recorded")

    record = home / "aisd_home" / "progress" / "interviews.jsonl"
    lines = [json.loads(x) for x in record.read_text().splitlines()]
    assert [(r["problem"], r["phase"]) for r in lines] == [("enterprise_search", "clarify")], lines
    assert 2 <= lines[0]["seconds"] < 600, lines
