"""Reminder messages: polite words in the client's language, and `mailto:` links (RFC 6068).

`core/reminders.py` decides what to send on the day (its cadence and the sent log); this
module writes the subject and the body (in the engagement's language, naming the date and
what is owed, with the client page's link), the `mailto:` link the board's "Send reminder"
opens, a short label in the board's language, and the plain `reminders` list of
`board.json`. `courtside remind --send` sends the same subject and body as e-mail
(`outbox/message.py`).

An announced policy change is one of them (`what: announcement`): a letter sent ahead of
time that says what changes (the studio's note, and the client page's own sentences that
change, the words of the page's "Changes to our terms"), from when, and what it applies to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from babel.lists import format_list

from ..core.reminders import POLICY_CHANGE, Key, Plan, Recorded, Reminder, plan_reminders
from ..core.values import utc_text
from .i18n import Speech, speech_for

if TYPE_CHECKING:
    from ..core.board import Board
    from ..core.model import Engagement
    from ..core.snapshot import Snapshot

ADDRESS_SAFE = "@+"
"""Characters left as they are in the address part; everything else non-unreserved is encoded."""


@dataclass(frozen=True)
class ReminderMail:
    """One reminder, ready for the board: a link to click, a label, and its plain data."""

    reminder: Reminder
    subject: str  # in the client's language
    body: str  # in the client's language, lines separated by "\n"
    mailto: str  # the `mailto:` href, percent-encoded UTF-8
    label: str  # what the board shows next to "Send reminder", in the board's language
    sent_at: datetime | None = None  # when a run of `courtside remind --send` sent it (UTC)

    @property
    def id(self) -> str:
        return self.reminder.id

    @property
    def engagement_id(self) -> str:
        return self.reminder.engagement_id

    @property
    def kind(self) -> str:
        return self.reminder.kind

    @property
    def date(self) -> date:
        return self.reminder.date

    @property
    def late(self) -> bool:
        """Sent (or to be sent) after its trigger day: a day without a run made up."""
        return self.reminder.late


# A `mailto:` href, the one encoder of every mailto link Courtside writes: the address, then
# subject and body percent-encoded as UTF-8, CRLF line breaks. The address is encoded too
# (`?`, `&`, `=` become %3F, %26, %3D), so even an address that slipped past validation
# (values.parse_email) cannot add recipients or headers.
def mailto_href(to: str | None, subject: str | None = None, body: str | None = None) -> str:
    address = quote(to or "", safe=ADDRESS_SAFE)
    fields = []
    if subject is not None:
        fields.append(f"subject={quote(subject, safe='')}")
    if body is not None:
        crlf_body = body.replace("\r\n", "\n").replace("\n", "\r\n")
        fields.append(f"body={quote(crlf_body, safe='')}")
    return f"mailto:{address}" + ("?" + "&".join(fields) if fields else "")


def _owed_amount(speech: Speech, rem: Reminder) -> str:
    """An invoice's amount, with the late fee when there is one."""
    assert rem.amount is not None and rem.currency is not None
    amount = speech.money(rem.amount, rem.currency)
    if rem.late_fee:
        return speech.gettext(
            "%(amount)s plus a late fee of %(fee)s, %(total)s in all",
            amount=amount,
            fee=speech.money(rem.late_fee, rem.currency),
            total=speech.money(rem.owed, rem.currency),  # type: ignore[arg-type]
        )
    return amount


def _letter(speech: Speech, rem: Reminder, lines: list[str], sender: str, studio: str) -> str:
    """A message's body: the greeting, the paragraphs, the signature."""
    greeting = speech.gettext("Hello %(name)s,", name=rem.to_name)
    closing = speech.gettext("Kind regards,")
    return "\n\n".join([greeting, *lines, f"{closing}\n{sender}\n{studio}"]) + "\n"


def _applies_to(keys: frozenset[str], day: str, speech: Speech) -> list[str]:
    """What a change applies to, by the policy keys it changes (format.md, "History"; the rule
    itself is core/policy_changes.py's): payment rules to invoices issued from `from`, the
    consequences to stages opening from it, the buffer to agreements signed from it,
    everything else to the whole engagement from it."""
    _ = speech.gettext
    lines = []
    if "payment" in keys:
        lines.append(
            _(
                "The new payment terms apply to invoices issued on or after %(date)s; an invoice "
                "issued before then keeps the terms it was issued under.",
                date=day,
            )
        )
    if "consequences" in keys:
        lines.append(
            _(
                "The new rules for late stages apply to stages that open on or after %(date)s; a "
                "stage that opened before then keeps the rules it opened under.",
                date=day,
            )
        )
    if "buffer" in keys:
        lines.append(
            _(
                "The time we promise for each of our stages changes for agreements signed on or "
                "after %(date)s; your project page shows the dates that apply to you.",
                date=day,
            )
        )
    if keys - {"payment", "consequences", "buffer"}:
        if lines:
            lines.append(_("The rest of the change applies to all our work together from %(date)s.", date=day))
        else:
            lines.append(_("It applies to all our work together from %(date)s.", date=day))
    return lines


