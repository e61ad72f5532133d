"""The agreement over time: its version (`courtside version`), the acceptance, announced policy changes."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from courtside.core.agreement import version
from courtside.core.pipeline import Broken, Source, evaluate, read_policies
from courtside.core.policy_changes import announcements, announcements_due
from courtside.core.snapshot import Snapshot
from courtside.publish.history_view import client_history, history_json
from courtside.publish.views import client_view
from helpers import D

COURTSIDE = Path(sys.executable).parent / "courtside"

POLICIES = """\
studio:
  name: Northwind Studio
  contact: {name: Sam Lee, email: sam@northwind.example}
calendar: {workdays: [mon, tue, wed, thu, fri]}
buffer: 20%
payment: {terms: 15, late_fee: 1.5%}
consequences:
  client: {grace: 5, restart: 10}
"""

ENGAGEMENT = """\
---
# The proposal for Acme.
client: Acme Bakery
project: Website
share: e6oix2xnhsisgl9zjezr140l
fee: 12000
contacts:
  client: {name: Dana Ruiz, email: dana@acme.example}
stages:
  - name: Design
    owner: us
    days: 10
    deliverables: [Mockups, Style guide]
  - {name: Feedback, owner: client, days: 5}
payments:
  - {name: Deposit, amount: 30%, due: signing}
  - {name: Launch, amount: 8400, due: Feedback}
---
Scope.
"""

# The same terms, reformatted: keys in another order, other quoting, comments, 8400.00, "30 %".
REFORMATTED = """\
---
project: "Website"
client: 'Acme Bakery'
contacts:
  client: {email: dana@acme.example, name: "Dana Ruiz"}   # the one who decides
share: "e6oix2xnhsisgl9zjezr140l"
fee: 12000.00
payments:
  - name: Deposit
    due: signing
    amount: "30 %"
  - {due: Feedback, amount: 8400.00, name: Launch}
stages:
  - {name: "Design", days: 10, owner: us, deliverables: ["Mockups", "Style guide"]}
  - name: Feedback   # theirs
    days: 5
    owner: client
