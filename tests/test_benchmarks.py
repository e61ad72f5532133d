"""Smoke tests of the benchmarks: the generator writes valid engagements, the command runs.

No timing is asserted here (timings live in docs/performance.md); these tests only make
sure `make bench` keeps working as the core and the pages change.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

from courtside.sources.folder import evaluate_folder

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # `benchmarks` is a top-level folder of the repository, not installed

from benchmarks.generate import TODAY, engagements, split_file, write_projects  # noqa: E402
from benchmarks.run import (  # noqa: E402
    process_memory_kb,
    process_rss_kb,
    process_tree,
    run_once,
)

# A process tree for the memory sampler: the parent fills SHARED MB and forks a child, which
# forks a grandchild (sharing SHARED with both, allocating nothing); then the parent and the
# child each fill OWN MB of their own. Each says "ready" through a pipe; the parent prints
# "tree <pids>" once all are ready, the three hold for HOLD s, then the child waits for the
# grandchild and the parent for the child (so that ru_maxrss covers all three).
TREE = """\
import os, sys, time
MB = 1024 * 1024
SHARED, OWN, HOLD = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
shared = b"s" * (SHARED * MB)  # bytes * n writes every page: all resident
ready_r, ready_w = os.pipe()
child = os.fork()
if child == 0:
    grandchild = os.fork()
    if grandchild == 0:
        os.write(ready_w, b"%d " % os.getpid())
        time.sleep(HOLD + 0.5)
        os._exit(0)
    own = b"c" * (OWN * MB)
    os.write(ready_w, b"%d " % os.getpid())
    time.sleep(HOLD)
    os.waitpid(grandchild, 0)
    os._exit(0)
own = b"p" * (OWN * MB)
pids = b""
while pids.count(b" ") < 2:
    pids += os.read(ready_r, 64)
