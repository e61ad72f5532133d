"""The MkDocs plugin: adapts the core to MkDocs events, and nothing more.

- `on_config`: load and compute every engagement (errors abort a build; `serve` shows them).
- `on_files`: one generated page per client share, plus the board.
- `on_page_*`: private pages get their template, language and view model.
- `on_template_context` / `on_post_build`: keep private pages out of the sitemap and the
  search index; write `board.json` (with `reminders`) and the `calendar.ics` files.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urljoin

from jinja2 import BytecodeCache, Environment
from jinja2.bccache import Bucket
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from .config import CourtsideConfig
from .core.board import Board, Snapshot, build_board, engagement_json_text, write_board_json
from .core.load import Broken, Memo, today_from
from .core.problems import Invalid
from .publish.i18n import clear_missing, report_missing

log = logging.getLogger("mkdocs.plugins.courtside")
PACKAGE = Path(__file__).parent
STASH = ".courtside-pages"  # serve: the last build's client folder, kept from MkDocs' cleaning


@dataclass
class CachedPage:
    """A client page as `mkdocs serve` last wrote it, reused while nothing it shows changed."""

    item: Snapshot | Broken  # the very object the page was rendered from (the memo keeps it)
    signature: bytes  # the site's signature at the time (config, templates, today...)
    entries: tuple[str, ...]  # its files and folders in the client folder (page, calendar.ics)


class MemoryBytecodeCache(BytecodeCache):
    """Compiled templates kept in memory between serve rebuilds (jinja checks the source's checksum)."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    # The compiled template for this name and source, if an earlier build compiled it.
    def load_bytecode(self, bucket: Bucket) -> None:
        if (code := self.compiled.get(bucket.key)) is not None:
            bucket.bytecode_from_string(code)

    # Remember a template just compiled.
    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


class CourtsidePlugin(BasePlugin[CourtsideConfig]):
    supports_multiple_instances = False

    # Nothing is loaded yet: `on_config` fills the board on every build.
    def __init__(self) -> None:
        self.serving = False
        self.board: Board | None = None
        self.pages: dict[str, Snapshot | Broken] = {}  # src_uri -> what the page shows
        self.board_uri: str | None = None
        self.projects: Path | None = None
        self._mails: list | None = None  # reminders of the current build
        # `mkdocs serve` only (docs/performance.md, target (d)): what the previous builds computed.
        self._memo: Memo | None = None  # parsed, validated and computed engagements
        self._signature: bytes = b""  # this build's site signature (see `_site_signature`)
        self._cached: dict[str, CachedPage] = {}  # src_uri -> the page the last build wrote
        self._next_cache: dict[str, CachedPage] = {}  # what this build wrote or reused
        self._reused: dict[str, CachedPage] = {}  # pages this build takes from the stash
        self._client_folder: Path | None = None  # where the last build's client pages are
        self._site: Path | None = None  # the site folder of the build under way
        self._json_parts: dict[str, tuple[Snapshot, str | None, str]] = {}  # id -> board.json text
        self._bytecode = MemoryBytecodeCache()  # MkDocs makes a new jinja environment per build

    # Remember whether we serve: then invalid files are shown, not fatal.
    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    # Load, validate and compute everything once per build.
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = Path(config.config_file_path or ".").parent
        self.projects = (root / self.config.projects).resolve()
        if not self.projects.is_dir():
            raise PluginError(f"courtside: the projects folder {self.projects} does not exist")
        try:
            today = today_from(self.config.today, dict(os.environ), date.today())
        except Invalid as exc:
            raise PluginError(f"courtside: {exc}") from None
        self._mails = None
        clear_missing()  # report only what this build showed in English
        self._check_paths()
        if self.serving and self._memo is None:
            self._memo = Memo()
        label = self.config.projects.rstrip("/")
        self.board = build_board(self.projects, today, label=label, memo=self._memo if self.serving else None)
        problems = self.board.portfolio.problems
        if problems:
            listing = "\n".join(f"  {p}" for p in problems)
            message = f"courtside: {len(problems)} problem(s) in the engagements:\n{listing}"
            if not self.serving:
                raise PluginError(message)
            log.error(message)
        config.theme.dirs.append(str(PACKAGE / "templates"))
        return config

    # One private page per share, and the board.
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.board is not None
        self.pages = {}
        self._reused, self._next_cache = {}, {}
        if self.serving:
            self._signature = self._site_signature(files, config)
        client_dir = self.config.client_dir.strip("/")
        for item in [*self.board.snapshots, *self.board.broken]:
            share = item.terms.share if isinstance(item, Snapshot) else item.share
            if not share:
                continue
            body = item.loaded.body if isinstance(item, Snapshot) else ""
            uri = f"{client_dir}/{share}.md"
            cached = self._cached.get(uri) if self.serving else None
            if cached is not None and cached.item is item and cached.signature == self._signature:
                # Serve: nothing this page shows changed; `on_post_build` puts back its files.
                self._reused[uri] = self._next_cache[uri] = cached
                continue
            files.append(File.generated(config, uri, content=body, inclusion=InclusionLevel.NOT_IN_NAV))
            self.pages[uri] = item
        for asset in sorted((PACKAGE / "assets" / "courtside").glob("*.css")):
            files.append(File.generated(config, f"assets/courtside/{asset.name}", abs_src_path=str(asset)))
        self.board_uri = None
        if self.config.board:
            self.board_uri = f"{self.config.board_path.strip('/')}/index.md"
            files.append(File.generated(config, self.board_uri, content="", inclusion=InclusionLevel.NOT_IN_NAV))
        return files

    # Serve: set the last build's client pages aside before MkDocs empties the site folder
    # (it keeps dot folders); `on_post_build` puts back those of unchanged engagements.
    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        if not self.serving:
            return
        site = self._site = Path(config.site_dir)
        stash = site / STASH
        if stash.exists():  # left by a build that failed half-way: trust nothing
            shutil.rmtree(stash, ignore_errors=True)
            self._cached = {}
        client = site / self.config.client_dir.strip("/")
        if self._cached and self._client_folder == client and client.is_dir():
            client.rename(stash)
        else:
            self._cached = {}

    # Serve: after a failed build, render everything again next time.
    def on_build_error(self, *, error: Exception) -> None:
        if self.serving and self._site is not None:
            shutil.rmtree(self._site / STASH, ignore_errors=True)
        self._cached = {}

    # Serve: templates compiled by the previous build are not compiled again (about 0.4 s).
    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        if self.serving and env.bytecode_cache is None:
            env.bytecode_cache = self._bytecode
        return env

    # Private pages: their own template, no search, no social card.
    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        uri = page.file.src_uri
        if uri in self.pages or uri == self.board_uri:
            page.meta.update(
                template="courtside/client.html" if uri in self.pages else "courtside/board.html",
                search={"exclude": True},
                social={"cards": False},
                hide=["navigation", "toc"],
            )
            if uri == self.board_uri:
                page.meta["title"] = "Status board"
        return markdown

    # Hand the page its view model and its language's `_`, `gettext`, `ngettext`, `speech`.
    def on_page_context(self, context: dict, *, page: Page, config: MkDocsConfig, nav) -> dict:
        from .publish.ical import calendar_links
        from .publish.views import board_view, client_view

        assert self.board is not None
        uri = page.file.src_uri
        view = None
        if uri in self.pages:
            item = self.pages[uri]
            links = calendar_links(page.url, page.canonical_url) if isinstance(item, Snapshot) else None
            view = client_view(item, serving=self.serving, calendar=links)
        elif uri == self.board_uri:
            view = board_view(self.board, self.links(page), self.reminder_mails(config))
        if view is not None:
            context.update(view.jinja_globals())
            context["courtside"] = view
        return context

    # Serve: remember what each client page was rendered from (its files stay in the site
    # folder; the server adds live reload to the HTML when it answers, not to the file).
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        uri = page.file.src_uri
        if self.serving and uri in self.pages:
            client_dir = self.config.client_dir.strip("/")
            share = uri[len(client_dir) + 1 : -len(".md")]
            page_entry = page.file.dest_path[len(client_dir) + 1 :].split("/")[0]
            entries = tuple(sorted({share, page_entry}))
            self._next_cache[uri] = CachedPage(self.pages[uri], self._signature, entries)
        return output

    # sitemap.xml lists every page, even those out of the nav: drop the private ones.
    def on_template_context(self, context: dict, *, template_name: str, config: MkDocsConfig) -> dict:
        if template_name == "sitemap.xml" and "pages" in context:
            context["pages"] = [f for f in context["pages"] if not self.private(f.src_uri)]
        return context

    # After the pages: scrub the search index, blank `c/`, write the calendars and board.json.
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        assert self.board is not None
        report_missing(log)  # a page that fell back to English for want of a translation
        site = Path(config.site_dir)
        self._scrub_search_index(site)
        client_dir = site / self.config.client_dir.strip("/")
        client_dir.mkdir(parents=True, exist_ok=True)
        # A host that lists directories must not list the shares.
        (client_dir / "index.html").write_text(
            '<!doctype html><meta charset="utf-8"><meta name="robots" content="noindex, nofollow">'
            "<title>Not found</title><p>Nothing here.</p>\n",
            encoding="utf-8",
        )
        page_urls = self._write_calendars(site, config)
        if self.config.board:
            from .publish.mailto import reminders_json

            target = site / self.config.board_path.strip("/") / "board.json"
            target.parent.mkdir(parents=True, exist_ok=True)
            links = {s.id: self.client_url(s.terms.share) for s in self.board.snapshots if s.terms.share}
            reminders = reminders_json(self.reminder_mails(config, page_urls))
            if self.serving:  # forget the text of engagements that are gone
                ids = {snap.id for snap in self.board.snapshots}
                self._json_parts = {k: v for k, v in self._json_parts.items() if k in ids}
            # Streamed one engagement at a time (docs/performance.md: memory at 10,000 engagements).
            with target.open("w", encoding="utf-8") as out:
                write_board_json(
                    out, self.board, links, reminders, self._engagement_text if self.serving else None
                )
        if self.serving:
            self._put_back(site, client_dir)
            self._client_folder, self._cached = client_dir, self._next_cache

    # Rebuild when an engagement is saved.
    def on_serve(self, server, *, config: MkDocsConfig, builder):
        if self.projects is not None:
            server.watch(str(self.projects))
        return server

    # -- helpers ---------------------------------------------------------------------------

    # Serve: the client folder becomes the stash (the last build's files) with this build's
    # files put over it, less the files of pages that are gone (a share changed, a file deleted).
    def _put_back(self, site: Path, client: Path) -> None:
        stash = site / STASH
        if not stash.is_dir():
            return
        keep = {entry for cached in self._reused.values() for entry in cached.entries}
        for entry in os.listdir(client):  # the pages rendered now, c/index.html
            _remove(stash / entry)
            (client / entry).rename(stash / entry)
            keep.add(entry)
        for entry in os.listdir(stash):
            if entry not in keep:
                _remove(stash / entry)
        client.rmdir()
        stash.rename(client)

    # Serve: an engagement's board.json text, kept while its snapshot and link stay the same.
    def _engagement_text(self, snap: Snapshot, link: str | None) -> str:
        entry = self._json_parts.get(snap.id)
        if entry is None or entry[0] is not snap or entry[1] != link:
            entry = (snap, link, engagement_json_text(snap, link))
        self._json_parts[snap.id] = entry
        return entry[2]

    # Serve: a hash of everything a client page shows besides its engagement: today, the
    # plugin's options, mkdocs.yml, the site's own files, the theme's custom_dir, and this
    # package's templates, assets and translations. A change to any of them renders every page.
    def _site_signature(self, files: Files, config: MkDocsConfig) -> bytes:
        assert self.board is not None
        digest = hashlib.blake2b(digest_size=16)

        def add(*parts: object) -> None:
            digest.update(repr(parts).encode("utf-8", "surrogatepass") + b"\0")

        def mtime(path: str | Path | None) -> int | None:
            try:
                return os.stat(path).st_mtime_ns if path else None
            except OSError:
                return None

        add(self.board.today, sorted((k, repr(v)) for k, v in self.config.items()))
        # `mkdocs serve -f mkdocs.yml` gives a relative path for the first build, absolute ones after.
        config_file = os.path.abspath(config.config_file_path) if config.config_file_path else None
        add(config_file, mtime(config_file), config.site_url, config.use_directory_urls)
        for file in files:
            add(file.src_uri, file.abs_src_path, mtime(file.abs_src_path))
        folders = [PACKAGE / "templates", PACKAGE / "assets", PACKAGE / "locale"]
        if config.theme.custom_dir:
            folders.append(Path(config.theme.custom_dir))
        for folder in folders:
            for path in sorted(folder.rglob("*")):
                add(str(path), mtime(path))
        return digest.digest()

    # `client_dir` and `board_path` must be folders of their own (not the site root, not nested).
    def _check_paths(self) -> None:
        client_dir = self.config.client_dir.strip("/")
        board_path = self.config.board_path.strip("/")
        if not client_dir:
            raise PluginError("courtside: `client_dir` must name a folder, such as c")
        if self.config.board:
            if not board_path:
                raise PluginError("courtside: `board_path` must name a folder, such as board")
            inside = (board_path + "/").startswith(client_dir + "/") or (client_dir + "/").startswith(board_path + "/")
            if inside:
                raise PluginError(
                    f"courtside: `board_path` ({board_path}) and `client_dir` ({client_dir}) must be "
                    "separate folders, neither inside the other"
                )

    # Whether a page is a client page or the board (kept out of the sitemap).
    def private(self, src_uri: str) -> bool:
        return src_uri in self.pages or src_uri == self.board_uri

    # A client page's path from the site root: `<client_dir>/<share>/`.
    def client_url(self, share: str | None) -> str | None:
        return f"{self.config.client_dir.strip('/')}/{share}/" if share else None

    # The reminders due today with their mailto: links, computed once per build (board and json).
    def reminder_mails(self, config: MkDocsConfig, page_urls: dict[str, str | None] | None = None) -> list:
        from .publish.mailto import reminder_mails

        if self._mails is None:
            assert self.board is not None
            self._mails = reminder_mails(self.board, page_urls or self.page_urls(config))
        return self._mails

    # Engagement id -> absolute client page URL, for calendars and e-mails (None without `site_url`).
    def page_urls(self, config: MkDocsConfig) -> dict[str, str | None]:
        assert self.board is not None
        return {
            s.id: urljoin(config.site_url, path) if config.site_url else None
            for s in self.board.snapshots
            if (path := self.client_url(s.terms.share)) is not None
        }

    # `<client_dir>/<share>/calendar.ics` per client, `<board_path>/calendar.ics` for the studio;
    # returns engagement id -> absolute client page URL (None without `site_url`).
    def _write_calendars(self, site: Path, config: MkDocsConfig) -> dict[str, str | None]:
        from .publish.ical import CALENDAR_FILE, client_calendar_bytes, write_internal_calendar

        assert self.board is not None
        page_urls = self.page_urls(config)
        for snap in self.board.snapshots:
            path = self.client_url(snap.terms.share)
            if path is None:
                continue
            reused = self._reused.get(f"{self.config.client_dir.strip('/')}/{snap.terms.share}.md")
            if reused is not None and reused.item is snap:
                continue  # serve: unchanged, its calendar is in the stash
            target = site / path / CALENDAR_FILE
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(client_calendar_bytes(snap, page_urls[snap.id]))
        if self.config.board:
            target = site / self.config.board_path.strip("/") / CALENDAR_FILE
            target.parent.mkdir(parents=True, exist_ok=True)
            # One engagement at a time: the same bytes in bounded memory (docs/performance.md).
            with target.open("wb") as out:
                write_internal_calendar(out, self.board, page_urls)
        return page_urls

    def links(self, page: Page) -> dict[str, str]:
        """Engagement id -> link to its client page, relative to `page`."""
        assert self.board is not None
        depth = page.url.count("/")
        up = "../" * depth
        return {s.id: up + self.client_url(s.terms.share) for s in self.board.snapshots if s.terms.share}

    def _scrub_search_index(self, site: Path) -> None:
        """Whatever the search plugin, private pages must not be in its index."""
        index = site / "search" / "search_index.json"
        if not index.exists():
            return
        data = json.loads(index.read_text(encoding="utf-8"))
        private_prefixes = [self.config.client_dir.strip("/") + "/"]
        if self.config.board:
            private_prefixes.append(self.config.board_path.strip("/") + "/")
        data["docs"] = [
            d for d in data.get("docs", []) if not any(d.get("location", "").startswith(p) for p in private_prefixes)
        ]
        index.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


# A file or a folder, gone (nothing if it does not exist).
def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()
