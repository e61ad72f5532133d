"""Every engagement on one day: the snapshot each page renders and the board's rollup.

`build_board(folder, today)` is the single entry point the plugin and the command use:
load and validate, compute each schedule and its payments, collect every problem.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from .load import Broken, Loaded, Memo, Portfolio, load_portfolio
from .money import PaymentPlan, payments, round_money
from .problems import Problem
from .schedule import Schedule, could_open_problems, does_not_fit, schedule
from .workcal import OutOfRange

ATTENTION = {"active": 0, "scheduled": 2, "on-hold": 3, "proposal": 4, "done": 5, "cancelled": 6}


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One engagement on `today`: its terms, schedule and payments."""

    loaded: Loaded
    schedule: Schedule
    payments: list[PaymentPlan]

    @property
    def id(self) -> str:
        return self.loaded.id

    @property
    def terms(self):
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
        return round_money(
            sum((p.late_fee for p in self.payments if p.state != "paid"), Decimal(0)), self.terms.currency
        )

    @property
    def next_payment(self) -> PaymentPlan | None:
        """The first payment not yet paid, in the order of the file."""
        return next((p for p in self.payments if p.state != "paid"), None)

    @property
    def consequences(self) -> list[str]:
        """Names of the stages whose consequence has triggered."""
        return [plan.name for plan in self.schedule.stages if plan.consequence]

    @property
    def attention(self) -> tuple:
        """Sort key: late and triggered first, then by state, then by how long the ball waits."""
        urgent = 0 if (self.late or self.consequences) and self.schedule.state == "active" else 1
        return (urgent, ATTENTION.get(self.schedule.state, 9), -(self.schedule.waiting or 0), self.id)


@dataclass
class Board:
    """Everything the site publishes, on one day."""

    today: date
    portfolio: Portfolio
    snapshots: list[Snapshot] = field(default_factory=list)
    broken: list[Broken] = field(default_factory=list)

    @property
    def problems(self) -> list[Problem]:
        """Every problem of every file (also those not tied to one engagement)."""
        return self.portfolio.problems

    def sorted(self) -> list[Snapshot]:
        return sorted(self.snapshots, key=lambda s: s.attention)


def snapshot(loaded: Loaded, today: date) -> Snapshot | Broken:
    """Schedule and payments of one engagement; a date rule that fails becomes a problem."""
    source = loaded.source
    try:
        plan = schedule(loaded.terms, loaded.calendar, today)
    except OutOfRange as exc:
        problem = source.problem(*does_not_fit(exc))
        return Broken(loaded.id, source.file, [problem], loaded.terms.share, loaded.terms.client, loaded.terms.project)
    problems = [source.problem(path, message) for path, message in could_open_problems(loaded.terms, plan)]
    if problems:
        return Broken(loaded.id, source.file, problems, loaded.terms.share, loaded.terms.client, loaded.terms.project)
    return Snapshot(loaded, plan, payments(loaded.terms, plan, today))


def build_board(
    folder: Path, today: date, paths: Iterable[Path] | None = None, label: str | None = None, memo: Memo | None = None
) -> Board:
    """Load, validate and compute every engagement in `folder` on `today`.

    With a `memo` (kept by `mkdocs serve` between rebuilds), only the files whose text, the
    policies' text or `today` changed are validated and computed again; the others give back
    the very same `Loaded`, `Broken` and `Snapshot` objects as before.
    """
    portfolio = load_portfolio(folder, paths, label, memo)
    board = Board(today, portfolio, broken=list(portfolio.broken))
    for index, loaded in enumerate(portfolio.engagements):
        result = _snapshot_with(memo, loaded, today)
        if isinstance(result, Snapshot):
            if memo is None:
                # Every problem of this engagement is found, and without a memo none will be
                # looked for again: the line of each field can go (about 6 KB an engagement;
                # docs/performance.md, memory at 10,000 engagements).
                loaded = portfolio.engagements[index] = replace(loaded, source=loaded.source.without_lines())
                result = replace(result, loaded=loaded)
            board.snapshots.append(result)
        else:
            board.broken.append(result)
            portfolio.problems.extend(result.problems)
    portfolio.problems.sort()
    return board


# `snapshot`, or the one `memo` kept for the same Loaded object on the same day.
def _snapshot_with(memo: Memo | None, loaded: Loaded, today: date) -> Snapshot | Broken:
    if memo is None:
        return snapshot(loaded, today)
    kept = memo.snapshots.get(loaded.source.file)
    if kept is not None and kept[0] is loaded and kept[1] == today:
        return kept[2]
    result = snapshot(loaded, today)
    memo.snapshots[loaded.source.file] = (loaded, today, result)
    return result


# -- board.json ----------------------------------------------------------------------------


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:f}"


def stage_json(plan) -> dict[str, Any]:
    promise, target = plan.promise, plan.target_link
    return {
        "name": plan.name,
        "owner": plan.owner,
        "days": plan.stage.days,
        "promised_days": plan.promised,
        "target_days": plan.target,
        "opens": _iso(promise and promise.opens),
        "due": _iso(promise and promise.due),
        "target_opens": _iso(target and target.opens),
        "target_due": _iso(target and target.due),
        "baseline_due": _iso(plan.baseline_due),
        "end": _iso(promise and promise.end),
        "started": _iso(plan.stage.started),
        "done": _iso(plan.stage.done),
        "state": plan.state,
        "late_by": plan.late_by,
        "early_by": plan.early_by,
        "consequence": plan.consequence,
        "restarted": bool(promise and promise.restarted),
        "gated": bool(promise and promise.gated),
        "weeks_late": plan.weeks_late,
    }


