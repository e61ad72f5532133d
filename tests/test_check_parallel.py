"""`courtside check` split over processes reports exactly what it reports in one.

`workers.split` on its own (share order, a failing worker, a failing share 0), then the
check: `check_folder` with the split forced (jobs 2 and 3 on few files) against the
serial `check_folder` and the build, and `courtside check --jobs 1` against `--jobs 2`
byte for byte (stdout, stderr, exit code), on the examples, a generated set and a folder
of broken files whose duplicate shares land in different workers.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest
from courtside import cli, workers
from courtside.cli import check_folder, main
from courtside.core.board import build_board
from courtside.core.load import engagement_files
from courtside.workers import WorkerFailed, jobs_for, split

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # `benchmarks` is a top-level folder of the repository, not installed

from benchmarks.generate import TODAY, write_projects  # noqa: E402

SHARE_MESSAGE = "this share is already used by {first}; expected a share of its own (run `courtside rotate` for a new one)"


# -- workers.split --------------------------------------------------------------------------


# Whether `pid` is a child of this process not yet waited for (a zombie or still running).
def unreaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return False
    return True


# The pids the workers of a test wrote, one file each (a failing worker sends nothing back).
def worker_pids(folder: Path) -> list[int]:
    return sorted(int(p.read_text()) for p in folder.glob("pid-*"))


def test_split_gives_each_share_every_jobs_th_item_and_returns_shares_in_order():
    parent = os.getpid()
    results = split(list(range(10)), lambda share: (os.getpid(), [x * x for x in share]), 3)
    # Share k is items k, k + 3, k + 6, ... (by hand: 0 3 6 9 / 1 4 7 / 2 5 8), squared.
    assert [squares for _, squares in results] == [[0, 9, 36, 81], [1, 16, 49], [4, 25, 64]]
    pids = [pid for pid, _ in results]
    assert pids[0] == parent  # share 0 runs here
    assert len(set(pids)) == 3 and parent not in pids[1:]  # the others in two forked workers
    assert not any(unreaped(pid) for pid in pids[1:])


def test_split_in_one_process_and_on_few_items():
    parent = os.getpid()
    assert split([1, 2, 3], lambda share: (os.getpid(), list(share)), 1) == [(parent, [1, 2, 3])]
    # More jobs than items: one job per item, never an empty share.
    assert [items for _, items in split([1, 2], lambda share: (os.getpid(), list(share)), 5)] == [[1], [2]]
    assert split([], lambda share: list(share), 3) == [[]]


def test_an_exception_in_a_worker_is_worker_failed_with_its_traceback_and_every_worker_is_reaped(tmp_path):
    parent = os.getpid()

    def work(share):
        if os.getpid() != parent:
            (tmp_path / f"pid-{os.getpid()}").write_text(str(os.getpid()))
        if 1 in share:  # share 1 of 3: a worker
            raise KeyError("no such engagement: 1")
        return list(share)

    with pytest.raises(WorkerFailed) as failed:
        split([0, 1, 2, 3, 4, 5], work, 3)
    message = str(failed.value)
    assert "failed:\nTraceback (most recent call last):" in message
    assert "KeyError: 'no such engagement: 1'" in message
    assert 'raise KeyError("no such engagement: 1")' in message  # the worker's own source line
    pids = worker_pids(tmp_path)
    assert len(pids) == 2  # share 1 (failed) and share 2 (went fine) both ran
    assert not any(unreaped(pid) for pid in pids)  # and both were waited for


def test_a_worker_that_dies_without_a_result_is_worker_failed():
    parent = os.getpid()

    def work(share):
        if os.getpid() != parent:
            os._exit(3)  # killed, say: nothing comes back through the pipe
        return list(share)

    with pytest.raises(WorkerFailed, match=r"ended without a result \(wait status 768\)"):  # 3 << 8
        split([0, 1], work, 2)


def test_an_exception_in_share_0_still_reaps_the_workers(tmp_path):
    parent = os.getpid()

    def work(share):
        if os.getpid() == parent:
            raise ValueError("share 0 failed")
        (tmp_path / f"pid-{os.getpid()}").write_text(str(os.getpid()))
        return list(share)

    with pytest.raises(ValueError, match="share 0 failed"):  # the parent's own exception, as it is
        split(list(range(9)), work, 3)
    pids = worker_pids(tmp_path)
    assert len(pids) == 2
    assert not any(unreaped(pid) for pid in pids)


def test_jobs_for_keeps_small_inputs_in_one_process():
    assert jobs_for(49, 2, 50) == 1  # fewer than 50 files: not worth a fork
    assert jobs_for(100, 2, 50) == 2
    assert jobs_for(100, 8, 50) == 2  # at most one process per 50 files
    assert jobs_for(10, 3, 1) == 3
    assert jobs_for(10_000, 0, 50) == workers.available_cpus()


# -- the check, split ---------------------------------------------------------------------------


@pytest.fixture
def spy(monkeypatch) -> list[int]:
    """The pids of the processes each share of the check's split ran in (share order)."""
    pids: list[int] = []
    real = workers.split

    def spying_split(items, work, jobs):
        results = real(items, lambda share: (os.getpid(), work(share)), jobs)
        pids[:] = [pid for pid, _ in results]
        return [result for _, result in results]

    monkeypatch.setattr(workers, "split", spying_split)
    return pids


