"""A property of `courtside remind --send`: over random sequences of days, runs and failures,
no reminder is ever sent twice, and none that was due is lost.

Each example draws a cadence (any trigger days, or a kind turned off) and a sequence of runs
on days of a 77-day window (some days twice, most not at all), each of which may fail at its
k-th message (the server refusing it, as `SendFailed`); a last run then succeeds. The runs
are the command's own sending loop (`cli/remind.send_plan`) over the real sent log in a
temporary folder and real MIME messages; the "server" keeps the Message-ID of everything it
accepted. Three engagements change over the window the way files do: a client stage that is
done on 03-11 (recorded from that day), one never done, an invoice paid on 04-20.

Announced policy changes are in the mix: each example draws the `changes` of
`_policies.yml` from a menu (none; one announced inside the window; one in force from the
first day; one announced but not in force by the last day; one announced on its own day,
which is never due; two of them), so the letters go through the same decision, log and
failures as the reminders: each told once, none lost while it is due.
"""

from __future__ import annotations

import copy
import io
import json
import tempfile
from dataclasses import replace
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from courtside.cli.remind import Messages, send_plan
from courtside.core.board import Board
from courtside.core.model import Policies, ReminderPolicy
from courtside.core.pipeline import PolicySet, Source, evaluate, read_policies
from courtside.core.reminders import ANNOUNCEMENT, DIGEST, SENT, SENT_LATE, SKIPPED, owed_on, plan_reminders
from courtside.core.snapshot import Snapshot
from courtside.core.validate import merge
from courtside.outbox.sentlog import open_sent_log, read_sent_log
from courtside.outbox.smtp import SendFailed
from helpers import PLAIN_CALENDAR, REQUIRED
from helpers import POLICIES as EXAMPLE_POLICIES
from hypothesis import example, given, settings
from hypothesis import strategies as st

FIRST, LAST = date(2026, 3, 2), date(2026, 5, 17)
DONE = {"Kick-off materials": "2026-03-09", "Wireframes": "2026-03-23", "Design approval": "2026-03-30"}
BASE: dict[str, Any] = {
    "calendar": PLAIN_CALENDAR,
    "fee": 12000,
    "buffer": "25%",
    "signed": "2026-03-02",
    "stages": [
        {"name": "Kick-off materials", "owner": "client", "days": 5},
        {"name": "Wireframes", "owner": "us", "days": 8},
        {"name": "Design approval", "owner": "client", "days": 5},
    ],
    "payments": [
        {"name": "Deposit", "amount": "30%", "due": "signing", "paid": "2026-03-02"},
        {"name": "Design approved", "amount": "40%", "due": "Design approval"},
        {"name": "Launch", "amount": "30%", "due": "2026-04-24"},
    ],
}
POLICIES = Policies.model_validate({"studio": {"name": "Northwind Studio", "contact": {"name": "Sam Lee", "email": "sam@northwind.example"}}})


def _front(ident: str, day: date) -> dict[str, Any]:
    """Each engagement's front matter as its file reads on `day` (dates recorded on the day)."""
    data = copy.deepcopy(BASE)
    if ident == "done-late":  # the client delivers Kick-off two working days late, 03-11
        if day >= date(2026, 3, 11):
            data["stages"][0]["done"] = "2026-03-11"
    elif ident == "paying":  # every stage done; "Design approved" (due 04-14) paid on 04-20
        for stage in data["stages"]:
            stage["done"] = DONE[stage["name"]] if day >= date.fromisoformat(DONE[stage["name"]]) else None
            if stage["done"] is None:
                del stage["done"]
        if day >= date(2026, 4, 20):
            data["payments"][1]["paid"] = "2026-04-20"
    return data


# Announced policy changes, as `_policies.yml` writes them: (from, announce, what it sets).
LATE_FEE = {"payment": {"late_fee": "3%"}}  # applies to payments invoiced from `from`
GRACE = {"consequences": {"client": {"grace": 1}}}  # to stages opening from `from`
TURNAROUND = {"turnaround": {"changes": 5}}  # to the whole engagement from `from`
CHANGES: tuple[tuple[tuple[str, int, dict[str, Any]], ...], ...] = (
    (),
    (("2026-04-10", 14, LATE_FEE),),  # announced 03-27, in force 04-10
    (("2026-03-02", 30, TURNAROUND),),  # in force from the first day: never announced by mail
    (("2026-06-01", 30, GRACE),),  # announced 05-02, not in force by the last day
    (("2026-04-01", 0, LATE_FEE),),  # announced on its own day: already in force, never due
    (("2026-03-20", 7, GRACE), ("2026-04-27", 21, TURNAROUND)),  # two: 03-13 and 04-06
)


@cache
def _policies(menu: int) -> PolicySet:
    """The example policies of format.md with the menu's `changes`."""
    changes = [{"from": day, "announce": notice, "set": sets, "note": "Our terms change."} for day, notice, sets in CHANGES[menu]]
    policies = read_policies(Source.of("projects/_policies.yml", json.dumps({**EXAMPLE_POLICIES, "changes": changes})))
    assert policies.problems == []
    return policies


@cache
def _snapshot(ident: str, day: date, menu: int) -> Snapshot:
    text = "---\n" + json.dumps(merge(REQUIRED, _front(ident, day))) + "\n---\n"
    result = evaluate(Source.of(f"projects/{ident}.md", text), _policies(menu), day)
    assert isinstance(result, Snapshot), result
    return result


