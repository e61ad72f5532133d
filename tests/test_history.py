"""History: real git repositories in tmp_path, commits with set dates, read by the build.

Every expected date here is hand-checked on a Monday-to-Friday calendar with no holidays,
a 0% buffer (promised days = days), grace 5 and restart 10 (the comments show the counting).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date, timedelta
from html import unescape
from pathlib import Path

import pytest
from courtside.core.history import Point, changes, revisions, story_of
from courtside.core.pipeline import Source, evaluate, read_policies
from courtside.core.snapshot import Snapshot
from courtside.history import prepare
from courtside.publish.ical import client_events
from helpers import D

MKDOCS = Path(sys.executable).parent / "mkdocs"
COURTSIDE = Path(sys.executable).parent / "courtside"

POLICIES = """\
studio:
  name: Northwind Studio
  contact: {name: Sam Lee, email: sam@northwind.example}
language: en
currency: USD
calendar: {workdays: [mon, tue, wed, thu, fri]}
buffer: 0%
payment: {terms: 15, late_fee: 1.5%}
consequences:
  client: {grace: 5, restart: 10}
  us: {discount: 5%, cap: 20%}
"""

MKDOCS_YML = """\
site_name: History
theme:
  name: material
  font: false
plugins:
  - courtside:
      projects: projects
      board_path: board
      board_protected: true
"""


def git(repo: Path, *args: str, day: str | None = None) -> str:
    """Run git in `repo` (commits dated `day` at noon UTC, author and committer alike)."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    if day is not None:
        stamp = f"{day}T12:00:00+00:00"
        environ.update(GIT_AUTHOR_DATE=stamp, GIT_COMMITTER_DATE=stamp)
    done = subprocess.run(
        ["git", "-c", "user.name=Studio", "-c", "user.email=dev@studio.invalid", "-c", "commit.gpgsign=false",
         "-c", "init.defaultBranch=main", *args],
        cwd=repo, env=environ, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout


def commit(repo: Path, day: str, files: dict[str, str], message: str = "edit") -> str:
    """Write `files` (paths from the repository's root) and commit them on `day`."""
    for name, text in files.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, day=day)
    return git(repo, "rev-parse", "HEAD").strip()


def new_site(root: Path, config: str = MKDOCS_YML) -> Path:
    """An MkDocs site in a new git repository (not committed yet)."""
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    git(root, "init", "-q")
    return root


def build(site: Path, today: str, *flags: str, **env: str) -> subprocess.CompletedProcess[str]:
    # COURTSIDE_CACHE_DIR stays (tests/conftest.py): a build never writes into the user's ~/.cache.
    environ = {
        k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "COURTSIDE_")) or k == "COURTSIDE_CACHE_DIR"
    }
    environ.update(NO_MKDOCS_2_WARNING="1", COURTSIDE_TODAY=today, **env)
    return subprocess.run(
        [str(MKDOCS), "build", *flags], cwd=site, env=environ, capture_output=True, text=True, timeout=300
    )


def page_text(site: Path, share: str, section: str) -> str:
    """The words of one section of a built client page (tags dropped, spaces collapsed)."""
    html = (site / "site" / "c" / share / "index.html").read_text(encoding="utf-8")
    found = re.search(rf'<section aria-labelledby="cs-{section}-h".*?</section>', html, re.S)
    assert found, f"no {section} section on the page"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", found.group(0))).split()).replace(" ”", "”").replace("“ ", "“").replace(" »", "»").replace("« ", "«")


# -- The four reasons, in one engagement's history -------------------------------------------------

SHARE = "h7k2qw9mx4p1vz8rt3ns6cby"  # as random as a real share


