"""Reminders and the studio's digest as e-mail: MIME messages from the standard library.

`email.message.EmailMessage` with `email.policy.SMTP` does what a hand-written message gets
wrong: UTF-8 subjects as RFC 2047 encoded words, non-ASCII display names, a UTF-8 body with
a transfer encoding the line lengths allow, CRLF line ends, an attachment's MIME parts.

A reminder's message:

* From the studio's contact (`studio.contact`), To the client's contact, Reply-To our
  contact on the engagement (`contacts.us`, else the studio's), so a reply reaches the
  person who runs it;
* the subject and body of `publish/mailto.py` (the same words as the board's mailto: link),
  in the engagement's language (`Content-Language`), with the client page's address;
* a `Message-ID` derived from the reminder's key: the same reminder always has the same id,
  so should a message ever go twice (a crash between the server's acceptance and the log's
  line), the client's mail program can see it is one message;
* for a date still ahead (or today), that date's event as `calendar.ics`: importing it puts
  the date in the client's calendar, or updates it (the published calendar's UID). The
  announcement of a policy change is a letter, not a date to keep: it has no attachment.

The digest goes to the studio's contact, in the policies' language: what was sent since the
last digest (reminders and announcements), what could not be sent, what is late and what
is owed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from typing import TYPE_CHECKING

from ..core.board import totals
from ..core.reminders import ANNOUNCEMENT, DIGEST, SENT_LATE, Key, Recorded, Reminder, digest_key
from ..publish.i18n import speech_for

if TYPE_CHECKING:
    from ..core.board import Board
    from ..core.model import Engagement, Person
    from ..publish.i18n import Speech
    from ..publish.mailto import ReminderMail

ATTACHMENT = "calendar.ics"
ATTACHED_KINDS = frozenset({"stage-soon", "invoice-soon", "invoice-due"})
"""A calendar event helps while its date is ahead (or today): not once it has passed."""


class Unsendable(Exception):
    """Why a reminder cannot become a message (no address): one line."""


def message_id(key: Key, sender: str) -> str:
    """`<what.hash@domain>`: the same key always gives the same id; the domain is the sender's."""
    digest = hashlib.sha256("\x1f".join(str(part) for part in key).encode("utf-8")).hexdigest()[:32]
    domain = sender.rpartition("@")[2] or "courtside.invalid"
    return f"<{key[0]}.{digest}@{domain}>"


def _address(name: str, email: str, role: str) -> Address:
    """A header address; Unsendable when the email cannot be one."""
    try:
        return Address(display_name=name, addr_spec=email)
    except (ValueError, IndexError, HeaderParseError) as exc:
        raise Unsendable(f"{email!r} is not an address a message can go {role} ({exc})") from None


def studio_sender(studio: Person | None) -> Person:
    """The studio's contact, who sends every message; Unsendable without an email."""
    if studio is None or not studio.email:
        raise Unsendable(
            "no address to send from: set studio.contact.email in _policies.yml "
            "(reminders go from it, and the studio's digest to it)"
        )
    return studio


def _message(subject: str, body: str, sender: Person, to: Address, reply_to: Person, moment: datetime, key: Key) -> EmailMessage:
    """The headers and the plain-text body every message has."""
    msg = EmailMessage(policy=SMTP)
    msg["From"] = _address(sender.name, sender.email or "", "from")
    msg["To"] = to
    msg["Reply-To"] = _address(reply_to.name, reply_to.email or "", "back to")
    msg["Subject"] = subject
    msg["Date"] = format_datetime(moment)
    msg["Message-ID"] = message_id(key, sender.email or "")
    msg.set_content(body, charset="utf-8")
    return msg


def reminder_email(mail: ReminderMail, terms: Engagement, moment: datetime, calendar: bytes | None = None) -> EmailMessage:
    """One reminder as a message to the client; `calendar` (an .ics) is attached when its date
    is still ahead. Unsendable when the client's contact has no email."""
    rem = mail.reminder
    sender = studio_sender(terms.studio.contact)
    if not rem.to:
        raise Unsendable(f"no email address for {rem.to_name}: set contacts.client.email, or `reminders: false`")
    ours = terms.contacts.us
    reply_to = ours if ours is not None and ours.email else sender
    msg = _message(
        mail.subject, mail.body, sender, _address(rem.to_name, rem.to, "to"), reply_to, moment, rem.key
    )
    if calendar is not None and rem.kind in ATTACHED_KINDS:
        msg.add_attachment(
            calendar, maintype="text", subtype="calendar", filename=ATTACHMENT, params={"charset": "utf-8"}
        )
    msg["Content-Language"] = rem.language  # after the attachment: it would move into the text part
    return msg


# -- The studio's digest --------------------------------------------------------------------


@dataclass(frozen=True)
class NotSent:
    """A reminder that could not become a message, for the digest."""

    reminder: Reminder
    why: str


