"""`courtside remind --send` against a real SMTP server (aiosmtpd, in this process, on 127.0.0.1).

The server requires STARTTLS and a login, with a certificate from a CA made for the session
(trusted through COURTSIDE_SMTP_CAFILE). Nothing of SMTP is mocked: the command connects,
secures, logs in, and the server parses what it accepted.

The engagements are hand-built on a plain Monday-to-Friday calendar (no holidays), the one
of tests/test_reminders.py, counted on a 2026 wall calendar (`cal 3 2026`, `cal 4 2026`):

    signed, deposit paid Mon 03-02; start Tue 03-03
    Kick-off materials (client, 5)  opens 03-03, due Mon 03-09
    Wireframes (us, 8 + 25%: 10)    due Mon 03-23 when Kick-off is done on 03-09
    Design approval (client, 5)     due Mon 03-30 when Wireframes is done on 03-23
    "Design approved", 40% of 12000 = 4800, invoiced when Design approval is done (03-30):
      with `payment.terms: 15` due Tue 04-14; with 13, due Sun 04-12
    late fee 1.5% per 30 days: 4800 * 0.015 / 30 = 2.40 a day
"""

from __future__ import annotations

import copy
import email.utils
import json
import os
import random
import shutil
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import icalendar
import pytest
from courtside.cli import main
from courtside.core.reminders import SENT, SENT_LATE, SKIPPED
from courtside.outbox.message import message_id
from courtside.outbox.sentlog import read_sent_log
from courtside.publish.ical import engagement_digest
from mailserver import PASSWORD, SERVER_LOG, MailServer, Silent, Tls, free_port, make_tls

D = date.fromisoformat
ROOT = Path(__file__).resolve().parents[1]
SITE = "https://studio.example/"
POLICIES = """\
studio:
  name: Northwind Studio
  contact: {name: Sam Lee, email: sam@northwind.example}
language: en
currency: USD
calendar: {workdays: [mon, tue, wed, thu, fri]}
buffer: 25%
payment: {terms: 15, late_fee: 1.5%}
consequences: {client: {grace: 5, restart: 10}}
"""
DONE = {"Kick-off materials": "2026-03-09", "Wireframes": "2026-03-23", "Design approval": "2026-03-30"}
BASE: dict[str, Any] = {
    "client": "Acme Bakery",
    "project": "Website redesign",
    "contacts": {"client": {"name": "Dana Ruiz", "email": "dana@acmebakery.example"}},
    "fee": 12000,
    "signed": "2026-03-02",
    "stages": [
        {"name": "Kick-off materials", "owner": "client", "days": 5, "deliverables": ["Logo files", "Photos"]},
        {"name": "Wireframes", "owner": "us", "days": 8},
        {"name": "Design approval", "owner": "client", "days": 5},
    ],
    "payments": [
        {"name": "Deposit", "amount": "30%", "due": "signing", "paid": "2026-03-02"},
        {"name": "Design approved", "amount": "40%", "due": "Design approval"},
        {"name": "Launch", "amount": "30%", "due": "2026-06-01"},
    ],
}


def fields(done: dict[str, str] | None = None, **overrides: Any) -> dict[str, Any]:
    """The base engagement with stages done on the given days, and other fields replaced."""
    data = copy.deepcopy(BASE)
    for stage in data["stages"]:
        if done and stage["name"] in done:
            stage["done"] = done[stage["name"]]
    data.update(overrides)
    return data


def share_of(ident: str) -> str:
    # A share as random as a real one (a run of zeros is refused as guessable), the same for
    # the same engagement on every call.
    draw = random.Random(ident)
    return "".join(draw.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(24))


