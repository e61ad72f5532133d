"""`courtside remind`: the reminders due today, and `--send` to e-mail them.

The announcements of policy changes (`changes` in `_policies.yml`) go the same way: each
affected client is told once, on the change's announce day (or late, until its `from`).

    courtside remind                 what is due today and not yet sent (the board's "Reminders to send")
    courtside remind --send          e-mail each by SMTP, record it in projects/_sent.log, then the digest
    courtside remind --outbox DIR    write the same messages as .eml files instead (nothing recorded)

The decision is the core's (`core/reminders.plan_reminders`: the cadence and the sent log);
the words are the board's (`publish/mailto.py`); the messages, the log and SMTP are the
outbox's edges. Each message is recorded right after the server accepted it, so a failure
or a crash never loses what was sent, and the next run goes on from there. The run stops at
the first message the server does not take (exit 1): the next run sends it, and the rest.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from .common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    PROG,
    Command,
    Refused,
    add_projects,
    add_today,
    projects_folder,
    resolve_today,
)

if TYPE_CHECKING:
    from email.message import EmailMessage

    from ..core.board import Board
    from ..core.reminders import Key, Plan, Recorded, Reminder
    from ..outbox.message import NotSent
    from ..outbox.sentlog import SentLog
    from ..publish.mailto import ReminderMail

NAME = "remind"
CONFIG_FILE = "mkdocs.yml"


# -- Where the client pages are -----------------------------------------------------------------


@dataclass(frozen=True)
class Site:
    """What a message needs to link the client page: the site's address and the pages' folder,
    as the build publishes them."""

    url: str | None
    client_dir: str = "c"
    directory_urls: bool = True
    note: str | None = None  # why there is no address, said once on stderr
    problems: tuple[str, ...] = ()  # what is wrong with the site's config (file:line: ...), said before the note


def site_of(flag: str | None, folder: Path) -> Site:
    """`--site-url`, else `site_url`, with the plugin's `client_dir` and `use_directory_urls`, of
    the site's config next to the projects folder, read as the build reads it (INHERIT, `!ENV`).
    A config that cannot be read gives no address at all: a link guessed past it could be wrong."""
    from ..core.problems import Invalid
    from ..options import OptionError, client_folder
    from ..sources.site_config import AmbiguousConfig, find_config, read_site_config

    no_link = "the messages go without the client page's address"
    try:
        path = find_config(folder.resolve().parent)
    except AmbiguousConfig as exc:
        return Site(None, note=f"{exc} are both next to {folder}: {no_link} (keep one of them)")
    if path is None:
        return Site(flag, note=None if flag else f"no {CONFIG_FILE} next to {folder}: {no_link} (pass --site-url)")
    try:
        config = read_site_config(path)
        client_dir = client_folder(config.plugin["client_dir"])
    except Invalid as exc:
        count = len(exc.problems)
        return Site(
            None,
            note=f"cannot read site_url from {path} ({count} problem{'s' if count != 1 else ''} above): {no_link}",
            problems=tuple(str(problem) for problem in exc.problems),
        )
    except OptionError as exc:
        return Site(None, note=f"cannot read site_url from {path} ({exc}): {no_link}")
    url = flag or config.site_url
    note = None if url else f"no site_url in {path}: {no_link} (pass --site-url)"
    return Site(url, client_dir, config.use_directory_urls, note)


def page_urls(board: Board, site: Site) -> dict[str, str | None]:
    """Engagement id -> its client page's address, as the build publishes it."""
    from ..build import PageOptions
    from ..publish.site_files import page_urls as published_urls
    from ..publish.site_files import published_pages

    return published_urls(published_pages(board, PageOptions(site.client_dir, site.url, site.directory_urls)))


# -- Words for the terminal -------------------------------------------------------------------------


def describe(rem: Reminder) -> str:
    """A reminder in one phrase: `the payment 'Deposit' of acme-bakery (due 2026-11-20, reminder of 2026-11-18)`;
    `the announcement of the change of terms from 2027-03-01 to acme-bakery (policy-change:..., announce day 2027-01-30)`."""
    from ..core.reminders import ANNOUNCEMENT

    late = ", late" if rem.late else ""
    if rem.what == ANNOUNCEMENT:
        return (
            f"the announcement of the change of terms from {rem.date.isoformat()} to {rem.engagement_id} "
            f"({rem.about}, announce day {rem.trigger.isoformat()}{late})"
        )
    return (
        f"the {rem.what} {rem.about!r} of {rem.engagement_id} "
        f"(due {rem.date.isoformat()}, reminder of {rem.trigger.isoformat()}{late})"
    )


