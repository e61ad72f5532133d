"""Every engagement of a site on one day: the board's rows, in the order of attention, and its totals.

Made by the pipeline's merge step (`pipeline.combine`). What the board shows is formatted in
`publish/views.py`; `board.json` is written by `publish/board_json.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .model import Policies
from .money import round_money
from .problems import Problem
from .snapshot import Snapshot
from .validate import Broken


@dataclass
class Board:
    """Everything the site publishes, on one day."""

    today: date
    policies: Policies
    snapshots: list[Snapshot] = field(default_factory=list)
    broken: list[Broken] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # every problem of every file, sorted

    def sorted(self) -> list[Snapshot]:
        return sorted(self.snapshots, key=lambda s: s.attention)


@dataclass(frozen=True)
class MoneyTotals:
    """Money across the engagements in one currency, rounded to its minor unit."""

    outstanding: Decimal
    overdue: Decimal
    late_fees: Decimal
    credit: Decimal


@dataclass(frozen=True)
class Totals:
    """Money per currency, and the under-promise record of our delivered stages."""

    money: dict[str, MoneyTotals]  # by currency code, sorted
    our_stages_delivered: int
    delivered_on_time: int  # on or before the promised date
    on_time_share: Decimal | None  # delivered_on_time / our_stages_delivered, 4 places
    average_days_early: Decimal | None  # over the stages delivered on time, 2 places


def totals(board: Board) -> Totals:
    """Money per currency, and the under-promise record of our delivered stages."""
    money: dict[str, list[Decimal]] = {}
    ours_done = early_or_on_time = 0
    early_days: list[int] = []
    for snap in board.snapshots:
        sums = money.setdefault(snap.terms.currency, [Decimal(0)] * 4)
        sums[0] += snap.owed
        sums[1] += snap.overdue
        sums[2] += snap.late_fees
        if snap.schedule.credit is not None:
            sums[3] += snap.schedule.credit
        for plan in snap.schedule.stages:
            if plan.owner == "us" and plan.stage.done is not None and plan.promise is not None:
                ours_done += 1
                if plan.late_by == 0:
                    early_or_on_time += 1
                    early_days.append(plan.early_by or 0)
    return Totals(
        money={
            code: MoneyTotals(*(round_money(v, code) for v in sums)) for code, sums in sorted(money.items())
        },
        our_stages_delivered=ours_done,
        delivered_on_time=early_or_on_time,
        on_time_share=None if not ours_done else round(Decimal(early_or_on_time) / ours_done, 4),
        average_days_early=None if not early_days else round(Decimal(sum(early_days)) / len(early_days), 2),
    )