def acme(language: str = "en", *, brief_done: str = "", design_done: str = "", build_done: str = "",
         build_paid: str = "", qa: bool = False) -> str:  # fmt: skip
    """The engagement of the reasons' story, at one point of it."""
    qa_stage = "  - {name: QA, owner: us, days: 2}\n" if qa else ""
    return f"""---
client: Acme Bakery
project: Website
share: {SHARE}
language: {language}
fee: 10000
contacts:
  client: {{name: Dana Ruiz, email: dana@acme.example}}
signed: 2026-01-02
stages:
  - {{name: Brief, owner: client, days: 5{", done: " + brief_done if brief_done else ""}}}
  - {{name: Design, owner: us, days: 5{", done: " + design_done if design_done else ""}}}
  - {{name: Build, owner: us, days: 5{", done: " + build_done if build_done else ""}}}
{qa_stage}  - {{name: Launch, owner: us, days: 5}}
payments:
  - {{name: Design approved, amount: 50%, due: Design}}
  - {{name: Build approved, amount: 30%, due: Build, gate: true{", paid: " + build_paid if build_paid else ""}}}
  - {{name: Final, amount: 20%, due: Launch}}
---
The website.
"""


def reasons_repo(root: Path, language: str = "en") -> Path:
    """Five commits: the plan; the client's brief 6 working days late (past the grace of 5); our
    design 3 days late; the gate payment of Build paid after Build was done; a stage added."""
    site = new_site(root)
    # 2026-01-02 (Fri), signed that day: start next(Jan 2) = Mon Jan 5.
    # Brief Jan 5-9, Design Jan 12-16, Build Jan 19-23, Launch Jan 26-30.
    # Payments (terms 15): Design approved Jan 16 + 15 = Jan 31, Build approved Jan 23 -> Feb 7,
    # Final Jan 30 -> Feb 14.
    commit(site, "2026-01-02", {"projects/_policies.yml": POLICIES, "projects/acme.md": acme(language)}, "plan")
    # Brief done Mon Jan 19: late by Jan 12..16 and Jan 19 = 6 > 5, so Design restarts
    # add(Jan 19, 1 + 10) = Tue Feb 3, due Feb 9; Build Feb 10-16; Launch Feb 17-23.
    commit(site, "2026-01-20", {"projects/acme.md": acme(language, brief_done="2026-01-19")}, "brief")
    # Design done Thu Feb 12, due Feb 9: 3 days late (Feb 10, 11, 12). Build Feb 13-19,
    # Launch Feb 20-26; Design approved invoiced Feb 12 -> Feb 27.
    commit(site, "2026-02-13", {"projects/acme.md": acme(language, brief_done="2026-01-19",
                                                         design_done="2026-02-12")}, "design")  # fmt: skip
    # Build done Feb 19 on time; its gate payment paid Tue Feb 24: Launch opens next(Feb 24)
    # = Feb 25 instead of Feb 20, due Mar 3; Final Mar 3 + 15 = Mar 18.
    commit(site, "2026-02-25", {"projects/acme.md": acme(language, brief_done="2026-01-19", design_done="2026-02-12",
                                                         build_done="2026-02-19", build_paid="2026-02-24")}, "paid")  # fmt: skip
    # Thu Feb 26: QA (2 days) added after Build: the gate now holds QA, which opens Feb 25, due Feb 26;
    # Launch Feb 27 - Mar 5; Final Mar 20.
    commit(site, "2026-02-26", {"projects/acme.md": acme(language, brief_done="2026-01-19", design_done="2026-02-12",
                                                         build_done="2026-02-19", build_paid="2026-02-24",
                                                         qa=True)}, "qa")  # fmt: skip
    return site


