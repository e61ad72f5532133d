"""The client page tells the truth in every state (issue 13), in English and another language.

Each engagement here is written out as a file's text and run through the real pipeline
(`evaluate`) and the real page writer (publish/pages.py, with the package's template), on a
plain Monday-to-Friday calendar with no public holidays, so that every date below can be
checked by hand; the working is in the comments. Policies: buffer 20%, grace 5, restart 10,
5% per late week capped at 20%, invoices due 15 calendar days after their date, late fee
1.5% per 30 days.

What is pinned, point by point of the issue:
1. the gate: the ball is the client's while an unpaid gate payment holds the next stage,
   waiting counts from its invoice, `gated_by` names it, and the page says so plainly;
2. "late fees included" only when there are late fees;
3. a cancelled engagement promises nothing after today, on its page or in its calendar;
8. one "Scope" heading; 9. the summary box says how late the current stage is, and the
   handoffs say each date once; 10. the email hours' time zone, and one period at the end
   of a sentence ending in "د.إ." or "г.".
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from html.parser import HTMLParser

import courtside
import pytest
from courtside.cli.status import status_row
from courtside.core.pipeline import Broken, Source, evaluate, read_policies
from courtside.core.scaffold import WORDS
from courtside.core.snapshot import Snapshot
from courtside.publish.board_json import engagement_json
from courtside.publish.i18n import speech_for
from courtside.publish.ical import client_calendar_bytes, client_events, internal_events
from courtside.publish.pages import PageWriter, client_pages
from courtside.publish.views import board_row, client_view
from icalendar import Calendar
from jinja2 import Environment, FileSystemLoader

D = date.fromisoformat
TEMPLATES = courtside.__path__[0] + "/templates"

POLICIES = """\
studio:
  name: Northwind Studio
  contact: {name: Sam Lee, email: sam@northwind.example}
calendar: {workdays: [mon, tue, wed, thu, fri]}
buffer: 20%
communication:
  channels: [email]
  email_hours: ["10:00", "15:00"]
payment: {terms: 15, late_fee: 1.5%}
consequences:
  client: {grace: 5, restart: 10}
  us: {discount: 5%, cap: 20%}
"""

# Stage and payment names per language: the page speaks the client's language, names too.
NAMES = {
    "en": ("Kick-off", "Design", "Design review", "Build", "Launch", "Deposit", "Design approved", "Balance"),
    "es": ("Arranque", "Diseño", "Revisión del diseño", "Desarrollo", "Lanzamiento", "Anticipo", "Diseño aprobado",
           "Saldo"),
}


def policies(timezone: str | None = None):
    """The policies above, with the email hours' time zone when given."""
    text = POLICIES
    if timezone:
        text = text.replace('  email_hours: ["10:00", "15:00"]\n', f'  email_hours: ["10:00", "15:00"]\n  timezone: {timezone}\n')
    return read_policies(Source.of("projects/_policies.yml", text))


def website(language: str = "en", review_done: str | None = "2026-10-19", gate_paid: str | None = None,
            status: str = "", body: str = "Scope text.\n", currency: str = "USD") -> str:
    """A five-stage website with a gate payment on the design review (the issue's example).

    Signed and deposit paid Thu 10-01 -> start Fri 10-02.
    Kick-off (client, 3): 10-02..10-06, done 10-06. Design (us, 5 -> 6): Wed 10-07..Wed 10-14,
    done 10-14. Design review (client, 3): Thu 10-15..Mon 10-19. Build (us, 10 -> 12), held
    by the gate "Design approved" (40%). Launch (us, 2 -> 3). Fee 10,000.
    """
    kick, design, review, build, launch, deposit, gate, balance = NAMES[language]
    done = f", done: {review_done}" if review_done else ""
    paid = f", paid: {gate_paid}" if gate_paid else ""
    return f"""\
---
client: Cafetería Valencia
project: Website
share: meswi8snsd5wbcnq7438
language: {language}
currency: {currency}
fee: 10000
contacts: {{client: {{name: Lucía, email: lucia@cafe.example}}}}
signed: 2026-10-01
{status}stages:
  - {{name: {kick}, owner: client, days: 3, done: 2026-10-06}}
  - {{name: {design}, owner: us, days: 5, done: 2026-10-14}}
  - {{name: {review}, owner: client, days: 3{done}}}
  - {{name: {build}, owner: us, days: 10}}
  - {{name: {launch}, owner: us, days: 2}}
payments:
  - {{name: {deposit}, amount: 30%, due: signing, paid: 2026-10-01}}
  - {{name: {gate}, amount: 40%, due: {review}, gate: true{paid}}}
  - {{name: {balance}, amount: 30%, due: {launch}}}
---
{body}"""


