"""The pipeline: an engagement's text and the policies in, its values or its problems out.

    policies = read_policies(Source("projects/_policies.yml", data))     # once
    result = evaluate(Source("projects/acme-bakery.md", data), policies, today)
    board = combine([result, ...], policies, today)                      # the merge step

`evaluate` is the per-file step: parse the front matter, merge it over the policies,
validate every field and the rules across fields (`validate.py`), then compute the schedule
(`schedule.py`) and the payments (`money.py`) on `today`. It returns a `Snapshot` (every
computed value) or a `Broken` engagement (every problem found, and what could still be read).
`upto="check"` stops after validation and the promise chain: every problem a full
evaluation can find, for a third of the work (`courtside check`).

`combine` is the merge step across engagements: a share belongs to the first file (in the
order given) that uses it; every problem of every file, sorted.

Nothing here reads a folder or git, writes a file, or looks at the clock: where the text
comes from (`courtside.sources`) and what is made of the results (`courtside.publish`, the
plugin, the command) are the edges around it. Any `today`, any version of a file.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Literal

from .problems import Problem
from .results import Broken, Passed
from .shares import unique_shares
from .source import POLICIES_FILE, Source
from .validate import NO_POLICIES, Loaded, PolicySet, load_engagement, load_policies
from .workcal import OutOfRange

if TYPE_CHECKING:
    from .board import Board
    from .snapshot import Snapshot

__all__ = [
    "NO_POLICIES", "POLICIES_FILE", "Broken", "Loaded", "Passed", "PolicySet", "Source", "check", "combine", "compute", "evaluate",
    "read_policies", "unique_shares",
]  # fmt: skip

Stop = Literal["check", "all"]


def read_policies(source: Source | None) -> PolicySet:
    """`_policies.yml` validated on its own (no file: the built-in defaults)."""
    return NO_POLICIES if source is None else load_policies(source.name, source.data)


def evaluate(source: Source, policies: PolicySet, today: date, upto: Stop = "all") -> Snapshot | Loaded | Broken:
    """The per-file step: one engagement's text validated and computed on `today`.

    `upto="all"` gives a `Snapshot` (or `Broken`); `upto="check"` gives the `Loaded`
    engagement once its promise chain is checked (or `Broken`), computing nothing more.
    """
    loaded = load_engagement(source.id, source.name, source.data, policies, today)
    if isinstance(loaded, Broken):
        return loaded
    return compute(loaded, today, upto)


def compute(loaded: Loaded, today: date, upto: Stop = "all") -> Snapshot | Loaded | Broken:
    """The rest of `evaluate` for an engagement already validated: its dates and money on `today`."""
    if loaded.rules is not None:  # announced policy changes: the terms in force on `today`
        now = loaded.rules.now(today)
        if now is not loaded.terms:
            from dataclasses import replace

            from .validate import calendar_of

            try:
                calendar = calendar_of(now) if now.calendar != loaded.terms.calendar else loaded.calendar
            except ValueError as exc:
                return _broken_by(loaded, [loaded.origin.problem(("calendar",), str(exc))])  # type: ignore[return-value]
            loaded = replace(loaded, terms=now, calendar=calendar)
    terms, calendar, origin = loaded.terms, loaded.calendar, loaded.origin
    try:
        if upto == "check":
            from .schedule import date_problems

            return _broken_by(loaded, date_problems(terms, calendar, today, origin)) or loaded
        from .money import payments
        from .schedule import could_open_problems, schedule
        from .snapshot import Snapshot

        plan = schedule(terms, calendar, today, loaded.rules)
        return _broken_by(loaded, could_open_problems(terms, plan, origin)) or Snapshot(
            loaded, plan, payments(terms, plan, today, loaded.rules)
        )
    except OutOfRange as exc:  # the one place a date past the calendar becomes a problem
        return _broken_by(loaded, [origin.problem(("stages",), f"the schedule does not fit the calendar: {exc}")])


def _broken_by(loaded: Loaded, problems: list[Problem]) -> Broken | None:
    """`loaded` made Broken by `problems`, if there are any."""
    if not problems:
        return None
    terms, origin = loaded.terms, loaded.origin
    return Broken(
        loaded.id, origin.file, problems, terms.share, terms.client, terms.project, origin.located.line_of(("share",))
    )


def passed(loaded: Loaded) -> Passed:
    """What `check` keeps of an engagement with no problem: its id, file and share."""
    return Passed(loaded.id, loaded.origin.file, loaded.terms.share, loaded.origin.located.line_of(("share",)))


def check(source: Source, policies: PolicySet, today: date) -> Passed | Broken:
    """`evaluate(..., upto="check")`, kept to what `courtside check` reports."""
    result = evaluate(source, policies, today, upto="check")
    return passed(result) if isinstance(result, Loaded) else result  # type: ignore[return-value]


def combine(results: Sequence[Snapshot | Broken], policies: PolicySet, today: date) -> Board:
    """The merge step: every engagement of one site on `today`, shares unique, problems sorted."""
    from .board import Board

    board = Board(today, policies.policies, problems=list(policies.problems))
    for result in unique_shares(results):
        if isinstance(result, Broken):
            board.broken.append(result)
            board.problems.extend(result.problems)
        else:
            board.snapshots.append(result)
    board.problems.sort()
    return board