def _at(moment: datetime | None) -> str:
    return moment.strftime("%H:%M UTC") if moment is not None else "-"


def listing(plan: Plan, mails: list[ReminderMail], out: TextIO) -> None:
    """The day's reminders as lines: what goes, what went, the digest."""
    to_send = [m for m in mails if m.sent_at is None]
    sent = [m for m in mails if m.sent_at is not None]
    digest = "sent at " + _at(plan.digest.at) if plan.digest is not None else "not sent yet"
    out.write(
        f"Reminders on {plan.today.isoformat()}: {len(to_send)} to send, {len(sent)} sent earlier that day; "
        f"the studio's digest: {digest}\n"
    )
    for mail in to_send:
        rem = mail.reminder
        late = f"  (late: its day was {rem.trigger.isoformat()})" if rem.late else ""
        out.write(f"to send    {mail.label}  ->  {rem.to or '(no email address)'}{late}\n")
    for mail in sent:
        late = "  (sent late)" if mail.late else ""
        out.write(f"sent {_at(mail.sent_at)}  {mail.label}  ->  {mail.reminder.to}{late}\n")
    skipped = sum(len(step.skip) for step in plan.steps)
    if skipped:
        out.write(
            f"{skipped} earlier reminder{'s' if skipped != 1 else ''} of the same things will be recorded as "
            "skipped: one message goes instead of several\n"
        )


# -- Sending -------------------------------------------------------------------------------------------


@dataclass
class Run:
    """What one `--send` (or `--outbox`) run did, for the digest and the exit status."""

    sent: list[tuple[Key, Recorded]] = field(default_factory=list)
    not_sent: list[NotSent] = field(default_factory=list)
    failed: bool = False


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-")[:60] or "x"


class Messages:
    """The plan's messages, built one at a time (a message's date is the moment it is made)."""

    def __init__(self, board: Board, urls: dict[str, str | None]):
        from ..publish.i18n import speech_for

        self.board = board
        self.urls = urls
        self.snaps = {snap.id: snap for snap in board.snapshots}
        self.speech = speech_for(board.policies.language)

    def mail(self, rem: Reminder) -> ReminderMail:
        from ..publish.mailto import reminder_mail, signer

        snap = self.snaps[rem.engagement_id]
        terms = snap.terms
        url = self.urls.get(rem.engagement_id)
        return reminder_mail(rem, url, signer(terms), terms.studio.name, self.speech, snap=snap)

    def email(self, rem: Reminder, moment: datetime) -> EmailMessage:
        """The reminder's message; Unsendable when it cannot have one."""
        from ..outbox.message import ATTACHED_KINDS, reminder_email
        from ..publish.ical import client_event_bytes

        snap = self.snaps[rem.engagement_id]
        calendar = None
        if rem.kind in ATTACHED_KINDS:
            calendar = client_event_bytes(snap, rem.what, rem.about, self.urls.get(rem.engagement_id))
        return reminder_email(self.mail(rem), snap.terms, moment, calendar)


def _studio_address(board: Board, label: str) -> None:
    """Refused when the policies give the studio no email: every message is from it."""
    contact = board.policies.studio.contact
    if contact is None or not contact.email:
        raise Refused(
            f"{PROG} {NAME}: {label}/_policies.yml: studio.contact.email: expected the studio's address "
            "(reminders are sent from it, and the daily digest to it), got none"
        )