def snapshot(text: str, today: str, timezone: str | None = None) -> Snapshot:
    result = evaluate(Source.of("projects/website.md", text), policies(timezone), D(today))
    assert isinstance(result, Snapshot), result.problems if isinstance(result, Broken) else result
    return result


class Text(HTMLParser):
    """A page's visible words (no markup, no style), with a line break at every block."""

    BLOCKS = {"p", "li", "h1", "h2", "h3", "tr", "dt", "dd", "div", "section", "caption", "td", "th", "span"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("style", "svg", "head", "title"):
            self.hidden += 1
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "svg", "head", "title"):
            self.hidden -= 1
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def page_html(snap: Snapshot) -> str:
    """The client page as the build writes it (the package's template, the site's Markdown)."""
    env = Environment(loader=FileSystemLoader(TEMPLATES))
    writer = PageWriter(env, ["tables", "toc"], {"toc": {"permalink": True}})
    [page] = client_pages([snap], "c", "https://studio.example/")
    files = dict(writer.render(page))
    return files[page.dest_path].decode("utf-8")


def page_text(snap: Snapshot) -> str:
    parser = Text()
    parser.feed(page_html(snap))
    return re.sub(r"[ \t]*\n\s*", "\n", " ".join("".join(parser.parts).split(" ")))


def section(html: str, heading_id: str) -> str:
    """One <section> of the page by its heading's id."""
    found = re.search(rf'<section aria-labelledby="{heading_id}".*?</section>', html, re.DOTALL)
    assert found, heading_id
    return found.group(0)


# -- 1. The gate --------------------------------------------------------------------------------


def test_an_unpaid_gate_gives_the_ball_to_the_client_and_says_why() -> None:
    # Today Mon 10-26. The review was done Mon 10-19: the gate payment (40% of 10,000) is
    # invoiced 10-19, due 10-19 + 15 = 11-03: invoiced, not overdue.
    # Build opens no earlier than next(today) = Tue 10-27; promised 12: due add(10-27, 11):
    #   28, 29, 30, 11-02, 03, 04, 05, 06, 09, 10, 11 -> Wed 11-11. Launch (3): Thu 11-12 ->
    #   add(11-12, 2) = Mon 11-16.
    # Waiting since the invoice: between(10-19, 10-26) = 20, 21, 22, 23, 26 -> 5.
    snap = snapshot(website(), "2026-10-26")
    plan = snap.schedule
    assert (plan.ball, plan.waiting, plan.current.name) == ("client", 5, "Build")
    assert snap.gate is not None and snap.gate.name == "Design approved"
    assert (plan.stages[3].promise.opens, plan.stages[3].promise.due) == (D("2026-10-27"), D("2026-11-11"))
    assert plan.final_due == D("2026-11-16")
    entry = engagement_json(snap)
    assert (entry["ball"], entry["waiting"], entry["gated_by"]) == ("client", 5, "Design approved")
    # The board and `courtside status` show the same ball and say what the stage waits for.
    row = status_row(snap)
    assert (row.ball, row.stage, row.stage_due) == ("client 5d", "Build (awaits payment Design approved)", "2026-11-11")
    board = board_row(snap, None, speech_for("en"))
    assert (board.court, board.waiting) == ("Client", "for 5 working days")
    assert board.gate == "awaits payment “<bdi>Design approved</bdi>”"

    text = page_text(snap)
    assert (
        "“Build” starts the working day after “Design approved” is paid; the dates below assume payment today."
        in text
    )
    assert "Whose court\nYour court\nPayment “Design approved”, due November 3, 2026" in text
    assert "Finish\nNovember 16, 2026\nif “Design approved” is paid today" in text
    assert "You pay “Design approved” ($4,000.00), due on November 3, 2026; “Build” starts the working day after it is paid." in text
    assert "Waiting for your payment" in text


