"""The MkDocs plugin: adapts the core to MkDocs events, and nothing more.

- `on_config`: load and compute every engagement (errors abort a build; `serve` shows them).
- `on_files`: one generated page per client share, plus the board.
- `on_page_*`: private pages get their template, language and view model.
- `on_template_context` / `on_post_build`: keep private pages out of the sitemap and the
  search index; write `board.json` (with `reminders`) and the `calendar.ics` files.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import date
from pathlib import Path
from urllib.parse import urljoin

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from .config import CourtsideConfig
from .core.board import Board, Snapshot, board_json, build_board
from .core.load import Broken, today_from
from .core.problems import Invalid
from .publish.i18n import clear_missing, report_missing

log = logging.getLogger("mkdocs.plugins.courtside")
PACKAGE = Path(__file__).parent


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
        self.board = build_board(self.projects, today, label=self.config.projects.rstrip("/"))
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
        client_dir = self.config.client_dir.strip("/")
        for item in [*self.board.snapshots, *self.board.broken]:
            share = item.terms.share if isinstance(item, Snapshot) else item.share
            if not share:
                continue
            body = item.loaded.body if isinstance(item, Snapshot) else ""
            uri = f"{client_dir}/{share}.md"
            files.append(File.generated(config, uri, content=body, inclusion=InclusionLevel.NOT_IN_NAV))
            self.pages[uri] = item
        for asset in sorted((PACKAGE / "assets" / "courtside").glob("*.css")):
            files.append(File.generated(config, f"assets/courtside/{asset.name}", abs_src_path=str(asset)))
        self.board_uri = None
        if self.config.board:
            self.board_uri = f"{self.config.board_path.strip('/')}/index.md"
            files.append(File.generated(config, self.board_uri, content="", inclusion=InclusionLevel.NOT_IN_NAV))
        return files

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
            data = board_json(self.board, links, reminders)
            # Streamed, not json.dumps: with an indent, json joins millions of pieces in memory
            # (300 MB more at the peak at 10,000 engagements; docs/performance.md). Same bytes.
            with target.open("w", encoding="utf-8") as out:
                json.dump(data, out, indent=2, ensure_ascii=False)

    # Rebuild when an engagement is saved.
    def on_serve(self, server, *, config: MkDocsConfig, builder):
        if self.projects is not None:
            server.watch(str(self.projects))
        return server

    # -- helpers ---------------------------------------------------------------------------

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
        from .publish.ical import CALENDAR_FILE, calendar_bytes, client_calendar, internal_calendar_bytes

        assert self.board is not None
        page_urls = self.page_urls(config)
        for snap in self.board.snapshots:
            path = self.client_url(snap.terms.share)
            if path is None:
                continue
            target = site / path / CALENDAR_FILE
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(calendar_bytes(client_calendar(snap, page_urls[snap.id])))
        if self.config.board:
            target = site / self.config.board_path.strip("/") / CALENDAR_FILE
            target.parent.mkdir(parents=True, exist_ok=True)
            # One engagement at a time: the same bytes in bounded memory (docs/performance.md).
            target.write_bytes(internal_calendar_bytes(self.board, page_urls))
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