def send_plan(
    board: Board,
    plan: Plan,
    log: SentLog,
    messages: Messages,
    deliver: Callable[[EmailMessage], None],
    record: Callable[[Key, Recorded], None],
    err: TextIO,
    out: TextIO,
) -> Run:
    """Every step of the plan, then the digest: `deliver(message)` hands a message over (raises
    SendFailed), `record(key, recorded)` writes the log's line. Stops at the first failure."""
    from ..core.reminders import SENT, SENT_LATE, SKIPPED, digest_key
    from ..outbox.message import NotSent, Unsendable, digest_email
    from ..outbox.sentlog import now, recorded_day
    from ..outbox.smtp import SendFailed

    run = Run()
    today = plan.today
    for step in plan.steps:
        rem = step.send
        if rem is None:
            for skipped in step.skip:
                record(skipped.key, recorded_day(today, SKIPPED, None))
            continue
        try:
            message = messages.email(rem, now())
        except Unsendable as exc:
            err.write(f"{PROG} {NAME}: cannot send {describe(rem)}: {exc}\n")
            run.not_sent.append(NotSent(rem, str(exc)))
            run.failed = True
            continue
        try:
            deliver(message)
        except SendFailed as exc:
            before = len(run.sent)
            err.write(
                f"{PROG} {NAME}: could not send {describe(rem)} to {rem.to}: {exc}; "
                f"{before} message{'s' if before != 1 else ''} sent before it {'are' if before != 1 else 'is'} recorded, "
                "the next run sends the rest\n"
            )
            run.failed = True
            return run
        done = recorded_day(today, SENT_LATE if rem.late else SENT, rem.to)
        record(rem.key, done)
        for skipped in step.skip:
            record(skipped.key, recorded_day(today, SKIPPED, None))
        run.sent.append((rem.key, done))
        out.write(f"sent {describe(rem)} to {rem.to}\n")
    if plan.digest is None:
        studio = board.policies.studio.contact
        message = digest_email(board, [*log.sent_since_digest(), *run.sent], run.not_sent, now())
        try:
            deliver(message)
        except SendFailed as exc:
            err.write(f"{PROG} {NAME}: could not send the studio's digest of {today.isoformat()}: {exc}\n")
            run.failed = True
            return run
        record(digest_key(today), recorded_day(today, SENT, studio.email if studio else None))
        out.write(f"sent the studio's digest of {today.isoformat()} to {studio.email if studio else ''}\n")
    return run


def send(board: Board, folder: Path, label: str, urls: dict[str, str | None], site: Site, out: TextIO, err: TextIO) -> int:
    """`--send`: read the log, plan, and send under the log's lock (`site.note`: why the messages
    have no link, said once something is about to go). SMTP settings are needed only when
    there is something to send: skipped days alone are recorded without them."""
    from ..core.reminders import plan_reminders
    from ..outbox.sentlog import SENT_LOG, Busy, open_sent_log, read_sent_log
    from ..outbox.smtp import Mailer, SettingsError, smtp_settings

    path, name = folder / SENT_LOG, f"{label}/{SENT_LOG}"
    plan = plan_reminders(board, _readable(read_sent_log(path, name), err).recorded)
    if not plan.steps and plan.digest is not None:
        out.write(f"Nothing to send on {plan.today.isoformat()}: every reminder and the digest went.\n")
        return EXIT_OK
    mailer: Mailer | None = None
    if plan.to_send or plan.digest is None:
        _studio_address(board, label)
        try:
            mailer = Mailer(smtp_settings(os.environ))
        except SettingsError as exc:
            count = len(plan.to_send)
            what = describe(plan.to_send[0]) if count else "the studio's digest"
            if count > 1:
                what += f" and {count - 1} more reminder{'s' if count > 2 else ''}"
            raise Refused(f"{PROG} {NAME}: cannot send {what}: {exc}") from None
        _say_no_link(site, err)
    try:
        with open_sent_log(path) as writer, mailer or nullcontext():
            log = _readable(read_sent_log(path, name), err)  # again, under the lock: what another run wrote
            plan = plan_reminders(board, log.recorded)
            deliver = mailer.send if mailer is not None else _nothing_to_deliver
            run = send_plan(board, plan, log, Messages(board, urls), deliver, writer.record, err, out)
    except Busy as exc:
        raise Refused(f"{PROG} {NAME}: {exc}") from None
    if mailer is None:
        skipped = sum(len(step.skip) for step in plan.steps)
        out.write(f"Nothing to send on {plan.today.isoformat()}; {skipped} earlier reminder day(s) recorded as skipped.\n")
    return EXIT_PROBLEMS if run.failed else EXIT_OK


def _nothing_to_deliver(message: EmailMessage) -> None:
    """The deliverer of a run that found nothing to send (the log only grows: it stays so)."""
    from ..outbox.smtp import SendFailed

    raise SendFailed("no SMTP settings were read, as there was nothing to send when the run began")


def _readable(log: SentLog, err: TextIO) -> SentLog:
    """The log, or Refused listing its problems: a log that cannot be read could send twice."""
    if log.problems:
        for problem in log.problems:
            err.write(f"{problem}\n")
        raise Refused(
            f"{PROG} {NAME}: {len(log.problems)} problem{'s' if len(log.problems) != 1 else ''} in the sent log: "
            "fix the lines above (or delete them to send those reminders again); nothing was sent"
        )
    return log


