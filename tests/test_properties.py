"""Properties of the date and money rules over random calendars and engagements.

Calendars: any non-empty set of workdays, public holidays of US, ES, RU, GB (or none),
random `closed` dates and ranges and `open` dates. Engagements: 1 to 8 stages of random
owners and 1 to 30 days, random signed/deposit/started/done/paid dates in 2025-2027, random
gates, buffer and consequence policies, and a random `today`. Generated engagements obey
the loader's cross-field rules (format.md plus load.check_engagement): stage dates only
once signed, `done` not before `started`, payments adding up to the fee, gates only on
stages, at most one deposit.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from courtside.core.model import Engagement
from courtside.core.money import payments, round_money
from courtside.core.schedule import durations, schedule
from courtside.core.workcal import WEEKDAYS, WorkCalendar
from helpers import calendar_of, engagement
from hypothesis import given, settings
from hypothesis import strategies as st

SETTINGS = settings(max_examples=200, deadline=None)
FIRST, LAST = date(2025, 1, 1), date(2027, 12, 31)
dates = st.dates(FIRST, LAST)
COUNTRIES = (None, "US", "ES", "RU", "GB")
CURRENCIES = {"USD": -2, "JPY": 0, "KWD": -3}


@st.composite
def calendar_policies(draw: st.DrawFn) -> dict[str, Any]:
    """A `calendar` policy: workday subset, country, closed dates and ranges, open dates."""
    workdays = draw(st.sets(st.sampled_from(WEEKDAYS), min_size=1))
    closed = []
    for first in draw(st.lists(dates, max_size=4)):
        length = draw(st.integers(0, 14))
        last = first + timedelta(days=length)
        closed.append(first.isoformat() if length == 0 else f"{first.isoformat()}..{last.isoformat()}")
    return {
        "country": draw(st.sampled_from(COUNTRIES)),
        "subdivision": None,
        "workdays": [day for day in WEEKDAYS if day in workdays],
        "closed": closed,
        "open": [d.isoformat() for d in draw(st.lists(dates, max_size=4))],
    }


def percent(draw: st.DrawFn, low: int, high: int) -> str:
    return f"{draw(st.integers(low, high))}%"


def near(draw: st.DrawFn, day: date, low: int, high: int) -> date:
    """A date `low..high` calendar days from `day`, kept inside 2025-2027."""
    return min(LAST, max(FIRST, day + timedelta(days=draw(st.integers(low, high)))))


@st.composite
def engagements(draw: st.DrawFn) -> tuple[Engagement, date]:
    """A valid engagement (random stages, dates, payments, policies) and a `today`.

    Recorded dates are either anywhere in 2025-2027 or, more often, in order after
    `signed` (each stage started and done a little after the one before), so that they
    land near the computed dates and exercise restarts, gates and lateness.
    """
    # "Usually" is written `!= 3` below: hypothesis favours the simplest value, 0.
    signed = None if draw(st.integers(0, 3)) == 3 else draw(dates)
    chronological = draw(st.integers(0, 3)) != 3
    cursor = signed
    stages = []
    for index in range(draw(st.integers(1, 8))):
        stage: dict[str, Any] = {
            "name": f"Stage {index}",
            "owner": draw(st.sampled_from(["us", "client"])),
            "days": draw(st.integers(1, 30)),
        }
        if signed is not None and chronological:
            started = near(draw, cursor, 0, 20) if draw(st.integers(0, 3)) == 3 else None
            done = near(draw, started or cursor, 0, 50) if draw(st.booleans()) else None
            cursor = done or started or near(draw, cursor, 0, 40)
        elif signed is not None:
            started, done = draw(st.none() | dates), draw(st.none() | dates)
            if started and done and done < started:
                started, done = done, started
        else:
            started = done = None
        if started:
            stage["started"] = started.isoformat()
        if done:
            stage["done"] = done.isoformat()
        stages.append(stage)

    items: list[dict[str, Any]] = []
    if draw(st.booleans()):  # a deposit
        items.append({"name": "Deposit", "due": "signing"})
    for index in draw(st.lists(st.integers(0, len(stages) - 1), max_size=3, unique=True)):
        items.append({"name": f"On {index}", "due": stages[index]["name"], "gate": draw(st.integers(0, 3)) != 3})
    if draw(st.booleans()):
        items.append({"name": "At start", "due": "start"})
    if draw(st.booleans()):
        items.append({"name": "On a date", "due": draw(dates).isoformat()})
    currency = draw(st.sampled_from(sorted(CURRENCIES)))
    exponent = CURRENCIES[currency]  # amounts in whole minor units of the currency
    fee = Decimal(draw(st.integers(0, 10**9))).scaleb(exponent)
    if items and draw(st.booleans()):
        # Shares of the fee in hundredths of a percent, adding up to 100%.
        cuts = sorted(draw(st.sets(st.integers(1, 9999), min_size=len(items) - 1, max_size=len(items) - 1)))
        for item, low, high in zip(items, [0, *cuts], [*cuts, 10000], strict=True):
            item["amount"] = f"{Decimal(high - low).scaleb(-2)}%"
    elif items:
        # Usually whole minor units; now and then one place finer (half a yen, a tenth of a cent).
        finer = exponent - (draw(st.integers(0, 3)) == 3)
        fee = Decimal(0)
        for item in items:
            item["amount"] = str(Decimal(draw(st.integers(1, 10**7))).scaleb(finer))
            fee += Decimal(item["amount"])
    for item in items:
        if signed is not None and draw(st.integers(0, 3)) != 3:
            if item["due"] == "signing":
                paid = near(draw, signed, -10, 30)
            else:
                paid = near(draw, signed, 0, 250) if chronological else draw(dates)
            item["paid"] = paid.isoformat()

    terms: dict[str, Any] = {
        "calendar": draw(calendar_policies()),
        "buffer": percent(draw, 0, 60),
        "currency": currency,
        "fee": str(fee),
        "stages": stages,
        "payments": items,
        "payment": {"terms": draw(st.integers(0, 60)), "late_fee": percent(draw, 0, 5)},
        "consequences": {
            "client": {"grace": draw(st.integers(0, 10)), "restart": draw(st.integers(0, 15))},
            "us": {"discount": percent(draw, 0, 25), "cap": percent(draw, 0, 100)},
        },
    }
    if draw(st.integers(0, 9)) == 9:  # now and then; hypothesis favours 0
        terms["status"] = draw(st.sampled_from(["on-hold", "cancelled"]))
    today = draw(dates)
    if signed is not None:
        terms["signed"] = signed.isoformat()
        if draw(st.booleans()):
            terms["start"] = near(draw, signed, -5, 30).isoformat()
        if chronological:
            today = near(draw, signed, -20, 300)
    return engagement(**terms), today


@SETTINGS
@given(calendar_policies(), dates, st.integers(1, 60))
def test_between_counts_what_add_adds(policy: dict[str, Any], day: date, n: int):
    cal = calendar_of(engagement(calendar=policy))
    later = cal.add(day, n)
    assert cal.between(day, later) == n
    assert cal.is_working(later)
    assert cal.next(day) == cal.add(day, 1) and cal.wd(later) == later


@SETTINGS
@given(engagements())
def test_chains_are_well_formed(case: tuple[Engagement, date]):
    terms, today = case
    cal = calendar_of(terms)
    timeline = schedule(terms, cal, today)
    cancelled = timeline.state == "cancelled"
    if cancelled:
        # format.md, "Cancelled": the stages not done promise nothing; no ball, wait or drift.
        for plan in timeline.stages:
            if plan.stage.done is None:
                assert (plan.state, plan.promise, plan.target_link, plan.late_by) == ("cancelled", None, None, 0)
                assert (plan.consequence, plan.weeks_late) == (False, 0)
        assert (timeline.ball, timeline.waiting, timeline.drift, timeline.current) == (None, None, None, None)
    if timeline.start is None:
        assert timeline.state in ("proposal", "on-hold", "cancelled")
        assert all(plan.promise is None and plan.late_by == (0 if plan.state == "cancelled" else None) for plan in timeline.stages)
        return
    assert cal.is_working(timeline.start)
    for plan in timeline.stages:
        if plan.state == "cancelled":
            continue  # checked above
        promised, target = durations(terms, plan.stage)
        assert (promised, target) == (plan.promised, plan.target) and promised >= target >= 1
        for link, length in ((plan.promise, promised), (plan.target_link, target)):
            started = plan.stage.started
            if started is None:
                assert cal.is_working(link.opens), link
            else:
                assert link.opens == started
            # format.md: due = opens when the duration is 1, so a stage *started* on a
            # day off with a 1-day duration is due that day off; otherwise due is add(...).
            if started is not None and length == 1:
                assert link.due == started
            else:
                assert cal.is_working(link.due), link
            assert link.due >= link.opens
            assert link.late_by >= 0
        # The target chain never promises later than the promise chain. This holds with
        # recorded dates too: `started`, `done` and paid gates replace the same values in
        # both chains, the restart is decided on the promise chain's late_by in both, and
        # every step (next, add, max with today or a gate) is monotone, so by induction
        # target opens <= promise opens and, with target <= promised days, target due <=
        # promise due, stage by stage and so for the last stage.
        assert plan.target_link.opens <= plan.promise.opens
        assert plan.target_link.due <= plan.promise.due
        assert plan.target_link.end <= plan.promise.end
        assert plan.late_by == plan.promise.late_by >= 0
        if plan.owner == "client":
            assert plan.consequence == (plan.late_by > terms.consequences.client.grace)
            assert plan.weeks_late == 0
        else:
            assert plan.consequence == (plan.late_by > 0)
            assert plan.weeks_late == math.ceil(plan.late_by / cal.workdays_per_week)
    last = timeline.stages[-1]
    if last.promise is not None:
        assert last.target_link.due <= last.promise.due == timeline.final_due
    else:
        assert cancelled and timeline.final_due is None

    # The credit: never negative, never more than the capped share of the fee (the cap is
    # applied before rounding, so it is bounded by the cap's amount rounded the same way).
    fee, us = terms.fee, terms.consequences.us
    assert timeline.credit is not None
    assert Decimal(0) <= timeline.credit <= round_money(fee * us.cap, terms.currency)
    if not any(plan.weeks_late for plan in timeline.stages):
        assert timeline.credit == 0

    if cancelled:
        return
    # Ball and waiting: the first stage not done, waiting counted from its opening; or, while
    # an unpaid gate payment alone holds it (the gate), the client's, counted from its invoice.
    current = next((plan for plan in timeline.stages if plan.stage.done is None), None)
    assert timeline.current is current
    if current is None:
        assert timeline.ball is None and timeline.waiting is None
    elif timeline.gated:
        before = timeline.stages[current.index - 1]
        payment = terms.payments[timeline.gate]
        assert payment.gate and payment.paid is None and payment.due == before.name
        assert current.stage.started is None and before.stage.done is not None
        assert timeline.ball == "client"
        assert timeline.waiting == cal.between(before.stage.done, today) >= 0
    else:
        holding = current.index > 0 and current.stage.started is None and any(
            p.gate and p.paid is None and p.due == timeline.stages[current.index - 1].name for p in terms.payments
        )
        assert not holding
        assert timeline.ball == current.owner
        assert timeline.waiting == cal.between(current.promise.opens, today) >= 0
    # Drift is signed: positive exactly when the final due moved later than the baseline.
    assert (timeline.drift > 0) == (timeline.final_due > timeline.baseline_final_due)
    assert (timeline.drift < 0) == (timeline.final_due < timeline.baseline_final_due)


@SETTINGS
@given(engagements())
def test_nothing_recorded_before_the_start_keeps_the_baseline(case: tuple[Engagement, date]):
    terms, today = case
    # With no `started`/`done`, no paid gate and today before the start, the promise chain
    # is what was promised: every gate floor next(today) <= start, every due >= today.
    stages = [stage.model_copy(update={"started": None, "done": None}) for stage in terms.stages]
    items = [p.model_copy(update={"paid": None}) if p.due != "signing" else p for p in terms.payments]
    plain = terms.model_copy(update={"stages": stages, "payments": items})
    cal = calendar_of(plain)
    timeline = schedule(plain, cal, today)
    if timeline.start is None or timeline.start <= today or timeline.state == "cancelled":
        return  # (a cancelled engagement promises nothing: test_chains_are_well_formed)
    assert [plan.promise.due for plan in timeline.stages] == [plan.baseline_due for plan in timeline.stages]
    assert timeline.drift == 0 and timeline.state in ("scheduled", "on-hold")
    assert all(plan.late_by == 0 and not plan.consequence for plan in timeline.stages)


@SETTINGS
@given(engagements())
def test_payments_add_up_and_dates_follow_the_terms(case: tuple[Engagement, date]):
    terms, today = case
    cal: WorkCalendar = calendar_of(terms)
    timeline = schedule(terms, cal, today)
    plans = payments(terms, timeline, today)
    if plans:  # what is shown adds up to the fee (rounded to the minor unit, as it is shown)
        assert sum(plan.amount for plan in plans) == round_money(terms.fee, terms.currency)
        assert all(plan.amount == round_money(plan.amount, terms.currency) for plan in plans)
    net = timedelta(days=terms.payment.terms)
    for plan in plans:
        assert plan.late_fee >= 0 and plan.days_overdue >= 0
        if plan.invoice_date is None:
            assert plan.due_date is None and plan.days_overdue == 0
        else:
            assert plan.due_date == plan.invoice_date + net
        if plan.payment.paid is not None:
            assert plan.state == "paid"
        elif timeline.state == "cancelled" and plan.invoice_date is None:
            # format.md, "Cancelled": not invoiced, so never will be; no expected date.
            assert plan.state == "cancelled" and plan.expected_invoice_date is None and plan.late_fee == 0
        elif plan.due_date is not None and today > plan.due_date:
            assert plan.state == "overdue" and plan.days_overdue == (today - plan.due_date).days
        else:
            assert plan.state in ("invoiced", "upcoming") and plan.days_overdue == 0
            assert (plan.state == "invoiced") == (plan.invoice_date is not None)
        expected_fee = plan.amount * terms.payment.late_fee * plan.days_overdue / 30
        assert plan.late_fee == round_money(expected_fee, terms.currency)
