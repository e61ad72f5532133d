"""What `mkdocs serve` keeps between rebuilds, so that saving one engagement stays live.

MkDocs rebuilds the whole site on every change (docs/performance.md, target (d)). The plugin
instance survives (it has `on_startup`), and with it:

- each engagement's result and its staged page (`build.ServeMemo`, the stage in `stage.py`),
  used again while its text, the policies, `today` and the site's signature are the same;
- this cache: each engagement's `board.json` text, and the compiled templates (MkDocs makes
  a new jinja environment per build).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

from jinja2 import BytecodeCache
from jinja2.bccache import Bucket

from .core.snapshot import Snapshot
from .publish.board_json import engagement_json_text


class MemoryBytecodeCache(BytecodeCache):
    """Compiled templates kept in memory between rebuilds (jinja checks the source's checksum)."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    # The compiled template for this name and source, if an earlier build compiled it.
    def load_bytecode(self, bucket: Bucket) -> None:
        if (code := self.compiled.get(bucket.key)) is not None:
            bucket.bytecode_from_string(code)

    # Remember a template just compiled.
    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


class ServeCache:
    """The `board.json` texts of the last build and the compiled templates, for the next one."""

    def __init__(self) -> None:
        self.bytecode = MemoryBytecodeCache()
        self._json_parts: dict[str, tuple[Snapshot, str | None, str]] = {}  # id -> board.json text

    # An engagement's board.json text, kept while its snapshot and link stay the same.
    def engagement_text(self, snap: Snapshot, link: str | None) -> str:
        entry = self._json_parts.get(snap.id)
        if entry is None or entry[0] is not snap or entry[1] != link:
            entry = (snap, link, engagement_json_text(snap, link))
        self._json_parts[snap.id] = entry
        return entry[2]


# A hash of everything a client page shows besides its engagement: the plugin's options,
# mkdocs.yml, the site's Markdown settings, and the folders of templates, assets,
# translations and the docs (a snippet may come from there). A change to any of them
# renders every page again.
def site_signature(
    options: Iterable[tuple[str, object]],
    config_file: str | None,
    site: tuple[object, ...],
    folders: Iterable[Path],
) -> bytes:
    digest = hashlib.blake2b(digest_size=16)

    def add(*parts: object) -> None:
        digest.update(repr(parts).encode("utf-8", "surrogatepass") + b"\0")

    add(sorted((key, repr(value)) for key, value in options))
    add(config_file, _mtime(config_file), *site)
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            add(str(path), _mtime(path))
    return digest.digest()


# A file's modification time in nanoseconds (None if it cannot be read).
def _mtime(path: str | Path | None) -> int | None:
    try:
        return os.stat(path).st_mtime_ns if path else None
    except OSError:
        return None