# (date of the commit, kind, name, old, new, reason, cause), oldest first.
EXPECTED_CHANGES = [
    ("2026-01-20", "stage", "Design", "2026-01-16", "2026-02-09", "client-late", "Brief"),
    ("2026-01-20", "stage", "Build", "2026-01-23", "2026-02-16", "client-late", "Brief"),
    ("2026-01-20", "stage", "Launch", "2026-01-30", "2026-02-23", "client-late", "Brief"),
    ("2026-01-20", "payment", "Design approved", "2026-01-31", "2026-02-24", "client-late", "Brief"),
    ("2026-01-20", "payment", "Build approved", "2026-02-07", "2026-03-03", "client-late", "Brief"),
    ("2026-01-20", "payment", "Final", "2026-02-14", "2026-03-10", "client-late", "Brief"),
    ("2026-02-13", "stage", "Build", "2026-02-16", "2026-02-19", "us-late", "Design"),
    ("2026-02-13", "stage", "Launch", "2026-02-23", "2026-02-26", "us-late", "Design"),
    ("2026-02-13", "payment", "Design approved", "2026-02-24", "2026-02-27", "us-late", "Design"),
    ("2026-02-13", "payment", "Build approved", "2026-03-03", "2026-03-06", "us-late", "Design"),
    ("2026-02-13", "payment", "Final", "2026-03-10", "2026-03-13", "us-late", "Design"),
    ("2026-02-25", "stage", "Launch", "2026-02-26", "2026-03-03", "gate", "Build approved"),
    ("2026-02-25", "payment", "Final", "2026-03-13", "2026-03-18", "gate", "Build approved"),
    ("2026-02-26", "stage", "QA", None, "2026-02-26", "terms", None),
    ("2026-02-26", "stage", "Launch", "2026-03-03", "2026-03-05", "terms", None),
    ("2026-02-26", "payment", "Final", "2026-03-18", "2026-03-20", "terms", None),
]


@pytest.fixture(scope="module")
def reasons_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = reasons_repo(tmp_path_factory.mktemp("reasons") / "site")
    result = build(site, "2026-02-26")
    assert result.returncode == 0, result.stderr
    assert "history of projects: 5 commit(s) read" in result.stderr
    return site


def test_board_json_lists_exactly_the_moves_with_their_dates_and_reasons(reasons_site: Path) -> None:
    board = json.loads((reasons_site / "site" / "board" / "board.json").read_text(encoding="utf-8"))
    (engagement,) = board["engagements"]
    got = [(c["date"], c["kind"], c["name"], c["old"], c["new"], c["reason"], c["cause"]) for c in engagement["changes"]]
    assert got == EXPECTED_CHANGES
    restart = engagement["changes"][0]
    assert (restart["late_by"], restart["restart"]) == (6, True)
    assert engagement["changes"][6]["late_by"] == 3
    assert all(len(c["commit"]) == 12 for c in engagement["changes"])
    # The dates now are the last ones moved to.
    stages = {s["name"]: s["due"] for s in engagement["stages"]}
    assert stages == {"Brief": "2026-01-09", "Design": "2026-02-09", "Build": "2026-02-19", "QA": "2026-02-26",
                      "Launch": "2026-03-05"}  # fmt: skip


def test_the_client_page_says_what_changed_and_why_in_plain_words(reasons_site: Path) -> None:
    text = page_text(reasons_site, SHARE, "changed")
    expected = [
        "February 26, 2026 : We added the stage “QA”, due on February 26, 2026.",
        "February 26, 2026 : We changed the plan, so “Launch” is now due on March 5, 2026 instead of March 3, 2026. "
        "The payment “Final”: now due on March 20, 2026 instead of March 18, 2026.",
        "February 25, 2026 : The payment “Build approved” arrived on February 24, 2026, so “Launch” is now due on "
        "March 3, 2026 instead of February 26, 2026. The payment “Final”: now due on March 18, 2026 instead of "
        "March 13, 2026.",
        "February 13, 2026 : We delivered “Design” 3 working days late, so “Build” is now due on February 19, 2026 "
        "instead of February 16, 2026. “Launch”: now due on February 26, 2026 instead of February 23, 2026.",
        "January 20, 2026 : Your part, “Brief”, arrived 6 working days late, past the grace period of 5 working "
        "days, so “Design” restarts on February 3, 2026 instead of January 12, 2026. “Build”: now due on "
        "February 16, 2026 instead of January 23, 2026.",
    ]
    at = 0
    for sentence in expected:
        found = text.find(sentence, at)
        assert found >= 0, f"{sentence!r} not in order in:\n{text}"
        at = found + len(sentence)