print("tree", os.getpid(), pids.decode().strip(), flush=True)
os.waitpid(child, 0)
"""


def test_generated_engagements_are_valid_and_varied(tmp_path: Path) -> None:
    paths = write_projects(tmp_path / "projects", 20, seed=3)
    board = evaluate_folder(tmp_path / "projects", TODAY)

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
        [sys.executable, "-m", "benchmarks", "--n", "20", "--quick", "--workdir", str(tmp_path),
         "--json", str(tmp_path / "runs.json")],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    table = out.stdout
    for row in ("(a) mkdocs build, wall s", "(b) check, every file, wall s",
                "(b) check, results kept from the run before, wall s", "(c) peak memory of (a), MB",
                "(d) serve: save to new page served, s", "(e) build with history of 300 commits (no cache), wall s",
                "(e) build with history of 300 commits (cache kept), wall s"):
        assert re.search(re.escape(row) + r" +\| 20 +\| \d+(\.\d+)? ", table), row
    assert "mkdocs-material: " in table and "cpus: " in table
    # The build's timed runs are not sampled; its memory comes from a sampled run of each side.
    (build,) = [r for r in json.loads((tmp_path / "runs.json").read_text())["results"] if r["name"] == "build"]
    assert [r["samples"] for r in build["runs"] + build["floor_runs"]] == [0, 0]
    assert len(build["memory_runs"]) == len(build["floor_memory_runs"]) == 1
    assert build["memory_runs"][0]["samples"] > 0 and build["floor_memory_runs"][0]["samples"] > 0
    # Both sites really contain the 20 client pages (the plugin's from the engagement files).
    for site in ("plugin", "floor"):
        assert len(list((tmp_path / "n20" / site / "site" / "c").glob("*/index.html"))) == 20


def test_peak_memory_sums_the_process_tree(tmp_path: Path) -> None:
    # What the harness measures for a command that forks: SHARED = 100 MB filled before the
    # forks, OWN = 100 MB filled by the parent and by the child each after them; held 1 s
    # (about 50 samples at 20 ms; no time is asserted).
    run = run_once([sys.executable, "-c", TREE, "100", "100", "1.0"], tmp_path, timeout=120, sample=True)
    assert run.rc == 0
    assert run.processes == 3  # parent, child and grandchild: the walk reaches the grandchild
    assert run.samples >= 2
    # The largest single process is the parent or the child: RSS = interpreter (b, about 10 MB)
    # + SHARED + OWN, about 210 MB. The tree's PSS sum counts every page once: b + SHARED
    # + 2 * OWN + the pages each process wrote since the fork, about 310 MB. So
    #   sum - largest RSS = the other process's OWN (100 MB) + its pages written since the fork
    # (a few MB) + the grandchild's own pages (a few MB): at least 80 MB with 20 MB of slack
    # for the sample that caught the tree a little before its fullest. Summed RSS, instead,
    # would count SHARED three times and the interpreter twice more: largest + 200 MB or more,
    # so the sum must also stay under largest + 150 MB (PSS read, not RSS).
    # Checked by hand, three runs on the 2-CPU machine of docs/performance.md: tree sum 305.6 to
    # 306.5 MB, ru_maxrss 208.7 to 208.8 MB: 97 MB apart; 49 to 52 samples each.
    assert run.maxrss_mb > 200  # SHARED + OWN really were resident in one process
    assert run.maxrss_mb + 80 <= run.tree_mb <= run.maxrss_mb + 150, (run.tree_mb, run.maxrss_mb)
    assert run.peak_mb == max(run.tree_mb, run.maxrss_mb) == run.tree_mb


def test_peak_memory_leaves_out_the_harness_own_high_water_mark(tmp_path: Path) -> None:
    # Linux keeps a process's peak RSS across exec, and the command starts as a copy of this
    # process: `/bin/true` (about 1 MB of its own) reports this test process's peak as its
    # ru_maxrss. That figure must not become the command's peak memory.
    ballast = b"b" * (64 * 1024 * 1024)  # this process holds at least 64 MB while /bin/true starts
    run = run_once(["/bin/true"], tmp_path, timeout=60, sample=True)
    assert run.rc == 0 and len(ballast) == 64 * 1024 * 1024
    assert run.harness_mb > 64
    assert run.maxrss_mb >= 64  # the inherited mark: not /bin/true's own memory
    assert run.peak_mb == run.tree_mb < 5  # only what was sampled of /bin/true itself (often nothing)
    # Not sampled (a timed run): no figure at all, rather than the harness's.
    timed = run_once(["/bin/true"], tmp_path, timeout=60)
    assert timed.rc == 0 and timed.maxrss_mb >= 64 and timed.samples == 0
    assert math.isnan(timed.peak_mb) and math.isnan(timed.tree_mb)


def test_a_timed_run_is_not_sampled_and_keeps_its_max_rss(tmp_path: Path) -> None:
    # The tree of the test above, not sampled: no thread read /proc while it ran (a sample
    # costs the command CPU and page faults: benchmarks/run.py), and its peak is the kernel's
    # max RSS of its largest process (about 210 MB: SHARED + OWN).
    run = run_once([sys.executable, "-c", TREE, "100", "100", "1.0"], tmp_path, timeout=120)
    assert run.rc == 0
    assert run.samples == 0 and run.processes == 0 and math.isnan(run.sampler_cpu_s)
    assert math.isnan(run.tree_mb) and run.peak_mb == run.maxrss_mb > 200


def test_process_tree_walks_agree_and_pss_splits_shared_pages() -> None:
    # The same tree, smaller (SHARED 50 MB, OWN 10 MB), held while this test looks at it.
    tree = subprocess.Popen(
        [sys.executable, "-c", TREE, "50", "10", "3.0"], stdout=subprocess.PIPE, text=True
    )
    try:
        words = tree.stdout.readline().split()  # "tree <parent> <two pids>", printed once all are ready
        assert words[0] == "tree" and int(words[1]) == tree.pid
        expected = {int(pid) for pid in words[1:]}
        # /proc/<pid>/task/*/children and the ppid scan of /proc/*/stat find the same three.
        by_children, by_parent = process_tree(tree.pid, by_children=True), process_tree(tree.pid, by_children=False)
        assert by_children[0] == by_parent[0] == tree.pid
        assert set(by_children) == set(by_parent) == expected
        # The grandchild wrote nothing of SHARED's 50 MB: they are resident in it (RSS over
        # 50 MB) but shared three ways, so its PSS is at most a third of them plus its own few MB.
        grandchild = min(expected - {tree.pid}, key=process_rss_kb)
        assert process_rss_kb(grandchild) > 50 * 1024
        assert process_memory_kb(grandchild) < 50 * 1024 / 3 + 15 * 1024
    finally:
        tree.wait(timeout=60)
        tree.stdout.close()
    assert tree.returncode == 0
    # A finished process has no memory left to count.
    assert process_memory_kb(tree.pid) == 0 == process_rss_kb(tree.pid)


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
    board = evaluate_folder(tmp_path / "projects", TODAY)
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
