"""`courtside status`: the board in the terminal, the same rows as the site's board."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from .common import EXIT_OK, PROG, Command, add_projects, add_today, projects_folder, resolve_today

if TYPE_CHECKING:
    from ..core.board import Board
    from ..core.snapshot import Snapshot

STATUS_COLUMNS = (
    "Client",
    "Project",
    "State",
    "Ball",
    "Current stage",
    "Late",
    "Consequences",
    "Next payment",
    "Overdue",
)


@dataclass(frozen=True)
class StatusRow:
    """One engagement on the status table, as text (empty where nothing applies)."""

    client: str
    project: str
    state: str
    ball: str  # whose court, and for how many working days: "client 7d"
    stage: str  # the first stage not done
    stage_due: str  # its promised due date
    late: str  # working days past that due date: "3d"
    consequences: str  # stages whose consequence triggered, and our credit
    payment: str  # the first payment not paid: name and amount
    payment_when: str  # its state and date
    overdue: str  # money overdue, plus late fees

    # The cells of the plain table, one per STATUS_COLUMNS entry.
    def cells(self) -> tuple[str, ...]:
        stage = f"{self.stage}, due {self.stage_due}" if self.stage_due else self.stage
        payment = f"{self.payment}, {self.payment_when}" if self.payment else ""
        return (
            self.client, self.project, self.state, self.ball, stage, self.late, self.consequences, payment, self.overdue
        )  # fmt: skip


# Money as it reads in a table: 3,600.00 USD.
def money(amount: Decimal, currency: str) -> str:
    return f"{amount:,f} {currency}"


def status_row(snap: Snapshot) -> StatusRow:
    """One engagement's row of the status table: the core decides what shows, this formats it."""
    terms, plan = snap.terms, snap.schedule
    currency = terms.currency
    ball = snap.court or ""
    if ball and snap.court_waiting is not None:
        ball += f" {snap.court_waiting}d"
    stage = stage_due = late = ""
    current = plan.current
    if current is not None:
        stage = current.name
        if (gate := snap.gate) is not None:
            stage += f" (awaits payment {gate.name})"
        if current.promise is not None:
            stage_due = current.promise.due.isoformat()
    if snap.current_late_by is not None:
        late = f"{snap.current_late_by}d"
    consequences = ", ".join(snap.consequences)
    if plan.credit:
        consequences += f"{'; ' if consequences else ''}credit {money(plan.credit, currency)}"
    payment = payment_when = ""
    upcoming = snap.next_payment
    if upcoming is not None:
        payment = f"{upcoming.name} {money(upcoming.amount, currency)}"
        payment_when = upcoming.state
        if upcoming.due_date is not None:
            payment_when += f", due {upcoming.due_date.isoformat()}"
        elif upcoming.expected_invoice_date is not None:
            payment_when += f", invoice ~{upcoming.expected_invoice_date.isoformat()}"
    overdue = ""
    if snap.overdue or snap.late_fees:
        overdue = money(snap.overdue, currency)
        if snap.late_fees:
            overdue += f" + {money(snap.late_fees, currency)} fees"
    return StatusRow(
        terms.client,
        terms.project,
        plan.state,
        ball,
        stage,
        stage_due,
        late,
        consequences,
        payment,
        payment_when,
        overdue,
    )


def policy_change_lines(board: Board, today) -> list[str]:
    """Announced policy changes not past (core/policy_changes.py): when, what, whom they affect."""
    from ..core.policy_changes import SHOWN_AFTER, affects
    from ..core.values import pick_texts

    changes = getattr(board.policies, "changes", [])  # the built-in defaults (no _policies.yml) announce nothing
    lines = []
    for index, change in enumerate(changes):
        if change.from_ + SHOWN_AFTER <= today:
            continue
        affected = sorted(
            snap.terms.client
            for snap in board.snapshots
            if snap.loaded.rules is not None
            for step in snap.loaded.rules.steps
            if step.index == index and affects(snap, step)
        )
        announced = change.from_ - timedelta(days=change.announce)
        what = ", ".join(f"{key}" for key in change.set.model_dump(exclude_unset=True))
        note = pick_texts(change.note, board.policies.language)[0][0] if change.note else ""
        lines.append(
            f"Policy change from {change.from_.isoformat()} (announced from {announced.isoformat()}): {what}"
            + (f": {note}" if note else "")
            + f"; affects {len(affected)}: {', '.join(affected) if affected else 'none'}"
        )
    return lines