def test_the_board_shows_the_last_changes_across_clients(reasons_site: Path) -> None:
    html = (reasons_site / "site" / "board" / "index.html").read_text(encoding="utf-8")
    section = re.search(r'<section aria-labelledby="cs-history-h".*?</section>', html, re.S)
    assert section, "the board has no history section"
    rows = re.findall(r"<tr class=\"cs-change--([a-z-]+)\">(.*?)</tr>", section.group(0), re.S)
    assert len(rows) == len(EXPECTED_CHANGES)
    assert rows[0][0] == "terms" and rows[-1][0] == "client-late"  # newest first
    assert "Mar 5" in rows[1][1] and "Mar 3" in rows[1][1]


def test_what_changed_is_said_in_the_clients_language(tmp_path: Path) -> None:
    site = reasons_repo(tmp_path / "site", language="es")
    result = build(site, "2026-02-26")
    assert result.returncode == 0, result.stderr
    assert "no 'es' translation" not in result.stderr
    text = page_text(site, SHARE, "changed")
    assert (
        "Su parte, «Brief», llegó con 6 días hábiles de retraso, pasado el periodo de gracia de 5 días hábiles, "
        "así que «Design» se reanuda el 3 de febrero de 2026 en lugar del 12 de enero de 2026."
    ) in text
    assert "Entregamos «Design» con 3 días hábiles de retraso" in text
    board = json.loads((site / "site" / "board" / "board.json").read_text(encoding="utf-8"))
    got = [(c["date"], c["kind"], c["name"], c["old"], c["new"], c["reason"], c["cause"])
           for c in board["engagements"][0]["changes"]]  # fmt: skip
    assert got == EXPECTED_CHANGES


# -- SEQUENCE over a replayed history -------------------------------------------------------------


def daily_text(day: int, done: dict[str, str], days: dict[str, int], note: str) -> str:
    stages = "\n".join(
        f"  - {{name: {name}, owner: {owner}, days: {days[name]}{', done: ' + done[name] if name in done else ''}}}"
        for name, owner in (("Kickoff", "client"), ("Design", "us"), ("Content", "client"), ("Build", "us"))
    )
    return f"""---
client: Daily
project: Sixty days
share: mlph3byfgorax0wc0737yh4q
fee: 6000
contacts:
  client: {{name: Ann, email: ann@daily.example}}
signed: 2026-03-02
stages:
{stages}
payments:
  - {{name: Half, amount: 50%, due: Design}}
  - {{name: Rest, amount: 50%, due: Build}}
---
Day {day}: {note}
"""


def test_sequence_never_goes_down_and_rises_exactly_when_the_date_moves(tmp_path: Path) -> None:
    import random

    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    first = date(2026, 3, 2)
    rng = random.Random(15)
    done: dict[str, str] = {}
    days = {"Kickoff": 3, "Design": 5, "Content": 4, "Build": 8}
    order = ["Kickoff", "Design", "Content", "Build"]
    commits = []
    for index in range(60):
        day = first + timedelta(days=index)
        roll = rng.random()
        pending = [name for name in order if name not in done]
        if pending and roll < 0.15:
            now = snapshot(daily_text(index, done, days, ""), day.isoformat())
            if now.schedule.stages[order.index(pending[0])].promise.opens <= day:  # type: ignore[union-attr]
                done[pending[0]] = day.isoformat()  # done today: on time, early or late
        elif roll < 0.25:
            name = rng.choice(order)
            days[name] = max(1, days[name] + rng.choice((-1, 1)))  # the studio edits the plan
        files = {"projects/daily.md": daily_text(index, done, days, rng.choice(("a", "b", "c")))}
        if index == 0:
            files["projects/_policies.yml"] = POLICIES
        commits.append((commit(repo, day.isoformat(), files, f"day {index}"), day))
    previous: dict[str, tuple[date, int, object]] = {}
    rises = moves = 0
    for sha, day in commits:
        git(repo, "checkout", "-q", sha)
        histories = prepare(repo / "projects", "projects", day, None, {"daily.md": "daily"})
        assert histories.git is not None
        policies = read_policies(Source("projects/_policies.yml", (repo / "projects" / "_policies.yml").read_bytes()))
        snap = evaluate(Source("projects/daily.md", (repo / "projects" / "daily.md").read_bytes()), policies, day)
        assert isinstance(snap, Snapshot)
        snap, _ = histories.story(snap, "daily.md")
        for event in client_events(snap):
            seen = previous.get(event.uid)
            if seen is not None:
                moved = event.day != seen[0]
                assert event.revision.sequence >= seen[1], f"{event.uid} went down on {day}"
                assert (event.revision.sequence > seen[1]) == moved, f"{event.uid} on {day}: moved={moved}"
                if moved:
                    assert event.revision.sequence == seen[1] + 1
                    assert event.revision.modified.date() == day
                    moves += 1
                rises += event.revision.sequence > seen[1]
            previous[event.uid] = (event.day, event.revision.sequence, event.revision.modified)
    assert moves == rises and moves >= 20  # the history did move dates, many times


