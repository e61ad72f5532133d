"""The pipeline (core/pipeline.py): text in, values or problems out, from any source, any day.

- `evaluate` runs on a file's text alone (no folder), and a folder gives the same results;
- `courtside check` stops after the promise chain, yet reports exactly what a full
  evaluation reports (so a file that passes check builds), also for dates past 2100;
- the merge step: a share belongs to the first file that uses it, in file order;
- work shared between processes (`parallel.map_chunks`) gives what one process gives;
- `check` imports neither Babel nor (without a country) the holidays package.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest
from courtside import parallel
from courtside.cli import check as check_command
from courtside.cli import main
from courtside.cli.check import check_folder
from courtside.core.pipeline import Broken, Source, combine, evaluate, read_policies, unique_shares
from courtside.core.schedule import chain, could_open_problems, date_problems, durations, schedule, start_date
from courtside.core.snapshot import Snapshot
from courtside.core.validate import Origin, calendar_of
from courtside.core.workcal import OutOfRange
from courtside.core.yamlfile import Located
from courtside.publish.board_json import board_json
from courtside.sources.folder import evaluate_folder, read_folder
from hypothesis import given
from test_properties import SETTINGS, engagements

REPO = Path(__file__).resolve().parents[1]
TODAY = date(2026, 11, 20)
sys.path.insert(0, str(REPO))  # `benchmarks` is a top-level folder of the repository, not installed

from benchmarks.generate import write_projects  # noqa: E402

SHARE_MESSAGE = "this share is already used by {first}; expected a share of its own (run `courtside rotate` for a new one)"


# Both ways of finding problems on one folder, with the same label: check, and a full evaluation.
def both(folder: Path, today: date = TODAY) -> tuple[list, list]:
    label = str(folder)
    return check_folder(folder, today, label)[0], evaluate_folder(folder, today, label=label).problems


# -- Text in, from any source ----------------------------------------------------------------------


def test_the_pipeline_runs_on_text_alone_and_a_folder_gives_the_same():
    policies_text = (REPO / "projects/_policies.yml").read_text(encoding="utf-8")
    policies = read_policies(Source.of("projects/_policies.yml", policies_text))
    results = [
        evaluate(Source.of(f"projects/{path.name}", path.read_text(encoding="utf-8")), policies, TODAY)
        for path in sorted((REPO / "projects").glob("*.md"))
    ]
    from_text = combine(results, policies, TODAY)
    from_folder = evaluate_folder(REPO / "projects", TODAY)
    assert len(from_text.snapshots) == 12 and not from_text.problems
    assert board_json(from_text) == board_json(from_folder)


def test_any_today_and_any_version_of_a_file():
    policies = read_policies(None)  # no policies file: the built-in defaults
    text = """\
---
client: Ada Lane
project: Shop
signed: 2026-03-02
contacts: {client: {name: Ada, email: ada@client.example}}
stages:
  - {name: Build, owner: us, days: 10}