def test_the_gate_in_spanish() -> None:
    snap = snapshot(website("es", currency="EUR"), "2026-10-26")
    text = page_text(snap)
    assert (
        "«Desarrollo» comienza el día hábil siguiente al pago de «Diseño aprobado»; las fechas de abajo suponen "
        "que el pago se realiza hoy." in text
    )
    assert "A cargo de\nUsted\nPago «Diseño aprobado», vence el 3 de noviembre de 2026" in text
    assert "Pendiente de su pago" in text
    assert engagement_json(snap)["gated_by"] == "Diseño aprobado"


def test_once_paid_the_ball_is_ours_and_no_payment_holds_anything() -> None:
    # Paid Tue 10-27: Build opens next(10-27) = Wed 10-28 (today): ours, waiting 0.
    snap = snapshot(website(gate_paid="2026-10-27"), "2026-10-28")
    assert (snap.schedule.ball, snap.schedule.waiting, snap.gate) == ("us", 0, None)
    assert engagement_json(snap)["gated_by"] is None
    assert "is paid" not in section(page_html(snap), "cs-time-h")


def test_before_the_review_is_done_the_gate_is_announced_not_holding() -> None:
    # Today Fri 10-16: the review (client, Thu 10-15..Mon 10-19) is running; the gate does
    # not hold anything yet, but its payment will: the page says on what the dates rest.
    snap = snapshot(website(review_done=None), "2026-10-16")
    assert (snap.schedule.ball, snap.gate, engagement_json(snap)["gated_by"]) == ("client", None, None)
    text = page_text(snap)
    assert (
        "“Build” starts the working day after “Design approved” is paid; the dates below assume it is paid the "
        "day “Design review” is done." in text
    )
    assert "“Build” starts once this is paid." in text


def test_a_started_stage_is_not_held_by_its_gate() -> None:
    text = website().replace("{name: Build, owner: us, days: 10}", "{name: Build, owner: us, days: 10, started: 2026-10-20}")
    snap = snapshot(text, "2026-10-26")
    assert (snap.schedule.ball, snap.gate) == ("us", None)


# -- 2. Owed now --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "today", "sentence"),
    [
        # Invoiced 10-19, due 11-03: on 10-26 nothing is late.
        ("en", "2026-10-26", "Owed now: $4,000.00."),
        # On Fri 11-20 it is 17 days overdue: 4,000 x 1.5% x 17 / 30 = 34.00.
        ("en", "2026-11-20", "Owed now: $4,034.00, including $34.00 in late fees."),
        ("es", "2026-10-26", "Pendiente de pago: 4.000,00\xa0€."),
        ("es", "2026-11-20", "Pendiente de pago: 4.034,00\xa0€, de los que 34,00\xa0€ son recargos por demora."),
    ],
)
def test_late_fees_are_named_only_when_there_are_some(language: str, today: str, sentence: str) -> None:
    snap = snapshot(website(language, currency="USD" if language == "en" else "EUR"), today)
    assert sentence in page_text(snap)
    late = "late fees" if language == "en" else "recargos"
    assert (late in section(page_html(snap), "cs-pay-h").split("<table")[0]) == (today == "2026-11-20")


def test_an_overdue_gate_says_since_when_and_waiting_counts_from_the_invoice() -> None:
    # between(10-19, 11-20): Oct 20-23 (4), 26-30 (9), Nov 2-6 (14), 9-13 (19), 16-20 (24).
    snap = snapshot(website(), "2026-11-20")
    assert (snap.schedule.ball, snap.schedule.waiting) == ("client", 24)
    assert "Payment “Design approved”, was due November 3, 2026" in page_text(snap)


# -- 3. Cancelled -------------------------------------------------------------------------------


