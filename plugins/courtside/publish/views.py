"""View models: everything the templates show, computed here so that templates only render.

`client_view` builds the client's "How We Work Together" page of one engagement, in the
engagement's language; it sees that engagement alone (never the board, never another
engagement) and the promise chain alone (never target dates). `board_view` builds the
internal status board over every engagement.

Every sentence is one gettext message with named placeholders, filled with values the
page's `Speech` has already formatted (dates, money, working days); nothing here glues
translated fragments together, and no message holds HTML.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache
from typing import Any

from babel.dates import get_timezone, get_timezone_gmt, get_timezone_location
from markupsafe import Markup

from ..core.board import Board, totals
from ..core.model import Person
from ..core.money import PaymentPlan
from ..core.pipeline import Broken
from ..core.problems import Problem
from ..core.schedule import StagePlan
from ..core.snapshot import Snapshot
from ..core.values import LANGUAGES, pick_texts
from .history_view import board_history, client_history
from .i18n import Speech, speech_for
from .ical import CalendarLinks
from .timeline import board_chart, proposal_chart, stage_chart

# The Content-Security-Policy of a built client page: its own stylesheet and nothing else.
CLIENT_CSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'"


# -- Small pieces -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fact:
    """A label and its value, for the "at a glance" panel and the totals."""

    label: str
    value: str
    note: str | None = None


@dataclass(frozen=True)
class Texts:
    """Free texts of the policies in the page's language (`lang` set when they fall back)."""

    items: list[str]
    lang: str | None = None


@dataclass(frozen=True)
class Contact:
    """One side's single contact."""

    heading: str
    name: str | None
    email: str | None
    phone: str | None

    # The `mailto:` link, from the one encoder of every mailto link (publish/mailto.py).
    @property
    def mailto(self) -> str | None:
        from .mailto import mailto_href

        return mailto_href(self.email) if self.email else None


@dataclass(frozen=True)
class BrokenView:
    """An engagement that failed validation (shown only while serving)."""

    heading: str
    file: str
    problems: list[str]


# -- The client page ----------------------------------------------------------------------------


@dataclass(frozen=True)
class StageRow:
    """One stage on the client page: promise-chain dates only."""

    number: str
    name: str
    owner: str  # us | client
    court: str
    deliverables: list[str]
    days: str  # promised working days
    opens: str | None  # None: no date (a cancelled stage)
    due: str | None
    state: str  # done | in-progress | waiting | late | upcoming | proposed | on-hold | cancelled (a CSS class)
    state_label: str
    state_note: str | None


@dataclass(frozen=True)
class PaymentRow:
    """One payment on the client page."""

    name: str
    amount: str
    percent: str | None
    invoice: str | None  # None: it will not be invoiced (cancelled)
    due: str | None
    state: str  # paid | overdue | invoiced | upcoming | cancelled
    state_label: str
    late_fee: str | None
    gate_note: str | None


@dataclass(frozen=True)
class ClientView:
    """The client page of one engagement, in its language."""

    language: str
    direction: str
    speech: Speech
    title: str
    csp: str | None
    broken: BrokenView | None = None
    studio: str = ""
    client: str = ""
    project: str = ""
    proposal: bool = False
    status: str = ""
    status_key: str = ""
    as_of: str = ""
    glance: list[Fact] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    channels_lang: str | None = None
    response: str = ""
    email_hours: list[str] = field(default_factory=list)
    email_zone: str | None = None  # the time zone of the email hours, in the page's language
    ours: Texts = Texts([])
    yours: Texts = Texts([])
    notices: list[str] = field(default_factory=list)  # what the client must know before the dates
    timeline: Markup | None = None  # None: nothing to draw (a cancelled engagement)
    timeline_narrow: Markup | None = None  # the same chart laid out for a phone
    timeline_note: str = ""
    legend: list[tuple[str, str]] = field(default_factory=list)
    stages: list[StageRow] = field(default_factory=list)
    handoffs: list[str] = field(default_factory=list)
    lateness_rules: list[str] = field(default_factory=list)
    lateness_now: list[str] = field(default_factory=list)
    payments: list[PaymentRow] = field(default_factory=list)
    fee: str | None = None
    payment_terms: list[str] = field(default_factory=list)
    owed: str = ""
    owed_now: bool = False
    turnaround: list[str] = field(default_factory=list)  # empty: no more work to talk about
    calendar: CalendarLinks | None = None
    calendar_note: str = ""
    history: Any = None  # publish/history_view.ClientHistory: what changed, the acceptance, announcements

    # What the template context gets besides the view: `_`, `gettext`, `ngettext`, `speech`.
    def jinja_globals(self) -> dict[str, Any]:
        return self.speech.jinja_globals()


# A name inside a sentence, isolated so that a right-to-left name in a left-to-right sentence
# (or the reverse) keeps its own direction and does not reorder the words around it.
def isolate(text: str) -> Markup:
    return Markup("<bdi>%s</bdi>") % text


# The free texts for the page's language, with the language they are really in.
def local_texts(texts: dict[str, list[str]], language: str) -> Texts:
    items, fallback = pick_texts(texts, language)
    if not fallback:
        return Texts(items)
    other = next((key for key in ("en", *texts) if key in texts and key in LANGUAGES), None)
    return Texts(items, other)


