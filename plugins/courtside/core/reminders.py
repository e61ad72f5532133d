"""Which reminders to send on `today`, and which to record as skipped: plain data, no words.

A reminder chases the client for something they owe:

* one of their own stages, in an active engagement, open (its `opens` has come) and not
  done: around its promised due date, in **working days**;
* an unpaid invoice (invoiced or overdue, in any state of the engagement): around its due
  date, in **calendar days**.

It also tells the client, once, of an announced policy change that affects them
(`core/policy_changes.announcements_due`): on its announce day (`from - announce`), its
`from` as the due date; a run that missed the day sends it late, until `from`. It is a
message like the reminders, decided, recorded and sent by the same rules: one key, one
decision, one log.

The `reminders` policy (model.ReminderPolicy) names the trigger days around the due date:
`before` it, `on_due`, `after` it. Each (what, engagement, stage or payment, due date,
trigger day) is one reminder with a stable `key`: the sent log (`outbox/sentlog.py`) records
keys, so a run that finds a key recorded never sends it again. A trigger day before the
stage opened (or the invoice was issued) does not exist: nobody is chased for something they
could not do yet.

`plan_reminders` is the one decision, from the day, what is owed and what the log holds:

* per thing owed, the trigger days up to today that the log does not hold are *pending*;
* the latest pending one is sent: on its day it is on time, after it, late (a day without a
  run is made up once, never dropped); the earlier pending ones are recorded as skipped, so
  a client gets one message, not a burst, after a week without runs or on the first run;
* a pending day older than a day already recorded is skipped too: a later reminder went;
* an announcement is told once (`Owed.once`): once the log holds any day of it, a new
  announce day (the studio edited `announce`) is recorded as skipped, never sent again.

Every value a message needs (`late_by`, days overdue, the late fee, the due dates) comes from
the schedule and the payments (`schedule.StagePlan`, `money.PaymentPlan`), never computed
again here. Words, languages and links are made from this in `publish/mailto.py` and
`outbox/message.py`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from .policy_changes import announcements_due
from .workcal import OutOfRange

if TYPE_CHECKING:
    from .board import Board
    from .model import PaymentCadence, StageCadence
    from .policy_changes import Announcement
    from .snapshot import Snapshot

ANNOUNCEMENT = "announcement"
WHATS = ("stage", "payment", ANNOUNCEMENT)
"""What a reminder is about: one of the client's stages, one of the payments, or an announced
policy change (its `about` is the announcement's id, its due date the change's `from`)."""

POLICY_CHANGE = "policy-change"
KINDS = ("stage-soon", "stage-late", "invoice-soon", "invoice-due", "invoice-overdue", POLICY_CHANGE)
"""What the message says, as of the day it is sent: due soon (or today), late, overdue; or
the announcement of a change of terms."""

SENT, SENT_LATE, SKIPPED = "sent", "sent-late", "skipped"
EVENTS = (SENT, SENT_LATE, SKIPPED)
"""What the sent log records for a reminder: sent on its day, sent after it, skipped."""

DIGEST = "digest"
"""The `what` of the studio's digest in the sent log: one a day."""

# States in which the client's stages are being worked on (no chasing on hold or in a proposal).
CHASING_STAGES = frozenset({"active"})
# Payment states that are owed: an invoice exists and is unpaid.
CHASING_PAYMENTS = frozenset({"invoiced", "overdue"})

Key = tuple[str, str, str, date, date]
"""A reminder's identity: (what, engagement id, stage or payment name, due date, trigger day)."""


def digest_key(day: date) -> Key:
    """The sent log's key of the studio's digest of `day`."""
    return (DIGEST, "", "", day, day)


@dataclass(frozen=True, slots=True)
class Recorded:
    """What the sent log holds about one key."""

    day: date  # the `today` of the run that recorded it
    event: str  # one of EVENTS
    at: datetime | None = None  # when the server accepted the message (None when skipped)
    to: str | None = None  # the address it went to

    @property
    def sent(self) -> bool:
        return self.event in (SENT, SENT_LATE)