def cancelled(extras: bool = False) -> str:
    """Signed Mon 06-01, deposit paid Tue 06-02 -> start Wed 06-03.

    Workshop (us, 3 -> 4): 06-03..add(06-03, 3) = Mon 06-08, done Fri 06-12: 4 working days
    late -> 1 started week -> 5% of 9,600 = 480.00 credit. Sign-off (client, 5): Mon 06-15..
    Fri 06-19, done 06-19: its payment (35% = 3,360) is invoiced 06-19, due 07-04, never
    paid (its days overdue are counted in the test). App design and App build were never
    done: the engagement is cancelled. With `extras`, 100 of the launch payment is billed
    on a date instead, Tue 11-10 (due 11-25).
    """
    launch = "{name: Launch, amount: 40%, due: App build}"
    if extras:
        launch = "{name: Launch, amount: 3740, due: App build}\n  - {name: Workshop extras, amount: 100, due: 2026-11-10}"
    return f"""\
---
client: Greenleaf Yoga
project: Booking app
share: 5ea3b7z3n3psbd1y1n69
status: cancelled
fee: 9600
contacts: {{client: {{name: Owen, email: owen@greenleaf.example}}}}
signed: 2026-06-01
stages:
  - {{name: Workshop, owner: us, days: 3, done: 2026-06-12}}
  - {{name: Sign-off, owner: client, days: 5, done: 2026-06-19}}
  - {{name: App design, owner: us, days: 12}}
  - {{name: App build, owner: us, days: 25}}
payments:
  - {{name: Deposit, amount: 25%, due: signing, paid: 2026-06-02}}
  - {{name: Sign-off payment, amount: 35%, due: Sign-off}}
  - {launch}
---
The deposit covers the workshop.
"""


def test_a_cancelled_engagement_promises_nothing_more_in_the_core() -> None:
    snap = snapshot(cancelled(), "2026-11-20")
    plan = snap.schedule
    assert plan.state == "cancelled"
    assert (plan.ball, plan.waiting, plan.drift, plan.current, plan.final_due) == (None, None, None, None, None)
    design, build = plan.stages[2], plan.stages[3]
    for stage in (design, build):
        assert (stage.state, stage.promise, stage.target_link, stage.late_by, stage.consequence) == (
            "cancelled", None, None, 0, False
        )
    # What was done keeps its dates and its lateness; the credit it earned stays owed.
    assert plan.stages[0].promise.due == D("2026-06-08") and plan.stages[0].late_by == 4
    assert (plan.credit_rate, plan.credit) == (Decimal("0.05"), Decimal("480.00"))
    deposit, signoff, launch = snap.payments
    assert (deposit.state, launch.state, launch.expected_invoice_date, launch.due_date) == ("paid", "cancelled", None, None)
    # Invoiced 06-19, due 07-04; days overdue to 11-20: Jul 27 + Aug 31 + Sep 30 + Oct 31 + Nov 20 = 139.
    # 3,360 x 1.5% x 139 / 30 = 233.52.
    assert (signoff.state, signoff.due_date, signoff.days_overdue, signoff.late_fee) == (
        "overdue", D("2026-07-04"), 139, Decimal("233.52")
    )
    assert (snap.owed, snap.late_fees, snap.next_payment) == (Decimal("3593.52"), Decimal("233.52"), signoff)
    entry = engagement_json(snap)
    assert [(s["state"], s["opens"], s["due"], s["target_due"], s["end"], s["late_by"], s["consequence"])
            for s in entry["stages"][2:]] == [("cancelled", None, None, None, None, 0, False)] * 2
    assert (entry["ball"], entry["waiting"], entry["drift"], entry["gated_by"], entry["credit"]) == (
        None, None, None, None, "480.00"
    )
    assert entry["payments"][2]["state"] == "cancelled" and entry["payments"][2]["expected_invoice_date"] is None
    row = status_row(snap)
    assert (row.ball, row.stage, row.late, row.payment, row.payment_when) == (
        "", "", "", "Sign-off payment 3,360.00 USD", "overdue, due 2026-07-04"
    )


