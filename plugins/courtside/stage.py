"""The stage: where a build renders its private files before the site folder is touched.

Every client page, calendar, `board.json` and the studio calendar is rendered here first,
one folder per engagement (`<stage>/<id>/c/<share>/index.html`, paths as in the site), so
that a build that fails (a problem in a file, a crash) fails before MkDocs empties the site
folder and leaves the published site as it was. Once MkDocs has written its own pages, the
files of the engagements kept by the merge step are linked into the site (`publish`).

The stage is a dot folder inside the site folder: MkDocs' cleaning leaves dot entries alone,
and a hard link within one file system costs no copy. `mkdocs build` empties it at the start
and removes it at the end; `mkdocs serve` keeps it between rebuilds, so a page whose
engagement did not change is not rendered again.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path

STAGE = ".courtside-stage"


class Stage:
    """A folder of rendered files, one sub-folder per key (an engagement id, or `_board`)."""

    def __init__(self, site: Path) -> None:
        self.root = site / STAGE

    # Start empty (a build that crashed may have left files).
    def reset(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
        self.root.mkdir(parents=True, exist_ok=True)

    # The files of `key`, replacing what it had: (path from the site root, bytes).
    def put(self, key: str, files: Iterable[tuple[str, bytes]]) -> None:
        folder = self.root / key
        shutil.rmtree(folder, ignore_errors=True)
        for path, data in files:
            target = folder / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)

    # Forget `key`'s files.
    def drop(self, key: str) -> None:
        shutil.rmtree(self.root / key, ignore_errors=True)

    # The keys with files.
    def keys(self) -> set[str]:
        return {entry.name for entry in self.root.iterdir()} if self.root.is_dir() else set()

    # Put the files of `keys` into the site folder at their paths (a hard link; a copy where
    # links cannot be made), over whatever is there.
    def publish(self, site: Path, keys: Iterable[str]) -> None:
        for key in keys:
            folder = self.root / key
            for source in _files(folder):
                target = site / source.relative_to(folder)
                target.parent.mkdir(parents=True, exist_ok=True)
                if target.exists() or target.is_symlink():
                    target.unlink()
                try:
                    os.link(source, target)
                except OSError:
                    shutil.copy2(source, target)

    # Gone, with everything in it.
    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


# Every file under `folder`, in a stable order.
def _files(folder: Path) -> list[Path]:
    found = []
    for directory, _, names in os.walk(folder):
        found.extend(Path(directory) / name for name in names)
    return sorted(found)
