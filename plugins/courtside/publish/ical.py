"""Calendars (`calendar.ics`): the client's own dates, and every engagement for the studio.

Each event is made once, as plain values (`DueEvent`: `client_events`, `internal_events`), and
written two ways from that one source:

* the files the plugin writes (`client_calendar_bytes`, `internal_calendar_bytes`) by a small
  direct writer (`render`): RFC 5545's text rules by hand (CRLF line ends; lines folded at 75
  octets, never inside a UTF-8 character; backslash, semicolon, comma and line breaks
  escaped), in the very order and form icalendar writes. Why not icalendar here: measured
  speed. Building its `Event` objects and serializing them was a third of a 1,000-engagement
  build (docs/performance.md); every client calendar and the studio's of 1,000 generated
  engagements took 2.5 s that way and take 0.5 s written directly (in process, best of 3);
* icalendar objects (`client_calendar`, `internal_calendar`) for anyone who wants to work on
  the calendar as objects. `icalendar` stays the parser of record: the tests read every file
  back with it (and with vobject), and compare the two writers byte for byte.

What is decided here (docs/calendar-and-reminders.md explains each choice):

* Every event is an all-day event (`DTSTART;VALUE=DATE`, `DTEND` the next day), marked free
  time (`TRANSP:TRANSPARENT`): a due date, not a meeting.
* UIDs come from the stage's or payment's name (normalized), the engagement id (in the
  client's calendar, a digest of it: the file name is internal) and the studio, never from
  a date or the share, so a moved date updates the event in place.
* `SEQUENCE` and `LAST-MODIFIED` (and `DTSTAMP`, which RFC 5545 defines as the same thing
  for a calendar without `METHOD`) are computed in the core (`core/revisions.py`): from the
  git history of `projects/` when there is one (the number of versions that moved the
  event's date, and the day of the last), else from the engagement and today alone.
* The client's calendar holds the client's stages, our promised deliveries (promise chain,
  never the target chain) and the payments; a reminder (`VALARM`) two days before, at
  9:00, on each date the client still owes. A proposal has an empty (valid) calendar, so a
  client who subscribes at the first meeting sees the dates appear once the contract is
  signed. A cancelled engagement promises nothing more: its calendars (the client's and the
  studio's) keep only what is still owed, the due dates of invoiced, unpaid payments
  (format.md, "Cancelled").
"""

from __future__ import annotations

import hashlib
import io
import posixpath
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any, BinaryIO, NamedTuple
from urllib.parse import quote, urlsplit

from babel.lists import format_list

from ..core.revisions import EventRevisions, Revision, event_revisions
from .i18n import Speech, speech_for

if TYPE_CHECKING:
    from icalendar import Calendar, Event

    from ..core.board import Board
    from ..core.money import PaymentPlan
    from ..core.snapshot import Snapshot

PRODID = "-//Courtside//Courtside calendar 1.0//EN"
UID_DOMAIN = "courtside.invalid"
"""The fixed right-hand side of every UID (`.invalid` can never be someone's real domain)."""

ALARM_BEFORE = timedelta(days=1, hours=15)
"""Before an all-day event's midnight: two days before the due date, at 9:00."""

REFRESH = timedelta(hours=6)
"""How often a subscribed calendar app should fetch the file again (REFRESH-INTERVAL and
X-PUBLISHED-TTL). The site is built every morning and on every push: an app that asks every
6 hours shows a morning's build by midday at the latest, at four small requests a day (the
host answers "not modified" when nothing changed). An interval as long as the build's (a
day) could leave a subscriber a whole build behind (docs/guide/publishing.md, "How fresh")."""

CALENDAR_FILE = "calendar.ics"


class CalendarLinks(NamedTuple):
    """The client page's two "Add to calendar" links."""

    download: str  # relative to the page: the .ics file itself
    subscribe: str | None  # webcal:// address; None without `site_url` (it must be absolute)


