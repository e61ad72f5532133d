"""The private files of a site besides the client pages, made the same way by every build.

The MkDocs plugin and `courtside build` (no site engine) share these, so that their client
pages, calendars, `board.json` and `_headers` are the same byte for byte:

- which client pages a build publishes, and the links to them (`board.json`, calendars, mail);
- the board's data files (`board.json`, the studio's calendar), rendered into the stage, each
  engagement's part of them made beside its page (`BoardParts`);
- the blank page at `<client_dir>/index.html` and Courtside's stylesheets.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

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


BOARD_PARTS = ".board-parts"
"""The folder of the parts in the stage: removed once they are joined, never published."""


class BoardParts:
    """Each engagement's part of `board.json` and of the studio calendar, made by the process
    that renders its client page, and joined in order by `stage_board_files`.

    Made after the pages, both files were written by the build's own process alone while
    the other CPUs waited (about 0.75 s of a build of 1,000 engagements); made beside each
    page, that work is shared like the pages. They go to files, not back as results: held
    in memory they would add about 100 MB at 10,000 engagements, past the memory target.
    Each process appends its parts to one file of its own (`<pid>.parts`): a file made per
    part cost more than the join saved, as making a file is the dearest thing a build does
    here (about 0.8 ms of system time each on the benchmarks' machine, against 0.03 ms to
    append a part to an open file). A part is a line of JSON (the engagement's id, the link
    and the calendar's URL it was made for, the two lengths) and then its two texts; a part
    missing, cut short, or made for another link is made again when it is joined, so the
    files are the same bytes either way. The join starts once every part is written.
    """

    def __init__(self, folder: Path, language: str) -> None:
        self.folder = folder
        self.language = language  # the studio calendar's: the policies'
        self._out: dict[int, BinaryIO] = {}  # pid -> the file that process appends to
        self._kept: dict[str, tuple[BinaryIO, str | None, str | None, int, int, int]] | None = None
        self._files: list[BinaryIO] = []  # opened for the join

    @classmethod
    def made(cls, folder: Path, language: str) -> BoardParts:
        folder.mkdir(parents=True, exist_ok=True)
        return cls(folder, language)

    # An engagement's two parts, for its page (its `url` is board.json's link, its canonical
    # URL the calendar's), appended in one write and flushed: a process forked later inherits
    # no half-written part.
    def write(self, snap: Snapshot, page: ClientPage) -> None:
        from .board_json import engagement_json_text
        from .i18n import speech_for
        from .ical import internal_calendar_part

        text = engagement_json_text(snap, page.url).encode("utf-8")
        part = internal_calendar_part(snap, speech_for(self.language), page.canonical_url)
        head = json.dumps([snap.id, page.url, page.canonical_url, len(text), len(part)]).encode("utf-8")
        if self._kept is not None:  # read before: read again
            self._forget_read()
        out = self._out.get(os.getpid())
        if out is None:
            out = self._out[os.getpid()] = (self.folder / f"{os.getpid()}.parts").open("ab")
        out.write(b"%s\n%s%s" % (head, text, part))
        out.flush()

    # board.json's text of an engagement (`write_board_json`'s `engagement_text`).
    def json_text(self, snap: Snapshot, link: str | None) -> str:
        from .board_json import engagement_json_text

        kept = self._read(snap.id, link, 0)
        return kept.decode("utf-8") if kept is not None else engagement_json_text(snap, link)

    # The studio calendar's bytes of an engagement (`write_internal_calendar`'s `part`).
    def calendar_part(self, snap: Snapshot, url: str | None) -> bytes:
        from .i18n import speech_for
        from .ical import internal_calendar_part

        kept = self._read(snap.id, url, 1)
        return kept if kept is not None else internal_calendar_part(snap, speech_for(self.language), url)

    # How many engagements' parts were made (the join starts).
    def __len__(self) -> int:
        return len(self._index())

    # The files closed (this process's and those opened for the join).
    def close(self) -> None:
        self._close_written()
        self._forget_read()

    def _close_written(self) -> None:
        for out in self._out.values():
            out.close()
        self._out = {}

    def _forget_read(self) -> None:
        for file in self._files:
            file.close()
        self._files, self._kept = [], None

    # Part `which` (0: board.json's text, 1: the calendar's) of an engagement, when it was
    # made for `made_for` (its link or URL), or None.
    def _read(self, ident: str, made_for: str | None, which: int) -> bytes | None:
        kept = self._index().get(ident)
        if kept is None or kept[1 + which] != made_for:
            return None
        file, _, _, start, text_length, part_length = kept
        file.seek(start + (text_length if which else 0))
        length = part_length if which else text_length
        data = file.read(length)
        return data if len(data) == length else None

    # Where each engagement's parts are, read once from every process's file.
    def _index(self) -> dict[str, tuple[BinaryIO, str | None, str | None, int, int, int]]:
        if self._kept is not None:
            return self._kept
        self._close_written()  # every part is written
        self._kept = {}
        for path in sorted(self.folder.glob("*.parts")) if self.folder.is_dir() else []:
            file = path.open("rb")
            self._files.append(file)
            while head := file.readline():
                try:
                    ident, link, url, text_length, part_length = json.loads(head)
                except (TypeError, ValueError):  # cut short: the rest of this file is not read
                    break
                self._kept[ident] = (file, link, url, file.tell(), text_length, part_length)
                file.seek(text_length + part_length, os.SEEK_CUR)
        return self._kept


def stage_board_files(
    stage: Stage,
    board_path: str,
    board: Board,
    pages: list[ClientPage],
    mails: list,
    engagement_text: Callable[[Snapshot, str | None], str] | None = None,
    built_at: datetime | None = None,
    parts: BoardParts | None = None,
) -> Path:
    """`board.json` (streamed one engagement at a time) and the studio's calendar, into the
    stage's board folder (`<board_path>/` in it), replacing what it held; returns that folder.

    `mails`: the reminders due today (publish/mailto.reminder_mails); `engagement_text`: the
    serve cache's JSON texts, when there is one; `built_at`: the build's real time; `parts`:
    the engagements' parts made beside their pages, joined here, then removed.
    """
    from .board_json import write_board_json
    from .ical import CALENDAR_FILE, write_internal_calendar
    from .mailto import reminders_json

    folder = stage.root / board_path
    folder.mkdir(parents=True, exist_ok=True)
    if parts is not None and engagement_text is None:
        engagement_text = parts.json_text
    try:
        with (folder / "board.json").open("w", encoding="utf-8") as out:
            write_board_json(out, board, page_paths(pages), reminders_json(mails), engagement_text, built_at=built_at)
        with (folder / CALENDAR_FILE).open("wb") as out:  # one engagement at a time: bounded memory
            write_internal_calendar(out, board, page_urls(pages), parts.calendar_part if parts is not None else None)
    finally:
        if parts is not None:
            parts.close()
            shutil.rmtree(parts.folder, ignore_errors=True)
    return folder


def stylesheets() -> list[Path]:
    """Courtside's stylesheets, in a stable order (published at `assets/courtside/<name>`)."""
    return sorted(ASSETS.glob("*.css"))