# -- The pure core, on hand-made versions -----------------------------------------------------------


def snapshot(text: str, today: str, policies: str = POLICIES) -> Snapshot:
    result = evaluate(Source.of("projects/x.md", text), read_policies(Source.of("projects/_policies.yml", policies)), D(today))
    assert isinstance(result, Snapshot), getattr(result, "problems", result)
    return result


def test_an_invalid_version_is_skipped_and_counts_no_move() -> None:
    from courtside.core.history import record_of

    first = snapshot(acme(), "2026-01-02")
    late = snapshot(acme(brief_done="2026-01-19"), "2026-01-20")
    points = [Point("a" * 12, D("2026-01-02"), record_of(first)), Point("b" * 12, D("2026-01-10"), None),
              Point("c" * 12, D("2026-01-20"), record_of(late))]  # fmt: skip
    moved = changes(points)
    assert {c.on for c in moved} == {D("2026-01-20")}
    assert revisions(points)[("stage", "Design")].sequence == 1
    assert revisions(points)[("stage", "Brief")].sequence == 0
    story = story_of(points, late)
    assert len(story.changes) == len(moved) and story.revisions is not None


def test_no_committed_version_means_no_revisions_from_history() -> None:
    story = story_of([], snapshot(acme(), "2026-01-02"))
    assert story.changes == () and story.revisions is None


# -- Keep-last-good, shallow clones, folders outside git ----------------------------------------------

SIMPLE = """---
client: Birch Dental
project: New site
share: ox0l5smexah7sjk5az4zgmnq
fee: 5000
contacts:
  client: {name: Ann Birch, email: ann@birch.example}
signed: 2026-03-02
stages:
  - {name: Design, owner: us, days: 5}
  - {name: Review, owner: client, days: 3}
payments:
  - {name: All, amount: 100%, due: Review}
---
The new site.
"""
BIRCH = "ox0l5smexah7sjk5az4zgmnq"


def simple_repo(root: Path, config: str = MKDOCS_YML) -> tuple[Path, str]:
    """A site whose engagement is valid at its first commit and invalid at its second."""
    site = new_site(root, config)
    good = commit(site, "2026-03-02", {"projects/_policies.yml": POLICIES, "projects/birch.md": SIMPLE}, "good")
    broken = SIMPLE.replace("days: 3}", "dayz: 3}").replace("owner: us", "owner: them")
    commit(site, "2026-03-04", {"projects/birch.md": broken}, "broken")
    return site, good


def client_files(site: Path, share: str) -> tuple[bytes, bytes]:
    folder = site / "site" / "c" / share
    return (folder / "index.html").read_bytes(), (folder / "calendar.ics").read_bytes()