# The "Add to calendar" links of a client page, from its `page.url` and `page.canonical_url`.
def calendar_links(page_url: str, canonical_url: str | None = None) -> CalendarLinks:
    folder = page_url if page_url.endswith("/") else re.sub(r"\.html?$", "", page_url) + "/"
    download = CALENDAR_FILE if page_url.endswith("/") else posixpath.basename(folder.rstrip("/")) + "/" + CALENDAR_FILE
    subscribe = None
    if canonical_url:
        parts = urlsplit(canonical_url)
        if parts.scheme in ("http", "https") and parts.netloc:
            site_root = canonical_url[: len(canonical_url) - len(page_url)] if canonical_url.endswith(page_url) else None
            if site_root is not None:
                absolute = site_root + folder + CALENDAR_FILE
                subscribe = "webcal://" + absolute.split("://", 1)[1]
    return CalendarLinks(download, subscribe)


# A name as it goes into a UID: case, spacing and punctuation do not matter; ASCII only.
# Remembered (a pure function): every event of an engagement repeats its id and the studio's name.
@lru_cache(maxsize=8192)
def stable_key(name: str) -> str:
    text = unicodedata.normalize("NFKC", name).casefold()
    slug = re.sub(r"[\W_]+", "-", text).strip("-")
    if not slug:
        return "h" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:12]
    return quote(slug, safe="-")


# A UID: what the event is about (kind and name), whose it is (engagement, studio), for whom.
# The client's calendar names the engagement by a digest of its id, never the id itself: a
# file name is the studio's own word for the client ("acme-lowball"); the board's may say it.
def event_uid(engagement_id: str, kind: str, key: str, studio: str, internal: bool = False) -> str:
    audience = ".board" if internal else ""
    whose = stable_key(engagement_id) if internal else engagement_digest(engagement_id)
    return f"{kind}.{key}.{whose}.{stable_key(studio)}{audience}@{UID_DOMAIN}"


# The engagement as the client's calendar names it: stable while the id is, and saying nothing of it.
@lru_cache(maxsize=8192)
def engagement_digest(engagement_id: str) -> str:
    return "e" + hashlib.blake2b(engagement_id.encode("utf-8"), digest_size=8, person=b"courtside-uid").hexdigest()


def _keys(names: list[str]) -> list[str]:
    """Stable keys for names, made unique in order (two names may normalize alike)."""
    used: set[str] = set()
    out = []
    for name in names:
        base = key = stable_key(name)
        number = 1
        while key in used:
            number += 1
            key = f"{base}-{number}"
        used.add(key)
        out.append(key)
    return out


# -- Events, as plain values -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DueEvent:
    """One all-day event of a calendar, as plain values: the one source of both writers."""

    uid: str
    day: date  # DTSTART; DTEND is the next day
    summary: str
    description: str
    revision: Revision  # SEQUENCE; LAST-MODIFIED and DTSTAMP
    url: str | None  # the client page, absolute; None without `site_url`
    tentative: bool = False  # STATUS:TENTATIVE: a payment whose date is only expected
    alarm: bool = False  # a DISPLAY VALARM two days before, at 9:00, saying the summary


@dataclass(frozen=True, slots=True)
class CalendarHead:
    """What a calendar says about itself: its name and description, in `language`."""

    name: str
    description: str
    language: str


def payment_day(pay: PaymentPlan, terms_days: int) -> tuple[date | None, bool]:
    """(the payment's due date, whether it is expected): known, or from the expected invoice."""
    if pay.due_date is not None:
        return pay.due_date, False
    if pay.expected_invoice_date is None:
        return None, False
    return pay.expected_invoice_date + timedelta(days=terms_days), pay.stage is not None


# Speed: remembered; stages repeat lists and both calendars say each one (1,000 generated
# engagements: 4,662 lists, 1,303 different; babel took 0.063 s for them).
@lru_cache(maxsize=4096)
def _listed(items: tuple[str, ...], language: str) -> str:
    """A stage's deliverables as one phrase of the language ("a, b and c"): Speech's locale."""
    return format_list(list(items), locale=language)


def _page_line(speech: Speech, page_url: str | None) -> str:
    """The description's last paragraph: the client page's link, when there is one."""
    if not page_url:
        return ""
    return "\n\n" + speech.gettext("The whole schedule: %(url)s", url=page_url)


