"""Working days: which dates count, and arithmetic over them.

Every date Courtside promises (stage due dates, lateness, waiting time, drift) is
counted in working days of one calendar, so this module is the single place that
decides what a working day is (see "The date rules" in the format):

* a weekday listed in ``workdays``,
* that is not a public holiday of ``country``/``subdivision`` as the ``holidays``
  package gives it,
* and is not in ``closed``;
* a date in ``open`` is always a working day, whatever else is true of it.

Why it is built the way it is:

* A build computes thousands of dates over the same few calendars, and a
  careless ``add`` or ``between`` would walk day by day over years.  Here a
  calendar counts working days in O(log n): plain weekday arithmetic for whole
  weeks, corrected by two sorted lists of exceptions (workday-weekdays that are
  *not* working, and other days that *are*), counted with ``bisect``.
  ``add`` gallops forward to bracket its answer and then bisects, so it never
  loops per day either, and it always stops (at ``LAST`` at the latest).
* Generating 100 years of holidays up front is wasted work; holidays are fetched
  one year at a time, only for the years a question touches, and cached at
  module level per (country, subdivision, year, language) so every calendar in
  the process shares them.
* What the package answers (its country codes, a country's languages, whether it
  knows a subdivision, a year's holidays) can be kept between runs (``answers.py``;
  ``courtside/kept_answers.py`` keeps them in the cache folder): a process whose
  answers are all there never imports the package.
* Holiday names are always requested in an explicit language: left to itself the
  ``holidays`` package picks the language from the environment (``LANG`` and
  friends), and the same site must build the same way on every machine.

Nothing here reads files or the clock itself; ``today`` is the caller's business.
(The ``holidays`` package does read its own bundled translation files.)
"""

from __future__ import annotations

import importlib.util
import sys
import threading
import warnings
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from functools import cache, lru_cache
from types import MappingProxyType, ModuleType
from typing import Any

from .answers import answer

