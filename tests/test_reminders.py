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
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from courtside.core.board import Board
from courtside.core.model import Policies
from courtside.core.pipeline import Broken, Source, evaluate, read_policies
from courtside.core.pipeline import compute as snapshot_of
from courtside.core.reminders import SENT, SENT_LATE, SKIPPED, Recorded, owed_on, plan_reminders
from courtside.core.snapshot import Snapshot
from courtside.core.validate import Loaded, Origin
from courtside.core.workcal import OutOfRange
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


# The reminders the plan sends on `today` (everything earlier already in `recorded`):
# (kind, about, trigger day, late, days_left, days_late).
def sends(today: str, recorded: dict | None = None, **fields: Any) -> list[tuple[str, str, str, bool, int, int]]:
    plan = plan_reminders(board_of(today, snap_of(today, **fields)), recorded or {})
    return [(r.kind, r.about, r.trigger.isoformat(), r.late, r.days_left, r.days_late) for r in plan.to_send]


# Run the plan once a day from `first` to `last`, recording what it sends and skips like the
# sent log does; day -> what it sent that day.
def daily(first: str, last: str, **fields: Any) -> dict[str, list[tuple[str, str, str, bool, int, int]]]:
    recorded: dict = {}
    out = {}
    day = D(first)
    while day <= D(last):
        plan = plan_reminders(board_of(day.isoformat(), snap_of(day.isoformat(), **fields)), recorded)
        for step in plan.steps:
            if step.send is not None:
                recorded[step.send.key] = Recorded(day, SENT_LATE if step.send.late else SENT)
            for skipped in step.skip:
                recorded[skipped.key] = Recorded(day, SKIPPED)
        sent = [(r.kind, r.about, r.trigger.isoformat(), r.late, r.days_left, r.days_late) for r in plan.to_send]
        if sent:
            out[day.isoformat()] = sent
        day += timedelta(days=1)
    return out


DONE = {"Kick-off materials": "2026-03-09", "Wireframes": "2026-03-23", "Design approval": "2026-03-30"}


# -- The cadence: which reminder on which day ------------------------------------------------------


def test_client_stage_reminders_on_working_days_before_on_and_after_its_due_date():
    # Due Mon 03-09 (opens Tue 03-03), never done. Before 2 working days: Thu 03-05 (03-06 and
    # 03-09 are ahead); on Mon 03-09; after 1, 3, 5 working days: Tue 03-10, Thu 03-12, Mon 03-16.
    # days_left: working days to the due date; days_late: the schedule's late_by.
    assert daily("2026-03-02", "2026-03-20") == {
        "2026-03-05": [("stage-soon", "Kick-off materials", "2026-03-05", False, 2, 0)],
        "2026-03-09": [("stage-soon", "Kick-off materials", "2026-03-09", False, 0, 0)],
        "2026-03-10": [("stage-late", "Kick-off materials", "2026-03-10", False, 0, 1)],
        "2026-03-12": [("stage-late", "Kick-off materials", "2026-03-12", False, 0, 3)],
        "2026-03-16": [("stage-late", "Kick-off materials", "2026-03-16", False, 0, 5)],
    }


def test_invoice_reminders_on_calendar_days_before_on_and_after_its_due_date():
    # Invoiced Mon 03-30, due 15 days later, Tue 04-14. Before 7 and 1 days: Tue 04-07, Mon 04-13;
    # on Tue 04-14; after 2, 7, 14 days: Thu 04-16, Tue 04-21, Tue 04-28. Late fee 2.40 a day.
    found = daily("2026-03-30", "2026-05-05", **front(done=DONE))  # (Launch, invoiced 05-01, is chased from 05-09)
    assert {day: [(k, t, late, left, days) for k, _, t, late, left, days in sent] for day, sent in found.items()} == {
        "2026-04-07": [("invoice-soon", "2026-04-07", False, 7, 0)],
        "2026-04-13": [("invoice-soon", "2026-04-13", False, 1, 0)],
        "2026-04-14": [("invoice-due", "2026-04-14", False, 0, 0)],
        "2026-04-16": [("invoice-overdue", "2026-04-16", False, 0, 2)],
        "2026-04-21": [("invoice-overdue", "2026-04-21", False, 0, 7)],
        "2026-04-28": [("invoice-overdue", "2026-04-28", False, 0, 14)],
    }


