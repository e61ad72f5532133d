"""What `mkdocs serve` keeps between rebuilds, so that saving one engagement stays live.

MkDocs rebuilds the whole site on every change, into a site folder it first empties
(docs/performance.md, target (d)). The plugin instance survives (it has `on_startup`), and
with it this cache:

- the client pages the last build wrote, set aside before MkDocs empties the site folder
  (it keeps dot folders) and put back when neither their engagement nor the site changed;
- each engagement's `board.json` text;
- the compiled templates (MkDocs makes a new jinja environment per build).

Parsed and computed engagements are kept by the core's `Memo` (core/load.py).
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from jinja2 import BytecodeCache
from jinja2.bccache import Bucket

from .core.board import Snapshot, engagement_json_text
from .core.load import Broken
from .publish.pages import ClientPage

STASH = ".courtside-pages"  # the last build's client folder, kept from MkDocs' cleaning


@dataclass(frozen=True)
class CachedPage:
    """A client page as the last build wrote it."""

    item: Snapshot | Broken  # the very object it was rendered from (the memo keeps it)
    signature: bytes  # the site's signature at the time (see `site_signature`)
    entries: tuple[str, ...]  # its files and folders in the client folder (page, calendar.ics)


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
    """The client pages and `board.json` texts of the last build, for the next one."""

    def __init__(self) -> None:
        self.bytecode = MemoryBytecodeCache()
        self.signature = b""  # this build's site signature
        self._written: dict[str, CachedPage] = {}  # share -> the page the last build wrote
        self._next: dict[str, CachedPage] = {}  # what this build wrote or kept
        self._kept: set[str] = set()  # entries this build takes from the stash
        self._client_folder: Path | None = None  # where the last build's client pages are
        self._json_parts: dict[str, tuple[Snapshot, str | None, str]] = {}  # id -> board.json text

    # Before MkDocs empties the site folder: move the last build's client folder aside.
    def set_aside(self, site: Path, client: Path) -> None:
        self._next, self._kept = {}, set()
        stash = site / STASH
        if stash.exists():  # left by a build that failed half-way: trust nothing
            shutil.rmtree(stash, ignore_errors=True)
            self._written = {}
        if self._written and self._client_folder == client and client.is_dir():
            client.rename(stash)
        else:
            self._written = {}

    # Whether the page's files from the last build can stay (then they are kept, not rendered).
    def keep(self, page: ClientPage) -> bool:
        cached = self._written.get(page.share)
        if cached is None or cached.item is not page.item or cached.signature != self.signature:
            return False
        self._next[page.share] = cached
        self._kept.update(cached.entries)
        return True

    # Remember a page this build rendered.
    def wrote(self, page: ClientPage) -> None:
        self._next[page.share] = CachedPage(page.item, self.signature, page.entries)

    # After the build: the client folder becomes the stash with this build's files put over
    # it, less the files of pages that are gone (a share changed, a file was deleted).
    def put_back(self, site: Path, client: Path) -> None:
        stash = site / STASH
        if stash.is_dir():
            keep = set(self._kept)
            for entry in os.listdir(client):  # the pages rendered now, c/index.html
                _remove(stash / entry)
                (client / entry).rename(stash / entry)
                keep.add(entry)
            for entry in os.listdir(stash):
                if entry not in keep:
                    _remove(stash / entry)
            client.rmdir()
            stash.rename(client)
        self._client_folder, self._written = client, self._next

    # After a failed build: render everything again next time.
    def forget(self, site: Path | None) -> None:
        if site is not None:
            shutil.rmtree(site / STASH, ignore_errors=True)
        self._written = {}

    # An engagement's board.json text, kept while its snapshot and link stay the same.
    def engagement_text(self, snap: Snapshot, link: str | None) -> str:
        entry = self._json_parts.get(snap.id)
        if entry is None or entry[0] is not snap or entry[1] != link:
            entry = (snap, link, engagement_json_text(snap, link))
        self._json_parts[snap.id] = entry
        return entry[2]

    # Forget the board.json texts of engagements that are gone.
    def keep_engagements(self, ids: set[str]) -> None:
        self._json_parts = {k: v for k, v in self._json_parts.items() if k in ids}


# A hash of everything a client page shows besides its engagement: today, the plugin's
# options, mkdocs.yml, the site's own files, and the folders of templates, assets and
# translations. A change to any of them renders every page again.
def site_signature(
    today: date,
    options: Iterable[tuple[str, object]],
    config_file: str | None,
    site: tuple[object, ...],
    files: Iterable[tuple[str, str | None]],
    folders: Iterable[Path],
) -> bytes:
    digest = hashlib.blake2b(digest_size=16)

    def add(*parts: object) -> None:
        digest.update(repr(parts).encode("utf-8", "surrogatepass") + b"\0")

    add(today, sorted((key, repr(value)) for key, value in options))
    add(config_file, _mtime(config_file), *site)
    for src_uri, abs_src_path in files:
        add(src_uri, abs_src_path, _mtime(abs_src_path))
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


# A file or a folder, gone (nothing if it does not exist).
def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()