def _sent_lines(board: Board, sent: Sequence[tuple[Key, Recorded]]) -> list[str]:
    speech = speech_for(board.policies.language)
    clients = {snap.id: snap.terms.client for snap in board.snapshots}
    lines = []
    for (what, engagement, about, due, _trigger), record in sent:
        if what == DIGEST:
            continue
        names = {
            "client": clients.get(engagement, engagement),
            "name": about,
            "date": speech.date(due, "medium"),
            "to": record.to or "",
        }
        if what == ANNOUNCEMENT:  # `about` is its id, not a name to show; `due` is the change's `from`
            if record.event == SENT_LATE:
                lines.append(speech.gettext("%(client)s: change of terms from %(date)s, to %(to)s (sent late)", **names))
            else:
                lines.append(speech.gettext("%(client)s: change of terms from %(date)s, to %(to)s", **names))
            continue
        if record.event == SENT_LATE:
            lines.append(speech.gettext("%(client)s: %(name)s, due %(date)s, to %(to)s (sent late)", **names))
        else:
            lines.append(speech.gettext("%(client)s: %(name)s, due %(date)s, to %(to)s", **names))
    return lines


def _late_lines(board: Board) -> list[str]:
    """Stages past their promised date (either side) and payments overdue."""
    speech = speech_for(board.policies.language)
    lines = []
    for snap in board.sorted():
        terms = snap.terms
        for plan in snap.schedule.stages:
            if snap.live and plan.state == "late":
                names = {"client": terms.client, "name": plan.name, "days": speech.working_days(plan.late_by or 0)}
                if plan.owner == "client":
                    lines.append(speech.gettext("%(client)s: %(name)s, %(days)s late (the client's)", **names))
                else:
                    lines.append(speech.gettext("%(client)s: %(name)s, %(days)s late (ours)", **names))
        for pay in snap.payments:
            if pay.state == "overdue":
                lines.append(
                    speech.ngettext(
                        "%(client)s: %(name)s, %(amount)s, %(num)s day overdue",
                        "%(client)s: %(name)s, %(amount)s, %(num)s days overdue",
                        pay.days_overdue,
                        client=terms.client,
                        name=pay.name,
                        amount=speech.money(pay.amount + pay.late_fee, terms.currency),
                    )
                )
    return lines


def _owed_lines(board: Board) -> list[str]:
    """What each client owes now (invoiced and unpaid, late fees included), and the totals."""
    speech = speech_for(board.policies.language)
    lines = [
        speech.gettext("%(client)s: %(amount)s", client=snap.terms.client, amount=speech.money(snap.owed, snap.terms.currency))
        for snap in board.sorted()
        if snap.owed > 0
    ]
    sums = [speech.money(money.outstanding, code) for code, money in totals(board).money.items() if money.outstanding > 0]
    if sums:
        lines.append(speech.gettext("In all: %(amounts)s", amounts="; ".join(sums)))
    return lines


def _missing_line(rem: Reminder, speech: Speech) -> str:
    """A message that could not go for want of an address, in the digest."""
    if rem.what == ANNOUNCEMENT:
        return speech.gettext(
            "%(client)s: change of terms from %(date)s: no email address for %(person)s",
            client=rem.client,
            date=speech.date(rem.date, "medium"),
            person=rem.to_name,
        )
    return speech.gettext(
        "%(client)s: %(name)s: no email address for %(person)s", client=rem.client, name=rem.about, person=rem.to_name
    )


def digest_text(board: Board, sent: Sequence[tuple[Key, Recorded]], not_sent: Sequence[NotSent]) -> tuple[str, str]:
    """The digest's subject and body, in the policies' language."""
    speech = speech_for(board.policies.language)
    _ = speech.gettext
    count = sum(1 for key, _record in sent if key[0] != DIGEST)
    subject = speech.ngettext(
        "%(studio)s, %(date)s: %(num)s reminder sent",
        "%(studio)s, %(date)s: %(num)s reminders sent",
        count,
        studio=board.policies.studio.name,
        date=speech.date(board.today, "medium"),
    )
    missing = [_missing_line(n.reminder, speech) for n in not_sent]
    sections = [
        (_("Sent since the last digest"), _sent_lines(board, sent)),
        (_("Not sent"), missing),
        (_("Late"), _late_lines(board)),
        (_("Owed"), _owed_lines(board)),
    ]
    parts = [_("Reminders and money on %(date)s.", date=speech.date(board.today))]
    for heading, lines in sections:
        if heading == _("Not sent") and not lines:
            continue
        parts.append("\n".join([heading, *(f"- {line}" for line in lines or [_("Nothing.")])]))
    parts.append(_("Sent by `courtside remind --send`, once a day."))
    return subject, "\n\n".join(parts) + "\n"


def digest_email(
    board: Board, sent: Sequence[tuple[Key, Recorded]], not_sent: Sequence[NotSent], moment: datetime
) -> EmailMessage:
    """The studio's digest of the board's day, to and from the studio's contact."""
    studio = studio_sender(board.policies.studio.contact)
    subject, body = digest_text(board, sent, not_sent)
    to = _address(studio.name, studio.email or "", "to")
    msg = _message(subject, body, studio, to, studio, moment, digest_key(board.today))
    msg["Content-Language"] = board.policies.language
    return msg
