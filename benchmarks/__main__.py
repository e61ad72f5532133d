"""`python -m benchmarks`: generate, measure, print the table (see docs/performance.md)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .run import JOBS, PYTHONPATH, benchmark, table, to_json

PARTS = ("build", "check", "serve", "history")


# Parse the options, run the benchmarks, print the table (and save every run as JSON).
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--n", type=int, nargs="+", default=[20, 50, 200, 1000, 10000],
                        help="numbers of engagements (default: 20 50 200 1000 10000)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each command per N (default 5)")
    parser.add_argument("--large-runs", type=int, default=3, help="timed runs when N >= 5,000 (default 3)")
    parser.add_argument("--memory-runs", type=int, default=1,
                        help="runs of each build and its floor that sample memory, not timed (default 1)")
    parser.add_argument("--serve-n", type=int, default=None,
                        help="N for the mkdocs serve measurement (default 1000; with --quick the smallest N; 0: skip)")
    parser.add_argument("--edits", type=int, default=5, help="saves timed under mkdocs serve (default 5)")
    parser.add_argument("--history-n", type=int, default=None,
                        help="N for the build with a git history of 300 commits (default 50; with --quick the "
                             "smallest N; 0: skip)")
    parser.add_argument("--only", nargs="+", choices=PARTS, default=list(PARTS), help="measure only these")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: one run each, no warm-up, one edit, serve at the smallest N")
    parser.add_argument("--workdir", type=Path, help="keep the generated sites and logs here")
    parser.add_argument("--json", type=Path, help="also write every run to this JSON file")
    parser.add_argument("--code", type=Path, metavar="DIR",
                        help="time the courtside package in DIR (a copy of plugins/) instead of the installed one")
    parser.add_argument("--jobs", type=int, metavar="K",
                        help="write `jobs: K` in the plugin site's mkdocs.yml and run `courtside check --jobs K` "
                             "(default: neither, the plugin's own default)")
    args = parser.parse_args(argv)
    if args.memory_runs < 1:
        parser.error(f"--memory-runs {args.memory_runs}: expected 1 or more (the memory of (c))")
    if args.jobs is not None:
        if args.jobs < 0:
            parser.error(f"--jobs {args.jobs}: expected 0 (one per CPU) or more")
        JOBS.append(args.jobs)
    if args.code:
        if not (args.code / "courtside" / "plugin.py").is_file():
            parser.error(f"--code {args.code}: expected a folder holding courtside/plugin.py")
        PYTHONPATH.append(str(args.code.resolve()))

    runs, edits = (1, 1) if args.quick else (args.runs, args.edits)
    serve_n = args.serve_n if args.serve_n is not None else (min(args.n) if args.quick else 1000)
    print(f"Courtside benchmarks: N = {', '.join(f'{n:,}' for n in args.n)}", flush=True)
    results, info = benchmark(
        args.n, runs, args.large_runs, edits, serve_n or None, args.seed, args.workdir, set(args.only), args.quick,
        history_n=(args.history_n if args.history_n is not None else (min(args.n) if args.quick else 50)) or None,
        memory_runs=args.memory_runs,
    )
    serve_measured = bool(serve_n) and "serve" in args.only
    note = (
        f"Wall time: median of {runs} run(s) ({min(runs, args.large_runs)} when N >= 5,000); "
        f"floor (a): the same pages as plain Markdown, no courtside plugin; floor (b): yaml.CSafeLoader"
        + (f"; (d): median of {edits} save(s)." if serve_measured else ".")
    )
    print()
    print(table(results, info, note))
    if args.json:
        args.json.write_text(json.dumps(to_json(results, info), indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