def future_dates(text: str, language: str, today: date) -> list[str]:
    """Every date after `today` (for two years) that `text` names, in any form the page uses."""
    speech = speech_for(language)
    found = []
    for offset in range(1, 731):
        day = today + timedelta(days=offset)
        for shown in {speech.date(day), speech.short_date(day, this_year=today.year), speech.short_date(day)}:
            if re.search(rf"(?<!\d){re.escape(shown)}(?!\d)", text):
                found.append(shown)
    return found


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_cancelled_page_and_calendar_promise_no_date_after_today(language: str) -> None:
    text = cancelled().replace("status: cancelled\n", f"status: cancelled\nlanguage: {language}\n")
    snap = snapshot(text, "2026-11-20")
    page = page_text(snap)
    assert future_dates(page, language, D("2026-11-20")) == []
    expected = {"en": "expected", "es": "previsto"}[language]
    assert expected not in page.lower()
    for promise in ("Finish", "we deliver ", "the last stage", "Subscribe now", "Finalización", "la última etapa", "Suscríbase"):
        assert promise not in page
    notice = {
        "en": "This engagement has been cancelled: no further work is scheduled.",
        "es": "Este proyecto se ha cancelado: no queda trabajo programado.",
    }[language]
    assert notice in page
    # The calendar keeps only what is still owed: the invoiced, unpaid payment's due date.
    calendar = Calendar.from_ical(client_calendar_bytes(snap, "https://studio.example/c/5ea3b7z3n3psbd1y1n69/"))
    events = calendar.walk("VEVENT")
    assert [(e.decoded("DTSTART"), "Sign-off payment" in str(e["SUMMARY"])) for e in events] == [(D("2026-07-04"), True)]
    assert all(e.get("STATUS") != "TENTATIVE" for e in events)
    assert b"expected" not in client_calendar_bytes(snap).lower()
    # The studio's calendar of it says the same.
    assert [e.day for e in internal_events(snap, speech_for("en"))] == [D("2026-07-04")]


def test_an_invoice_still_to_fall_due_stays_in_a_cancelled_calendar() -> None:
    # A payment due on a date, invoiced Tue 11-10, due 11-25: invoiced before the cancellation,
    # it still falls due, so its date is the one date after today on the page and the calendar.
    snap = snapshot(cancelled(extras=True), "2026-11-20")
    assert snap.payments[3].state == "invoiced"
    assert [e.day for e in client_events(snap)] == [D("2026-07-04"), D("2026-11-25")]
    assert set(future_dates(page_text(snap), "en", D("2026-11-20"))) == {"Nov 25"}


def test_a_cancelled_page_without_anything_owed_offers_no_calendar() -> None:
    text = cancelled().replace("  - {name: Sign-off payment, amount: 35%, due: Sign-off}",
                               "  - {name: Sign-off payment, amount: 35%, due: Sign-off, paid: 2026-06-22}")
    snap = snapshot(text, "2026-11-20")
    html = page_html(snap)
    assert "calendar.ics" not in html
    assert "Nothing more is owed." in page_text(snap)
    assert client_events(snap) == []
    assert board_row(snap, None, speech_for("en")).settled == "nothing more due"


# -- 8. Scope, once -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "body", "heading"),
    [
        ("en", "## Scope\n\nWhat we make.\n", "Scope"),
        ("en", "Scope\n=====\n\nWhat we make.\n", "Scope"),
        ("en", "# scope:\n\nWhat we make.\n", "Scope"),
        ("es", "## Alcance\n\nLo que hacemos.\n", "Alcance"),
        ("es", "## Scope\n\nLo que hacemos.\n", "Alcance"),  # written in English on a Spanish page
    ],
)
def test_the_page_says_scope_once(language: str, body: str, heading: str) -> None:
    snap = snapshot(website(language, body=body, currency="EUR"), "2026-10-26")
    scope = section(page_html(snap), "cs-scope-h")
    assert re.findall(r"<h[1-6][^>]*>(.*?)</h[1-6]>", scope) == [heading]
    assert "<p>What we make.</p>" in scope or "<p>Lo que hacemos.</p>" in scope