def test_calendar_days_for_invoices_reach_the_weekend_working_days_for_stages_do_not():
    # Terms of 13 days: due Sun 04-12. Sat 04-11 and Sun 04-05 and 04-12 are trigger days.
    fields = front(done=DONE, payment={"terms": 13, "late_fee": "1.5%"})
    assert list(daily("2026-03-30", "2026-04-13", **fields)) == ["2026-04-05", "2026-04-11", "2026-04-12"]
    # A client stage due on Monday: "1 working day before" is the Friday before, not Sunday.
    custom = front(reminders={"stages": {"before": [1], "on_due": False, "after": []}})
    assert list(daily("2026-03-02", "2026-03-20", **custom)) == ["2026-03-06"]


def test_a_first_run_sends_only_the_latest_and_skips_the_earlier_ones():
    # Fri 04-24, nothing recorded: 04-07, 04-13, 04-14, 04-16 and 04-21 passed. One message.
    snap = snap_of("2026-04-24", **front(done=DONE))
    plan = plan_reminders(board_of("2026-04-24", snap), {})
    [step] = plan.steps
    assert step.send is not None and step.send.trigger == D("2026-04-21") and step.send.late
    assert [r.trigger.isoformat() for r in step.skip] == ["2026-04-07", "2026-04-13", "2026-04-14", "2026-04-16"]
    # The message is as of today: 10 days overdue, 10 * 2.40 late fee.
    assert (step.send.kind, step.send.days_late, step.send.late_fee, step.send.owed) == (
        "invoice-overdue", 10, Decimal("24.00"), Decimal("4824.00"),
    )


def test_a_day_older_than_one_recorded_is_skipped_not_sent():
    # The log holds 04-16 (sent) but not 04-13 (a hand edit, an older version): 04-13 is
    # recorded as skipped, nothing is sent again.
    snap = snap_of("2026-04-17", **front(done=DONE))
    due = D("2026-04-14")
    recorded = {
        ("payment", "acme", "Design approved", due, D("2026-04-07")): Recorded(D("2026-04-07"), SENT),
        ("payment", "acme", "Design approved", due, D("2026-04-14")): Recorded(D("2026-04-14"), SENT),
        ("payment", "acme", "Design approved", due, D("2026-04-16")): Recorded(D("2026-04-16"), SENT),
    }
    plan = plan_reminders(board_of("2026-04-17", snap), recorded)
    [step] = plan.steps
    assert step.send is None and [r.trigger for r in step.skip] == [D("2026-04-13")]


def test_what_was_sent_today_is_listed_with_its_record():
    snap = snap_of("2026-04-14", **front(done=DONE))
    key = ("payment", "acme", "Design approved", D("2026-04-14"), D("2026-04-14"))
    accepted = datetime(2026, 4, 14, 7, 2, tzinfo=UTC)
    plan = plan_reminders(board_of("2026-04-14", snap), {key: Recorded(D("2026-04-14"), SENT, accepted, "dana@acmebakery.example")})
    # Sent today, so nothing is to send; the two earlier days it stood for are recorded as skipped.
    assert plan.to_send == []
    assert [(step.send, [r.trigger for r in step.skip]) for step in plan.steps] == [(None, [D("2026-04-07"), D("2026-04-13")])]
    [(rem, record)] = plan.sent
    assert rem.key == key and record.at == accepted
    # A day later it is history, not "sent today".
    assert plan_reminders(board_of("2026-04-15", snap_of("2026-04-15", **front(done=DONE))), {key: Recorded(D("2026-04-14"), SENT, accepted)}).sent == []


def test_triggers_before_the_stage_opens_or_the_invoice_exists_are_no_reminders():
    # A one-day client stage after ours: it opens Tue 03-24 and is due that day. "2 working
    # days before" (Fri 03-20) came before it opened: not a missed reminder, none at all.
    short = front(done={"Kick-off materials": "2026-03-09", "Wireframes": "2026-03-23"})
    short["stages"][2]["days"] = 1
    plan = plan_reminders(board_of("2026-03-24", snap_of("2026-03-24", **short)), {})
    [step] = plan.steps
    assert step.send is not None and (step.send.trigger, step.send.late, step.skip) == (D("2026-03-24"), False, ())
    # Payment terms of 0 days: due on the invoice day; "7 and 1 days before" do not exist.
    fields = front(done=DONE, payment={"terms": 0, "late_fee": "0%"})
    assert sends("2026-03-30", **fields) == [("invoice-due", "Design approved", "2026-03-30", False, 0, 0)]