---
Another scope text: the body is not a term.
"""


def projects(tmp_path: Path, engagement: str = ENGAGEMENT, policies: str = POLICIES) -> Path:
    folder = tmp_path / "projects"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "_policies.yml").write_text(policies, encoding="utf-8")
    (folder / "acme.md").write_text(engagement, encoding="utf-8")
    return folder


def courtside_version(folder: Path) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "COURTSIDE_TODAY"}
    return subprocess.run(
        [str(COURTSIDE), "version", "acme", "--projects", str(folder), "--today", "2026-03-02"],
        capture_output=True, text=True, env=environ, timeout=60,
    )  # fmt: skip


def snapshot(text: str, today: str, policies: str = POLICIES) -> Snapshot:
    result = evaluate(Source.of("projects/acme.md", text), read_policies(Source.of("projects/_policies.yml", policies)), D(today))
    assert isinstance(result, Snapshot), getattr(result, "problems", result)
    return result


def test_courtside_version_is_stable_under_reformatting(tmp_path: Path) -> None:
    first = courtside_version(projects(tmp_path / "a"))
    assert first.returncode == 0, first.stderr
    printed = first.stdout.strip()
    assert len(printed) == 12 and int(printed, 16) >= 0
    again = courtside_version(projects(tmp_path / "b", REFORMATTED))
    assert again.stdout.strip() == printed
    # Recorded dates and the people are no terms either.
    signed = ENGAGEMENT.replace("stages:\n", "signed: 2026-03-02\nstart: 2026-03-09\nstages:\n", 1)
    signed = signed.replace("due: signing}", "due: signing, paid: 2026-03-02}").replace("Dana Ruiz", "Dana R.")
    assert courtside_version(projects(tmp_path / "c", signed)).stdout.strip() == printed


TERM_EDITS = [
    ("days", ("days: 10", "days: 11")),
    ("owner", ("owner: client, days: 5", "owner: us, days: 5")),
    ("stage name", ("name: Design\n", "name: Design work\n")),
    ("deliverables", ("Style guide]", "Style guide, Logo]")),
    ("payment amount", ("amount: 30%", "amount: 25%")),
    ("payment due", ("amount: 8400, due: Feedback}", "amount: 8400, due: Feedback, gate: true}")),
    ("fee", ("fee: 12000", "fee: 12000\ncurrency: EUR")),
]


@pytest.mark.parametrize("edit", TERM_EDITS, ids=[name for name, _ in TERM_EDITS])
def test_any_term_changes_the_version(edit) -> None:
    _, (old, new) = edit
    assert old in ENGAGEMENT
    edited = ENGAGEMENT.replace(old, new, 1)
    if "30%" not in edited:  # a payment's amount moved: keep the sum
        edited = edited.replace("amount: 8400", "amount: 9000")
    assert version(snapshot(edited, "2026-03-02").terms) != version(snapshot(ENGAGEMENT, "2026-03-02").terms)


def test_a_policy_in_force_is_a_term_too() -> None:
    stricter = POLICIES.replace("late_fee: 1.5%", "late_fee: 2%")
    assert version(snapshot(ENGAGEMENT, "2026-03-02", stricter).terms) != version(snapshot(ENGAGEMENT, "2026-03-02").terms)
    # The buffer is a term only through the days it promises: 10 days at 20% and at 15% both promise 12.
    assert version(snapshot(ENGAGEMENT, "2026-03-02", POLICIES.replace("20%", "15%")).terms) == version(
        snapshot(ENGAGEMENT, "2026-03-02").terms
    )


def test_courtside_version_refuses_an_invalid_file(tmp_path: Path) -> None:
    done = courtside_version(projects(tmp_path, ENGAGEMENT.replace("days: 10", "days: ten")))
    assert done.returncode == 1 and done.stdout == ""
    assert "acme.md:12: stages[0].days: expected a whole number" in done.stderr


def test_acceptance_is_validated_with_file_line_and_field() -> None:
    bad = ENGAGEMENT.replace("stages:\n", "accepted: {by: Dana, on: 2026-13-01, version: xyz}\nstages:\n", 1)
    result = evaluate(Source.of("projects/acme.md", bad), read_policies(Source.of("p/_policies.yml", POLICIES)), D("2026-03-02"))
    assert isinstance(result, Broken)
    found = sorted((p.file, p.line, p.field) for p in result.problems)
    assert found == [("projects/acme.md", 9, "accepted.on"), ("projects/acme.md", 9, "accepted.version")]
    assert "12-character version" in next(p.message for p in result.problems if p.field == "accepted.version")


def accepted(text: str, by: str, on: str, ver: str) -> str:
    return text.replace("stages:\n", f"accepted: {{by: {by}, on: {on}, version: {ver}}}\nstages:\n", 1)


def test_the_page_says_who_accepted_and_flags_an_outdated_acceptance() -> None:
    current = version(snapshot(ENGAGEMENT, "2026-03-02").terms)
    same = client_history(snapshot(accepted(ENGAGEMENT, "Dana Ruiz", "2026-03-01", current), "2026-03-02"))
    assert same.accepted == [f"Accepted by Dana Ruiz on March 1, 2026 (version {current}).", "This is the agreement as it stands."]
    assert not same.outdated and same.accept is None
    longer = accepted(ENGAGEMENT.replace("days: 10", "days: 12"), "Dana Ruiz", "2026-03-01", current)
    view = client_history(snapshot(longer, "2026-03-02"))
    now = version(snapshot(longer, "2026-03-02").terms)
    assert view.outdated and now != current
    assert view.accepted[1] == (
        f"The agreement has changed since it was accepted: it now stands at version {now}, which has not been "
        "accepted yet."
    )
    assert view.accept is not None  # the new version can be accepted again
    assert history_json(snapshot(longer, "2026-03-02"))["accepted"] == {
        "by": "Dana Ruiz", "on": "2026-03-01", "version": current, "current": False,
    }  # fmt: skip


def test_a_proposal_has_an_accept_link_naming_its_version() -> None:
    snap = snapshot(ENGAGEMENT, "2026-03-02")
    view = client_history(snap)
    ver = version(snap.terms)
    assert view.accept is not None
    assert view.accept.href.startswith("mailto:sam@northwind.example?subject=Website%3A%20we%20accept%20version%20" + ver)
    assert view.accept.label == "Accept this agreement"
    signed = snapshot(ENGAGEMENT.replace("stages:\n", "signed: 2026-03-02\nstages:\n", 1).replace("due: signing}", "due: signing, paid: 2026-03-02}"), "2026-03-02")
    assert client_history(signed).accept is None  # dates set: nothing left to accept by link


# -- Announced policy changes ------------------------------------------------------------------------

CHANGES = POLICIES + """\
changes:
  - from: 2026-04-01
    announce: 14
    set: {payment: {late_fee: 3%}}
    note: {en: Late fees rise to 3% per 30 days., es: Los recargos suben al 3 %.}