def status_rows(board: Board, late: bool, ball: str | None, client: str | None) -> list[Snapshot]:
    """The engagements to show, in the board's order, after the filters."""
    wanted = client.casefold() if client else None
    return [
        snap
        for snap in board.sorted()
        if (not late or snap.late)
        and (ball is None or snap.court == ball)
        and (wanted is None or wanted in snap.terms.client.casefold())
    ]


def status_table(shown: list[Snapshot], terminal: bool):
    """The rich table: compact two-line cells in a terminal, one line per row when piped."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    if not terminal:
        table = Table(box=box.MARKDOWN, show_edge=False, pad_edge=False)
        for name in STATUS_COLUMNS:
            table.add_column(name, no_wrap=True)
        for snap in shown:
            table.add_row(*(Text(cell) for cell in status_row(snap).cells()))
        return table

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, expand=False)
    # On a terminal, client and project share one column (the project under the client).
    for name in ("Engagement", *STATUS_COLUMNS[2:]):
        table.add_column(name, overflow="fold" if name in ("Late", "Ball", "State") else "ellipsis")
    for snap in shown:
        row = status_row(snap)
        late, closed = snap.late, snap.schedule.state in ("done", "cancelled")
        table.add_row(
            Text.assemble((row.client, "bold"), "\n", (row.project, "")),
            Text(row.state),
            Text(row.ball),
            Text(row.stage + (f"\ndue {row.stage_due}" if row.stage_due else "")),
            Text(row.late),
            Text(row.consequences),
            Text(row.payment + (f"\n{row.payment_when}" if row.payment_when else "")),
            Text(row.overdue),
            style="red" if late else ("dim" if closed else ""),
            end_section=True,
        )
    return table


# The board in the terminal: a table, late rows in red; plain and stable when piped.
def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.text import Text

    from ..sources.folder import evaluate_folder

    folder = projects_folder(args)
    today = resolve_today(args.today, os.environ)
    board = evaluate_folder(folder, today, label=str(folder))
    shown = status_rows(board, args.late, args.ball, args.client)

    terminal = sys.stdout.isatty()
    if terminal:
        console = Console(highlight=False, emoji=False)
    else:
        # Piped or captured: no colour, no wrapping, the same bytes on every machine.
        console = Console(force_terminal=False, no_color=True, width=10_000, highlight=False, emoji=False)
    filters = [
        label
        for label, on in (
            ("late", args.late),
            (f"ball: {args.ball}", args.ball),
            (f"client: {args.client}", args.client),
        )
        if on
    ]
    heading = f"Status on {today.isoformat()}" + (f" ({', '.join(filters)})" if filters else "")
    with console.capture() as captured:
        console.print(Text(heading))
        if shown:
            console.print(status_table(shown, terminal))
            console.print(Text("Days are working days. Late: past the promised due date, or money overdue."))
        else:
            console.print(Text("No engagements match."))
        for line in policy_change_lines(board, today):
            console.print(Text(line))
    output = captured.get()
    if not terminal:
        output = "".join(line.rstrip() + "\n" for line in output.splitlines())
    sys.stdout.write(output)
    sys.stdout.flush()
    if board.broken:
        files = ", ".join(sorted(b.file for b in board.broken))
        print(f"{PROG}: not shown, with problems: {files} (run '{PROG} check')", file=sys.stderr)
    return EXIT_OK


def register(command: Command) -> None:
    parser = command(
        "status",
        run,
        "The status board in the terminal: who has the ball, what is late, what is owed. Late rows are red.",
        "  courtside status --late --ball client\n  courtside status --client acme --today 2026-11-20",
    )
    parser.add_argument("--late", action="store_true", help="only engagements late right now (a stage or money)")
    parser.add_argument("--ball", choices=("client", "us"), help="only engagements whose ball is in this court")
    parser.add_argument("--client", metavar="NAME", help="only clients whose name contains NAME (any case)")
    add_today(parser)
    add_projects(parser)
