"""Reminders: which are due on which day (core/reminders.py), and their mailto: links.

Dates were worked out by hand on a plain Monday-to-Friday calendar (no holidays, nothing
closed), checked against a 2026 wall calendar (`cal 3 2026`, `cal 4 2026`):

    signed and deposit paid Mon 2026-03-02      -> start = next(03-02) = Tue 03-03
    Kick-off materials (client, 5)    opens 03-03  due add(03-03, 4) = Mon 03-09
    Wireframes (us, 8, buffer 25%: 10) opens 03-10 due add(03-10, 9) = Mon 03-23
    Design approval (client, 5)       opens 03-24  due add(03-24, 4) = Mon 03-30
    "Design approved", 40% of 12000 = 4800, invoiced when Design approval is done;
    payment terms 15 days, late fee 1.5% per 30 days: 4800 * 0.015 / 30 = 2.40 a day.
"""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from courtside.core.board import Board
from courtside.core.model import Policies
from courtside.core.pipeline import compute as snapshot_of
from courtside.core.reminders import due_reminders, invoice_reminders, stage_reminders
from courtside.core.snapshot import Snapshot
from courtside.core.validate import Loaded, Origin
from courtside.core.yamlfile import Located
from courtside.publish.board_json import board_json
from courtside.publish.i18n import speech_for
from courtside.publish.mailto import mailto_href, reminder_mails, reminders_json
from helpers import PLAIN_CALENDAR, D, calendar_of, engagement

BASE: dict[str, Any] = {
    "calendar": PLAIN_CALENDAR,
    "fee": 12000,
    "buffer": "25%",
    "signed": "2026-03-02",
    "stages": [
        {"name": "Kick-off materials", "owner": "client", "days": 5, "deliverables": ["Logo files", "Photos"]},
        {"name": "Wireframes", "owner": "us", "days": 8},
        {"name": "Design approval", "owner": "client", "days": 5},
    ],
    "payments": [
        {"name": "Deposit", "amount": "30%", "due": "signing", "paid": "2026-03-02"},
        {"name": "Design approved", "amount": "40%", "due": "Design approval"},
        {"name": "Launch", "amount": "30%", "due": "2026-05-01"},
    ],
}


