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

import posixpath
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Literal, TypeVar

from .problems import Problem
from .validate import NO_POLICIES, Broken, Loaded, PolicySet, load_engagement, load_policies
from .workcal import OutOfRange

if TYPE_CHECKING:
    from .board import Board
    from .snapshot import Snapshot

__all__ = [
    "NO_POLICIES", "Broken", "Loaded", "Passed", "PolicySet", "Source", "check", "combine", "compute", "evaluate",
    "read_policies",
]  # fmt: skip

POLICIES_FILE = "_policies.yml"
Stop = Literal["check", "all"]
Result = TypeVar("Result", bound="Snapshot | Loaded | Passed | Broken")


@dataclass(frozen=True, slots=True)
class Source:
    """One file's bytes, from anywhere: a folder, a git commit, a test's string."""

    name: str  # how problems name the file: "projects/acme-bakery.md"
    data: bytes

    @property
    def id(self) -> str:
        """The engagement's id: its file name without `.md`."""
        return posixpath.splitext(posixpath.basename(self.name))[0]

    @classmethod
    def of(cls, name: str, text: str) -> Source:
        """A source from text (tests, scripts): encoded as the file would be, in UTF-8."""
        return cls(name, text.encode("utf-8"))


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
    terms, calendar, origin = loaded.terms, loaded.calendar, loaded.origin
    try:
        if upto == "check":
            from .schedule import date_problems

            return _broken_by(loaded, date_problems(terms, calendar, today, origin)) or loaded
        from .money import payments
        from .schedule import could_open_problems, schedule
        from .snapshot import Snapshot

        plan = schedule(terms, calendar, today)
        return _broken_by(loaded, could_open_problems(terms, plan, origin)) or Snapshot(
            loaded, plan, payments(terms, plan, today)
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


@dataclass(frozen=True, slots=True)
class Passed:
    """An engagement that passed `check`: no problem, and the share it claims (small, picklable)."""

    id: str
    file: str
    share: str | None
    share_line: int

    @classmethod
    def of(cls, loaded: Loaded) -> Passed:
        return cls(loaded.id, loaded.origin.file, loaded.terms.share, loaded.origin.located.line_of(("share",)))


def check(source: Source, policies: PolicySet, today: date) -> Passed | Broken:
    """`evaluate(..., upto="check")`, kept to what `courtside check` reports."""
    result = evaluate(source, policies, today, upto="check")
    return Passed.of(result) if isinstance(result, Loaded) else result  # type: ignore[return-value]


def unique_shares(results: Iterable[Result]) -> list[Result | Broken]:
    """The merge step's rule, file by file in order: the first file to use a share keeps it;
    a later file with the same share becomes Broken, with the problem at its `share:` line."""
    first_with: dict[str, str] = {}  # share -> the first file that uses it
    out: list[Result | Broken] = []
    for result in results:
        share, line, file = _share_of(result)
        first = first_with.setdefault(share, file) if share else file
        if first == file:
            out.append(result)
            continue
        problem = Problem(
            file,
            line,
            "share",
            f"this share is already used by {first}; expected a share of its own "
            "(run `courtside rotate` for a new one)",
        )
        if isinstance(result, Broken):
            out.append(Broken(result.id, file, [*result.problems, problem], None, result.client, result.project))
        elif isinstance(result, Passed):
            out.append(Broken(result.id, file, [problem]))
        else:
            terms = result.terms
            out.append(Broken(result.id, file, [problem], None, terms.client, terms.project))
    return out


def _share_of(result: Snapshot | Loaded | Passed | Broken) -> tuple[str | None, int, str]:
    """The share a result uses (None: none, or not a well-formed one), its line and its file."""
    if isinstance(result, Broken | Passed):
        return result.share, result.share_line, result.file
    loaded = result if isinstance(result, Loaded) else result.loaded
    return loaded.terms.share, loaded.origin.located.line_of(("share",)), loaded.origin.file


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