def test_keep_last_good_publishes_the_last_valid_commit_and_exits_0(tmp_path: Path) -> None:
    site, good = simple_repo(tmp_path / "site")
    kept = build(site, "2026-03-05", COURTSIDE_ON_INVALID="keep-last-good")
    assert kept.returncode == 0, kept.stderr
    assert f"projects/birch.md is invalid; its client page and calendar are published from its last valid version, commit {good[:12]} of 2026-03-02" in kept.stderr
    assert "projects/birch.md:10: stages[0].owner: expected 'us' or 'client'" in kept.stderr
    assert "projects/birch.md:11: stages[1].dayz: unknown field; did you mean 'days'?" in kept.stderr
    # The same page and calendar as a build of the last valid commit, on the same day.
    reference = tmp_path / "reference"
    git(tmp_path, "clone", "-q", str(site), str(reference))
    git(reference, "checkout", "-q", good)
    assert build(reference, "2026-03-05").returncode == 0
    assert client_files(site, BIRCH) == client_files(reference, BIRCH)
    board = json.loads((site / "site" / "board" / "board.json").read_text(encoding="utf-8"))
    (engagement,) = board["engagements"]
    assert engagement["last_good"]["commit"] == good[:12] and engagement["last_good"]["date"] == "2026-03-02"
    assert len(engagement["last_good"]["problems"]) == 2 and board["invalid"] == []
    html = (site / "site" / "board" / "index.html").read_text(encoding="utf-8")
    assert "Published from the last good version" in html and "did you mean 'days'?" in html


def test_without_keep_last_good_an_invalid_file_fails_the_build(tmp_path: Path) -> None:
    site, _ = simple_repo(tmp_path / "site")
    failed = build(site, "2026-03-05")
    assert failed.returncode == 1
    assert "projects/birch.md:11: stages[1].dayz: unknown field" in failed.stderr
    assert "Traceback" not in failed.stderr


def test_keep_last_good_as_an_option_and_without_a_valid_version(tmp_path: Path) -> None:
    config = MKDOCS_YML.replace("      board_path: board\n", "      on_invalid: keep-last-good\n      board_path: board\n")
    site, _ = simple_repo(tmp_path / "site", config)
    assert build(site, "2026-03-05").returncode == 0
    # A file never valid has no last good version: nothing to publish for it, so the build fails.
    (site / "projects" / "new.md").write_text(SIMPLE.replace("fee: 5000", "fee: five"), encoding="utf-8")
    failed = build(site, "2026-03-05")
    assert failed.returncode == 1
    assert "on_invalid: keep-last-good found no valid earlier version of projects/new.md" in failed.stderr
    refused = build(site, "2026-03-05", COURTSIDE_ON_INVALID="keep")
    assert refused.returncode == 1 and "COURTSIDE_ON_INVALID='keep'; expected one of: fail, keep-last-good" in refused.stderr


def test_a_shallow_clone_and_a_folder_outside_git_build_as_before(tmp_path: Path) -> None:
    site = new_site(tmp_path / "site")
    commit(site, "2026-03-02", {"projects/_policies.yml": POLICIES, "projects/birch.md": SIMPLE}, "plan")
    later = SIMPLE.replace("days: 5}", "days: 5, done: 2026-03-10}")
    commit(site, "2026-03-11", {"projects/birch.md": later}, "done")
    # Before: the same files without history (`history: false`).
    without = tmp_path / "without"
    git(tmp_path, "clone", "-q", str(site), str(without))
    (without / "mkdocs.yml").write_text(MKDOCS_YML + "      history: false\n", encoding="utf-8")
    assert build(without, "2026-03-12").returncode == 0
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{site}", str(shallow))
    outside = tmp_path / "outside"
    (outside / "docs").mkdir(parents=True)
    for name in ("mkdocs.yml", "docs/index.md", "projects/_policies.yml", "projects/birch.md"):
        (outside / name).parent.mkdir(parents=True, exist_ok=True)
        (outside / name).write_bytes((site / name).read_bytes())
    for copy, reason in ((shallow, "a shallow clone"), (outside, "is not in a git repository")):
        done = build(copy, "2026-03-12")
        assert done.returncode == 0, done.stderr
        lines = [line for line in done.stderr.splitlines() if "no history of projects" in line]
        assert len(lines) == 1 and reason in lines[0] and lines[0].startswith("INFO")
        assert client_files(copy, BIRCH) == client_files(without, BIRCH)
        board = json.loads((copy / "site" / "board" / "board.json").read_text(encoding="utf-8"))
        assert board["engagements"][0]["changes"] == []
    # With its history, the same site says what changed: Review moved with Design done early.
    with_history = build(site, "2026-03-12")
    assert with_history.returncode == 0
    assert "Design" in page_text(site, BIRCH, "changed")


