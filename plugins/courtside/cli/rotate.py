"""`courtside rotate`: replace a leaked share token in place, and say which link dies."""

from __future__ import annotations

import argparse
import os
import sys

from .common import EXIT_OK, PROG, Command, Refused, UsageError, add_projects, projects_folder


# Replace an engagement's share token in place; say which link dies and which replaces it.
def run(args: argparse.Namespace) -> int:
    from ..core.problems import Invalid
    from ..core.scaffold import new_share, replace_share, valid_id
    from ..core.yamlfile import read_front_matter

    if not valid_id(args.id):
        raise UsageError(f"{PROG} rotate: {args.id!r} is not an engagement id (the file name without .md)")
    folder = projects_folder(args)
    path = folder / f"{args.id}.md"
    if not path.is_file():
        raise Refused(f"{PROG} rotate: no engagement {args.id!r}: {path} does not exist")
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Refused(f"{PROG} rotate: {path} is not UTF-8 text ({exc.reason}); nothing changed") from None
    try:
        located = read_front_matter(text, str(path))
    except Invalid as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        raise Refused(f"{PROG} rotate: fix the front matter of {path} first; nothing changed") from None
    new = new_share()
    old = located.data.get("share")
    if old is None or isinstance(old, dict | list) or str(old) == "":
        raise Refused(
            f"{PROG} rotate: {path} has no share, so no client page to rotate; "
            f"to publish one, add the line: share: {new}"
        )
    old = str(old)
    line = located.lines[("share",)]
    updated = replace_share(text, line, old, new)
    if updated is None:
        raise Refused(
            f"{PROG} rotate: {path}:{line}: share: cannot replace the value here; write it by hand: share: {new}"
        )
    temporary = path.with_name(f".{path.name}.rotate")
    temporary.write_bytes(updated.encode("utf-8"))
    try:
        os.chmod(temporary, path.stat().st_mode & 0o7777)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    print(f"{path}:{line}: share replaced")
    print(f"  dies: c/{old}/ (and c/{old}/calendar.ics) once the site is rebuilt and deployed")
    print(f"  new:  c/{new}/")
    print(
        "Send the new link to the client. If your host keeps old files (an upload, or rsync "
        f"without --delete), delete c/{old}/ there yourself."
    )
    return EXIT_OK


def register(command: Command) -> None:
    parser = command(
        "rotate",
        run,
        "Replace a leaked share token in projects/<id>.md (nothing else in the file changes) "
        "and say which client link dies and which replaces it.",
        "  courtside rotate acme-bakery",
    )
    parser.add_argument("id", help="the engagement's id (its file name without .md)")
    add_projects(parser)
