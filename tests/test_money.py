"""The money rules of format.md, pinned with hand-checked amounts and dates (core/money.py).

Amounts were worked out by hand (percent of the fee, then rounded half-up to the
currency's minor unit); calendar days were counted on a 2026 wall calendar (`cal 2026`);
working days as in tests/test_schedule.py (US-CA, Mon-Fri, Sep 7 2026 is Labor Day).
"""

from __future__ import annotations

from decimal import Decimal

from courtside.core.money import amounts, minor_unit, round_money
from helpers import D, engagement, plan_and_payments


def amounts_of(fee: object, *shares: object, currency: str = "USD") -> list[Decimal]:
    items = [{"name": f"P{i}", "amount": share, "due": "start"} for i, share in enumerate(shares)]
    return amounts(engagement(fee=fee, currency=currency, payments=items))


# -- Amounts ----------------------------------------------------------------------------------


def test_percentages_of_the_fee_and_fixed_amounts():
    # format.md's example: 30% and 40% of 12000, and 3600.
    assert amounts_of(12000, "30%", "40%", 3600) == [Decimal("3600.00"), Decimal("4800.00"), Decimal("3600.00")]
    assert [str(a) for a in amounts_of(12000, "30%", "40%", 3600)] == ["3600.00", "4800.00", "3600.00"]


def test_rounding_leftovers_go_to_the_last_percentage_and_amounts_add_up():
    cases = {
        # 330 + 330 + 340: nothing to round.
        (1000, "33%", "33%", "34%"): ["330.00", "330.00", "340.00"],
        # 33.33 + 33.33 + 33.34 exactly.
        (100, "33.33%", "33.33%", "33.34%"): ["33.33", "33.33", "33.34"],
        # 3.333 -> 3.33, 3.333 -> 3.33, 3.334 -> 3.33: 9.99, so the last takes the cent: 3.34.
        (10, "33.33%", "33.33%", "33.34%"): ["3.33", "3.33", "3.34"],
        # 33.335 -> 33.34 twice (half-up), 33.33: 100.01, so the last gives a cent back.
        (100, "33.335%", "33.335%", "33.33%"): ["33.34", "33.34", "33.32"],
        # 50.005 -> 50.01 twice is 100.02 of 100.01: the last is 50.00.
        ("100.01", "50%", "50%"): ["50.01", "50.00"],
        # A fixed amount after the percentages keeps its value; the leftover stays on a share:
        # 33.335 -> 33.34, 33.335 -> 33.34, 33.33 fixed: the second share gives the cent back.
        (100, "33.335%", "33.335%", "33.33"): ["33.34", "33.33", "33.33"],
    }
    for (fee, *shares), expected in cases.items():
        got = amounts_of(fee, *shares)
        assert [str(a) for a in got] == expected, (fee, shares)
        assert sum(got) == Decimal(str(fee)), (fee, shares)


def test_minor_units_yen_and_dinar():
    assert minor_unit("USD") == Decimal("0.01")
    assert minor_unit("JPY") == Decimal("1")
    assert minor_unit("KWD") == Decimal("0.001")
    # Yen: 50% of 999 = 499.5 -> 500 (half-up); the last gives one back: 499.
    assert [str(a) for a in amounts_of(999, "50%", "50%", currency="JPY")] == ["500", "499"]
    # Fixed amounts finer than the minor unit add up too: 499.5 + 499.5 yen of 999 would
    # show as 500 + 500 = 1000; the last payment gives one back (fixed in money.amounts).
    assert [str(a) for a in amounts_of(999, "499.5", "499.5", currency="JPY")] == ["500", "499"]
    # Dinar: 50% of 10.001 = 5.0005 -> 5.001; the last: 5.000.
    assert [str(a) for a in amounts_of("10.001", "50%", "50%", currency="KWD")] == ["5.001", "5.000"]
    # Half-up, not half-even: 0.125 -> 0.13 (half-even 0.12); 2.5 yen -> 3 (half-even 2).
    assert round_money(Decimal("0.125"), "USD") == Decimal("0.13")
    assert round_money(Decimal("2.5"), "JPY") == Decimal("3")
    assert round_money(Decimal("0.0005"), "KWD") == Decimal("0.001")


# -- Invoice and due dates, states ------------------------------------------------------------

SEPTEMBER = {
    # Signed Tue Sep 1 2026, deposit paid Sep 1: start next(Sep 1) = Wed Sep 2.
    # Design (ours, 5 -> 6 promised): Sep 2 + 5 -> Thu 3, Fri 4, [Mon 7 Labor Day], Tue 8,
    #   Wed 9, Thu 10: due Thu Sep 10; done Wed Sep 9.
    # Review (client, 10): opens Thu Sep 10, + 9 -> 11, 14-18, 21, 22, 23: due Wed Sep 23.
    # Build (ours, 5 -> 6): opens Thu Sep 24, + 5 -> 25, 28, 29, 30, Oct 1: due Thu Oct 1
    #   (target + 4: Wed Sep 30).
    "signed": "2026-09-01",
    "fee": 6000,
    "stages": [
        {"name": "Design", "owner": "us", "days": 5, "done": "2026-09-09"},
        {"name": "Review", "owner": "client", "days": 10},
        {"name": "Build", "owner": "us", "days": 5},
    ],
    "payments": [
        {"name": "Deposit", "amount": 1000, "due": "signing", "paid": "2026-09-01"},
        {"name": "Kick-off", "amount": 1000, "due": "start"},
        {"name": "Design", "amount": 1000, "due": "Design"},
        {"name": "Review", "amount": 1000, "due": "Review"},
        {"name": "Build", "amount": 1000, "due": "Build"},
        {"name": "Final", "amount": 1000, "due": "2026-10-30"},
    ],
}


