"""The stage: where a build renders its private files before the site folder is touched.

Every client page, calendar, `board.json` and the studio calendar is rendered here first, at
its path in the site (`<stage>/c/<share>/index.html`), so that a build that fails (a problem
in a file, a crash) fails before MkDocs empties the site folder and leaves the published
site as it was. Once MkDocs has written its own pages, the staged files are moved into the
site (`publish`): a rename per top-level folder, merged into a folder MkDocs also wrote.

The stage is a dot folder inside the site folder: MkDocs' cleaning leaves dot entries alone,
and a rename within one file system moves a folder of any size at once. `mkdocs build`
starts with an empty stage and removes it at the end; `mkdocs serve` takes the client pages
back into the stage before the next rebuild (`take_back`), so a page whose engagement did not
change is neither rendered nor written again.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path

STAGE = ".courtside-stage"


class Stage:
    """A folder of rendered files at their paths in the site (`root`: inside the site unless given)."""

    def __init__(self, site: Path, root: Path | None = None) -> None:
        self.site = site
        self.root = root if root is not None else site / STAGE

    # Start empty (a build that crashed may have left files).
    def reset(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
        self.root.mkdir(parents=True, exist_ok=True)

    # Write files: (path from the site root, bytes). Several processes may write at once
    # (different files; a folder made by one is fine for the others).
    def write(self, files: Iterable[tuple[str, bytes]]) -> None:
        made: set[Path] = set()
        for path, data in files:
            target = self.root / path
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            target.write_bytes(data)

    # Remove files written earlier (serve: a page whose engagement changed or is gone), and
    # the folders they leave empty.
    def discard(self, paths: Iterable[str]) -> None:
        for path in paths:
            target = self.root / path
            try:
                target.unlink()
            except FileNotFoundError:
                continue
            folder = target.parent
            while folder != self.root:
                try:
                    folder.rmdir()
                except OSError:  # not empty
                    break
                folder = folder.parent

    # Move everything staged into the site, over what is there.
    def publish(self) -> None:
        for entry in os.scandir(self.root):
            _move(Path(entry.path), self.site / entry.name)

    # Serve, before MkDocs empties the site: the client folder published last time comes back.
    def take_back(self, client_dir: str) -> None:
        published, staged = self.site / client_dir, self.root / client_dir
        if published.is_dir() and not staged.exists():
            staged.parent.mkdir(parents=True, exist_ok=True)
            published.rename(staged)

    # Gone, with everything in it.
    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


# `source` moved to `target`: renamed when nothing is there; a folder merged into a folder;
# a file replacing a file.
def _move(source: Path, target: Path) -> None:
    if target.is_dir() and not target.is_symlink() and source.is_dir():
        for entry in os.scandir(source):
            _move(Path(entry.path), target / entry.name)
        source.rmdir()
        return
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target)
    os.replace(source, target)