# The base engagement with recorded dates: done={stage: date}, paid={payment: date}, and overrides.
def front(done: dict[str, str] | None = None, paid: dict[str, str] | None = None, **overrides: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    for stage in data["stages"]:
        if done and stage["name"] in done:
            stage["done"] = done[stage["name"]]
    for payment in data["payments"]:
        if paid and payment["name"] in paid:
            payment["paid"] = paid[payment["name"]]
    data.update(overrides)
    return data


# One engagement (the base one unless `fields` are given) on `today`, by the real engine.
def snap_of(today: str, ident: str = "acme", **fields: Any) -> Snapshot:
    terms = engagement(**(fields or front()))
    result = snapshot_of(Loaded(ident, terms, "", Origin(f"projects/{ident}.md", Located({})), calendar_of(terms)), D(today))
    assert isinstance(result, Snapshot)
    return result


def board_of(today: str, *snaps: Snapshot) -> Board:
    return Board(D(today), Policies(), list(snaps))


# (kind, about, days_left, days_late) of every reminder of the base engagement on `today`.
def kinds(today: str, **fields: Any) -> list[tuple[str, str, int, int]]:
    snap = snap_of(today, **fields)
    found = stage_reminders(snap, D(today)) + invoice_reminders(snap, D(today))
    return [(r.kind, r.about, r.days_left, r.days_late) for r in found]


# -- Which reminders are due when ------------------------------------------------------------------


def test_client_stage_is_chased_from_two_working_days_before_its_due_date():
    # Due Mon 03-09. Wed 03-04: 03-05, 03-06, 03-09 are three working days ahead: too early.
    assert kinds("2026-03-04") == []
    # Thu 03-05: 03-06 and 03-09, two working days ahead.
    assert kinds("2026-03-05") == [("stage-soon", "Kick-off materials", 2, 0)]
    # Sat 03-07: only Monday 03-09 is ahead.
    assert kinds("2026-03-07") == [("stage-soon", "Kick-off materials", 1, 0)]
    # On the due day itself.
    assert kinds("2026-03-09") == [("stage-soon", "Kick-off materials", 0, 0)]


def test_late_client_stage_is_chased_every_day_until_done():
    # Tue 03-10: between(03-09, 03-10) = 1 working day late; Mon 03-16: 03-10..03-13, 03-16 = 5.
    assert kinds("2026-03-10") == [("stage-late", "Kick-off materials", 0, 1)]
    assert kinds("2026-03-16") == [("stage-late", "Kick-off materials", 0, 5)]
    # Done on Wed 03-11: nothing to chase on Thu 03-12.
    assert kinds("2026-03-12", **front(done={"Kick-off materials": "2026-03-11"})) == []


def test_our_stages_and_stages_not_open_yet_are_not_chased():
    # Wireframes (ours) due Mon 03-23 and late on 03-24: never a client reminder. Design
    # approval opens only after Wireframes ends, so on 03-24 (Wireframes running late, its
    # end is today) it opens 03-25: not open, nothing to chase yet.
    done = {"Kick-off materials": "2026-03-09"}
    assert kinds("2026-03-24", **front(done=done)) == []
    # A one-day client stage right after ours: on Mon 03-23 (Wireframes due today, not done)
    # it opens and is due Tue 03-24, one working day ahead, but it is not open: not chased.
    short = front(done=done)
    short["stages"][2]["days"] = 1
    assert kinds("2026-03-23", **short) == []
    # Once Wireframes is done on 03-23, the one-day stage opens 03-24 and is due that day.
    short["stages"][1]["done"] = "2026-03-23"
    assert kinds("2026-03-24", **short) == [("stage-soon", "Design approval", 0, 0)]


def test_no_stage_chasing_on_hold_but_invoices_still_are():
    on_hold = front(status="on-hold")
    assert kinds("2026-03-10", **on_hold) == []
    # Design approval done Mon 03-30 -> invoiced 03-30, due 03-30 + 15 days = Tue 04-14.
    done = {"Kick-off materials": "2026-03-09", "Wireframes": "2026-03-23", "Design approval": "2026-03-30"}
    assert kinds("2026-04-14", **front(done=done, status="on-hold")) == [("invoice-due", "Design approved", 0, 0)]


def test_invoice_is_chased_seven_days_before_on_the_due_day_and_when_overdue():
    done = {"Kick-off materials": "2026-03-09", "Wireframes": "2026-03-23", "Design approval": "2026-03-30"}
    fields = front(done=done)
    # Due Tue 04-14. Mon 04-06 is eight days before: nothing. Tue 04-07 is seven.
    assert kinds("2026-04-06", **fields) == []
    assert kinds("2026-04-07", **fields) == [("invoice-soon", "Design approved", 7, 0)]
    assert kinds("2026-04-13", **fields) == [("invoice-soon", "Design approved", 1, 0)]
    assert kinds("2026-04-14", **fields) == [("invoice-due", "Design approved", 0, 0)]
    assert kinds("2026-04-15", **fields) == [("invoice-overdue", "Design approved", 0, 1)]
    # Every stage is done, so the engagement is done; the invoice is still chased.
    assert snap_of("2026-04-24", **fields).schedule.state == "done"
    [late] = invoice_reminders(snap_of("2026-04-24", **fields), D("2026-04-24"))
    # Ten days overdue: 10 * 2.40 = 24.00 late fee, 4824.00 owed.
    assert (late.kind, late.days_late, late.amount, late.late_fee, late.owed) == (
        "invoice-overdue",
        10,
        Decimal("4800.00"),
        Decimal("24.00"),
        Decimal("4824.00"),
    )
    # Paid on 04-20: nothing more to chase.
    assert kinds("2026-04-24", **front(done=done, paid={"Design approved": "2026-04-20"})) == []


def test_upcoming_and_future_invoices_are_not_chased():
    # Launch is invoiced on 2026-05-01 (due 05-16): on 04-30 it is not invoiced yet, even
    # though its due date is sixteen days away; nothing is chased before the invoice exists.
    done = {"Kick-off materials": "2026-03-09", "Wireframes": "2026-03-23", "Design approval": "2026-03-30"}
    fields = front(done=done, paid={"Design approved": "2026-04-10"})
    assert kinds("2026-04-30", **fields) == []
    # 05-09 is seven days before 05-16.
    assert kinds("2026-05-09", **fields) == [("invoice-soon", "Launch", 7, 0)]


def test_due_reminders_oldest_first_with_stable_ids():
    late = snap_of("2026-03-12", "late-client")  # Kick-off materials due 03-09, 3 working days late
    # Launch invoiced on a fixed date, 02-27: due 02-27 + 15 days = Sat 03-14, 2 days ahead.
    soon_terms = front(done={"Kick-off materials": "2026-03-09"})
    soon_terms["payments"][2]["due"] = "2026-02-27"
    soon = snap_of("2026-03-12", "soon-invoice", **soon_terms)
    board = board_of("2026-03-12", soon, late)
    found = due_reminders(board)
    assert [(r.engagement_id, r.kind, r.date) for r in found] == [
        ("late-client", "stage-late", D("2026-03-09")),
        ("soon-invoice", "invoice-soon", D("2026-03-14")),
    ]
    assert found[0].id == "late-client:stage-late:Kick-off materials:2026-03-09"
    # The same thing owed on another day keeps its id (a job sends it once).
    assert due_reminders(board_of("2026-03-13", late))[0].id == found[0].id


# -- Messages and mailto: links ------------------------------------------------------------


# Decode a mailto: href back into (address, subject, body), the way a mail program does.
def decode(href: str) -> tuple[str, str, str]:
    parts = urlsplit(href)
    assert parts.scheme == "mailto"
    fields = dict(pair.split("=", 1) for pair in parts.query.split("&"))
    assert set(fields) == {"subject", "body"}
    return unquote(parts.path), unquote(fields["subject"]), unquote(fields["body"])


RUSSIAN = front(
    language="ru",
    currency="RUB",
    client="Кофейня «Зерно»",
    project="Сайт; меню & заказы = 100% #1?",
    contacts={"client": {"name": "Анна Смирнова", "email": "anna+studio@zerno.example"}},
)
ARABIC = front(
    language="ar",
    currency="AED",
    client="مطعم الواحة",
    project="موقع وتطبيق للطلبات",
    contacts={"client": {"name": "خالد المنصوري", "email": "khalid@alwaha.example"}},
)
for terms, stage_name, deliverables in (
    (RUSSIAN, "Материалы для старта", ["Логотип", "Фотографии, меню"]),
    (ARABIC, "المحتوى والصور", ["قائمة الطعام", "صور الأطباق"]),
):
    terms["stages"][0].update(name=stage_name, deliverables=deliverables)


@pytest.mark.parametrize("fields", [RUSSIAN, ARABIC], ids=["ru", "ar"])
def test_mailto_links_decode_back_to_the_message(fields):
    snap = snap_of("2026-03-10", "client", **fields)
    [mail] = reminder_mails(board_of("2026-03-10", snap), {"client": "https://studio.example/c/o83m814aclon01p9ez77/"})
    assert mail.kind == "stage-late"
    href = mail.mailto
    # Nothing but ASCII in the link; spaces and line breaks percent-encoded (CRLF).
    assert href.isascii() and " " not in href and "\n" not in href
    assert "%0A" not in href.replace("%0D%0A", "")
    address, subject, body = decode(href)
    assert address == fields["contacts"]["client"]["email"]
    assert subject == mail.subject
    assert body == mail.body.replace("\n", "\r\n")
    # parse_qs (which reads "+" as a space) agrees: a literal "+" was encoded as %2B.
    query = parse_qs(urlsplit(href).query, strict_parsing=True)
    assert query["subject"] == [mail.subject]
    assert query["body"] == [mail.body.replace("\n", "\r\n")]
    # The message is in the client's language's formats and says what is owed, and when.
    speech = speech_for(fields["language"])
    assert speech.date(D("2026-03-09")) in subject
    assert speech.date(D("2026-03-09")) in body
    assert fields["contacts"]["client"]["name"] in body
    assert fields["stages"][0]["name"] in body
    for item in fields["stages"][0]["deliverables"]:
        assert item in body
    assert "https://studio.example/c/o83m814aclon01p9ez77/" in body


def test_mailto_special_characters_in_the_subject_survive():
    subject = "Сайт; меню & заказы = 100% #1? + ок"
    body = "Строка 1\nСтрока 2 & = ? #"
    href = mailto_href("anna+studio@zerno.example", subject, body)
    assert href.startswith("mailto:anna+studio@zerno.example?subject=")
    # Hand-encoded: "&" -> %26, "=" -> %3D, "%" -> %25, "#" -> %23, "?" -> %3F, "+" -> %2B.
    assert "%26%20%D0%B7%D0%B0%D0%BA%D0%B0%D0%B7%D1%8B%20%3D%20100%25%20%231%3F%20%2B%20" in href
    assert decode(href) == ("anna+studio@zerno.example", subject, body.replace("\n", "\r\n"))


def test_invoice_message_names_amount_late_fee_and_date():
    done = {"Kick-off materials": "2026-03-09", "Wireframes": "2026-03-23", "Design approval": "2026-03-30"}
    snap = snap_of("2026-04-24", "acme", **front(done=done))
    [mail] = reminder_mails(board_of("2026-04-24", snap), {"acme": None})
    # English: $4,800.00 plus 10 days * $2.40 = $24.00, $4,824.00 in all; due April 14, 2026.
    assert mail.kind == "invoice-overdue"
    assert "April 14, 2026" in mail.subject
    assert "$4,800.00" in mail.body and "$24.00" in mail.body and "$4,824.00" in mail.body
    assert mail.body.startswith("Hello Dana Ruiz,\n")
    # Signed by our contact (the studio's, from the policies) and the studio.
    assert mail.body.endswith("Kind regards,\nSam Lee\nNorthwind Studio\n")
    # No site_url: no link line at all.
    assert "http" not in mail.body
    assert mail.label == "Acme Bakery: Design approved, $4,824.00, 10 days overdue"


def test_reminders_in_board_json_are_plain_data():
    snap = snap_of("2026-03-10", "acme")
    board = board_of("2026-03-10", snap)
    data = board_json(board, reminders=reminders_json(reminder_mails(board, {"acme": "https://s.example/c/x/"})))
    [entry] = data["reminders"]
    assert {"id", "client", "kind", "date", "to", "subject", "body", "mailto"} <= set(entry)
    assert entry["id"] == "acme:stage-late:Kick-off materials:2026-03-09"
    assert (entry["client"], entry["kind"], entry["date"], entry["to"]) == (
        "Acme Bakery",
        "stage-late",
        "2026-03-09",
        "dana@acmebakery.example",
    )
    assert entry["deliverables"] == ["Logo files", "Photos"]
    assert decode(entry["mailto"])[1:] == (entry["subject"], entry["body"].replace("\n", "\r\n"))
    # board.json without reminders keeps its old shape.
    assert "reminders" not in board_json(board)


def test_a_client_without_email_gets_a_link_without_address():
    fields = front(contacts={"client": {"name": "Dana Ruiz", "email": None}})
    snap = snap_of("2026-03-10", "acme", **fields)
    [mail] = reminder_mails(board_of("2026-03-10", snap))
    assert mail.reminder.to is None
    assert mail.mailto.startswith("mailto:?subject=")


def test_days_are_working_days_for_stages_and_calendar_days_for_invoices():
    # Fri 03-13 to Mon 03-16 is one working day but three calendar days.
    assert kinds("2026-03-13")[0][3] == 4  # 03-10, 03-11, 03-12, 03-13
    assert kinds("2026-03-16")[0][3] == 5
    done = {"Kick-off materials": "2026-03-09", "Wireframes": "2026-03-23", "Design approval": "2026-03-30"}
    assert kinds("2026-04-17", **front(done=done))[0][3] == 3  # 04-14 -> 04-17
    assert date(2026, 3, 13).weekday() == 4  # a Friday
