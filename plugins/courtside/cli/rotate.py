"""`courtside rotate`: replace a leaked share token in place, and say which link dies."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from .common import EXIT_OK, PROG, Command, Refused, UsageError, add_projects, projects_folder


# Replace an engagement's share token in place; say which link dies and which replaces it.
def run(args: argparse.Namespace) -> int:
    from ..core.problems import Invalid, Problem
    from ..core.scaffold import new_share, replace_share, valid_id
    from ..core.yamlfile import read_front_matter
    from ..sources.folder import read_file

    if not valid_id(args.id):
        raise UsageError(f"{PROG} rotate: {args.id!r} is not an engagement id (the file name without .md)")
    folder = projects_folder(args)
    path = folder / f"{args.id}.md"
    if not (path.exists() or path.is_symlink()):
        raise Refused(f"{PROG} rotate: no engagement {args.id!r}: {path} does not exist")
    # The same reading as the build's: a regular file, not too large, a link only within the folder.
    data = read_file(path, str(path), folder)
    if isinstance(data, Problem):
        raise Refused(f"{PROG} rotate: {data}; nothing changed")
    target = path.resolve() if path.is_symlink() else path  # a link's file is the one to edit
    links = target.stat().st_nlink
    if links > 1:
        raise Refused(
            f"{PROG} rotate: {target} has {links} names (hard links); a new file under one name "
            "would leave the old share under the others. Make it one file, then rotate; nothing changed"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Refused(f"{PROG} rotate: {path} is not UTF-8 text ({exc.reason}); nothing changed") from None
    # A file saved with CR-only line ends is read by lines as an editor shows them (yamlfile.py).
    cr_only = "\r" in text and "\n" not in text
    lines_text = text.replace("\r", "\n") if cr_only else text
    try:
        located = read_front_matter(lines_text, str(path))
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
    updated = replace_share(lines_text, line, old, new)
    if updated is None:
        raise Refused(
            f"{PROG} rotate: {path}:{line}: share: cannot replace the value here; write it by hand: share: {new}"
        )
    replace_file(target, data, (updated.replace("\n", "\r") if cr_only else updated).encode("utf-8"))
    shown = f"{path} (a link to {target})" if target != path else str(path)
    print(f"{shown}:{line}: share replaced")
    print(f"  dies: c/{old}/ (and c/{old}/calendar.ics) once the site is rebuilt and deployed")
    print(f"  new:  c/{new}/")
    print(
        "Send the new link to the client. If your host keeps old files (an upload, or rsync "
        f"without --delete), delete c/{old}/ there yourself."
    )
    return EXIT_OK


# `target`, which held `before`, now holds `after`, all at once: the new text goes into a new
# temporary file of the same folder (a unique name, never one a user's file has), then
# replaces the file in one step (os.replace), so a crash leaves the old file or the new one,
# never half of either. Only that temporary file is ever deleted.
def replace_file(target: Path, before: bytes, after: bytes) -> None:
    mode = target.stat().st_mode & 0o7777
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".rotate", dir=target.parent)
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(after)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        if target.read_bytes() != before:  # edited since it was read: that edit must not be lost
            raise Refused(f"{PROG} rotate: {target} changed while the share was replaced; nothing changed, run it again")
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


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