def test_a_daily_build_evaluates_only_the_new_commits(tmp_path: Path) -> None:
    from courtside import __version__
    from courtside.core.pipeline import Source as Src
    from courtside.sources.folder import read_folder

    site, _ = simple_repo(tmp_path / "site")
    commit(site, "2026-03-05", {"projects/birch.md": SIMPLE.replace("days: 3}", "days: 4}")}, "fixed")
    cache = tmp_path / "cache"
    folder = site / "projects"

    def build_once(today: str) -> int:
        read = read_folder(folder, "projects")
        ids = {Path(s.name).name: s.id for s in read.sources}
        histories = prepare(folder, "projects", D(today), cache, ids)
        uncached = histories.uncached
        for source in read.sources:
            snap = evaluate(source, read.policy_set(), D(today))
            assert isinstance(snap, Snapshot)
            snap, computed = histories.story(snap, Path(source.name).name)
            histories.cached.setdefault(snap.id, {}).update(computed)
        histories.save({s.id: Path(s.name).name for s in read.sources if isinstance(s, Src)})
        return uncached

    assert build_once("2026-03-06") == 3  # three versions of birch.md, none seen yet
    assert build_once("2026-03-07") == 0  # the next day: every version is in the cache
    saved = json.loads((cache / "history" / "birch.json").read_text(encoding="utf-8"))
    assert saved["courtside"] == __version__ and len(saved["records"]) == 3
    assert sum(1 for record in saved["records"].values() if record == {"invalid": True}) == 1
    assert (cache / ".gitignore").read_text(encoding="utf-8").endswith("*\n")
    commit(site, "2026-03-09", {"projects/birch.md": SIMPLE.replace("days: 3}", "days: 6}")}, "longer")
    assert build_once("2026-03-09") == 1  # only the new commit
    (cache / "history" / "birch.json").write_text(json.dumps({**saved, "courtside": "0.0.1"}), encoding="utf-8")
    assert build_once("2026-03-09") == 4  # a cache of another version of Courtside is not trusted


def test_a_finished_engagement_is_not_evaluated_again_for_a_body_edit(tmp_path: Path, monkeypatch) -> None:
    from courtside import history as edge

    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    done = SIMPLE.replace("days: 5}", "days: 5, done: 2026-03-06}").replace("days: 3}", "days: 3, done: 2026-03-11}")
    commit(repo, "2026-03-12", {"projects/_policies.yml": POLICIES, "projects/birch.md": done}, "done")
    commit(repo, "2026-03-13", {"projects/birch.md": done + "A note.\n"}, "a note")
    commit(repo, "2026-03-16", {"projects/_policies.yml": POLICIES + "# reviewed\n"}, "a comment")
    commit(repo, "2026-03-17", {"projects/birch.md": done.replace("days: 3,", "days: 4,")}, "a term")
    evaluated: list[date] = []
    real = edge.Histories._evaluate

    def counting(self, file_name, version):
        evaluated.append(version.day)
        return real(self, file_name, version)

    monkeypatch.setattr(edge.Histories, "_evaluate", counting)
    histories = prepare(repo / "projects", "projects", D("2026-03-20"), None, {"birch.md": "birch"})
    points, computed = histories.points("birch", "birch.md")
    assert evaluated == [D("2026-03-12"), D("2026-03-17")]  # the note and the comment: the same record
    assert len(points) == 4 and len(computed) == 4
    assert points[1].record == points[0].record == points[2].record
    # The same records as reading and evaluating every version in full.
    monkeypatch.setattr(edge, "_front_matter", lambda data: None)
    monkeypatch.setattr(edge, "_settled", lambda record: False)
    evaluated.clear()
    again, _ = prepare(repo / "projects", "projects", D("2026-03-20"), None, {"birch.md": "birch"}).points("birch", "birch.md")
    assert len(evaluated) == 4
    assert [(p.record, p.record and p.record.agreement) for p in again] == [(p.record, p.record and p.record.agreement) for p in points]


