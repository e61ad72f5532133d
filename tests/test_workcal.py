"""Tests for the working-day calendar (format.md, "The date rules").

Hand-checked cases first: each says how its dates were checked.  Weekdays were
checked with ``date.weekday()`` (and a 2026 wall calendar); holiday dates and
names with ``holidays.country_holidays(...)`` of the installed package (0.109).
Then properties over random calendars against a day-by-day reference that uses
the ``holidays`` package directly, not the module under test.
"""

from __future__ import annotations

import sys
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import holidays
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

try:  # until the package is installed (pip install -e .), import it from the tree
    import courtside  # noqa: F401
except ImportError:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plugins"))

from courtside.core import workcal  # noqa: E402
from courtside.core.workcal import (  # noqa: E402
    FIRST,
    LAST,
    WEEKDAYS,
    OutOfRange,
    WorkCalendar,
    calendar_for,
    country_supported,
    subdivision_supported,
    supported_subdivisions,
)

D = date.fromisoformat


# --- hand-checked dates -------------------------------------------------------


def test_thanksgiving_2026_in_california():
    # holidays 0.109, US/CA 2026: 11-26 "Thanksgiving Day" (Thu), 11-27 "Day After
    # Thanksgiving" (Fri, a California state holiday). Nov 25 is a Wednesday, so the
    # next working day is Monday Nov 30.
    ca = WorkCalendar(country="US", subdivision="CA")
    assert not ca.is_working(D("2026-11-26"))
    assert not ca.is_working(D("2026-11-27"))
    assert ca.is_working(D("2026-11-25"))
    assert ca.next(D("2026-11-25")) == D("2026-11-30")
    assert ca.between(D("2026-11-25"), D("2026-11-30")) == 1
    assert ca.holidays_between(D("2026-11-20"), D("2026-11-30")) == [
        (D("2026-11-26"), "Thanksgiving Day"),
        (D("2026-11-27"), "Day After Thanksgiving"),
    ]
    # Federal only: the day after Thanksgiving is an ordinary Friday.
    us = WorkCalendar(country="US")
    assert us.is_working(D("2026-11-27"))
    assert us.next(D("2026-11-25")) == D("2026-11-27")


def test_public_holiday_inside_a_span():
    # July 4 2026 is a Saturday; holidays gives "Independence Day (observed)" on
    # Fri Jul 3. From Wed Jul 1 to Wed Jul 8: Thu 2, [Fri 3 off], Mon 6, Tue 7, Wed 8.
    us = WorkCalendar(country="US")
    assert us.between(D("2026-07-01"), D("2026-07-08")) == 4
    assert us.add(D("2026-07-01"), 2) == D("2026-07-06")
    assert WorkCalendar().between(D("2026-07-01"), D("2026-07-08")) == 5


def test_closed_range_over_new_year():
    # Closed Thu 2026-12-24 .. Fri 2027-01-01 (caller expands the range to dates).
    # Fri Dec 18 -> Fri Jan 8: Mon 21, Tue 22, Wed 23, then Mon Jan 4 .. Fri Jan 8 = 8.
    # Without the closure (US): Dec 21-24 (4) + Dec 28-31 (4) + Jan 4-8 (5) = 13, as
    # Dec 25 (Fri) and Jan 1 (Fri) are public holidays.
    closed = [D("2026-12-24") + timedelta(days=i) for i in range(9)]
    assert closed[-1] == D("2027-01-01")
    cal = WorkCalendar(country="US", closed=closed)
    assert cal.between(D("2026-12-18"), D("2027-01-08")) == 8
    assert WorkCalendar(country="US").between(D("2026-12-18"), D("2027-01-08")) == 13
    assert cal.next(D("2026-12-23")) == D("2027-01-04")
    assert cal.wd(D("2026-12-28")) == D("2027-01-04")
    assert not cal.is_working(D("2026-12-29"))


def test_open_date_on_a_sunday_holiday_and_on_a_closed_day():
    # 2026-11-08 is a Sunday and, in holidays 0.109, "Diwali" in California;
    # 2026-11-26 is Thanksgiving (Thu); 2026-08-14 (Fri) is both closed and open.
    cal = WorkCalendar(
        country="US",
        subdivision="CA",
        closed=[D("2026-08-14")],
        open=[D("2026-11-08"), D("2026-11-26"), D("2026-08-14")],
    )
    assert cal.is_working(D("2026-11-08"))
    assert cal.is_working(D("2026-11-26"))
    assert cal.is_working(D("2026-08-14"))
    assert not cal.is_working(D("2026-11-07"))  # the Saturday before stays off
    # Fri Nov 6 -> Mon Nov 9: Sun 8 (open) and Mon 9.
    assert cal.add(D("2026-11-06"), 1) == D("2026-11-08")
    assert cal.between(D("2026-11-06"), D("2026-11-09")) == 2
    # Wed Nov 25 -> Mon Nov 30: Thu 26 (open), [Fri 27 holiday], Mon 30.
    assert cal.between(D("2026-11-25"), D("2026-11-30")) == 2
    # Open does not hide the holiday from the display list.
    assert (D("2026-11-08"), "Diwali") in cal.holidays_between(D("2026-11-01"), D("2026-11-30"))


