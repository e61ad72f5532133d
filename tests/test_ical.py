"""Calendars (publish/ical.py): what they hold, RFC 5545's text rules, stable UIDs, SEQUENCE.

Every calendar is written the way the plugin writes it (the direct writer), read back with two
independent parsers, `icalendar` and `vobject`, and compared byte for byte with what icalendar
itself writes from the same events; the raw bytes are checked against RFC 5545 by hand (CRLF, 75-octet lines,
DTSTAMP, VALUE=DATE, escaping). Dates of the synthetic engagement were worked out by hand
on a plain Monday-to-Friday calendar (see tests/test_reminders.py's docstring):
Kick-off materials (client) due Mon 2026-03-09, Wireframes (ours, 10 promised days) due
Mon 03-23, Design approval (client) due Mon 03-30; the dates were assigned on Mon 03-02.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import icalendar
import pytest
import vobject
import yaml
from courtside.core.board import Board
from courtside.core.pipeline import compute as snapshot_of
from courtside.core.revisions import assigned_on
from courtside.core.snapshot import Snapshot
from courtside.publish.board_json import board_json
from courtside.publish.i18n import speech_for
from courtside.publish.ical import (
    calendar_links,
    client_calendar,
    client_calendar_bytes,
    client_events,
    engagement_digest,
    event_uid,
    internal_calendar,
    internal_calendar_bytes,
    stable_key,
)
from courtside.sources.folder import evaluate_folder
from helpers import D
from test_reminders import front, snap_of

ROOT = Path(__file__).resolve().parents[1]
PROJECTS = ROOT / "projects"
TODAY = date(2026, 11, 20)
SITE = "https://studio.example/"


@pytest.fixture(scope="module")
def board() -> Board:
    return evaluate_folder(PROJECTS, TODAY)


def page_url(snap: Snapshot) -> str:
    return f"{SITE}c/{snap.terms.share}/"


@pytest.fixture(scope="module")
def calendars(board: Board) -> dict[str, bytes]:
    """Every example client's calendar.ics, and the internal one under the key `board`, as the plugin writes them."""
    out = {s.id: client_calendar_bytes(s, page_url(s)) for s in board.snapshots if s.terms.share}
    out["board"] = internal_calendar_bytes(board, {s.id: page_url(s) for s in board.snapshots})
    return out