def _stage_dates(snap: Snapshot, revisions: list[Revision]) -> Iterator[tuple[Any, str, date, Revision]]:
    """Each stage of a dated engagement with its event key, promised due day and revision
    (both calendars share this)."""
    plan = snap.schedule
    for stage_plan, key in zip(plan.stages, _keys([s.name for s in plan.stages]), strict=True):
        link = stage_plan.promise
        assert link is not None  # a dated engagement has a promise chain
        yield stage_plan, key, link.due, revisions[stage_plan.index]


def _still_owed(
    snap: Snapshot, speech: Speech, revisions: EventRevisions, link_line: str, page_url: str | None, internal: bool
) -> list[DueEvent]:
    """A cancelled engagement's events: the due dates of its invoiced, unpaid payments only."""
    owed = {pay.index for pay in snap.payments if pay.state in ("invoiced", "overdue")}
    return _payment_events(snap, speech, revisions.payments, link_line, page_url, internal, only=owed)


def client_events(snap: Snapshot, page_url: str | None = None) -> list[DueEvent]:
    """The client's calendar events: their stages, our promised deliveries, the payments."""
    terms, plan = snap.terms, snap.schedule
    revisions = event_revisions(snap)
    if revisions is None:  # no dates yet (a proposal, a deposit not paid)
        return []
    speech = speech_for(terms.language)
    link_line = _page_line(speech, page_url)
    if plan.state == "cancelled":
        return _still_owed(snap, speech, revisions, link_line, page_url, internal=False)
    studio, project = terms.studio.name, terms.project
    events = []
    for stage_plan, key, due, rev in _stage_dates(snap, revisions.stages):
        stage, day = stage_plan.stage, speech.date(due)
        items = _listed(tuple(stage.deliverables), speech.language) if stage.deliverables else ""
        if stage_plan.owner == "client":
            summary = speech.gettext("Due from you: %(stage)s (%(project)s)", stage=stage.name, project=project)
            text = speech.gettext("Your part of %(stage)s is due on %(date)s.", stage=stage.name, date=day)
            if items:
                text += " " + speech.gettext("What we need from you: %(items)s.", items=items)
        else:
            summary = speech.gettext(
                "%(studio)s delivers: %(stage)s (%(project)s)", studio=studio, stage=stage.name, project=project
            )
            text = speech.gettext(
                "%(studio)s promised to deliver %(stage)s by %(date)s.", studio=studio, stage=stage.name, date=day
            )
            if items:
                text += " " + speech.gettext("Deliverables: %(items)s.", items=items)
        uid = event_uid(snap.id, "stage", key, studio)
        owed = stage_plan.owner == "client" and stage.done is None
        events.append(DueEvent(uid, due, summary, text + link_line, rev, page_url, alarm=owed))
    events.extend(_payment_events(snap, speech, revisions.payments, link_line, page_url, internal=False))
    return events


def _payment_events(
    snap: Snapshot,
    speech: Speech,
    revisions: list[Revision],
    link_line: str,
    page_url: str | None,
    internal: bool,
    only: set[int] | None = None,
) -> list[DueEvent]:
    """One event per payment with a due date, known or expected (of those in `only`, when given)."""
    terms = snap.terms
    events = []
    for pay, key, rev in zip(snap.payments, _keys([p.name for p in snap.payments]), revisions, strict=True):
        day, expected = payment_day(pay, terms.payment.terms)
        if day is None or (only is not None and pay.index not in only):
            continue
        amount = speech.money(pay.amount, terms.currency)
        names = {"payment": pay.name, "amount": amount, "project": terms.project, "client": terms.client}
        if internal and expected:
            summary = speech.gettext("%(client)s pays (expected): %(payment)s, %(amount)s", **names)
        elif internal:
            summary = speech.gettext("%(client)s pays: %(payment)s, %(amount)s", **names)
        elif expected:
            summary = speech.gettext("Payment due (expected): %(payment)s, %(amount)s (%(project)s)", **names)
        else:
            summary = speech.gettext("Payment due: %(payment)s, %(amount)s (%(project)s)", **names)
        if expected:
            text = speech.gettext(
                "The invoice for %(payment)s (%(amount)s) follows %(stage)s, planned to end on %(end)s; "
                "payment is due on %(date)s.",
                payment=pay.name,
                amount=amount,
                stage=pay.stage,
                end=speech.date(pay.expected_invoice_date),  # type: ignore[arg-type]
                date=speech.date(day),
            )
        else:
            text = speech.gettext(
                "%(payment)s: %(amount)s, due on %(date)s.", payment=pay.name, amount=amount, date=speech.date(day)
            )
        uid = event_uid(snap.id, "payment", key, terms.studio.name, internal)
        owed = not internal and pay.payment.paid is None
        events.append(DueEvent(uid, day, summary, text + link_line, rev, page_url, tentative=expected, alarm=owed))
    return events


