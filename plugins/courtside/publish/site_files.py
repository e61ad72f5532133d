"""The private files of a site besides the client pages, made the same way by every build.

The MkDocs plugin and `courtside build` (no site engine) share these, so that their client
pages, calendars, `board.json` and `_headers` are the same byte for byte:

- which client pages a build publishes, and the links to them (`board.json`, calendars, mail);
- the board's data files (`board.json`, the studio's calendar), rendered into the stage;
- the blank page at `<client_dir>/index.html` and Courtside's stylesheets.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..build import PageOptions, page_of
from ..core.snapshot import Snapshot

if TYPE_CHECKING:
    from ..core.board import Board
    from ..stage import Stage
    from .pages import ClientPage

ASSETS = Path(__file__).resolve().parent.parent / "assets" / "courtside"
"""Courtside's stylesheets, published at `assets/courtside/` (the client page's and the board's)."""

CLIENT_INDEX = (
    '<!doctype html><meta charset="utf-8"><meta name="robots" content="noindex, nofollow">'
    "<title>Not found</title><p>Nothing here.</p>\n"
)
"""`<client_dir>/index.html`: a host that lists folders must not list the shares."""


def published_pages(board: Board, options: PageOptions) -> list[ClientPage]:
    """The client pages a build publishes: every valid engagement's (after the merge step),
    and while serving the pages of invalid ones that have a share (they show the problems)."""
    items = [*board.snapshots, *(broken for broken in board.broken if broken.share)]
    return [page for item in items if (page := page_of(item, options)) is not None]


def page_urls(pages: list[ClientPage]) -> dict[str, str | None]:
    """Engagement id -> absolute client page URL, for calendars and mail (None without `site_url`)."""
    return {page.item.id: page.canonical_url for page in pages if isinstance(page.item, Snapshot)}


def page_paths(pages: list[ClientPage]) -> dict[str, str]:
    """Engagement id -> its client page's path from the site root (board.json's `link`)."""
    return {page.item.id: page.url for page in pages if isinstance(page.item, Snapshot)}


def board_reminders(board: Board, pages: list[ClientPage], projects: Path, label: str) -> tuple[list, list]:
    """The reminders the board lists (due today, and when those already sent went), following
    `courtside remind --send`'s log; and the log's problems, for the build to report."""
    from ..outbox.sentlog import SENT_LOG, read_sent_log
    from .mailto import reminder_mails

    sent = read_sent_log(projects / SENT_LOG, f"{label}/{SENT_LOG}")
    return reminder_mails(board, page_urls(pages), sent.recorded), list(sent.problems)


def stage_board_files(
    stage: Stage,
    board_path: str,
    board: Board,
    pages: list[ClientPage],
    mails: list,
    engagement_text: Callable[[Snapshot, str | None], str] | None = None,
    built_at: datetime | None = None,
) -> Path:
    """`board.json` (streamed one engagement at a time) and the studio's calendar, into the
    stage's board folder (`<board_path>/` in it), replacing what it held; returns that folder.

    `mails`: the reminders due today (publish/mailto.reminder_mails); `engagement_text`: the
    serve cache's JSON texts, when there is one; `built_at`: the build's real time.
    """
    from .board_json import write_board_json
    from .ical import CALENDAR_FILE, write_internal_calendar
    from .mailto import reminders_json

    folder = stage.root / board_path
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "board.json").open("w", encoding="utf-8") as out:
        write_board_json(out, board, page_paths(pages), reminders_json(mails), engagement_text, built_at=built_at)
    with (folder / CALENDAR_FILE).open("wb") as out:  # one engagement at a time: bounded memory
        write_internal_calendar(out, board, page_urls(pages))
    return folder


def stylesheets() -> list[Path]:
    """Courtside's stylesheets, in a stable order (published at `assets/courtside/<name>`)."""
    return sorted(ASSETS.glob("*.css"))