"""

# Two invoices: one dated before the change (March 2), one after it (April 6).
BILLED = """\
---
client: Acme Bakery
project: Website
fee: 2000
contacts:
  client: {name: Dana Ruiz, email: dana@acme.example}
signed: 2026-02-02
stages:
  - {name: Build, owner: us, days: 60}
payments:
  - {name: First, amount: 1000, due: 2026-03-02}
  - {name: Second, amount: 1000, due: 2026-04-06}
---
"""


def test_a_change_is_announced_from_its_announce_day_only() -> None:
    assert announcements(snapshot(BILLED, "2026-03-17", CHANGES), D("2026-03-17")) == []
    (found,) = announcements(snapshot(BILLED, "2026-03-18", CHANGES), D("2026-03-18"))  # April 1 - 14 days
    assert (found.starts, found.announced_on, found.in_force) == (D("2026-04-01"), D("2026-03-18"), False)
    assert found.id == announcements(snapshot(BILLED, "2026-03-25", CHANGES), D("2026-03-25"))[0].id  # stable
    assert found.id.startswith("policy-change:acme:2026-04-01:")
    (due,) = announcements_due([snapshot(BILLED, "2026-03-18", CHANGES)], D("2026-03-18"))
    assert due.id == found.id
    assert announcements_due([snapshot(BILLED, "2026-04-01", CHANGES)], D("2026-04-01")) == []  # in force: no letter
    view = client_history(snapshot(BILLED, "2026-03-18", CHANGES))
    (shown,) = view.announcements
    assert shown.heading == "From April 1, 2026:" and shown.note == "Late fees rise to 3% per 30 days."
    assert shown.rules == ["A late payment carries a fee of 3% of its amount per 30 days, counted by the day."]
    spanish = client_history(snapshot(BILLED.replace("project:", "language: es\nproject:"), "2026-03-18", CHANGES))
    assert spanish.announcements[0].note == "Los recargos suben al 3 %." and spanish.announcements[0].heading.startswith("A partir del")


def test_a_changed_payment_rule_applies_from_its_date_only() -> None:
    # On May 21: First is due March 17, 65 days overdue, at the old 1.5%: 1000 * 0.015 * 65 / 30 = 32.50.
    # Second is invoiced April 6 (after the change), due April 21, 30 days overdue at 3%: 30.00.
    snap = snapshot(BILLED, "2026-05-21", CHANGES)
    fees = {pay.name: (pay.days_overdue, pay.late_fee) for pay in snap.payments}
    assert fees == {"First": (65, Decimal("32.50")), "Second": (30, Decimal("30.00"))}
    before = snapshot(BILLED, "2026-05-21")  # without the change: 1.5% on both
    assert {pay.name: pay.late_fee for pay in before.payments} == {"First": Decimal("32.50"), "Second": Decimal("15.00")}


def test_an_engagement_with_its_own_rule_is_not_affected() -> None:
    own = BILLED.replace("fee: 2000\n", "fee: 2000\npayment: {late_fee: 1%}\n")
    snap = snapshot(own, "2026-03-20", CHANGES)
    assert announcements(snap, D("2026-03-20")) == []
    assert {pay.name: pay.late_fee for pay in snapshot(own, "2026-05-21", CHANGES).payments}["Second"] == Decimal("10.00")


def test_a_finished_engagement_is_not_affected() -> None:
    finished = BILLED.replace("days: 60}", "days: 5, done: 2026-02-09}").replace("due: 2026-04-06}", "due: 2026-03-02}")
    finished = finished.replace("due: 2026-03-02}", "due: 2026-03-02, paid: 2026-03-03}")
    assert announcements(snapshot(finished, "2026-03-20", CHANGES), D("2026-03-20")) == []


def test_a_finished_engagement_with_an_invoice_to_come_is_affected_by_a_payment_rule() -> None:
    # Build is done (Feb 9: the work is finished), First is paid, Second is invoiced on April 6,
    # after the change: it will carry the new 3% late fee, so the client is told beforehand.
    finished = BILLED.replace("days: 60}", "days: 5, done: 2026-02-09}").replace("due: 2026-03-02}", "due: 2026-03-02, paid: 2026-03-03}")
    snap = snapshot(finished, "2026-03-20", CHANGES)
    assert snap.schedule.state == "done"
    (found,) = announcements_due([snap], D("2026-03-20"))
    assert (found.starts, found.keys) == (D("2026-04-01"), frozenset({"payment"}))
    # 30 days overdue on May 21 (due April 21): 1000 * 0.03 * 30 / 30 = 30.00, the new rate.
    assert {pay.name: pay.late_fee for pay in snapshot(finished, "2026-05-21", CHANGES).payments}["Second"] == Decimal("30.00")
    # A change of anything else has nothing left to apply to in a finished engagement.
    turnaround = POLICIES + "changes:\n  - {from: 2026-04-01, set: {turnaround: {changes: 5}}}\n"
    assert announcements_due([snapshot(finished, "2026-03-20", turnaround)], D("2026-03-20")) == []
    assert announcements_due([snapshot(BILLED, "2026-03-20", turnaround)], D("2026-03-20")) != []  # (work going on: told)


def test_consequences_change_for_stages_opening_from_the_date() -> None:
    changed = POLICIES + "changes:\n  - {from: 2026-03-16, set: {consequences: {client: {grace: 1}}}}\n"
    # Review (client) opens Mon Mar 2, due Mar 6, done Mar 11: 3 days late. Under the old grace
    # of 5 nothing triggers; the new grace of 1 applies only to stages opening from Mar 16.
    text = """---
