"""One engagement on one day: its terms, schedule and payments, and what follows from them.

Made by the pipeline (`pipeline.evaluate`); every page, calendar, reminder and row of the
board is made from it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING

from .model import Engagement
from .money import PaymentPlan, round_money
from .schedule import Schedule
from .validate import Loaded

if TYPE_CHECKING:
    from .history import Story

ATTENTION = {"active": 0, "scheduled": 2, "on-hold": 3, "proposal": 4, "done": 5, "cancelled": 6}


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One engagement on `today`: its terms, schedule and payments."""

    loaded: Loaded
    schedule: Schedule
    payments: list[PaymentPlan]
    history: Story | None = None  # from the git history of projects/ (core/history.py), when read

    @property
    def id(self) -> str:
        return self.loaded.id

    def without_lines(self) -> Snapshot:
        """The same snapshot without the line of every field (see `Origin.without_lines`)."""
        return replace(self, loaded=replace(self.loaded, origin=self.loaded.origin.without_lines()))

    @property
    def terms(self) -> Engagement:
        return self.loaded.terms

    @property
    def live(self) -> bool:
        """Work is under way or paused: a stage past its due still means someone is late."""
        return self.schedule.state not in ("cancelled", "done")

    @property
    def late(self) -> bool:
        """Someone is late right now: a stage past its promised due (while live), or money overdue.

        A cancelled engagement's unfinished stages stay past due forever; only its unpaid
        money can still be late.
        """
        stage_late = self.live and any(p.state == "late" for p in self.schedule.stages)
        return stage_late or self.overdue > 0

    @property
    def needs_attention(self) -> bool:
        """Flagged on the board: someone is late, or a consequence triggered while the work is live."""
        return self.late or (bool(self.consequences) and self.live)

    @property
    def owed(self) -> Decimal:
        """Invoiced and unpaid now, late fees included."""
        return round_money(sum((p.owed for p in self.payments), Decimal(0)), self.terms.currency)

    @property
    def overdue(self) -> Decimal:
        return round_money(
            sum((p.amount for p in self.payments if p.state == "overdue"), Decimal(0)), self.terms.currency
        )

    @property
    def late_fees(self) -> Decimal:
        """Late fees on payments not yet paid: the part of `owed` that is late fees."""
        return round_money(
            sum((p.late_fee for p in self.payments if p.state != "paid"), Decimal(0)), self.terms.currency
        )

    @property
    def next_payment(self) -> PaymentPlan | None:
        """The first payment still to be paid (not paid, not cancelled), in the order of the file."""
        return next((p for p in self.payments if p.open), None)

    @property
    def gate(self) -> PaymentPlan | None:
        """The unpaid gate payment holding the next stage back (format.md, the gate), if any."""
        index = self.schedule.gate
        return None if index is None else self.payments[index]

    # What every view of the engagement (the board, `courtside status`) shows of the ball and
    # of lateness, decided once here: the views only format it.

    @property
    def court(self) -> str | None:
        """Whose move it is, shown while the work runs or waits to start: `us` or `client`.

        None for a proposal (nothing to move yet), a done or a cancelled engagement.
        """
        if self.schedule.state in ("active", "scheduled", "on-hold"):
            return self.schedule.ball
        return None

    @property
    def court_waiting(self) -> int | None:
        """Working days the ball has been in that court; shown once the work has started."""
        if self.court is None or self.schedule.state == "scheduled":
            return None
        return self.schedule.waiting

    @property
    def current_late_by(self) -> int | None:
        """Working days the current stage is past its promised due, while the work is live."""
        current = self.schedule.current
        if current is None or not current.late_by or not self.live:
            return None
        return current.late_by

    @property
    def consequences(self) -> list[str]:
        """Names of the stages whose consequence has triggered."""
        return [plan.name for plan in self.schedule.stages if plan.consequence]

    @property
    def attention(self) -> tuple:
        """Sort key: late and triggered first, then by state, then by how long the ball waits."""
        urgent = 0 if (self.late or self.consequences) and self.schedule.state == "active" else 1
        return (urgent, ATTENTION.get(self.schedule.state, 9), -(self.schedule.waiting or 0), self.id)