@dataclass(frozen=True)
class Reminder:
    """One reminder: a trigger day of one thing owed, with everything a message about it needs."""

    what: str  # one of WHATS
    engagement_id: str
    client: str
    project: str
    language: str  # the engagement's language: the message is written in it
    to_name: str  # the client's contact
    to: str | None  # the client's email (None when the file gives none)
    kind: str  # one of KINDS, as of `today`
    about: str  # the stage's or the payment's name
    date: date  # the due date being chased
    trigger: date  # the cadence's day for this reminder
    late: bool = False  # sent after its trigger day (a day without a run is made up once)
    deliverables: tuple[str, ...] = ()  # a stage's deliverables, when listed
    amount: Decimal | None = None  # a payment's amount
    late_fee: Decimal | None = None  # the late fee accrued so far (0 until overdue)
    currency: str | None = None
    days_left: int = 0  # until the due date: working days for a stage, days for an invoice
    days_late: int = 0  # past the due date: `late_by` for a stage, days overdue for an invoice
    # An announcement's change: its terms before and after, the note (what the message says).
    # Left out of comparisons: the key (its id, `from`, the announce day) is its identity.
    announcement: Announcement | None = field(default=None, compare=False)

    @property
    def key(self) -> Key:
        """What the sent log records: the same thing owed on the same trigger day is one reminder."""
        return (self.what, self.engagement_id, self.about, self.date, self.trigger)

    @property
    def id(self) -> str:
        """The key as text, for people and for board.json."""
        return f"{self.what}:{self.engagement_id}:{self.about}:{self.date.isoformat()}:{self.trigger.isoformat()}"

    @property
    def owed(self) -> Decimal | None:
        """For an invoice: its amount plus the late fee so far."""
        if self.amount is None:
            return None
        return self.amount + (self.late_fee or Decimal(0))


@dataclass(frozen=True)
class Owed:
    """One thing owed on `today`: a reminder of it (its trigger day not chosen yet) and the
    trigger days of its cadence from the day it could be chased up to today, oldest first.
    `once`: told once at most (an announcement), whatever day of it the log holds."""

    reminder: Reminder
    triggers: tuple[date, ...]
    once: bool = False


def _addressed(snap: Snapshot, today: date, **about: object) -> Reminder:
    """A reminder to the client's contact of `snap` (trigger day: today until one is chosen)."""
    terms = snap.terms
    return Reminder(
        engagement_id=snap.id,
        client=terms.client,
        project=terms.project,
        language=terms.language,
        to_name=terms.contacts.client.name,
        to=terms.contacts.client.email,
        trigger=today,
        **about,  # type: ignore[arg-type]
    )


def _days_up_to(days: Iterable[date | None], first: date, today: date) -> tuple[date, ...]:
    """The trigger days from `first` (the thing could be chased) to `today`, oldest first."""
    return tuple(sorted({d for d in days if d is not None and first <= d <= today}))


def stage_owed(snap: Snapshot, today: date, cadence: StageCadence) -> list[Owed]:
    """The client's open stages not done, with their trigger days in working days."""
    if snap.schedule.state not in CHASING_STAGES:
        return []
    cal = snap.loaded.calendar

    def shifted(step, day: date, n: int) -> date | None:  # a day outside the calendar is no day
        try:
            return step(day, n)
        except OutOfRange:
            return None

    found = []
    for plan in snap.schedule.stages:
        link = plan.promise
        if plan.owner != "client" or link is None or plan.stage.done is not None or link.opens > today:
            continue
        due = link.due
        days = [shifted(cal.sub, due, n) for n in cadence.before]
        days += [due] if cadence.on_due else []
        days += [shifted(cal.add, due, n) for n in cadence.after]
        triggers = _days_up_to(days, link.opens, today)
        if not triggers:
            continue
        reminder = _addressed(
            snap,
            today,
            what="stage",
            kind="stage-late" if due < today else "stage-soon",
            about=plan.name,
            date=due,
            deliverables=tuple(plan.stage.deliverables),
            days_left=cal.between(today, due),
            days_late=plan.late_by or 0,
        )
        found.append(Owed(reminder, triggers))
    return found


def payment_owed(snap: Snapshot, today: date, cadence: PaymentCadence) -> list[Owed]:
    """Unpaid invoices, with their trigger days in calendar days."""
    found = []
    for pay in snap.payments:
        if pay.state not in CHASING_PAYMENTS or pay.due_date is None or pay.invoice_date is None:
            continue
        due = pay.due_date
        days = [due - timedelta(days=n) for n in cadence.before]
        days += [due] if cadence.on_due else []
        days += [due + timedelta(days=n) for n in cadence.after]
        triggers = _days_up_to(days, pay.invoice_date, today)
        if not triggers:
            continue
        kind = "invoice-soon" if due > today else "invoice-due" if due == today else "invoice-overdue"
        reminder = _addressed(
            snap,
            today,
            what="payment",
            kind=kind,
            about=pay.name,
            date=due,
            amount=pay.amount,
            late_fee=pay.late_fee,
            currency=snap.terms.currency,
            days_left=max((due - today).days, 0),
            days_late=pay.days_overdue,
        )
        found.append(Owed(reminder, triggers))
    return found