# Subject and body of the announcement of a policy change, in the client's language: what
# changes (the studio's note, the page's sentences that change), from when, what it applies to.
def announcement_message(
    rem: Reminder, snap: Snapshot, page_url: str | None, sender: str, studio: str
) -> tuple[str, str]:
    from .history_view import _announcement_view  # the page's words for the change (a cycle at import)

    announced = rem.announcement
    assert announced is not None, rem.id
    speech = speech_for(rem.language)
    _ = speech.gettext
    day = speech.date(announced.starts)
    shown = _announcement_view(snap, announced, speech)
    subject = _("%(project)s: a change to our terms from %(date)s", project=rem.project, date=day)
    lines = [
        _(
            "We are writing to let you know, ahead of time, about a change to our terms for %(project)s. "
            "It takes effect on %(date)s.",
            project=rem.project,
            date=day,
        )
    ]
    if shown.note:
        lines.append(shown.note)
    if shown.rules:
        lines.append("\n".join([shown.heading, *(f"- {rule}" for rule in shown.rules)]))
    lines.extend(_applies_to(announced.keys, day, speech))
    lines.append(_("Everything else in our agreement stays as it is."))
    lines.append(_("If you have any questions about it, just reply to this message and we will gladly talk it through."))
    if page_url:
        lines.append(_("Your project page shows the change, with our terms in full: %(url)s", url=page_url))
    return subject, _letter(speech, rem, lines, sender, studio)


# Subject and body of a reminder, in the client's language.
def reminder_message(rem: Reminder, page_url: str | None, sender: str, studio: str) -> tuple[str, str]:
    speech = speech_for(rem.language)
    day = speech.date(rem.date)
    names: dict[str, Any] = {"project": rem.project, "name": rem.about, "date": day}
    if rem.kind == "stage-soon":
        subject = speech.gettext("%(project)s: %(name)s is due on %(date)s", **names)
        lines = [speech.gettext("A friendly reminder: your part of %(name)s is due on %(date)s.", **names)]
    elif rem.kind == "stage-late":
        subject = speech.gettext("%(project)s: %(name)s was due on %(date)s", **names)
        lines = [
            speech.gettext("Your part of %(name)s was due on %(date)s, and we have not received it yet.", **names),
            speech.gettext("The next steps wait for it, so each working day it takes moves the dates that follow."),
        ]
    elif rem.kind == "invoice-soon":
        owed = _owed_amount(speech, rem)
        subject = speech.gettext("%(project)s: the invoice for %(name)s is due on %(date)s", **names)
        lines = [
            speech.gettext(
                "A friendly reminder: the invoice for %(name)s, %(owed)s, is due on %(date)s.", owed=owed, **names
            )
        ]
    elif rem.kind == "invoice-due":
        owed = _owed_amount(speech, rem)
        subject = speech.gettext("%(project)s: the invoice for %(name)s is due today", **names)
        lines = [
            speech.gettext(
                "A friendly reminder: the invoice for %(name)s, %(owed)s, is due today, %(date)s.", owed=owed, **names
            )
        ]
    else:
        owed = _owed_amount(speech, rem)
        subject = speech.gettext("%(project)s: the invoice for %(name)s was due on %(date)s", **names)
        lines = [
            speech.gettext(
                "The invoice for %(name)s was due on %(date)s, and we have not received the payment yet. "
                "The amount due today is %(owed)s.",
                owed=owed,
                **names,
            ),
            speech.gettext("If you have already paid, thank you, and please ignore this message."),
        ]
    if rem.deliverables:
        items = format_list(list(rem.deliverables), locale=speech.locale)
        lines.append(speech.gettext("What we need from you: %(items)s.", items=items))
    lines.append(speech.gettext("If anything stands in the way, just reply to this message and we will sort it out."))
    if page_url:
        lines.append(speech.gettext("Your project page, with the whole schedule: %(url)s", url=page_url))
    return subject, _letter(speech, rem, lines, sender, studio)


