"""History: what changed in an engagement's promise, and why (format.md, "History").

Versions in, changes out. Each version of an engagement (a commit that changed its file or
`_policies.yml`, and the build's own files) is evaluated by the pipeline as of its own day
and kept as a `Record`: the promised dates and the facts that explain them. Between two
consecutive valid versions, every promised date of a stage (its due date) or of a payment
(its due date, known or expected) that moved is a `Change`, with the day of the version that
moved it, the old and new date, and the reason Courtside can name:

* `client-late`: a client stage was late (done late, or still running late); past the
  grace, the stage after it restarts (`restart` is true);
* `us-late`: one of our stages was late;
* `gate`: a stage waited for a `gate: true` payment (paid late, or still unpaid);
* `terms`: the studio edited stages, days or payments (or the policies that count them);
* `recorded`: a date was recorded (a stage done early, a start, the signing).

The reason is found by walking the chain back from the moved date to what moved it: the
stage's own opening day (a recorded `started`, a restart, a gate, the end of the stage
before it), that stage's end (a `done`, or running late), and so on, up to a term.

Calendar events take their revision from the same versions (`revisions`): SEQUENCE is the
number of versions that moved the event's date, LAST-MODIFIED the day of the last one.
Nothing here reads git or a file: `sources/git.py` gives the versions.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from .agreement import agreement_of, term_changes, version_of
from .revisions import Revision, midnight
from .schedule import deposit_paid

if TYPE_CHECKING:
    from .agreement import TermChange
    from .problems import Problem
    from .snapshot import Snapshot

RECORD_FORMAT = 1
"""Bumped when `Record` changes shape: cached records of another format are computed again."""

REASONS = ("client-late", "us-late", "gate", "terms", "recorded")


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


@dataclass(frozen=True, slots=True)
class StageMark:
    """A stage in one version: its promised dates, and what they came from."""

    name: str
    owner: str
    promised: int
    opens: date | None
    due: date | None
    end: date | None
    late_by: int
    restarted: bool
    gated: bool
    started: date | None
    done: date | None


@dataclass(frozen=True, slots=True)
class PaymentMark:
    """A payment in one version: its due date (known or expected) and what it hangs on."""

    name: str
    due: str  # as written: signing, start, a stage, a date
    gate: bool
    paid: date | None
    day: date | None  # the due date, known or expected: the calendar event's day
    invoice: date | None  # the invoice date, known or expected
    stage: str | None


@dataclass(frozen=True, slots=True)
class Record:
    """One version of an engagement as history compares it (small, cached as JSON)."""

    state: str
    start: date | None
    signed: date | None
    deposit_paid: date | None
    grace: int
    terms_days: int
    calendar: str  # a digest of the calendar the dates are counted in
    stages: tuple[StageMark, ...]
    payments: tuple[PaymentMark, ...]
    version: str  # the agreement's version (core/agreement.py)
    agreement: dict[str, Any] = field(compare=False)

    @property
    def dated(self) -> bool:
        return self.start is not None

    def to_json(self) -> dict[str, Any]:
        """The record as JSON data (the history cache)."""
        return {
            "format": RECORD_FORMAT,
            "state": self.state,
            "start": _iso(self.start),
            "signed": _iso(self.signed),
            "deposit_paid": _iso(self.deposit_paid),
            "grace": self.grace,
            "terms_days": self.terms_days,
            "calendar": self.calendar,
            "stages": [
                [s.name, s.owner, s.promised, _iso(s.opens), _iso(s.due), _iso(s.end), s.late_by, s.restarted,
                 s.gated, _iso(s.started), _iso(s.done)]
                for s in self.stages
            ],  # fmt: skip
            "payments": [
                [p.name, p.due, p.gate, _iso(p.paid), _iso(p.day), _iso(p.invoice), p.stage] for p in self.payments
            ],
            "version": self.version,
            "agreement": self.agreement,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Record | None:
        """A cached record (None when it was written in another format)."""
        if data.get("format") != RECORD_FORMAT:
            return None
        stages = tuple(
            StageMark(n, o, pr, _day(op), _day(du), _day(en), lb, rs, gt, _day(st), _day(dn))
            for n, o, pr, op, du, en, lb, rs, gt, st, dn in data["stages"]
        )
        payments = tuple(
            PaymentMark(n, du, gt, _day(pd), _day(dy), _day(inv), stg) for n, du, gt, pd, dy, inv, stg in data["payments"]
        )
        return cls(
            data["state"], _day(data["start"]), _day(data["signed"]), _day(data["deposit_paid"]), data["grace"],
            data["terms_days"], data["calendar"], stages, payments, data["version"], data["agreement"],
        )  # fmt: skip


def record_of(snap: Snapshot) -> Record:
    """What history keeps of one evaluated version."""
    terms, plan = snap.terms, snap.schedule
    stages = tuple(
        StageMark(
            p.name, p.owner, p.promised,
            p.promise.opens if p.promise else None, p.promise.due if p.promise else None,
            p.promise.end if p.promise else None, p.late_by or 0,
            bool(p.promise and p.promise.restarted), bool(p.promise and p.promise.gated),
            p.stage.started, p.stage.done,
        )  # fmt: skip
        for p in plan.stages
    )
    payments = []
    for pay in snap.payments:
        invoice = pay.invoice_date or pay.expected_invoice_date
        day = pay.due_date
        if day is None and pay.expected_invoice_date is not None:
            from datetime import timedelta

            day = pay.expected_invoice_date + timedelta(days=terms.payment.terms)
        payments.append(PaymentMark(pay.name, pay.payment.due, pay.payment.gate, pay.payment.paid, day, invoice, pay.stage))
    agreement = agreement_of(terms)
    calendar = json.dumps(agreement["policies"]["calendar"], sort_keys=True)
    return Record(
        plan.state, plan.start, terms.signed, deposit_paid(terms)[1], terms.consequences.client.grace,
        terms.payment.terms, hashlib.sha256(calendar.encode("utf-8")).hexdigest()[:12], stages, tuple(payments),
        version_of(agreement), agreement,
    )  # fmt: skip


# -- Versions and changes ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Point:
    """One version of one engagement: the commit (None: the build's own files), its day, and
    its record (None: the file was invalid in that version)."""

    commit: str | None
    day: date
    record: Record | None


@dataclass(frozen=True, slots=True)
class Change:
    """One promised date that moved, when, from what to what, and why."""

    on: date  # the day of the version that moved it
    commit: str | None  # its commit (short hash); None: the build's own files, not committed
    kind: str  # stage | payment
    name: str
    old: date | None  # None: added
    new: date | None  # None: removed
    reason: str  # one of REASONS
    cause: str | None = None  # the stage (or, for `gate`, the payment) that moved it
    late_by: int | None = None  # client-late, us-late: working days the cause was late
    grace: int | None = None  # client-late: the grace in working days
    restart: bool = False  # client-late: past the grace, the stage after the cause restarted
    done: bool = False  # client-late, us-late: the late stage is done (else still running late)
    paid: date | None = None  # gate: the day the payment came (None: still unpaid)
    opens_old: date | None = None  # a stage: its opening day before and after
    opens_new: date | None = None

    def to_json(self) -> dict[str, Any]:
        """`changes` in board.json: one entry per moved date."""
        return {
            "date": self.on.isoformat(),
            "commit": self.commit,
            "kind": self.kind,
            "name": self.name,
            "old": _iso(self.old),
            "new": _iso(self.new),
            "reason": self.reason,
            "cause": self.cause,
            "late_by": self.late_by,
            "restart": self.restart,
        }


@dataclass(frozen=True, slots=True)
class Cause:
    reason: str
    cause: str | None = None
    late_by: int | None = None
    grace: int | None = None
    restart: bool = False
    done: bool = False
    paid: date | None = None


class _Causes:
    """Why dates moved from one version to the next: the chain walked back to its cause."""

    def __init__(self, before: Record, after: Record) -> None:
        self.before, self.after = before, after
        self.index_before = {s.name: i for i, s in enumerate(before.stages)}

    def _was(self, i: int) -> StageMark | None:
        found = self.index_before.get(self.after.stages[i].name)
        return None if found is None else self.before.stages[found]

    def due(self, i: int) -> Cause:
        """Why stage i's due date moved."""
        now, was = self.after.stages[i], self._was(i)
        if was is None:
            return Cause("terms")
        if now.opens != was.opens:
            return self.opens(i)
        return Cause("terms")  # its days, the buffer or the calendar changed

    def opens(self, i: int) -> Cause:
        """Why stage i's opening day moved."""
        now, was = self.after.stages[i], self._was(i)
        before, after = self.before, self.after
        if was is None:
            return Cause("terms")
        if now.started is not None and now.started != was.started:
            return Cause("recorded", now.name)
        if i == 0:
            if (after.signed, after.deposit_paid) != (before.signed, before.deposit_paid):
                return Cause("recorded")
            return Cause("terms")
        prev_now = after.stages[i - 1]
        prev_index = self.index_before.get(prev_now.name)
        if prev_index is None or prev_index != self.index_before[now.name] - 1:
            return Cause("terms")  # a stage was added, removed or moved before it
        prev_was = before.stages[prev_index]
        if now.restarted and not was.restarted:
            return self._late(i - 1)
        if now.gated or was.gated:
            gate = next((p for p in after.payments if p.gate and p.due == prev_now.name), None)
            if gate is not None:
                return Cause("gate", gate.name, paid=gate.paid)
        if prev_now.end != prev_was.end:
            return self.end(i - 1)
        return Cause("terms")  # the grace, the restart or the calendar changed

    def end(self, j: int) -> Cause:
        """Why stage j's end (the day the next stage counts from) moved."""
        now, was = self.after.stages[j], self._was(j)
        if was is None:
            return Cause("terms")
        if now.done is not None and now.done != was.done:
            return self._late(j) if now.late_by > 0 else Cause("recorded", now.name)
        if now.done is None and now.due is not None and now.end != now.due:
            return self._late(j)  # running late: its end is today
        if now.due != was.due:
            return self.due(j)
        if was.done is not None and now.done is None:
            return Cause("recorded", now.name)  # a recorded date taken back
        return Cause("terms")

    def _late(self, j: int) -> Cause:
        """Stage j was late: the client's or ours."""
        late = self.after.stages[j]
        after = self.after.stages[j + 1] if j + 1 < len(self.after.stages) else None
        reason = "client-late" if late.owner == "client" else "us-late"
        return Cause(
            reason, late.name, late.late_by, self.after.grace if reason == "client-late" else None,
            bool(after and after.restarted and reason == "client-late"), late.done is not None,
        )  # fmt: skip

    def payment(self, now: PaymentMark, was: PaymentMark) -> Cause:
        """Why a payment's due date moved."""
        if (now.due, now.gate) != (was.due, was.gate) or self.after.terms_days != self.before.terms_days:
            return Cause("terms")
        if now.stage is not None:
            j = next((i for i, s in enumerate(self.after.stages) if s.name == now.stage), None)
            if j is not None and self._was(j) is not None:
                return self.end(j)
            return Cause("terms")
        if now.due in ("signing", "start"):
            return self.opens(0) if self.after.stages else Cause("recorded")
        return Cause("terms")


def transition(before: Point, after: Point) -> list[Change]:
    """The promised dates that moved from one valid version to the next, with their reasons.

    Nothing moves while there are no dates (a proposal: the day the dates are assigned is not
    a change), nor once the engagement is cancelled (it promises nothing more)."""
    old, new = before.record, after.record
    if old is None or new is None or not old.dated or not new.dated or new.state == "cancelled":
        return []
    causes = _Causes(old, new)
    out: list[Change] = []

    def add(kind: str, name: str, was: date | None, now: date | None, why: Cause, opens: tuple = (None, None)) -> None:
        out.append(
            Change(after.day, after.commit, kind, name, was, now, why.reason, why.cause, why.late_by, why.grace,
                   why.restart, why.done, why.paid, *opens)  # fmt: skip
        )

    for i, stage in enumerate(new.stages):
        was = causes._was(i)
        if was is None:
            add("stage", stage.name, None, stage.due, Cause("terms"), (None, stage.opens))
        elif was.due != stage.due:
            add("stage", stage.name, was.due, stage.due, causes.due(i), (was.opens, stage.opens))
    kept = {s.name for s in new.stages}
    for stage in old.stages:
        if stage.name not in kept:
            add("stage", stage.name, stage.due, None, Cause("terms"), (stage.opens, None))
    old_payments = {p.name: p for p in old.payments}
    for payment in new.payments:
        was_payment = old_payments.get(payment.name)
        if was_payment is None:
            if payment.day is not None:
                add("payment", payment.name, None, payment.day, Cause("terms"))
        elif was_payment.day != payment.day and was_payment.day is not None and payment.day is not None:
            add("payment", payment.name, was_payment.day, payment.day, causes.payment(payment, was_payment))
    new_payments = {p.name for p in new.payments}
    for payment in old.payments:
        if payment.name not in new_payments and payment.day is not None:
            add("payment", payment.name, payment.day, None, Cause("terms"))
    return out


def valid_points(points: Sequence[Point]) -> list[Point]:
    """The versions in which the file was valid, in order."""
    return [point for point in points if point.record is not None]


def changes(points: Sequence[Point]) -> list[Change]:
    """Every move of a promised date over the versions, oldest first (an invalid version is
    skipped: the change shows at the next valid one)."""
    valid = valid_points(points)
    return [change for before, after in zip(valid, valid[1:], strict=False) for change in transition(before, after)]


def event_days(record: Record) -> dict[tuple[str, str], date]:
    """The day of each calendar event of a version: stage due dates, payment due dates."""
    days: dict[tuple[str, str], date] = {}
    if not record.dated:
        return days
    for stage in record.stages:
        if stage.due is not None:
            days[("stage", stage.name)] = stage.due
    for payment in record.payments:
        if payment.day is not None:
            days[("payment", payment.name)] = payment.day
    return days


def revisions(points: Sequence[Point]) -> dict[tuple[str, str], Revision]:
    """Each event's revision over the versions: SEQUENCE the number of versions that moved its
    date (0 for the version it first appeared in), LAST-MODIFIED the day of the last of them."""
    last: dict[tuple[str, str], date] = {}
    out: dict[tuple[str, str], Revision] = {}
    for point in valid_points(points):
        for key, day in event_days(point.record).items():  # type: ignore[arg-type]
            if key not in last:
                out[key] = Revision(0, midnight(point.day))
            elif last[key] != day:
                out[key] = Revision(out[key].sequence + 1, midnight(point.day))
            last[key] = day
    return out


# -- An engagement's story, for its page, its calendar and the board ------------------------------


@dataclass(frozen=True, slots=True)
class Kept:
    """Keep-last-good: the file is invalid now; what is published comes from `commit`."""

    commit: str
    day: date
    problems: tuple[Problem, ...]  # the file's problems now


@dataclass(frozen=True, slots=True)
class Acceptance:
    """The client's acceptance, held against the agreement as it stands."""

    by: str
    on: date
    version: str
    current: str  # the version as it stands
    found: bool  # the accepted version is in the history (its terms are known)
    term_changes: tuple[TermChange, ...]  # since the accepted version (when found)
    changes: tuple[Change, ...]  # moved dates since the day of the acceptance

    @property
    def outdated(self) -> bool:
        return self.version != self.current


@dataclass(frozen=True, slots=True)
class Story:
    """What history says about one engagement."""

    changes: tuple[Change, ...]
    revisions: dict[tuple[str, str], Revision] | None  # None: no committed version to count from
    acceptance: Acceptance | None = None
    kept: Kept | None = None


def story_of(points: Sequence[Point], current: Snapshot, kept: Kept | None = None) -> Story:
    """The story of an engagement from its committed versions (`points`, oldest first) and the
    build's own snapshot (the last version, on today)."""
    now = Point(None, current.schedule.today, record_of(current))
    committed = [point for point in points if point.commit is not None and point.day <= now.day]
    everything = [*committed, now]
    dated = any(point.record is not None and point.record.dated for point in committed)
    moved = tuple(changes(everything))
    return Story(moved, revisions(everything) if dated else None, acceptance(current, everything, moved), kept)


def acceptance_of(snap: Snapshot) -> Acceptance | None:
    """A snapshot's acceptance: from its story when the history was read, else from it alone."""
    return snap.history.acceptance if snap.history is not None else acceptance(snap)


def acceptance(snap: Snapshot, points: Sequence[Point] = (), moved: Sequence[Change] = ()) -> Acceptance | None:
    """The engagement's `accepted`, held against its agreement as it stands, with what changed
    since: the terms (when the accepted version is one of `points`) and the dates moved on or
    after the day of the acceptance (None when nothing was accepted)."""
    accepted = snap.terms.accepted
    if accepted is None:
        return None
    agreement = agreement_of(snap.terms)
    current = version_of(agreement)
    then = next(
        (p.record for p in reversed(points) if p.record is not None and p.record.version == accepted.version), None
    )
    differences = tuple(term_changes(then.agreement, agreement)) if then is not None else ()
    since = tuple(change for change in moved if change.on >= accepted.on)
    found = then is not None or current == accepted.version
    return Acceptance(accepted.by, accepted.on, accepted.version, current, found, differences, since)