def test_a_body_with_its_own_first_heading_keeps_it() -> None:
    snap = snapshot(website(body="## What we make\n\nA shop.\n"), "2026-10-26")
    scope = section(page_html(snap), "cs-scope-h")
    assert [re.sub(r"<[^>]+>|&para;|¶", "", h) for h in re.findall(r"<h[1-6][^>]*>.*?</h[1-6]>", scope)] == [
        "Scope", "What we make"
    ]


def test_courtside_new_writes_no_scope_heading() -> None:
    assert all(not words.body.lstrip().startswith("#") for words in WORDS.values())


# -- 9. The summary box and the handoffs ---------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "court", "finish"),
    [
        (
            "en",
            "Whose court\nYour court\n“Design review”, due October 19, 2026: 3 working days late",
            "if “Design review” arrives today",
        ),
        (
            "es",
            "A cargo de\nUsted\n«Revisión del diseño», vencía el 19 de octubre de 2026: 3 días hábiles de retraso",
            "si «Revisión del diseño» llega hoy",
        ),
    ],
)
def test_the_summary_says_how_late_the_current_stage_is(language: str, court: str, finish: str) -> None:
    # Today Thu 10-22: the review was due Mon 10-19 and is not done: 20, 21, 22 -> 3 days late.
    snap = snapshot(website(language, review_done=None, currency="EUR"), "2026-10-22")
    assert snap.current_late_by == 3
    text = page_text(snap)
    assert court in text
    assert finish in text


def test_the_summary_says_when_our_stage_is_late() -> None:
    # Paid 10-20 and today Fri 11-20: Build opened Wed 10-21 (next(10-20)); promised 12:
    # due add(10-21, 11) = 22, 23, 26-30, 11-02, 03, 04, 05 -> Thu 11-05; late by
    # between(11-05, 11-20) = 6, 9-13, 16-20 -> 11 working days.
    snap = snapshot(website(gate_paid="2026-10-20"), "2026-11-20")
    text = page_text(snap)
    assert "Whose court\nOur court\n“Build”, due November 5, 2026: 11 working days late" in text
    assert "if we deliver “Build” today" in text


def test_the_handoffs_say_each_date_once() -> None:
    # On 10-28, paid 10-27: Build Wed 10-28..add(10-28, 11) = Thu 11-12; Launch Fri 11-13..
    # add(11-13, 2) = Tue 11-17. The last two stages are ours.
    snap = snapshot(website(gate_paid="2026-10-27"), "2026-10-28")
    sentences = client_view(snap).handoffs
    assert [str(s) for s in sentences] == [
        "On October 6, 2026 you completed “<bdi>Kick-off</bdi>”.",
        "On October 14, 2026 we delivered “<bdi>Design</bdi>”.",
        "On October 19, 2026 you completed “<bdi>Design review</bdi>”.",
        "On November 12, 2026 we deliver “<bdi>Build</bdi>”.",
        "On November 17, 2026 we deliver “<bdi>Launch</bdi>”, the last stage.",
    ]


def test_a_client_stage_after_ours_is_handed_over() -> None:
    # On 10-09 the design (ours, due Wed 10-14) is running; the review (client) follows.
    snap = snapshot(website(review_done=None).replace(", done: 2026-10-14", ""), "2026-10-09")
    sentences = [str(s) for s in client_view(snap).handoffs]
    assert sentences[1:3] == [
        "On October 14, 2026 we hand you “<bdi>Design</bdi>”.",
        "Your part, “<bdi>Design review</bdi>”, is due on October 19, 2026.",
    ]


# -- 10. Time zone, and one period ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "zone", "shown"),
    [
        ("en", "America/Los_Angeles", "Los Angeles time"),
        ("es", "America/Los_Angeles", "hora de Los Ángeles"),
        ("ru", "Europe/Moscow", "часовой пояс: Москва"),
        ("ar", "Asia/Dubai", "بتوقيت دبي"),
        ("en", "Etc/GMT+5", "GMT-05:00"),  # a zone of no place: its offset (Etc/GMT+5 is five hours behind)
    ],
)
def test_the_email_hours_name_their_time_zone(language: str, zone: str, shown: str) -> None:
    snap = snapshot(website().replace("language: en", f"language: {language}"), "2026-10-26", timezone=zone)
    talk = section(page_html(snap), "cs-talk-h")
    assert f'<span class="cs-zone">{shown}</span>' in talk