# What the board shows next to "Send reminder", in the board's language.
def reminder_label(rem: Reminder, speech: Speech) -> str:
    names: dict[str, Any] = {"client": rem.client, "name": rem.about, "date": speech.date(rem.date, "medium")}
    if rem.kind == POLICY_CHANGE:
        return speech.gettext("%(client)s: change of terms from %(date)s", client=rem.client, date=names["date"])
    if rem.kind == "stage-soon":
        return speech.gettext("%(client)s: %(name)s due %(date)s", **names)
    if rem.kind == "stage-late":
        return speech.ngettext(
            "%(client)s: %(name)s %(num)s working day late",
            "%(client)s: %(name)s %(num)s working days late",
            rem.days_late,
            **names,
        )
    assert rem.amount is not None and rem.currency is not None
    names["amount"] = speech.money(rem.owed, rem.currency)  # type: ignore[arg-type]
    if rem.kind == "invoice-soon":
        return speech.gettext("%(client)s: %(name)s, %(amount)s, due %(date)s", **names)
    if rem.kind == "invoice-due":
        return speech.gettext("%(client)s: %(name)s, %(amount)s, due today", **names)
    return speech.ngettext(
        "%(client)s: %(name)s, %(amount)s, %(num)s day overdue",
        "%(client)s: %(name)s, %(amount)s, %(num)s days overdue",
        rem.days_late,
        **names,
    )


def reminder_mail(
    rem: Reminder,
    page_url: str | None,
    sender: str,
    studio: str,
    board_speech: Speech,
    sent_at: datetime | None = None,
    snap: Snapshot | None = None,
) -> ReminderMail:
    """One reminder with its message, link and label (`snap`: its engagement on the day, which
    an announcement's message needs to say the page's sentences)."""
    if rem.kind == POLICY_CHANGE:
        assert snap is not None, rem.id
        subject, body = announcement_message(rem, snap, page_url, sender, studio)
    else:
        subject, body = reminder_message(rem, page_url, sender, studio)
    return ReminderMail(
        rem, subject, body, mailto_href(rem.to, subject, body), reminder_label(rem, board_speech), sent_at
    )


def signer(terms: Engagement) -> str:
    """Who signs an engagement's reminders: our contact on it, else the studio's, else the studio."""
    us = terms.contacts.us or terms.studio.contact
    return us.name if us else terms.studio.name


def plan_mails(board: Board, plan: Plan, page_urls: dict[str, str | None] | None = None) -> list[ReminderMail]:
    """The plan's reminders to send, then those an earlier run sent on the day, as mails."""
    page_urls = page_urls or {}
    board_speech = speech_for(board.policies.language)
    by_id = {s.id: s for s in board.snapshots}
    mails = []
    pairs = [(rem, None) for rem in plan.to_send] + [(rem, done.at) for rem, done in plan.sent]
    for rem, sent_at in pairs:
        snap = by_id[rem.engagement_id]
        terms = snap.terms
        url = page_urls.get(rem.engagement_id)
        mails.append(reminder_mail(rem, url, signer(terms), terms.studio.name, board_speech, sent_at, snap))
    return mails


# What the board's "Reminders to send" lists on its day: what is due by the cadence and not yet
# in the sent log (`recorded`), then what was sent that day; `page_urls` maps engagement id ->
# absolute client page URL.
def reminder_mails(
    board: Board, page_urls: dict[str, str | None] | None = None, recorded: Mapping[Key, Recorded] | None = None
) -> list[ReminderMail]:
    return plan_mails(board, plan_reminders(board, recorded or {}), page_urls)


def reminders_json(mails: list[ReminderMail]) -> list[dict[str, Any]]:
    """The `reminders` list of board.json: plain data a script or a scheduled job can send."""
    out = []
    for mail in mails:
        rem = mail.reminder
        out.append(
            {
                "id": rem.id,
                "engagement": rem.engagement_id,
                "client": rem.client,
                "what": rem.what,
                "kind": rem.kind,
                "about": rem.about,
                "date": rem.date.isoformat(),
                "trigger": rem.trigger.isoformat(),
                "late": rem.late,
                "sent_at": None if mail.sent_at is None else utc_text(mail.sent_at),
                "days_left": rem.days_left,
                "days_late": rem.days_late,
                "deliverables": list(rem.deliverables),
                "amount": None if rem.amount is None else f"{rem.amount:f}",
                "late_fee": None if rem.late_fee is None else f"{rem.late_fee:f}",
                "currency": rem.currency,
                "language": rem.language,
                "to": rem.to,
                "to_name": rem.to_name,
                "subject": mail.subject,
                "body": mail.body,
                "mailto": mail.mailto,
                "label": mail.label,
            }
        )
    return out