def _say_no_link(site: Site, err: TextIO) -> None:
    """Why the messages have no link (and the config's problems first), when they have none."""
    if site.note is not None:
        for problem in site.problems:
            err.write(f"{problem}\n")
        err.write(f"{PROG} {NAME}: {site.note}\n")


def write_outbox(
    board: Board, folder: Path, label: str, urls: dict[str, str | None], site: Site, outbox: Path, out: TextIO, err: TextIO
) -> int:
    """`--outbox DIR`: the messages `--send` would send, as .eml files; nothing is recorded."""
    from ..core.reminders import plan_reminders
    from ..outbox.sentlog import SENT_LOG, read_sent_log

    log = _readable(read_sent_log(folder / SENT_LOG, f"{label}/{SENT_LOG}"), err)
    plan = plan_reminders(board, log.recorded)
    if plan.steps or plan.digest is None:
        _studio_address(board, label)
        _say_no_link(site, err)
    outbox.mkdir(parents=True, exist_ok=True)
    written: list[str] = []

    def deliver(message: EmailMessage) -> None:
        number = len(written) + 1
        subject = str(message["Message-ID"]).removeprefix("<").partition(".")[0]  # digest, stage, payment, announcement
        subject = subject if subject in ("digest", "announcement") else "reminder"
        name = f"{number:02d}-{subject}-{_slug(str(message['To'].addresses[0].addr_spec))}.eml"
        (outbox / name).write_bytes(message.as_bytes())
        written.append(name)

    quiet = _Quiet()
    run = send_plan(board, plan, log, Messages(board, urls), deliver, lambda key, record: None, err, quiet)
    out.write(f"wrote {len(written)} message{'s' if len(written) != 1 else ''} to {outbox} (nothing recorded in {label}/{SENT_LOG})\n")
    for name in written:
        out.write(f"  {name}\n")
    return EXIT_PROBLEMS if run.failed else EXIT_OK


class _Quiet:
    """Swallows the per-message lines of a run that sends nothing."""

    def write(self, text: str) -> int:
        return len(text)


# `courtside remind`: list; `--send`: send and record; `--outbox DIR`: write .eml files.
def run(args: argparse.Namespace) -> int:
    from ..core.reminders import plan_reminders
    from ..outbox.sentlog import SENT_LOG, read_sent_log
    from ..publish.mailto import plan_mails
    from ..sources.folder import evaluate_folder

    folder = projects_folder(args)
    today: date = resolve_today(args.today, os.environ)
    label = str(folder)
    board = evaluate_folder(folder, today, label=label)
    site = site_of(args.site_url, folder)
    urls = page_urls(board, site)
    out, err = sys.stdout, sys.stderr
    if args.outbox is not None:
        status = write_outbox(board, folder, label, urls, site, Path(args.outbox), out, err)
    elif args.send:
        status = send(board, folder, label, urls, site, out, err)
    else:
        log = _readable(read_sent_log(folder / SENT_LOG, f"{label}/{SENT_LOG}"), err)
        plan = plan_reminders(board, log.recorded)
        listing(plan, plan_mails(board, plan, urls), out)
        status = EXIT_OK
    if board.broken:
        files = ", ".join(sorted(b.file for b in board.broken))
        err.write(f"{PROG}: no reminders for files with problems: {files} (run '{PROG} check')\n")
        if args.send:
            status = EXIT_PROBLEMS
    return status


def register(command: Command) -> None:
    parser = command(
        NAME,
        run,
        "The reminders due today: what the board lists under \"Reminders to send\". --send e-mails "
        "each one to the client (SMTP settings from COURTSIDE_SMTP_*), records it in "
        "projects/_sent.log so that it never goes twice, and sends the studio a digest of the day.",
        "  courtside remind\n"
        "  courtside remind --send                 # in the daily job\n"
        "  courtside remind --outbox review/       # the messages as .eml files, nothing sent",
    )
    parser.add_argument("--send", action="store_true", help="send them by SMTP and record each in projects/_sent.log")
    parser.add_argument(
        "--outbox",
        metavar="DIR",
        help="instead of sending, write the messages --send would send as .eml files into DIR (nothing recorded)",
    )
    parser.add_argument(
        "--site-url",
        metavar="URL",
        help="the site's address, for the client page's link (default: site_url in the mkdocs.yml next to the projects folder)",
    )
    add_today(parser)
    add_projects(parser)
