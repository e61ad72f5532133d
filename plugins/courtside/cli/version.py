"""`courtside version ID`: the version of an engagement's agreement, as a client accepts it.

The version is a digest of everything the client agrees to (stages, promised days, owners,
deliverables, payments, fee, and the policies in force on the day), not of the dates computed
from them (core/agreement.py): reformatting the file does not change it, any term does.
Write it into `accepted: {by: ..., on: ..., version: ...}` when the client accepts.
"""

from __future__ import annotations

import argparse
import os
import sys

from .common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    PROG,
    Command,
    Refused,
    UsageError,
    add_projects,
    add_today,
    projects_folder,
    resolve_today,
)


# Print the version of one engagement's agreement as it stands on the day.
def run(args: argparse.Namespace) -> int:
    from ..core.agreement import version
    from ..core.pipeline import Broken, Source, evaluate
    from ..core.scaffold import valid_id
    from ..sources.folder import read_file, read_folder

    if not valid_id(args.id):
        raise UsageError(f"{PROG} version: {args.id!r} is not an engagement id (the file name without .md)")
    folder = projects_folder(args)
    path = folder / f"{args.id}.md"
    if not path.is_file():
        raise Refused(f"{PROG} version: no engagement {args.id!r}: {path} does not exist")
    today = resolve_today(args.today, os.environ)
    read = read_folder(folder, str(folder), paths=[])
    name = f"{folder}/{path.name}"
    data = read_file(path, name, folder)
    if not isinstance(data, bytes):
        print(data, file=sys.stderr)
        return EXIT_PROBLEMS
    policies = read.policy_set()
    result = evaluate(Source(name, data), policies, today)
    problems = [*policies.problems, *(result.problems if isinstance(result, Broken) else [])]
    if problems:
        for problem in sorted(problems):
            print(problem, file=sys.stderr)
        print(f"{PROG} version: fix these problems first: a version names valid terms", file=sys.stderr)
        return EXIT_PROBLEMS
    print(version(result.terms))  # type: ignore[union-attr]
    return EXIT_OK


def register(command: Command) -> None:
    parser = command(
        "version",
        run,
        "Print the version of an engagement's agreement: a digest of the terms the client "
        "accepts (stages, days, owners, payments, fee, the policies in force), not of dates. "
        "Record it in the file as accepted: {by: NAME, on: DATE, version: VERSION}.",
        "  courtside version acme-bakery",
    )
    parser.add_argument("id", help="the engagement's id (its file name without .md)")
    add_projects(parser)
    add_today(parser)