def test_our_stages_stages_not_open_and_upcoming_invoices_are_not_chased():
    # 03-24: Wireframes (ours) is late; Design approval opens only after it: nothing to chase.
    assert daily("2026-03-17", "2026-03-27", **front(done={"Kick-off materials": "2026-03-09"})) == {}
    # Launch is invoiced on 05-01 (a date): nothing before the invoice exists.
    paid = front(done=DONE, paid={"Design approved": "2026-04-10"})
    assert daily("2026-04-10", "2026-04-30", **paid) == {}


def test_stages_are_not_chased_on_hold_but_invoices_still_are():
    assert daily("2026-03-02", "2026-03-20", **front(status="on-hold")) == {}
    assert list(daily("2026-04-13", "2026-04-14", **front(done=DONE, status="on-hold"))) == ["2026-04-13", "2026-04-14"]


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        (False, []),
        ({"stages": False}, ["invoice-due"]),
        ({"payments": False}, ["stage-soon"]),
        ({"payments": {"on_due": False}, "stages": {"after": [1]}}, ["stage-soon"]),
        (True, ["stage-soon", "invoice-due"]),
    ],
)
def test_the_reminders_policy_stops_one_kind_or_all(setting, expected):
    # On Tue 04-14 "Design approved" is due, and so is a fourth stage, the client's "Content"
    # (11 working days from Tue 03-31: add(03-31, 10) = Tue 04-14). Earlier days already went.
    fields = front(done=DONE, reminders=setting)
    fields["stages"].append({"name": "Content", "owner": "client", "days": 11})
    kinds_sent = [kind for kind, *_ in sends("2026-04-14", every_before("2026-04-14", fields), **fields)]
    assert sorted(kinds_sent) == sorted(expected)


# Everything due before `today` recorded as sent (a job that ran every day), for `fields`.
def every_before(today: str, fields: dict[str, Any]) -> dict:
    recorded = {}
    for owed in owed_on(board_of(today, snap_of(today, **fields))):
        for day in owed.triggers:
            if day < D(today):
                recorded[replace(owed.reminder, trigger=day).key] = Recorded(day, SENT)
    return recorded


def test_days_late_is_the_schedules_late_by_not_counted_again():
    # The stage reminder carries the schedule's own value (format.md's late_by), nothing else.
    snap = snap_of("2026-03-16")
    [plan_of_stage] = [p for p in snap.schedule.stages if p.name == "Kick-off materials"]
    [owed] = owed_on(board_of("2026-03-16", snap))
    assert owed.reminder.days_late == plan_of_stage.late_by == 5


def test_ids_are_stable_and_ordered_oldest_due_first():
    late = snap_of("2026-03-12", "late-client")  # Kick-off materials due 03-09
    soon_terms = front(done={"Kick-off materials": "2026-03-09"})
    soon_terms["payments"][2]["due"] = "2026-02-27"  # invoiced 02-27, due Sat 03-14: 2 days ahead
    soon = snap_of("2026-03-12", "soon-invoice", **soon_terms)
    plan = plan_reminders(board_of("2026-03-12", soon, late), {})
    assert [(r.engagement_id, r.kind, r.date, r.trigger) for r in plan.to_send] == [
        ("late-client", "stage-late", D("2026-03-09"), D("2026-03-12")),
        ("soon-invoice", "invoice-soon", D("2026-03-14"), D("2026-03-07")),
    ]
    assert plan.to_send[0].id == "stage:late-client:Kick-off materials:2026-03-09:2026-03-12"
    assert plan.to_send[0].key == ("stage", "late-client", "Kick-off materials", D("2026-03-09"), D("2026-03-12"))


# -- The policy, validated like every key -----------------------------------------------------------

POLICIES_TEXT = "studio:\n  name: Northwind Studio\nreminders:\n  payments: {after: [3, 10]}\n"