---
"""
    early = evaluate(Source.of("p/shop.md", text), policies, date(2026, 3, 2))
    late = evaluate(Source.of("p/shop.md", text), policies, date(2026, 4, 1))
    assert isinstance(early, Snapshot) and isinstance(late, Snapshot)
    # 20% buffer: 12 working days from Tuesday 3 March (the day after signing): due Wednesday 18 March.
    assert early.schedule.stages[0].promise.due == date(2026, 3, 18)
    assert (early.schedule.state, late.schedule.stages[0].state) == ("scheduled", "late")  # starts the 3rd
    # 1 April is 10 working days after 18 March (19, 20, 23-27, 30, 31, 1).
    assert late.schedule.stages[0].late_by == 10
    broken = evaluate(Source.of("p/shop.md", text.replace("days: 10", "days: ten")), policies, TODAY)
    assert isinstance(broken, Broken)
    assert [str(p) for p in broken.problems] == ["p/shop.md:7: stages[0].days: expected a whole number, got 'ten'"]


def test_bytes_that_are_not_utf8_are_a_problem_on_their_line():
    result = evaluate(Source("p/x.md", b"---\nclient: Caf\xe9\n---\n"), read_policies(None), TODAY)
    assert isinstance(result, Broken)
    assert [str(p) for p in result.problems] == [
        "p/x.md:2: not UTF-8 text (byte 0xE9 cannot be read); expected the file saved as UTF-8"
    ]


# -- check finds what a full evaluation finds ------------------------------------------------------


@pytest.mark.parametrize("name", ["tests/fixtures/broken", "tests/fixtures/cli-broken", "projects"])
def test_check_reports_what_the_build_reports(name):
    checked, built = both(REPO / name)
    assert checked == built
    if name == "projects":
        assert built == []  # the examples are clean
    else:
        assert len(built) >= 8  # many problems in many files: the comparison is not of two empty lists


def test_a_done_before_its_stage_could_open_is_found_from_the_promise_chain():
    # broken/done-too-early.md: Materials (client, 5 days) opens 2026-09-02, the working day
    # after signing on 2026-09-01, is due 09-08 and done 09-09, so Design opens 09-10 (by hand,
    # with the fixture's calendar); its `done: 2026-09-04` is before that.
    checked, _ = both(REPO / "tests/fixtures/broken")
    early = [p for p in checked if p.file.endswith("done-too-early.md")]
    assert [(p.line, p.field) for p in early] == [(16, "stages[1].done")]
    assert "done 2026-09-04 is before the stage could open (2026-09-10)" in early[0].message


FAR_FUTURE = {
    # Each stage started on the day: the promise chain (due mid-June 2100 for each) fits,
    # but the baseline ignores `started`: 3 x 120 promised days from 2100-01-05 (the working
    # day after signing), Stage Three opening 2100-12-07 (working day 241, counted by hand
    # Monday to Friday) and due 119 working days later, past 2100-12-31.
    "baseline.md": """\
client: Far Future
project: Baseline past 2100
signed: 2100-01-04
stages:
  - {name: One, owner: us, days: 100, started: 2100-01-04}
  - {name: Two, owner: us, days: 100, started: 2100-01-05}
  - {name: Three, owner: us, days: 100, started: 2100-01-06}
""",
    # 48 promised working days (40 + 20%) from 2100-12-02: the promise chain itself does not fit.
    "late.md": """\
client: Late Signing
project: Past the end of 2100
signed: 2100-12-01
stages:
  - {name: Build, owner: us, days: 40}
""",
    "fine.md": """\
client: Fine
project: On time
signed: 2026-11-02
stages:
  - {name: Build, owner: us, days: 10}
