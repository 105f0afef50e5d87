"""``aisd bench notebooks``: hold every solution notebook to the course's budget, measured.

    aisd bench notebooks [--only NN_name] [--json] [--enforce] [--cpus 1] [--update-readme]
    aisd bench runtime   [...]      (the LLM server and embeddings on this machine: aisd.runtime.bench)

Each notebook of ``solutions/`` runs from a fresh kernel (nbclient), with its own empty state dir
(``$AISD_HOME``: so it starts its own LLM server and fills a cold embedding cache, as a learner
opening that notebook first would). Every 0.2 s the command samples the resident memory (RSS) of
the kernel with its child processes, and of the local LLM server. It reports per notebook:

- wall time, kernel start included; budget 90 s (on 2 cores);
- peak memory of the kernel; peak memory of kernel + LLM server together; budget 1.5 GiB;
- whether kernel + server fits Binder's 2 GiB limit;

and the whole course against 10 minutes. It is a benchmark, not a test: it always exits 0 unless
``--enforce`` is given, when a notebook that fails or misses a budget makes it exit 1.
``--cpus 1`` runs the kernels on one CPU, as on Binder.

>>> row = NotebookResult("00_start_here", "ok", 12.0, 400.0, 700.0)
>>> row.within_budget
True
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import re
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import psutil

from aisd.core import paths
from aisd.core.errors import AisdError

MIB = 1024 * 1024
BUDGET_SECONDS = 90.0                 # one notebook, end to end, on 2 cores
BUDGET_MIB = 1.5 * 1024               # kernel + LLM server, one notebook
BINDER_MIB = 2 * 1024                 # mybinder.org: 2 GiB at most (1 GiB guaranteed), 1 CPU
BUDGET_COURSE_SECONDS = 600.0         # every notebook, one after the other
SAMPLE_SECONDS = 0.2
README_START, README_END = "<!-- bench:start -->", "<!-- bench:end -->"


@dataclass
class NotebookResult:
    """One notebook's figures (memory in MiB, time in seconds)."""

    notebook: str
    status: str                       # "ok", or "error: <first line>"
    wall_s: float
    kernel_peak_mib: float
    total_peak_mib: float             # kernel + LLM server, sampled at the same instants
    llm_server_used: bool = False

    @property
    def within_budget(self) -> bool:
        return self.status == "ok" and self.wall_s < BUDGET_SECONDS and self.total_peak_mib < BUDGET_MIB

    @property
    def fits_binder(self) -> bool:
        return self.total_peak_mib < BINDER_MIB

    def as_dict(self) -> dict:
        return {**asdict(self), "within_budget": self.within_budget, "fits_binder": self.fits_binder}


@dataclass
class BenchReport:
    results: list[NotebookResult]
    machine: dict
    measured_at: str
    extra: dict = field(default_factory=dict)

    @property
    def total_s(self) -> float:
        return sum(r.wall_s for r in self.results)

    @property
    def all_within_budget(self) -> bool:
        return all(r.within_budget for r in self.results) and self.total_s < BUDGET_COURSE_SECONDS

    def as_dict(self) -> dict:
        return {
            "measured_at": self.measured_at,
            "machine": self.machine,
            "budget": {"notebook_wall_s": BUDGET_SECONDS, "notebook_peak_mib": BUDGET_MIB,
                       "binder_limit_mib": BINDER_MIB, "course_wall_s": BUDGET_COURSE_SECONDS},
            "notebooks": [r.as_dict() for r in self.results],
            "total": {"wall_s": round(self.total_s, 1), "within_budget": self.total_s < BUDGET_COURSE_SECONDS},
            "all_within_budget": self.all_within_budget,
            **self.extra,
        }

    def table(self) -> str:
        """A Markdown table (readable in a terminal too), budget beside each figure."""
        m = self.machine
        lines = [
            f"Measured {self.measured_at} on {m['cpu']} ({m['cpus_used']} of {m['cpus']} CPUs used, "
            f"{m['ram_gib']} GiB RAM), Python {m['python']}; load average {m['load_avg_1min']} "
            f"(other work on the machine) when the run began.",
            "",
            f"| notebook | status | wall time (budget < {BUDGET_SECONDS:.0f} s) "
            f"| kernel peak | kernel + LLM server peak (budget < {BUDGET_MIB / 1024:.1f} GiB) "
            f"| fits Binder ({BINDER_MIB / 1024:.0f} GiB) |",
            "|---|---|---:|---:|---:|:---:|",
        ]
        for r in self.results:
            mark = "" if r.within_budget or not r.status == "ok" else ", OVER BUDGET"
            lines.append(
                f"| {r.notebook} | {r.status}{mark} | {r.wall_s:.1f} s | {r.kernel_peak_mib:.0f} MiB "
                f"| {r.total_peak_mib:.0f} MiB{'' if r.llm_server_used else ' (no LLM server)'} "
                f"| {'yes' if r.fits_binder else 'NO'} |")
        ok = self.total_s < BUDGET_COURSE_SECONDS
        lines.append(f"| **whole course** ({len(self.results)} notebooks) | {'ok' if ok else 'OVER'} "
                     f"| {self.total_s:.1f} s (budget < {BUDGET_COURSE_SECONDS / 60:.0f} min) | | | |")
        return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# measuring
