"""JupyterLab in a real browser: headless Chromium (Debian's package) driven by Playwright.

Each test starts its own ``jupyter lab`` on loopback (free port, token, private config/data/settings
dirs, so it changes nothing on the machine and runs beside other tests) with the course's
JupyterLab configuration from ``binder/jupyter/`` (what ``make lab`` and Binder use):

- student mode: the lab opens on the start notebook with no news pop-up; run all cells of a solved
  copy without error; nbgrader's Validate button on the solved and on the unsolved notebook;
  the instructor panels are gone;
- instructor mode: formgrader opens and lists the course's assignments.

Screenshots go to ``test-artifacts/`` (look at them). Without Chromium the tests skip, except in CI
(``CI=true``), where a missing browser is a failure.
"""
from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import nbformat
import pytest

from aisd.core import paths
from conftest import slowness
from aisd.course.nbgrader import Course

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser")]

START = "00_start_here"
ARTIFACTS = paths.ROOT / "test-artifacts"
LAB_CONFIG = paths.ROOT / "binder" / "jupyter"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
TIMEOUT_MS = 60_000      # on a quiet machine; tests wait TIMEOUT_MS * slowness() (see conftest)


def _chromium() -> str:
    path = os.environ.get("AISD_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if path:
        return path
    reason = "Chromium is not installed (`apt-get install -y chromium`); the browser tests need it"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(reason + " (CI=true: not skipping)")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def jupyter_lab(root_dir: Path, home: Path, student: bool, default_url: str = "/lab"):
    """A ``jupyter lab`` on 127.0.0.1 serving ``root_dir``; yields its base URL with the token."""
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ)
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTERLAB_SETTINGS_DIR",
                 "JUPYTERLAB_WORKSPACES_DIR", "IPYTHONDIR", "AISD_HOME"):
        env[name] = str(home / name.lower())
        Path(env[name]).mkdir(parents=True, exist_ok=True)
    env.pop("JUPYTER_CONFIG_PATH", None)
    # Render every cell (JupyterLab 4 renders only those in view by default) so the page shows them all.
    tracker = Path(env["JUPYTERLAB_SETTINGS_DIR"]) / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True, exist_ok=True)
    tracker.write_text('{"windowingMode": "none"}')
    if student:                                           # nbgrader's instructor panels off
        env["JUPYTER_CONFIG_PATH"] = str(LAB_CONFIG / "student")
    cmd = [str(Path(sys.executable).parent / "jupyter"), "lab", "--no-browser",
           "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root_dir}",
           f"--LabApp.default_url={default_url}",
           f"--LabApp.app_settings_dir={LAB_CONFIG / 'settings'}"]       # no news pop-up
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    log = open(home / "jupyter.log", "w")
    proc = subprocess.Popen(cmd, cwd=root_dir, env=env, stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("jupyter lab did not start:\n" + (home / "jupyter.log").read_text()[-3000:])
                time.sleep(0.3)
        yield base, token
    finally:
        # The notebook started an LLM server in this lab's private state dir: stop it too.
        subprocess.run([sys.executable, "-m", "aisd.course.cli", "llm", "stop"], env=env, capture_output=True,
                       timeout=60)
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="module")
def browser():
    executable = _chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT_MS * slowness())
    yield pg
    context.close()


def _screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def _solved_copy(student_nb: Path, solution_nb: Path, out: Path) -> None:
    """The student notebook with each answer filled in from the solution (markers removed): code answers and the
    written design answers (nbgrader's Validate fails on a written answer left empty)."""
    student, solution = nbformat.read(student_nb, 4), nbformat.read(solution_nb, 4)
    answers = {c.metadata["nbgrader"]["grade_id"]: c.source for c in solution.cells
               if c.metadata.get("nbgrader", {}).get("solution")}
    for cell in student.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in answers:
            cell.source = "\n".join(line for line in answers[gid].splitlines()
                                    if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))
    out.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(student, out)


def _wait_notebook_ready(page, name: str) -> None:
    """The notebook's tab is open and current, and its kernel is idle."""
    page.locator(f".jp-mod-current .lm-TabBar-tabLabel:text-is('{name}')").first.wait_for()
    page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook").wait_for()
    page.wait_for_function(
        "() => { const s = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) "
        ".jp-Notebook-ExecutionIndicator'); return s && s.getAttribute('data-status') === 'idle'; }",
        timeout=TIMEOUT_MS * slowness())


def _menu(page, top: str, item: str) -> None:
    page.locator(f".lm-MenuBar-itemLabel:text-is('{top}')").click()
    page.locator(f".lm-Menu-itemLabel:text-is('{item}')").first.click()


def _validate(page) -> tuple[str, str]:
    """Click nbgrader's Validate button; return (result class, dialog text) and close the dialog."""
    page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .validate-button").click()
    dialog = page.locator(".jp-Dialog")
    dialog.locator(".jp-Dialog-header:has-text('Validation Results')").wait_for(timeout=120_000 * slowness())
    body = dialog.locator(".validation-success, .validation-failed, .validation-passed").first
    body.wait_for()
    kind = next(c for c in body.get_attribute("class").split() if c.startswith("validation-"))
    return kind, dialog.inner_text()