# `courtside check ARGS` in this process: exit code, stdout, stderr.
def run_check(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["check", *args, "--today", TODAY.isoformat()])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """120 engagements from the benchmarks' seeded generator: valid, varied in countries and states."""
    folder = tmp_path_factory.mktemp("generated") / "projects"
    write_projects(folder, 120, seed=4)
    return folder


@pytest.fixture(scope="module")
def broken(tmp_path_factory) -> Path:
    """tests/fixtures/broken (policies with 3 problems, 20 files of every kind of mistake) plus
    two more users of share-a's share: a valid file with a date problem and a broken one."""
    folder = tmp_path_factory.mktemp("broken") / "projects"
    shutil.copytree(REPO / "tests/fixtures/broken", folder)
    too_early = (folder / "done-too-early.md").read_text(encoding="utf-8")
    (folder / "share-c.md").write_text(
        too_early.replace("share: donetooearly000000001", "share: sharedtwicesharedtwice"), encoding="utf-8"
    )
    missing = (folder / "missing-fields.md").read_text(encoding="utf-8")
    (folder / "share-d.md").write_text(
        missing.replace("share: missingfields00000001", "share: sharedtwicesharedtwice"), encoding="utf-8"
    )
    return folder


def test_the_broken_folder_s_shared_shares_land_in_different_workers(broken):
    names = [path.name for path in engagement_files(broken)]
    # Sorted, share-a..share-d are files 9..12: in shares 1 0 1 0 of 2, and 0 1 2 0 of 3.
    assert [names.index(f"share-{x}.md") for x in "abcd"] == [9, 10, 11, 12]
    assert len(names) == 22


@pytest.mark.parametrize("jobs", [2, 3])
@pytest.mark.parametrize("where", ["projects", "generated", "broken"])
def test_check_folder_split_equals_check_folder_serial(where, jobs, spy, request):
    folder = REPO / "projects" if where == "projects" else request.getfixturevalue(where)
    label = str(folder)
    today = date(2026, 11, 20)
    serial = check_folder(folder, today, label, jobs=1)
    assert len(set(spy)) == 1  # one process
    parallel = check_folder(folder, today, label, jobs=jobs, at_least=1)
    assert len(set(spy)) == jobs and spy[0] == os.getpid()  # the split really happened
    assert parallel == serial
    assert serial.problems == build_board(folder, today, label=label).portfolio.problems
    if where == "broken":
        assert len(serial.problems) >= 50  # not a comparison of two empty lists
        assert len(serial.files) == 22


def test_the_second_third_and_fourth_users_of_a_share_get_the_problem_in_file_order(broken, spy):
    label = str(broken)
    checked = check_folder(broken, date(2026, 11, 20), label, jobs=2, at_least=1)
    assert len(set(spy)) == 2
    first = f"{label}/share-a.md"
    twice = [p for p in checked.problems if p.field == "share" and "already used" in p.message]
    # share: is line 4 of share-b and share-c, line 2 of share-d (missing-fields.md has no
    # client line; read from the fixtures); share-a keeps its share.
    assert [(p.file, p.line, p.message) for p in twice] == [
        (f"{label}/share-{x}.md", line, SHARE_MESSAGE.format(first=first))
        for x, line in zip("bcd", (4, 4, 2), strict=True)
    ]
    by_file = {
        name: [p for p in checked.problems if p.file == f"{label}/{name}"]
        for name in ("share-c.md", "share-d.md")
    }
    # share-c is done-too-early.md with share-a's share: valid, but with a share used twice it is
    # broken like the build makes it, so its date problem (done-too-early's line 16) is not reported.
    assert [p.field for p in by_file["share-c.md"]] == ["share"]
    # share-d is missing-fields.md with share-a's share: its 5 problems and the share's, in
    # line order (client, project and share all on line 2, then by field name).
    assert [(p.line, p.field) for p in by_file["share-d.md"]] == [
        (2, "client"), (2, "project"), (2, "share"), (3, "contacts.client"), (6, "stages[0].owner"),
        (8, "stages[1].days"),
    ]  # fmt: skip
    # done-too-early.md itself (its own share) keeps its date problem.
    assert any(
        p.file == f"{label}/done-too-early.md" and p.field == "stages[1].done" for p in checked.problems
    )