__all__ = [
    "FIRST",
    "LAST",
    "WEEKDAYS",
    "OutOfRange",
    "WorkCalendar",
    "calendar_for",
    "country_supported",
    "subdivision_supported",
    "supported_subdivisions",
]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Weekday names as written in ``calendar.workdays``, in ``date.weekday()`` order."""

FIRST = date(2000, 1, 1)
LAST = date(2100, 12, 31)
"""The supported range: wide enough for any engagement, narrow enough that a
runaway computation (say, a calendar with no working days) stops quickly."""

_FIRST_ORD = FIRST.toordinal()
_LAST_ORD = LAST.toordinal()
DEFAULT_WORKDAYS = ("mon", "tue", "wed", "thu", "fri")


class OutOfRange(ValueError):
    """A computed or given date falls outside FIRST..LAST."""


def _ord(d: object, what: str = "date") -> int:
    """The ordinal of a plain date in range; refuses anything else, loudly.

    ``datetime`` is refused too: it is a subclass of ``date`` but compares
    unequal to every date, which would silently break every lookup below.
    """
    if not isinstance(d, date) or isinstance(d, datetime):
        raise TypeError(f"{what} must be a date, not {type(d).__name__}: {d!r}")
    o = d.toordinal()
    if not _FIRST_ORD <= o <= _LAST_ORD:
        raise OutOfRange(
            f"{what} {d.isoformat()} is outside the supported range {FIRST.isoformat()}..{LAST.isoformat()}"
        )
    return o


# --- The holidays package, wrapped -------------------------------------------


@cache
def _package() -> ModuleType:
    """The ``holidays`` package, imported on first use (0.03 s): a process whose
    calendars have no country never pays for it; nor for the countries it does not use."""
    import holidays

    _countries_one_by_one(holidays)
    return holidays


def _countries_one_by_one(holidays: ModuleType) -> None:
    """Let the package import only the country modules asked for.

    ``holidays.countries/__init__.py`` imports all 250 country modules (0.07 to 0.17 s,
    the largest part of ``courtside check``'s start-up), although the package's own
    loaders import each country from its module (``holidays.countries.united_states``).
    In its place goes the same package, not run yet: the same path, so each country
    module imports as usual, and the same names, read from the real ``__init__`` the
    first time anyone asks for one (``from holidays.countries import Spain``).
    """
    if "holidays.countries" in sys.modules:
        return
    spec = importlib.util.find_spec("holidays.countries")
    if spec is None or spec.loader is None:
        return
    package = importlib.util.module_from_spec(spec)
    lock = threading.Lock()

    def everything(name: str) -> object:
        # A name the package's __init__ gives (a class, a code): run it, once, then answer.
        if name.startswith("__") and name != "__all__":
            raise AttributeError(name)
        with lock:
            if package.__dict__.pop("__getattr__", None) is not None:
                spec.loader.exec_module(package)
        return getattr(package, name)

    package.__getattr__ = everything  # type: ignore[attr-defined]
    sys.modules["holidays.countries"] = package
    holidays.countries = package  # type: ignore[attr-defined]


@lru_cache(maxsize=1)
def _country_codes() -> frozenset[str]:
    """Every country code the package knows, aliases such as ``USA`` included.

    Read from the package's registry, the list ``list_supported_countries`` walks,
    without importing a country module (that function imports all 250 to list
    their subdivisions, 0.1 s). The first holidays of any country still import
    them all: the package's ``holidays.countries`` imports every country.
    """

    def ask() -> list[str]:
        from holidays.registry import EntityLoader

        return sorted(EntityLoader.get_country_codes(include_aliases=True))

    return frozenset(answer("countries", "", ask))


def country_supported(code: str) -> bool:
    """Whether the ``holidays`` package knows this country code (exact case: ``US``)."""
    return isinstance(code, str) and code in _country_codes()


@cache
def _subdivisions(country: str) -> tuple[str, ...]:
    """The subdivision codes of a known country, as ``list_supported_countries`` gives them."""
    return tuple(getattr(_package(), country).subdivisions)


def supported_subdivisions(country: str) -> list[str]:
    """The subdivision codes of a country, for "did you mean" messages; [] if unknown."""
    if not country_supported(country):
        return []
    return list(_subdivisions(country))


@cache
def subdivision_supported(country: str, subdivision: str) -> bool:
    """Whether ``holidays`` accepts this subdivision for this country.

    Asks the package itself rather than the code list, so that the aliases it
    accepts (``California``, ``England``) are accepted here too.
    """
    if not country_supported(country) or not isinstance(subdivision, str):
        return False

    def ask() -> bool:
        try:
            _package().country_holidays(country, subdiv=subdivision)
        except NotImplementedError:
            return False
        return True

    return bool(answer("subdivision", repr((country, subdivision)), ask))


@cache
def _languages(country: str) -> tuple[str, tuple[str, ...]]:
    """The package's default language for a country, and all it supports."""

    def ask() -> list[Any]:
        entity = _package().country_holidays(country)
        default = entity.default_language or "en_US"
        return [default, list(entity.supported_languages or (default,))]

    default, supported = answer("languages", country, ask)
    return default, tuple(supported)


def _resolve_language(country: str, language: str | None) -> str:
    """Map a site language (``en``, ``es``, ``ru``, ``ar`` or a locale) to one the
    package supports for this country; fall back to the country's own language.

    Never returns something unsupported: the package would then silently take
    the language from the environment, and builds would differ by machine.
    """
    default, supported = _languages(country)
    if not language:
        return default
    if language in supported:
        return language
    prefix = language.split("_")[0].split("-")[0].lower()
    if default.split("_")[0] == prefix:
        return default
    candidates = sorted(s for s in supported if s.split("_")[0] == prefix)
    if f"{prefix}_US" in candidates:  # the package's usual English
        return f"{prefix}_US"
    return candidates[0] if candidates else default


@cache
def _year_holidays(country: str, subdivision: str | None, year: int, language: str) -> Mapping[date, str]:
    """Public holidays of one year, date -> name, shared by every calendar.

    One year at a time because a calendar rarely needs more than two or three,
    and the cache key includes the language only because the names do; the
    dates never depend on it.  Dates the package might put outside ``year``
    are dropped so that each date is owned by exactly one cache entry.  (The
    package already files an observed holiday under the year it is observed
    in, e.g. New Year's Day 2028 observed on 2027-12-31 comes with 2027.)

    The package warns when a year is outside what it knows for a country (India
    before 2001, say); the answer is then simply "no holidays", which is all a
    build can do about it, so the warning is silenced rather than shown to users.
    """

    def ask() -> list[list[str]]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            found = _package().country_holidays(country, subdiv=subdivision, years=year, language=language)
        return [[d.isoformat(), name] for d, name in sorted(found.items()) if d.year == year]

    key = repr((country, subdivision, year, language))
    return MappingProxyType({date.fromisoformat(day): name for day, name in answer("year", key, ask)})


# --- The calendar -------------------------------------------------------------


class WorkCalendar:
    """One set of working-day rules, answering date questions in O(log n).

    Counting works on ordinals.  ``_cum[r]`` is how many of the first ``r``
    weekdays (Monday first) are workdays, so the number of workday-weekdays in
    ``[1, o]`` (ordinal 1 is a Monday) is ``full_weeks * per_week + _cum[rest]``.
    Two sorted lists correct that count:

    * ``_minus``: ordinals on a workday-weekday that are not working (closed or
      a holiday, and not open);
    * ``_plus``: ordinals on another weekday that are working (open).

    ``_plus`` and the closed part of ``_minus`` are known at construction.
    Holidays are merged into ``_minus`` lazily, for a contiguous span of years
    (``_span``) that grows as questions need it; between two dates the count is
    right as soon as every year they touch is in the span.  The lists are
    replaced, never mutated, so a reader holding one sees a consistent snapshot.

    Instances are cheap to query but not free to build; use :func:`calendar_for`
    to share one per distinct set of arguments.
    """

    def __init__(
        self,
        workdays: Iterable[str] = DEFAULT_WORKDAYS,
        country: str | None = None,
        subdivision: str | None = None,
        closed: Iterable[date] = (),
        open: Iterable[date] = (),  # noqa: A002 - the policy key is called `open`
    ) -> None:
        if isinstance(workdays, str):
            raise TypeError(f"workdays must be a list of weekday names, not the string {workdays!r}")
        days: set[int] = set()
        for name in workdays:
            if name not in WEEKDAYS:
                raise ValueError(f"unknown weekday {name!r} in workdays; use {', '.join(WEEKDAYS)}")
            days.add(WEEKDAYS.index(name))
        if subdivision is not None and country is None:
            raise ValueError(f"subdivision {subdivision!r} given without a country")
        if country is not None and not country_supported(country):
            raise ValueError(f"the holidays package does not know the country {country!r}")
        if subdivision is not None and not subdivision_supported(country, subdivision):
            known = ", ".join(supported_subdivisions(country)) or "none"
            raise ValueError(
                f"the holidays package does not know the subdivision {subdivision!r} "
                f"of {country}; known: {known}"
            )

        self._days = frozenset(days)
        self._mask = tuple(i in days for i in range(7))
        cum = [0]
        for i in range(7):
            cum.append(cum[-1] + self._mask[i])
        self._cum = tuple(cum)
        self._per_week = len(days)
        # _reach[k]: the fewest weekdays from a Monday that hold k workdays (k <= per week).
        self._reach = tuple(next(r for r in range(1, 8) if cum[r] >= k) for k in range(len(days) + 1))
        self._country = country
        self._subdivision = subdivision
        self._language = _resolve_language(country, None) if country else ""

        self._open = frozenset(_ord(d, "open date") for d in open)
        self._closed = frozenset(_ord(d, "closed date") for d in closed)
        self._plus = sorted(o for o in self._open if not self._is_workday(o))
        self._minus = sorted(o for o in self._closed if self._is_workday(o) and o not in self._open)
        # Holidays only ever remove workday-weekdays, so with none (or with no
        # country) there is nothing to fetch, ever.
        self._needs_holidays = bool(country) and self._per_week > 0
        self._span: tuple[int, int] | None = None

    # -- helpers ---------------------------------------------------------------

    def _is_workday(self, o: int) -> bool:
        """Whether ordinal ``o`` falls on a weekday listed in workdays."""
        return self._mask[(o - 1) % 7]

    def _weekday_count(self, o: int) -> int:
        """Workday-weekdays in ordinals ``[1, o]``: whole weeks, then the rest."""
        weeks, rest = divmod(o, 7)
        return weeks * self._per_week + self._cum[rest]

    def _load(self, first_year: int, last_year: int) -> list[int]:
        """Make sure holidays of ``first_year..last_year`` are in ``_minus``; return it.

        The span is kept contiguous so that one range check answers "is
        everything between these two dates loaded?"; gaps a question jumps over
        get loaded too, which costs little (a year is about a millisecond, once
        per process).
        """
        span = self._span
        if not self._needs_holidays or (span is not None and span[0] <= first_year and last_year <= span[1]):
            return self._minus
        lo, hi = (first_year, last_year) if span is None else (span[0], span[1])
        lo, hi = min(lo, first_year), max(hi, last_year)
        new: list[int] = []
        for year in range(lo, hi + 1):
            if span is not None and span[0] <= year <= span[1]:
                continue
            for d in _year_holidays(self._country, self._subdivision, year, self._language):
                o = d.toordinal()
                if self._is_workday(o) and o not in self._open and o not in self._closed:
                    new.append(o)
        if new:
            self._minus = sorted(self._minus + new)
        self._span = (lo, hi)
        return self._minus

    def _cumulative(self, o: int, minus: list[int]) -> int:
        """Working days up to ``o`` relative to a fixed origin; only differences
        between two such values (taken with the same ``minus``) mean anything."""
        return self._weekday_count(o) - bisect_right(minus, o) + bisect_right(self._plus, o)

    # -- the date rules ----------------------------------------------------------

    @property
    def workdays_per_week(self) -> int:
        """How many weekdays are workdays: turns working days late into weeks late."""
        return self._per_week

    @property
    def workdays(self) -> tuple[str, ...]:
        """The workdays, in week order starting Monday."""
        return tuple(WEEKDAYS[i] for i in sorted(self._days))

    @property
    def country(self) -> str | None:
        """The ``holidays`` country code, or None for no public holidays."""
        return self._country

    @property
    def subdivision(self) -> str | None:
        """The ``holidays`` subdivision code, if any."""
        return self._subdivision

    def is_working(self, d: date) -> bool:
        """Whether ``d`` is a working day; ``open`` wins over everything else."""
        o = _ord(d)
        if o in self._open:
            return True
        if not self._is_workday(o) or o in self._closed:
            return False
        if self._country:
            return d not in _year_holidays(self._country, self._subdivision, d.year, self._language)
        return True

    def between(self, a: date, b: date) -> int:
        """The number of working days ``x`` with ``a < x <= b``; 0 when ``b <= a``.

        Half-open on the left so that ``between(d, add(d, n)) == n`` and lateness
        ``between(due, done)`` is 0 when done on the due date.
        """
        ao, bo = _ord(a, "start date"), _ord(b, "end date")
        if bo <= ao:
            return 0
        minus = self._load(a.year, b.year)
        return self._cumulative(bo, minus) - self._cumulative(ao, minus)

    def add(self, d: date, n: int) -> date:
        """The ``n``-th working day after ``d`` (``n >= 1``).

        Gallops forward (first guess: enough whole weeks for ``n`` workdays,
        then doubling) until the count reaches ``n``, then bisects for the
        first date where it does.  Since ``between(d, x)`` rises by at most one
        a day, that date has exactly ``n``.  Raises OutOfRange if there are not
        ``n`` working days after ``d`` up to ``LAST``.
        """
        o = _ord(d)
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError(f"n must be an integer, not {type(n).__name__}: {n!r}")
        if n < 1:
            raise ValueError(f"n must be at least 1, not {n}")

        if not self._plus and self._per_week:
            found = self._add_without_open_days(d, o, n)
            if found is not None:
                return found
        lo = o  # invariant: fewer than n working days in (o, lo]
        step = 7 * (n // self._per_week + 1) if self._per_week else 7
        while True:
            hi = min(_LAST_ORD, lo + step)
            minus = self._load(d.year, date.fromordinal(hi).year)
            base = self._cumulative(o, minus)
            if self._cumulative(hi, minus) - base >= n:
                break
            if hi == _LAST_ORD:
                raise OutOfRange(
                    f"{n} working day{'s' if n != 1 else ''} after {d.isoformat()} would "
                    f"fall outside the supported range {FIRST.isoformat()}..{LAST.isoformat()}"
                )
            lo, step = hi, step * 2
        # first x in (lo, hi] with count(x) >= n
        target = base + n
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if self._cumulative(mid, minus) >= target:
                hi = mid
            else:
                lo = mid
        return date.fromordinal(hi)

    def _add_without_open_days(self, d: date, o: int, n: int) -> date | None:
        """``add`` for a calendar with no open day off the workdays (most of them), computed
        rather than searched: 1 to 3 steps where the search takes about 6 (`courtside check`
        on 1,000 engagements makes 10,000 of them).

        The answer is the first day ``x`` with ``weekdays(x) - days_off(x) >= target``. Days
        off only push it later, so: the first ``x`` with enough weekdays counting the days off
        up to ``o``, then again counting those up to that ``x``, until no new day off falls
        before it. None when it passes LAST (``add`` then says so).
        """
        minus = self._load(d.year, d.year)
        off = bisect_right(minus, o)
        target = self._weekday_count(o) - off + n
        per_week, reach = self._per_week, self._reach
        while True:
            weeks, rest = divmod(target + off - 1, per_week)
            x = 7 * weeks + reach[rest + 1]  # the first day with target + off weekdays
            if x > _LAST_ORD:
                return None
            minus = self._load(d.year, date.fromordinal(x).year)
            now_off = bisect_right(minus, x)
            if now_off == off:
                return date.fromordinal(x)
            off = now_off

    def sub(self, d: date, n: int) -> date:
        """The ``n``-th working day before ``d`` (``n >= 1``): ``add(sub(d, n), n) == d`` for a
        working day ``d``. A reminder "two working days before" a due date falls on it.

        The mirror of ``add``: gallops back until ``[lo, d)`` holds ``n`` working days, then
        bisects for the last day where it still does. Raises OutOfRange before ``FIRST``.
        """
        o = _ord(d)
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError(f"n must be an integer, not {type(n).__name__}: {n!r}")
        if n < 1:
            raise ValueError(f"n must be at least 1, not {n}")
        hi = o  # invariant: fewer than n working days in [hi, o)
        step = 7 * (n // self._per_week + 1) if self._per_week else 7
        while True:
            lo = max(_FIRST_ORD, hi - step)
            minus = self._load(date.fromordinal(lo).year, d.year)
            top = self._cumulative(o - 1, minus)
            if top - self._cumulative(lo - 1, minus) >= n:
                break
            if lo == _FIRST_ORD:
                raise OutOfRange(
                    f"{n} working day{'s' if n != 1 else ''} before {d.isoformat()} would "
                    f"fall outside the supported range {FIRST.isoformat()}..{LAST.isoformat()}"
                )
            hi, step = lo, step * 2
        # the last x in [lo, hi) with n working days or more in [x, o)
        target = top - n
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if self._cumulative(mid - 1, minus) <= target:
                lo = mid
            else:
                hi = mid
        return date.fromordinal(lo)

    def next(self, d: date) -> date:
        """The first working day after ``d``: ``add(d, 1)``."""
        return self.add(d, 1)

    def wd(self, d: date) -> date:
        """``d`` itself if it is a working day, else the next one."""
        return d if self.is_working(d) else self.next(d)

    def holidays_between(self, a: date, b: date, language: str | None = None) -> list[tuple[date, str]]:
        """Public holidays in ``a..b`` inclusive, with their names, for display.

        Exactly what the ``holidays`` package lists, in date order: holidays on
        non-workdays or in ``open`` are included (filter with ``is_working`` if
        only the ones that cost a working day are wanted), ``closed`` days are
        not (they are ours, not public).  ``language`` is a site language such
        as ``en``/``es``/``ru``/``ar`` or a locale; names fall back to the
        country's own language (also what None gives) when the package has no
        translation.  Two
        holidays on one date come as one entry, names joined by ``"; "``.
        """
        _ord(a, "start date")
        _ord(b, "end date")
        if not self._country or b < a:
            return []
        lang = _resolve_language(self._country, language)
        out: list[tuple[date, str]] = []
        for year in range(a.year, b.year + 1):
            table = _year_holidays(self._country, self._subdivision, year, lang)
            out.extend((d, name) for d, name in table.items() if a <= d <= b)
        return out

    def __reduce__(self) -> tuple:
        """Pickled as its rules: unpickled through `calendar_for`, so a process that receives
        thousands of engagements (a build's worker results) shares one calendar per rule set."""
        closed = tuple(date.fromordinal(o) for o in sorted(self._closed))
        open_days = tuple(date.fromordinal(o) for o in sorted(self._open))
        return (calendar_for, (self.workdays, self._country, self._subdivision, closed, open_days))

    def __repr__(self) -> str:
        return (
            f"WorkCalendar(workdays={self.workdays!r}, country={self._country!r}, "
            f"subdivision={self._subdivision!r}, closed={len(self._closed)} dates, "
            f"open={len(self._open)} dates)"
        )


def calendar_for(
    workdays: Iterable[str] = DEFAULT_WORKDAYS,
    country: str | None = None,
    subdivision: str | None = None,
    closed: Iterable[date] = (),
    open: Iterable[date] = (),  # noqa: A002 - the policy key is called `open`
) -> WorkCalendar:
    """A shared WorkCalendar for these rules.

    Thousands of engagements usually share a handful of calendars; one instance
    each keeps their lazily merged holiday lists (and the work of building
    them) shared too.  Arguments are normalised to sets first, so the order and
    repetition of workdays, closed and open dates do not matter.
    """
    if isinstance(workdays, str):
        raise TypeError(f"workdays must be a list of weekday names, not the string {workdays!r}")
    return _calendar_for(frozenset(workdays), country, subdivision, frozenset(closed), frozenset(open))


@lru_cache(maxsize=256)
def _calendar_for(
    workdays: frozenset[str],
    country: str | None,
    subdivision: str | None,
    closed: frozenset[date],
    open: frozenset[date],  # noqa: A002
) -> WorkCalendar:
    """The cached half of :func:`calendar_for`, keyed on normalised arguments."""
    return WorkCalendar(workdays, country, subdivision, closed, open)
