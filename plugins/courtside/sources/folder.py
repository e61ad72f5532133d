"""`projects/` on disk: the policies file and the engagement files, as pipeline sources.

Only what a user would call an engagement is read: `*.md` files whose name does not start
with `_` or `.`. A file that cannot be read as one (not a regular file, a link that leaves
the folder, too large, unreadable) is not skipped silently: it becomes a `Broken`
engagement with a problem that says why.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.problems import Problem, printable
from ..core.results import Broken
from ..core.source import POLICIES_FILE, Source
from ..core.values import refused_in_name

if TYPE_CHECKING:
    from ..core.board import Board
    from ..core.validate import PolicySet

MAX_FILE_BYTES = 1_000_000
"""An engagement or policies file is a page of text: a megabyte is far past any real one."""


@dataclass
class Folder:
    """A projects folder read from disk: the policies' source and the engagements', in file order."""

    path: Path
    label: str  # how problems name the folder: "projects"
    policies: Source | None = None
    policies_problem: Problem | None = None  # the policies file exists but cannot be read
    entries: list[Source | Broken] = field(default_factory=list)  # a Broken one could not be read

    def policy_set(self) -> PolicySet:
        """The policies, read and checked (the built-in defaults when there is no file)."""
        from ..core.pipeline import read_policies

        if self.policies_problem is not None:
            from ..core.model import Policies
            from ..core.validate import PolicySet

            return PolicySet(Policies(), [self.policies_problem], {}, self.policies_problem.file)
        return read_policies(self.policies)

    @property
    def sources(self) -> list[Source]:
        return [entry for entry in self.entries if isinstance(entry, Source)]


def name_in(label: str, path: Path) -> str:
    """How problems name a file of the folder: `label/name`."""
    return f"{label}/{path.name}" if label else path.name


def engagement_paths(folder: Path) -> list[Path]:
    """Engagements are `*.md` files whose names do not start with `_` or `.`, in name order.

    `ACME.MD` is listed too (and refused when read): a user who wrote it meant an engagement.
    """
    return sorted(
        p for p in folder.iterdir() if p.suffix.lower() == ".md" and not p.name.startswith(("_", "."))
    )


def read_file(path: Path, name: str, inside: Path | None = None) -> bytes | Problem:
    """A regular file's bytes, or the problem that stops it being read (never a hang, never a
    huge read: a FIFO or a device is refused before it is opened)."""
    try:
        if inside is not None and path.is_symlink():
            target = path.resolve()
            if not target.is_relative_to(inside.resolve()):
                return Problem(name, 1, "", f"a link to {target}, outside the projects folder; expected the file itself here")
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return Problem(name, 1, "", "not a regular file (a folder, a pipe or a device); expected a text file")
        if info.st_size > MAX_FILE_BYTES:
            return Problem(name, 1, "", f"{info.st_size:,} bytes; expected a text file of at most {MAX_FILE_BYTES:,} bytes")
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)  # the file could become a FIFO since stat
        fd = os.open(path, flags)
        try:
            with os.fdopen(fd, "rb") as handle:
                fd = -1
                data = handle.read(MAX_FILE_BYTES + 1)
        finally:
            if fd >= 0:
                os.close(fd)
    except OSError as exc:
        return Problem(name, 1, "", f"cannot read the file: {exc.strerror or exc}")
    if len(data) > MAX_FILE_BYTES:
        return Problem(name, 1, "", f"expected a text file of at most {MAX_FILE_BYTES:,} bytes")
    return data


def read_folder(folder: Path, label: str | None = None, paths: list[Path] | None = None) -> Folder:
    """The folder's policies and engagement files (or just `paths` of it), read from disk."""
    label = folder.name if label is None else label
    read = Folder(folder, label)
    policies_path = folder / POLICIES_FILE
    if policies_path.exists() or policies_path.is_symlink():
        name = name_in(label, policies_path)
        data = read_file(policies_path, name, folder)
        if isinstance(data, Problem):
            read.policies_problem = data
        else:
            read.policies = Source(name, data)
    for path in engagement_paths(folder) if paths is None else paths:
        name = printable(name_in(label, path) if path.parent == folder else str(path))
        refused = refused_in_name(path.name)
        if refused is not None:  # the id is shown on the board and in `courtside status`
            data: bytes | Problem = Problem(name, 1, "", f"the file name holds {refused}; rename the file")
        else:
            data = read_file(path, name, folder)
        if path.suffix != ".md" and not isinstance(data, Problem):
            data = Problem(name, 1, "", f"the name ends in {path.suffix!r}; rename it to {path.stem}.md (lowercase)")
        if isinstance(data, Problem):
            read.entries.append(Broken(printable(path.stem), name, [data]))
        else:
            read.entries.append(Source(name, data))
    return read


def evaluate_folder(folder: Path, today: date, label: str | None = None) -> Board:
    """The whole pipeline over a folder, in this process: every engagement on `today`, merged."""
    from ..core.pipeline import combine, evaluate

    read = read_folder(folder, label)
    policies = read.policy_set()
    results = [entry if isinstance(entry, Broken) else evaluate(entry, policies, today) for entry in read.entries]
    return combine(results, policies, today)  # type: ignore[arg-type]