def _close_dialog(page) -> None:
    page.locator(".jp-Dialog .jp-mod-accept").click()
    page.locator(".jp-Dialog").wait_for(state="detached")


def _toasts(page) -> list[str]:
    return page.locator(".Toastify__toast").all_inner_texts()


def test_student_lab(page, tmp_path):
    """Student mode: opens on the start notebook without pop-ups; run all; Validate solved/unsolved."""
    root = tmp_path / "work"
    (root / "notebooks").mkdir(parents=True)
    shutil.copy(paths.NOTEBOOKS / f"{START}.ipynb", root / "notebooks" / f"{START}.ipynb")
    _solved_copy(paths.NOTEBOOKS / f"{START}.ipynb", paths.SOLUTIONS / f"{START}.ipynb",
                 root / "solved" / f"{START}.ipynb")

    with jupyter_lab(root, tmp_path / "home", student=True,
                     default_url=f"/lab/tree/notebooks/{START}.ipynb") as (base, token):
        # 1. The lab opens on the start notebook (the learner's, unsolved), and nothing pops up.
        page.goto(f"{base}/?token={token}")
        _wait_notebook_ready(page, f"{START}.ipynb")
        page.wait_for_timeout(3000)                 # news / update toasts show a moment after start-up
        toasts = _toasts(page)
        _screenshot(page, "student_01_opened_on_start_notebook")
        assert not toasts, f"the lab should open without pop-ups; got {toasts}"

        # 2. Student mode: nbgrader's instructor panels are not there; Validate is.
        page.locator(".lm-MenuBar-itemLabel:text-is('Nbgrader')").click()
        menu = page.locator(".lm-Menu").last.inner_text()
        _screenshot(page, "student_02_nbgrader_menu")
        page.keyboard.press("Escape")
        assert "Formgrader" not in menu and "Course List" not in menu, f"instructor panels in the menu: {menu!r}"
        assert page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .validate-button").count() == 1

        # 3. Validate the unsolved notebook: nbgrader reports the exercise's tests failing.
        kind, text = _validate(page)
        _screenshot(page, "student_03_validate_unsolved")
        _close_dialog(page)
        assert kind == "validation-failed", f"an unsolved notebook must fail validation; got {kind}: {text[:500]}"
        assert "NotImplementedError" in text, text[:1000]

        # 4. The solved copy: run all cells, no error, then Validate passes.
        page.goto(f"{base}/lab/tree/solved/{START}.ipynb?reset&token={token}")     # reset: only this one open
        _wait_notebook_ready(page, f"{START}.ipynb")
        _menu(page, "Run", "Run All Cells")
        page.wait_for_function(
            "() => { const p = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) "
            ".jp-CodeCell .jp-InputPrompt')]; return p.length > 0 && p.every(e => /\\[\\d+\\]/.test(e.innerText)); }",
            timeout=TIMEOUT_MS * slowness())
        _wait_notebook_ready(page, f"{START}.ipynb")
        errors = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) "
                              ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
        _screenshot(page, "student_04_solved_ran_all_cells")
        assert errors.count() == 0, f"run all printed errors: {errors.all_inner_texts()}"
        assert "setup ok" in page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)").inner_text()

        kind, text = _validate(page)                       # Validate saves the notebook first
        _screenshot(page, "student_05_validate_solved")
        _close_dialog(page)
        assert kind == "validation-success", f"the solved notebook should pass validation; got {kind}: {text[:1000]}"
        assert "Success! Your notebook passes all the tests." in text

        saved = nbformat.read(root / "solved" / f"{START}.ipynb", 4)
        code = [c for c in saved.cells if c.cell_type == "code"]
        assert all(c.execution_count for c in code), "run all should have run every code cell"
        assert not [o for c in code for o in c.outputs if o.output_type == "error"], "run all raised an error"


def test_instructor_formgrader(page, tmp_path):
    """Instructor mode: formgrader opens from the Nbgrader menu and lists the course's assignments."""
    course = Course(tmp_path / "course")
    assignments = paths.assignment_names()
    for name in assignments:                # formgrader lists the assignments of the gradebook
        course.add_source(name)
        result = course.generate(name)
        assert result.ok, result.output[-2000:]

    with jupyter_lab(course.root, tmp_path / "home", student=False) as (base, token):
        page.goto(f"{base}/lab?token={token}")
        page.locator(".lm-MenuBar-itemLabel:text-is('Nbgrader')").wait_for()
        page.wait_for_timeout(1000)
        assert not _toasts(page), f"the lab should open without pop-ups; got {_toasts(page)}"
        _menu(page, "Nbgrader", "Formgrader")
        frame = page.frame_locator("iframe").first
        for name in assignments:
            frame.locator(f"text={name}").first.wait_for()
        page.wait_for_timeout(500)
        _screenshot(page, "instructor_01_formgrader_assignments")
        listed = frame.locator("body").inner_text()
        missing = [name for name in assignments if name not in listed]
        assert not missing, f"formgrader does not list {missing}: {listed[:1000]}"


def test_missing_chromium_skips_locally_and_fails_in_ci(monkeypatch):
    """Without Chromium the browser tests skip with a reason, except under CI=true where they fail."""
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.delenv("AISD_CHROMIUM", raising=False)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="Chromium is not installed"):
        _chromium()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        _chromium()