@pytest.mark.parametrize("where", ["projects", "generated", "broken"])
def test_courtside_check_jobs_2_prints_what_jobs_1_prints(where, spy, capsys, monkeypatch, request):
    folder = REPO / "projects" if where == "projects" else request.getfixturevalue(where)
    if where != "generated":  # 120 files are enough for 2 processes of 50; fewer need a push
        monkeypatch.setattr(cli, "CHECK_AT_LEAST", 1)
    serial = run_check(capsys, str(folder), "--jobs", "1")
    assert len(set(spy)) == 1
    parallel = run_check(capsys, str(folder), "--jobs", "2")
    assert len(set(spy)) == 2
    assert parallel == serial
    code, out, err = serial
    if where == "broken":
        # 53 problems of the fixtures (tests/test_cli.py), plus the share of share-c and the 5
        # of share-d and its share; share-c's date problem is not reported.
        assert (code, len(out.splitlines())) == (1, 53 + 1 + 6)
        assert err == "courtside: 60 problems in 21 files (22 engagements checked)\n"
    else:
        count = 12 if where == "projects" else 120
        assert (code, out, err) == (0, "", f"courtside: {count} engagements checked, no problems\n")


def test_courtside_check_of_some_files_split_equals_serial(broken, capsys, monkeypatch, spy):
    # Named files: only their problems (and the policies'), from a folder checked in 3 processes.
    monkeypatch.setattr(cli, "CHECK_AT_LEAST", 1)
    files = [str(broken / name) for name in ("share-b.md", "share-d.md", "sums.md")]
    serial = run_check(capsys, *files, "--jobs", "1")
    parallel = run_check(capsys, *files, "--jobs", "3")
    assert len(set(spy)) == 3
    assert parallel == serial
    # 3 policies problems, share-b's share, share-d's 6, sums' 1 (listed in the fixtures' output).
    assert serial[0] == 1 and len(serial[1].splitlines()) == 11


def test_jobs_must_be_a_whole_number_of_0_or_more(capsys):
    for bad in ("-1", "two", "1.5"):
        code, out, err = run_check(capsys, str(REPO / "projects"), "--jobs", bad)
        assert (code, out) == (2, "")
        assert f"argument --jobs: expected a whole number of processes, 0 or more, got '{bad}'" in err
    assert run_check(capsys, str(REPO / "projects"), "--jobs", "0")[0] == 0


def test_a_worker_that_raises_is_a_clear_error(broken, monkeypatch):
    parent = os.getpid()
    real = cli.check_files

    def failing(setting, paths, today):
        if os.getpid() != parent:
            raise RuntimeError("worker bug")
        return real(setting, paths, today)

    monkeypatch.setattr(cli, "check_files", failing)
    with pytest.raises(WorkerFailed, match=r"(?s)failed:\nTraceback.*RuntimeError: worker bug"):
        check_folder(broken, date(2026, 11, 20), str(broken), jobs=2, at_least=1)


# A script that breaks the check's workers and runs `courtside check --jobs 2`.
FAILING_WORKERS = textwrap.dedent(
    """\
    import os, sys
    from courtside import cli
    parent, real = os.getpid(), cli.check_files
    def failing(setting, paths, today):
        if os.getpid() != parent:
            raise RuntimeError("worker bug")
        return real(setting, paths, today)
    cli.check_files = failing
    cli.CHECK_AT_LEAST = 1
    sys.exit(cli.main(["check", sys.argv[1], "--jobs", "2", "--today", "2026-11-20"]))
    """
)


def test_courtside_check_with_a_failing_worker_ends_with_one_message_not_a_hang(broken):
    out = subprocess.run(
        [sys.executable, "-c", FAILING_WORKERS, str(broken)], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 1
    assert out.stdout == ""  # no problems printed from half a check
    first = out.stderr.splitlines()[0]
    assert first.startswith(
        f"courtside check: checking {broken} in 2 processes failed ('courtside check --jobs 1' checks in one); "
        "worker process "
    )
    assert first.endswith(" failed:")
    assert out.stderr.rstrip().endswith("RuntimeError: worker bug")


# -- start-up: the holidays package's countries, one by one ---------------------------------------

ONE_COUNTRY = textwrap.dedent(
    """\
    import sys
    from datetime import date
    from courtside.core.workcal import calendar_for
    spain = calendar_for(country="ES")
    print(spain.add(date(2026, 12, 4), 3))
    print(sorted(m for m in sys.modules if m.startswith("holidays.countries.")))
    from holidays.countries import France, UnitedStates  # the package's own names still there
    print(France.__module__, UnitedStates.__module__, len([m for m in sys.modules if m.startswith("holidays.countries.")]))
    """
)


def test_a_calendar_imports_only_its_own_country_of_the_holidays_package():
    out = subprocess.run([sys.executable, "-c", ONE_COUNTRY], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    added, modules, names = out.stdout.splitlines()
    # 3 working days after Friday 2026-12-04 in Spain: Monday 7th, Wednesday 9th, Thursday 10th
    # (Tuesday 8th is the Immaculate Conception, a national holiday; checked on a calendar).
    assert added == "2026-12-10"
    assert modules == "['holidays.countries.spain']"  # not the 250 the package's __init__ imports
    # Asking the package for a name runs its real __init__: every country, as before.
    module_names, count = names.rsplit(" ", 1)
    assert module_names == "holidays.countries.france holidays.countries.united_states"
    assert int(count) >= 200
