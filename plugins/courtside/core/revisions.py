"""When each calendar event last moved: its `SEQUENCE` and `LAST-MODIFIED` (and `DTSTAMP`).

With the git history of `projects/` (core/history.py), an event's SEQUENCE is the number of
evaluated versions (commits, and the build's own files when they differ) that moved its
date, and LAST-MODIFIED the day of the last one: it never goes down as history grows.

Without history (not a repository, a shallow clone), the build has no memory, and the
revision is derived from the engagement and `today` alone: LAST-MODIFIED is the last day
something moved the event (a recorded date before it, or today while a stage before it
runs late), and SEQUENCE counts the days from the day the dates were assigned to that day.
It grows whenever the event moves, as long as recorded dates are written down on the day
they happen (docs/calendar-and-reminders.md).

The calendars (publish/ical.py) only write these values.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, NamedTuple

from .schedule import deposit_paid

if TYPE_CHECKING:
    from .schedule import StagePlan
    from .snapshot import Snapshot


def assigned_on(snap: Snapshot) -> date | None:
    """The day the dates were assigned: signing, or the deposit's payment when later."""
    terms = snap.terms
    ready, paid = deposit_paid(terms)
    if terms.signed is None or not ready:
        return None
    return max(terms.signed, paid) if paid else terms.signed


def _latest(*days: date | None) -> date | None:
    """The latest of the known days, None when none is known."""
    known = [d for d in days if d is not None]
    return max(known) if known else None


def moved_on(snap: Snapshot) -> tuple[list[date | None], list[date | None]]:
    """Per stage: the last day its due date moved, and the last day its end moved.

    None means never since the dates were assigned. What moves a stage (format.md, the
    date rules): the end of the stage before it, a gate payment holding it, a recorded
    `started` that differs from the date it replaces, and, for its end, a `done` that
    differs from its due date or `today` while it runs late.
    """
    plan, cal, today = snap.schedule, snap.loaded.calendar, snap.schedule.today
    gates: dict[str, list] = {}
    for payment in snap.terms.payments:
        if payment.gate:
            gates.setdefault(payment.due, []).append(payment)
    due_moved: list[date | None] = []
    end_moved: list[date | None] = []
    previous: StagePlan | None = None
    for index, stage_plan in enumerate(plan.stages):
        link, stage = stage_plan.promise, stage_plan.stage
        assert link is not None
        if stage.started is not None:
            replaced = plan.start if previous is None else cal.next(previous.promise.end)  # type: ignore[union-attr]
            opens = stage.started if stage.started != replaced else None
        elif index == 0:
            opens = None
        else:
            opens = end_moved[-1]
            assert previous is not None
            if link.gated:
                for payment in gates.get(previous.name, ()):
                    opens = _latest(opens, payment.paid if payment.paid is not None else today)
        end = opens
        if stage.done is not None:
            if stage.done != link.due:
                end = _latest(end, stage.done)
        elif link.due < today:
            end = _latest(end, today)
        due_moved.append(opens)
        end_moved.append(end)
        previous = stage_plan
    return due_moved, end_moved


class Revision(NamedTuple):
    """An event's revision: SEQUENCE and LAST-MODIFIED (also its DTSTAMP)."""

    sequence: int
    modified: datetime


def revision(assigned: date, today: date, *moves: date | None) -> Revision:
    """SEQUENCE = days from the assignment to the last move (capped at today); UTC midnight."""
    last = _latest(assigned, *moves) or assigned
    last = max(assigned, min(last, today))
    return Revision((last - assigned).days, midnight(last))


def midnight(day: date) -> datetime:
    """A day as the UTC midnight that starts it (LAST-MODIFIED of an all-day change)."""
    return datetime.combine(day, time(0), tzinfo=UTC)


class EventRevisions(NamedTuple):
    """The revision of each stage's and each payment's event, in the engagement's order."""

    stages: list[Revision]
    payments: list[Revision]


def event_revisions(snap: Snapshot) -> EventRevisions | None:
    """Every event's revision: from the history when the snapshot has one, else derived from
    `today` (None for an engagement without dates: it has no events)."""
    assigned = assigned_on(snap)
    if assigned is None or not snap.schedule.dated:
        return None
    story = snap.history
    if story is not None and story.revisions is not None:
        known = story.revisions
        fallback = Revision(0, midnight(min(assigned, snap.schedule.today)))
        return EventRevisions(
            [known.get(("stage", plan.name), fallback) for plan in snap.schedule.stages],
            [known.get(("payment", pay.name), fallback) for pay in snap.payments],
        )
    plan = snap.schedule
    if plan.state == "cancelled":
        # No stage has an event any more (its stages not done have no dates); a payment still
        # owed moved last when its stage was done (the day it was invoiced) or when it was paid.
        end_moved: list[date | None] = [stage_plan.stage.done for stage_plan in plan.stages]
        stages = [revision(assigned, plan.today) for _ in plan.stages]
    else:
        due_moved, end_moved = moved_on(snap)
        stages = []
        for stage_plan in plan.stages:
            done = stage_plan.stage.done if stage_plan.owner == "client" else None
            stages.append(revision(assigned, plan.today, due_moved[stage_plan.index], done))
    stage_index = {s.name: s.index for s in plan.stages}
    payments = []
    for pay in snap.payments:
        moves: list[date | None] = [pay.payment.paid]
        if pay.stage is not None:
            index = stage_index[pay.stage]
            moves += [end_moved[index], plan.stages[index].stage.done]
        payments.append(revision(assigned, plan.today, *moves))
    return EventRevisions(stages, payments)