# Whose court a stage is in, said to the client.
def court_label(owner: str, speech: Speech) -> str:
    return speech.gettext("Our court") if owner == "us" else speech.gettext("Your court")


# The state of an engagement, as the client reads it.
def status_label(snapshot: Snapshot, speech: Speech) -> str:
    _ = speech.gettext
    plan = snapshot.schedule
    labels = {
        "proposal": _("Proposal"),
        "active": _("In progress"),
        "done": _("Completed"),
        "on-hold": _("On hold"),
        "cancelled": _("Cancelled"),
    }
    if plan.state == "scheduled" and plan.start is not None:
        return _("Starts on %(date)s", date=speech.date(plan.start))
    return labels.get(plan.state, plan.state)


# The time zone of the email hours in the page's language: "Los Angeles time", "hora de Los
# Ángeles", "часовой пояс: Лос-Анджелес". Named by its city (Babel's CLDR exemplar city): the
# CLDR names of whole zones are missing for many ("Gulf Standard Time" has no generic form,
# London's "Greenwich Mean Time" is wrong all summer) and Babel's Russian fallback says
# "летнее время" (summer time) of every zone. Zones of no place (UTC, Etc/GMT+5) are given by
# their offset from GMT on the page's day.
def zone_label(zone: str, speech: Speech, today: date) -> str:
    tz = get_timezone(zone)
    if "/" not in zone or zone.startswith("Etc/"):
        return get_timezone_gmt(datetime.combine(today, time(12), tzinfo=tz), width="long", locale=speech.locale)
    city = get_timezone_location(tz, locale=speech.locale, return_city=True)
    return speech.gettext("%(city)s time", city=city)


# The state of one stage on the client page: a key for styling, a label and a note.
def stage_state(plan: StagePlan, snapshot: Snapshot, speech: Speech) -> tuple[str, str, str | None]:
    _ = speech.gettext
    schedule = snapshot.schedule
    if plan.state == "cancelled":
        return "cancelled", _("Cancelled"), None
    if plan.state == "proposed":
        return "proposed", _("Proposed"), None
    if plan.state == "done":
        note = _("on %(date)s", date=speech.short_date(plan.stage.done)) if plan.stage.done else None
        return "done", _("Done"), note
    if schedule.state == "on-hold":
        return "on-hold", _("On hold"), None
    if schedule.gated and plan is schedule.current:
        return "waiting", _("Waiting for your payment"), None
    late = speech.working_days(plan.late_by or 0)
    if plan.state == "late":
        label = _("Late: waiting on you") if plan.owner == "client" else _("Late")
        return "late", label, _("%(days)s past the due date", days=late)
    if plan.state == "in-progress":
        return ("waiting", _("Waiting on you"), None) if plan.owner == "client" else (
            "in-progress",
            _("In progress"),
            None,
        )
    return "upcoming", _("Upcoming"), None


# A date for a table cell: short, with the year when it is not the page's year.
def _cell_date(value: date, speech: Speech, today: date) -> str:
    return speech.short_date(value, this_year=today.year)


def _stage_rows(snapshot: Snapshot, speech: Speech) -> list[StageRow]:
    """The stage list of the client page (the promise chain, never the target chain)."""
    today = snapshot.schedule.today
    rows = []
    for plan in snapshot.schedule.stages:
        link = plan.promise
        state, label, note = stage_state(plan, snapshot, speech)
        rows.append(
            StageRow(
                number=speech.number(plan.index + 1),
                name=plan.name,
                owner=plan.owner,
                court=court_label(plan.owner, speech),
                deliverables=list(plan.stage.deliverables),
                days=speech.working_days(plan.promised),
                opens=_cell_date(link.opens, speech, today) if link else None,
                due=_cell_date(link.due, speech, today) if link else None,
                state=state,
                state_label=label,
                state_note=note,
            )
        )
    return rows


# A handoff already made: who completed or delivered a stage, and when.
def _handed_over(plan: StagePlan, speech: Speech) -> str:
    _ = speech.gettext
    when, stage = speech.date(plan.stage.done), isolate(plan.name)  # type: ignore[arg-type]
    if plan.owner == "us":
        return _("On %(date)s we delivered “%(stage)s”.", date=when, stage=stage)
    return _("On %(date)s you completed “%(stage)s”.", date=when, stage=stage)