def pipeline_record(name: str, data: bytes, policies: str, day: date):
    """What the pipeline makes of one version on its own, on its own day, as history records
    it: the record, or None when the file is invalid."""
    from courtside.core.history import record_of

    result = evaluate(Source(f"projects/{name}", data), read_policies(Source.of("projects/_policies.yml", policies)), day)
    return record_of(result) if isinstance(result, Snapshot) else None


def commit_bytes(repo: Path, day: str, files: dict[str, bytes], message: str = "edit") -> None:
    """`commit`, for files whose bytes are set exactly (not UTF-8 ones included)."""
    for name, data in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_bytes(data)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, day=day)


def test_a_refused_character_in_the_body_makes_a_version_invalid_as_on_its_own(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    done = SIMPLE.replace("days: 5}", "days: 5, done: 2026-03-06}").replace("days: 3}", "days: 3, done: 2026-03-11}")
    bidi = "The new site.\u202e(reversed)\n"
    # birch: valid, a bidi override added below the front matter, removed again.
    # done (a finished engagement, whose record no day changes): valid, then a bidi override,
    # then bytes that are not UTF-8, then valid again. fresh: invalid from its first version.
    versions = {
        "birch.md": [SIMPLE, SIMPLE.replace("The new site.\n", bidi), SIMPLE + "Edited.\n"],
        "done.md": [done, done.replace("The new site.\n", bidi), done + "Caf\xe9\n", done + "Edited.\n"],
        "fresh.md": [SIMPLE.replace("The new site.\n", bidi), SIMPLE, SIMPLE.replace("The new site.\n", bidi)],
    }
    days = ["2026-03-12", "2026-03-13", "2026-03-16", "2026-03-17"]
    for index, day in enumerate(days):
        files = {"projects/_policies.yml": POLICIES.encode()}
        for name, texts in versions.items():
            if index < len(texts):
                text = texts[index]
                files[f"projects/{name}"] = text.encode("latin-1") if "\xe9" in text else text.encode()
        commit_bytes(repo, day, files, f"version {index}")
    ids = {name: name.removesuffix(".md") for name in versions}
    histories = prepare(repo / "projects", "projects", D("2026-03-20"), None, ids)
    for name, texts in versions.items():
        points, _ = histories.points(ids[name], name)
        assert len(points) == len(texts)
        for point, text in zip(points, texts, strict=True):
            data = text.encode("latin-1") if "\xe9" in text else text.encode()
            expected = pipeline_record(name, data, POLICIES, point.day)
            assert (point.record is None) == (expected is None), (name, point.day)
            assert point.record == expected, (name, point.day)
        assert [p.record is None for p in points] == {
            "birch.md": [False, True, False], "done.md": [False, True, True, False], "fresh.md": [True, False, True],
        }[name]  # fmt: skip


def test_a_commit_that_only_announces_a_policy_change_is_evaluated_again(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    # Finished, its one payment (not a gate) invoiced when Review was done on Mar 11 and not
    # paid: the record of a finished engagement, which no later day changes.
    done = SIMPLE.replace("days: 5}", "days: 5, done: 2026-03-06}").replace("days: 3}", "days: 3, done: 2026-03-11}")
    # Payment terms of 30 days for invoices issued from Mar 1 on: the invoice of Mar 11 is
    # due 30 days after it, not 15; the policies as engagements inherit them read the same.
    changed = POLICIES + "changes:\n  - {from: 2026-03-01, set: {payment: {terms: 30, late_fee: 1.5%}}}\n"
    commit(repo, "2026-03-12", {"projects/_policies.yml": POLICIES, "projects/birch.md": done}, "done")
    commit(repo, "2026-03-13", {"projects/_policies.yml": changed}, "announced")
    histories = prepare(repo / "projects", "projects", D("2026-03-20"), None, {"birch.md": "birch"})
    points, _ = histories.points("birch", "birch.md")
    first = pipeline_record("birch.md", done.encode(), POLICIES, D("2026-03-12"))
    second = pipeline_record("birch.md", done.encode(), changed, D("2026-03-13"))
    assert first is not None and second is not None and first != second  # the due date moved
    assert [p.record for p in points] == [first, second]