client: Acme
project: Site
contacts:
  client: {name: Dana}
signed: 2026-02-27
stages:
  - {name: Review, owner: client, days: 5, done: 2026-03-11}
  - {name: Build, owner: us, days: 5}
  - {name: Check, owner: client, days: 2}
  - {name: Launch, owner: us, days: 1}
---
"""
    plan = snapshot(text, "2026-03-12", changed).schedule
    assert [s.consequence for s in plan.stages[:1]] == [False] and plan.stages[1].promise.opens == D("2026-03-12")  # type: ignore[union-attr]
    # Build Mar 12-18 (6 days promised), Check opens Mar 19 (after Mar 16): due Mar 20; done Mar 24, 2 days late > 1.
    later = text.replace("days: 2}", "days: 2, done: 2026-03-24}").replace("{name: Build, owner: us, days: 5}", "{name: Build, owner: us, days: 5, done: 2026-03-18}")
    plan = snapshot(later, "2026-03-25", changed).schedule
    check = plan.stages[2]
    assert (check.promise.opens, check.late_by, check.consequence) == (D("2026-03-19"), 2, True)  # type: ignore[union-attr]
    assert plan.stages[3].promise.restarted  # type: ignore[union-attr]


def _letter(text: str, sets: str, today: str = "2026-03-18") -> str:
    """The body of the announcement mailed to Acme on `today` for a change of `sets` from April 1."""
    from courtside.core.pipeline import combine
    from courtside.publish.mailto import reminder_mails

    policies = POLICIES + f"changes:\n  - {{from: 2026-04-01, announce: 14, set: {sets}}}\n"
    board = combine([snapshot(text, today, policies)], read_policies(Source.of("projects/_policies.yml", policies)), D(today))
    (mail,) = [mail for mail in reminder_mails(board, {"acme": "https://studio.example/c/x/"}) if mail.kind == "policy-change"]
    return mail.body


def test_the_letter_says_what_each_kind_of_change_applies_to() -> None:
    # A change of the turnaround applies to the whole engagement: the whole letter, by hand.
    assert _letter(BILLED, "{turnaround: {changes: 5}}") == (
        "Hello Dana Ruiz,\n\n"
        "We are writing to let you know, ahead of time, about a change to our terms for Website. "
        "It takes effect on April 1, 2026.\n\n"
        "From April 1, 2026:\n- Small change requests: we turn them around within 5 working days.\n\n"
        "It applies to all our work together from April 1, 2026.\n\n"
        "Everything else in our agreement stays as it is.\n\n"
        "If you have any questions about it, just reply to this message and we will gladly talk it through.\n\n"
        "Your project page shows the change, with our terms in full: https://studio.example/c/x/\n\n"
        "Kind regards,\nSam Lee\nNorthwind Studio\n"
    )
    # A payment rule and something else: what each part applies to.
    both = _letter(BILLED, "{payment: {late_fee: 3%}, turnaround: {changes: 5}}")
    assert (
        "\n\nThe new payment terms apply to invoices issued on or after April 1, 2026; an invoice issued before then "
        "keeps the terms it was issued under.\n\nThe rest of the change applies to all our work together from "
        "April 1, 2026.\n\n"
    ) in both
    assert "- A late payment carries a fee of 3% of its amount per 30 days" in both and "- Small change requests" in both
    # The consequences: to stages opening from the date (Review opens in May, after Build's 72 working days).
    review = BILLED.replace("days: 60}\n", "days: 60}\n  - {name: Review, owner: client, days: 5}\n")
    grace = _letter(review, "{consequences: {client: {grace: 1}}}")
    assert "- If your part is late, there is a grace period of 1 working day." in grace
    assert (
        "\n\nThe new rules for late stages apply to stages that open on or after April 1, 2026; a stage that opened "
        "before then keeps the rules it opened under.\n\n"
    ) in grace
    # The buffer: to agreements signed from the date (a proposal); the page has no sentence of
    # it, so the letter lists none, and no note was written.
    proposal = BILLED.replace("signed: 2026-02-02\n", "")
    buffer = _letter(proposal, "{buffer: 30%}")
    assert "From April 1, 2026:" not in buffer
    assert (
        "It takes effect on April 1, 2026.\n\nThe time we promise for each of our stages changes for agreements "
        "signed on or after April 1, 2026; your project page shows the dates that apply to you.\n\nEverything else"
    ) in buffer


def test_changes_are_validated_like_the_policies() -> None:
    bad = POLICIES + """\