# The handoffs in plain words: who hands what to whom, and by when (promise chain). One
# sentence per stage, each date said once.
def handoffs(snapshot: Snapshot, speech: Speech) -> list[str]:
    _ = speech.gettext
    schedule, terms = snapshot.schedule, snapshot.terms
    plans = schedule.stages
    sentences: list[str] = []
    if schedule.state == "cancelled":
        sentences = [_handed_over(plan, speech) for plan in plans if plan.stage.done is not None]
        left = next((plan for plan in plans if plan.state == "cancelled"), None)
        if left is not None:
            sentences.append(
                _(
                    "The engagement was cancelled before “%(stage)s”: no further stage is scheduled.",
                    stage=isolate(left.name),
                )
            )
        return sentences
    if not schedule.dated:
        at = 0
        for plan in plans:
            at += plan.promised
            day = speech.number(at)
            if plan.owner == "us":
                sentences.append(_("By working day %(day)s we deliver “%(stage)s”.", day=day, stage=isolate(plan.name)))
            else:
                sentences.append(
                    _(
                        "By working day %(day)s you complete “%(stage)s”, which takes %(days)s.",
                        day=day,
                        stage=isolate(plan.name),
                        days=speech.working_days(plan.promised),
                    )
                )
        return sentences
    for plan, after in zip(plans, [*plans[1:], None], strict=True):
        if plan.stage.done is not None:
            sentences.append(_handed_over(plan, speech))
            continue
        if schedule.state == "on-hold":
            sentences.append(_("The project is on hold: the remaining handoffs get their dates again when work resumes."))
            break
        link = plan.promise
        assert link is not None  # a dated engagement that is not cancelled has every date
        stage = isolate(plan.name)
        if (gate := snapshot.gate) is not None and plan is schedule.current:
            sentences.append(
                _(
                    "You pay “%(payment)s” (%(amount)s), due on %(date)s; “%(stage)s” starts the working "
                    "day after it is paid.",
                    payment=isolate(gate.name),
                    amount=speech.money(gate.amount, terms.currency),
                    date=speech.date(gate.due_date),  # type: ignore[arg-type]
                    stage=stage,
                )
            )
        if plan.state == "late":
            values = {"date": speech.date(link.due), "stage": stage, "late": speech.working_days(plan.late_by or 0)}
            if plan.owner == "us":
                sentences.append(_("“%(stage)s” was due from us on %(date)s and is %(late)s late.", **values))
            else:
                sentences.append(_("Your part, “%(stage)s”, was due on %(date)s and is %(late)s late.", **values))
            continue
        due = speech.date(link.due)
        if after is None:
            if plan.owner == "us":
                sentences.append(_("On %(date)s we deliver “%(stage)s”, the last stage.", date=due, stage=stage))
            else:
                sentences.append(
                    _("Your part, “%(stage)s”, is due on %(date)s, the last stage.", date=due, stage=stage)
                )
        elif plan.owner == "client":
            sentences.append(_("Your part, “%(stage)s”, is due on %(date)s.", date=due, stage=stage))
        elif after.owner == "client":
            sentences.append(_("On %(date)s we hand you “%(stage)s”.", date=due, stage=stage))
        else:
            sentences.append(_("On %(date)s we deliver “%(stage)s”.", date=due, stage=stage))
    return sentences


# What happens when either side is late: the rules, with the numbers of the policies. A
# cancelled engagement has no more work to be late with.
def lateness_rules(snapshot: Snapshot, speech: Speech) -> list[str]:
    _ = speech.gettext
    terms = snapshot.terms
    if snapshot.schedule.state == "cancelled":
        return []
    client, ours = terms.consequences.client, terms.consequences.us
    rules = []
    restart = speech.working_days(client.restart)
    if client.grace:
        rules.append(
            _(
                "If your part is late, there is a grace period of %(grace)s. Past it, the project "
                "pauses, and we pick it up again %(restart)s after your part arrives, to fit it "
                "back into our schedule.",
                grace=speech.working_days(client.grace),
                restart=restart,
            )
        )
    else:
        rules.append(
            _(
                "If your part is late, the project pauses, and we pick it up again %(restart)s "
                "after your part arrives, to fit it back into our schedule.",
                restart=restart,
            )
        )
    if ours.discount > 0:
        values = {"discount": speech.percent(ours.discount), "cap": speech.percent(ours.cap)}
        if terms.fee is not None:
            maximum = speech.money(terms.fee * ours.cap, terms.currency)
            rules.append(
                _(
                    "If we are late, we take %(discount)s off the fee for every week we are late "
                    "(a started week counts as a whole one), up to %(cap)s of the fee, %(maximum)s.",
                    maximum=maximum,
                    **values,
                )
            )
        else:
            rules.append(
                _(
                    "If we are late, we take %(discount)s off the fee for every week we are late "
                    "(a started week counts as a whole one), up to %(cap)s of the fee.",
                    **values,
                )
            )
    return rules