def test_wd_of_a_saturday_and_of_a_working_day():
    # 2026-03-07 is a Saturday (2026-03-02, the format's `signed` example, is a Monday).
    cal = WorkCalendar(country="US")
    assert cal.wd(D("2026-03-07")) == D("2026-03-09")
    assert cal.wd(D("2026-03-08")) == D("2026-03-09")
    assert cal.wd(D("2026-03-09")) == D("2026-03-09")


def test_between_is_zero_when_b_is_not_after_a():
    cal = WorkCalendar(country="US")
    assert cal.between(D("2026-03-09"), D("2026-03-09")) == 0
    assert cal.between(D("2026-03-10"), D("2026-03-09")) == 0
    assert cal.between(D("2027-01-01"), D("2020-01-01")) == 0
    # Half-open on the left: a itself is not counted, b is.
    assert cal.between(D("2026-03-09"), D("2026-03-10")) == 1


def test_add_across_years():
    us = WorkCalendar(country="US")
    # Wed 2026-12-30: Thu 31 (1), [Fri Jan 1 holiday], Mon Jan 4 (2), Tue Jan 5 (3).
    assert us.add(D("2026-12-30"), 3) == D("2027-01-05")
    # Jan 1 2028 is a Saturday; holidays files "New Year's Day (observed)" under
    # 2027, on Fri 2027-12-31. So after Thu Dec 30 the next working day is Mon Jan 3.
    assert us.add(D("2027-12-30"), 1) == D("2028-01-03")
    assert us.holidays_between(D("2027-12-31"), D("2027-12-31")) == [
        (D("2027-12-31"), "New Year's Day (observed)")
    ]
    # 261 weekdays in 2026 (52 weeks + Thu Jan 1), minus 11 federal holidays on
    # weekdays (Jul 4 is a Saturday, observed Fri Jul 3) = 250.
    assert us.between(D("2025-12-31"), D("2026-12-31")) == 250
    assert us.add(D("2025-12-31"), 250) == D("2026-12-31")


def test_sunday_to_thursday_week_in_saudi_arabia():
    # holidays 0.109 knows SA (its `weekend` is Fri+Sat); 2026-02-22, a Sunday, is
    # "Founding Day Holiday". From Thu Feb 19: [Fri 20, Sat 21 weekend, Sun 22
    # holiday], Mon 23 is next; to Thu Feb 26 that is Mon..Thu = 4.
    sa = WorkCalendar(("sun", "mon", "tue", "wed", "thu"), country="SA")
    assert sa.workdays_per_week == 5
    assert not sa.is_working(D("2026-02-20"))
    assert not sa.is_working(D("2026-02-22"))
    assert sa.is_working(D("2026-03-01"))  # an ordinary Sunday
    assert sa.next(D("2026-02-19")) == D("2026-02-23")
    assert sa.between(D("2026-02-19"), D("2026-02-26")) == 4
    # Names default to the country's own language; ask for English explicitly.
    assert sa.holidays_between(D("2026-02-22"), D("2026-02-22"), language="en") == [
        (D("2026-02-22"), "Founding Day Holiday")
    ]


def test_workdays_per_week():
    assert WorkCalendar().workdays_per_week == 5
    assert WorkCalendar(("sat",)).workdays_per_week == 1
    assert WorkCalendar(("mon", "mon", "tue")).workdays_per_week == 2
    assert WorkCalendar(WEEKDAYS).workdays_per_week == 7
    assert WorkCalendar(()).workdays_per_week == 0
    assert WorkCalendar(("sun", "mon")).workdays == ("mon", "sun")


# --- errors and edges -----------------------------------------------------------


def test_range_limits():
    cal = WorkCalendar()
    with pytest.raises(OutOfRange, match="1999-12-31.*2000-01-01..2100-12-31"):
        cal.is_working(date(1999, 12, 31))
    with pytest.raises(OutOfRange):
        cal.between(FIRST, date(2101, 1, 1))
    with pytest.raises(OutOfRange):
        cal.next(LAST)  # Dec 31 2100 is a Friday; nothing after it in range
    with pytest.raises(OutOfRange):
        WorkCalendar(closed=[date(1990, 1, 1)])
    assert cal.next(D("2100-12-30")) == LAST
    # The whole range in one go: 2100-12-31 is a working Friday, so it is the last.
    assert cal.add(FIRST, cal.between(FIRST, LAST)) == LAST