def payment_json(plan: PaymentPlan) -> dict[str, Any]:
    return {
        "name": plan.name,
        "amount": _money(plan.amount),
        "percent": None if plan.share is None else f"{(plan.share * 100).normalize():f}%",
        "due": plan.payment.due,
        "gate": plan.payment.gate,
        "invoice_date": _iso(plan.invoice_date),
        "expected_invoice_date": _iso(plan.expected_invoice_date),
        "due_date": _iso(plan.due_date),
        "paid": _iso(plan.payment.paid),
        "state": plan.state,
        "days_overdue": plan.days_overdue,
        "late_fee": _money(plan.late_fee),
    }


def engagement_json(snap: Snapshot, link: str | None = None) -> dict[str, Any]:
    terms, plan = snap.terms, snap.schedule
    return {
        "id": snap.id,
        "client": terms.client,
        "project": terms.project,
        "link": link,
        "language": terms.language,
        "currency": terms.currency,
        "fee": _money(terms.fee),
        "state": plan.state,
        "signed": _iso(terms.signed),
        "start": _iso(plan.start),
        "ball": plan.ball,
        "current_stage": plan.current.name if plan.current else None,
        "waiting": plan.waiting,
        "final_due": _iso(plan.final_due),
        "baseline_final_due": _iso(plan.baseline_final_due),
        "drift": plan.drift,
        "credit": _money(plan.credit),
        "late": snap.late,
        "consequences": snap.consequences,
        "owed": _money(snap.owed),
        "overdue": _money(snap.overdue),
        "late_fees": _money(snap.late_fees),
        "hours": None
        if terms.hours is None
        else {"budget": _money(terms.hours.budget), "spent": _money(terms.hours.spent)},
        "stages": [stage_json(s) for s in plan.stages],
        "payments": [payment_json(p) for p in snap.payments],
    }


def totals(board: Board) -> dict[str, Any]:
    """Money per currency, and the under-promise record of our delivered stages."""
    money: dict[str, dict[str, Decimal]] = {}
    ours_done = early_or_on_time = 0
    early_days: list[int] = []
    for snap in board.snapshots:
        sums = money.setdefault(
            snap.terms.currency, {"outstanding": Decimal(0), "overdue": Decimal(0), "late_fees": Decimal(0), "credit": Decimal(0)}
        )
        sums["outstanding"] += snap.owed
        sums["overdue"] += snap.overdue
        sums["late_fees"] += snap.late_fees
        if snap.schedule.credit is not None:
            sums["credit"] += snap.schedule.credit
        for plan in snap.schedule.stages:
            if plan.owner == "us" and plan.stage.done is not None and plan.promise is not None:
                ours_done += 1
                if plan.late_by == 0:
                    early_or_on_time += 1
                    early_days.append(plan.early_by or 0)
    return {
        "money": {
            code: {k: _money(round_money(v, code)) for k, v in sums.items()} for code, sums in sorted(money.items())
        },
        "our_stages_delivered": ours_done,
        "delivered_on_time": early_or_on_time,
        "on_time_share": None if not ours_done else round(early_or_on_time / ours_done, 4),
        "average_days_early": None if not early_days else round(sum(early_days) / len(early_days), 2),
    }


def board_json(
    board: Board,
    links: dict[str, str] | None = None,
    reminders: list[dict[str, Any]] | None = None,
    engagements: list[Any] | None = None,
) -> dict[str, Any]:
    """The machine-readable board: every computed value, dates ISO, money as strings.

    `reminders` (publish/mailto.reminders_json) is added as is when given; `engagements`
    replaces the list of `engagement_json` of `board.sorted()` (the plugin's serve cache
    passes [] and fills in text it kept).
    """
    links = links or {}
    out = {
        "today": board.today.isoformat(),
        "engagements": [engagement_json(s, links.get(s.id)) for s in board.sorted()]
        if engagements is None
        else engagements,
        "invalid": [
            {"id": b.id, "file": b.file, "problems": [str(p) for p in b.problems]} for b in board.broken
        ],
        "totals": totals(board),
    }
    if reminders is not None:
        out["reminders"] = reminders
    return out


def write_board_json(
    out: TextIO,
    board: Board,
    links: dict[str, str] | None = None,
    reminders: list[dict[str, Any]] | None = None,
    engagement_text: Callable[[Snapshot, str | None], str] | None = None,
) -> None:
    """`board.json` into `out`, byte for byte what `json.dump(board_json(...), indent=2,
    ensure_ascii=False)` writes, but one engagement at a time: the whole document as one
    dict held 100 MB more at 10,000 engagements (docs/performance.md).

    `engagement_text(snapshot, link)` may supply an engagement's JSON text already indented
    for its place (the serve cache keeps them); by default it is computed here.
    """
    links = links or {}
    rest = json.dumps(board_json(board, links, reminders, engagements=[]), indent=2, ensure_ascii=False)
    head, tail = rest.split('\n  "engagements": []', 1)
    out.write(head + '\n  "engagements": [')
    for index, snap in enumerate(board.sorted()):
        link = links.get(snap.id)
        text = engagement_text(snap, link) if engagement_text else engagement_json_text(snap, link)
        out.write(("\n    " if index == 0 else ",\n    ") + text)
    out.write("\n  ]" if board.snapshots else "]")
    out.write(tail)


def engagement_json_text(snap: Snapshot, link: str | None) -> str:
    """One engagement of board.json as text, indented for its place in the list."""
    return json.dumps(engagement_json(snap, link), indent=2, ensure_ascii=False).replace("\n", "\n    ")