""",
}


@pytest.fixture
def far_future(tmp_path: Path) -> Path:
    for name, front in FAR_FUTURE.items():
        contact = "contacts:\n  client: {name: Ada Lane, email: ada@client.example}\n"
        (tmp_path / name).write_text(f"---\n{front}{contact}---\nText.\n", encoding="utf-8")
    return tmp_path


def test_dates_past_the_supported_range_are_the_same_problems(far_future):
    # Built in December 2100, when the dates recorded in 2100 have happened (format.md: a
    # recorded date after today is an error of its own).
    checked, built = both(far_future, date(2100, 12, 10))
    assert checked == built
    found = {Path(p.file).name: p.message for p in checked}
    assert sorted(found) == ["baseline.md", "late.md"]
    assert found["baseline.md"].endswith(
        "119 working days after 2100-12-07 would fall outside the supported range 2000-01-01..2100-12-31"
    )
    assert "47 working days after 2100-12-02" in found["late.md"]  # 48 days from the 2nd: 47 after it


def test_the_baseline_is_what_does_not_fit_not_the_promise_chain(far_future):
    # Guards the test above: only the baseline probe in date_problems can catch this one.
    read = read_folder(far_future)
    source = next(s for s in read.sources if s.name.endswith("baseline.md"))
    from courtside.core.validate import load_engagement

    loaded = load_engagement(source.id, source.name, source.data, read.policy_set())
    terms, cal = loaded.terms, loaded.calendar
    promised = [durations(terms, stage)[0] for stage in terms.stages]
    chain(terms, cal, start_date(terms, cal), promised, TODAY)  # fits: no OutOfRange
    with pytest.raises(OutOfRange):
        date_problems(terms, cal, TODAY, loaded.origin)


@pytest.mark.parametrize("today", [date(2101, 1, 3), date(1999, 12, 31)])
def test_a_today_outside_the_supported_range_is_the_same_problems(far_future, today):
    # `schedule` counts the ball's waiting days up to `today`, which then does not fit.
    checked, built = both(far_future, today)
    assert checked == built
    assert {Path(p.file).name for p in checked} == {"baseline.md", "late.md", "fine.md"}


@SETTINGS
@given(engagements())
def test_stopping_at_the_promise_chain_finds_the_problems_of_the_whole_schedule(case):
    # Random stages, recorded dates, gates, restarts and calendars (see test_properties).
    terms, today = case
    cal = calendar_of(terms)
    origin = Origin("projects/x.md", Located({}))
    try:
        expected = could_open_problems(terms, schedule(terms, cal, today), origin)
    except OutOfRange as exc:
        with pytest.raises(OutOfRange, match=re.escape(str(exc))):
            date_problems(terms, cal, today, origin)
    else:
        assert date_problems(terms, cal, today, origin) == expected


# -- The merge step: one share, one file -------------------------------------------------------------


@pytest.fixture(scope="module")
def broken(tmp_path_factory) -> Path:
    """tests/fixtures/broken (policies with 3 problems, 20 files of every kind of mistake) plus
    two more users of share-a's share: a valid file with a date problem and a broken one."""
    folder = tmp_path_factory.mktemp("broken") / "projects"
    shutil.copytree(REPO / "tests/fixtures/broken", folder)
    too_early = (folder / "done-too-early.md").read_text(encoding="utf-8")
    (folder / "share-c.md").write_text(
        too_early.replace("share: donetooearly6ade7jld5", "share: sharedtwicesharedtwice"), encoding="utf-8"
    )
    missing = (folder / "missing-fields.md").read_text(encoding="utf-8")
    (folder / "share-d.md").write_text(
        missing.replace("share: missingfieldsjfufe2gx", "share: sharedtwicesharedtwice"), encoding="utf-8"
    )
    return folder


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_second_third_and_fourth_users_of_a_share_get_the_problem_in_file_order(broken, jobs, monkeypatch):
    monkeypatch.setattr(check_command, "CHECK_AT_LEAST", 1)
    label = str(broken)
    problems, files = check_folder(broken, TODAY, label, jobs=jobs)
    assert len(files) == 22
    first = f"{label}/share-a.md"
    twice = [p for p in problems if p.field == "share" and "already used" in p.message]
    # share: is line 4 of share-b and share-c, line 2 of share-d (missing-fields.md has no
    # client line; read from the fixtures); share-a keeps its share.
    assert [(p.file, p.line, p.message) for p in twice] == [
        (f"{label}/share-{x}.md", line, SHARE_MESSAGE.format(first=first))
        for x, line in zip("bcd", (4, 4, 2), strict=True)
    ]
    by_file = {name: [p for p in problems if p.file == f"{label}/{name}"] for name in ("share-c.md", "share-d.md")}
    # share-c is done-too-early.md with share-a's share: both its date problem and the share's.
    assert [p.field for p in by_file["share-c.md"]] == ["share", "stages[1].done"]
    # share-d is missing-fields.md with share-a's share: its 5 problems and the share's, in
    # line order (client, project and share all on line 2, then by field name).
    assert [(p.line, p.field) for p in by_file["share-d.md"]] == [
        (2, "client"), (2, "project"), (2, "share"), (3, "contacts.client"), (6, "stages[0].owner"),
        (8, "stages[1].days"),
    ]  # fmt: skip
    # done-too-early.md itself (its own share) keeps its date problem.
    assert any(p.file == f"{label}/done-too-early.md" and p.field == "stages[1].done" for p in problems)
    assert problems == evaluate_folder(broken, TODAY, label=label).problems


def test_unique_shares_keeps_the_order_and_the_first_file():
    a = Broken("a", "p/a.md", [], "sharedi6r8ps8ir27vlqmd", share_line=3)
    b = Broken("b", "p/b.md", [], "sharedi6r8ps8ir27vlqmd", share_line=5)
    c = Broken("c", "p/c.md", [], "anothereo7wrhx05wj35oj", share_line=2)
    kept = unique_shares([a, b, c])
    assert [r.id for r in kept] == ["a", "b", "c"]
    assert kept[0] is a and kept[2] is c
    assert [str(p) for p in kept[1].problems] == [f"p/b.md:5: share: {SHARE_MESSAGE.format(first='p/a.md')}"]
    assert kept[1].share is None  # no page at the first file's address