def client_head(snap: Snapshot) -> CalendarHead:
    """The client calendar's name and description, in the engagement's language."""
    terms = snap.terms
    speech = speech_for(terms.language)
    name = speech.gettext("%(project)s with %(studio)s", project=terms.project, studio=terms.studio.name)
    description = speech.gettext(
        "Your dates, our promised deliveries and the payments of %(project)s.", project=terms.project
    )
    return CalendarHead(name, description, terms.language)


def internal_events(snap: Snapshot, speech: Speech, page_url: str | None = None) -> list[DueEvent]:
    """The studio's events of one engagement: every stage (both owners) and every payment."""
    terms, plan = snap.terms, snap.schedule
    revisions = event_revisions(snap)
    if revisions is None:  # no dates yet (a proposal, a deposit not paid)
        return []
    link_line = _page_line(speech, page_url)
    if plan.state == "cancelled":
        return _still_owed(snap, speech, revisions, link_line, page_url, internal=True)
    studio = terms.studio.name
    events = []
    for stage_plan, key, due, rev in _stage_dates(snap, revisions.stages):
        stage = stage_plan.stage
        names = {"client": terms.client, "stage": stage.name, "project": terms.project, "date": speech.date(due)}
        if stage_plan.owner == "client":
            summary = speech.gettext("%(client)s owes: %(stage)s", **names)
            text = speech.gettext("%(client)s's part of %(stage)s (%(project)s) is due on %(date)s.", **names)
        else:
            summary = speech.gettext("We deliver to %(client)s: %(stage)s", **names)
            text = speech.gettext("We promised %(stage)s (%(project)s) to %(client)s by %(date)s.", **names)
        if stage.deliverables:
            items = _listed(tuple(stage.deliverables), speech.language)
            text += " " + speech.gettext("Deliverables: %(items)s.", items=items)
        uid = event_uid(snap.id, "stage", key, studio, internal=True)
        events.append(DueEvent(uid, due, summary, text + link_line, rev, page_url))
    events.extend(_payment_events(snap, speech, revisions.payments, link_line, page_url, internal=True))
    return events


def _internal_parts(
    board: Board, page_urls: dict[str, str | None] | None
) -> tuple[CalendarHead, Iterator[list[DueEvent]]]:
    """The studio calendar's head, and its events engagement by engagement (in id order)."""
    speech, head, snapshots = _internal_plan(board)
    urls = page_urls or {}
    return head, (internal_events(snap, speech, urls.get(snap.id)) for snap in snapshots)


def _internal_plan(board: Board) -> tuple[Speech, CalendarHead, list[Snapshot]]:
    """The studio calendar's language, head and engagements in their order (by id)."""
    policies = board.policies
    speech = speech_for(policies.language)
    name = speech.gettext("%(studio)s: every engagement", studio=policies.studio.name)
    description = speech.gettext("Every stage and payment of every engagement, as promised to the clients.")
    head = CalendarHead(name, description, policies.language)
    return speech, head, sorted(board.snapshots, key=lambda s: s.id)


# -- The files: written directly from the plain events -------------------------------------------


def _text(value: str) -> str:
    """A TEXT value escaped (RFC 5545 3.3.11): backslash, semicolon, comma; line breaks as `\\n`.

    What icalendar's vText writes, but for its turning a literal `\\N` into a line break: here a
    backslash is always doubled, so a name like `C:\\New` reads back as written."""
    if "\\" in value:
        value = value.replace("\\", "\\\\")
    if ";" in value:
        value = value.replace(";", "\\;")
    if "," in value:
        value = value.replace(",", "\\,")
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    if "\n" in value:
        value = value.replace("\n", "\\n")
    return value


