"""The MkDocs plugin: adapts the build (`build.py`) to MkDocs events, and nothing more.

- `on_config`: check the options, settle `today` (and say so when it is not the real date).
- `on_pre_build`: before MkDocs empties the site folder, every engagement is evaluated, its
  client page and calendar rendered into the stage, and the board's files too; any problem
  stops a build here, leaving the published site as it was (`serve` shows the problems).
- `on_files`: the board's page (only when there is a board) and the plugin's stylesheets.
- `on_page_*`: the board gets its template and its view model.
- `on_template_context` / `on_post_build`: keep the board out of the sitemap and the search
  index; link the staged client pages, calendars and board files into the site; `_headers`.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from .build import BuildFailed, HistoryOptions, PageOptions, ServeMemo, build_engagements
from .config import CourtsideConfig
from .core.problems import Invalid
from .core.values import SHARE_PATTERN, Today, today_from
from .options import OptionError, board_folder, client_folder, on_invalid_of
from .publish.i18n import clear_missing, report_missing
from .serve_cache import ServeCache, site_signature
from .sources.git import CACHE_FOLDER
from .stage import Stage
from .template_cache import keep_templates

if TYPE_CHECKING:
    from .core.board import Board
    from .publish.pages import ClientPage, PageWriter
    from .publish.site_files import BoardParts

log = logging.getLogger("mkdocs.plugins.courtside")
PACKAGE = Path(__file__).parent
# What set `today`, as the log names it (the core's `Today.source` is the field a problem names).
TODAY_SOURCES = {"environment variable": "COURTSIDE_TODAY", "plugins.courtside.today": "`today` in mkdocs.yml"}


class CourtsidePlugin(BasePlugin[CourtsideConfig]):
    supports_multiple_instances = False

    # Nothing is loaded yet: `on_pre_build` fills the board on every build.
    def __init__(self) -> None:
        self.serving = False
        self.board: Board | None = None
        self.board_uri: str | None = None
        self.board_path: str | None = None  # the board's folder in this build; None: no board
        self.client_dir = "c"  # the client pages' folder, as checked (options.client_folder)
        self.projects: Path | None = None
        self.today = Today(date.today(), None)
        self.built_at = datetime.now(UTC)  # when this build computed its values (board.json's `built_at`)
        self._pages: list[ClientPage] = []  # client pages of this build
        self._mails: list = []  # reminders due today and not yet sent, then those sent today
        self._stage: Stage | None = None
        self._board_parts: BoardParts | None = None  # a build's parts of the board's files (site_files.py)
        self._memo: ServeMemo | None = None  # `mkdocs serve` only: results of earlier builds
        self._cache = ServeCache()  # `mkdocs serve` only: compiled templates, board.json texts
        self.on_invalid = "fail"  # or keep-last-good: `on_invalid`, COURTSIDE_ON_INVALID
        self.cache_folder: Path | None = None  # .courtside-cache next to mkdocs.yml

    # Remember whether we serve: then invalid files are shown, not fatal, and the board is shown.
    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"
        if self.serving:
            self._memo = ServeMemo()

    # Check the options; the engagements are loaded in `on_pre_build`, once every plugin's
    # `on_config` has run (the client pages use the final Markdown extensions and theme).
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = Path(config.config_file_path or ".").parent
        self.projects = (root / self.config.projects).resolve()
        if not self.projects.is_dir():
            raise PluginError(f"courtside: the projects folder {self.projects} does not exist")
        self._refuse_unsafe_folders(config)
        try:
            self.today = today_from(
                [
                    ("COURTSIDE_TODAY", "environment variable", os.environ.get("COURTSIDE_TODAY")),
                    ("mkdocs.yml", "plugins.courtside.today", self.config.today),
                ],
                date.today(),
            )
        except Invalid as exc:
            raise PluginError(f"courtside: {exc}") from None
        if self.today.source is not None and self.today.day != date.today():
            log.info(
                "courtside: every date is computed as of %s (set by %s), not today's date %s: "
                "the pages show that day",
                self.today.day.isoformat(),
                TODAY_SOURCES.get(self.today.source, self.today.source),
                date.today().isoformat(),
            )
        self.board_path = self._board_path()
        try:
            self.on_invalid = on_invalid_of(os.environ, self.config.on_invalid)
        except OptionError as exc:
            raise PluginError(f"courtside: {exc}") from None
        self.cache_folder = root.resolve() / CACHE_FOLDER
        config.theme.dirs.append(str(PACKAGE / "templates"))
        return config

    # Before MkDocs empties the site folder: every engagement evaluated and its page rendered
    # into the stage, the merge step, the board's files. Problems stop a build here.
    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        from .publish.site_files import board_reminders, published_pages

        assert self.projects is not None
        self.built_at = datetime.now(UTC)
        clear_missing()  # report only what this build showed in English
        site = Path(config.site_dir)
        client_dir = self.client_dir
        self._stage = Stage(site)
        if self.serving and self._memo and self._memo.results:
            self._stage.take_back(client_dir)  # the pages of the last build, before MkDocs empties the site
        else:
            self._stage.reset()
        options = PageOptions(client_dir, config.site_url, config.use_directory_urls, self.serving)
        signature = self._site_signature(config) if self.serving else b""
        keep = self.on_invalid == "keep-last-good"
        history = HistoryOptions(self.cache_folder, keep) if self.config.history else None
        try:
            built = build_engagements(
                self.projects,
                self.config.projects.rstrip("/"),
                self.today.day,
                self._page_writer(config),
                self._stage,
                options,
                self.config.jobs,
                self._memo,
                signature,
                history,
                board_parts=self.board_path is not None and not self.serving,
            )
        except BuildFailed as exc:
            raise PluginError(f"courtside: writing the client pages failed: {exc}") from None
        self.board = built.board
        self._board_parts = built.board_parts
        if built.histories is not None:
            from .history import describe

            log.info(describe(built.histories, self.config.projects.rstrip("/")))
        self._log_kept(self.board)
        problems = self.board.problems
        if problems:
            listing = "\n".join(f"  {p}" for p in problems)
            message = f"courtside: {len(problems)} problem(s) in the engagements:\n{listing}"
            if keep and self.board.broken:
                reason = built.histories.reason if built.histories is not None else "history: false"
                files = ", ".join(b.file for b in self.board.broken)
                message += (
                    f"\n  on_invalid: keep-last-good found no valid earlier version of {files}"
                    + (f" ({reason})" if reason else "")
                )
            if not self.serving:
                raise PluginError(message)  # MkDocs then calls `on_build_error`
            log.error(message)
        self._pages = published_pages(self.board, options)
        # The board's reminders follow the sent log of `courtside remind --send` (outbox/sentlog.py).
        self._mails, log_problems = board_reminders(self.board, self._pages, self.projects, self.config.projects.rstrip("/"))
        for problem in log_problems:
            log.warning("courtside: %s", problem)
        if self.board_path is not None:
            self._stage_board_files()
        log.info("courtside: %d client page(s) written by %d process(es)", len(self._pages), built.processes)

    # Keep-last-good: every engagement published from an earlier commit, with the problems of its file now.
    def _log_kept(self, board: Board) -> None:
        for snap in board.snapshots:
            kept = snap.history.kept if snap.history is not None else None
            if kept is None:
                continue
            listing = "\n".join(f"  {p}" for p in kept.problems)
            log.warning(
                "courtside: %s is invalid; its client page and calendar are published from its last "
                "valid version, commit %s of %s (on_invalid: keep-last-good):\n%s",
                snap.loaded.origin.file, kept.commit, kept.day.isoformat(), listing,
            )

    # After a failed build: the stage goes (a build), or is not trusted next time (serve).
    def on_build_error(self, *, error: Exception) -> None:
        if self._memo is not None:
            self._memo.clear()
        if self._stage is not None:
            self._stage.remove()

    # The board's page and the stylesheets (client pages are not MkDocs pages at all).
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        for asset in sorted((PACKAGE / "assets" / "courtside").glob("*.css")):
            files.append(File.generated(config, f"assets/courtside/{asset.name}", abs_src_path=str(asset)))
        self.board_uri = None
        if self.board_path is not None:
            self.board_uri = f"{self.board_path}/index.md"
            files.append(File.generated(config, self.board_uri, content="", inclusion=InclusionLevel.NOT_IN_NAV))
        return files

    # Templates compiled by an earlier build are not compiled again (about 0.4 s): while
    # serving, kept in memory; in a build, kept in the cache folder (template_cache.py).
    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        if self.serving and env.bytecode_cache is None:
            env.bytecode_cache = self._cache.bytecode
        elif not self.serving:
            keep_templates(env)
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
            up = "../" * page.url.count("/")
            links = {ident: up + path for ident, path in self.page_paths().items()}
            view = board_view(self.board, links, self._mails)
            context.update(view.jinja_globals())
            context["courtside"] = view
        return context

    # sitemap.xml lists every page, even those out of the nav: drop the board.
    def on_template_context(self, context: dict, *, template_name: str, config: MkDocsConfig) -> dict:
        if template_name == "sitemap.xml" and "pages" in context:
            context["pages"] = [f for f in context["pages"] if not self.private(f.src_uri)]
        return context

    # After MkDocs' pages: scrub the search index, put the staged files in place, `_headers`.
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        from .publish.host_rules import HEADERS_FILE, headers_text
        from .publish.site_files import CLIENT_INDEX

        assert self._stage is not None
        site = Path(config.site_dir)
        self._scrub_search_index(site)
        client_dir = site / self.client_dir
        # `mkdocs build --dirty` keeps the site's old files: the pages of rotated shares and of
        # deleted engagements must go all the same (a clean build has none to remove).
        remove_stale_pages(client_dir, {entry for page in self._pages for entry in page.entries})
        self._stage.publish()
        client_dir.mkdir(parents=True, exist_ok=True)
        (client_dir / "index.html").write_text(CLIENT_INDEX, encoding="utf-8")  # a listing must not list the shares
        # A secret board path is not named in `_headers`: a host that serves the file as it is
        # (GitHub Pages, a bucket) would give the secret away. The board's own meta tags say
        # noindex and no-referrer.
        guarded = self.board_path if self.config.board_protected or self.serving else None
        (site / HEADERS_FILE).write_text(headers_text(self.client_dir, guarded), encoding="utf-8")
        if not self.serving:
            self._stage.remove()
        report_missing(log)  # a page that fell back to English for want of a translation

    # Rebuild when an engagement is saved.
    def on_serve(self, server, *, config: MkDocsConfig, builder):
        if self.projects is not None:
            server.watch(str(self.projects))
        return server

    # -- helpers ---------------------------------------------------------------------------

    # Settings that would destroy or expose the engagements are refused before anything is
    # written (MkDocs calls `on_config` before it touches the site folder): a site folder that
    # is, holds or lies inside projects/ (a build empties it: every engagement file gone);
    # projects/ inside docs_dir (every engagement a public page, in the sitemap and search);
    # `client_dir` or `board_path` outside the site or hidden in it.
    def _refuse_unsafe_folders(self, config: MkDocsConfig) -> None:
        assert self.projects is not None
        site = Path(config.site_dir).resolve()
        docs = Path(config.docs_dir).resolve()
        projects = self.projects
        if site == projects or site.is_relative_to(projects) or projects.is_relative_to(site):
            where = "is" if site == projects else "is inside" if site.is_relative_to(projects) else "holds"
            raise PluginError(
                f"courtside: the site folder {site} {where} the projects folder {projects}; a build "
                "empties the site folder first, which would delete the engagement files. Build into "
                "a folder of its own (site_dir, or `mkdocs build -d site`); nothing was written"
            )
        if projects == docs or projects.is_relative_to(docs):
            raise PluginError(
                f"courtside: the projects folder {projects} is inside docs_dir {docs}; MkDocs would "
                "publish every engagement file as a public page (in the sitemap and the search "
                "index). Move the projects folder next to docs_dir, not into it; nothing was written"
            )

    # Where the board goes in this build (None: nowhere), after checking the options
    # (options.py: the rules `courtside build` applies too).
    def _board_path(self) -> str | None:
        try:
            self.client_dir = client_folder(self.config.client_dir)
            return board_folder(
                self.config.client_dir, self.config.board, self.config.board_path, self.config.board_protected, self.serving
            )
        except OptionError as exc:
            raise PluginError(f"courtside: {exc}; nothing was written") from None

    # The client pages' writer: the theme's templates as MkDocs makes them (`custom_dir`
    # first) and the site's Markdown extensions, both final once every `on_config` has run.
    def _page_writer(self, config: MkDocsConfig) -> PageWriter:
        from .publish.pages import PageWriter

        env = config.theme.get_env()
        if self.serving:
            env.bytecode_cache = self._cache.bytecode
        else:
            keep_templates(env)
        return PageWriter(env, config.markdown_extensions, config.mdx_configs, self.serving)

    # `board.json` and the studio's calendar, into the stage (publish/site_files.py).
    def _stage_board_files(self) -> None:
        from .publish.site_files import stage_board_files

        assert self.board is not None and self._stage is not None and self.board_path is not None
        texts = self._cache.engagement_text if self.serving else None
        stage_board_files(
            self._stage, self.board_path, self.board, self._pages, self._mails, texts, self.built_at, self._board_parts
        )

    # Serve: a hash of everything a client page shows besides its engagement (serve_cache.py).
    def _site_signature(self, config: MkDocsConfig) -> bytes:
        # `mkdocs serve -f mkdocs.yml` gives a relative path for the first build, absolute ones after.
        config_file = os.path.abspath(config.config_file_path) if config.config_file_path else None
        folders = [PACKAGE / "templates", PACKAGE / "assets", PACKAGE / "locale", Path(config.docs_dir)]
        if config.theme.custom_dir:
            folders.append(Path(config.theme.custom_dir))
        return site_signature(
            self.config.items(),
            config_file,
            (config.site_url, config.use_directory_urls, repr(config.markdown_extensions), repr(config.mdx_configs)),
            folders,
        )

    # Whether a page is private: the board (client pages are no MkDocs pages at all).
    def private(self, src_uri: str) -> bool:
        return src_uri == self.board_uri

    # Engagement id -> its client page's path from the site root (board.json's `link`).
    def page_paths(self) -> dict[str, str]:
        from .publish.site_files import page_paths

        return page_paths(self._pages)

    def _scrub_search_index(self, site: Path) -> None:
        """Whatever the search plugin, private pages must not be in its index."""
        index = site / "search" / "search_index.json"
        if not index.exists():
            return
        data = json.loads(index.read_text(encoding="utf-8"))
        private_prefixes = [self.client_dir + "/"]
        if self.board_path is not None:
            private_prefixes.append(self.board_path + "/")
        data["docs"] = [
            d for d in data.get("docs", []) if not any(d.get("location", "").startswith(p) for p in private_prefixes)
        ]
        index.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


SHARE_ENTRY = re.compile(SHARE_PATTERN.pattern + r"(?:\.html)?")  # a share's folder or page
"""A client page's entry in the client folder: its share's folder, or `<share>.html`."""


# The client folder less every client page that this build does not publish (a dirty build's
# leftovers: rotated shares, deleted engagements). Only entries named like a share are
# touched: anything else in the folder is not a client page.
def remove_stale_pages(client_dir: Path, current: set[str]) -> None:
    if not client_dir.is_dir():
        return
    for entry in client_dir.iterdir():
        if entry.name in current or not SHARE_ENTRY.fullmatch(entry.name):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
