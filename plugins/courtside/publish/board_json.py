"""`board.json`: the board as data, every computed value, dates ISO, money as decimal strings.

The shape is format.md's ("What is published"), with more keys; `docs/calendar-and-reminders.md`
and `docs/guide/publishing.md` describe it. Written one engagement at a time
(`write_board_json`): the whole document as one dict held 100 MB more at 10,000 engagements.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TextIO

from ..core.board import Board, totals
from ..core.money import PaymentPlan
from ..core.snapshot import Snapshot
from ..core.values import utc_text
from .history_view import history_json


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
        "gated_by": gate.name if (gate := snap.gate) is not None else None,
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
        **history_json(snap),
    }


def totals_json(board: Board) -> dict[str, Any]:
    """The `totals` of board.json: money per currency as strings, the under-promise record."""
    summary = totals(board)
    return {
        "money": {
            code: {
                "outstanding": _money(sums.outstanding),
                "overdue": _money(sums.overdue),
                "late_fees": _money(sums.late_fees),
                "credit": _money(sums.credit),
            }
            for code, sums in summary.money.items()
        },
        "our_stages_delivered": summary.our_stages_delivered,
        "delivered_on_time": summary.delivered_on_time,
        "on_time_share": None if summary.on_time_share is None else float(summary.on_time_share),
        "average_days_early": None if summary.average_days_early is None else float(summary.average_days_early),
    }


def board_json(
    board: Board,
    links: dict[str, str] | None = None,
    reminders: list[dict[str, Any]] | None = None,
    engagements: list[Any] | None = None,
    built_at: datetime | None = None,
) -> dict[str, Any]:
    """The machine-readable board: every computed value, dates ISO, money as strings.

    `reminders` (publish/mailto.reminders_json) is added as is when given; `engagements`
    replaces the list of `engagement_json` of `board.sorted()` (the plugin's serve cache
    passes [] and fills in text it kept). `built_at`, the real time of the build (passed in,
    like `today`), follows `today` when given: a reader tells the day the values are computed
    for from the moment they were, and so how old the file is.
    """
    links = links or {}
    out: dict[str, Any] = {"today": board.today.isoformat()}
    if built_at is not None:
        out["built_at"] = utc_text(built_at)
    out |= {
        "engagements": [engagement_json(s, links.get(s.id)) for s in board.sorted()]
        if engagements is None
        else engagements,
        "invalid": [
            {"id": b.id, "file": b.file, "problems": [str(p) for p in b.problems]} for b in board.broken
        ],
        "totals": totals_json(board),
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
    built_at: datetime | None = None,
) -> None:
    """`board.json` into `out`, byte for byte what `json.dump(board_json(...), indent=2,
    ensure_ascii=False)` writes, but one engagement at a time: the whole document as one
    dict held 100 MB more at 10,000 engagements (docs/performance.md).

    `engagement_text(snapshot, link)` may supply an engagement's JSON text already indented
    for its place (the serve cache keeps them); by default it is computed here.
    """
    links = links or {}
    rest = json.dumps(board_json(board, links, reminders, [], built_at), indent=2, ensure_ascii=False)
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
