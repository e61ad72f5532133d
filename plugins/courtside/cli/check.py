"""`courtside check`: every problem of every file, as the build would report it.

The pipeline's per-file step stopped after validation and the promise chain
(`pipeline.check`), then its merge step (`pipeline.unique_shares`), over the files of each
folder given; files shared between processes on a large folder. Fast enough for a
pre-commit hook: nothing of the renderers (Babel, Jinja, MkDocs) is imported.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from contextlib import suppress
from datetime import date
from pathlib import Path

from ..core.problems import Problem
from ..core.results import Broken, Passed
from ..core.shares import unique_shares
from .common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    PROG,
    Command,
    UsageError,
    add_projects,
    add_today,
    job_count,
    projects_folder,
    resolve_today,
)

POLICIES_FILE = "_policies.yml"  # core.pipeline.POLICIES_FILE, not imported before it is needed
CHECK_AT_LEAST = 50
"""Files per process at the least: fewer are checked in one process (a fork costs more)."""


def check_targets(paths: Sequence[str]) -> dict[Path, set[str] | None]:
    """Folder -> names of the engagements to report (None: the whole folder).

    A folder or its `_policies.yml` means every file in it (policies apply to all).
    """
    targets: dict[Path, set[str] | None] = {}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            targets[path] = None
        elif path.is_file() and path.name == POLICIES_FILE:
            targets[path.parent] = None
        elif path.is_file() and path.suffix.lower() == ".md" and not path.name.startswith(("_", ".")):
            names = targets.setdefault(path.parent, set())
            if names is not None:
                names.add(path.name)
        elif path.exists():
            raise UsageError(
                f"{PROG} check: {raw} is not an engagement (a .md file whose name does not start "
                f"with _ or .) nor a {POLICIES_FILE}"
            )
        else:
            raise UsageError(f"{PROG} check: no such file or folder: {raw}")
    return targets


def check_folder(
    folder: Path, today: date, label: str, jobs: int = 1, use_cache: bool = False
) -> tuple[list[Problem], list[str]]:
    """Every problem the build reports for `folder` on `today` (sorted), and the engagement
    files read, as problems name them. The files are shared between `jobs` processes (0: one
    per CPU; never fewer than CHECK_AT_LEAST files each). With `use_cache`, files whose
    inputs did not change since an earlier run are not checked again (cache.py)."""
    from ..sources.folder import read_folder

    read = read_folder(folder, label)
    cache = _cache_of(folder, use_cache)
    policies_data = read.policies.data if read.policies is not None else b""
    common = (label.encode(), today.isoformat().encode(), policies_data)
    keys = {s.name: cache.key(b"engagement", *common, s.name.encode(), s.data) for s in read.sources} if cache else {}
    known = {name: _result_from(value) for name, key in keys.items() if (value := cache.get(key)) is not None}
    to_do = [source for source in read.sources if source.name not in known]
    policies_key = cache.key(b"policies", *common) if cache else ""
    policies_problems = _problems_from(cache.get(policies_key)) if cache else None
    if to_do or policies_problems is None or read.policies_problem is not None:
        policies_problems, checked = _check(read, to_do, today, jobs)
        known.update(checked)
    if cache is not None:
        for name, result in known.items():
            cache.put(keys[name], _result_json(result))
        cache.put(policies_key, [list(vars_of(p)) for p in policies_problems])
        cache.save()
    return _merged(read.entries, known, policies_problems)


# The files that must be checked (all, or those the cache did not have), in `jobs` processes.
def _check(read, to_do: list, today: date, jobs: int) -> tuple[list[Problem], dict[str, object]]:
    from ..core import schedule  # noqa: F401 - imported once, before the workers fork
    from ..core.pipeline import check
    from ..core.validate import calendar_of
    from ..kept_answers import kept_answers
    from ..parallel import jobs_for, map_chunks

    with kept_answers() as answers:
        policies = read.policy_set()
        processes = jobs_for(len(to_do), jobs, CHECK_AT_LEAST)
        if processes > 1:
            # The holidays package's country modules, imported once; a calendar it refuses is
            # each engagement's problem.
            with suppress(ValueError):
                calendar_of(policies.policies)
        results = []
        for checked, asked in map_chunks(
            lambda chunk: ([check(source, policies, today) for source in chunk], answers.taken()), to_do, processes
        ):
            results += checked
            answers.add(asked)
    return list(policies.problems), {source.name: result for source, result in zip(to_do, results, strict=True)}


# The merge step over the results in file order: every problem, sorted, and the files read.
def _merged(entries: list, known: dict[str, object], policies_problems: list[Problem]) -> tuple[list[Problem], list[str]]:
    results = [entry if isinstance(entry, Broken) else known[entry.name] for entry in entries]
    problems = list(policies_problems)
    files = []
    for result in unique_shares(results):
        files.append(result.file)
        if isinstance(result, Broken):
            problems.extend(result.problems)
    return sorted(problems), files


def _cache_of(folder: Path, use_cache: bool):
    from ..cache import ResultCache

    return ResultCache(folder, "check") if use_cache else None


def vars_of(problem: Problem) -> tuple:
    return (problem.file, problem.line, problem.field, problem.message)


# A check's result as plain JSON for the cache, and back.
def _result_json(result) -> dict:
    if isinstance(result, Broken):
        problems = [list(vars_of(p)) for p in result.problems]
        return {"broken": [result.id, result.file, result.share, result.client, result.project, result.share_line, problems]}
    return {"passed": [result.id, result.file, result.share, result.share_line]}


def _result_from(value: dict):
    if "passed" in value:
        return Passed(*value["passed"])
    ident, file, share, client, project, share_line, problems = value["broken"]
    return Broken(ident, file, _problems_from(problems), share, client, project, share_line)


def _problems_from(value: list | None) -> list[Problem] | None:
    return None if value is None else [Problem(*fields) for fields in value]


# Validate like the build: every problem of every file, one line each; exit 1 when any.
def run(args: argparse.Namespace) -> int:
    if not args.paths:
        projects_folder(args)
    today = resolve_today(args.today, os.environ)
    targets = check_targets(args.paths or [args.projects])
    problems: set[Problem] = set()
    checked = 0
    for folder, names in targets.items():
        label = str(folder)
        found, files = check_folder(folder, today, label, args.jobs, use_cache=not args.no_cache)
        wanted = None if names is None else {f"{label}/{name}" for name in names}
        engagement_files = set(files)
        # An engagement's problems only when it is wanted; the policies' always (they apply to all).
        problems.update(p for p in found if wanted is None or p.file in wanted or p.file not in engagement_files)
        checked += sum(1 for file in files if wanted is None or file in wanted)
    for problem in sorted(problems):
        print(problem)
    engagements = f"{checked} engagement{'s' if checked != 1 else ''}"
    if problems:
        files_with = len({p.file for p in problems})
        print(
            f"{PROG}: {len(problems)} problem{'s' if len(problems) != 1 else ''} in "
            f"{files_with} file{'s' if files_with != 1 else ''} ({engagements} checked)",
            file=sys.stderr,
        )
        return EXIT_PROBLEMS
    print(f"{PROG}: {engagements} checked, no problems", file=sys.stderr)
    return EXIT_OK


def register(command: Command) -> None:
    parser = command(
        "check",
        run,
        "Validate engagements like the build does and print every problem of every file as "
        "file:line: field: message. Exit 0 when clean, 1 when there are problems. A folder or "
        "its _policies.yml checks every file in it.",
        "  courtside check                    # the projects folder\n"
        "  courtside check projects/acme-bakery.md projects/panaderia-sol.md",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="engagement files or folders (default: --projects)")
    parser.add_argument(
        "--jobs",
        type=job_count,
        metavar="N",
        default=0,
        help=f"check in N processes at most, each with {CHECK_AT_LEAST} files or more "
        "(default 0: one per CPU; 1: in this process only)",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="check every file again, ignoring the results kept from earlier runs "
        "(kept in ~/.cache/courtside, or $COURTSIDE_CACHE_DIR)",
    )
    add_projects(parser)
    add_today(parser)
