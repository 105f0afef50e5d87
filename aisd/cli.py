"""The ``aisd`` command: self-check, class grading, release, and the runtime/benchmark tools.

    aisd check notebooks/00_start_here.ipynb     grade one notebook, hidden tests included
    aisd grade SUBMISSIONS --course DIR          grade a class (nbgrader autograde + feedback)
    aisd release [--check] [--only NN_name]      notebooks/ from solutions/

Other modules add their own subcommands: each module in COMMAND_MODULES may define
``add_commands(subparsers)``.
"""
from __future__ import annotations

import argparse
import importlib
import sys

COMMAND_MODULES = ["aisd.llm", "aisd.bench", "aisd.retrieval"]


def cmd_check(args) -> int:
    from .notebook import NotebookError
    from .selfcheck import check

    try:
        report = check(args.notebook, assignment=args.assignment, cell_timeout=args.cell_timeout)
    except (NotebookError, RuntimeError) as exc:
        print(f"aisd check: {exc}", file=sys.stderr)
        return 2
    print(report.table())
    return 0 if report.all_passed else 1


def cmd_grade(args) -> int:
    from .classgrade import grade_class

    summary = grade_class(args.submissions, args.course, out=args.out, cell_timeout=args.cell_timeout,
                          timeout=args.timeout)
    print(summary.table())
    return 0 if not summary.errors else 1


def cmd_release(args) -> int:
    from .release import release

    stale = release(check=args.check, only=args.only)
    if args.check:
        if stale:
            print("notebooks/ is stale for: " + ", ".join(stale) + " (run `make release`)", file=sys.stderr)
            return 1
        print("notebooks/ is up to date with solutions/")
        return 0
    print("regenerated: " + (", ".join(stale) if stale else "nothing (already up to date)"))
    return 0


CORE_COMMANDS = {"check", "grade", "release"}


def build_parser(with_plugins: bool = True) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="aisd", description="AI System Design Workbook tools")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("check", help="grade one notebook against the full tests (self-check)")
    p.add_argument("notebook")
    p.add_argument("--assignment", help="assignment name, if the file name does not say it")
    p.add_argument("--cell-timeout", type=int, default=300, help="seconds a cell may run (default 300)")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("grade", help="grade a folder of submissions, one sub-folder per student")
    p.add_argument("submissions", help="folder with STUDENT/NN_name.ipynb")
    p.add_argument("--course", default="autograder/course", help="nbgrader course directory (kept: gradebook)")
    p.add_argument("--out", help="where grades.csv and feedback/ go (default: COURSE/export)")
    p.add_argument("--cell-timeout", type=int, default=300)
    p.add_argument("--timeout", type=float, default=1800, help="seconds for one submission in all")
    p.set_defaults(func=cmd_grade)

    p = sub.add_parser("release", help="generate notebooks/ from solutions/ with nbgrader")
    p.add_argument("--check", action="store_true", help="only report whether notebooks/ is stale")
    p.add_argument("--only", action="append", help="one assignment (repeatable)")
    p.set_defaults(func=cmd_release)

    if not with_plugins:
        return parser
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        if hasattr(module, "add_commands"):
            module.add_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # The grading commands do not import the runtime modules (LLM client, embeddings): faster, and a
    # problem there cannot stop a learner from checking a notebook.
    core = bool(argv) and argv[0] in CORE_COMMANDS
    args = build_parser(with_plugins=not core).parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