def _raw(value: str) -> str:
    """An X-WR-* value, written unescaped as icalendar writes it; a line break becomes a space
    (a raw line break would end the line; icalendar refuses to write one)."""
    return value.replace("\r\n", " ").replace("\r", " ").replace("\n", " ")


def _param(value: str) -> str:
    """A parameter value, double-quoted when it holds `,`, `;`, `:` or `'` (as icalendar does)."""
    value = value.replace('"', "'")
    return f'"{value}"' if any(c in value for c in ",;:'") else value


def _day(day: date) -> str:
    """A DATE value: YYYYMMDD."""
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def _utc(moment: datetime) -> str:
    """A UTC DATE-TIME value: YYYYMMDDTHHMMSSZ."""
    moment = moment.astimezone(UTC)
    return f"{_day(moment)}T{moment.hour:02d}{moment.minute:02d}{moment.second:02d}Z"


def _duration(span: timedelta) -> str:
    """A DURATION value as icalendar writes it: `-P1DT15H`, `PT12H`."""
    sign = "-" if span < timedelta(0) else ""
    span = abs(span)
    hours, rest = divmod(span.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    clock = "".join(f"{n}{unit}" for n, unit in ((hours, "H"), (minutes, "M"), (seconds, "S")) if n)
    days = f"{span.days}D" if span.days else ""
    if not days and not clock:
        clock = "0S"
    return f"{sign}P{days}" + (f"T{clock}" if clock else "")


ALARM_TRIGGER = _duration(-ALARM_BEFORE)
REFRESH_TEXT = _duration(REFRESH)


def _head_lines(head: CalendarHead) -> list[str]:
    """BEGIN:VCALENDAR and the calendar's own properties, in icalendar's order, folded."""
    language = _param(head.language)
    return [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        _fold(f"PRODID:{_text(PRODID)}"),
        "CALSCALE:GREGORIAN",
        _fold(f"DESCRIPTION;LANGUAGE={language}:{_text(head.description)}"),
        _fold(f"X-WR-CALDESC:{_raw(head.description)}"),
        _fold(f"NAME;LANGUAGE={language}:{_text(head.name)}"),
        _fold(f"X-WR-CALNAME:{_raw(head.name)}"),
        f"REFRESH-INTERVAL;VALUE=DURATION:{REFRESH_TEXT}",
        f"X-PUBLISHED-TTL:{REFRESH_TEXT}",
    ]


# Speed: the days and moments of events repeat (a calendar's events fall on a few hundred
# days; every event of an engagement without history has one of a few revisions), so their
# lines are made once per day and per moment; 40,000 `_day` calls were a fifth of `render`.
@lru_cache(maxsize=4096)
def _all_day_lines(day: date) -> tuple[str, str]:
    """An all-day event's DTSTART and DTEND lines (it ends the next day)."""
    return f"DTSTART;VALUE=DATE:{_day(day)}", f"DTEND;VALUE=DATE:{_day(day + timedelta(days=1))}"


@lru_cache(maxsize=4096)
def _stamp_lines(moment: datetime) -> tuple[str, str]:
    """An event's DTSTAMP and LAST-MODIFIED lines: both the moment of its revision."""
    stamp = _utc(moment)
    return f"DTSTAMP:{stamp}", f"LAST-MODIFIED:{stamp}"


def _event_lines(event: DueEvent, lines: list[str]) -> None:
    """Append one VEVENT (and its VALARM) to `lines`, folded, in icalendar's property order.

    Only lines with text of variable length can pass 75 octets; the others are never folded."""
    start, end = _all_day_lines(event.day)
    stamp, modified = _stamp_lines(event.revision.modified)
    summary = _text(event.summary)
    lines += (
        "BEGIN:VEVENT",
        _fold(f"SUMMARY:{summary}"),
        start,
        end,
        stamp,
        _fold(f"UID:{_text(event.uid)}"),
        f"SEQUENCE:{event.revision.sequence}",
        _fold(f"DESCRIPTION:{_text(event.description)}"),
        modified,
    )
    if event.tentative:
        lines.append("STATUS:TENTATIVE")
    lines.append("TRANSP:TRANSPARENT")
    if event.url:
        lines.append(_fold(f"URL:{event.url}"))
    if event.alarm:
        alarm_text = _fold(f"DESCRIPTION:{summary}")
        lines += ("BEGIN:VALARM", "ACTION:DISPLAY", alarm_text, f"TRIGGER:{ALARM_TRIGGER}", "END:VALARM")
    lines.append("END:VEVENT")


def render(events: Iterable[DueEvent], head: CalendarHead) -> bytes:
    """A whole `calendar.ics`: the head, then the events in order; CRLF after each line, UTF-8."""
    lines = _head_lines(head)
    for event in events:
        _event_lines(event, lines)
    lines += ("END:VCALENDAR", "")
    return "\r\n".join(lines).encode("utf-8")


def client_calendar_bytes(snap: Snapshot, page_url: str | None = None) -> bytes:
    """The client's `calendar.ics` file, written directly (what the plugin writes)."""
    return render(client_events(snap, page_url), client_head(snap))


def client_event_bytes(snap: Snapshot, kind: str, name: str, page_url: str | None = None) -> bytes | None:
    """The client's calendar with only the event of one stage or payment (`kind` "stage" or
    "payment"), for a reminder's attachment; its UID is the published calendar's, so importing
    it updates that event. None when the calendar has no such event."""
    names = [s.name for s in snap.schedule.stages] if kind == "stage" else [p.name for p in snap.payments]
    if name not in names:
        return None
    uid = event_uid(snap.id, kind, _keys(names)[names.index(name)], snap.terms.studio.name)
    events = [event for event in client_events(snap, page_url) if event.uid == uid]
    return render(events, client_head(snap)) if events else None


# Performance (docs/performance.md): with every event of every engagement in one Calendar object,
# the studio calendar alone took 270 MB at 10,000 engagements. Events are made one engagement at a
# time and only their text is kept.
def internal_calendar_bytes(board: Board, page_urls: dict[str, str | None] | None = None) -> bytes:
    """The studio's `calendar.ics` file, written directly, one engagement's events at a time."""
    out = io.BytesIO()
    write_internal_calendar(out, board, page_urls)
    return out.getvalue()


def write_internal_calendar(
    out: BinaryIO,
    board: Board,
    page_urls: dict[str, str | None] | None = None,
    part: Callable[[Snapshot, str | None], bytes] | None = None,
) -> None:
    """The studio's `calendar.ics` into `out`, one engagement at a time: the same bytes as
    `render`, without holding every line of every engagement (150 MB at 10,000 engagements).

    `part(snapshot, page_url)` may supply an engagement's part already made (a build makes
    them beside its pages, publish/site_files.py `BoardParts`); by default it is made here.
    """
    speech, head, snapshots = _internal_plan(board)
    urls = page_urls or {}
    out.write(("\r\n".join(_head_lines(head)) + "\r\n").encode("utf-8"))
    for snap in snapshots:
        url = urls.get(snap.id)
        out.write(part(snap, url) if part is not None else internal_calendar_part(snap, speech, url))
    out.write(b"END:VCALENDAR\r\n")


def internal_calendar_part(snap: Snapshot, speech: Speech, page_url: str | None) -> bytes:
    """One engagement's events in the studio's calendar, as its file holds them (no bytes
    for an engagement without dates). `speech`: the studio's language (the policies')."""
    lines: list[str] = []
    for event in internal_events(snap, speech, page_url):
        _event_lines(event, lines)
    return ("\r\n".join(lines) + "\r\n").encode("utf-8") if lines else b""


# -- The same calendars as icalendar objects (built from the same plain events) ----------------


def event_component(event: DueEvent) -> Event:
    """One plain event as an icalendar VEVENT, with its VALARM."""
    # Imported here: a build writes calendars directly and never needs icalendar (0.1 s of start-up).
    from icalendar import Alarm, Event, vDDDTypes, vInt, vText, vUri

    component = Event()
    component["UID"] = vText(event.uid)
    component["DTSTAMP"] = vDDDTypes(event.revision.modified)
    component["LAST-MODIFIED"] = vDDDTypes(event.revision.modified)
    component["SEQUENCE"] = vInt(event.revision.sequence)
    component["DTSTART"] = vDDDTypes(event.day)
    component["DTEND"] = vDDDTypes(event.day + timedelta(days=1))
    component["TRANSP"] = vText("TRANSPARENT")
    component["SUMMARY"] = vText(event.summary)
    component["DESCRIPTION"] = vText(event.description)
    if event.url:
        component["URL"] = vUri(event.url)
    if event.tentative:
        component.add("status", "TENTATIVE")
    if event.alarm:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", event.summary)
        alarm.add("trigger", -ALARM_BEFORE)
        component.add_component(alarm)
    return component


def calendar_component(events: Iterable[DueEvent], head: CalendarHead) -> Calendar:
    """A VCALENDAR object holding the events, with its name, description and refresh interval."""
    from icalendar import Calendar, vDuration

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("name", head.name, parameters={"LANGUAGE": head.language})
    cal.add("x-wr-calname", head.name)
    cal.add("description", head.description, parameters={"LANGUAGE": head.language})
    cal.add("x-wr-caldesc", head.description)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(REFRESH))
    for event in events:
        cal.add_component(event_component(event))
    return cal