# What has actually happened: late stages, triggered consequences and our credit.
def lateness_now(snapshot: Snapshot, speech: Speech) -> list[str]:
    _ = speech.gettext
    terms, plan = snapshot.terms, snapshot.schedule
    grace = terms.consequences.client.grace
    lines: list[str] = []
    stages = plan.stages
    for index, stage in enumerate(stages):
        if not stage.late_by:
            continue
        late = speech.working_days(stage.late_by)
        after = stages[index + 1] if index + 1 < len(stages) else None
        done = stage.stage.done is not None
        if stage.owner == "client" and not stage.consequence:
            lines.append(
                _(
                    "“%(stage)s” is %(late)s late, within the grace period of %(grace)s.",
                    stage=isolate(stage.name),
                    late=late,
                    grace=speech.working_days(grace),
                )
                if not done
                else _(
                    "“%(stage)s” arrived %(late)s late, within the grace period of %(grace)s.",
                    stage=isolate(stage.name),
                    late=late,
                    grace=speech.working_days(grace),
                )
            )
        elif stage.owner == "client" and done:
            if after is not None and after.promise is not None and after.promise.restarted:
                values = {
                    "stage": isolate(stage.name),
                    "late": late,
                    "next": isolate(after.name),
                    "date": speech.date(after.promise.opens),
                }
                if after.promise.opens > plan.today:
                    lines.append(
                        _(
                            "“%(stage)s” arrived %(late)s late, past the grace period: the project paused, "
                            "and “%(next)s” restarts on %(date)s.",
                            **values,
                        )
                    )
                else:
                    lines.append(
                        _(
                            "“%(stage)s” arrived %(late)s late, past the grace period: the project paused, "
                            "and “%(next)s” restarted on %(date)s.",
                            **values,
                        )
                    )
            else:
                lines.append(
                    _(
                        "“%(stage)s” arrived %(late)s late, past the grace period: the project paused.",
                        stage=isolate(stage.name),
                        late=late,
                    )
                )
        elif stage.owner == "client":
            lines.append(
                _(
                    "“%(stage)s” is %(late)s late, past the grace period: the project is paused "
                    "until it arrives, and picks up again %(restart)s later.",
                    stage=isolate(stage.name),
                    late=late,
                    restart=speech.working_days(terms.consequences.client.restart),
                )
            )
        elif done:
            lines.append(_("We delivered “%(stage)s” %(late)s late.", stage=isolate(stage.name), late=late))
        else:
            lines.append(_("“%(stage)s” is %(late)s late on our side.", stage=isolate(stage.name), late=late))
    if plan.credit:
        lines.append(
            _(
                "Our credit to you for this: %(amount)s (%(percent)s of the fee).",
                amount=speech.money(plan.credit, terms.currency),
                percent=speech.percent(plan.credit_rate),
            )
        )
    if not lines and plan.state == "done":
        lines.append(_("Nothing was triggered: both sides were on time."))
    elif not lines and plan.dated and plan.state != "cancelled":
        lines.append(_("Nothing has triggered so far: both sides are on time."))
    return lines


def _payment_invoice(payment: PaymentPlan, speech: Speech, today: date) -> str | None:
    """When a payment is invoiced: the date, the expected date, or the event it waits for.

    An expected date that is not after today belongs to a stage running late: the invoice
    follows the stage, not a date. None when it will not be invoiced (cancelled).
    """
    _ = speech.gettext
    if payment.state == "cancelled":
        return None
    if payment.invoice_date is not None:
        return _cell_date(payment.invoice_date, speech, today)
    expected = payment.expected_invoice_date
    if expected is not None and (expected > today or payment.stage is None):
        return _("expected %(date)s", date=_cell_date(expected, speech, today))
    due = payment.payment.due
    if due == "signing":
        return _("at signing")
    if due == "start":
        return _("at the start")
    if payment.stage is not None:
        return _("when “%(stage)s” is done", stage=isolate(payment.stage))
    return due


def _gate_note(snapshot: Snapshot, payment: PaymentPlan, speech: Speech) -> str | None:
    """What a gate payment holds back, while it is still to be paid."""
    _ = speech.gettext
    if not payment.payment.gate or not payment.open or payment.stage is None:
        return None
    held = snapshot.schedule.held_by_gate_on(payment.stage)
    if held is None:
        return None
    return _("“%(stage)s” starts once this is paid.", stage=isolate(held.name))


def _payment_rows(snapshot: Snapshot, speech: Speech) -> list[PaymentRow]:
    """The payment schedule: amounts, invoice and due dates, state, late fees."""
    _ = speech.gettext
    terms = snapshot.terms
    today = snapshot.schedule.today
    rows = []
    for payment in snapshot.payments:
        due: str | None
        if payment.state == "cancelled":
            due = None
        elif payment.due_date is not None:
            due = _cell_date(payment.due_date, speech, today)
        elif terms.payment.terms:
            due = speech.ngettext(
                "%(num)s day after the invoice", "%(num)s days after the invoice", terms.payment.terms
            )
        else:
            due = _("on the invoice date")
        if payment.state == "paid" and payment.payment.paid is not None:
            label = _("Paid on %(date)s", date=_cell_date(payment.payment.paid, speech, today))
        elif payment.state == "overdue":
            label = speech.ngettext("Overdue by %(num)s day", "Overdue by %(num)s days", payment.days_overdue)
        elif payment.state == "invoiced":
            label = _("Invoiced")
        elif payment.state == "cancelled":
            label = _("Cancelled")
        else:
            label = _("Upcoming")
        late_fee = None
        if payment.late_fee > 0:
            late_fee = _("Late fee: %(amount)s", amount=speech.money(payment.late_fee, terms.currency))
        rows.append(
            PaymentRow(
                name=payment.name,
                amount=speech.money(payment.amount, terms.currency),
                percent=speech.percent(payment.share) if payment.share is not None else None,
                invoice=_payment_invoice(payment, speech, today),
                due=due,
                state=payment.state,
                state_label=label,
                late_fee=late_fee,
                gate_note=_gate_note(snapshot, payment, speech),
            )
        )
    return rows


# The payment terms in sentences: net days, the late fee.
def payment_terms(snapshot: Snapshot, speech: Speech) -> list[str]:
    _ = speech.gettext
    policy = snapshot.terms.payment
    sentences = []
    if policy.terms:
        sentences.append(
            speech.ngettext(
                "Each invoice is due %(num)s day after its date.",
                "Each invoice is due %(num)s days after its date.",
                policy.terms,
            )
        )
    else:
        sentences.append(_("Each invoice is due on its date."))
    if policy.late_fee > 0:
        sentences.append(
            _(
                "A late payment carries a fee of %(rate)s of its amount per 30 days, counted by the day.",
                rate=speech.percent(policy.late_fee),
            )
        )
    return sentences


