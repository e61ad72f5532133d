"""Each engagement's part of board.json and of the studio calendar, made beside its page
(publish/site_files.py `BoardParts`): the joined files are the same bytes as files made after
the merge step, from one process or two, and a part that is missing or was made for another
link is made again, not used."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from courtside.build import PageOptions, build_engagements, page_of
from courtside.publish.board_json import engagement_json_text
from courtside.publish.i18n import speech_for
from courtside.publish.ical import internal_calendar_part
from courtside.publish.pages import PageWriter
from courtside.publish.site_files import BOARD_PARTS, BoardParts, published_pages, stage_board_files
from courtside.stage import Stage
from jinja2 import Environment, FileSystemLoader

REPO = Path(__file__).resolve().parents[1]
TODAY = date(2026, 11, 20)
BUILT_AT = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
OPTIONS = PageOptions("c", "https://studio.example/")
sys.path.insert(0, str(REPO))  # `benchmarks` is a top-level folder of the repository, not installed

from benchmarks.generate import write_projects  # noqa: E402


@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> Path:
    """40 engagements from the benchmarks' seeded generator, in four languages."""
    folder = tmp_path_factory.mktemp("parts") / "projects"
    write_projects(folder, 40, seed=7)
    return folder


def writer() -> PageWriter:
    env = Environment(loader=FileSystemLoader(str(REPO / "plugins" / "courtside" / "templates")), autoescape=True)
    return PageWriter(env, [], {})


# The board's two files of a build of `projects` into `site`: (board.json, calendar.ics),
# how many engagements' parts were made and how many files held them.
def board_files(projects: Path, site: Path, jobs: int, parts: bool) -> tuple[bytes, bytes, int, int]:
    stage = Stage(site)
    stage.reset()
    folder = stage.root / BOARD_PARTS if parts else None
    built = build_engagements(projects, "projects", TODAY, writer(), stage, OPTIONS, jobs, board_parts=parts)
    files = len(list(folder.iterdir())) if folder is not None else 0
    made = len(built.board_parts) if built.board_parts is not None else 0
    pages = published_pages(built.board, OPTIONS)
    board = stage_board_files(stage, "board", built.board, pages, [], built_at=BUILT_AT, parts=built.board_parts)
    assert folder is None or not folder.exists()  # joined, then removed: never published
    return (board / "board.json").read_bytes(), (board / "calendar.ics").read_bytes(), made, files


def test_parts_made_beside_the_pages_join_into_the_same_bytes(projects, tmp_path):
    made_after = board_files(projects, tmp_path / "after", 1, parts=False)
    beside_one = board_files(projects, tmp_path / "one", 1, parts=True)
    beside_two = board_files(projects, tmp_path / "two", 2, parts=True)
    assert made_after[0].count(b'"id": ') == 40 and made_after[1].count(b"BEGIN:VEVENT") > 100
    assert beside_one[:2] == made_after[:2]
    assert beside_two[:2] == made_after[:2]
    assert beside_one[2] == beside_two[2] == 40  # the parts of every engagement...
    assert beside_one[3] == 1 and beside_two[3] == 2  # ...in one file per process


def test_a_part_missing_or_made_for_another_link_is_made_again(projects, tmp_path):
    from courtside.sources.folder import evaluate_folder

    board = evaluate_folder(projects, TODAY, label="projects")
    snap = board.snapshots[0]
    page = page_of(snap, OPTIONS)
    parts = BoardParts.made(tmp_path / "parts", "es")
    english, spanish = speech_for("en"), speech_for("es")
    assert parts.json_text(snap, page.url) == engagement_json_text(snap, page.url)  # none made yet
    parts.write(snap, page)
    assert len(parts) == 1
    assert parts.json_text(snap, page.url) == engagement_json_text(snap, page.url)
    assert parts.calendar_part(snap, page.canonical_url) == internal_calendar_part(snap, spanish, page.canonical_url)
    parts.close()
    # The part on disk is what is read (changed here, at the same length)...
    (kept,) = parts.folder.glob("*.parts")
    made = kept.read_bytes()
    kept.write_bytes(made.replace(b'"id": ', b'"ID": ', 1).replace(b"BEGIN:VEVENT", b"BEGIN:VEVENX", 1))
    assert parts.json_text(snap, page.url) == engagement_json_text(snap, page.url).replace('"id": ', '"ID": ', 1)
    assert b"VEVENX" in parts.calendar_part(snap, page.canonical_url)
    # ...for its own link only: asked for with another (the page written again elsewhere), made again.
    assert parts.json_text(snap, "c/other/") == engagement_json_text(snap, "c/other/")
    other = "https://studio.example/c/other/"
    assert parts.calendar_part(snap, other) == internal_calendar_part(snap, spanish, other)
    assert internal_calendar_part(snap, english, other) != internal_calendar_part(snap, spanish, other)
    parts.close()
    # A file cut short (a process that died while writing): its last part is made again.
    kept.write_bytes(made[:-10])
    assert parts.json_text(snap, page.url) == engagement_json_text(snap, page.url)  # whole, read
    assert parts.calendar_part(snap, page.canonical_url) == internal_calendar_part(snap, spanish, page.canonical_url)
    parts.close()
    kept.write_bytes(made[:5])  # not even its first line
    assert len(parts) == 0
    assert parts.json_text(snap, page.url) == engagement_json_text(snap, page.url)
    parts.close()
