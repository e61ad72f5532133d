"""Which reminders the studio should send on `today`: plain data, no words.

A reminder chases the client for something they owe:

* a stage of theirs that is open and due within two working days (`stage-soon`), or past
  its promised due and not done (`stage-late`);
* an invoice, unpaid, in the seven days before its due date (`invoice-soon`), on the due
  date (`invoice-due`), and every day after it (`invoice-overdue`).

A reminder stays on the list every day its condition holds, under the same `id`, so a
board built on any day shows it and a scheduled job that remembers the ids it sent never
sends the same one twice (see docs/calendar-and-reminders.md). Words, languages and the
`mailto:` link are built from this in `publish/mailto.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .board import Board, Snapshot

STAGE_WINDOW = 2
"""A client stage is chased from this many working days before its due date."""

INVOICE_WINDOW = 7
"""An invoice is chased from this many (calendar) days before its due date."""

KINDS = ("stage-soon", "stage-late", "invoice-soon", "invoice-due", "invoice-overdue")

# States in which the client's stages are being worked on (no chasing on hold or in a proposal).
CHASING_STAGES = frozenset({"active"})


@dataclass(frozen=True)
class Reminder:
    """One thing the client owes today, with everything a message about it needs."""

    engagement_id: str
    client: str
    project: str
    language: str  # the engagement's language: the message is written in it
    to_name: str  # the client's contact
    to: str | None  # the client's email (None when the file gives none)
    kind: str  # one of KINDS
    about: str  # the stage's or the payment's name
    date: date  # the due date being chased
    deliverables: tuple[str, ...] = ()  # a stage's deliverables, when listed
    amount: Decimal | None = None  # a payment's amount
    late_fee: Decimal | None = None  # the late fee accrued so far (0 until overdue)
    currency: str | None = None
    days_left: int = 0  # until the due date: working days for a stage, days for an invoice
    days_late: int = 0  # past the due date: working days for a stage, days for an invoice

    @property
    def id(self) -> str:
        """Stable while the same thing is owed: engagement, kind, stage or payment, due date."""
        return f"{self.engagement_id}:{self.kind}:{self.about}:{self.date.isoformat()}"

    @property
    def owed(self) -> Decimal | None:
        """For an invoice: its amount plus the late fee so far."""
        if self.amount is None:
            return None
        return self.amount + (self.late_fee or Decimal(0))


def addressed(snap: Snapshot, **about: Any) -> Reminder:
    """A reminder to the client's contact of `snap`, about what `about` names."""
    terms = snap.terms
    return Reminder(
        engagement_id=snap.id,
        client=terms.client,
        project=terms.project,
        language=terms.language,
        to_name=terms.contacts.client.name,
        to=terms.contacts.client.email,
        **about,
    )


def stage_reminders(snap: Snapshot, today: date) -> list[Reminder]:
    """The client's open stages due within STAGE_WINDOW working days, or late."""
    if snap.schedule.state not in CHASING_STAGES:
        return []
    cal = snap.loaded.calendar
    found = []
    for plan in snap.schedule.stages:
        link = plan.promise
        if plan.owner != "client" or link is None or plan.stage.done is not None or link.opens > today:
            continue
        if link.due < today:
            kind, days_left, days_late = "stage-late", 0, cal.between(link.due, today)
        elif cal.between(today, link.due) <= STAGE_WINDOW:
            kind, days_left, days_late = "stage-soon", cal.between(today, link.due), 0
        else:
            continue
        found.append(
            addressed(
                snap,
                kind=kind,
                about=plan.name,
                date=link.due,
                deliverables=tuple(plan.stage.deliverables),
                days_left=days_left,
                days_late=days_late,
            )
        )
    return found


def invoice_reminders(snap: Snapshot, today: date) -> list[Reminder]:
    """Unpaid invoices in the INVOICE_WINDOW days before their due date, on it, and after it."""
    terms = snap.terms
    found = []
    for pay in snap.payments:
        if pay.state not in ("invoiced", "overdue") or pay.due_date is None:
            continue
        days_left = (pay.due_date - today).days
        if days_left < 0:
            kind = "invoice-overdue"
        elif days_left == 0:
            kind = "invoice-due"
        elif days_left <= INVOICE_WINDOW:
            kind = "invoice-soon"
        else:
            continue
        found.append(
            addressed(
                snap,
                kind=kind,
                about=pay.name,
                date=pay.due_date,
                amount=pay.amount,
                late_fee=pay.late_fee,
                currency=terms.currency,
                days_left=max(days_left, 0),
                days_late=max(-days_left, 0),
            )
        )
    return found


def due_reminders(board: Board) -> list[Reminder]:
    """Every reminder due on the board's day, oldest due date first."""
    found = []
    for snap in board.snapshots:
        found.extend(stage_reminders(snap, board.today))
        found.extend(invoice_reminders(snap, board.today))
    return sorted(found, key=lambda r: (r.date, r.engagement_id, KINDS.index(r.kind), r.about))
