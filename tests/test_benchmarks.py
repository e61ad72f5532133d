"""Smoke tests of the benchmarks: the generator writes valid engagements, the command runs.

No timing is asserted here (timings live in docs/performance.md); these tests only make
sure `make bench` keeps working as the core and the pages change.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

from courtside.core.board import build_board

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # `benchmarks` is a top-level folder of the repository, not installed

from benchmarks.generate import TODAY, engagements, split_file, write_projects  # noqa: E402


def test_generated_engagements_are_valid_and_varied(tmp_path: Path) -> None:
    paths = write_projects(tmp_path / "projects", 20, seed=3)
    board = build_board(tmp_path / "projects", TODAY)

    assert [str(p) for p in board.problems] == []
    assert len(board.snapshots) == 20 == len(paths)
    shares = [s.terms.share for s in board.snapshots]
    assert len(set(shares)) == 20
    assert all(re.fullmatch(r"[a-z0-9]{24}", share) for share in shares)
    # Seed 3 at N=20 mixes languages and states: counted by hand from a run, it writes
    # en 10, es 5, ar 3, ru 2; done 11, proposal 4, scheduled 2, on-hold 2, cancelled 1.
    assert len(Counter(s.terms.language for s in board.snapshots)) >= 3
    assert len(Counter(s.schedule.state for s in board.snapshots)) >= 3
    # The policies are the repository's own file, byte for byte.
    assert (tmp_path / "projects" / "_policies.yml").read_bytes() == (REPO / "projects" / "_policies.yml").read_bytes()


def test_generator_is_seeded() -> None:
    first, again, other = engagements(5, seed=9), engagements(5, seed=9), engagements(5, seed=10)
    assert first == again
    assert first != other
    front, body, share = split_file(first[0][1])
    assert f"share: {share}" in front and body.startswith("## ")


def test_benchmark_command_runs_end_to_end(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--n", "20", "--quick", "--workdir", str(tmp_path)],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    table = out.stdout
    for row in ("(a) mkdocs build, wall s", "(b) check, wall s", "(c) peak memory of (a), MB",
                "(d) serve: save to new page served, s"):
        assert re.search(re.escape(row) + r" +\| 20 +\| \d+(\.\d+)? ", table), row
    assert "mkdocs-material: " in table and "cpus: " in table
    # Both sites really contain the 20 client pages (the plugin's from the engagement files).
    for site in ("plugin", "floor"):
        assert len(list((tmp_path / "n20" / site / "site" / "c").glob("*/index.html"))) == 20


def test_calendar_bytes_are_what_icalendar_writes(tmp_path: Path) -> None:
    # calendar_bytes skips icalendar's slow serializer (docs/performance.md): it must still write
    # exactly what `to_ical()` writes, for every language, state and folding case generated here.
    from courtside.publish.ical import (
        calendar_bytes,
        client_calendar,
        internal_calendar,
        internal_calendar_bytes,
    )

    write_projects(tmp_path / "projects", 60, seed=5)
    board = build_board(tmp_path / "projects", TODAY)
    urls = {s.id: f"https://studio.example/c/{s.terms.share}/" for s in board.snapshots}
    calendars = [client_calendar(s, urls[s.id]) for s in board.snapshots] + [internal_calendar(board, urls)]
    folded = 0
    for calendar in calendars:
        written = calendar_bytes(calendar)
        assert written == calendar.to_ical()
        folded += written.count(b"\r\n ")
    assert folded > 100  # long descriptions in four scripts really were folded
    # The studio calendar, written one engagement at a time, is the same file again.
    assert internal_calendar_bytes(board, urls) == calendars[-1].to_ical()


def test_remembered_formatting_matches_fresh_formatting() -> None:
    # Speech remembers what it formatted (docs/performance.md): every answer, asked twice or
    # after an equal value written differently, must be what a brand-new Speech answers.
    from datetime import date
    from decimal import Decimal

    from courtside.publish.i18n import Speech

    numbers = [Decimal("1.5"), Decimal("1.50"), Decimal("1200"), Decimal("1.2E+3"), 7, Decimal("0.015")]
    day = date(2026, 3, 12)
    for language in ("en", "es", "ru", "ar"):
        speech = Speech(language)
        for _ in range(2):
            for value in numbers:
                assert speech.number(value) == Speech(language).number(value)
                assert speech.money(value, "EUR") == Speech(language).money(value, "EUR")
                assert speech.money(value, "JPY") == Speech(language).money(value, "JPY")
            assert speech.percent(Decimal("0.015")) == Speech(language).percent(Decimal("0.015"))
            assert speech.date(day) == Speech(language).date(day)
            assert speech.date(day, "short") == Speech(language).date(day, "short")
            # The year is left out in the current year only: the keyword is part of what is remembered.
            assert speech.short_date(day, this_year=2026) == Speech(language).short_date(day, this_year=2026)
            assert speech.short_date(day, this_year=2025) == Speech(language).short_date(day, this_year=2025)
        assert speech.short_date(day, this_year=2026) != speech.short_date(day, this_year=2025)