def announcement_owed(snap: Snapshot, today: date) -> list[Owed]:
    """The announced policy changes to tell this client on `today`: each from its announce day
    until its `from`, with the announce day as its one trigger day, to be told once."""
    found = []
    for announced in announcements_due([snap], today):
        reminder = _addressed(
            snap,
            today,
            what=ANNOUNCEMENT,
            kind=POLICY_CHANGE,
            about=announced.id,
            date=announced.starts,
            days_left=(announced.starts - today).days,
            announcement=announced,
        )
        found.append(Owed(reminder, (announced.announced_on,), once=True))
    return found


def owed_on(board: Board) -> list[Owed]:
    """Everything owed on the board's day that its engagement's `reminders` policy chases, and
    the policy changes to announce to it (`reminders: false` stops those too: no message goes
    to that client by itself), oldest due date first."""
    found: list[Owed] = []
    for snap in board.snapshots:
        policy = snap.terms.reminders
        if policy is None:
            continue
        if policy.stages is not None:
            found.extend(stage_owed(snap, board.today, policy.stages))
        if policy.payments is not None:
            found.extend(payment_owed(snap, board.today, policy.payments))
        found.extend(announcement_owed(snap, board.today))
    return sorted(found, key=lambda o: _order(o.reminder))


def _order(rem: Reminder) -> tuple:
    return (rem.date, rem.engagement_id, KINDS.index(rem.kind), rem.about)


@dataclass(frozen=True)
class Step:
    """What to do about one thing owed: send one reminder (or none), record others as skipped.

    The skipped ones are recorded once `send` was accepted (or at once when there is none):
    a failed message leaves the step to the next run exactly as it was."""

    send: Reminder | None
    skip: tuple[Reminder, ...] = ()


@dataclass(frozen=True)
class Plan:
    """The day's decision: what to send, what to skip, what an earlier run sent today."""

    today: date
    steps: list[Step]  # in the order to send, oldest due date first
    sent: list[tuple[Reminder, Recorded]]  # reminders an earlier run sent on `today`
    digest: Recorded | None  # the studio's digest of `today`, when a run sent it

    @property
    def to_send(self) -> list[Reminder]:
        return [step.send for step in self.steps if step.send is not None]


def _by_thing(recorded: Mapping[Key, Recorded]) -> dict[tuple[str, str, str, date], date]:
    """(what, engagement, about, due) -> the latest trigger day the log holds for it."""
    latest: dict[tuple[str, str, str, date], date] = {}
    for what, engagement, about, due, trigger in recorded:
        thing = (what, engagement, about, due)
        if thing not in latest or trigger > latest[thing]:
            latest[thing] = trigger
    return latest


def decide(owed: Owed, recorded: Mapping[Key, Recorded], latest: date | None, today: date) -> Step:
    """One thing owed: the latest pending trigger day is sent (late when it is past), the
    earlier pending ones skipped; none is sent when the log already holds a later day (or,
    for a thing told once, any day: `latest` is the latest day the log holds of it)."""
    at = [replace(owed.reminder, trigger=day, late=day < today) for day in owed.triggers]
    pending = [rem for rem in at if rem.key not in recorded]
    if not pending:
        return Step(None)
    newest = pending[-1]
    if latest is not None and (owed.once or latest >= newest.trigger):
        return Step(None, tuple(pending))
    return Step(newest, tuple(pending[:-1]))


def plan_reminders(board: Board, recorded: Mapping[Key, Recorded]) -> Plan:
    """What to send on the board's day, given what the sent log holds (`recorded`)."""
    today = board.today
    latest = _by_thing(recorded)
    steps: list[Step] = []
    sent: list[tuple[Reminder, Recorded]] = []
    for owed in owed_on(board):
        rem = owed.reminder
        step = decide(owed, recorded, latest.get((rem.what, rem.engagement_id, rem.about, rem.date)), today)
        if step.send is not None or step.skip:
            steps.append(step)
        for day in owed.triggers:
            done = recorded.get((rem.what, rem.engagement_id, rem.about, rem.date, day))
            if done is not None and done.sent and done.day == today:
                sent.append((replace(rem, trigger=day, late=done.event == SENT_LATE), done))
    return Plan(today, steps, sent, recorded.get(digest_key(today)))
