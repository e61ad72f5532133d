"""Policy changes announced before they take effect (`changes` in `_policies.yml`).

    changes:
      - from: 2027-03-01            # the day the new values apply
        announce: 30                # days before `from` the client pages announce it (default 30)
        set: {payment: {late_fee: 2%}}
        note: Late fees rise to 2% per 30 days.

`Rules` holds an engagement's terms before and after each change (`validate.load_engagement`
makes it; an engagement that sets a key itself keeps its own value). Which terms apply to
what (format.md, "History"; docs/guide/history.md):

* a payment rule (`payment`): to payments invoiced on or after `from` (`Rules.on(invoice day)`);
* consequences: to stages opening on or after `from` (the late client stage's, our late
  stage's own opening day);
* the buffer: to engagements signed on or after `from` (a promised duration is not changed
  under a signed agreement);
* everything else (communication, turnaround, responsibilities, calendar, ...): from `from`
  on, for the whole engagement.

`announcements(snapshot, today)` lists what a client page announces on a day, and
`announcements_due` what the reminders should send (one message per engagement and change,
with a stable id). Pure: no clock, no files.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Engagement, PolicyChange
    from .snapshot import Snapshot

SHOWN_AFTER = timedelta(days=30)
"""A change stays on the client page this long after it took effect ("since ...")."""


@dataclass(frozen=True, slots=True)
class Step:
    """One change as one engagement sees it: its terms once the change applies."""

    index: int  # in `_policies.yml`'s `changes`
    change: PolicyChange
    terms: Engagement  # the engagement's terms with this change and every earlier one applied
    keys: frozenset[str]  # the top-level policy keys whose value changed for this engagement

    @property
    def starts(self) -> date:
        return self.change.from_


@dataclass(frozen=True, slots=True)
class Rules:
    """An engagement's terms over time: before the first change, and after each one."""

    base: Engagement
    steps: tuple[Step, ...]  # in order of `from`

    def on(self, day: date | None) -> Engagement:
        """The terms in force on `day` (None: the base terms)."""
        terms = self.base
        if day is None:
            return terms
        for step in self.steps:
            if step.starts <= day:
                terms = step.terms
        return terms

    def now(self, today: date) -> Engagement:
        """The terms the engagement shows on `today`: every change in force that day, but the
        buffer of the signing day (the one its promised durations were computed with). The
        schedule and the payments still look the payment rule and the consequences up item
        by item (`on`)."""
        terms = self.on(today)
        buffer = self.durations_terms(self.base.signed, today).buffer
        return terms if terms.buffer == buffer else terms.model_copy(update={"buffer": buffer})

    def durations_terms(self, signed: date | None, today: date) -> Engagement:
        """The terms whose buffer sets the promised durations: those of the signing day
        (a proposal: today's)."""
        return self.on(signed if signed is not None else today)


def rules_of(base: Engagement, changes: Iterable[tuple[int, PolicyChange, Engagement]]) -> Rules | None:
    """The rules of an engagement from its terms after each change (None when no change
    changes anything for it: it set every key itself)."""
    steps: list[Step] = []
    previous = base
    for index, change, terms in sorted(changes, key=lambda item: (item[1].from_, item[0])):
        keys = frozenset(
            key for key in change.set.model_dump(exclude_unset=True) if getattr(terms, key) != getattr(previous, key)
        )
        if keys:
            steps.append(Step(index, change, terms, keys))
        previous = terms
    return Rules(base, tuple(steps)) if steps else None


# -- What a client page announces ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Announcement:
    """A policy change one engagement's client is told about."""

    id: str  # stable: the engagement, the change's day and what it sets
    engagement_id: str
    starts: date  # `from`
    announced_on: date  # `from - announce`
    keys: frozenset[str]  # what changes for this engagement
    before: Engagement  # its terms the day before
    after: Engagement  # its terms from `from`
    note: dict[str, list[str]] | None
    in_force: bool  # `from` has come


def change_id(engagement_id: str, step: Step) -> str:
    """A stable id: the same change of the same engagement always gets the same one."""
    written = json.dumps(step.change.set.model_dump(mode="json", exclude_unset=True), sort_keys=True)
    digest = hashlib.sha256(written.encode("utf-8")).hexdigest()[:10]
    return f"policy-change:{engagement_id}:{step.starts.isoformat()}:{digest}"


def affects(snapshot: Snapshot, step: Step) -> bool:
    """Whether a change matters to an engagement: it changes one of its values, and that
    value still has something to apply to on or after `from` (a payment not invoiced before
    it, a stage not opened before it, an engagement not yet signed, or simply work going on).
    A finished engagement still has its payments: a payment rule applies to its last invoice
    when that is issued on or after `from` (the new late fee would be charged unannounced)."""
    plan = snapshot.schedule
    if plan.state == "cancelled":
        return False
    finished = plan.state == "done"
    starts = step.starts
    for key in step.keys:
        if key == "payment":
            for pay in snapshot.payments:
                invoiced = pay.invoice_date or pay.expected_invoice_date
                if pay.state != "paid" and (invoiced is None or invoiced >= starts):
                    return True
        elif finished:  # no stage, signing or work left for anything else to apply to
            continue
        elif key == "consequences":
            for stage in plan.stages:
                if stage.promise is None or (stage.stage.done is None and stage.promise.opens >= starts):
                    return True
        elif key == "buffer":
            if snapshot.terms.signed is None or snapshot.terms.signed >= starts:
                return True
        else:
            return True
    return False


def announcements(snapshot: Snapshot, today: date) -> list[Announcement]:
    """The changes a client page shows on `today`: from `announce` days before `from` until
    SHOWN_AFTER after it, those that affect the engagement."""
    rules = snapshot.loaded.rules
    if rules is None:
        return []
    out = []
    previous = rules.base
    for step in rules.steps:
        announced_on = step.starts - timedelta(days=step.change.announce)
        if announced_on <= today < step.starts + SHOWN_AFTER and affects(snapshot, step):
            out.append(
                Announcement(
                    change_id(snapshot.id, step),
                    snapshot.id,
                    step.starts,
                    announced_on,
                    step.keys,
                    previous,
                    step.terms,
                    step.change.note,
                    step.starts <= today,
                )
            )
        previous = step.terms
    return out


def announcements_due(snapshots: Iterable[Snapshot], day: date) -> list[Announcement]:
    """For the reminders (`courtside remind --send`): per engagement, each change to announce
    on `day`: announced on or before it and not yet in force. Send each id once (a run that
    missed the announcement day still finds it due until `from`)."""
    return [a for snap in snapshots for a in announcements(snap, day) if not a.in_force]