def test_no_time_zone_no_words_about_one() -> None:
    assert "cs-zone" not in page_html(snapshot(website(), "2026-10-26"))


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("Europe/Madird", "'Europe/Madird' is not an IANA time zone; did you mean Europe/Madrid?"),
        ("Madrid", "'Madrid' is not an IANA time zone; did you mean Europe/Madrid?"),
        ("america/los_angeles", "'america/los_angeles' is not an IANA time zone as written; write it America/Los_Angeles"),
        ("Europe/Valencia", "'Europe/Valencia' is not an IANA time zone; expected an IANA time zone such as "
                            "Europe/Madrid or America/Los_Angeles"),
        ("3", "expected an IANA time zone such as Europe/Madrid or America/Los_Angeles, got 3"),
    ],
)
def test_a_time_zone_that_is_not_one_is_an_error_with_its_line(written: str, message: str) -> None:
    text = website().replace("signed: 2026-10-01\n", f"signed: 2026-10-01\ncommunication: {{timezone: {written}}}\n")
    result = evaluate(Source.of("projects/website.md", text), policies(), D("2026-10-26"))
    assert isinstance(result, Broken)
    assert [str(p) for p in result.problems] == [f"projects/website.md:10: communication.timezone: {message}"]


@pytest.mark.parametrize("language", ["en", "es", "ru", "ar"])
def test_a_sentence_ending_in_a_period_ends_once(language: str) -> None:
    speech = speech_for(language)
    # Dirhams end in "د.إ." (and a direction mark) in Arabic only; a Russian date in "г.".
    money = speech.money(Decimal(9000), "AED")
    sentence = speech.gettext("Owed now: %(amount)s.", amount=money)
    assert sentence.endswith(money if language == "ar" else money + ".")
    day = speech.date(D("2026-12-18"))
    said = speech.gettext("Your part, “%(stage)s”, is due on %(date)s.", stage="X", date=day)
    assert said.endswith(day if language == "ru" else day + ".")


@pytest.mark.parametrize(("language", "currency"), [("ar", "AED"), ("ar", "SAR"), ("ru", "RUB"), ("es", "EUR")])
def test_no_page_has_a_double_period(language: str, currency: str) -> None:
    text = website().replace("language: en", f"language: {language}").replace("currency: USD", f"currency: {currency}")
    page = page_text(snapshot(text, "2026-11-20"))
    assert not re.search(r"\.[\u200e\u200f\u061c]*\.(?!\.)", page.replace("...", "")), page


def test_a_cancelled_proposal_says_cancelled_on_every_stage() -> None:
    # Never signed, then cancelled: no dates ever; the table says what became of each stage.
    text = website(review_done=None).replace("signed: 2026-10-01\n", "status: cancelled\n")
    text = text.replace(", done: 2026-10-06", "").replace(", done: 2026-10-14", "").replace(", paid: 2026-10-01", "")
    snap = snapshot(text, "2026-11-20")
    assert [plan.state for plan in snap.schedule.stages] == ["cancelled"] * 5
    assert [pay.state for pay in snap.payments] == ["cancelled"] * 3
    view = client_view(snap)
    assert not view.proposal and view.timeline is None
    assert [row.state_label for row in view.stages] == ["Cancelled"] * 5
    assert [str(s) for s in view.handoffs] == [
        "The engagement was cancelled before “<bdi>Kick-off</bdi>”: no further stage is scheduled."
    ]


def test_a_signed_proposal_waits_for_the_deposit_not_the_signature() -> None:
    text = website(review_done=None).replace(", done: 2026-10-06", "").replace(", done: 2026-10-14", "")
    snap = snapshot(text.replace(", paid: 2026-10-01", ""), "2026-10-02")
    assert snap.schedule.state == "proposal"
    assert client_view(snap).calendar_note == (
        "Subscribe now: the dates appear in your calendar once the deposit is paid."
    )
