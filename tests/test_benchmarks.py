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
        assert re.search(re.escape(row) + r" +\| 20 +\| \d+\.\d+", table), row
    assert "mkdocs-material: " in table and "cpus: " in table
    # Both sites really contain the 20 client pages (the plugin's from the engagement files).
    for site in ("plugin", "floor"):
        assert len(list((tmp_path / "n20" / site / "site" / "c").glob("*/index.html"))) == 20