def board_on(day: date, cadence: ReminderPolicy | None, menu: int = 0) -> Board:
    """The three engagements on `day`, all with the drawn cadence and the menu's changes."""
    snaps = []
    for ident in ("done-late", "never-done", "paying"):
        snap = _snapshot(ident, day, menu)
        terms = snap.terms.model_copy(update={"reminders": cadence})
        snaps.append(replace(snap, loaded=replace(snap.loaded, terms=terms)))
    return Board(day, POLICIES, snaps)


days = st.integers(0, (LAST - FIRST).days).map(lambda n: FIRST + timedelta(days=n))
day_lists = st.lists(st.integers(1, 30), max_size=4, unique=True).map(sorted)


@st.composite
def cadences(draw: st.DrawFn) -> ReminderPolicy | None:
    """Any `reminders` policy: off, or each kind off or with any trigger days."""
    if draw(st.integers(0, 9)) == 0:
        return None

    def kind(default_on: bool) -> dict[str, Any] | bool:
        if not draw(st.booleans()) and not default_on:
            return False
        return {"before": draw(day_lists), "on_due": draw(st.booleans()), "after": draw(day_lists)}

    return ReminderPolicy.model_validate({"payments": kind(True), "stages": kind(draw(st.booleans()))})


# A run: its day, and the number of the message the server refuses (None: it takes them all).
runs = st.lists(st.tuples(days, st.none() | st.integers(1, 4)), min_size=1, max_size=12).map(
    lambda drawn: sorted(drawn, key=lambda run: run[0])
)


class Server:
    """Takes messages, keeps their Message-IDs; refuses the `refuse`-th of a run."""

    def __init__(self) -> None:
        self.accepted: list[str] = []
        self.refuse: int | None = None
        self.count = 0

    def deliver(self, message: Any) -> None:
        self.count += 1
        if self.count == self.refuse:
            raise SendFailed("554 refused")
        self.accepted.append(message["Message-ID"])


ANNOUNCED = ReminderPolicy.model_validate({})  # the default cadence


@settings(max_examples=120, deadline=None)
@given(cadence=cadences(), plan=runs, menu=st.integers(0, len(CHANGES) - 1))
# Two changes, announced on 03-13 (in force 03-20) and on 04-06: the first letter of 03-13
# is refused, and they go late on 03-19; the second goes late on 04-08. One change announced
# on 03-27: refused at the second message, sent late on 04-09, the day before it applies.
@example(cadence=ANNOUNCED, plan=[(date(2026, 3, 12), None), (date(2026, 3, 13), 1), (date(2026, 3, 19), None), (date(2026, 4, 8), None)], menu=5)
@example(cadence=ANNOUNCED, plan=[(date(2026, 3, 27), 2), (date(2026, 4, 9), None)], menu=1)
def test_no_reminder_is_sent_twice_and_none_that_was_due_is_lost(cadence, plan, menu):
    last_day = plan[-1][0]
    schedule = [*plan, (last_day, None)]  # and a last run that goes through
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "_sent.log"
        server = Server()
        for day, refuse in schedule:
            board = board_on(day, cadence, menu)
            server.refuse, server.count = refuse, 0
            before = len(server.accepted)
            with open_sent_log(path) as writer:
                log = read_sent_log(path)
                assert log.problems == []
                decided = plan_reminders(board, log.recorded)
                run = send_plan(board, decided, log, Messages(board, {}), server.deliver, writer.record, io.StringIO(), io.StringIO())
            assert run.failed == (refuse is not None and refuse <= len(decided.to_send) + (decided.digest is None))
            # Never sent twice: every Message-ID the server took is new (the digest's too: one a day).
            assert len(set(server.accepted)) == len(server.accepted)
            # One message per thing in a run, however many of its days passed.
            this_run = server.accepted[before:]
            things = [rem.key[:4] for rem in decided.to_send]
            assert len(set(things)) == len(things) and len(this_run) <= len(things) + 1
            if not run.failed:
                check_nothing_lost(board, read_sent_log(path))
        # What the log says went is exactly what the server took (nothing recorded that it
        # refused, nothing it took left unrecorded).
        final = read_sent_log(path)
        sent_keys = [key for key, record in final.lines if record.sent]
        assert len(sent_keys) == len(server.accepted)
        # An announcement is told once per engagement and change, whatever day it went.
        told = [key[:4] for key in sent_keys if key[0] == ANNOUNCEMENT]
        assert len(told) == len(set(told))


def check_nothing_lost(board: Board, log: Any) -> None:
    """After a run that went through on the board's day: every trigger day up to today of
    everything owed is in the log, the latest as sent; every record is right about lateness."""
    today = board.today
    for owed in owed_on(board):
        rem = owed.reminder
        records = [log.recorded.get((rem.what, rem.engagement_id, rem.about, rem.date, day)) for day in owed.triggers]
        assert all(record is not None for record in records), (rem.id, owed.triggers)
        assert records[-1].sent, (rem.id, records[-1])
    assert log.recorded[(DIGEST, "", "", today, today)].sent
    for key, record in log.lines:
        trigger = key[4]
        assert record.day >= trigger  # nothing before its day
        if record.event in (SENT, SENT_LATE):
            assert (record.event == SENT_LATE) == (record.day > trigger)
        else:
            assert record.event == SKIPPED
