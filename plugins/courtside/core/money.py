"""The money rules of format.md: amounts, invoice and due dates, states, late fees.

All arithmetic is `Decimal`, rounded half-up to the currency's minor unit (2 for USD,
0 for JPY, 3 for KWD, as Babel's CLDR data says) only where a sum is shown or owed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import TYPE_CHECKING

from .values import currency_digits

if TYPE_CHECKING:
    from .model import Engagement, Payment
    from .policy_changes import Rules
    from .schedule import Schedule


@cache
def minor_unit(currency: str) -> Decimal:
    """The smallest amount of `currency`: 0.01 for USD, 1 for JPY."""
    return Decimal(1).scaleb(-currency_digits(currency))


def round_money(amount: Decimal, currency: str) -> Decimal:
    return amount.quantize(minor_unit(currency), rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class PaymentPlan:
    """A payment with its computed dates, state and late fee."""

    index: int
    payment: Payment
    amount: Decimal  # in money, rounded to the minor unit
    share: Decimal | None  # the fraction of the fee, when given as a percentage
    invoice_date: date | None  # known: signed, start, the stage's done, or the date
    expected_invoice_date: date | None  # for an upcoming payment, from the promise chain
    due_date: date | None
    state: str  # paid | cancelled | overdue | invoiced | upcoming
    days_overdue: int
    late_fee: Decimal
    stage: str | None  # the stage the payment is due on, if any

    @property
    def name(self) -> str:
        return self.payment.name

    @property
    def open(self) -> bool:
        """Still to be paid some day: neither paid nor cancelled."""
        return self.state not in ("paid", "cancelled")

    @property
    def owed(self) -> Decimal:
        """What the client owes on this payment now (zero unless invoiced and unpaid)."""
        if self.state in ("invoiced", "overdue"):
            return self.amount + self.late_fee
        return Decimal(0)


def amounts(terms: Engagement) -> list[Decimal]:
    """Each payment in money; rounding leftovers go to the last percentage (else the last payment).

    The payments add up to the fee (the loader checks it), so the shown amounts must too,
    also when an amount is finer than the currency's minor unit (499.5 + 499.5 yen of 999).
    """
    currency, fee = terms.currency, terms.fee
    out: list[Decimal] = []
    last_share = None
    for index, payment in enumerate(terms.payments):
        if isinstance(payment.amount, str):
            out.append(round_money(fee * Decimal(payment.amount.rstrip("% ")) / 100, currency))  # type: ignore[operator]
            last_share = index
        else:
            out.append(round_money(payment.amount, currency))
    if fee is not None and out:
        out[len(out) - 1 if last_share is None else last_share] += round_money(fee, currency) - sum(out, Decimal(0))
    return out


def invoice_dates(payment: Payment, terms: Engagement, plan: Schedule) -> tuple[date | None, date | None, str | None]:
    """(invoice date when known, expected invoice date otherwise, stage name if due on one)."""
    due = payment.due
    if due == "signing":
        return terms.signed, None, None
    if due == "start":
        return plan.start, None, None
    for stage_plan in plan.stages:
        if stage_plan.name == due:
            expected = stage_plan.promise.end if stage_plan.promise else None
            return stage_plan.stage.done, expected, due
    return date.fromisoformat(due), None, None


def payments(terms: Engagement, plan: Schedule, today: date, rules: Rules | None = None) -> list[PaymentPlan]:
    """Every payment of the engagement on `today` (`rules`: announced policy changes; a
    payment follows the payment rule in force on its invoice date, known or expected).

    A cancelled engagement invoices nothing more: a payment not yet invoiced (nor paid) is
    `cancelled`, with no expected invoice date; one already invoiced still falls due and
    accrues its late fee (format.md, "Cancelled").
    """
    policy = terms.payment
    cancelled = plan.state == "cancelled"
    out = []
    for index, (payment, amount) in enumerate(zip(terms.payments, amounts(terms), strict=True)):
        invoiced, expected, stage = invoice_dates(payment, terms, plan)
        if invoiced is not None and invoiced > today and payment.paid is None:
            invoiced, expected = None, invoiced  # a dated invoice still in the future
        if rules is not None:
            policy = rules.on(invoiced or expected or today).payment
        terms_days = timedelta(days=policy.terms)
        if cancelled and invoiced is None:
            expected = None
        due_date = invoiced + terms_days if invoiced else None
        until = payment.paid or today
        days_overdue = max(0, (until - due_date).days) if due_date else 0
        if payment.paid is not None:
            state = "paid"
        elif cancelled and invoiced is None:
            state = "cancelled"
        elif due_date is not None and today > due_date:
            state = "overdue"
        elif invoiced is not None:
            state = "invoiced"
        else:
            state = "upcoming"
        fee = amount * policy.late_fee * days_overdue / 30
        out.append(
            PaymentPlan(
                index=index,
                payment=payment,
                amount=amount,
                share=Decimal(payment.amount.rstrip("% ")) / 100 if isinstance(payment.amount, str) else None,
                invoice_date=invoiced,
                expected_invoice_date=expected if invoiced is None else None,
                due_date=due_date,
                state=state,
                days_overdue=days_overdue,
                late_fee=round_money(fee, terms.currency),
                stage=stage,
            )
        )
    return out