def test_invoice_dates_due_dates_and_states():
    timeline, plans = plan_and_payments("2026-09-20", **SEPTEMBER)  # Sunday Sep 20
    assert timeline.start == D("2026-09-02")
    by_name = {p.name: p for p in plans}
    # (invoice date, due date = invoice + 15 calendar days, state, days overdue, late fee)
    assert [(p.invoice_date, p.due_date, p.state, p.days_overdue, p.late_fee) for p in plans] == [
        # Signing: Tue Sep 1 -> Wed Sep 16; paid on the day.
        (D("2026-09-01"), D("2026-09-16"), "paid", 0, Decimal("0.00")),
        # Start: Wed Sep 2 -> Thu Sep 17; unpaid on Sep 20, 3 days late: 1000 * 1.5% * 3/30 = 1.50.
        (D("2026-09-02"), D("2026-09-17"), "overdue", 3, Decimal("1.50")),
        # Design done Wed Sep 9 -> Thu Sep 24; not due yet.
        (D("2026-09-09"), D("2026-09-24"), "invoiced", 0, Decimal("0.00")),
        # Review and Build are not done: upcoming, no invoice and no due date yet.
        (None, None, "upcoming", 0, Decimal("0.00")),
        (None, None, "upcoming", 0, Decimal("0.00")),
        # A date in the future is upcoming until it comes.
        (None, None, "upcoming", 0, Decimal("0.00")),
    ]
    # Expected invoice dates come from the promise chain: Review's due Wed Sep 23, Build's
    # promised Thu Oct 1 (not its target, Wed Sep 30), the Final date itself.
    assert by_name["Review"].expected_invoice_date == D("2026-09-23")
    assert by_name["Build"].expected_invoice_date == D("2026-10-01")
    assert timeline.stages[2].target_link.due == D("2026-09-30")
    assert by_name["Final"].expected_invoice_date == D("2026-10-30")
    assert all(p.expected_invoice_date is None for p in plans[:3])
    # What the client owes now: the overdue kick-off and its late fee, and the Design invoice.
    assert sum(p.owed for p in plans) == Decimal("2001.50")


def test_due_on_the_due_date_is_not_yet_overdue():
    # The Design invoice is due Thu Sep 24: invoiced that day, overdue (1 day) the next.
    _, on_the_day = plan_and_payments("2026-09-24", **SEPTEMBER)
    assert (on_the_day[2].state, on_the_day[2].days_overdue) == ("invoiced", 0)
    _, next_day = plan_and_payments("2026-09-25", **SEPTEMBER)
    assert (next_day[2].state, next_day[2].days_overdue) == ("overdue", 1)


def test_due_dates_count_calendar_days_not_working_days():
    # Fri Oct 30 + 15 calendar days = Sat Nov 14 (no moving to a working day). On Fri Nov 20
    # it is 6 days overdue: 1000 * 1.5% * 6/30 = 3.00.
    _, plans = plan_and_payments("2026-11-20", **SEPTEMBER)
    final = plans[5]
    assert (final.invoice_date, final.due_date, final.state) == (D("2026-10-30"), D("2026-11-14"), "overdue")
    assert (final.days_overdue, final.late_fee) == (6, Decimal("3.00"))
    # Other terms: net 30 from Tue Sep 1 is Thu Oct 1; net 0 is the invoice day itself.
    _, net30 = plan_and_payments("2026-09-20", **SEPTEMBER, payment={"terms": 30})
    assert net30[0].due_date == D("2026-10-01")
    _, net0 = plan_and_payments("2026-09-20", **SEPTEMBER, payment={"terms": 0})
    assert net0[0].due_date == D("2026-09-01")


def test_expected_invoice_date_follows_the_promise_chain_as_it_moves():
    # On Mon Oct 5 Review (client, due Wed Sep 23) is still not done: late_by = Sep 24, 25,
    # 28, 29, 30, Oct 1, 2, 5 = 8 > grace 5, so Build restarts at add(Oct 5, 1 + 10) =
    # Oct 6-9 (4), 12-16 (9), 19 (10), Tue Oct 20 (11); + 5 -> 21, 22, 23, 26, 27.
    _, plans = plan_and_payments("2026-10-05", **SEPTEMBER)
    assert (plans[4].state, plans[4].expected_invoice_date) == ("upcoming", D("2026-10-27"))
    # Review done on its due date (Sep 23): Build opens Thu Sep 24, promised Thu Oct 1 and
    # not done on Mon Oct 5: its promise-chain `end` is today, so the payment is expected
    # today (the stage could be done any moment).
    stages = [SEPTEMBER["stages"][0], {**SEPTEMBER["stages"][1], "done": "2026-09-23"}, SEPTEMBER["stages"][2]]
    _, plans = plan_and_payments("2026-10-05", **{**SEPTEMBER, "stages": stages})
    assert (plans[3].state, plans[3].invoice_date, plans[3].due_date) == (
        "invoiced", D("2026-09-23"), D("2026-10-08"))
    assert (plans[4].state, plans[4].expected_invoice_date) == ("upcoming", D("2026-10-05"))