# -- Work shared between processes --------------------------------------------------------------------


# Python code run in a new process, its stdout read as JSON: a process of its own, since this
# one may run threads (the browser tests' server), and a process with threads never forks.
def in_a_new_process(code: str) -> object:
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.splitlines()[-1])


def test_map_chunks_gives_every_item_once_in_order_from_several_processes():
    parent, flat = in_a_new_process(
        """
        import json, os, time
        from courtside.parallel import map_chunks

        def work(chunk):
            time.sleep(0.05)  # long enough that one worker cannot take every chunk before the other starts
            return [(os.getpid(), x * x) for x in chunk]

        results = map_chunks(work, list(range(37)), 2)
        print(json.dumps([os.getpid(), [pair for chunk in results for pair in chunk]]))
        """
    )
    assert [square for _, square in flat] == [x * x for x in range(37)]
    # Two processes: this one works too, beside one forked worker.
    assert len({pid for pid, _ in flat}) == 2 and parent in {pid for pid, _ in flat}


def test_a_worker_sends_objects_held_before_the_fork_by_reference():
    same, equal, count, processes = in_a_new_process(
        """
        import json, os, time
        from types import SimpleNamespace
        from courtside.parallel import map_chunks

        shared = {"policy": SimpleNamespace(name="held before the fork", days=["mon", "tue"])}

        def work(chunk):
            time.sleep(0.05)  # so that the worker takes some of the chunks
            return [(os.getpid(), shared["policy"], shared["policy"].days, ["made", "in", "the", "work"]) for _ in chunk]

        results = map_chunks(work, list(range(40)), 2, shared=[shared])
        rows = [row for chunk in results for row in chunk]
        print(json.dumps([
            all(policy is shared["policy"] for _, policy, _, _ in rows),
            all(days == ["mon", "tue"] for _, _, days, _ in rows),  # a list: the same values (a copy from a worker)
            len(rows), len({pid for pid, _, _, _ in rows})
        ]))
        """
    )
    assert (same, equal, count, processes) == (True, True, 40, 2)


def test_map_chunks_in_this_process_for_one_job_or_one_item():
    import os

    assert parallel.map_chunks(lambda chunk: [os.getpid(), list(chunk)], [1, 2, 3], 1) == [[os.getpid(), [1, 2, 3]]]
    assert parallel.map_chunks(lambda chunk: [os.getpid(), list(chunk)], [7], 4) == [[os.getpid(), [7]]]


def test_an_exception_in_a_worker_reaches_the_caller_with_its_message():
    caught = in_a_new_process(
        """
        import json
        from courtside.parallel import map_chunks

        def work(chunk):
            if 5 in chunk:
                raise RuntimeError("worker bug on 5")
            return list(chunk)

        try:
            map_chunks(work, list(range(20)), 2)
        except RuntimeError as exc:
            print(json.dumps(str(exc)))
        """
    )
    assert caught == "worker bug on 5"


def test_a_process_with_threads_does_the_work_itself():
    import os
    import threading

    release = threading.Event()
    waiting = threading.Thread(target=release.wait)
    waiting.start()
    try:
        assert not parallel.can_fork() and parallel.jobs_for(1000, 4, 1) == 1
        assert parallel.map_chunks(lambda chunk: {os.getpid()}, list(range(10)), 4) == [{os.getpid()}]
    finally:
        release.set()
        waiting.join()


def test_jobs_for_keeps_small_inputs_in_one_process(monkeypatch):
    monkeypatch.setattr(parallel, "can_fork", lambda: True)  # this test's arithmetic alone
    assert parallel.jobs_for(49, 2, 50) == 1  # fewer than 50 files: not worth a fork
    assert parallel.jobs_for(100, 2, 50) == 2
    assert parallel.jobs_for(100, 8, 50) == 2  # at most one process per 50 files
    assert parallel.jobs_for(10, 3, 1) == 3
    assert parallel.jobs_for(10_000, 0, 50) == parallel.available_cpus()


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """120 engagements from the benchmarks' seeded generator: valid, varied in countries and states."""
    folder = tmp_path_factory.mktemp("generated") / "projects"
    write_projects(folder, 120, seed=4)
    return folder