def test_no_working_days_fails_fast_instead_of_hanging():
    with pytest.raises(OutOfRange, match="1 working day after 2026-01-01"):
        WorkCalendar((), country="US").next(D("2026-01-01"))
    # Only open dates work: they are the whole calendar.
    only = WorkCalendar((), open=[D("2026-05-05"), D("2026-05-09")])
    assert only.add(D("2026-01-01"), 2) == D("2026-05-09")
    assert only.wd(D("2026-05-06")) == D("2026-05-09")
    with pytest.raises(OutOfRange):
        only.add(D("2026-01-01"), 3)


def test_bad_arguments():
    cal = WorkCalendar()
    with pytest.raises(ValueError):
        cal.add(D("2026-01-01"), 0)
    with pytest.raises(ValueError):
        cal.add(D("2026-01-01"), -3)
    with pytest.raises(TypeError):
        cal.add(D("2026-01-01"), 1.0)
    with pytest.raises(TypeError):
        cal.is_working("2026-01-01")
    from datetime import datetime

    with pytest.raises(TypeError):
        cal.is_working(datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="weekday 'monday'"):
        WorkCalendar(("monday",))
    with pytest.raises(TypeError):
        WorkCalendar("mon")
    with pytest.raises(ValueError, match="country 'XX'"):
        WorkCalendar(country="XX")
    with pytest.raises(ValueError, match="subdivision 'ZZ'"):
        WorkCalendar(country="US", subdivision="ZZ")
    with pytest.raises(ValueError, match="without a country"):
        WorkCalendar(subdivision="CA")


def test_support_helpers():
    assert country_supported("US") and country_supported("AE") and country_supported("NO")
    assert not country_supported("XX")
    assert not country_supported("us")  # the package is case-sensitive
    assert subdivision_supported("US", "CA")
    assert subdivision_supported("US", "California")  # the package's alias
    assert not subdivision_supported("US", "ZZ")
    assert not subdivision_supported("XX", "CA")
    assert "CA" in supported_subdivisions("US")
    assert supported_subdivisions("XX") == []


def test_holiday_names_do_not_depend_on_the_environment(monkeypatch):
    # With language=None the package would read LANGUAGE/LC_ALL/LANG; we never let it.
    monkeypatch.setenv("LANGUAGE", "ru")
    workcal._year_holidays.cache_clear()
    es = WorkCalendar(country="ES")
    assert es.holidays_between(D("2026-01-01"), D("2026-01-01")) == [(D("2026-01-01"), "Año Nuevo")]
    assert es.holidays_between(D("2026-01-01"), D("2026-01-01"), language="en") == [
        (D("2026-01-01"), "New Year's Day")
    ]
    assert WorkCalendar(country="RU").holidays_between(D("2026-01-01"), D("2026-01-01"), language="ru") == [
        (D("2026-01-01"), "Новогодние каникулы")
    ]


def test_calendar_for_shares_instances():
    a = calendar_for(("mon", "tue"), "US", None, (D("2026-01-02"), D("2026-01-05")), ())
    b = calendar_for(["tue", "mon", "mon"], "US", None, [D("2026-01-05"), D("2026-01-02")], [])
    assert a is b
    assert calendar_for() is not a


# --- no day-by-day loops, and holidays fetched lazily, once ----------------------


def test_counting_never_walks_day_by_day(monkeypatch):
    cal = WorkCalendar(country="US", subdivision="CA", closed=[D("2030-06-03")])
    calls = []
    monkeypatch.setattr(WorkCalendar, "is_working", lambda self, d: calls.append(d) or pytest.fail("per-day"))
    assert cal.between(D("2001-01-01"), D("2051-01-01")) > 12_000
    assert cal.add(D("2001-01-01"), 10_000) > D("2040-01-01")
    assert calls == []


def test_holidays_are_fetched_per_year_once_and_shared(monkeypatch):
    fetched = []
    real = holidays.country_holidays

    def counting(country, *args, **kwargs):
        if kwargs.get("years") is not None:
            fetched.append((country, kwargs.get("subdiv"), kwargs["years"]))
        return real(country, *args, **kwargs)

    monkeypatch.setattr(holidays, "country_holidays", counting)
    workcal._year_holidays.cache_clear()
    first = WorkCalendar(country="DE", subdivision="BY")
    first.between(D("2026-03-01"), D("2027-02-01"))
    assert fetched == [("DE", "BY", 2026), ("DE", "BY", 2027)]
    # Another calendar with the same country shares the module-level cache...
    WorkCalendar(("mon",), country="DE", subdivision="BY").between(D("2026-05-01"), D("2027-05-01"))
    first.is_working(D("2026-12-25"))
    assert len(fetched) == 2
    # ...and only the years a question touches are fetched.
    first.add(D("2027-12-01"), 30)
    assert fetched[2:] == [("DE", "BY", 2028)]