def test_start_payment_of_a_scheduled_engagement_is_upcoming():
    # Signed Fri Nov 20 2026, no deposit: start Mon Nov 23 is after today; the payment due
    # at the start is expected that day.
    _, plans = plan_and_payments(
        "2026-11-20", signed="2026-11-20", fee=1000,
        payments=[{"name": "All", "amount": "100%", "due": "start"}],
    )
    assert (plans[0].state, plans[0].invoice_date, plans[0].expected_invoice_date) == (
        "upcoming", None, D("2026-11-23"))


def test_a_proposal_invoices_nothing():
    # No `signed`: the deposit has no invoice date; a stage payment no expected date.
    _, plans = plan_and_payments(
        "2026-11-20", fee=1000,
        payments=[{"name": "Deposit", "amount": "50%", "due": "signing"},
                  {"name": "Rest", "amount": "50%", "due": "Build"}],
    )
    assert [(p.state, p.invoice_date, p.expected_invoice_date, p.due_date) for p in plans] == [
        ("upcoming", None, None, None),
        ("upcoming", None, None, None),
    ]
    # Signed with the deposit unpaid: still a proposal, but the deposit is invoiced at signing
    # (Mon Nov 2 -> due Tue Nov 17): overdue on Nov 20 by 3 days: 500 * 1.5% * 3/30 = 0.75.
    timeline, unpaid = plan_and_payments(
        "2026-11-20", signed="2026-11-02", fee=1000,
        payments=[{"name": "Deposit", "amount": "50%", "due": "signing"},
                  {"name": "Rest", "amount": "50%", "due": "Build"}],
    )
    assert timeline.state == "proposal"
    assert (unpaid[0].state, unpaid[0].due_date, unpaid[0].late_fee) == ("overdue", D("2026-11-17"), Decimal("0.75"))


# -- Late fees --------------------------------------------------------------------------------


def one_payment(today: str, amount: object, paid: str | None = None, currency: str = "USD"):
    # One payment due on the date Tue Sep 1 2026: invoiced then, due Wed Sep 16 (net 15).
    payment = {"name": "All", "amount": amount, "due": "2026-09-01"}
    if paid:
        payment["paid"] = paid
    _, plans = plan_and_payments(today, fee=amount, currency=currency, payments=[payment])
    return plans[0]


def test_late_fee_is_pro_rata_by_the_day():
    # Sep 16 -> Oct 31: 14 days to Sep 30, 31 in October = 45 days.
    # 4000 * 1.5% * 45 / 30 = 60 * 1.5 = 90.00.
    late = one_payment("2026-10-31", 4000)
    assert (late.due_date, late.state, late.days_overdue, late.late_fee) == (
        D("2026-09-16"), "overdue", 45, Decimal("90.00"))
    # Paid late on Fri Oct 16 (30 days): the fee stops there, 4000 * 1.5% = 60.00, even
    # when looked at later.
    paid_late = one_payment("2026-11-20", 4000, paid="2026-10-16")
    assert (paid_late.state, paid_late.days_overdue, paid_late.late_fee) == ("paid", 30, Decimal("60.00"))
    assert paid_late.owed == Decimal(0)
    # Paid on time: no fee.
    on_time = one_payment("2026-11-20", 4000, paid="2026-09-16")
    assert (on_time.days_overdue, on_time.late_fee) == (0, Decimal("0.00"))


def test_late_fee_rounds_half_up():
    # 1 day late (Thu Sep 17): 1010 * 0.015 / 30 = 0.505 exactly -> 0.51 (half-even: 0.50).
    assert one_payment("2026-09-17", 1010).late_fee == Decimal("0.51")
    # Yen, 10 days (Sat Sep 26): 100 * 0.015 * 10 / 30 = 0.5 -> 1 (half-even: 0).
    assert one_payment("2026-09-26", 100, currency="JPY").late_fee == Decimal("1")
    # Dinar, 1 day: 101 * 0.015 / 30 = 0.0505 -> 0.051 (half-even: 0.050).
    assert str(one_payment("2026-09-17", 101, currency="KWD").late_fee) == "0.051"


def test_no_late_fee_policy_means_no_late_fee():
    terms = {"payment": {"late_fee": "0%"}}
    _, plans = plan_and_payments(
        "2026-10-31", fee=4000, payments=[{"name": "All", "amount": 4000, "due": "2026-09-01"}], **terms
    )
    assert (plans[0].state, plans[0].days_overdue, plans[0].late_fee) == ("overdue", 45, Decimal("0.00"))