def projects(folder: Path, engagements: dict[str, dict[str, Any]], policies: str = POLICIES) -> Path:
    """A projects folder with `_policies.yml` and one file per engagement (front matter as JSON,
    which is YAML)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "_policies.yml").write_text(policies, encoding="utf-8")
    for ident, data in engagements.items():
        front = {"share": share_of(ident), **data}
        (folder / f"{ident}.md").write_text("---\n" + json.dumps(front, ensure_ascii=False) + "\n---\n", encoding="utf-8")
    return folder


class Ran:
    """What one `courtside remind` run did."""

    def __init__(self, code: int, out: str, err: str):
        self.code, self.out, self.err = code, out, err

    def __repr__(self) -> str:
        return f"Ran(code={self.code}, out={self.out!r}, err={self.err!r})"


@pytest.fixture
def remind(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Ran]:
    """`courtside remind --projects FOLDER --today DAY FLAGS...` in this process, with exactly
    the COURTSIDE_SMTP_* settings given."""

    def run(folder: Path, today: str, *flags: str, env: dict[str, str] | None = None, site_url: str | None = SITE) -> Ran:
        for name in [n for n in os.environ if n.startswith("COURTSIDE_")]:
            monkeypatch.delenv(name)
        for name, value in (env or {}).items():
            monkeypatch.setenv(name, value)
        capsys.readouterr()
        site = ["--site-url", site_url] if site_url else []
        code = main(["remind", "--projects", str(folder), "--today", today, *site, *flags])
        out, err = capsys.readouterr()
        return Ran(code, out, err)

    return run


@pytest.fixture(scope="session")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Tls:
    return make_tls(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def server(tls: Tls) -> Iterator[MailServer]:
    with MailServer(tls, "starttls") as running:
        yield running


def reminders_of(server: MailServer) -> list[Any]:
    """The reminder messages the server accepted (not the digests), in order."""
    return [r for r in server.received if not r.message["Message-ID"].startswith("<digest.")]


def digests_of(server: MailServer) -> list[Any]:
    return [r for r in server.received if r.message["Message-ID"].startswith("<digest.")]


def body(message: Any) -> str:
    """The decoded text; line ends as "\n" (a 7bit part keeps the wire's CRLF when parsed)."""
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def subject(message: Any) -> str:
    """The decoded subject. A subject of 70 to 77 characters is folded onto its own line
    ("Subject:" CRLF SP text, valid RFC 5322); mail programs drop the fold's space, Python's
    parser keeps it."""
    return str(message["Subject"]).strip()


def log_lines(folder: Path) -> list[tuple[tuple, Any]]:
    log = read_sent_log(folder / "_sent.log")
    assert log.problems == []
    return log.lines


# -- The right reminder on each trigger day -----------------------------------------------------


def daily_runs(remind, server: MailServer, folder: Path, first: str, last: str) -> dict[str, list[str]]:
    """`--send` once a day from `first` to `last`: day -> subjects of the reminders sent that day."""
    sent: dict[str, list[str]] = {}
    day = D(first)
    while day <= D(last):
        before = len(reminders_of(server))
        ran = remind(folder, day.isoformat(), "--send", env=server.environ())
        assert ran.code == 0, ran
        subjects = [subject(r.message) for r in reminders_of(server)[before:]]
        if subjects:
            sent[day.isoformat()] = subjects
        day += timedelta(days=1)
    return sent


def test_stage_reminders_fall_on_working_days_around_the_promised_due_date(tmp_path, remind, server):
    # Kick-off materials opens Tue 03-03, due Mon 03-09, never done. Default cadence for stages:
    # 2 working days before (Thu 03-05), on the day, 1, 3 and 5 working days after
    # (Tue 03-10, Thu 03-12, Mon 03-16): never a Saturday or a Sunday.
    folder = projects(tmp_path / "projects", {"acme": fields()})
    sent = daily_runs(remind, server, folder, "2026-03-02", "2026-03-18")
    assert sent == {
        "2026-03-05": ["Website redesign: Kick-off materials is due on March 9, 2026"],
        "2026-03-09": ["Website redesign: Kick-off materials is due on March 9, 2026"],
        "2026-03-10": ["Website redesign: Kick-off materials was due on March 9, 2026"],
        "2026-03-12": ["Website redesign: Kick-off materials was due on March 9, 2026"],
        "2026-03-16": ["Website redesign: Kick-off materials was due on March 9, 2026"],
    }
    # Each one on its day: nothing late, nothing skipped; one digest a day, 17 days.
    events = [record.event for key, record in log_lines(folder) if key[0] == "stage"]
    assert events == [SENT] * 5
    assert len(digests_of(server)) == 17


def test_payment_reminders_fall_on_calendar_days_around_the_due_date(tmp_path, remind, server):
    # Invoiced Mon 03-30, 13 days' terms: due Sun 04-12. Default cadence for payments: 7 and 1
    # calendar days before (Sun 04-05, Sat 04-11), on the day (Sun 04-12), 2, 7 and 14 days
    # after (Tue 04-14, Sun 04-19, Sun 04-26): weekends count.
    policies = POLICIES.replace("terms: 15", "terms: 13")
    folder = projects(tmp_path / "projects", {"acme": fields(DONE)}, policies)
    sent = daily_runs(remind, server, folder, "2026-03-30", "2026-04-30")  # (done 03-30: no earlier day)
    soon = "Website redesign: the invoice for Design approved is due on April 12, 2026"
    late = "Website redesign: the invoice for Design approved was due on April 12, 2026"
    assert sent == {
        "2026-04-05": [soon],
        "2026-04-11": [soon],
        "2026-04-12": ["Website redesign: the invoice for Design approved is due today"],
        "2026-04-14": [late],
        "2026-04-19": [late],
        "2026-04-26": [late],
    }
    # The overdue ones name the amount with the late fee so far: 2 days (04-14) = 4.80,
    # 7 days = 16.80, 14 days = 33.60.
    texts = [body(r.message) for r in reminders_of(server)[-3:]]
    assert "$4,800.00 plus a late fee of $4.80, $4,804.80 in all" in texts[0]
    assert "$4,800.00 plus a late fee of $16.80, $4,816.80 in all" in texts[1]
    assert "$4,800.00 plus a late fee of $33.60, $4,833.60 in all" in texts[2]


# -- Every message decodes to its language and amounts -------------------------------------------

LANGUAGES = {
    # id: (language, currency, client's contact, the amount as the language writes 4800,
    #      the due date 04-14 as it writes it, a word of its greeting)
    "en-client": ("en", "USD", ("Dana Ruiz", "dana@acme.example"), "$4,800.00", "April 14, 2026", "Hello Dana Ruiz,"),
    "es-client": ("es", "EUR", ("Lucía Fernández", "lucia@espiga.example"), "4.800,00\xa0€", "14 de abril de 2026", "Hola, Lucía Fernández:"),
    "ru-client": ("ru", "RUB", ("Анна Соколова", "anna@zerno.example"), "4\xa0800,00\xa0₽", "14 апреля 2026\u202fг.", "Здравствуйте, Анна Соколова!"),
    "ar-client": ("ar", "AED", ("خالد المنصوري", "khalid@alwaha.example"), "\u200f4,800.00\xa0د.إ.\u200f", "14 أبريل 2026", "مرحبًا خالد المنصوري،"),
}


def test_every_message_decodes_to_the_client_language_and_amount(tmp_path, remind, server):
    engagements = {
        ident: fields(
            DONE,
            client=f"Client {ident}",
            language=language,
            currency=currency,
            contacts={"client": {"name": name, "email": address}, "us": {"name": "Marta Gil", "email": "marta@northwind.example"}},
        )
        for ident, (language, currency, (name, address), *_rest) in LANGUAGES.items()
    }
    folder = projects(tmp_path / "projects", engagements)
    # Tue 04-14: every "Design approved" invoice is due today.
    ran = remind(folder, "2026-04-14", "--send", env=server.environ())
    assert ran.code == 0, ran
    assert server.handler.logins == ["sam@northwind.example"]  # after STARTTLS, with the app password
    received = {r.rcpt_tos[0]: r for r in reminders_of(server)}
    assert len(received) == 4
    for ident, (language, _currency, (name, address), amount, day, greeting) in LANGUAGES.items():
        got = received[address]
        message = got.message
        assert got.mail_from == "sam@northwind.example"
        assert message["From"].addresses[0].addr_spec == "sam@northwind.example"
        assert message["To"].addresses[0].display_name == name
        assert message["To"].addresses[0].addr_spec == address
        assert str(message["Reply-To"]) == "Marta Gil <marta@northwind.example>"
        assert message["Content-Language"] == language
        assert message["Message-ID"] == message_id(("payment", ident, "Design approved", D("2026-04-14"), D("2026-04-14")), "sam@northwind.example")
        assert email.utils.parsedate_to_datetime(message["Date"]).tzinfo is not None
        # The subject and body, decoded from their encoded words and base64, in the client's language.
        text = body(message)
        assert day in text
        assert text.startswith(greeting + "\n")
        assert amount in text
        assert f"{SITE}c/{share_of(ident)}/" in text
        assert text.rstrip().endswith("Marta Gil\nNorthwind Studio")
        # The invoice is due today: its date is attached as a calendar event, with the UID of the
        # published calendar's event.
        [attachment] = list(message.iter_attachments())
        assert attachment.get_content_type() == "text/calendar" and attachment.get_filename() == "calendar.ics"
        [event] = icalendar.Calendar.from_ical(attachment.get_content()).walk("VEVENT")
        assert event.decoded("dtstart") == D("2026-04-14")
        # The client's calendar names the engagement by a digest of its id (the file name is internal).
        assert event["uid"] == f"payment.design-approved.{engagement_digest(ident)}.northwind-studio@courtside.invalid"
    # "... is due today", in each language; no English left in the others' messages.
    subjects = {address: subject(got.message) for address, got in received.items()}
    assert subjects == {
        "dana@acme.example": "Website redesign: the invoice for Design approved is due today",
        "lucia@espiga.example": "Website redesign: la factura de «Design approved» vence hoy",
        "anna@zerno.example": "Website redesign: сегодня срок оплаты счёта «Design approved»",
        "khalid@alwaha.example": "Website redesign: تُستحق فاتورة «Design approved» اليوم",
    }
    for address in ("lucia@espiga.example", "anna@zerno.example", "khalid@alwaha.example"):
        for english in ("invoice", "Hello", "reminder", "Kind regards"):
            assert english not in body(received[address].message)


def test_an_overdue_message_names_the_late_fee_in_the_client_language(tmp_path, remind, server):
    language, currency, (name, address), *_ = LANGUAGES["ru-client"]
    contacts = {"client": {"name": name, "email": address}}
    folder = projects(tmp_path / "projects", {"zerno": fields(DONE, language="ru", currency="RUB", contacts=contacts)})
    # Fri 04-24, first run: 04-07, 04-13, 04-14, 04-16 and 04-21 passed unsent. Only the latest
    # (04-21) goes, late; 10 days overdue: 10 * 2.40 = 24.00 late fee, 4824.00 in all.
    ran = remind(folder, "2026-04-24", "--send", env=server.environ())
    assert ran.code == 0, ran
    [got] = reminders_of(server)
    text = body(got.message)
    assert "4\xa0800,00\xa0₽" in text and "24,00\xa0₽" in text and "4\xa0824,00\xa0₽" in text
    assert "14 апреля 2026\u202fг." in subject(got.message)
    # A date already past gets no calendar attachment.
    assert list(got.message.iter_attachments()) == []
    assert [(k[4].isoformat(), r.event) for k, r in log_lines(folder) if k[0] == "payment"] == [
        ("2026-04-21", SENT_LATE),
        ("2026-04-07", SKIPPED),
        ("2026-04-13", SKIPPED),
        ("2026-04-14", SKIPPED),
        ("2026-04-16", SKIPPED),
    ]


# -- Never twice, never lost --------------------------------------------------------------------


def test_a_second_send_on_the_same_day_sends_nothing(tmp_path, remind, server):
    folder = projects(tmp_path / "projects", {"acme": fields(DONE), "birch": fields(DONE, client="Birch Dental")})
    first = remind(folder, "2026-04-14", "--send", env=server.environ())
    assert first.code == 0, first
    assert len(reminders_of(server)) == 2 and len(digests_of(server)) == 1
    log_before = (folder / "_sent.log").read_text(encoding="utf-8")
    # Safe to commit: no password, no message text; one line per message and per skipped day.
    assert PASSWORD not in log_before and "Hello" not in log_before and "$4,800.00" not in log_before
    assert len([line for line in log_before.splitlines() if not line.startswith("#")]) == 3 + 4
    second = remind(folder, "2026-04-14", "--send", env=server.environ())
    assert second.code == 0, second
    assert "Nothing to send on 2026-04-14" in second.out
    assert len(server.received) == 3
    assert (folder / "_sent.log").read_text(encoding="utf-8") == log_before
    # The list says what went, and when.
    listed = remind(folder, "2026-04-14")
    assert "0 to send, 2 sent earlier that day; the studio's digest: sent at" in listed.out


def test_a_refused_third_message_leaves_two_recorded_and_the_next_run_sends_the_rest(tmp_path, remind, tls):
    clients = ["ash", "birch", "cedar", "dune", "elm"]
    folder = projects(tmp_path / "projects", {c: fields(DONE, client=c.title()) for c in clients})
    with MailServer(tls) as server:
        server.handler.refuse_data = {3}
        first = remind(folder, "2026-04-14", "--send", env=server.environ())
        assert first.code == 1
        [line] = first.err.splitlines()
        assert line.startswith("courtside remind: could not send the payment 'Design approved' of cedar ")
        assert "554 5.7.1 Message refused by policy" in line and "2 messages sent before it are recorded" in line
        assert [r.rcpt_tos for r in server.received] == [["dana@acmebakery.example"]] * 2
        sent_first = [r.message["Message-ID"] for r in server.received]
        recorded = [key[1] for key, record in log_lines(folder) if record.event == SENT]
        assert recorded == ["ash", "birch"]
        # The server takes everything now: the next run sends the three others and the digest.
        server.handler.refuse_data = set()
        second = remind(folder, "2026-04-14", "--send", env=server.environ())
        assert second.code == 0, second
        ids = [r.message["Message-ID"] for r in server.received]
        assert ids[:2] == sent_first
        assert len(ids) == 6 and len(set(ids)) == 6  # five reminders and one digest, each once
    assert [key[1] for key, record in log_lines(folder) if record.event == SENT and key[0] == "payment"] == clients
    # Each reminder skipped its earlier trigger days (04-07, 04-13) once, after it went.
    skipped = [(key[1], key[4].isoformat()) for key, record in log_lines(folder) if record.event == SKIPPED]
    assert sorted(skipped) == sorted((c, d) for c in clients for d in ("2026-04-07", "2026-04-13"))


def test_a_missed_day_sends_the_missed_reminder_once_marked_late(tmp_path, remind, server):
    policies = POLICIES.replace("terms: 15", "terms: 13")  # due Sun 04-12, triggers 04-11, 04-12, 04-14
    folder = projects(tmp_path / "projects", {"acme": fields(DONE)}, policies)
    assert remind(folder, "2026-04-11", "--send", env=server.environ()).code == 0
    # No run on Sunday 04-12. Monday: the reminder of the due day goes, late, once.
    monday = remind(folder, "2026-04-13", "--send", env=server.environ())
    assert monday.code == 0, monday
    assert "reminder of 2026-04-12, late" in monday.out
    again = remind(folder, "2026-04-13", "--send", env=server.environ())
    assert "Nothing to send" in again.out
    tuesday = remind(folder, "2026-04-14", "--send", env=server.environ())
    assert tuesday.code == 0
    subjects = [subject(r.message) for r in reminders_of(server)]
    assert subjects == [
        "Website redesign: the invoice for Design approved is due on April 12, 2026",
        "Website redesign: the invoice for Design approved was due on April 12, 2026",
        "Website redesign: the invoice for Design approved was due on April 12, 2026",
    ]
    payment = [(k[4].isoformat(), r.event, r.day.isoformat()) for k, r in log_lines(folder) if k[0] == "payment"]
    # (04-05, seven days before, passed before the first run: skipped when 04-11 went.)
    assert payment == [
        ("2026-04-11", SENT, "2026-04-11"),
        ("2026-04-05", SKIPPED, "2026-04-11"),
        ("2026-04-12", SENT_LATE, "2026-04-13"),
        ("2026-04-14", SENT, "2026-04-14"),
    ]


def test_a_week_without_runs_sends_one_message_not_a_burst(tmp_path, remind, server):
    policies = POLICIES.replace("terms: 15", "terms: 13")  # due Sun 04-12
    folder = projects(tmp_path / "projects", {"acme": fields(DONE)}, policies)
    assert remind(folder, "2026-04-05", "--send", env=server.environ()).code == 0
    # Nothing from Monday 04-06 to Tuesday 04-14; Wednesday: 04-11, 04-12 and 04-14 passed.
    wednesday = remind(folder, "2026-04-15", "--send", env=server.environ())
    assert wednesday.code == 0
    assert len(reminders_of(server)) == 2
    payment = [(k[4].isoformat(), r.event) for k, r in log_lines(folder) if k[0] == "payment"]
    assert payment == [
        ("2026-04-05", SENT),
        ("2026-04-14", SENT_LATE),
        ("2026-04-11", SKIPPED),
        ("2026-04-12", SKIPPED),
    ]


# -- The examples: the board's list is what goes ------------------------------------------------


def test_send_on_the_examples_sends_what_the_board_lists(tmp_path, remind, server, site):
    folder = tmp_path / "projects"
    shutil.copytree(ROOT / "projects", folder)
    board = json.loads((site / "board" / "board.json").read_text(encoding="utf-8"))
    listed = {(r["what"], r["engagement"], r["about"], r["date"], r["trigger"]) for r in board["reminders"]}
    assert len(listed) >= 3, board["reminders"]
    assert all(r["sent_at"] is None for r in board["reminders"])
    ran = remind(folder, "2026-11-20", "--send", env=server.environ())
    assert ran.code == 0, ran
    sent = {
        (key[0], key[1], key[2], key[3].isoformat(), key[4].isoformat())
        for key, record in log_lines(folder)
        if record.event in (SENT, SENT_LATE) and key[0] != "digest"
    }
    assert sent == listed
    assert {r.message["Message-ID"] for r in reminders_of(server)} == {
        message_id((w, e, a, D(d), D(t)), "sam@northwind.example") for w, e, a, d, t in listed
    }
    assert len(reminders_of(server)) == len(listed) and len(digests_of(server)) == 1
    # The board's "Send reminder" links are those same reminders, one each.
    html = (site / "board" / "index.html").read_text(encoding="utf-8")
    assert html.count('class="cs-reminder-send"') == len(listed)


# -- Each SMTP failure: one line naming the reminder, exit 1, what went stays recorded ---------


def one_line(ran: Ran, *words: str) -> str:
    assert ran.code == 1, ran
    assert "Traceback" not in ran.err
    lines = ran.err.splitlines()
    assert len(lines) == 1, ran.err
    for word in words:
        assert word in lines[0], lines[0]
    assert PASSWORD not in ran.err + ran.out
    return lines[0]


@pytest.fixture
def two(tmp_path: Path) -> Path:
    """Two engagements with an invoice due on 04-14: ash (Ash Dental) then birch (Birch Books)."""
    return projects(
        tmp_path / "projects",
        {
            "ash": fields(DONE, client="Ash Dental"),
            "birch": fields(DONE, client="Birch Books", contacts={"client": {"name": "Bo", "email": "bo@birch.example"}}),
        },
    )


def test_no_smtp_host_configured(two, remind):
    line = one_line(remind(two, "2026-04-14", "--send"), "no SMTP host configured", "COURTSIDE_SMTP_HOST")
    assert "cannot send the payment 'Design approved' of ash (due 2026-04-14" in line
    assert not (two / "_sent.log").exists()


def test_connection_refused(two, remind, tls):
    env = MailServer(tls).environ(COURTSIDE_SMTP_PORT=str(free_port()))
    one_line(remind(two, "2026-04-14", "--send", env=env), "of ash", "refused the connection", "0 messages sent before it")
    assert log_lines(two) == []


def test_authentication_refused(two, remind, server):
    env = server.environ(COURTSIDE_SMTP_PASSWORD="wrong-password")
    one_line(remind(two, "2026-04-14", "--send", env=env), "of ash", "refused the user name or password", "535")
    assert server.received == [] and log_lines(two) == []


def test_a_recipient_refused_keeps_what_went_before(two, remind, server):
    server.handler.refuse_rcpt = {"bo@birch.example"}
    one_line(
        remind(two, "2026-04-14", "--send", env=server.environ()),
        "of birch",
        "refused the recipient bo@birch.example (550 5.1.1 No such user here)",
        "1 message sent before it is recorded",
    )
    assert [key[1] for key, record in log_lines(two) if record.event == SENT] == ["ash"]
    # Fixed address, next run: only birch's reminder goes (and the digest).
    server.handler.refuse_rcpt = set()
    assert remind(two, "2026-04-14", "--send", env=server.environ()).code == 0
    assert [r.rcpt_tos for r in reminders_of(server)] == [["dana@acmebakery.example"], ["bo@birch.example"]]


def test_a_timeout(two, remind, tls):
    with Silent() as silent:
        env = MailServer(tls).environ(COURTSIDE_SMTP_PORT=str(silent.port), COURTSIDE_SMTP_TIMEOUT="0.5")
        one_line(remind(two, "2026-04-14", "--send", env=env), "of ash", "did not answer within 0.5 seconds")
    assert log_lines(two) == []


def test_a_certificate_nobody_vouches_for_is_refused(two, remind, server):
    SERVER_LOG.records.clear()
    env = server.environ()
    del env["COURTSIDE_SMTP_CAFILE"]  # the system's CAs do not know the test's CA
    one_line(remind(two, "2026-04-14", "--send", env=env), "of ash", "could not be verified", "COURTSIDE_SMTP_CAFILE")
    assert server.received == []
    # The server saw the client give up in the TLS handshake (its thread logs it when it notices:
    # wait for that, a few seconds at most).
    def handshake_refused() -> bool:
        return any(r.exc_info and r.exc_info[0].__name__ == "TLSSetupException" for r in SERVER_LOG.records)

    deadline = time.monotonic() + 10
    while not handshake_refused() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert handshake_refused(), [r.getMessage() for r in SERVER_LOG.records]


@pytest.mark.parametrize(
    ("override", "words"),
    [
        ({"COURTSIDE_SMTP_SECURITY": "tls"}, ("COURTSIDE_SMTP_SECURITY: expected starttls, ssl or none, got 'tls'",)),
        ({"COURTSIDE_SMTP_PORT": "smtp"}, ("COURTSIDE_SMTP_PORT: expected a port number",)),
        ({"COURTSIDE_SMTP_PASSWORD": ""}, ("COURTSIDE_SMTP_USER is set but COURTSIDE_SMTP_PASSWORD is not",)),
        ({"COURTSIDE_SMTP_SECURITY": "none"}, ("would send the password unencrypted",)),
        ({"COURTSIDE_SMTP_TIMEOUT": "soon"}, ("COURTSIDE_SMTP_TIMEOUT: expected seconds",)),
        ({"COURTSIDE_SMTP_CAFILE": "/nonexistent/ca.pem"}, ("COURTSIDE_SMTP_CAFILE: no file",)),
    ],
)
def test_bad_settings_are_named(two, remind, server, override, words):
    one_line(remind(two, "2026-04-14", "--send", env=server.environ(**override)), "of ash", *words)
    assert server.received == []


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")  # TLS from the start
@pytest.mark.parametrize("security", ["ssl", "none"])
def test_implicit_tls_and_plain_servers(tmp_path, remind, tls, security):
    folder = projects(tmp_path / "projects", {"acme": fields(DONE)})
    with MailServer(tls, security) as server:
        ran = remind(folder, "2026-04-14", "--send", env=server.environ())
        assert ran.code == 0, ran
        assert len(reminders_of(server)) == 1 and len(digests_of(server)) == 1
        assert server.handler.logins == (["sam@northwind.example"] if security == "ssl" else [])


# -- The digest, the outbox, the list ---------------------------------------------------------------


def test_the_studio_gets_one_digest_a_day(tmp_path, remind, server):
    folder = projects(
        tmp_path / "projects",
        {
            "acme": fields(DONE),  # Design approved: 4800 due today 04-14
            "kaze": fields(DONE, client="Kaze Ceramics", currency="JPY", payment={"terms": 5}),  # due 04-04: 10 days overdue
            "quiet": fields(DONE, client="Quiet Co", reminders=False),  # stopped: no reminder, still owed
        },
    )
    ran = remind(folder, "2026-04-14", "--send", env=server.environ())
    assert ran.code == 0, ran
    [digest] = digests_of(server)
    message = digest.message
    assert digest.rcpt_tos == ["sam@northwind.example"]
    assert subject(message) == "Northwind Studio, Apr 14, 2026: 2 reminders sent"
    text = body(message)
    # Kaze: 4800 yen, 10 days at 1.5% per 30 days: 4800 * 0.015 * 10 / 30 = 24 yen; 4824 owed.
    assert "- Acme Bakery: Design approved, due Apr 14, 2026, to dana@acmebakery.example\n" in text
    assert "- Kaze Ceramics: Design approved, due Apr 4, 2026, to dana@acmebakery.example (sent late)\n" in text
    assert "- Kaze Ceramics: Design approved, ¥4,824, 10 days overdue\n" in text
    assert "- Acme Bakery: $4,800.00\n" in text and "- Quiet Co: $4,800.00\n" in text
    assert "- In all: ¥4,824; $9,600.00\n" in text  # by currency code
    assert [r.rcpt_tos for r in reminders_of(server)] == [["dana@acmebakery.example"]] * 2  # Quiet Co: none


def test_outbox_writes_the_messages_and_records_nothing(tmp_path, remind):
    folder = projects(tmp_path / "projects", {"acme": fields(DONE)})
    outbox = tmp_path / "review"
    ran = remind(folder, "2026-04-14", "--outbox", str(outbox))  # no SMTP setting at all
    assert ran.code == 0, ran
    names = sorted(p.name for p in outbox.iterdir())
    assert names == ["01-reminder-dana-acmebakery.example.eml", "02-digest-sam-northwind.example.eml"]
    message = email.message_from_bytes((outbox / names[0]).read_bytes(), policy=email.policy.default)
    assert subject(message) == "Website redesign: the invoice for Design approved is due today"
    assert not (folder / "_sent.log").exists()


def test_list_is_the_board_list(tmp_path, remind):
    folder = projects(tmp_path / "projects", {"acme": fields(DONE), "none": fields(DONE, client="No Mail", contacts={"client": {"name": "Ned"}})})
    ran = remind(folder, "2026-04-14")
    assert ran.code == 0
    assert ran.out.splitlines() == [
        "Reminders on 2026-04-14: 2 to send, 0 sent earlier that day; the studio's digest: not sent yet",
        "to send    Acme Bakery: Design approved, $4,800.00, due today  ->  dana@acmebakery.example",
        "to send    No Mail: Design approved, $4,800.00, due today  ->  (no email address)",
        "4 earlier reminders of the same things will be recorded as skipped: one message goes instead of several",
    ]


def test_a_client_without_an_address_is_reported_and_the_others_go(tmp_path, remind, server):
    folder = projects(tmp_path / "projects", {"acme": fields(DONE), "none": fields(DONE, client="No Mail", contacts={"client": {"name": "Ned"}})})
    ran = remind(folder, "2026-04-14", "--send", env=server.environ())
    assert ran.code == 1
    assert ran.err.splitlines() == [
        "courtside remind: cannot send the payment 'Design approved' of none (due 2026-04-14, reminder of 2026-04-14): "
        "no email address for Ned: set contacts.client.email, or `reminders: false`"
    ]
    assert len(reminders_of(server)) == 1
    assert "- No Mail: Design approved: no email address for Ned\n" in body(digests_of(server)[0].message)


def test_a_corrupt_log_stops_the_run_before_anything_goes(tmp_path, remind, server):
    folder = projects(tmp_path / "projects", {"acme": fields(DONE)})
    (folder / "_sent.log").write_text(
        "# written by hand\n"
        "2026-04-13\t2026-04-13T08:00:00Z\tsent\tpayment\tacme\tDesign approved\t2026-04-14\t2026-04-13\tdana@acmebakery.example\n"
        "2026-04-13 2026-04-13T08:00:00Z sent payment acme\n"
        "2026-04-13\tyesterday\tsent\tpayment\tacme\tDesign approved\t2026-04-31\t2026-04-07\t-\n",
        encoding="utf-8",
    )
    ran = remind(folder, "2026-04-14", "--send", env=server.environ())
    assert ran.code == 1
    label = f"{folder}/_sent.log"
    assert ran.err.splitlines() == [
        f"{label}:3: expected 9 fields separated by tabs (day, at, event, what, engagement, about, due, trigger, to), got 1",
        f"{label}:4: at: expected a moment in UTC like 2026-11-20T15:02:11Z, or -, got 'yesterday'",
        f"{label}:4: due: 2026-04-31 is not a real date (expected YYYY-MM-DD)",
        "courtside remind: 3 problems in the sent log: fix the lines above (or delete them to send those reminders again); nothing was sent",
    ]
    assert server.received == []


# -- The board follows the same log ----------------------------------------------------------------


def test_the_board_lists_what_is_not_sent_yet_and_when_the_rest_went(tmp_path, remind, tls):
    import yaml
    from conftest import run_build

    site_folder = tmp_path / "studio"
    folder = projects(
        site_folder / "projects",
        {
            # 14 days' terms: due Mon 04-13; on 04-14 its due day's reminder is a day late
            "acme": fields(DONE, payment={"terms": 14, "late_fee": "1.5%"}),
            "birch": fields(DONE, client="Birch Books", contacts={"client": {"name": "Bo", "email": "bo@birch.example"}}),  # due today
        },
    )
    (site_folder / "docs").mkdir()
    (site_folder / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    config = {
        "site_name": "Studio",
        "site_url": "https://studio.example/",
        "theme": {"name": "material", "font": False},
        "plugins": [{"courtside": {"projects": "projects", "board_path": "board", "board_protected": True}}],
    }
    (site_folder / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    with MailServer(tls) as server:
        server.handler.refuse_rcpt = {"bo@birch.example"}
        ran = remind(folder, "2026-04-14", "--send", env=server.environ(), site_url=None)  # site_url from mkdocs.yml
        assert ran.code == 1 and "of birch" in ran.err
        [acme] = reminders_of(server)
        assert f"https://studio.example/c/{share_of('acme')}/" in body(acme.message)
    [(key, record)] = [(k, r) for k, r in log_lines(folder) if r.sent]
    assert key[1] == "acme"
    with (folder / "_sent.log").open("a", encoding="utf-8") as log:
        log.write("2026-04-14\tnot a line\n")
    result = run_build(site_folder / "mkdocs.yml", site_folder / "site", today="2026-04-14")
    assert result.returncode == 0, result.stderr
    assert "courtside: projects/_sent.log:7: expected 9 fields separated by tabs" in result.stderr
    data = json.loads((site_folder / "site" / "board" / "board.json").read_text(encoding="utf-8"))
    by_client = {r["engagement"]: r for r in data["reminders"]}
    assert record.event == SENT_LATE
    assert (by_client["acme"]["sent_at"], by_client["acme"]["late"], by_client["acme"]["trigger"]) == (
        record.at.strftime("%Y-%m-%dT%H:%M:%SZ"), True, "2026-04-13"
    )
    assert (by_client["birch"]["sent_at"], by_client["birch"]["late"], by_client["birch"]["trigger"]) == (None, False, "2026-04-14")
    html = (site_folder / "site" / "board" / "index.html").read_text(encoding="utf-8")
    assert html.count('class="cs-reminder-send"') == 1 and "mailto:bo@birch.example" in html
    assert f"Sent at {record.at.strftime('%H:%M')} UTC" in html
    assert "late: its day was Apr 13, 2026" in html


@pytest.mark.parametrize(
    ("language", "subject_line", "heading"),
    [
        ("es", "Northwind Studio, 14 abr 2026: 1 recordatorio enviado", "Enviados desde el último resumen"),
        ("ru", "Northwind Studio, 14 апр. 2026\u202fг.: отправлено 1 напоминание", "Отправлено после прошлой сводки"),
        ("ar", "Northwind Studio، 14\u200f/04\u200f/2026: أُرسل تذكير واحد", "أُرسل منذ الملخص السابق"),
    ],
)
def test_the_digest_is_in_the_studio_language(tmp_path, remind, language, subject_line, heading):
    folder = projects(tmp_path / "projects", {"acme": fields(DONE)}, POLICIES.replace("language: en", f"language: {language}"))
    outbox = tmp_path / "review"
    assert remind(folder, "2026-04-14", "--outbox", str(outbox)).code == 0
    digest = email.message_from_bytes((outbox / "02-digest-sam-northwind.example.eml").read_bytes(), policy=email.policy.default)
    assert subject(digest) == subject_line
    text = body(digest)
    assert f"\n\n{heading}\n- " in text
    for english in ("Sent since", "Owed", "In all", "reminder", "Nothing"):
        assert english not in text


def test_a_file_with_problems_is_named_and_the_others_still_go(tmp_path, remind, server):
    folder = projects(tmp_path / "projects", {"acme": fields(DONE)})
    (folder / "broken.md").write_text("---\nclient: Broken Co\n---\n", encoding="utf-8")
    ran = remind(folder, "2026-04-14", "--send", env=server.environ())
    assert ran.code == 1
    assert ran.err.splitlines() == [f"courtside: no reminders for files with problems: {folder}/broken.md (run 'courtside check')"]
    assert len(reminders_of(server)) == 1 and len(digests_of(server)) == 1


def test_the_command_as_a_daily_job_runs_it_without_smtp_settings(tmp_path):
    # The installed console script, in a fresh process, with no COURTSIDE_* variable and no
    # mkdocs.yml: the daily job's first run before its secrets are set. One line, exit 1.
    import subprocess
    import sys

    folder = projects(tmp_path / "projects", {"acme": fields(DONE)})
    environ = {k: v for k, v in os.environ.items() if not k.startswith("COURTSIDE_")}
    script = Path(sys.executable).with_name("courtside")
    result = subprocess.run(
        [str(script), "remind", "--send", "--today", "2026-04-14"],
        cwd=tmp_path, env=environ, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 1, result
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "courtside remind: cannot send the payment 'Design approved' of acme (due 2026-04-14, reminder of 2026-04-14): "
        "no SMTP host configured: set COURTSIDE_SMTP_HOST to your mail provider's SMTP server "
        "(and COURTSIDE_SMTP_USER, COURTSIDE_SMTP_PASSWORD; see docs/calendar-and-reminders.md)"
    ]
    assert not (folder / "_sent.log").exists()


def test_the_site_address_comes_from_mkdocs_yml(tmp_path, monkeypatch):
    from courtside.cli.remind import site_of

    folder = tmp_path / "projects"
    folder.mkdir()
    assert site_of(None, folder).note == (
        f"no mkdocs.yml next to {folder}: the messages go without the client page's address (pass --site-url)"
    )
    assert site_of("https://other.example/", folder) == type(site_of(None, folder))("https://other.example/")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: S\n"
        "site_url: !ENV [SITE_URL, 'https://studio.example/']\n"
        "use_directory_urls: false\n"
        "plugins:\n  - search\n  - courtside: {client_dir: clients/}\n"
        "markdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\n",
        encoding="utf-8",
    )
    # `!ENV [VAR, default]` and `!!python/name:` as MkDocs reads them.
    monkeypatch.delenv("SITE_URL", raising=False)
    site = site_of(None, folder)
    assert site == type(site)("https://studio.example/", "clients", False, None)
    monkeypatch.setenv("SITE_URL", "https://from-env.example")
    assert site_of(None, folder).url == "https://from-env.example/"  # with the slash MkDocs adds
    (tmp_path / "mkdocs.yml").write_text("site_name: S\n", encoding="utf-8")
    assert site_of(None, folder).note == (
        f"no site_url in {tmp_path / 'mkdocs.yml'}: the messages go without the client page's address (pass --site-url)"
    )
    (tmp_path / "mkdocs.yml").write_text("site_url: https://studio.example/\n", encoding="utf-8")
    assert site_of(None, folder) == type(site)("https://studio.example/", "c", True, None)
    assert site_of("https://other.example/", folder).url == "https://other.example/"
    (tmp_path / "mkdocs.yml").write_text("site_url: [unclosed\n", encoding="utf-8")
    broken = site_of(None, folder)
    assert broken.url is None and broken.note.startswith(f"cannot read site_url from {tmp_path / 'mkdocs.yml'} (1 problem above)")
    assert broken.problems == (f"{tmp_path / 'mkdocs.yml'}:2: cannot be read as YAML: expected ',' or ']', but got '<stream end>'",)


def test_skipped_days_alone_are_recorded_without_smtp_settings(tmp_path, remind):
    # The log holds 04-07, 04-14, 04-16 and the digest of 04-17, not 04-13 (a line deleted by
    # hand): 04-13 is older than what went, so it is recorded as skipped; nothing is sent, and
    # no SMTP setting is needed for that.
    folder = projects(tmp_path / "projects", {"acme": fields(DONE)})
    lines = [
        f"{day}\t{day}T08:00:00Z\tsent\tpayment\tacme\tDesign approved\t2026-04-14\t{day}\tdana@acmebakery.example"
        for day in ("2026-04-07", "2026-04-14", "2026-04-16")
    ]
    lines.append("2026-04-17\t2026-04-17T08:00:00Z\tsent\tdigest\t-\t-\t2026-04-17\t2026-04-17\tsam@northwind.example")
    (folder / "_sent.log").write_text("\n".join(lines) + "\n", encoding="utf-8")
    ran = remind(folder, "2026-04-17", "--send")
    assert ran.code == 0, ran
    assert ran.out == "Nothing to send on 2026-04-17; 1 earlier reminder day(s) recorded as skipped.\n"
    assert [(k[4].isoformat(), r.event) for k, r in log_lines(folder)][-1] == ("2026-04-13", SKIPPED)


# -- The client page's address: the site's mkdocs.yml, read as the build reads it --------------


def test_a_site_url_without_a_trailing_slash_links_the_page_the_build_publishes(tmp_path, remind):
    # `site_url: https://studio.example/sub` (no slash): MkDocs and `courtside build` put the
    # site under /sub/, so the page is https://studio.example/sub/clients/<share>/.
    site_folder = tmp_path / "studio"
    folder = projects(site_folder / "projects", {"acme": fields(DONE)})
    (site_folder / "mkdocs.yml").write_text(
        "site_name: Studio\nsite_url: https://studio.example/sub\nplugins:\n  - courtside: {client_dir: clients}\n",
        encoding="utf-8",
    )
    outbox = tmp_path / "review"
    ran = remind(folder, "2026-04-14", "--outbox", str(outbox), site_url=None)
    assert ran.code == 0, ran
    assert ran.err == ""
    message = email.message_from_bytes((outbox / "01-reminder-dana-acmebakery.example.eml").read_bytes(), policy=email.policy.default)
    link = f"https://studio.example/sub/clients/{share_of('acme')}/"
    assert link in body(message)
    # The same page as `courtside build` publishes for that mkdocs.yml (its calendar's URL).
    assert main(["build", "-f", str(site_folder / "mkdocs.yml"), "--today", "2026-04-14"]) == 0
    calendar = (site_folder / "site" / "clients" / share_of("acme") / "calendar.ics").read_bytes()
    assert f"URL:{link}\r\n".encode() in calendar


def test_an_inherited_mkdocs_yml_is_followed(tmp_path, remind):
    site_folder = tmp_path / "studio"
    folder = projects(site_folder / "projects", {"acme": fields(DONE)})
    (site_folder / "base.yml").write_text(
        "site_name: Studio\nsite_url: https://studio.example/\nuse_directory_urls: false\n"
        "plugins:\n  - courtside: {client_dir: clients}\n",
        encoding="utf-8",
    )
    (site_folder / "mkdocs.yml").write_text("INHERIT: base.yml\nsite_name: Studio (staging)\n", encoding="utf-8")
    outbox = tmp_path / "review"
    ran = remind(folder, "2026-04-14", "--outbox", str(outbox), site_url=None)
    assert ran.code == 0, ran
    assert ran.err == ""
    message = email.message_from_bytes((outbox / "01-reminder-dana-acmebakery.example.eml").read_bytes(), policy=email.policy.default)
    assert f"https://studio.example/clients/{share_of('acme')}.html" in body(message)


def test_a_broken_mkdocs_yml_is_named_with_its_line(tmp_path, remind):
    site_folder = tmp_path / "studio"
    folder = projects(site_folder / "projects", {"acme": fields(DONE)})
    config = site_folder / "mkdocs.yml"
    config.write_text("site_name: Studio\nsite_url: https://studio.example/\n  nav: x\nfoo: 1\n", encoding="utf-8")
    outbox = tmp_path / "review"
    for flags in ((), ("--site-url", SITE)):  # a link past a config that cannot be read could be wrong
        shutil.rmtree(outbox, ignore_errors=True)
        ran = remind(folder, "2026-04-14", "--outbox", str(outbox), *flags, site_url=None)
        assert ran.code == 0, ran
        assert ran.err.splitlines() == [
            f"{config}:3: cannot be read as YAML: mapping values are not allowed here",
            f"courtside remind: cannot read site_url from {config} (1 problem above): "
            "the messages go without the client page's address",
        ]
        message = email.message_from_bytes((outbox / "01-reminder-dana-acmebakery.example.eml").read_bytes(), policy=email.policy.default)
        assert "https://" not in body(message)


def test_an_empty_env_variable_is_an_empty_site_url_as_mkdocs_reads_it(tmp_path, remind, monkeypatch):
    # `!ENV [VAR, default]`: MkDocs takes VAR when it is set, even empty; the default only when unset.
    site_folder = tmp_path / "studio"
    folder = projects(site_folder / "projects", {"acme": fields(DONE)})
    config = site_folder / "mkdocs.yml"
    config.write_text("site_name: Studio\nsite_url: !ENV [STUDIO_SITE_URL, 'https://studio.example/']\n", encoding="utf-8")
    outbox = tmp_path / "review"
    monkeypatch.setenv("STUDIO_SITE_URL", "")
    ran = remind(folder, "2026-04-14", "--outbox", str(outbox), site_url=None)
    assert ran.code == 0, ran
    assert ran.err.splitlines() == [
        f"courtside remind: no site_url in {config}: the messages go without the client page's address (pass --site-url)"
    ]

# -- Announced policy changes: one letter to each affected client ---------------------------------
#
# The change: from Fri 2026-05-01 the late fee is 3% (it was 1.5%), announced 14 days before,
# on Fri 04-17. The engagements are the base one with a fourth stage of ours, "Build" (20
# working days, 25 with the buffer: opens Tue 03-31, due Mon 05-04), so that the work goes on
# past the change, and "Design approved" paid on 04-10: nothing else is owed before "Launch"
# (invoiced 06-01, after the change: the new fee applies to it, so the change affects them).

ANNOUNCED = POLICIES + """\
changes:
  - from: 2026-05-01
    announce: 14
    set: {payment: {late_fee: 3%}}
    note: {en: Late fees rise to 3% per 30 days overdue., es: El recargo por demora sube al 3 % cada 30 días.}
"""
FEE_EN = "A late payment carries a fee of 3% of its amount per 30 days, counted by the day."
FEE_ES = "Un pago atrasado genera un recargo del 3\xa0% de su importe por cada 30 días, calculado por días."
PAID = [
    {"name": "Deposit", "amount": "30%", "due": "signing", "paid": "2026-03-02"},
    {"name": "Design approved", "amount": "40%", "due": "Design approval", "paid": "2026-04-10"},
    {"name": "Launch", "amount": "30%", "due": "2026-06-01"},
]


def building(**overrides: Any) -> dict[str, Any]:
    """The base engagement, its client stages done, "Build" going on until 05-04, nothing owed."""
    data = fields(DONE, payments=copy.deepcopy(PAID), **overrides)
    data["stages"] = [*data["stages"], {"name": "Build", "owner": "us", "days": 20}]
    return data


SPANISH = {
    "client": "La Espiga",
    "language": "es",
    "currency": "EUR",
    "contacts": {
        "client": {"name": "Lucía Fernández", "email": "lucia@espiga.example"},
        "us": {"name": "Marta Gil", "email": "marta@northwind.example"},
    },
}


def announcement_folder(root: Path, policies: str = ANNOUNCED) -> Path:
    """Five engagements: two the change affects and whose clients get the letter (acme in
    English, espiga in Spanish), and three that get none: `own` keeps its own late fee (the
    change changes nothing for it), `finished` is done (all stages done, all paid), `quiet`
    has `reminders: false` (its page announces the change; nothing is mailed to it)."""
    finished = fields(DONE, client="Finished Co", contacts={"client": {"name": "Fin", "email": "fin@finished.example"}})
    finished["payments"] = [dict(p, paid=p.get("paid", "2026-04-15"), due=p["due"].replace("2026-06-01", "2026-04-15")) for p in PAID]
    return projects(
        root,
        {
            "acme": building(),
            "espiga": building(**SPANISH),
            "own": building(client="Own Terms", payment={"terms": 15, "late_fee": "1%"}, contacts={"client": {"name": "Olu", "email": "olu@own.example"}}),
            "finished": finished,
            "quiet": building(client="Quiet Co", reminders=False, contacts={"client": {"name": "Quinn", "email": "quinn@quiet.example"}}),
        },
        policies,
    )


def announcement_id(ident: str, folder: Path, day: str = "2026-04-17") -> str:
    """The id the core gives the change for `ident` (stable: a digest of what it sets)."""
    from courtside.core.policy_changes import announcements_due
    from courtside.sources.folder import evaluate_folder

    board = evaluate_folder(folder, D(day), label="projects")
    [found] = announcements_due([s for s in board.snapshots if s.id == ident], D(day))
    return found.id


def announcements_of(server: MailServer) -> list[Any]:
    return [r for r in server.received if r.message["Message-ID"].startswith("<announcement.")]


def test_an_announced_change_goes_once_to_each_affected_client_on_its_announce_day(tmp_path, remind, server):
    folder = announcement_folder(tmp_path / "projects")
    # Thursday 04-16, the day before: nothing to announce yet (only the studio's digest).
    assert remind(folder, "2026-04-16", "--send", env=server.environ()).code == 0
    assert reminders_of(server) == []
    # Friday 04-17, the announce day: one letter to each affected client, none to the others.
    ran = remind(folder, "2026-04-17", "--send", env=server.environ())
    assert ran.code == 0, ran
    letters = {r.rcpt_tos[0]: r.message for r in announcements_of(server)}
    assert sorted(letters) == ["dana@acmebakery.example", "lucia@espiga.example"]
    assert reminders_of(server) == announcements_of(server)  # nothing else was due
    english, spanish = letters["dana@acmebakery.example"], letters["lucia@espiga.example"]
    # English: what changes (the note, the page's sentence with the new fee), from when, what
    # it applies to, the client page; signed by the studio's contact; no calendar attached.
    assert subject(english) == "Website redesign: a change to our terms from May 1, 2026"
    assert body(english) == (
        "Hello Dana Ruiz,\n\n"
        "We are writing to let you know, ahead of time, about a change to our terms for Website redesign. "
        "It takes effect on May 1, 2026.\n\n"
        "Late fees rise to 3% per 30 days overdue.\n\n"
        f"From May 1, 2026:\n- {FEE_EN}\n\n"
        "The new payment terms apply to invoices issued on or after May 1, 2026; an invoice issued before then "
        "keeps the terms it was issued under.\n\n"
        "Everything else in our agreement stays as it is.\n\n"
        "If you have any questions about it, just reply to this message and we will gladly talk it through.\n\n"
        f"Your project page shows the change, with our terms in full: {SITE}c/{share_of('acme')}/\n\n"
        "Kind regards,\nSam Lee\nNorthwind Studio\n"
    )
    assert english["Content-Language"] == "en" and list(english.iter_attachments()) == []
    assert english["Message-ID"] == message_id(
        ("announcement", "acme", announcement_id("acme", folder), D("2026-05-01"), D("2026-04-17")), "sam@northwind.example"
    )
    # Spanish: the Spanish note, the page's Spanish sentence, no English left; Reply-To our contact.
    assert subject(spanish) == "Website redesign: un cambio en nuestras condiciones a partir del 1 de mayo de 2026"
    text = body(spanish)
    assert text.startswith("Hola, Lucía Fernández:\n\nLe escribimos con antelación para informarle de un cambio")
    assert "Entra en vigor el 1 de mayo de 2026." in text
    assert "\n\nEl recargo por demora sube al 3 % cada 30 días.\n\n" in text
    assert f"\n\nA partir del 1 de mayo de 2026:\n- {FEE_ES}\n\n" in text
    assert "facturas emitidas a partir del 1 de mayo de 2026" in text
    assert f"{SITE}c/{share_of('espiga')}/" in text and text.endswith("Un cordial saludo,\nMarta Gil\nNorthwind Studio\n")
    for word in ("Hello", "change", "terms", "invoice", "Kind regards", "Late fees"):
        assert word not in text
    assert spanish["Content-Language"] == "es" and str(spanish["Reply-To"]) == "Marta Gil <marta@northwind.example>"
    # Recorded like every reminder: its id as `about`, `from` as the due date, the announce day.
    announced = [(k[1], k[2], k[3].isoformat(), k[4].isoformat(), r.event, r.to) for k, r in log_lines(folder) if k[0] == "announcement"]
    assert announced == [
        ("acme", announcement_id("acme", folder), "2026-05-01", "2026-04-17", SENT, "dana@acmebakery.example"),
        ("espiga", announcement_id("espiga", folder), "2026-05-01", "2026-04-17", SENT, "lucia@espiga.example"),
    ]
    assert announcement_id("acme", folder).startswith("policy-change:acme:2026-05-01:")
    # The studio's digest counts them and names them.
    digest = digests_of(server)[-1].message
    assert subject(digest) == "Northwind Studio, Apr 17, 2026: 2 reminders sent"
    assert "- Acme Bakery: change of terms from May 1, 2026, to dana@acmebakery.example\n" in body(digest)
    assert "- La Espiga: change of terms from May 1, 2026, to lucia@espiga.example\n" in body(digest)
    # A second run that day sends nothing; the list says what went.
    again = remind(folder, "2026-04-17", "--send", env=server.environ())
    assert "Nothing to send on 2026-04-17" in again.out
    listed = remind(folder, "2026-04-17").out.splitlines()
    assert listed[0].startswith("Reminders on 2026-04-17: 0 to send, 2 sent earlier that day;")
    assert [line.split("  ", 1)[1] for line in listed[1:]] == [
        "Acme Bakery: change of terms from May 1, 2026  ->  dana@acmebakery.example",
        "La Espiga: change of terms from May 1, 2026  ->  lucia@espiga.example",
    ]
    # Every day after, until the change is in force and past it, nothing more goes.
    assert daily_runs(remind, server, folder, "2026-04-18", "2026-05-03") == {}
    assert len(announcements_of(server)) == 2


def test_a_missed_announce_day_sends_it_once_late_and_none_after_from(tmp_path, remind, server):
    folder = announcement_folder(tmp_path / "projects")
    # No run from 04-17 to 04-21: Wednesday 04-22 sends it, late, once.
    ran = remind(folder, "2026-04-22", "--send", env=server.environ())
    assert ran.code == 0, ran
    assert [r.rcpt_tos[0] for r in announcements_of(server)] == ["dana@acmebakery.example", "lucia@espiga.example"]
    assert (
        "sent the announcement of the change of terms from 2026-05-01 to acme "
        f"({announcement_id('acme', folder, '2026-04-22')}, announce day 2026-04-17, late) to dana@acmebakery.example"
    ) in ran.out.splitlines()
    announced = [(k[1], k[4].isoformat(), r.event, r.day.isoformat()) for k, r in log_lines(folder) if k[0] == "announcement"]
    assert announced == [("acme", "2026-04-17", SENT_LATE, "2026-04-22"), ("espiga", "2026-04-17", SENT_LATE, "2026-04-22")]
    # The letter says nothing of being late: the change is still ahead, and that is what it says.
    assert "It takes effect on May 1, 2026." in body(announcements_of(server)[0].message)
    assert "(sent late)" in body(digests_of(server)[-1].message)
    assert daily_runs(remind, server, folder, "2026-04-22", "2026-04-30") == {}
    # A studio whose first run is on the day the change takes effect: too late to announce it.
    other = announcement_folder(tmp_path / "other")
    before = len(server.received)
    ran = remind(other, "2026-05-01", "--send", env=server.environ())
    assert ran.code == 0, ran
    assert [r.message["Message-ID"].startswith("<digest.") for r in server.received[before:]] == [True]
    assert [k[0] for k, _r in log_lines(other)] == ["digest"]


def test_a_refused_announcement_stops_the_run_and_goes_with_the_next(tmp_path, remind, tls):
    folder = announcement_folder(tmp_path / "projects")
    with MailServer(tls) as server:
        server.handler.refuse_data = {2}  # La Espiga's letter
        first = remind(folder, "2026-04-17", "--send", env=server.environ())
        line = one_line(first, "could not send the announcement of the change of terms from 2026-05-01 to espiga")
        assert "554 5.7.1 Message refused by policy" in line and "1 message sent before it is recorded" in line
        assert [k[1] for k, r in log_lines(folder) if r.sent] == ["acme"]  # no digest: the run stopped
        server.handler.refuse_data = set()
        second = remind(folder, "2026-04-18", "--send", env=server.environ())  # the next day: late, once
        assert second.code == 0, second
        assert [r.rcpt_tos[0] for r in announcements_of(server)] == ["dana@acmebakery.example", "lucia@espiga.example"]
    announced = [(k[1], r.event, r.day.isoformat()) for k, r in log_lines(folder) if k[0] == "announcement"]
    assert announced == [("acme", SENT, "2026-04-17"), ("espiga", SENT_LATE, "2026-04-18")]


def test_an_edited_change_is_told_again_only_when_what_it_sets_changed(tmp_path, remind, server):
    folder = announcement_folder(tmp_path / "projects")
    assert remind(folder, "2026-04-17", "--send", env=server.environ()).code == 0
    assert len(announcements_of(server)) == 2
    # A new note and a shorter notice (announce day 04-24 instead of 04-17): the same change,
    # already told. The new announce day is recorded as skipped; no second letter.
    edited = ANNOUNCED.replace("announce: 14", "announce: 7").replace("Late fees rise", "Late fees will rise")
    (folder / "_policies.yml").write_text(edited, encoding="utf-8")
    ran = remind(folder, "2026-04-24", "--send", env=server.environ())
    assert ran.code == 0, ran
    assert len(announcements_of(server)) == 2
    skipped = [(k[1], k[4].isoformat(), r.event) for k, r in log_lines(folder) if k[0] == "announcement" and r.event == SKIPPED]
    assert skipped == [("acme", "2026-04-24", SKIPPED), ("espiga", "2026-04-24", SKIPPED)]
    # A different rate is a different change: the clients are told what it is now. (A line
    # starting with "From " reaches them as it is, not as the mbox convention's ">From ".)
    lower = edited.replace("late_fee: 3%", "late_fee: 2.5%").replace("Late fees will rise to 3%", "From May 1 late fees rise to 2.5%")
    (folder / "_policies.yml").write_text(lower, encoding="utf-8")
    ran = remind(folder, "2026-04-27", "--send", env=server.environ())
    assert ran.code == 0, ran
    newest = announcements_of(server)[2:]
    assert [r.rcpt_tos[0] for r in newest] == ["dana@acmebakery.example", "lucia@espiga.example"]
    text = body(newest[0].message)
    assert "\n\nFrom May 1 late fees rise to 2.5% per 30 days overdue.\n\nFrom May 1, 2026:\n" in text
    assert "- A late payment carries a fee of 2.5% of its amount per 30 days, counted by the day.\n" in text
    assert b"\n>From" not in newest[0].raw


def test_an_affected_client_without_an_address_is_named_in_the_digest(tmp_path, remind):
    folder = projects(tmp_path / "projects", {"none": building(client="No Mail", contacts={"client": {"name": "Ned"}})}, ANNOUNCED)
    outbox = tmp_path / "review"
    ran = remind(folder, "2026-04-17", "--outbox", str(outbox))
    assert ran.code == 1
    [line] = ran.err.splitlines()
    assert line.startswith("courtside remind: cannot send the announcement of the change of terms from 2026-05-01 to none (")
    assert line.endswith(", announce day 2026-04-17): no email address for Ned: set contacts.client.email, or `reminders: false`")
    [name] = [p.name for p in outbox.iterdir()]
    digest = email.message_from_bytes((outbox / name).read_bytes(), policy=email.policy.default)
    assert "\nNot sent\n- No Mail: change of terms from May 1, 2026: no email address for Ned\n" in body(digest)


@pytest.mark.parametrize("smtputf8", [True, False])
def test_an_address_outside_ascii_goes_by_smtputf8_where_the_server_offers_it(tmp_path, remind, tls, smtputf8):
    # The messages are written by their own policy (outbox/smtp.envelope), not by
    # smtplib.send_message's generator: what send_message did for such an address stays.
    contacts = {"client": {"name": "Анна", "email": "anna@зерно.example"}}
    folder = projects(tmp_path / "projects", {"zerno": fields(DONE, contacts=contacts)})
    with MailServer(tls, smtputf8=smtputf8) as server:
        ran = remind(folder, "2026-04-14", "--send", env=server.environ())
        if smtputf8:
            assert ran.code == 0, ran
            [got] = reminders_of(server)
            assert got.rcpt_tos == ["anna@зерно.example"]
            assert "To: Анна <anna@зерно.example>\r\n".encode() in got.raw  # as UTF-8, as SMTPUTF8 allows
            assert "Hello Анна,\n" in body(got.message)
        else:
            one_line(ran, "could not send the payment 'Design approved' of zerno", "needs SMTPUTF8, and the server does not offer it")
            assert server.received == []


@pytest.mark.parametrize(
    ("language", "subject_line", "english"),
    [
        ("ru", "Website redesign: изменение наших условий с 1 мая 2026\u202fг.", ("Hello", "change", "terms", "invoice", "Kind regards")),
        ("ar", "Website redesign: تغيير في شروطنا ابتداءً من 1 مايو 2026", ("Hello", "change", "terms", "invoice", "Kind regards")),
    ],
)
def test_the_announcement_in_russian_and_arabic(tmp_path, remind, language, subject_line, english):
    folder = projects(tmp_path / "projects", {"acme": building(language=language)}, ANNOUNCED)
    outbox = tmp_path / "review"
    ran = remind(folder, "2026-04-17", "--outbox", str(outbox))
    assert ran.code == 0, ran
    assert sorted(p.name for p in outbox.iterdir()) == ["01-announcement-dana-acmebakery.example.eml", "02-digest-sam-northwind.example.eml"]
    letter = email.message_from_bytes((outbox / "01-announcement-dana-acmebakery.example.eml").read_bytes(), policy=email.policy.default)
    assert subject(letter) == subject_line
    text = body(letter)
    for word in english:
        assert word not in text
    assert "Late fees rise to 3% per 30 days overdue." in text  # no note in that language: the English one
    assert f"{SITE}c/{share_of('acme')}/" in text
    assert list(letter.iter_attachments()) == []
    assert not (folder / "_sent.log").exists()


def test_the_board_lists_the_announcement_like_a_reminder(tmp_path, remind, tls):
    import yaml
    from conftest import run_build

    site_folder = tmp_path / "studio"
    folder = announcement_folder(site_folder / "projects")
    (site_folder / "docs").mkdir()
    (site_folder / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    config = {
        "site_name": "Studio",
        "site_url": SITE,
        "theme": {"name": "material", "font": False},
        "plugins": [{"courtside": {"projects": "projects", "board_path": "board", "board_protected": True}}],
    }
    (site_folder / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    with MailServer(tls) as server:
        server.handler.refuse_rcpt = {"lucia@espiga.example"}
        ran = remind(folder, "2026-04-17", "--send", env=server.environ(), site_url=None)
        assert ran.code == 1 and "to espiga" in ran.err
    [(key, record)] = [(k, r) for k, r in log_lines(folder) if r.sent]
    result = run_build(site_folder / "mkdocs.yml", site_folder / "site", today="2026-04-17")
    assert result.returncode == 0, result.stderr
    data = json.loads((site_folder / "site" / "board" / "board.json").read_text(encoding="utf-8"))
    by_client = {r["engagement"]: r for r in data["reminders"]}
    assert sorted(by_client) == ["acme", "espiga"]
    acme, espiga = by_client["acme"], by_client["espiga"]
    assert (acme["what"], acme["kind"], acme["about"], acme["date"], acme["trigger"], acme["late"]) == (
        "announcement", "policy-change", key[2], "2026-05-01", "2026-04-17", False
    )  # fmt: skip
    assert acme["sent_at"] == record.at.strftime("%Y-%m-%dT%H:%M:%SZ") and espiga["sent_at"] is None
    assert acme["id"] == f"announcement:acme:{key[2]}:2026-05-01:2026-04-17"
    assert (espiga["label"], espiga["days_left"], espiga["amount"]) == ("La Espiga: change of terms from May 1, 2026", 14, None)
    assert espiga["subject"] == "Website redesign: un cambio en nuestras condiciones a partir del 1 de mayo de 2026"
    html = (site_folder / "site" / "board" / "index.html").read_text(encoding="utf-8")
    assert html.count('class="cs-reminder-send"') == 1
    assert ">Send announcement</a>" in html and "mailto:lucia@espiga.example?subject=" in html
    assert f"Sent at {record.at.strftime('%H:%M')} UTC" in html