# --- properties against a day-by-day reference ------------------------------------

COUNTRIES = [None, "US", "ES", "RU", "AE", "GB", "DE", "SA", ("US", "CA")]


@cache
def _reference_holidays(country: str | None, subdivision: str | None) -> holidays.HolidayBase:
    """All holidays of 2018..2045 straight from the package, in one object."""
    return holidays.country_holidays(country, subdiv=subdivision, years=range(2018, 2046), language="en_US")


class Reference:
    """The date rules read literally, one day at a time (fine in tests only)."""

    def __init__(self, workdays, country, subdivision, closed, open_):
        self.days = {WEEKDAYS.index(w) for w in workdays}
        self.hol = _reference_holidays(country, subdivision) if country else {}
        self.closed, self.open = set(closed), set(open_)

    def is_working(self, d):
        if d in self.open:
            return True
        return d.weekday() in self.days and d not in self.closed and d not in self.hol

    def between(self, a, b):
        return sum(self.is_working(a + timedelta(days=i)) for i in range(1, (b - a).days + 1))

    def add(self, d, n):
        while n:
            d += timedelta(days=1)
            n -= self.is_working(d)
        return d


dates = st.dates(date(2020, 1, 1), date(2030, 12, 31))
near = st.dates(date(2023, 1, 1), date(2028, 12, 31))  # where the exceptions cluster


@st.composite
def calendars(draw):
    workdays = draw(st.sets(st.sampled_from(WEEKDAYS), min_size=1))
    place = draw(st.sampled_from(COUNTRIES))
    country, subdivision = place if isinstance(place, tuple) else (place, None)
    closed = set(draw(st.lists(near, max_size=20)))
    for start, length in draw(st.lists(st.tuples(near, st.integers(1, 40)), max_size=3)):
        closed.update(start + timedelta(days=i) for i in range(length))
    open_ = set(draw(st.lists(near, max_size=20)))
    args = (tuple(sorted(workdays)), country, subdivision, tuple(sorted(closed)), tuple(sorted(open_)))
    return WorkCalendar(*args), Reference(*args)


PROPS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPS
@given(calendars(), dates, st.integers(1, 400))
def test_add_then_between_round_trips(cals, a, n):
    cal, ref = cals
    x = cal.add(a, n)
    assert x > a
    assert cal.is_working(x)
    assert cal.between(a, x) == n
    assert x == ref.add(a, n)


@PROPS
@given(calendars(), dates, dates)
def test_between_matches_a_day_by_day_count(cals, a, b):
    cal, ref = cals
    assert cal.between(a, b) == ref.between(a, b)
    if b <= a:
        assert cal.between(a, b) == 0


@PROPS
@given(calendars(), dates)
def test_is_working_wd_and_next(cals, d):
    cal, ref = cals
    assert cal.is_working(d) == ref.is_working(d)
    w = cal.wd(d)
    assert w >= d and cal.is_working(w)
    assert (w == d) == cal.is_working(d)
    assert cal.between(d, w) == (0 if w == d else 1)
    nx = cal.next(d)
    assert nx > d and cal.is_working(nx)
    assert cal.between(d, nx) == 1
    assert cal.between(d, nx - timedelta(days=1)) == 0


@PROPS
@given(calendars(), dates, dates, dates)
def test_between_is_additive(cals, a, b, c):
    cal, _ = cals
    a, b, c = sorted((a, b, c))
    assert cal.between(a, c) == cal.between(a, b) + cal.between(b, c)


@PROPS
@given(calendars(), st.lists(st.tuples(dates, dates), min_size=2, max_size=5))
def test_answers_do_not_depend_on_the_order_of_questions(cals, spans):
    # Holidays are merged into a calendar lazily as questions reach new years, in
    # whatever order they come (later years first, say); every answer must still be right.
    cal, ref = cals
    for a, b in spans:
        assert cal.between(a, b) == ref.between(a, b)


def test_an_earlier_year_asked_after_a_later_one():
    # Thanksgiving week 2026 (see above) asked after a question about 2030 only.
    ca = WorkCalendar(country="US", subdivision="CA")
    assert ca.between(D("2030-03-01"), D("2030-03-08")) == 5  # Fri..Fri, no holiday
    assert ca.between(D("2026-11-25"), D("2026-11-30")) == 1
    assert ca.add(D("2026-11-25"), 1) == D("2026-11-30")