# `courtside check ARGS` in this process: exit code, stdout, stderr.
def run_check(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["check", *args, "--today", TODAY.isoformat()])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("where", ["projects", "generated", "broken"])
def test_courtside_check_jobs_2_prints_what_jobs_1_prints(where, request):
    folder = REPO / "projects" if where == "projects" else request.getfixturevalue(where)
    forked, serial, parallel_run = in_a_new_process(
        f"""
        import contextlib, io, json
        from courtside import parallel
        from courtside.cli import check, main
        check.CHECK_AT_LEAST = 1
        forked, real = [], parallel.map_chunks
        parallel.map_chunks = lambda work, items, jobs: forked.append(jobs) or real(work, items, jobs)
        runs = []
        for jobs in ("1", "2"):
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(["check", {str(folder)!r}, "--jobs", jobs, "--no-cache", "--today", "{TODAY}"])
            runs.append([code, out.getvalue(), err.getvalue()])
        print(json.dumps([forked, *runs]))
        """
    )
    assert forked == [1, 2]
    assert parallel_run == serial
    code, out, err = serial
    if where == "broken":
        # 53 problems of the fixtures (tests/test_cli.py), plus the share and the date of
        # share-c, and the 5 of share-d and its share.
        assert (code, len(out.splitlines())) == (1, 53 + 2 + 6)
        assert err == "courtside: 61 problems in 21 files (22 engagements checked)\n"
    else:
        count = 12 if where == "projects" else 120
        assert (code, out, err) == (0, "", f"courtside: {count} engagements checked, no problems\n")


def test_jobs_must_be_a_whole_number_of_0_or_more(capsys):
    for bad in ("-1", "two", "1.5"):
        code, out, err = run_check(capsys, str(REPO / "projects"), "--jobs", bad)
        assert (code, out) == (2, "")
        assert f"argument --jobs: expected a whole number of processes, 0 or more, got '{bad}'" in err
    assert run_check(capsys, str(REPO / "projects"), "--jobs", "0")[0] == 0


# A script that breaks the check's workers and runs `courtside check --jobs 2`.
FAILING_WORKERS = textwrap.dedent(
    """\
    import os, sys
    from courtside.cli import check, main
    from courtside.core import pipeline
    parent, real = os.getpid(), pipeline.check
    def failing(source, policies, today):
        if os.getpid() != parent:
            raise RuntimeError("worker bug")
        return real(source, policies, today)
    check.CHECK_AT_LEAST = 1
    pipeline.check = failing
    sys.exit(main(["check", sys.argv[1], "--jobs", "2", "--today", "2026-11-20", "--no-cache"]))
    """
)


