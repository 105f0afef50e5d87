"""The four phases of a design interview with their time boxes, and a timer that records each phase.

:class:`InterviewTimer` starts and ends phases (from code, or from the buttons of :meth:`~InterviewTimer.widget`
in JupyterLab) and appends each finished phase to ``$AISD_HOME/progress/interviews.jsonl``, where
``aisd progress`` reads the time spent per phase.

>>> ticks = iter([0.0, 400.0])
>>> t = InterviewTimer("enterprise_search", clock=lambda: next(ticks), record=False)
>>> t.start("clarify"); round(t.end())
400
>>> t.table()[["phase", "minutes", "box (min)", "over"]].values.tolist()
[['clarify', 6.7, '5', True]]
"""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from aisd.core import paths


from aisd.core.errors import AisdError


class TimerError(AisdError, KeyError, RuntimeError):
    """The interview timer was asked for a phase that does not exist or is not running."""


@dataclass(frozen=True)
class Phase:
    key: str
    title: str
    low_min: float      # the time box: low_min to high_min minutes
    high_min: float
    goal: str

    @property
    def box(self) -> str:
        return f"{self.low_min:g}" if self.low_min == self.high_min else f"{self.low_min:g}-{self.high_min:g}"


PHASES = (
    Phase("clarify", "Clarify requirements", 5, 5, "the questions that pin the numbers down, written as Requirements"),
    Phase("high_level", "High-level design", 10, 10, "components and data flow as a Design, reviewed"),
    Phase("deep_dive", "Deep dives", 15, 20, "two or three components in depth, and the follow-ups"),
    Phase("wrap_up", "Trade-offs and wrap-up", 5, 10, "what each choice costs, what changes at 10x, a summary"),
)
BY_KEY = {p.key: p for p in PHASES}


def record_path() -> Path:
    """Where finished phases are recorded: ``$AISD_HOME/progress/interviews.jsonl``."""
    return paths.state_dir() / "progress" / "interviews.jsonl"


class InterviewTimer:
    """Times the phases of one mock interview. ``clock``: seconds (monotonic); ``record``: append each
    finished phase to :func:`record_path` (False in tests of the timer itself)."""

    def __init__(self, problem: str, clock=time.monotonic, record: bool = True):
        self.problem = problem
        self.clock = clock
        self.record = record
        self.done: list[tuple[str, float]] = []        # (phase key, seconds), in the order finished
        self.current: str | None = None
        self._started = 0.0
        self._label = None
        self._ticker: threading.Event | None = None

    def start(self, phase: str) -> None:
        """Start ``phase`` (ending the running one first)."""
        if phase not in BY_KEY:
            raise TimerError(f"no phase {phase!r}; the phases are {', '.join(BY_KEY)}")
        if self.current:
            self.end()
        self.current, self._started = phase, self.clock()
        self._refresh()

    def elapsed(self) -> float:
        """Seconds the running phase has taken so far (0 when none runs)."""
        return self.clock() - self._started if self.current else 0.0

    def end(self) -> float:
        """End the running phase; returns its seconds and records it."""
        if not self.current:
            raise TimerError("no phase is running: start one first")
        phase, seconds = self.current, self.elapsed()
        self.done.append((phase, seconds))
        self.current = None
        if self.record:
            path = record_path()
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as f:
                f.write(json.dumps({"at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                                    "problem": self.problem, "phase": phase, "seconds": round(seconds, 1),
                                    "box_max_min": BY_KEY[phase].high_min}) + "\n")
        self._refresh()
        return seconds

    def table(self):
        """The finished phases: minutes taken against the time box."""
        import pandas as pd

        rows = [(k, BY_KEY[k].title, round(s / 60, 1), BY_KEY[k].box, s / 60 > BY_KEY[k].high_min)
                for k, s in self.done]
        return pd.DataFrame(rows, columns=["phase", "title", "minutes", "box (min)", "over"])

    def _status(self) -> str:
        if self.current:
            p = BY_KEY[self.current]
            m, s = divmod(int(self.elapsed()), 60)
            over = " (over the time box: move on)" if self.elapsed() / 60 > p.high_min else ""
            return f"{p.title}: {m:02d}:{s:02d} of {p.box} min{over}"
        if self.done:
            k, s = self.done[-1]
            return f"recorded {BY_KEY[k].title}: {s / 60:.1f} min (box {BY_KEY[k].box} min)"
        return "press a phase to start"

    def _refresh(self) -> None:
        if self._label is not None:
            self._label.value = self._status()

    def _tick(self, stop: threading.Event) -> None:
        while not stop.wait(1.0):
            self._refresh()

    def widget(self):
        """Buttons to start each phase and end the running one, and a clock that updates every second."""
        import ipywidgets as w

        self._label = w.Label(self._status(), layout=w.Layout(min_width="420px"))
        self._label.add_class("aisd-timer-status")
        buttons = []
        for p in PHASES:
            b = w.Button(description=f"{p.title} ({p.box} min)", layout=w.Layout(width="auto"))
            b.add_class(f"aisd-timer-{p.key}")
            b.on_click(lambda _, key=p.key: self.start(key))
            buttons.append(b)
        stop = w.Button(description="End phase", button_style="warning")
        stop.add_class("aisd-timer-end")
        stop.on_click(lambda _: self.end() if self.current else None)
        if self._ticker is None:
            self._ticker = threading.Event()
            threading.Thread(target=self._tick, args=(self._ticker,), daemon=True).start()
        return w.VBox([w.HBox(buttons), w.HBox([stop, self._label])])


def history(path: Path | None = None):
    """Every recorded phase (a table; empty when nothing is recorded). Lines that are not valid records
    are skipped."""
    import pandas as pd

    path = path or record_path()
    rows = []
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                r = json.loads(line)
                rows.append((r["at"], r["problem"], r["phase"], float(r["seconds"]) / 60))
            except (ValueError, KeyError, TypeError):
                continue
    return pd.DataFrame(rows, columns=["at", "problem", "phase", "minutes"])


def plot(records=None):
    """The mean minutes per phase of ``records`` (default: :func:`history`) as red dots against the time
    boxes (green bands); the boxes alone when nothing is recorded. Returns the figure.

    >>> import pandas as pd
    >>> plot(pd.DataFrame(columns=["at", "problem", "phase", "minutes"])).axes[0].get_xlabel()
    'minutes'
    """
    import matplotlib.pyplot as plt
    import numpy as np

    records = history() if records is None else records
    keys = [p.key for p in PHASES]
    y = np.arange(len(PHASES))
    fig, ax = plt.subplots(figsize=(7, 2.8))
    ax.barh(y, [p.high_min - p.low_min for p in PHASES], left=[p.low_min for p in PHASES], color="#d3f9d8",
            label="time box")
    ax.barh(y, [p.low_min for p in PHASES], color="#ebfbee")
    if len(records):
        mean = records.groupby("phase")["minutes"].mean().reindex(keys)
        ax.scatter(mean, y, color="#e03131", zorder=3, label=f"your mean ({records['problem'].nunique()} problem(s))")
    ax.set_yticks(y, keys)
    ax.set_xlabel("minutes")
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    return fig
