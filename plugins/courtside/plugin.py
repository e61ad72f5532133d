"""The MkDocs plugin: adapts the core to MkDocs events, and nothing more.

- `on_config`: check the options.
- `on_pre_build`: load and compute every engagement (errors abort a build; `serve` shows
  them); in `mkdocs build`, worker processes start on the client pages first.
- `on_files`: the board's page and the plugin's stylesheets; workers may now write.
- `on_page_*`: the board gets its template and view model.
- `on_template_context` / `on_post_build`: keep the board out of the sitemap and the search
  index; write `board.json` (with `reminders`), the studio's calendar, and the client pages
  with their `calendar.ics` (publish/pages.py: not MkDocs pages, so no other plugin sees
  them), joining the workers.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from .config import CourtsideConfig
from .core.board import Board, Snapshot, build_board, write_board_json
from .core.load import Memo, today_from
from .core.problems import Invalid
from .publish.i18n import clear_missing, record_missing, report_missing
from .serve_cache import ServeCache, site_signature

if TYPE_CHECKING:
    from .publish.pages import ClientPage, PageWriter
    from .workers import Gate, Shared

log = logging.getLogger("mkdocs.plugins.courtside")
PACKAGE = Path(__file__).parent


class CourtsidePlugin(BasePlugin[CourtsideConfig]):
    supports_multiple_instances = False

    # Nothing is loaded yet: `on_config` fills the board on every build.
    def __init__(self) -> None:
        self.serving = False
        self.board: Board | None = None
        self.board_uri: str | None = None
        self.projects: Path | None = None
        self._writing: Shared | None = None  # client pages, calendars, board.json under way
        self._writer: PageWriter | None = None  # renders and writes client pages
        self._gate: Gate | None = None  # holds workers back until the site folder is emptied
        self._jobs = 1  # processes writing client pages
        self.today = date.today()
        self._mails: list | None = None  # reminders of the current build
        self._pages: list[ClientPage] | None = None  # client pages of the current build
        self._site: Path | None = None  # the site folder of the build under way
        # `mkdocs serve` only (docs/performance.md, target (d)): what the previous builds computed.
        self._memo: Memo | None = None  # parsed, validated and computed engagements
        self._cache = ServeCache()  # pages, board.json texts and compiled templates

    # Remember whether we serve: then invalid files are shown, not fatal.
    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    # Check the options; the engagements are loaded in `on_pre_build`, once every plugin's
    # `on_config` has run (the client pages use the final Markdown extensions and theme).
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = Path(config.config_file_path or ".").parent
        self.projects = (root / self.config.projects).resolve()
        if not self.projects.is_dir():
            raise PluginError(f"courtside: the projects folder {self.projects} does not exist")
        try:
            self.today = today_from(self.config.today, dict(os.environ), date.today())
        except Invalid as exc:
            raise PluginError(f"courtside: {exc}") from None
        self._check_paths()
        if self.serving and self._memo is None:
            self._memo = Memo()
        config.theme.dirs.append(str(PACKAGE / "templates"))
        return config

    # The board's page and the stylesheets (client pages are written in `on_post_build`).
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.board is not None
        if self.serving:
            self._cache.signature = self._site_signature(files, config)
        for asset in sorted((PACKAGE / "assets" / "courtside").glob("*.css")):
            files.append(File.generated(config, f"assets/courtside/{asset.name}", abs_src_path=str(asset)))
        self.board_uri = None
        if self.config.board:
            self.board_uri = f"{self.config.board_path.strip('/')}/index.md"
            files.append(File.generated(config, self.board_uri, content="", inclusion=InclusionLevel.NOT_IN_NAV))
        if self._gate is not None:  # MkDocs has emptied the site folder: workers may write
            self._gate.open(self._jobs - 1)
            self._gate = None
        return files

    # Load, validate and compute every engagement (errors stop a build; `serve` shows them).
    # `mkdocs build`: worker processes start on the client pages first (see `_start_workers`).
    # Serve: set the last build's client pages aside before MkDocs empties the site folder.
    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        assert self.projects is not None
        self._site = Path(config.site_dir)
        self._mails, self._pages = None, None
        clear_missing()  # report only what this build showed in English
        if self.serving:
            self._cache.set_aside(self._site, self._site / self.config.client_dir.strip("/"))
        label = self.config.projects.rstrip("/")
        self._writer = self._page_writer(config)
        self._writing = self._start_workers(config, label)
        self.board = build_board(self.projects, self.today, label=label, memo=self._memo if self.serving else None)
        problems = self.board.portfolio.problems
        if problems:
            listing = "\n".join(f"  {p}" for p in problems)
            message = f"courtside: {len(problems)} problem(s) in the engagements:\n{listing}"
            if not self.serving:
                raise PluginError(message)  # MkDocs then calls `on_build_error`: workers stop
            log.error(message)

    # After a failed build: stop the workers; serve: render everything again next time.
    def on_build_error(self, *, error: Exception) -> None:
        if self._writing is not None:
            self._writing.abandon()
            self._writing = None
        if self._gate is not None:
            self._gate.close()
            self._gate = None
        if self.serving:
            self._cache.forget(self._site)

    # Serve: templates compiled by the previous build are not compiled again (about 0.4 s).
    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        if self.serving and env.bytecode_cache is None:
            env.bytecode_cache = self._cache.bytecode
        return env

    # The board: its own template, no search, no social card.
    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if page.file.src_uri == self.board_uri:
            page.meta.update(
                template="courtside/board.html",
                search={"exclude": True},
                social={"cards": False},
                hide=["navigation", "toc"],
                title="Status board",
            )
        return markdown

    # Hand the board its view model and the `_`, `gettext`, `ngettext`, `speech` of English.
    def on_page_context(self, context: dict, *, page: Page, config: MkDocsConfig, nav) -> dict:
        from .publish.views import board_view

        assert self.board is not None
        if page.file.src_uri == self.board_uri:
            view = board_view(self.board, self.links(page, config), self.reminder_mails(config))
            context.update(view.jinja_globals())
            context["courtside"] = view
        return context

    # sitemap.xml lists every page, even those out of the nav: drop the board.
    def on_template_context(self, context: dict, *, template_name: str, config: MkDocsConfig) -> dict:
        if template_name == "sitemap.xml" and "pages" in context:
            context["pages"] = [f for f in context["pages"] if not self.private(f.src_uri)]
        return context

    # After MkDocs' pages: scrub the search index, blank `c/`, write the client pages and
    # calendars, the studio calendar and board.json.
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        assert self.board is not None
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
        if self.config.board:
            self._write_board_json(site, config)
            self._write_studio_calendar(site, config)
        self._write_client_pages(config)
        if self.serving:
            self._cache.put_back(site, client_dir)
        report_missing(log)  # a page that fell back to English for want of a translation

    # Rebuild when an engagement is saved.
    def on_serve(self, server, *, config: MkDocsConfig, builder):
        if self.projects is not None:
            server.watch(str(self.projects))
        return server

    # -- helpers ---------------------------------------------------------------------------

    # The client pages' writer: the theme's templates as MkDocs makes them (`custom_dir`
    # first) and the site's Markdown extensions, both final once every `on_config` has run.
    def _page_writer(self, config: MkDocsConfig) -> PageWriter:
        from .publish.pages import PageWriter

        env = config.theme.get_env()
        if self.serving:
            env.bytecode_cache = self._cache.bytecode
        return PageWriter(Path(config.site_dir), env, config.markdown_extensions, config.mdx_configs, self.serving)

    # `mkdocs build` on a machine with several CPUs (docs/performance.md): before this process
    # loads every engagement, worker processes start taking the engagement files a few at a
    # time, each loading its files and rendering their client pages (a page needs its own
    # engagement only), held back from writing until MkDocs has emptied the site folder
    # (`on_files`). This process joins them once MkDocs' own pages are done (`on_post_build`).
    # Forked before the load, a worker holds only what it loads: memory stays low. A file
    # with a problem gets no page from a worker: the build stops anyway.
    def _start_workers(self, config: MkDocsConfig, label: str) -> Shared | None:
        from .core.board import snapshot
        from .core.load import Loaded, engagement_files, load_file, read_setting
        from .publish.i18n import missing_translations
        from .publish.pages import client_pages
        from .workers import Gate, Shared, jobs_for

        assert self.projects is not None and self._writer is not None
        self._jobs = 1
        # Only a process with no other thread may fork (and Windows cannot).
        if self.serving or threading.active_count() > 1 or not hasattr(os, "fork"):
            return None
        paths = engagement_files(self.projects)
        jobs = self.config.jobs or jobs_for(len(paths), 0, at_least=100)  # a fork costs some pages
        self._jobs = max(1, min(jobs, len(paths)))
        if self._jobs == 1:
            return None
        setting, today, writer, gate = read_setting(self.projects, label), self.today, self._writer, Gate()
        client_dir, site_url, directory_urls = self.config.client_dir.strip("/"), config.site_url, config.use_directory_urls

        def in_worker(chunk: Sequence[Path]) -> dict[str, list[str]]:
            snaps = []
            for path in chunk:
                loaded = load_file(setting, path)
                result = snapshot(loaded, today) if isinstance(loaded, Loaded) else loaded
                if isinstance(result, Snapshot):
                    snaps.append(result)
            rendered = [writer.render(page) for page in client_pages(snaps, client_dir, site_url, directory_urls)]
            if gate.wait():
                for files in rendered:
                    writer.save(files)
            return missing_translations()

        self._gate = gate
        return Shared(paths, self._jobs, in_worker)

    # Write the client pages and their calendars: here alone, or with the workers (which
    # take engagement files; this process writes the pages of the files they left).
    def _write_client_pages(self, config: MkDocsConfig) -> None:
        from .workers import WorkerFailed

        assert self._writer is not None
        writer, pages = self._writer, self.client_pages(config)
        if self.serving:  # pages whose engagement and site did not change stay as they are
            self._cache.keep_engagements({page.item.id for page in pages})
            pages = [page for page in pages if not self._cache.keep(page)]
        if self._writing is None:
            found = [writer.write(pages)]
        else:
            by_id = {page.item.id: page for page in pages}
            writing, self._writing = self._writing, None
            try:
                found = writing.finish(lambda chunk: writer.write([by_id[p.stem] for p in chunk if p.stem in by_id]))
            except WorkerFailed as exc:
                raise PluginError(f"courtside: writing the client pages failed: {exc}") from None
        for missed in found:
            record_missing(missed)
        if self.serving:
            for page in pages:
                self._cache.wrote(page)
        log.info("courtside: %d client page(s) written by %d process(es)", len(pages), self._jobs)

    # `board.json`, streamed one engagement at a time (docs/performance.md: memory).
    def _write_board_json(self, site: Path, config: MkDocsConfig) -> None:
        from .publish.mailto import reminders_json

        assert self.board is not None
        target = site / self.config.board_path.strip("/") / "board.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        links = self.page_paths(config)
        reminders = reminders_json(self.reminder_mails(config))
        with target.open("w", encoding="utf-8") as out:
            write_board_json(out, self.board, links, reminders, self._cache.engagement_text if self.serving else None)

    # `<board_path>/calendar.ics`: every engagement's dates, for the studio.
    def _write_studio_calendar(self, site: Path, config: MkDocsConfig) -> None:
        from .publish.ical import CALENDAR_FILE, write_internal_calendar

        assert self.board is not None
        target = site / self.config.board_path.strip("/") / CALENDAR_FILE
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as out:  # one engagement at a time: bounded memory
            write_internal_calendar(out, self.board, self.page_urls(config))

    # Serve: a hash of everything a client page shows besides its engagement (serve_cache.py).
    def _site_signature(self, files: Files, config: MkDocsConfig) -> bytes:
        assert self.board is not None
        # `mkdocs serve -f mkdocs.yml` gives a relative path for the first build, absolute ones after.
        config_file = os.path.abspath(config.config_file_path) if config.config_file_path else None
        folders = [PACKAGE / "templates", PACKAGE / "assets", PACKAGE / "locale"]
        if config.theme.custom_dir:
            folders.append(Path(config.theme.custom_dir))
        return site_signature(
            self.board.today,
            self.config.items(),
            config_file,
            (config.site_url, config.use_directory_urls, repr(config.markdown_extensions), repr(config.mdx_configs)),
            ((file.src_uri, file.abs_src_path) for file in files),
            folders,
        )

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

    # Whether a page is private: the board (client pages are no MkDocs pages at all).
    def private(self, src_uri: str) -> bool:
        return src_uri == self.board_uri

    # Every client page of this build: one per engagement with a share, valid or not.
    def client_pages(self, config: MkDocsConfig) -> list[ClientPage]:
        from .publish.pages import client_pages

        assert self.board is not None
        if self._pages is None:
            items = [*self.board.snapshots, *self.board.broken]
            client_dir = self.config.client_dir.strip("/")
            self._pages = client_pages(items, client_dir, config.site_url, config.use_directory_urls)
        return self._pages

    # The reminders due today with their mailto: links, computed once per build (board and json).
    def reminder_mails(self, config: MkDocsConfig) -> list:
        from .publish.mailto import reminder_mails

        if self._mails is None:
            assert self.board is not None
            self._mails = reminder_mails(self.board, self.page_urls(config))
        return self._mails

    # Engagement id -> absolute client page URL, for calendars and e-mails (None without `site_url`).
    def page_urls(self, config: MkDocsConfig) -> dict[str, str | None]:
        return {p.item.id: p.canonical_url for p in self.client_pages(config) if isinstance(p.item, Snapshot)}

    # Engagement id -> its client page's path from the site root (board.json's `link`).
    def page_paths(self, config: MkDocsConfig) -> dict[str, str]:
        return {p.item.id: p.url for p in self.client_pages(config) if isinstance(p.item, Snapshot)}

    # Engagement id -> link to its client page, relative to `page` (the board).
    def links(self, page: Page, config: MkDocsConfig) -> dict[str, str]:
        up = "../" * page.url.count("/")
        return {ident: up + path for ident, path in self.page_paths(config).items()}

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