def test_courtside_check_with_a_failing_worker_ends_with_one_message_not_a_hang(broken):
    out = subprocess.run(
        [sys.executable, "-c", FAILING_WORKERS, str(broken)], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 70
    assert out.stdout == ""  # no problems printed from half a check
    assert out.stderr.splitlines() == [
        "courtside: internal error (RuntimeError: worker bug); this is a bug in Courtside, not in your files: "
        "run again with COURTSIDE_DEBUG=1 for the details to report"
    ]


# -- Results kept between runs of check ------------------------------------------------------------

# `courtside check` in a new process with its own cache: exit code, stdout, stderr, and whether
# it loaded the validation model (pydantic).
CHECK_AND_MODULES = (
    "import sys; from courtside.cli import main; code = main(sys.argv[1:]); "
    "print('pydantic' in sys.modules, file=sys.stderr); sys.exit(code)"
)


def check_process(cache: Path, *args: str) -> tuple[int, str, str, bool]:
    environ = {**__import__("os").environ, "COURTSIDE_CACHE_DIR": str(cache)}
    out = subprocess.run(
        [sys.executable, "-c", CHECK_AND_MODULES, "check", *args, "--today", TODAY.isoformat()],
        capture_output=True, text=True, timeout=120, env=environ,
    )
    *err, loaded = out.stderr.splitlines()
    return out.returncode, out.stdout, "\n".join(err), loaded == "True"


def test_a_second_check_reuses_every_result_and_loads_no_model(broken, tmp_path):
    cache = tmp_path / "cache"
    first = check_process(cache, str(broken))
    second = check_process(cache, str(broken))
    assert first[:3] == second[:3] and first[0] == 1 and len(first[1].splitlines()) == 61
    assert (first[3], second[3]) == (True, False)  # the second run validated nothing
    assert len(list(cache.glob("check-*.json"))) == 1


def test_an_edited_file_new_policies_or_another_day_are_checked_again(tmp_path):
    folder = tmp_path / "projects"
    shutil.copytree(REPO / "projects", folder)
    cache = tmp_path / "cache"
    assert check_process(cache, str(folder))[:2] == (0, "")
    acme = folder / "acme-bakery.md"
    acme.write_text(acme.read_text(encoding="utf-8").replace("fee: 12000", "fee: twelve"), encoding="utf-8")
    code, out, _, loaded = check_process(cache, str(folder))
    assert (code, loaded) == (1, True)
    assert out == f"{folder}/acme-bakery.md:5: fee: expected an amount like 12000 or 99.50, got 'twelve'\n"
    assert check_process(cache, str(folder))[:2] == (1, out)  # the same, from the cache
    policies = folder / "_policies.yml"
    policies.write_text(policies.read_text(encoding="utf-8").replace("buffer: 20%", "buffer: 20"), encoding="utf-8")
    code, out, _, loaded = check_process(cache, str(folder))
    assert loaded and "_policies.yml" in out and "fee:" in out  # every file again, with the new policies
    environ_today = check_process(cache, str(folder), "--no-cache")
    assert environ_today[3] and environ_today[:2] == (code, out)


def test_a_corrupt_cache_is_ignored(tmp_path):
    cache = tmp_path / "cache"
    assert check_process(cache, str(REPO / "projects"))[0] == 0
    (path,) = cache.glob("check-*.json")
    path.write_text("{not json", encoding="utf-8")
    code, out, err, loaded = check_process(cache, str(REPO / "projects"))
    assert (code, out, loaded) == (0, "", True)
    assert err == "courtside: 12 engagements checked, no problems"


# -- What check imports ---------------------------------------------------------------------------


def test_the_currency_codes_are_babels():
    # values.CURRENCIES is Babel's list written out (so that `check` need not load Babel);
    # the page and money code format with Babel, so the two must not drift apart.
    from babel.numbers import list_currencies
    from courtside.core.values import CURRENCIES

    assert list_currencies() == CURRENCIES
    assert {"USD", "JPY", "KWD", "EUR"} <= CURRENCIES and "XYZ" not in CURRENCIES


def test_checking_calendars_without_a_country_never_imports_holidays(far_future):
    # The far-future files have no `_policies.yml`, so no country: nothing asks the
    # holidays package anything, and it is not imported (nor Babel, ever, by `check`).
    code = (
        "import sys; from courtside.cli import main; "
        f"main(['check', {str(far_future)!r}, '--today', '2026-11-20']); "
        "print(sorted({name.split('.')[0] for name in sys.modules}))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    tops = result.stdout.strip().splitlines()[-1]
    assert "'pydantic'" in tops and "'courtside'" in tops  # it did check (and found the two above)
    assert "baseline.md" in result.stdout and "late.md" in result.stdout
    assert "'holidays'" not in tops and "'babel'" not in tops


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


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_a_file_whose_yaml_cannot_be_read_keeps_its_share_and_line_whatever_its_line_ends(newline: str) -> None:
    # The share is on line 33 of a file whose YAML breaks on line 2: serve shows the problems
    # at the page's address, and two such files with one share are named at that line.
    text = "---\nclient: [\n" + "x: 1\n" * 30 + "share: k7m2q9x4w8r3t6y1p5n0\n---\nBody.\n"
    result = evaluate(Source.of("projects/broken.md", text.replace("\n", newline)), read_policies(None), date(2026, 3, 2))
    assert isinstance(result, Broken)
    assert (result.share, result.share_line) == ("k7m2q9x4w8r3t6y1p5n0", 33)