changes:
  - from: 2026-04-31
    announce: -1
    set: {payment: {late_fe: 3%}, buffer: lots}
  - {from: 2026-05-01, set: {}}
"""
    policies = read_policies(Source.of("projects/_policies.yml", bad))
    assert {p.file for p in policies.problems} == {"projects/_policies.yml"}
    got = sorted((p.line, p.field, p.message.split(";")[0]) for p in policies.problems)
    fields = [(line, field) for line, field, _ in got]
    assert fields == [
        (10, "changes[0].from"), (11, "changes[0].announce"), (12, "changes[0].set.buffer"),
        (12, "changes[0].set.payment.late_fe"), (13, "changes[1].set"),
    ]  # fmt: skip
    assert "did you mean 'late_fee'?" in next(p.message for p in policies.problems if p.field.endswith("late_fe"))
    own = ENGAGEMENT.replace("fee: 12000", "fee: 12000\nchanges: []")
    result = evaluate(Source.of("projects/acme.md", own), read_policies(Source.of("p/_policies.yml", POLICIES)), date(2026, 3, 2))
    assert isinstance(result, Broken)
    assert [str(p) for p in result.problems] == [
        "projects/acme.md:7: changes: announced policy changes belong in _policies.yml (docs/guide/history.md)"
    ]


def test_courtside_status_lists_the_announced_changes(tmp_path: Path) -> None:
    folder = projects(tmp_path, BILLED, CHANGES)
    environ = {k: v for k, v in os.environ.items() if k != "COURTSIDE_TODAY"}
    done = subprocess.run(
        [str(COURTSIDE), "status", "--projects", str(folder), "--today", "2026-03-20"],
        capture_output=True, text=True, env=environ, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (
        "Policy change from 2026-04-01 (announced from 2026-03-18): payment: Late fees rise to 3% per 30 days.; "
        "affects 1: Acme Bakery"
    ) in done.stdout


def test_the_client_page_shows_the_announcement(tmp_path: Path) -> None:
    view = client_view(snapshot(BILLED, "2026-03-18", CHANGES))
    assert view.history.announcements[0].rules


def test_after_its_date_the_page_states_the_new_rule() -> None:
    before = client_view(snapshot(BILLED, "2026-03-31", CHANGES))
    after = client_view(snapshot(BILLED, "2026-04-01", CHANGES))
    fee = "A late payment carries a fee of %s of its amount per 30 days, counted by the day."
    assert fee % "1.5%" in before.payment_terms and fee % "3%" in after.payment_terms
    assert after.history.announcements[0].heading == "Since April 1, 2026:"
    assert client_history(snapshot(BILLED, "2026-05-01", CHANGES)).announcements == []  # 30 days after: in the terms


def test_the_board_lists_an_outdated_acceptance() -> None:
    from courtside.core.pipeline import combine
    from courtside.publish.history_view import board_history

    current = version(snapshot(ENGAGEMENT, "2026-03-02").terms)
    longer = snapshot(accepted(ENGAGEMENT.replace("days: 10", "days: 12"), "Dana Ruiz", "2026-03-01", current), "2026-03-02")
    same = snapshot(accepted(ENGAGEMENT, "Dana Ruiz", "2026-03-01", current), "2026-03-02")
    policies = read_policies(Source.of("projects/_policies.yml", POLICIES))
    (note,) = board_history(combine([longer], policies, D("2026-03-02")), {}).outdated
    assert note.client == "Acme Bakery" and note.text == (
        f"Accepted version {current} on March 1, 2026; the agreement now stands at {version(longer.terms)}."
    )
    assert board_history(combine([same], policies, D("2026-03-02")), {}).outdated == []
