"""Notebook 03's regeneration steps (``aisd precompute 03 runs`` and ``aisd precompute 03 multi``): the small
model's stored runs on the research tasks. Both are resumable: every record is written as soon as it is made, a
record already made by the same model is kept (``--redo`` runs it again), and held-out tasks go first.

Run them in the background with one llama.cpp thread and their own state folder, e.g.
``AISD_HOME=/tmp/aisd-03 AISD_LLM_THREADS=1 nohup aisd precompute 03 multi > multi.log 2>&1 &``
(on a busy machine a ReAct run takes minutes).

>>> parser("runs").parse_args(["--split", "heldout"]).split
'heldout'
"""
from __future__ import annotations

import argparse
import json
import os
import time
from dataclasses import asdict
from pathlib import Path

from aisd.agents import multi as _multi
from aisd.agents import runs as _runs
from aisd.agents.data import KINDS, SPLITS, load_tasks
from aisd.agents.research import ResearchTools
from aisd.core import paths


def parser(step: str) -> argparse.ArgumentParser:
    """The command line of ``step`` (``"runs"`` or ``"multi"``)."""
    from aisd.runtime.models import STORED_TIER

    p = argparse.ArgumentParser(prog=f"python -m aisd.agents.precompute {step}")
    p.add_argument("--split", choices=SPLITS, default=None)
    if step == "runs":
        p.add_argument("--approaches", nargs="+", choices=_runs.APPROACHES, default=list(_runs.APPROACHES))
        p.add_argument("--out", type=Path, default=_runs.RUNS_FILE)
    else:
        p.add_argument("--kinds", nargs="+", choices=KINDS, default=["multi_hop"])
        p.add_argument("--out", type=Path, default=_multi.MULTI_FILE)
    p.add_argument("--tier", default=STORED_TIER, help="the local model tier (default: the stored one)")
    p.add_argument("--redo", action="store_true", help="run again what this model has already run")
    return p


def _kept(path: Path) -> dict:
    kept = {}
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                kept[(record["approach"], record["task_id"])] = record
    return kept


def _write(path: Path, kept: dict, order: dict) -> None:
    with open(path, "w", encoding="utf-8") as f:          # the whole file after every run: resumable
        for key in sorted(kept, key=lambda k: (order.get(k[0], 99), k[1])):
            f.write(json.dumps(kept[key], ensure_ascii=False) + "\n")


def runs(argv: list[str] | None = None) -> Path:
    """Run direct / retrieve / react / plan on the tasks and (re)write their records in ``--out``."""
    from aisd.toolkit.progress import progress
    from aisd.runtime import llm

    args = parser("runs").parse_args(argv)
    tools = ResearchTools.from_collection(paths.DATASETS / "pydoc_qa")
    client, model = llm.client(tier=args.tier, timeout=900), llm.model_name(tier=args.tier)
    kept, order = _kept(args.out), {a: i for i, a in enumerate(_runs.APPROACHES)}
    started = time.perf_counter()
    tasks = sorted(load_tasks(split=args.split), key=lambda t: t.split != "heldout")     # held-out first
    for task in progress(tasks, "03 runs"):
        for approach in args.approaches:
            if not args.redo and kept.get((approach, task.id), {}).get("model") == model:
                continue
            trace = _runs.run(approach, task, tools, client, model)
            kept[(approach, task.id)] = _runs.to_record(trace, approach)
            print(f"{task.id} {approach:8} {trace.seconds:5.1f} s  {trace.stop_reason:12} "
                  f"solved={task.solved_by(trace.answer)}  {str(trace.answer)[:50]!r}", flush=True)
            _write(args.out, kept, order)
    print(f"done in {time.perf_counter() - started:.0f} s; load average {os.getloadavg()[0]:.1f}")
    return args.out


def multi(argv: list[str] | None = None) -> Path:
    """Run the multi-agent (:mod:`aisd.agents.multi`) on the tasks of ``--kinds`` and (re)write their records."""
    from aisd.toolkit.progress import progress
    from aisd.runtime import llm

    args = parser("multi").parse_args(argv)
    tools = ResearchTools.from_collection(paths.DATASETS / "pydoc_qa")
    client, model = llm.client(tier=args.tier, timeout=900), llm.model_name(tier=args.tier)
    kept = _kept(args.out)
    tasks = sorted((t for t in load_tasks(split=args.split) if t.kind in args.kinds),
                   key=lambda t: (t.split != "heldout", t.id))
    started = time.perf_counter()
    for task in progress(tasks, "03 multi"):
        if not args.redo and kept.get(("multi", task.id), {}).get("model") == model:
            continue
        trace = _multi.run_multi(task.question, task.id, tools, client, model)
        kept[("multi", task.id)] = {"approach": "multi", **asdict(trace)}
        _write(args.out, kept, {})
        print(f"{task.id} multi {trace.seconds:6.1f} s  {trace.stop_reason:12} solved={task.solved_by(trace.answer)}"
              f"  notes={len(_multi.notes_of(trace))}  {str(trace.answer)[:50]!r}", flush=True)
    print(f"done in {time.perf_counter() - started:.0f} s; load average {os.getloadavg()[0]:.1f}")
    return args.out


if __name__ == "__main__":
    import sys

    {"runs": runs, "multi": multi}[sys.argv[1]](sys.argv[2:])