def loaded(text: str, policies: str = POLICIES_TEXT) -> Any:
    return evaluate(Source.of("projects/acme.md", text), read_policies(Source.of("projects/_policies.yml", policies)), D("2026-04-14"))


ENGAGEMENT = """---
client: Acme Bakery
project: Website redesign
contacts: {client: {name: Dana Ruiz, email: dana@acme.example}}
stages: [{name: Build, owner: us, days: 5}]
"""


def test_the_policy_merges_key_by_key_per_engagement():
    snap = loaded(ENGAGEMENT + "reminders: {stages: {before: [3]}}\n---\n")
    policy = snap.terms.reminders
    assert (policy.payments.before, policy.payments.after, policy.payments.on_due) == ([7, 1], [3, 10], True)
    assert (policy.stages.before, policy.stages.on_due, policy.stages.after) == ([3], True, [1, 3, 5])
    assert loaded(ENGAGEMENT + "reminders: false\n---\n").terms.reminders is None
    assert loaded(ENGAGEMENT + "reminders: {payments: false}\n---\n").terms.reminders.payments is None
    # `true` turns them back on (the defaults) where the policies say false.
    back = loaded(ENGAGEMENT + "reminders: true\n---\n", "reminders: false\n").terms.reminders
    assert back is not None and back.payments.after == [2, 7, 14]


def test_an_engagement_inherits_the_policy_unchanged():
    # The policies' `reminders` reaches an engagement that does not set it (it was refused as
    # "expected false (off), true (the defaults) or a mapping" before 0.2.0).
    snap = loaded(ENGAGEMENT + "---\n")
    policy = snap.terms.reminders
    assert (policy.payments.before, policy.payments.after, policy.payments.on_due) == ([7, 1], [3, 10], True)
    assert (policy.stages.before, policy.stages.after) == ([2], [1, 3, 5])


@pytest.mark.parametrize(
    ("value", "field", "message"),
    [
        ("{payments: {before: [0]}}", "reminders.payments.before[0]", "expected a whole number of at least 1, got 0"),
        ("{payments: {after: [400]}}", "reminders.payments.after[0]", "expected a whole number of at most 365, got 400"),
        ("{stages: {aftr: [1]}}", "reminders.stages.aftr", "unknown field; did you mean 'after'?"),
        ("{stages: {on_due: maybe}}", "reminders.stages.on_due", "expected true or false, got 'maybe'"),
        ("no", "reminders", "expected false (off), true (the defaults) or a mapping like {payments: {after: [3, 10]}, stages: false}, got 'no'; write false instead of no"),
        ("{stages: }", "reminders.stages", "expected false (off), true (the defaults) or a mapping like {before: [2], on_due: true, after: [1, 3, 5]}, got nothing (null)"),
    ],
)
def test_bad_cadences_are_named_by_file_line_and_field(value, field, message):
    result = loaded(ENGAGEMENT + f"reminders: {value}\n---\n")
    assert isinstance(result, Broken)
    assert [str(p) for p in result.problems] == [f"projects/acme.md:6: {field}: {message}"]


# -- The working day before -------------------------------------------------------------------------


def test_sub_is_the_nth_working_day_before():
    plain = calendar_of(engagement(calendar=PLAIN_CALENDAR))
    assert plain.sub(D("2026-03-09"), 2) == D("2026-03-05")  # Mon -> Thu (skips the weekend)
    assert plain.sub(D("2026-03-08"), 1) == D("2026-03-06")  # from a Sunday: Friday
    us = calendar_of(engagement(calendar={**PLAIN_CALENDAR, "country": "US"}))
    # Thanksgiving, Thu 2026-11-26, is no working day: two working days before Mon 11-30 is Wed 11-25.
    assert us.sub(D("2026-11-30"), 1) == D("2026-11-27")
    assert us.sub(D("2026-11-30"), 2) == D("2026-11-25")
    for n in range(1, 40):
        assert us.add(us.sub(D("2026-11-30"), n), n) == D("2026-11-30")
    with pytest.raises(OutOfRange):
        plain.sub(D("2000-01-03"), 5)


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
    assert entry["id"] == "stage:acme:Kick-off materials:2026-03-09:2026-03-10"
    assert (entry["what"], entry["trigger"], entry["late"], entry["sent_at"]) == ("stage", "2026-03-10", False, None)
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
