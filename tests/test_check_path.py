"""`courtside check` computes less than the build but must report exactly what it reports.

The check path (`cli.check_folder`: load, validate, then only the promise chain through
`schedule.date_problems`) against `build_board(...).portfolio.problems`, on the broken
fixtures, the command's fixtures, the examples, engagements whose dates run past the
supported range (2100-12-31), and random engagements from the property tests.
"""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from courtside.cli import check_folder
from courtside.core.board import build_board
from courtside.core.load import calendar_of, load_portfolio
from courtside.core.schedule import chain, could_open_problems, date_problems, durations, schedule, start_date
from courtside.core.workcal import OutOfRange
from hypothesis import given
from test_properties import SETTINGS, engagements

REPO = Path(__file__).resolve().parents[1]
TODAY = date(2026, 11, 20)


# Both paths on one folder, with the same label (the one `courtside check` uses).
def both(folder: Path, today: date = TODAY) -> tuple[list, list]:
    label = str(folder)
    return check_folder(folder, today, label).problems, build_board(folder, today, label=label).portfolio.problems


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
    checked, built = both(far_future)
    assert checked == built
    found = {Path(p.file).name: p.message for p in checked}
    assert sorted(found) == ["baseline.md", "late.md"]
    assert found["baseline.md"].endswith(
        "119 working days after 2100-12-07 would fall outside the supported range 2000-01-01..2100-12-31"
    )
    assert "47 working days after 2100-12-02" in found["late.md"]  # 48 days from the 2nd: 47 after it


def test_the_baseline_is_what_does_not_fit_not_the_promise_chain(far_future):
    # Guards the test above: only the baseline probe in date_problems can catch this one.
    loaded = next(e for e in load_portfolio(far_future).engagements if e.id == "baseline")
    terms, cal = loaded.terms, loaded.calendar
    promised = [durations(terms, stage)[0] for stage in terms.stages]
    chain(terms, cal, start_date(terms, cal), promised, TODAY)  # fits: no OutOfRange
    with pytest.raises(OutOfRange):
        date_problems(terms, cal, TODAY)


@pytest.mark.parametrize("today", [date(2101, 1, 3), date(1999, 12, 31)])
def test_a_today_outside_the_supported_range_is_the_same_problems(far_future, today):
    # `schedule` counts the ball's waiting days up to `today`, which then does not fit.
    checked, built = both(far_future, today)
    assert checked == built
    assert {Path(p.file).name for p in checked} == {"baseline.md", "late.md", "fine.md"}


@SETTINGS
@given(engagements())
def test_date_problems_equal_the_schedules_could_open_problems(case):
    # Random stages, recorded dates, gates, restarts and calendars (see test_properties).
    terms, today = case
    cal = calendar_of(terms)
    try:
        expected = could_open_problems(terms, schedule(terms, cal, today))
    except OutOfRange as exc:
        with pytest.raises(OutOfRange, match=re.escape(str(exc))):
            date_problems(terms, cal, today)
    else:
        assert date_problems(terms, cal, today) == expected


def test_the_currency_codes_are_babels():
    # model.CURRENCIES is Babel's list written out (so that `check` need not load Babel);
    # the page and money code format with Babel, so the two must not drift apart.
    from babel.numbers import list_currencies
    from courtside.core.model import CURRENCIES

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
