"""A site's private part built with no site engine at all: `courtside build`.

The client pages, their calendars, `_headers`, Courtside's stylesheets and (with a board
path) the board, `board.json` and the studio's calendar, made by the same code as the MkDocs
plugin's (`build.py`, `publish/pages.py`, `publish/site_files.py`), so the files are the
same byte for byte; only the board's page has a template of its own
(`courtside/board-page.html`: the MkDocs one extends the theme). Nothing here imports MkDocs:
a studio that needs no guide, or the day MkDocs stops working, still publishes its pages.

Everything is rendered into a stage next to the output folder first; the output folder is
emptied and filled only once every engagement passed (a failed build leaves it as it was).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .build import HistoryOptions, PageOptions, build_engagements
from .core.problems import Invalid, Problem
from .stage import Stage

if TYPE_CHECKING:
    from jinja2 import Environment

    from .core.board import Board

PACKAGE = Path(__file__).resolve().parent
BOARD_TEMPLATE = "courtside/board-page.html"


@dataclass(frozen=True)
class SiteOptions:
    """Everything a standalone build needs to know, settled from `mkdocs.yml` and the flags."""

    projects: Path
    label: str  # how problems name the projects folder: "projects"
    site_dir: Path
    client_dir: str  # "c"
    board_path: str | None  # None: no board (options.board_folder has decided)
    board_protected: bool
    site_url: str | None
    use_directory_urls: bool
    markdown_extensions: list[str]
    mdx_configs: dict[str, dict]
    custom_dir: Path | None
    jobs: int = 0
    history: HistoryOptions | None = None  # read the git history of `projects` (None: do not)


@dataclass(frozen=True)
class Written:
    """What a standalone build wrote."""

    pages: int
    processes: int
    board: Board


def template_env(custom_dir: Path | None) -> Environment:
    """Courtside's templates as MkDocs' theme environment holds them: a `custom_dir` first,
    no auto-reload, the i18n extension with null translations (a template's own `_` and
    `gettext` come from the view, `views.Speech.jinja_globals`)."""
    from jinja2 import Environment, FileSystemLoader

    from .template_cache import keep_templates

    folders = [str(custom_dir)] if custom_dir is not None else []
    env = Environment(loader=FileSystemLoader([*folders, str(PACKAGE / "templates")]), auto_reload=False)
    env.add_extension("jinja2.ext.i18n")
    env.install_null_translations()  # type: ignore[attr-defined]
    return keep_templates(env)  # compiled once, kept between builds (template_cache.py)


def output_problems(options: SiteOptions, config_dir: Path, docs_dir: Path | None) -> list[Problem]:
    """Refusals before anything is written: the output folder is emptied by a build, so it
    must not hold the config, the engagements or the guide (MkDocs refuses the same)."""
    site = options.site_dir.resolve()
    problems = []
    for what, folder in (("the site's config", config_dir), ("the projects folder", options.projects), ("the docs", docs_dir)):
        if folder is None:
            continue
        folder = folder.resolve()
        if folder == site or folder.is_relative_to(site):
            problems.append(
                Problem(str(options.site_dir), 1, "", f"holds {what} ({folder}), and a build empties it; expected a folder of its own such as site")
            )
        elif site.is_relative_to(folder) and what != "the site's config":
            problems.append(Problem(str(options.site_dir), 1, "", f"is inside {what} ({folder}); expected a folder of its own such as site"))
    if site.exists() and not site.is_dir():
        problems.append(Problem(str(options.site_dir), 1, "", "is a file; expected a folder"))
    return problems


def build_site(options: SiteOptions, today: date) -> Written:
    """Every private file of the site into `options.site_dir`, or `Invalid` with every problem
    (and the output folder untouched)."""
    from .publish.host_rules import HEADERS_FILE, headers_text
    from .publish.pages import PageWriter, root_from
    from .publish.site_files import (
        CLIENT_INDEX,
        board_reminders,
        page_paths,
        published_pages,
        stage_board_files,
        stylesheets,
    )
    from .publish.views import board_view

    site = options.site_dir
    site.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".courtside-build-", dir=site.parent))  # same file system: renames
    try:
        stage = Stage(site, scratch / "stage")
        stage.reset()
        env = template_env(options.custom_dir)
        writer = PageWriter(env, options.markdown_extensions, options.mdx_configs)
        page_options = PageOptions(options.client_dir, options.site_url, options.use_directory_urls)
        built = build_engagements(
            options.projects, options.label, today, writer, stage, page_options, options.jobs,
            history=options.history, board_parts=options.board_path is not None,
        )  # fmt: skip
        board = built.board
        if board.problems:
            raise Invalid(board.problems)
        pages = published_pages(board, page_options)
        if options.board_path is not None:
            mails, _ = board_reminders(board, pages, options.projects, options.label)
            folder = stage_board_files(
                stage, options.board_path, board, pages, mails, built_at=datetime.now(UTC), parts=built.board_parts
            )
            url = f"{options.board_path}/"
            root = root_from(url)
            links = {ident: f"{root}/{path}" for ident, path in page_paths(pages).items()}
            view = board_view(board, links, mails)
            html = env.get_template(BOARD_TEMPLATE).render(
                {**view.jinja_globals(), "courtside": view, "base_url": root}
            )
            (folder / "index.html").write_bytes(html.encode("utf-8", errors="xmlcharrefreplace"))
        guarded = options.board_path if options.board_protected else None
        stage.write(
            [
                *((f"assets/courtside/{sheet.name}", sheet.read_bytes()) for sheet in stylesheets()),
                (f"{options.client_dir}/index.html", CLIENT_INDEX.encode("utf-8")),
                (HEADERS_FILE, headers_text(options.client_dir, guarded).encode("utf-8")),
            ],
        )
        _empty(site)
        stage.publish()
        return Written(len(pages), built.processes, board)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _empty(site: Path) -> None:
    """The output folder emptied of the last build, as MkDocs empties it: entries whose names
    start with a dot (`.git`, a host's settings) stay."""
    site.mkdir(parents=True, exist_ok=True)
    for entry in os.scandir(site):
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path)
        else:
            os.unlink(entry.path)
