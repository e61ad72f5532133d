"""Small builders shared by the schedule, money and property tests.

`engagement(**overrides)` validates a front matter the way the loader does: the
engagement's own keys merged over a policies mapping (format.md's example policies by
default), mappings key by key, everything else replaced. `calendar_of` is the loader's.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from courtside.core.model import Engagement
from courtside.core.money import PaymentPlan, payments
from courtside.core.schedule import Schedule, schedule
from courtside.core.validate import calendar_of, merge

__all__ = ["D", "POLICIES", "PLAIN_CALENDAR", "calendar_of", "engagement", "plan", "plan_and_payments"]

D = date.fromisoformat

POLICIES: dict[str, Any] = {
    # format.md's `_policies.yml` example, key for key.
    "studio": {
        "name": "Northwind Studio",
        "contact": {"name": "Sam Lee", "email": "sam@northwind.example", "phone": "+1 555 0199"},
    },
    "language": "en",
    "currency": "USD",
    "calendar": {
        "country": "US",
        "subdivision": "CA",
        "workdays": ["mon", "tue", "wed", "thu", "fri"],
        "closed": ["2026-12-24..2027-01-01", "2026-08-14"],
        "open": ["2026-11-08"],
    },
    "buffer": "20%",
    "communication": {"channels": ["email", "phone"], "response": 2, "email_hours": ["10:00", "15:00"]},
    "turnaround": {"changes": 2, "new_work": "scheduled"},
    "payment": {"terms": 15, "late_fee": "1.5%"},
    "consequences": {"client": {"grace": 5, "restart": 10}, "us": {"discount": "5%", "cap": "20%"}},
    "responsibilities": {
        "us": ["Answer within the response time", "Deliver each stage by its date"],
        "client": ["One person decides for the client", "Return feedback by its date"],
    },
}

PLAIN_CALENDAR: dict[str, Any] = {
    "country": None,
    "subdivision": None,
    "workdays": ["mon", "tue", "wed", "thu", "fri"],
    "closed": [],
    "open": [],
}
"""Monday to Friday and nothing else: for tests about a rule, not about holidays."""

REQUIRED: dict[str, Any] = {
    "client": "Acme Bakery",
    "project": "Website redesign",
    "contacts": {"client": {"name": "Dana Ruiz", "email": "dana@acmebakery.example"}},
    "stages": [{"name": "Build", "owner": "us", "days": 5}],
}


# An Engagement from front matter overrides, merged over the policies like the loader does.
def engagement(policies: dict[str, Any] | None = None, **overrides: Any) -> Engagement:
    own = merge(REQUIRED, overrides)
    return Engagement.model_validate(merge(POLICIES if policies is None else policies, own))


# The schedule of an engagement built from overrides, on `today`.
def plan(today: date | str, **overrides: Any) -> Schedule:
    terms = engagement(**overrides)
    return schedule(terms, calendar_of(terms), D(today) if isinstance(today, str) else today)


# The schedule and the payments of an engagement built from overrides, on `today`.
def plan_and_payments(today: date | str, **overrides: Any) -> tuple[Schedule, list[PaymentPlan]]:
    day = D(today) if isinstance(today, str) else today
    terms = engagement(**overrides)
    timeline = schedule(terms, calendar_of(terms), day)
    return timeline, payments(terms, timeline, day)