# What is owed now, in one sentence: late fees are named only when there are some.
def owed_sentence(snapshot: Snapshot, speech: Speech) -> str:
    _ = speech.gettext
    currency = snapshot.terms.currency
    owed, fees = snapshot.owed, snapshot.late_fees
    if owed > 0 and fees > 0:
        return _(
            "Owed now: %(amount)s, including %(fees)s in late fees.",
            amount=speech.money(owed, currency),
            fees=speech.money(fees, currency),
        )
    if owed > 0:
        return _("Owed now: %(amount)s.", amount=speech.money(owed, currency))
    if snapshot.schedule.state == "cancelled" or snapshot.next_payment is None:
        return _("Nothing more is owed.")
    return _("Nothing is owed right now.")


# Turnaround for change requests and new work (none once the engagement is cancelled).
def turnaround(snapshot: Snapshot, speech: Speech) -> list[str]:
    _ = speech.gettext
    if snapshot.schedule.state == "cancelled":
        return []
    policy = snapshot.terms.turnaround
    sentences = [
        _(
            "Small change requests: we turn them around within %(days)s.",
            days=speech.working_days(policy.changes),
        )
    ]
    if policy.new_work == "scheduled":
        sentences.append(
            _(
                "New work beyond the scope below is fitted into our production schedule: we agree on "
                "its dates with you before we start."
            )
        )
    else:
        sentences.append(
            _(
                "New work beyond the scope below starts within %(days)s of your go-ahead.",
                days=speech.working_days(int(policy.new_work)),
            )
        )
    return sentences


# One side's contact card (a heading even when nobody is named yet).
def _contact(heading: str, person: Person | None) -> Contact:
    if person is None:
        return Contact(heading, None, None, None)
    return Contact(heading, person.name, person.email, person.phone)


def _court_fact(snapshot: Snapshot, speech: Speech) -> Fact | None:
    """Whose move it is, and what it is: a payment that holds the next stage, or a stage
    (with how late it is). None when nothing moves: on hold, cancelled, done, a proposal."""
    _ = speech.gettext
    plan, current = snapshot.schedule, snapshot.schedule.current
    if snapshot.court is None or plan.state == "on-hold" or current is None or current.promise is None:
        return None
    if (gate := snapshot.gate) is not None and gate.due_date is not None:
        values = {"payment": isolate(gate.name), "date": speech.date(gate.due_date)}
        if gate.state == "overdue":
            note = _("Payment “%(payment)s”, was due %(date)s", **values)
        else:
            note = _("Payment “%(payment)s”, due %(date)s", **values)
        return Fact(_("Whose court"), court_label("client", speech), note)
    values = {"stage": isolate(current.name), "date": speech.date(current.promise.due)}
    if snapshot.current_late_by:
        note = _("“%(stage)s”, due %(date)s: %(late)s late", late=speech.working_days(snapshot.current_late_by), **values)
    else:
        note = _("“%(stage)s”, due %(date)s", **values)
    return Fact(_("Whose court"), court_label(current.owner, speech), note)


def _finish_fact(snapshot: Snapshot, speech: Speech) -> Fact | None:
    """The last date: when it was, or when it is promised and on what that promise rests."""
    _ = speech.gettext
    plan = snapshot.schedule
    if plan.state == "done":
        last = plan.stages[-1].stage.done
        return Fact(_("Finished"), speech.date(last)) if last else None
    if plan.final_due is None or plan.state in ("on-hold", "cancelled"):
        return None
    note = None
    current = plan.current
    if (gate := snapshot.gate) is not None:
        note = _("if “%(payment)s” is paid today", payment=isolate(gate.name))
    elif current is not None and snapshot.current_late_by:
        if current.owner == "client":
            note = _("if “%(stage)s” arrives today", stage=isolate(current.name))
        else:
            note = _("if we deliver “%(stage)s” today", stage=isolate(current.name))
    return Fact(_("Finish"), speech.date(plan.final_due), note)


def _glance(snapshot: Snapshot, speech: Speech, status: str) -> list[Fact]:
    """The facts a client wants first: status, whose court, start, finish, fee, owed."""
    _ = speech.gettext
    terms, plan = snapshot.terms, snapshot.schedule
    facts = [Fact(_("Status"), status)]
    if plan.state == "cancelled":
        pass  # no more dates: what was done and what is owed follow on the page
    elif not plan.dated:
        total = sum(stage.promised for stage in plan.stages)
        facts.append(Fact(_("Duration"), _("about %(days)s", days=speech.working_days(total))))
        if terms.signed is None:
            facts.append(Fact(_("Start"), _("After signing"), _("Dates are set once the contract is signed.")))
        else:
            facts.append(Fact(_("Start"), _("After the deposit"), _("Dates are set once the deposit is paid.")))
    else:
        if (court := _court_fact(snapshot, speech)) is not None:
            facts.append(court)
        if plan.start is not None:
            facts.append(Fact(_("Start"), speech.date(plan.start)))
        if (finish := _finish_fact(snapshot, speech)) is not None:
            facts.append(finish)
    if terms.fee is not None:
        facts.append(Fact(_("Fee"), speech.money(terms.fee, terms.currency)))
    if snapshot.payments and (plan.dated or snapshot.owed > 0):
        facts.append(Fact(_("Owed now"), speech.money(snapshot.owed, terms.currency)))
    return facts