# Events of a calendar's bytes, parsed by icalendar: UID -> event.
def events_of(raw: bytes) -> dict[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(raw)
    found = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    assert len(found) == len(cal.walk("VEVENT")), "UIDs must be unique within a calendar"
    return found


# The same events read by vobject: UID -> (start date, end date, summary, description).
def vobject_events(raw: bytes) -> dict[str, tuple[date, date, str, str]]:
    cal = vobject.readOne(raw.decode("utf-8"))
    return {
        e.uid.value: (e.dtstart.value, e.dtend.value, e.summary.value, e.description.value)
        for e in cal.contents.get("vevent", [])
    }


# The client's events as icalendar reads them back from the file the plugin writes.
def written_events(snap: Snapshot, url: str | None = None) -> list[icalendar.Event]:
    return icalendar.Calendar.from_ical(client_calendar_bytes(snap, url)).walk("VEVENT")


def unfold(raw: bytes) -> str:
    return raw.decode("utf-8").replace("\r\n ", "").replace("\r\n\t", "")


# -- Both parsers, and RFC 5545's text rules ---------------------------------------------------


def test_every_calendar_reads_the_same_in_icalendar_and_vobject(calendars):
    for ident, raw in calendars.items():
        ours = events_of(raw)
        theirs = vobject_events(raw)
        assert set(ours) == set(theirs), ident
        for uid, event in ours.items():
            assert theirs[uid] == (
                event.decoded("dtstart"),
                event.decoded("dtend"),
                str(event["summary"]),
                str(event["description"]),
            ), (ident, uid)


def test_rfc5545_text_rules_in_every_calendar(calendars):
    for ident, raw in calendars.items():
        # CRLF line ends only, and the file ends with one.
        assert raw.count(b"\n") == raw.count(b"\r\n") and raw.endswith(b"\r\n"), ident
        lines = raw.split(b"\r\n")[:-1]
        for line in lines:
            # At most 75 octets, and folding never splits a UTF-8 character.
            assert len(line) <= 75, (ident, line)
            line.decode("utf-8")
        text = unfold(raw)
        assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
        assert "\r\nVERSION:2.0\r\n" in text and "\r\nPRODID:" in text
        for block in re.findall(r"BEGIN:VEVENT\r\n(.*?)END:VEVENT", text, flags=re.S):
            block = block.replace("\r\n", "\n")
            props = [line.split(":", 1)[0] for line in block.split("\n") if line]
            assert props.count("UID") == 1 and props.count("DTSTAMP") == 1, (ident, block)
            assert re.search(r"^DTSTAMP:\d{8}T000000Z$", block, flags=re.M)
            start = re.search(r"^DTSTART;VALUE=DATE:(\d{8})$", block, flags=re.M)
            end = re.search(r"^DTEND;VALUE=DATE:(\d{8})$", block, flags=re.M)
            assert start and end, (ident, block)
            first = date(int(start[1][:4]), int(start[1][4:6]), int(start[1][6:]))
            assert end[1] == (first + timedelta(days=1)).strftime("%Y%m%d")
            assert re.search(r"^SEQUENCE:\d+$", block, flags=re.M)
            assert re.search(r"^LAST-MODIFIED:\d{8}T000000Z$", block, flags=re.M)


def test_the_direct_writer_writes_what_icalendar_writes(board, tmp_path):
    # One source, two writers: the files come from `render` (no icalendar objects), and must be
    # byte for byte what icalendar's own `to_ical()` writes of the objects made from the same
    # events, for the examples and for 60 generated engagements (four scripts, every state, long
    # texts that fold), with and without page links.
    sys.path.insert(0, str(ROOT))  # `benchmarks` is a top-level folder of the repository
    from benchmarks.generate import write_projects

    write_projects(tmp_path / "projects", 60, seed=5)
    generated = evaluate_folder(tmp_path / "projects", TODAY)
    files = folded = 0
    for each in (board, generated):
        for urls in ({s.id: page_url(s) for s in each.snapshots}, {}):
            for snap in each.snapshots:
                written = client_calendar_bytes(snap, urls.get(snap.id))
                assert written == client_calendar(snap, urls.get(snap.id)).to_ical(), snap.id
                folded += written.count(b"\r\n ")
                files += 1
            assert internal_calendar_bytes(each, urls) == internal_calendar(each, urls).to_ical()
    assert files == 2 * (len(board.snapshots) + 60)
    assert folded > 100  # long lines really were folded


def test_long_russian_and_arabic_summaries_fold_at_75_octets():
    long_ru = "Согласование макетов главной страницы, каталога и корзины; правки по фотографиям"
    long_ar = "مراجعة تصميم الصفحة الرئيسية وصفحة المنتجات وسلة الشراء، والموافقة النهائية؛ مع الصور"
    for language, name in (("ru", long_ru), ("ar", long_ar)):
        fields = front(language=language)
        fields["stages"][0]["name"] = name
        fields["payments"][1]["due"] = name
        snap = snap_of("2026-03-05", "long-names", **fields)
        raw = client_calendar_bytes(snap, SITE + "c/o83m814aclon01p9ez77/")
        lines = raw.split(b"\r\n")
        assert all(len(line) <= 75 for line in lines)
        summary_at = next(i for i, line in enumerate(lines) if line.startswith(b"SUMMARY:") and name[:5].encode() in line)
        # The summary runs over several physical lines, each continuation starting with a space.
        assert lines[summary_at + 1].startswith(b" ") and lines[summary_at + 2].startswith(b" ")
        # Commas and semicolons escaped in the text; both parsers give back the exact name.
        assert name.replace(",", "\\,").replace(";", "\\;") in unfold(raw)
        uid = event_uid("long-names", "stage", stable_key(name), "Northwind Studio")
        assert uid.isascii()
        summary = speech_for(language).gettext(
            "Due from you: %(stage)s (%(project)s)", stage=name, project="Website redesign"
        )
        assert str(events_of(raw)[uid]["summary"]) == summary
        assert vobject_events(raw)[uid][2] == summary


def test_commas_semicolons_and_backslashes_in_names_are_escaped():
    # "\New" too: a backslash before N is a backslash like any other (icalendar's own writer
    # would turn it into a line break).
    name = r"Copy, photos; logos \ misc \New"
    fields = front()
    fields["stages"][1]["name"] = name
    fields["project"] = "Bakery; site, v2"
    snap = snap_of("2026-03-05", "escapes", **fields)
    raw = client_calendar_bytes(snap)
    text = unfold(raw)
    # RFC 5545 3.3.11: "\" -> "\\", ";" -> "\;", "," -> "\,".
    assert r"SUMMARY:Northwind Studio delivers: Copy\, photos\; logos \\ misc \\New (Bakery\; site\, v2)" in text
    uid = event_uid("escapes", "stage", stable_key(name), "Northwind Studio")
    expected = f"Northwind Studio delivers: {name} (Bakery; site, v2)"
    assert str(events_of(raw)[uid]["summary"]) == expected
    assert vobject_events(raw)[uid][2] == expected


# -- What the calendars hold ---------------------------------------------------------------------


def test_client_events_match_board_json(board, calendars):
    published = board_json(board)["engagements"]
    checked = 0
    for entry in published:
        snap = next(s for s in board.snapshots if s.id == entry["id"])
        if not snap.terms.share:
            continue
        events = events_of(calendars[entry["id"]])
        if entry["state"] in ("proposal", "cancelled"):
            assert events == {}
            continue
        studio = snap.terms.studio.name
        for stage in entry["stages"]:
            uid = event_uid(entry["id"], "stage", stable_key(stage["name"]), studio)
            event = events[uid]
            # The promised due date, never the target.
            assert event.decoded("dtstart").isoformat() == stage["due"], (entry["id"], stage["name"])
            assert (event.walk("VALARM") != []) == (stage["owner"] == "client" and stage["done"] is None)
            checked += 1
        dated = 0
        for pay in entry["payments"]:
            uid = event_uid(entry["id"], "payment", stable_key(pay["name"]), studio)
            if pay["due_date"]:
                day, expected = pay["due_date"], False
            elif pay["expected_invoice_date"]:
                day = (D(pay["expected_invoice_date"]) + timedelta(days=snap.terms.payment.terms)).isoformat()
                expected = pay["due"] in {stage["name"] for stage in entry["stages"]}
            else:
                assert uid not in events
                continue
            dated += 1
            event = events[uid]
            assert event.decoded("dtstart").isoformat() == day, (entry["id"], pay["name"])
            assert (str(event.get("status", "")) == "TENTATIVE") == expected
            assert (event.walk("VALARM") != []) == (pay["paid"] is None)
            checked += 1
        # Nothing else: one event per stage and per dated payment.
        assert len(events) == len(entry["stages"]) + dated
    assert checked > 0


def test_every_event_links_to_the_client_page(board, calendars):
    for snap in board.snapshots:
        if not snap.terms.share:
            continue
        for event in events_of(calendars[snap.id]).values():
            assert str(event["url"]) == page_url(snap)
            assert page_url(snap) in str(event["description"])


def test_alarms_two_days_before_at_nine_only_on_what_the_client_owes():
    # 03-12: Kick-off materials done 03-11 (no alarm), Wireframes ours (none), Design approval
    # owed (alarm), Deposit paid (none), Design approved and Launch unpaid (alarms).
    snap = snap_of("2026-03-12", **front(done={"Kick-off materials": "2026-03-11"}))
    alarms = {str(e["summary"]): e.walk("VALARM") for e in written_events(snap)}
    with_alarm = sorted(summary for summary, found in alarms.items() if found)
    assert with_alarm == [
        "Due from you: Design approval (Website redesign)",
        "Payment due (expected): Design approved, $4,800.00 (Website redesign)",
        "Payment due: Launch, $3,600.00 (Website redesign)",
    ]
    [alarm] = alarms["Due from you: Design approval (Website redesign)"]
    assert str(alarm["action"]) == "DISPLAY"
    # An all-day event starts at midnight: 1 day 15 hours before is 9:00 two days before.
    assert alarm.decoded("trigger") == -timedelta(days=1, hours=15)
    assert str(alarm["description"]) == "Due from you: Design approval (Website redesign)"


def test_internal_calendar_has_every_stage_of_every_engagement(board, calendars):
    events = events_of(calendars["board"])
    client_uids = {uid for ident, raw in calendars.items() if ident != "board" for uid in events_of(raw)}
    assert not client_uids & set(events)
    expected = 0
    for snap in board.snapshots:
        if not snap.schedule.dated or snap.schedule.state == "cancelled":
            continue
        for plan in snap.schedule.stages:
            uid = event_uid(snap.id, "stage", stable_key(plan.name), snap.terms.studio.name, internal=True)
            assert events[uid].decoded("dtstart") == plan.promise.due
            expected += 1
        expected += sum(1 for p in snap.payments if p.due_date or p.expected_invoice_date)
    assert len(events) == expected
    summaries = [str(e["summary"]) for e in events.values()]
    # Both owners' stages are there (the studio's language is English in the examples).
    assert any(s.startswith("We deliver to ") for s in summaries)
    assert any(" owes: " in s for s in summaries)


def test_a_proposal_has_an_empty_valid_calendar():
    fields = front()
    del fields["signed"]
    for payment in fields["payments"]:
        payment.pop("paid", None)
    snap = snap_of("2026-03-05", "proposal", **fields)
    assert snap.schedule.state == "proposal"
    raw = client_calendar_bytes(snap)
    assert events_of(raw) == {}
    assert vobject.readOne(raw.decode()).name == "VCALENDAR"
    assert b"BEGIN:VEVENT" not in raw


# -- UIDs ------------------------------------------------------------------------------------------


def test_uids_come_from_names_not_dates_or_shares():
    # Hand-written: kind, normalized name, engagement (the client's calendar: a digest of the
    # id, never the file name), studio, fixed domain.
    digest = "e" + hashlib.blake2b(b"acme-bakery", digest_size=8, person=b"courtside-uid").hexdigest()
    assert (
        event_uid("acme-bakery", "stage", stable_key("Design  Approval"), "Northwind Studio")
        == f"stage.design-approval.{digest}.northwind-studio@courtside.invalid"
    )
    assert (
        event_uid("acme-bakery", "stage", stable_key("Design  Approval"), "Northwind Studio", internal=True)
        == "stage.design-approval.acme-bakery.northwind-studio.board@courtside.invalid"
    )
    assert stable_key("Design approval") == stable_key("design-approval") == stable_key(" DESIGN approval. ")
    # Non-ASCII names are kept, percent-encoded: "Дизайн" is D0 94 D0 B8 D0 B7 D0 B0 D0 B9 D0 BD,
    # lowered first to "дизайн" (D0 B4 ...).
    assert stable_key("Дизайн") == "%D0%B4%D0%B8%D0%B7%D0%B0%D0%B9%D0%BD"
    one = snap_of("2026-03-05", **front(share="k7p2m9xq4r8t1vzb3hw6"))
    other = snap_of("2026-03-12", **front(done={"Kick-off materials": "2026-03-11"}, share="q8w3e5r7t9y1u2i4o6p0"))
    first = {str(e["uid"]): e.decoded("dtstart") for e in written_events(one, SITE + "c/k7p2m9xq4r8t1vzb3hw6/")}
    second = {str(e["uid"]): e.decoded("dtstart") for e in written_events(other, SITE + "c/q8w3e5r7t9y1u2i4o6p0/")}
    assert set(first) == set(second)
    assert first != second  # the dates did move


def test_names_that_normalize_alike_still_get_their_own_uid():
    fields = front()
    fields["stages"][0]["name"] = "Review"
    fields["stages"][2]["name"] = "review."
    fields["payments"][1]["due"] = "review."
    uids = [e.uid for e in client_events(snap_of("2026-03-05", "twins", **fields))]
    twins = engagement_digest("twins")
    assert uids[0] == f"stage.review.{twins}.northwind-studio@courtside.invalid"
    assert uids[2] == f"stage.review-2.{twins}.northwind-studio@courtside.invalid"
    assert len(set(uids)) == len(uids) == 6


# -- Revisions: SEQUENCE and LAST-MODIFIED ---------------------------------------------------


# Summary -> (start date, SEQUENCE, LAST-MODIFIED date) of an engagement's client events.
def revisions(snap: Snapshot) -> dict[str, tuple[date, int, date]]:
    return {
        str(e["summary"]): (e.decoded("dtstart"), int(e["sequence"]), e.decoded("last-modified").date())
        for e in written_events(snap)
    }


def test_sequence_counts_days_from_assignment_to_the_last_move():
    before = revisions(snap_of("2026-03-05"))
    # Nothing has moved on 03-05: every event is as assigned on 03-02.
    assert {rev[1:] for rev in before.values()} == {(0, D("2026-03-02"))}
    # Kick-off materials done Wed 03-11, two working days late: Wireframes opens Thu 03-12 and
    # is due add(03-12, 9) = Wed 03-25; Design approval opens Thu 03-26, due Wed 04-01; its
    # payment is expected 04-01 + 15 = 04-16. Moved on 03-11: SEQUENCE 9 (03-02 -> 03-11).
    after = revisions(snap_of("2026-03-12", **front(done={"Kick-off materials": "2026-03-11"})))
    assert after == {
        # Its date is the same, but it is done: its alarm went away on 03-11.
        "Due from you: Kick-off materials (Website redesign)": (D("2026-03-09"), 9, D("2026-03-11")),
        "Northwind Studio delivers: Wireframes (Website redesign)": (D("2026-03-25"), 9, D("2026-03-11")),
        "Due from you: Design approval (Website redesign)": (D("2026-04-01"), 9, D("2026-03-11")),
        "Payment due: Deposit, $3,600.00 (Website redesign)": (D("2026-03-17"), 0, D("2026-03-02")),
        "Payment due (expected): Design approved, $4,800.00 (Website redesign)": (
            D("2026-04-16"),
            9,
            D("2026-03-11"),
        ),
        # Invoiced on a fixed date, 05-01: due 05-16, never moved.
        "Payment due: Launch, $3,600.00 (Website redesign)": (D("2026-05-16"), 0, D("2026-03-02")),
    }


def test_a_stage_running_late_moves_what_follows_every_day():
    # Kick-off materials due 03-09, not done: on 03-12 the stages after it move every day.
    on_12 = revisions(snap_of("2026-03-12"))
    on_13 = revisions(snap_of("2026-03-13"))
    wireframes = "Northwind Studio delivers: Wireframes (Website redesign)"
    # 03-12: opens next(03-12) = 03-13, due add(03-13, 9) = 03-26; 03-13: opens 03-16, due 03-27.
    assert on_12[wireframes] == (D("2026-03-26"), 10, D("2026-03-12"))
    assert on_13[wireframes] == (D("2026-03-27"), 11, D("2026-03-13"))
    # The late stage's own due date does not move.
    kickoff = "Due from you: Kick-off materials (Website redesign)"
    assert on_12[kickoff] == on_13[kickoff] == (D("2026-03-09"), 0, D("2026-03-02"))


# Terms as they were known on `day`: recorded dates after it not written down yet.
def as_known_on(terms, day: date):
    stages = [
        s.model_copy(
            update={
                "started": s.started if s.started and s.started <= day else None,
                "done": s.done if s.done and s.done <= day else None,
            }
        )
        for s in terms.stages
    ]
    payments = [p.model_copy(update={"paid": p.paid if p.paid and p.paid <= day else None}) for p in terms.payments]
    return terms.model_copy(update={"stages": stages, "payments": payments})


# What a calendar app shows of an event (everything but its revision stamps).
def shown(event: icalendar.Event) -> tuple:
    fields = ("dtstart", "dtend", "summary", "description", "url", "status", "transp")
    alarms = tuple((str(a["action"]), a.decoded("trigger"), str(a["description"])) for a in event.walk("VALARM"))
    return (*(str(event.get(name, "")) for name in fields), event.decoded("dtstart"), alarms)


# Replay an engagement from the day its dates were assigned to `last`, one build a day, each
# recorded date written down on the day it happened (the way the board is kept). Whenever an
# event's date or text changes, its SEQUENCE must go up; SEQUENCE and LAST-MODIFIED never go
# down. Returns how many times some event changed.
def replay(snap: Snapshot, last: date) -> int:
    assigned = assigned_on(snap)
    assert assigned is not None
    seen: dict[str, tuple[tuple, int, date]] = {}
    changes = 0
    day = assigned
    while day <= last:
        known = dataclasses.replace(snap.loaded, terms=as_known_on(snap.terms, day))
        today_snap = snapshot_of(known, day)
        assert isinstance(today_snap, Snapshot)
        for event in written_events(today_snap, "https://studio.example/c/o83m814aclon01p9ez77/"):
            uid, sequence = str(event["uid"]), int(event["sequence"])
            modified = event.decoded("last-modified").date()
            if uid in seen:
                text, previous, previous_modified = seen[uid]
                assert sequence >= previous and modified >= previous_modified, (snap.id, uid, day)
                if shown(event) != text:
                    assert sequence > previous, (snap.id, uid, day)
                    changes += 1
            seen[uid] = (shown(event), sequence, modified)
        day += timedelta(days=1)
    return changes


def test_daily_builds_of_the_examples_never_lower_sequence(board):
    replayed = 0
    for snap in board.snapshots:
        if assigned_on(snap) is not None:
            replay(snap, TODAY + timedelta(days=10))
            replayed += 1
    assert replayed >= 3


def test_daily_builds_through_every_kind_of_move():
    # Kick-off materials two working days late (done 03-11); Wireframes started the same day
    # (earlier than next(03-11)) and done early on 03-20; Design approval done 04-20, past the
    # grace of 5 working days (Build restarts); its gate payment paid late, 05-20 (holds Build).
    fields = front(
        done={"Kick-off materials": "2026-03-11", "Wireframes": "2026-03-20", "Design approval": "2026-04-20"},
        paid={"Design approved": "2026-05-20"},
    )
    fields["stages"][1]["started"] = "2026-03-11"
    fields["stages"].append({"name": "Build", "owner": "us", "days": 5})
    fields["payments"][1]["gate"] = True
    snap = snap_of("2026-06-30", "every-move", **fields)
    build = snap.schedule.stages[3]
    # Design approval was due 03-27 (opens next(03-20) = 03-23): done 04-20 is 16 working days
    # late, past the grace: Build restarts at add(04-20, 11) = 05-05, then the gate paid on
    # 05-20 holds it to next(05-20) = 05-21.
    assert build.promise.restarted and build.promise.gated
    assert build.promise.opens == D("2026-05-21")
    assert replay(snap, D("2026-06-30")) > 20


# -- Links on the client page ---------------------------------------------------------------------


def test_calendar_links_download_and_webcal():
    assert calendar_links("c/o83m814aclon01p9ez77/", SITE + "c/o83m814aclon01p9ez77/") == (
        "calendar.ics",
        "webcal://studio.example/c/o83m814aclon01p9ez77/calendar.ics",
    )
    # A site under a path, and pages as .html files (use_directory_urls: false).
    assert calendar_links("c/o83m814aclon01p9ez77.html", "https://x.example/agency/c/o83m814aclon01p9ez77.html") == (
        "o83m814aclon01p9ez77/calendar.ics",
        "webcal://x.example/agency/c/o83m814aclon01p9ez77/calendar.ics",
    )
    # No site_url: a subscription needs an absolute address, so there is none.
    assert calendar_links("c/o83m814aclon01p9ez77/", None) == ("calendar.ics", None)


# -- Two real builds, dates moved in between ---------------------------------------------------------


def write_site(folder: Path, fields: dict[str, Any]) -> None:
    (folder / "docs").mkdir(parents=True, exist_ok=True)
    (folder / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (folder / "projects").mkdir(exist_ok=True)
    policies = {
        "studio": {"name": "Northwind Studio", "contact": {"name": "Sam Lee", "email": "sam@northwind.example"}},
        "calendar": {"workdays": ["mon", "tue", "wed", "thu", "fri"]},
        "payment": {"terms": 15, "late_fee": "1.5%"},
    }
    (folder / "projects" / "_policies.yml").write_text(yaml.safe_dump(policies), encoding="utf-8")
    front_matter = {
        "client": "Acme Bakery",
        "project": "Website redesign",
        "share": "k7p2m9xq4r8t1vzb3hw6",
        "contacts": {"client": {"name": "Dana Ruiz", "email": "dana@acmebakery.example"}},
        **fields,
    }
    front_matter.pop("calendar", None)
    text = "---\n" + yaml.safe_dump(front_matter, allow_unicode=True, sort_keys=False) + "---\nScope.\n"
    (folder / "projects" / "acme-bakery.md").write_text(text, encoding="utf-8")
    config = {
        "site_name": "Studio",
        "site_url": SITE,
        "docs_dir": "docs",
        "theme": {"name": "material", "font": False},
        "plugins": [{"courtside": {"projects": "projects", "board_path": "board", "board_protected": True}}],
    }
    (folder / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")


def mkdocs_build(folder: Path, today: str) -> Path:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "COURTSIDE_TODAY": today}
    mkdocs = Path(sys.executable).with_name("mkdocs")
    result = subprocess.run(
        [str(mkdocs), "build", "-q", "-f", str(folder / "mkdocs.yml"), "-d", str(folder / "site")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return folder / "site"


def test_two_builds_with_moved_dates_keep_every_uid(tmp_path):
    write_site(tmp_path, front())
    site = mkdocs_build(tmp_path, "2026-03-05")
    share_dir = site / "c" / "k7p2m9xq4r8t1vzb3hw6"
    first = events_of((share_dir / "calendar.ics").read_bytes())
    first_internal = events_of((site / "board" / "calendar.ics").read_bytes())
    board = json.loads((site / "board" / "board.json").read_text(encoding="utf-8"))
    # 03-05: Kick-off materials due Mon 03-09 is two working days ahead: one reminder.
    assert [(r["kind"], r["date"]) for r in board["reminders"]] == [("stage-soon", "2026-03-09")]

    # The client delivers two working days late, recorded on the day; a week later we build again.
    write_site(tmp_path, front(done={"Kick-off materials": "2026-03-11"}))
    site = mkdocs_build(tmp_path, "2026-03-12")
    second = events_of((share_dir / "calendar.ics").read_bytes())
    second_internal = events_of((site / "board" / "calendar.ics").read_bytes())
    assert set(first) == set(second) and len(first) == 6
    assert set(first_internal) == set(second_internal) and len(first_internal) == 6
    moved = [uid for uid in first if first[uid].decoded("dtstart") != second[uid].decoded("dtstart")]
    # Wireframes, Design approval and the payment after it moved (see the hand-checked dates above).
    assert len(moved) == 3
    for uid in moved:
        assert int(second[uid]["sequence"]) > int(first[uid]["sequence"])
        assert second[uid].decoded("last-modified") > first[uid].decoded("last-modified")
    board = json.loads((site / "board" / "board.json").read_text(encoding="utf-8"))
    assert board["reminders"] == []
    # The calendar file is what the webcal link on the page points to.
    links = calendar_links("c/k7p2m9xq4r8t1vzb3hw6/", SITE + "c/k7p2m9xq4r8t1vzb3hw6/")
    assert links.subscribe == "webcal://studio.example/c/k7p2m9xq4r8t1vzb3hw6/calendar.ics"
    assert (share_dir / links.download).is_file()


def english_fragments() -> set[str]:
    """Literal runs of two or more English words from every catalog message (placeholders cut out)."""
    from babel.messages.pofile import read_po

    pot = Path(__file__).resolve().parent.parent / "plugins" / "courtside" / "locale" / "courtside.pot"
    with pot.open("rb") as handle:
        catalog = read_po(handle)
    fragments = set()
    for message in catalog:
        for text in message.id if isinstance(message.id, tuple) else (message.id,):
            for piece in re.split(r"%\(\w+\)[sd]", text or ""):
                piece = piece.strip(" .,:;()\"'")
                if re.fullmatch(r"[A-Za-z]+( [A-Za-z']+)+", piece):
                    fragments.add(piece)
    return fragments


def test_calendars_in_other_languages_carry_no_english(board: Board, calendars) -> None:
    fragments = english_fragments()
    assert len(fragments) > 50, "the catalog should yield many English phrases to look for"
    checked = 0
    for snap in board.snapshots:
        if snap.terms.language == "en" or snap.id not in calendars:
            continue
        texts = [
            str(event.get(key, ""))
            for event in icalendar.Calendar.from_ical(calendars[snap.id]).walk("VEVENT")
            for key in ("SUMMARY", "DESCRIPTION")
        ]
        checked += len(texts)
        english = sorted({f for f in fragments for text in texts if f in text})
        assert english == [], f"{snap.id} ({snap.terms.language}): {english}"
    assert checked > 20, "the es, ru and ar examples should have dated events"