# --------------------------------------------------------------------------------------------
def machine() -> dict:
    """What the figures were measured on.

    >>> sorted(machine())
    ['cpu', 'cpus', 'cpus_used', 'load_avg_1min', 'os', 'python', 'ram_gib']
    """
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": cpu, "cpus": os.cpu_count(), "cpus_used": paths.usable_cpus(),
            "ram_gib": round(psutil.virtual_memory().total / 1024**3, 1),
            "python": platform.python_version(), "os": f"{platform.system()} {platform.release()}",
            # Other work on the machine slows the notebooks: the figures are only as quiet as this.
            "load_avg_1min": round(psutil.getloadavg()[0], 2)}


def _llm_server_pid(state_dir: Path) -> int | None:
    """The pid of the LLM server started in ``state_dir`` (from the runtime's state file), if any."""
    try:
        return int(json.loads((state_dir / "llm_server.json").read_text())["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


class _MemorySampler(threading.Thread):
    """Samples, every ``SAMPLE_SECONDS``, the RSS of this process's descendants (the kernel and
    what it starts) and of the LLM server; keeps the peaks of kernel alone and of both together."""

    def __init__(self, state_dir: Path):
        super().__init__(daemon=True)
        self.state_dir = state_dir
        self.kernel_peak = 0
        self.total_peak = 0
        self.server_seen = False
        self._halt = threading.Event()

    def sample(self) -> None:
        server_pid = _llm_server_pid(self.state_dir)
        kernel = server = 0
        for proc in psutil.Process().children(recursive=True):
            if proc.pid == server_pid:
                continue
            try:
                kernel += proc.memory_info().rss
            except psutil.Error:
                pass
        if server_pid:
            try:
                server = psutil.Process(server_pid).memory_info().rss
                self.server_seen = True
            except psutil.Error:
                pass
        self.kernel_peak = max(self.kernel_peak, kernel)
        self.total_peak = max(self.total_peak, kernel + server)

    def run(self) -> None:
        while not self._halt.is_set():
            self.sample()
            self._halt.wait(SAMPLE_SECONDS)

    def stop(self) -> None:
        self._halt.set()
        self.join()
        self.sample()


def bench_notebook(path: Path, cell_timeout: int = 300) -> NotebookResult:
    """Run one notebook in a fresh kernel with an empty state dir and measure it.

    >>> r = bench_notebook(paths.SOLUTIONS / "00_start_here.ipynb")   # doctest: +SKIP
    >>> r.status, r.wall_s < 90                                          # doctest: +SKIP
    ('ok', True)
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    nb = nbformat.read(path, as_version=4)
    with paths.private_state_dir() as state_dir:        # the kernel inherits it; so does stop_server()
        sampler = _MemorySampler(state_dir)
        status = "ok"
        started = time.perf_counter()
        sampler.start()
        try:
            NotebookClient(nb, timeout=cell_timeout, kernel_name="python3",
                           resources={"metadata": {"path": str(path.parent)}}).execute()
        except (CellExecutionError, CellTimeoutError, DeadKernelError, RuntimeError) as exc:
            first = next((line for line in str(exc).splitlines() if line.strip()
                          and not line.startswith(("-", "An error occurred"))), type(exc).__name__)
            status = "error: " + first.strip()[:80]
        finally:
            wall = time.perf_counter() - started
            sampler.stop()
            _stop_llm_server()
    return NotebookResult(path.stem, status, round(wall, 1), round(sampler.kernel_peak / MIB, 1),
                          round(sampler.total_peak / MIB, 1), sampler.server_seen)


def _stop_llm_server() -> None:
    """Stop the server the notebook started (in the current ``$AISD_HOME``), if the runtime has one."""
    from aisd.runtime.server import stop_server

    try:
        stop_server()
    except Exception as exc:       # never lose a measurement for a clean-up problem
        print(f"aisd bench: could not stop the LLM server: {exc}", file=sys.stderr)


def bench_notebooks(only: list[str] | None = None, cell_timeout: int = 300, cpus: int | None = None,
                    progress=None) -> BenchReport:
    """Benchmark the solution notebooks (all, or those named in ``only``), one after the other."""
    names = paths.assignment_names()
    if only:
        unknown = sorted(set(only) - set(names))
        if unknown:
            raise AisdError(f"no solution notebook named {', '.join(unknown)} (have: {', '.join(names)})")
        names = [n for n in names if n in only]
    me = psutil.Process()
    saved_affinity = me.cpu_affinity() if cpus else None
    if cpus:
        me.cpu_affinity(sorted(saved_affinity)[:cpus])     # the kernels inherit it
    info = machine()
    try:
        results = []
        for name in names:
            if progress:
                progress(f"running {name} ...")
            results.append(bench_notebook(paths.SOLUTIONS / f"{name}.ipynb", cell_timeout=cell_timeout))
            if progress:
                progress(f"  {results[-1].status}, {results[-1].wall_s:.1f} s, "
                         f"{results[-1].total_peak_mib:.0f} MiB")
    finally:
        if cpus:
            me.cpu_affinity(saved_affinity)
    when = _dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    return BenchReport(results, info, when)


def update_readme(report: BenchReport, readme: Path = paths.ROOT / "README.md") -> None:
    """Replace the text between ``<!-- bench:start -->`` and ``<!-- bench:end -->`` with the table."""
    text = readme.read_text()
    if README_START not in text or README_END not in text:
        raise AisdError(f"{readme} has no {README_START} ... {README_END} markers")
    block = (f"{README_START}\n{report.table()}\n\nRe-measure with `.venv/bin/aisd bench notebooks "
             f"--update-readme` (`--json` for the figures as JSON, `--enforce` to fail over budget).\n"
             f"{README_END}")
    pattern = re.escape(README_START) + r".*?" + re.escape(README_END)
    readme.write_text(re.sub(pattern, lambda _: block, text, count=1, flags=re.S))