# What the client must know before reading the dates: a payment that holds the work, a pause,
# a cancellation.
def notices(snapshot: Snapshot, speech: Speech) -> list[str]:
    _ = speech.gettext
    plan = snapshot.schedule
    if plan.state == "cancelled":
        found = [_("This engagement has been cancelled: no further work is scheduled.")]
        if snapshot.owed > 0:
            found.append(_("Invoices issued before the cancellation are still due; see “Payments” below."))
        return found
    if plan.state == "on-hold":
        return [
            _(
                "The project is on hold. The dates below are the ones that would apply if work resumed "
                "today; we will confirm new dates with you when it does."
            )
        ]
    found = []
    if (gate := snapshot.gate) is not None and plan.current is not None:
        found.append(
            _(
                "“%(stage)s” starts the working day after “%(payment)s” is paid; the dates below assume "
                "payment today.",
                stage=isolate(plan.current.name),
                payment=isolate(gate.name),
            )
        )
    if plan.dated:
        # Gates further on: each day such a payment waits moves every later date by a day.
        for payment in snapshot.payments:
            if payment is gate or not payment.payment.gate or not payment.open or payment.stage is None:
                continue
            held = plan.held_by_gate_on(payment.stage)
            if held is not None and plan.stages[held.index - 1].stage.done is None:
                found.append(
                    _(
                        "“%(stage)s” starts the working day after “%(payment)s” is paid; the dates below "
                        "assume it is paid the day “%(before)s” is done.",
                        stage=isolate(held.name),
                        payment=isolate(payment.name),
                        before=isolate(payment.stage),
                    )
                )
    return found


def _calendar_note(snapshot: Snapshot, speech: Speech) -> str:
    """What the calendar holds, said where its links are."""
    _ = speech.gettext
    plan, terms = snapshot.schedule, snapshot.terms
    if plan.state == "cancelled":
        return _("Your calendar keeps only what is still owed: the due dates of unpaid invoices.")
    if not plan.dated:
        if terms.signed is None:
            return _("Subscribe now: the dates appear in your calendar once the contract is signed.")
        return _("Subscribe now: the dates appear in your calendar once the deposit is paid.")
    if plan.state == "done":
        return _("The calendar keeps the dates of this engagement.")
    return _("Add our dates and yours to your calendar; a subscription follows every change.")


# A leading heading of the engagement's text (its HTML), and its words: `<h2 id="scope">Scope
# <a class="headerlink" ...>¶</a></h2>` -> "Scope". Any level, any attributes.
LEADING_HEADING = re.compile(r"\A\s*<h([1-6])\b[^>]*>(.*?)</h\1>\s*", re.DOTALL)
PERMALINK = re.compile(r"<a\b[^>]*\bclass=\"[^\"]*\bheaderlink\b[^\"]*\"[^>]*>.*?</a>", re.DOTALL)
TAG = re.compile(r"<[^>]+>")


def _heading_words(inner_html: str) -> str:
    """A heading's text, compared loosely: no tags or permalink, case-folded, without a colon."""
    text = html.unescape(TAG.sub("", PERMALINK.sub("", inner_html)))
    return " ".join(text.split()).rstrip(":：").strip().casefold()


@cache
def _scope_words() -> frozenset[str]:
    """"Scope" in every language with a catalog: a body written in any of them may start with it."""
    return frozenset(_heading_words(speech_for(language).gettext("Scope")) for language in LANGUAGES)


def scope_content(content: str) -> str:
    """The engagement's text (as HTML) for the page's "Scope" section, without a first heading
    that only says "Scope" again (`courtside new` wrote `## Scope` before 0.2.0, and people
    write one by hand): the page gives the section its heading.
    """
    found = LEADING_HEADING.match(content)
    if found is not None and _heading_words(found.group(2)) in _scope_words():
        return content[found.end() :]
    return content


