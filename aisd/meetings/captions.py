"""Live captions: which streaming setup to run, scored from the stored runs of :mod:`aisd.meetings.streaming`.

A caption for a word appears once the audio holding it has arrived, been waited for, and been transcribed:

- **fixed chunks** of ``L`` seconds: a word waits for the end of its chunk, then for one call;
- **overlapping windows**: every ``step`` seconds the last few seconds are transcribed again, and a word is
  shown once it lies ``hold`` seconds behind the newest audio (:func:`commit_words`), so it was heard with
  audio on both sides and fewer words are cut. A word waits for the first call that shows it.

The **caption delay** of a word is the time from the end of the word (whisper's own word timing) to the end of
the call that shows it. Two compute figures are stored per call: the CPU seconds of a single-thread call as it
ran on the busy shared machine, and, for a sample of calls, the least CPU time of three repeats
(:data:`aisd.meetings.streaming.TIMING`): what the call costs on a core of its own, pooled over all meetings (a
call's cost depends on the setup, not on the meeting). :func:`setup_rows` reports
the p95 delay on a dedicated core (p95 wait + p95 best-of-3 compute of a call, a cautious sum) and, beside it,
the p95 delay as it happened on the busy machine (wall time, calls queueing behind slow ones). The real-time
factor (RTF) is the mean compute of a call over the audio each call adds: the share of a core one live
meeting keeps busy.

>>> calls = [{"t": 1.0, "words": [["good", 0.1, 0.4]]},
...          {"t": 2.0, "words": [["good", 0.1, 0.4], ["morning", 0.5, 1.2]]},
...          {"t": 2.5, "words": [["good", 0.1, 0.4], ["morning", 0.5, 1.0], ["all", 1.9, 2.3]]}]
>>> [(w[0], w[3]) for w in commit_words(calls, step=1.0, hold=1.0)]
[('good', 2.0), ('morning', 2.0), ('all', 2.5)]
"""
from __future__ import annotations

import numpy as np

from aisd.meetings import data, streaming, wer

HOLDS = (0.0, 0.5, 1.0, 1.5)          # seconds a window's word waits behind the newest audio before it is shown
STEPS = (1.0, 2.0)                    # seconds between two calls of a window run (2 s: every other stored call)


def _every(step: float) -> int:
    return max(1, round(step / streaming.STEP))


def window_calls(calls: list[dict], step: float) -> list[dict]:
    """The calls a window run at ``step`` seconds makes: every n-th stored 1-second call, and the last one."""
    every = _every(step)
    return [c for i, c in enumerate(calls[:-1]) if (i + 1) % every == 0] + calls[-1:]


def commit_words(calls: list[dict], step: float = 1.0, hold: float = 1.0) -> list[list]:
    """The words a window run shows, in order: at each call of :func:`window_calls`, the words whose middle lies
    between the previous call's cut and ``hold`` seconds before the newest audio; the last call shows the rest.
    Each word as ``[word, start, end, t]`` (``t``: the end of the audio of the call that shows it)."""
    chosen = window_calls(calls, step)
    shown, cut = [], 0.0
    for n, call in enumerate(chosen):
        upto = float("inf") if n == len(chosen) - 1 else call["t"] - hold
        for word, start, end in call["words"]:
            if cut <= (start + end) / 2 < upto:
                shown.append([word, start, end, call["t"]])
        cut = max(cut, upto)
    return shown


def _busy_delays(calls: list[dict], words: list[list]) -> list[float]:
    """Per word, seconds from its end to the end of the call that showed it, as it ran on the busy machine:
    each call starts when its audio has arrived and the previous call is done (wall seconds)."""
    done, finish = {}, 0.0
    for c in calls:
        finish = max(c["t"], finish) + c["wall_s"]
        done[c["t"]] = finish
    return [done[t] - end for _w, _s, end, t in words]


def setup_rows(meeting_ids: list[str], runs: dict | None = None) -> list[dict]:
    """One row per streaming setup over ``meeting_ids``: ``{"setup", "wer"`` (word-weighted, from the setup's own
    text), ``"delay_p95"`` and ``"rtf"`` (on a dedicated core: best-of-3 CPU seconds), ``"delay_p95_busy"`` (as
    run on the busy machine), and the parts of the delay: ``"wait_p95"``, ``"compute_p95"``, ``"compute_mean"``
    and ``"step"`` (seconds of audio each call adds)``}``.

    >>> rows = setup_rows(["m01_launch_date"])
    >>> rows[0]["setup"], all(r["delay_p95"] > 0 and r["rtf"] > 0 for r in rows)
    ('fixed 5 s', True)
    """
    runs = runs or streaming.load_runs()
    refs = [data.load(m).text() for m in meeting_ids]
    # a call's compute depends on the setup and the core, not on the meeting: pooled over every timed call
    timed = [c for (_m, name), r in runs.items() if name == streaming.TIMING for c in r["calls"]]
    setups = [(f"fixed {c:g} s", f"fixed {c:g}", c, None) for c in streaming.FIXED_CHUNKS]
    setups += [(f"window {w:g} s, step {s:g} s, hold {h:g} s", f"window {w:g}", s, h)
               for w in streaming.WINDOWS for s in STEPS for h in HOLDS]
    rows = []
    for name, run, step, hold in setups:
        texts, waits, busy = [], [], []
        for m in meeting_ids:
            calls = runs[(m, run)]["calls"]
            if hold is None:
                words = [[*w, c["t"]] for c in calls for w in c["words"]]
            else:
                calls, words = window_calls(calls, step), commit_words(calls, step, hold)
            texts.append(" ".join(w[0] for w in words))
            waits += [t - end for _w, _s, end, t in words]
            busy += _busy_delays(calls, words)
        best = [c["best_cpu_s"] for c in timed if c["run"] == run]
        wait, compute = float(np.percentile(waits, 95)), float(np.percentile(best, 95))
        rows.append({"setup": name, "wer": wer.corpus_wer(list(zip(refs, texts))), "delay_p95": wait + compute,
                     "rtf": float(np.mean(best) / step), "delay_p95_busy": float(np.percentile(busy, 95)),
                     "wait_p95": wait, "compute_p95": compute, "compute_mean": float(np.mean(best)), "step": step})
    return rows


def core_speedup(row: dict, max_delay_s: float, max_rtf: float) -> float:
    """How many times faster than the measured one a core must run this setup's calls for the setup to meet both
    budgets (at most 1: the measured core does); ``inf`` when the wait alone is over the delay budget.

    >>> core_speedup({"wait_p95": 1.5, "compute_p95": 2.0, "compute_mean": 0.5, "step": 1.0}, 3.0, 0.6)
    1.3333333333333333
    """
    if row["wait_p95"] >= max_delay_s:
        return float("inf")
    return max(row["compute_p95"] / (max_delay_s - row["wait_p95"]), row["compute_mean"] / (max_rtf * row["step"]))