def client_calendar(snap: Snapshot, page_url: str | None = None) -> Calendar:
    """The client's calendar as an icalendar object; `page_url` absolute or None."""
    return calendar_component(client_events(snap, page_url), client_head(snap))


def internal_calendar(board: Board, page_urls: dict[str, str | None] | None = None) -> Calendar:
    """Every engagement's dates for the studio as an icalendar object, in the policies' language."""
    head, batches = _internal_parts(board, page_urls)
    return calendar_component((event for batch in batches for event in batch), head)


# Performance (docs/performance.md): `cal.to_ical()` builds a Contentline object per line and
# folds it character by character. `calendar_bytes` writes the very same bytes from any Calendar
# object (same property order, escaping, parameters and folding; tests/test_benchmarks.py).
def _fold(line: str) -> str:
    """RFC 5545 folding as icalendar 7 does it: pieces of at most 74 octets, cut between
    UTF-8 characters, never right after a backslash or caret (an escape stays whole)."""
    if len(line) < 75 and line.isascii():
        return line
    data = line.encode("utf-8")
    if len(data) < 75:
        return line
    pieces, start = [], 0
    while len(data) - start > 74:
        cut = start + 74
        while data[cut] & 0xC0 == 0x80:  # a UTF-8 continuation byte: inside a character
            cut -= 1
        if data[cut - 1] in b"\\^" and cut - 1 > start:
            cut -= 1
        pieces.append(data[start:cut])
        start = cut
    pieces.append(data[start:])
    return b"\r\n ".join(pieces).decode("utf-8")


def calendar_bytes(cal: Calendar) -> bytes:
    """An icalendar object's bytes: UTF-8, CRLF, folded; byte for byte what `cal.to_ical()` writes."""
    lines: list[str] = []
    stack = [(cal, False)]
    while stack:
        component, closing = stack.pop()
        if closing:
            lines.append(f"END:{component.name}")
            continue
        lines.append(f"BEGIN:{component.name}")
        for name in component.sorted_keys():
            values = component[name]
            for value in values if isinstance(values, list) else (values,):
                text = value.to_ical()
                text = text.decode("utf-8") if isinstance(text, bytes) else text
                params = getattr(value, "params", None)
                rendered = params.to_ical(sorted=True) if params else b""
                rendered = rendered.decode("utf-8") if isinstance(rendered, bytes) else rendered
                lines.append(_fold(f"{name};{rendered}:{text}" if rendered else f"{name}:{text}"))
        stack.append((component, True))
        stack.extend((sub, False) for sub in reversed(component.subcomponents))
    lines.append("")
    return "\r\n".join(lines).encode("utf-8")