# The client page of one engagement: `calendar` holds its "Add to calendar" links (from
# ical.calendar_links); `serving` relaxes the page's policy so that live reload may run.
def client_view(item: Snapshot | Broken, serving: bool = False, calendar: CalendarLinks | None = None) -> ClientView:
    csp = None if serving else CLIENT_CSP
    if isinstance(item, Broken):
        speech = speech_for("en")
        _ = speech.gettext
        return ClientView(
            language=speech.language,
            direction=speech.direction,
            speech=speech,
            title=_("This page has problems"),
            csp=csp,
            broken=BrokenView(_("This page has problems"), item.file, [str(p) for p in item.problems]),
        )
    terms, plan = item.terms, item.schedule
    speech = speech_for(terms.language)
    _ = speech.gettext
    status = status_label(item, speech)
    us = terms.contacts.us or terms.studio.contact
    channels = local_texts(terms.communication.channels, terms.language)
    cancelled = plan.state == "cancelled"
    timeline = narrow = None
    if plan.dated and not cancelled:
        timeline, narrow = stage_chart(item, speech).both()  # made once, drawn twice
    elif not cancelled:
        timeline, narrow = proposal_chart(item, speech).both()
    if cancelled:
        timeline_note = ""
    elif plan.dated:
        timeline_note = _("Dates are the ones we promise you; our own stages carry a safety margin.")
    else:
        timeline_note = _(
            "A rough timeline in working days, counted from the start. The start is set once the "
            "contract is signed and the deposit is paid; every stage then gets its date."
        )
    legend = [("us", _("Our court")), ("client", _("Your court"))]
    if plan.dated:
        legend += [("late", _("Late")), ("today", _("Today"))]
    if cancelled and item.owed == 0:
        calendar = None  # the calendar is empty: nothing to add to anyone's calendar
    zone = terms.communication.timezone
    return ClientView(
        language=terms.language,
        direction=speech.direction,
        speech=speech,
        title=_("How we work together: %(project)s", project=terms.project),
        csp=csp,
        studio=terms.studio.name,
        client=terms.client,
        project=terms.project,
        proposal=not plan.dated and not cancelled,  # a cancelled proposal's table says "Cancelled"
        status=status,
        status_key=plan.state,
        as_of=_("Status as of %(date)s", date=speech.date(plan.today)),
        glance=_glance(item, speech, status),
        contacts=[
            _contact(_("At %(name)s", name=terms.studio.name), us),
            _contact(_("At %(name)s", name=terms.client), terms.contacts.client),
        ],
        channels=[speech.channel(name) for name in channels.items],
        channels_lang=channels.lang,
        response=_("We answer within %(days)s.", days=speech.working_days(terms.communication.response)),
        email_hours=list(terms.communication.email_hours),
        email_zone=zone_label(zone, speech, plan.today) if zone and terms.communication.email_hours else None,
        ours=local_texts(terms.responsibilities.us, terms.language),
        yours=local_texts(terms.responsibilities.client, terms.language),
        notices=notices(item, speech),
        timeline=timeline,
        timeline_narrow=narrow,
        timeline_note=timeline_note,
        legend=legend if timeline is not None else [],
        stages=_stage_rows(item, speech),
        handoffs=handoffs(item, speech),
        lateness_rules=lateness_rules(item, speech),
        lateness_now=lateness_now(item, speech),
        payments=_payment_rows(item, speech),
        fee=speech.money(terms.fee, terms.currency) if terms.fee is not None else None,
        payment_terms=payment_terms(item, speech),
        owed=owed_sentence(item, speech),
        owed_now=item.owed > 0,
        turnaround=turnaround(item, speech),
        calendar=calendar,
        calendar_note=_calendar_note(item, speech),
        history=client_history(item),
    )


# -- The board ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardRow:
    """One engagement on the board."""

    id: str
    client: str
    project: str
    link: str | None
    state: str
    state_label: str
    late: bool
    attention: bool
    court: str | None
    waiting: str | None
    stage: str | None
    stage_due: str | None
    late_by: str | None
    gate: str | None  # the payment the current stage waits for
    consequences: list[str]
    credit: str | None
    drift: str
    drift_sign: str  # ahead | on | behind | none
    next_payment: str | None
    next_payment_note: str | None
    settled: str  # said instead of a next payment when none is left
    overdue: str | None
    late_fees: str | None
    hours: str | None
    hours_share: int | None  # percent of the budget spent, for the bar
    over_budget: bool


@dataclass(frozen=True)
class MoneyTotal:
    """Money across engagements in one currency."""

    currency: str
    outstanding: str
    overdue: str
    late_fees: str
    credit: str


@dataclass(frozen=True)
class BoardView:
    """The internal status board."""

    speech: Speech
    today: str
    rows: list[BoardRow]
    timeline: Markup | None
    timeline_narrow: Markup | None  # the same chart laid out for a phone
    money: list[MoneyTotal]
    record: list[Fact]
    invalid: list[BrokenView]
    problems: list[str]  # problems of no single engagement (the policies file)
    reminders: list[Any] = field(default_factory=list)  # publish.mailto.ReminderMail: to send, then sent today
    json_name: str = "board.json"
    history: Any = None  # publish/history_view.BoardHistory: recent changes, marks, announcements

    # What the template context gets besides the view.
    def jinja_globals(self) -> dict[str, Any]:
        return self.speech.jinja_globals()


# The board's word for an engagement's state.
def _board_state(state: str, speech: Speech) -> str:
    _ = speech.gettext
    return {
        "active": _("Active"),
        "scheduled": _("Scheduled"),
        "on-hold": _("On hold"),
        "proposal": _("Proposal"),
        "done": _("Done"),
        "cancelled": _("Cancelled"),
    }.get(state, state)


def _drift(drift: int | None, speech: Speech) -> tuple[str, str]:
    """Drift of the final due against the baseline, signed, with its direction."""
    _ = speech.gettext
    if drift is None:
        return "—", "none"
    if drift == 0:
        return _("on baseline"), "on"
    if drift > 0:
        return _("%(days)s later", days=speech.working_days(drift)), "behind"
    return _("%(days)s earlier", days=speech.working_days(-drift)), "ahead"


# Money for a board cell, or nothing when it is zero or unknown.
def _money_or_none(amount: Decimal | None, currency: str, speech: Speech) -> str | None:
    return speech.money(amount, currency) if amount else None


def board_row(snapshot: Snapshot, link: str | None, speech: Speech) -> BoardRow:
    """Everything the board says about one engagement (what shows is the core's decision)."""
    _ = speech.gettext
    terms, plan = snapshot.terms, snapshot.schedule
    today = plan.today
    current = plan.current
    court = waiting = stage = stage_due = late_by = gate = None
    if snapshot.court is not None:
        court = _("Us") if snapshot.court == "us" else _("Client")
        if snapshot.court_waiting is not None:
            waiting = _("for %(days)s", days=speech.working_days(snapshot.court_waiting))
    if current is not None:
        stage = current.name
        if current.promise is not None:
            stage_due = _("due %(date)s", date=_cell_date(current.promise.due, speech, today))
        if snapshot.current_late_by is not None:
            late_by = _("late by %(days)s", days=speech.working_days(snapshot.current_late_by))
    if (held := snapshot.gate) is not None:
        gate = _("awaits payment “%(name)s”", name=isolate(held.name))
    late = snapshot.late
    drift, drift_sign = _drift(plan.drift, speech)
    next_payment = note = None
    settled = _("nothing more due") if plan.state == "cancelled" else _("all paid")
    if (payment := snapshot.next_payment) is not None:
        next_payment = _(
            "Next: %(name)s, %(amount)s", name=isolate(payment.name), amount=speech.money(payment.amount, terms.currency)
        )
        if payment.due_date is not None:
            note = _("due %(date)s", date=_cell_date(payment.due_date, speech, today))
        elif payment.expected_invoice_date is not None:
            note = _("invoice expected %(date)s", date=_cell_date(payment.expected_invoice_date, speech, today))
    hours = share = None
    over = False
    if terms.hours is not None:
        budget, spent = terms.hours.budget, terms.hours.spent
        hours = _("%(spent)s of %(budget)s h", spent=speech.number(spent), budget=speech.number(budget))
        share = int(spent * 100 / budget) if budget else None
        over = spent > budget
    consequences = []
    for stage_plan in plan.stages:
        if stage_plan.consequence:
            whose = _("client") if stage_plan.owner == "client" else _("us")
            consequences.append(
                _(
                    "%(stage)s (%(whose)s, %(late)s late)",
                    stage=isolate(stage_plan.name),
                    whose=whose,
                    late=speech.working_days(stage_plan.late_by or 0),
                )
            )
    return BoardRow(
        id=snapshot.id,
        client=terms.client,
        project=terms.project,
        link=link,
        state=plan.state,
        state_label=_board_state(plan.state, speech),
        late=late,
        attention=snapshot.needs_attention,
        court=court,
        waiting=waiting,
        stage=stage,
        stage_due=stage_due,
        late_by=late_by,
        gate=gate,
        consequences=consequences,
        credit=_money_or_none(plan.credit, terms.currency, speech),
        drift=drift,
        drift_sign=drift_sign,
        next_payment=next_payment,
        next_payment_note=note,
        settled=settled,
        overdue=_money_or_none(snapshot.overdue, terms.currency, speech),
        late_fees=_money_or_none(snapshot.late_fees, terms.currency, speech),
        hours=hours,
        hours_share=share,
        over_budget=over,
    )


def _record(board: Board, speech: Speech) -> list[Fact]:
    """The under-promise record: our stages delivered on or before the promised date."""
    _ = speech.gettext
    summary = totals(board)
    delivered = summary.our_stages_delivered
    if not delivered:
        return [Fact(_("Our stages delivered"), speech.number(0))]
    on_time = summary.delivered_on_time
    share = summary.on_time_share
    facts = [
        Fact(_("Our stages delivered"), speech.number(delivered)),
        Fact(
            _("On or before the promised date"),
            _("%(count)s (%(share)s)", count=speech.number(on_time), share=speech.percent(share)),
        ),
    ]
    if summary.average_days_early is not None:
        early = summary.average_days_early
        facts.append(
            Fact(_("Average days early"), _("%(days)s working days", days=speech.number(early)))
        )
    return facts


# Problems as the lines the build prints: file:line: field: message.
def _problem_lines(problems: list[Problem]) -> list[str]:
    return [str(problem) for problem in problems]


# The board: every engagement sorted by attention, the timeline, the totals, the problems.
def board_view(board: Board, links: dict[str, str], reminders: list[Any] | None = None) -> BoardView:
    speech = speech_for("en")
    _ = speech.gettext
    ordered = board.sorted()
    summary = totals(board)
    money = [
        MoneyTotal(
            currency=code,
            outstanding=speech.money(sums.outstanding, code),
            overdue=speech.money(sums.overdue, code),
            late_fees=speech.money(sums.late_fees, code),
            credit=speech.money(sums.credit, code),
        )
        for code, sums in summary.money.items()
    ]
    active = [s for s in ordered if s.schedule.state in ("active", "scheduled", "on-hold")]
    in_broken = {p for broken in board.broken for p in broken.problems}
    chart = board_chart(active, speech)
    timeline, narrow = chart.both() if chart is not None else (None, None)
    return BoardView(
        speech=speech,
        today=speech.date(board.today),
        rows=[board_row(s, links.get(s.id), speech) for s in ordered],
        timeline=timeline,
        timeline_narrow=narrow,
        money=money,
        record=_record(board, speech),
        invalid=[
            BrokenView(
                _("%(client)s: %(project)s", client=b.client, project=b.project)
                if b.client and b.project
                else b.id,
                b.file,
                _problem_lines(b.problems),
            )
            for b in board.broken
        ],
        problems=_problem_lines([p for p in board.problems if p not in in_broken]),
        reminders=list(reminders or []),
        history=board_history(board, links),
    )
