"""The date rules of format.md, pinned with hand-checked dates (core/schedule.py, board.json).

How the dates were checked: weekdays against a 2026/2027 wall calendar (`cal 2026`);
public holidays with `holidays.country_holidays(...)` of the installed package (0.109).
Useful facts: in 2026 Sep 7 is Labor Day (Mon); US-CA has no holiday in October
(Columbus Day is federal only) and none between Labor Day and Sun Nov 8 ("Diwali",
a Sunday, which the example policies `open`); Nov 11 (Wed) is Veterans Day; Nov 26
(Thu) Thanksgiving; Nov 27 (Fri) is "Day After Thanksgiving" in California only.
Most tests use format.md's example policies (US-CA, Mon-Fri, closed 2026-12-24..
2027-01-01 and 2026-08-14, open 2026-11-08, buffer 20%, grace 5, restart 10,
discount 5%, cap 20%); the counting of working days is written out in each comment.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from courtside.core.schedule import schedule
from courtside.publish.board_json import board_json
from courtside.sources.folder import evaluate_folder
from helpers import PLAIN_CALENDAR, D, calendar_of, engagement, plan

US_FEDERAL = {"subdivision": None}


def opens(timeline, index: int = 0) -> date:
    return timeline.stages[index].promise.opens


def due(timeline, index: int = 0) -> date:
    return timeline.stages[index].promise.due


def target_due(timeline, index: int = 0) -> date:
    return timeline.stages[index].target_link.due


# -- Start ------------------------------------------------------------------------------------


def test_start_is_the_working_day_after_signing_and_deposit():
    # Signed Tue Sep 1 2026, deposit paid Thu Sep 3: start = next(max) = Fri Sep 4.
    timeline = plan(
        "2026-09-01",
        signed="2026-09-01",
        fee=1000,
        payments=[{"name": "Deposit", "amount": "100%", "due": "signing", "paid": "2026-09-03"}],
    )
    assert timeline.start == D("2026-09-04")
    assert opens(timeline) == D("2026-09-04")


def test_start_after_a_deposit_paid_before_signing_skips_labor_day():
    # Paid Wed Sep 2, signed Fri Sep 4: max is Sep 4; next(Sep 4) skips Sat 5, Sun 6 and
    # Mon Sep 7 (Labor Day), so the start is Tue Sep 8 2026.
    timeline = plan(
        "2026-09-01",
        signed="2026-09-04",
        fee=1000,
        payments=[{"name": "Deposit", "amount": "100%", "due": "signing", "paid": "2026-09-02"}],
    )
    assert timeline.start == D("2026-09-08")


def test_start_given_on_a_weekend_moves_to_the_next_working_day():
    # Sat Sep 5 2026: Sun 6 off, Mon 7 is Labor Day, so wd(Sep 5) = Tue Sep 8.
    timeline = plan("2026-09-01", signed="2026-09-01", start="2026-09-05")
    assert timeline.start == D("2026-09-08")
    # A given start that is a working day is kept, even well after signing: Wed Sep 9.
    assert plan("2026-09-01", signed="2026-09-01", start="2026-09-09").start == D("2026-09-09")


def test_no_deposit_starts_the_working_day_after_signing():
    # Signed Fri Nov 20 2026, no payment due at signing: next(Nov 20) = Mon Nov 23.
    timeline = plan(
        "2026-11-20",
        signed="2026-11-20",
        fee=1000,
        payments=[{"name": "All", "amount": 1000, "due": "start"}],
    )
    assert timeline.start == D("2026-11-23")
    assert timeline.state == "scheduled"  # start (Nov 23) > today (Nov 20)


def test_unpaid_deposit_keeps_a_signed_engagement_a_proposal():
    # Signed, even with a start given, but the deposit is unpaid: no dates at all.
    timeline = plan(
        "2026-11-20",
        signed="2026-11-02",
        start="2026-11-09",
        fee=1000,
        payments=[{"name": "Deposit", "amount": "30%", "due": "signing"},
                  {"name": "Rest", "amount": "70%", "due": "Build"}],
    )
    assert timeline.start is None
    assert timeline.state == "proposal"
    assert all(stage.promise is None and stage.target_link is None for stage in timeline.stages)
    assert timeline.stages[0].late_by is None and timeline.stages[0].state == "proposed"
    assert (timeline.final_due, timeline.drift, timeline.waiting) == (None, None, None)


def test_a_proposal_has_durations_and_no_dates():
    # Buffer 20%: us 7 -> ceil(8.4) = 9, us 5 -> ceil(6.0) = 6, us 1 -> ceil(1.2) = 2;
    # client stages are never buffered: 4 -> 4.
    stages = [
        {"name": "Design", "owner": "us", "days": 7},
        {"name": "Review", "owner": "client", "days": 4},
        {"name": "Build", "owner": "us", "days": 5},
        {"name": "Launch", "owner": "us", "days": 1},
    ]
    timeline = plan("2026-11-20", stages=stages)
    assert [(s.promised, s.target) for s in timeline.stages] == [(9, 7), (4, 4), (6, 5), (2, 1)]
    assert timeline.state == "proposal" and timeline.start is None
    for stage in timeline.stages:
        assert stage.promise is None and stage.target_link is None and stage.baseline_due is None
        assert stage.late_by is None and stage.early_by is None and not stage.consequence
    # Buffer 25%: 7 -> ceil(8.75) = 9, 8 -> 10 exactly, 9 -> ceil(11.25) = 12, 1 -> 2.
    stages25 = [{"name": n, "owner": "us", "days": d} for n, d in (("A", 7), ("B", 8), ("C", 9), ("D", 1))]
    assert [s.promised for s in plan("2026-11-20", buffer="25%", stages=stages25).stages] == [9, 10, 12, 2]


# -- The two chains ---------------------------------------------------------------------------

OCTOBER_STAGES = [
    {"name": "Materials", "owner": "client", "days": 3},
    {"name": "Design", "owner": "us", "days": 7},
    {"name": "Build", "owner": "us", "days": 4},
]


def test_promise_and_target_chains_with_a_20_percent_buffer():
    # Signed Thu Oct 1 2026, no deposit: start Fri Oct 2. No holidays in October (US-CA).
    # Promise (3, ceil(8.4) = 9, ceil(4.8) = 5):
    #   Materials Fri Oct 2 + 2 -> Mon 5, Tue 6: due Tue Oct 6.
    #   Design opens Wed Oct 7; + 8 -> 8, 9, 12, 13, 14, 15, 16, 19: due Mon Oct 19.
    #   Build opens Tue Oct 20; + 4 -> 21, 22, 23, 26: due Mon Oct 26.
    # Target (3, 7, 4): Design Oct 7 + 6 -> Thu Oct 15; Build opens Fri Oct 16,
    #   + 3 -> 19, 20, 21: due Wed Oct 21.
    timeline = plan("2026-10-01", signed="2026-10-01", stages=OCTOBER_STAGES)
    assert timeline.start == D("2026-10-02")
    assert [(s.promise.opens, s.promise.due) for s in timeline.stages] == [
        (D("2026-10-02"), D("2026-10-06")),
        (D("2026-10-07"), D("2026-10-19")),
        (D("2026-10-20"), D("2026-10-26")),
    ]
    assert [(s.target_link.opens, s.target_link.due) for s in timeline.stages] == [
        (D("2026-10-02"), D("2026-10-06")),
        (D("2026-10-07"), D("2026-10-15")),
        (D("2026-10-16"), D("2026-10-21")),
    ]
    # Nothing recorded and today before the start: the baseline is the promise chain.
    assert [s.baseline_due for s in timeline.stages] == [due(timeline, i) for i in range(3)]
    assert timeline.final_due == D("2026-10-26") and timeline.drift == 0
    assert timeline.state == "scheduled"


def test_promise_and_target_chains_with_a_25_percent_buffer():
    # Same start (Fri Oct 2). Promise (3, 9 * 1.25 = 11.25 -> 12, 4 * 1.25 = 5 exactly):
    #   Materials due Tue Oct 6; Design opens Wed Oct 7, + 11 -> 8, 9, 12, 13, 14, 15, 16,
    #   19, 20, 21, 22: due Thu Oct 22; Build opens Fri Oct 23, + 4 -> 26, 27, 28, 29.
    # Target (3, 9, 4): Design Oct 7 + 8 -> Mon Oct 19; Build opens Tue Oct 20,
    #   + 3 -> 21, 22, 23: Fri Oct 23.
    stages = [dict(OCTOBER_STAGES[0]), {"name": "Design", "owner": "us", "days": 9}, dict(OCTOBER_STAGES[2])]
    timeline = plan("2026-10-01", signed="2026-10-01", buffer="25%", stages=stages)
    assert [s.promised for s in timeline.stages] == [3, 12, 5]
    assert [due(timeline, i) for i in range(3)] == [D("2026-10-06"), D("2026-10-22"), D("2026-10-29")]
    assert [target_due(timeline, i) for i in range(3)] == [D("2026-10-06"), D("2026-10-19"), D("2026-10-23")]
    assert opens(timeline, 2) == D("2026-10-23") and timeline.stages[2].target_link.opens == D("2026-10-20")


def test_thanksgiving_inside_a_stage_federal_and_in_california():
    # Signed Fri Nov 20 2026 -> start Mon Nov 23; Build is ours, 5 days -> 6 promised.
    # US federal: Tue 24 (1), Wed 25 (2), [Thu 26 Thanksgiving], Fri 27 (3), Mon 30 (4),
    #   Tue Dec 1 (5): promise due Tue Dec 1; target (+4) Mon Nov 30.
    federal = plan("2026-11-20", signed="2026-11-20", calendar=US_FEDERAL)
    assert opens(federal) == D("2026-11-23")
    assert due(federal) == D("2026-12-01") and target_due(federal) == D("2026-11-30")
    # US-CA also rests on Fri Nov 27: 24, 25, 30, Dec 1, Dec 2 -> Wed Dec 2; target Tue Dec 1.
    california = plan("2026-11-20", signed="2026-11-20")
    assert due(california) == D("2026-12-02") and target_due(california) == D("2026-12-01")


def test_closed_range_over_new_year():
    # Start given Mon Dec 21 2026; ours, 4 days -> ceil(4.8) = 5 promised, so + 4:
    # Tue 22 (1), Wed 23 (2), closed Thu Dec 24 .. Fri Jan 1 (and weekends), Mon Jan 4 (3),
    # Tue Jan 5 (4): due Tue Jan 5 2027. Target (+3): Mon Jan 4. Review (client, 1 day)
    # opens next(Jan 5) = Wed Jan 6 and is due that same day.
    stages = [{"name": "Build", "owner": "us", "days": 4}, {"name": "Review", "owner": "client", "days": 1}]
    timeline = plan("2026-12-18", signed="2026-12-18", start="2026-12-21", stages=stages)
    assert opens(timeline) == D("2026-12-21")
    assert due(timeline) == D("2027-01-05") and target_due(timeline) == D("2027-01-04")
    assert opens(timeline, 1) == due(timeline, 1) == D("2027-01-06")
    # Without the closure and the holidays (plain Mon-Fri), Dec 22-25 are the 4 days.
    plain = plan("2026-12-18", signed="2026-12-18", start="2026-12-21", stages=stages, calendar=PLAIN_CALENDAR)
    assert due(plain) == D("2026-12-25")


def test_open_dates_are_working_days():
    # The example policies open Sun Nov 8 2026 (Diwali in California). Start Fri Nov 6;
    # ours, 2 days -> ceil(2.4) = 3 promised, + 2: Sun Nov 8 (1), Mon Nov 9 (2).
    stages = [{"name": "Build", "owner": "us", "days": 2}]
    timeline = plan("2026-11-02", signed="2026-11-02", start="2026-11-06", stages=stages)
    assert due(timeline) == D("2026-11-09")
    # Target, + 1: the open Sunday itself.
    assert target_due(timeline) == D("2026-11-08")
    # Without the open Sunday: Mon 9 (1), Tue 10 (2).
    shut = plan("2026-11-02", signed="2026-11-02", start="2026-11-06", stages=stages, calendar={"open": []})
    assert due(shut) == D("2026-11-10")
    # An open public holiday: US federal, Thanksgiving opened. Start Wed Nov 25; ours 1 day
    # -> ceil(1.2) = 2 promised, + 1 = Thu Nov 26 (open); without it Fri Nov 27.
    one = [{"name": "Build", "owner": "us", "days": 1}]
    opened = plan("2026-11-20", signed="2026-11-20", start="2026-11-25", stages=one,
                  calendar={"subdivision": None, "open": ["2026-11-26"]})
    assert due(opened) == D("2026-11-26")
    closed = plan("2026-11-20", signed="2026-11-20", start="2026-11-25", stages=one, calendar=US_FEDERAL)
    assert due(closed) == D("2026-11-27")


# -- Recorded dates and today -----------------------------------------------------------------

DESIGN_REVIEW = [
    {"name": "Design", "owner": "us", "days": 5},
    {"name": "Review", "owner": "client", "days": 3},
]
# Start given Mon Oct 5 2026. Promise: Design 6 days, + 5 -> 6, 7, 8, 9, 12: due Mon Oct 12;
# Review opens Tue Oct 13, + 2 -> 14, 15: due Thu Oct 15 (this is also the baseline).


def with_design(**design) -> list[dict]:
    return [{**DESIGN_REVIEW[0], **design}, dict(DESIGN_REVIEW[1])]


def test_baseline_of_the_design_review_engagement():
    timeline = plan("2026-10-01", signed="2026-10-01", start="2026-10-05", stages=DESIGN_REVIEW)
    assert [(s.promise.opens, s.promise.due) for s in timeline.stages] == [
        (D("2026-10-05"), D("2026-10-12")),
        (D("2026-10-13"), D("2026-10-15")),
    ]


def test_done_early_opens_the_next_stage_the_next_working_day():
    # Design done Thu Oct 8 (promised Mon Oct 12): Review opens next(Oct 8) = Fri Oct 9,
    # + 2 -> Mon 12, Tue 13: due Tue Oct 13. today Fri Oct 9.
    timeline = plan("2026-10-09", signed="2026-10-01", start="2026-10-05", stages=with_design(done="2026-10-08"))
    design, review = timeline.stages
    assert design.promise.end == D("2026-10-08") and design.late_by == 0
    assert design.early_by == 2  # Fri 9 and Mon 12 were left before the promised Oct 12
    assert not design.consequence and design.state == "done"
    assert (review.promise.opens, review.promise.due) == (D("2026-10-09"), D("2026-10-13"))
    # The target chain: Design's target due (+4 -> Fri Oct 9) is moot, it ended Oct 8.
    assert design.target_link.due == D("2026-10-09") and review.target_link.opens == D("2026-10-09")
    # Baseline (Review due Thu Oct 15) -> now Tue Oct 13: two working days ahead.
    assert review.baseline_due == D("2026-10-15")
    assert timeline.drift == -2
    # Ball with the client since Fri Oct 9 (today): between(Oct 9, Oct 9) = 0.
    assert (timeline.ball, timeline.waiting, timeline.state) == ("client", 0, "active")
    assert review.state == "in-progress"


def test_running_late_ends_today_and_shifts_the_next_stage():
    # Design not done, today Wed Oct 14 > due Mon Oct 12: end = today, late_by =
    # between(Oct 12, Oct 14) = Tue 13, Wed 14 = 2. Review opens next(Oct 14) = Thu Oct 15,
    # + 2 -> Fri 16, Mon 19: due Mon Oct 19 (baseline Thu Oct 15: drift +2 = Fri 16, Mon 19).
    timeline = plan("2026-10-14", signed="2026-10-01", start="2026-10-05", fee=12000, stages=DESIGN_REVIEW)
    design, review = timeline.stages
    assert (design.promise.end, design.late_by, design.state) == (D("2026-10-14"), 2, "late")
    assert (review.promise.opens, review.promise.due) == (D("2026-10-15"), D("2026-10-19"))
    assert review.baseline_due == D("2026-10-15") and timeline.drift == 2
    # Ours is late: ceil(2 / 5) = 1 started week -> 5% of 12000 = 600.00.
    assert design.consequence and design.weeks_late == 1
    assert timeline.credit == Decimal("600.00")
    # The ball is ours since Mon Oct 5: Tue 6 .. Fri 9 (4) + Mon 12 .. Wed 14 (3) = 7.
    assert (timeline.ball, timeline.waiting) == ("us", 7)
    # The target chain ends today too (target due Fri Oct 9 < today): Review the same.
    assert design.target_link.end == D("2026-10-14") and review.target_link.due == D("2026-10-19")


def test_done_late_counts_working_days_between_due_and_done():
    # Design done Fri Oct 16: late_by = between(Mon Oct 12, Fri Oct 16) = 13, 14, 15, 16 = 4.
    # Review opens Mon Oct 19, + 2 -> 20, 21: due Wed Oct 21.
    timeline = plan("2026-10-20", signed="2026-10-01", start="2026-10-05", stages=with_design(done="2026-10-16"))
    design, review = timeline.stages
    assert design.late_by == 4 and design.early_by == 0
    assert (review.promise.opens, review.promise.due) == (D("2026-10-19"), D("2026-10-21"))


def test_late_by_skips_thanksgiving():
    # Start Mon Nov 16 2026; ours, 6 days -> ceil(7.2) = 8 promised, + 7: 17, 18, 19, 20,
    # 23, 24, 25 -> due Wed Nov 25. Done Mon Nov 30: between(Nov 25, Nov 30) skips Thu 26
    # (Thanksgiving), Fri 27 (US-CA), the weekend: only Mon 30 -> late_by 1.
    stages = [{"name": "Build", "owner": "us", "days": 6, "done": "2026-11-30"}]
    california = plan("2026-12-01", signed="2026-11-13", start="2026-11-16", stages=stages)
    assert due(california) == D("2026-11-25") and california.stages[0].late_by == 1
    # Federally Fri Nov 27 is a working day: late_by 2.
    federal = plan("2026-12-01", signed="2026-11-13", start="2026-11-16", stages=stages, calendar=US_FEDERAL)
    assert due(federal) == D("2026-11-25") and federal.stages[0].late_by == 2


# -- The client consequence -------------------------------------------------------------------

MATERIALS_DESIGN = [
    {"name": "Materials", "owner": "client", "days": 3},
    {"name": "Design", "owner": "us", "days": 5},
]
# Start given Mon Oct 5 2026: Materials + 2 -> Tue 6, Wed 7: due Wed Oct 7.


def with_materials(**materials) -> list[dict]:
    return [{**MATERIALS_DESIGN[0], **materials}, dict(MATERIALS_DESIGN[1])]


def test_client_late_exactly_grace_does_not_restart():
    # Done Wed Oct 14: between(Oct 7, Oct 14) = 8, 9, 12, 13, 14 = 5 = grace: no restart,
    # Design opens next(Oct 14) = Thu Oct 15.
    timeline = plan("2026-10-14", signed="2026-10-01", start="2026-10-05", stages=with_materials(done="2026-10-14"))
    materials, design = timeline.stages
    assert materials.late_by == 5 and not materials.consequence
    assert design.promise.opens == D("2026-10-15") and not design.promise.restarted


def test_client_late_past_grace_pauses_and_restarts():
    # Done Thu Oct 15: late_by 6 > 5. Design opens add(Oct 15, 1 + 10): Fri 16 (1), 19-23
    # (2-6), 26-30 (7-11): Fri Oct 30. Ours 5 -> 6 promised, + 5 -> Nov 2..6: due Fri Nov 6.
    # The target chain restarts too (Materials is decided on the promise chain): Design
    # target opens Fri Oct 30, + 4 -> Thu Nov 5.
    timeline = plan("2026-10-15", signed="2026-10-01", start="2026-10-05", stages=with_materials(done="2026-10-15"))
    materials, design = timeline.stages
    assert materials.late_by == 6 and materials.consequence
    assert materials.weeks_late == 0  # the client's lateness is no credit to them
    assert (design.promise.opens, design.promise.due) == (D("2026-10-30"), D("2026-11-06"))
    assert design.promise.restarted
    assert (design.target_link.opens, design.target_link.due) == (D("2026-10-30"), D("2026-11-05"))
    assert design.target_link.restarted
    # The restart applies while the client is still late, too: not done, today Fri Oct 16,
    # late_by = between(Oct 7, Oct 16) = 7 > 5, end = today; add(Oct 16, 11) = Mon Nov 2.
    running = plan("2026-10-16", signed="2026-10-01", start="2026-10-05", stages=MATERIALS_DESIGN)
    assert running.stages[0].late_by == 7 and running.stages[1].promise.opens == D("2026-11-02")
    # A restart of 0 still marks the restart but opens the next working day.
    no_pause = plan("2026-10-15", signed="2026-10-01", start="2026-10-05",
                    consequences={"client": {"restart": 0}}, stages=with_materials(done="2026-10-15"))
    assert no_pause.stages[1].promise.opens == D("2026-10-16")


def test_target_chain_restart_is_decided_on_the_promise_chain():
    # Design (ours, 5 -> 6) then Review (client, 3). Start Mon Oct 5; Design not done and
    # today Thu Oct 8, before both of Design's dues, so each chain ends Design at its due:
    #   promise: Design due Mon Oct 12, Review opens Tue 13, + 2 -> Thu Oct 15;
    #   target:  Design due Fri Oct 9,  Review opens Mon 12, + 2 -> Wed Oct 14.
    # Review done Thu Oct 22 (recorded ahead of today; the only way the two chains can
    # disagree on a client stage's lateness): promise late_by = between(Oct 15, Oct 22) =
    # 16, 19, 20, 21, 22 = 5 = grace, while the target's own would be 6 (from Oct 14).
    # So neither chain restarts: Launch opens next(Oct 22) = Fri Oct 23 in both.
    stages = [
        *DESIGN_REVIEW[:1],
        {**DESIGN_REVIEW[1], "done": "2026-10-22"},
        {"name": "Launch", "owner": "us", "days": 1},
    ]
    timeline = plan("2026-10-08", signed="2026-10-01", start="2026-10-05", stages=stages)
    review, launch = timeline.stages[1], timeline.stages[2]
    assert review.promise.due == D("2026-10-15") and review.target_link.due == D("2026-10-14")
    assert review.late_by == 5 and review.target_link.late_by == 6
    assert launch.promise.opens == launch.target_link.opens == D("2026-10-23")
    assert not launch.target_link.restarted


def test_started_replaces_opens_restart_and_gate():
    # Materials late past grace would restart Design on Fri Oct 30 (see above); Design was
    # in fact started Mon Oct 19: opens Oct 19, + 5 -> 20, 21, 22, 23, 26: due Mon Oct 26.
    stages = [{**MATERIALS_DESIGN[0], "done": "2026-10-15"}, {**MATERIALS_DESIGN[1], "started": "2026-10-19"}]
    timeline = plan("2026-10-20", signed="2026-10-01", start="2026-10-05", stages=stages)
    design = timeline.stages[1]
    assert (design.promise.opens, design.promise.due) == (D("2026-10-19"), D("2026-10-26"))
    assert not design.promise.restarted and design.target_link.opens == D("2026-10-19")
    # The baseline ignores it: Materials due Wed Oct 7, Design opens Thu Oct 8, + 5 ->
    # 9, 12, 13, 14, 15: Thu Oct 15.
    assert design.baseline_due == D("2026-10-15")
    # On the first stage `started` replaces the start: started Thu Oct 1, 3 days -> Mon Oct 5.
    first = plan("2026-10-02", signed="2026-10-01", start="2026-10-05", stages=with_materials(started="2026-10-01"))
    assert timeline.start == D("2026-10-05") and opens(first) == D("2026-10-01") and due(first) == D("2026-10-05")
    # It replaces an unpaid gate too (see the gate tests): started Tue Oct 6 despite the gate.
    gated = plan("2026-10-14", **gate_terms(paid=None, started="2026-10-06"))
    assert opens(gated, 1) == D("2026-10-06") and not gated.stages[1].promise.gated


# -- Gates ------------------------------------------------------------------------------------


def gate_terms(paid: str | None, started: str | None = None) -> dict:
    # Signed Thu Oct 1 2026, deposit paid Oct 1: start Fri Oct 2. Review (client, 2 days):
    # + 1 -> Mon Oct 5, done Mon Oct 5. Build (ours, 5 -> 6). The approval payment is a gate.
    build = {"name": "Build", "owner": "us", "days": 5}
    if started:
        build["started"] = started
    approval = {"name": "Approval", "amount": "50%", "due": "Review", "gate": True}
    if paid:
        approval["paid"] = paid
    return {
        "signed": "2026-10-01",
        "fee": 10000,
        "stages": [{"name": "Review", "owner": "client", "days": 2, "done": "2026-10-05"}, build],
        "payments": [{"name": "Deposit", "amount": "50%", "due": "signing", "paid": "2026-10-01"}, approval],
    }


def test_unpaid_gate_holds_the_next_stage_until_after_today():
    # Without the gate Build would open Tue Oct 6. Unpaid on Wed Oct 14: no earlier than
    # next(Oct 14) = Thu Oct 15; + 5 -> 16, 19, 20, 21, 22: due Thu Oct 22.
    timeline = plan("2026-10-14", **gate_terms(paid=None))
    build = timeline.stages[1]
    assert (build.promise.opens, build.promise.due) == (D("2026-10-15"), D("2026-10-22"))
    assert build.promise.gated and build.target_link.opens == D("2026-10-15")
    # The baseline has no today and no payments: Build opens Tue Oct 6, + 5 -> 7, 8, 9,
    # 12, 13: Tue Oct 13; drift = between(Oct 13, Oct 22) = 14, 15, 16, 19-22 = 7.
    assert build.baseline_due == D("2026-10-13") and timeline.drift == 7


def test_paid_gate_opens_the_next_stage_after_the_payment():
    # Paid Fri Oct 9: Build opens next(Oct 9) = Mon Oct 12, + 5 -> 13-16, 19: Mon Oct 19.
    timeline = plan("2026-10-14", **gate_terms(paid="2026-10-09"))
    build = timeline.stages[1]
    assert (build.promise.opens, build.promise.due) == (D("2026-10-12"), D("2026-10-19"))
    assert build.promise.gated
    # Paid Fri Oct 2, before Review ended: next(Oct 2) = Mon Oct 5 < Tue Oct 6, no hold.
    early = plan("2026-10-14", **gate_terms(paid="2026-10-02"))
    assert opens(early, 1) == D("2026-10-06") and not early.stages[1].promise.gated


# -- Our consequence --------------------------------------------------------------------------


def late_build(done: str, workdays: list[str], fee: object = 10000, stages_extra: list | None = None, **kw):
    # Plain calendar (no holidays); start given Mon Oct 5 2026; Build is ours, 5 -> 6 days.
    stages = [{"name": "Build", "owner": "us", "days": 5, "done": done}, *(stages_extra or [])]
    return plan(
        "2026-11-20", signed="2026-10-01", start="2026-10-05", fee=fee, stages=stages,
        calendar={**PLAIN_CALENDAR, "workdays": workdays}, **kw,
    )


FIVE = ["mon", "tue", "wed", "thu", "fri"]
SIX = ["mon", "tue", "wed", "thu", "fri", "sat"]


def test_weeks_late_in_a_five_day_week():
    # + 5 -> 6, 7, 8, 9, 12: due Mon Oct 12. Done Tue Oct 20: 13-16, 19, 20 = 6 late,
    # ceil(6 / 5) = 2 weeks -> min(20%, 2 * 5%) = 10% of 10000 = 1000.00.
    timeline = late_build("2026-10-20", FIVE)
    assert due(timeline) == D("2026-10-12")
    assert (timeline.stages[0].late_by, timeline.stages[0].weeks_late) == (6, 2)
    assert timeline.credit == Decimal("1000.00")
    # Drift compares due dates (format.md: "current final due"); lateness of the last stage
    # itself moves its end, not its due, so a one-stage engagement shows no drift.
    assert timeline.drift == 0
    # Exactly 5 late (done Mon Oct 19) is one started week: 500.00.
    assert late_build("2026-10-19", FIVE).credit == Decimal("500.00")


def test_weeks_late_in_a_six_day_week():
    # Mon-Sat: + 5 -> 6, 7, 8, 9, Sat 10: due Sat Oct 10. Done Sat Oct 17: 12-17 = 6 late,
    # ceil(6 / 6) = 1 week -> 500.00. Done Mon Oct 19: 7 late -> 2 weeks -> 1000.00.
    timeline = late_build("2026-10-17", SIX)
    assert due(timeline) == D("2026-10-10")
    assert (timeline.stages[0].late_by, timeline.stages[0].weeks_late) == (6, 1)
    assert timeline.credit == Decimal("500.00")
    later = late_build("2026-10-19", SIX)
    assert (later.stages[0].late_by, later.stages[0].weeks_late, later.credit) == (7, 2, Decimal("1000.00"))


def test_weeks_add_up_over_our_stages_and_the_credit_is_capped():
    # Build done Tue Oct 20 (6 late, 2 weeks). Launch (ours, 1 -> 2) opens Wed Oct 21,
    # + 1 -> Thu Oct 22; done Fri Oct 30: 23, 26-30 = 6 late, 2 weeks. 4 weeks * 5% = 20%
    # = the cap: 2000.00.
    launch = {"name": "Launch", "owner": "us", "days": 1, "done": "2026-10-30"}
    timeline = late_build("2026-10-20", FIVE, stages_extra=[launch])
    assert [s.weeks_late for s in timeline.stages] == [2, 2]
    assert timeline.credit == Decimal("2000.00")
    # Build 21 late: add(Oct 12, 21) = Tue Nov 10 (Oct 13-16, 19-23, 26-30, Nov 2-6, 9, 10);
    # ceil(21 / 5) = 5 weeks = 25% > 20% cap: 2000.00.
    capped = late_build("2026-11-10", FIVE)
    assert (capped.stages[0].late_by, capped.stages[0].weeks_late) == (21, 5)
    assert capped.credit == Decimal("2000.00")
    # A late client stage owes no credit: Build on time (done Mon Oct 12), Review (1 day)
    # opens and is due Tue Oct 13, done Fri Oct 30 = 13 working days late: still 0.00.
    review = {"name": "Review", "owner": "client", "days": 1, "done": "2026-10-30"}
    assert late_build("2026-10-12", FIVE, stages_extra=[review]).credit == Decimal("0.00")


def test_credit_rounds_half_up_to_the_minor_unit():
    # One week: 5% of 1234.50 = 61.725 -> 61.73 (half-up; half-even would give 61.72).
    assert late_build("2026-10-13", FIVE, fee="1234.50").credit == Decimal("61.73")
    # 5% of 1234.57 = 61.7285 -> 61.73.
    assert late_build("2026-10-13", FIVE, fee="1234.57").credit == Decimal("61.73")
    # Yen have no minor unit: 5% of 12345 = 617.25 -> 617; 5% of 12350 = 617.5 -> 618.
    assert late_build("2026-10-13", FIVE, fee=12345, currency="JPY").credit == Decimal("617")
    assert late_build("2026-10-13", FIVE, fee=12350, currency="JPY").credit == Decimal("618")
    # No fee, no credit to compute.
    assert late_build("2026-10-13", FIVE, fee=None).credit is None


# -- Baseline, drift, ball, states ------------------------------------------------------------


def test_baseline_ignores_recorded_dates_and_today():
    # The same engagement seen with different records and days has the same baseline:
    # Design due Mon Oct 12, Review Thu Oct 15 (see DESIGN_REVIEW).
    views = [
        plan("2026-10-01", signed="2026-10-01", start="2026-10-05", stages=DESIGN_REVIEW),
        plan("2026-11-20", signed="2026-10-01", start="2026-10-05", stages=DESIGN_REVIEW),
        plan("2026-10-20", signed="2026-10-01", start="2026-10-05", stages=with_design(done="2026-10-16")),
        plan("2026-10-20", signed="2026-10-01", start="2026-10-05",
             stages=with_design(started="2026-10-07", done="2026-10-08")),
    ]
    for timeline in views:
        assert [s.baseline_due for s in timeline.stages] == [D("2026-10-12"), D("2026-10-15")]
        assert timeline.baseline_final_due == D("2026-10-15")
    # On Fri Nov 20 with nothing done, Design has run late since Oct 12; Review opens
    # Mon Nov 23, + 2 -> Wed Nov 25; drift = between(Oct 15, Nov 25) = Oct 16 (1),
    # Oct 19-30 (10), Nov 2-6 (5), Sun Nov 8 (1, opened by the policies), Nov 9-10, 12-13
    # (4, Wed Nov 11 is Veterans Day), Nov 16-20 (5), Nov 23-25 (3) = 29.
    assert views[1].final_due == D("2026-11-25") and views[1].drift == 29


def test_ball_and_waiting():
    # Review (client) opened Fri Oct 9 after Design was done Oct 8; on Wed Oct 14 the client
    # has had it for between(Oct 9, Oct 14) = Mon 12, Tue 13, Wed 14 = 3 working days.
    timeline = plan("2026-10-14", signed="2026-10-01", start="2026-10-05", stages=with_design(done="2026-10-08"))
    assert (timeline.ball, timeline.current.name, timeline.waiting) == ("client", "Review", 3)
    # Before the stage opens, nobody has waited: today Oct 2, Design opens Oct 5.
    ahead = plan("2026-10-02", signed="2026-10-01", start="2026-10-05", stages=DESIGN_REVIEW)
    assert (ahead.ball, ahead.waiting) == ("us", 0)
    # Every stage done: no ball.
    done = plan("2026-10-20", signed="2026-10-01", start="2026-10-05",
                stages=[{**DESIGN_REVIEW[0], "done": "2026-10-08"}, {**DESIGN_REVIEW[1], "done": "2026-10-13"}])
    assert (done.ball, done.current, done.waiting, done.state) == (None, None, None, "done")


def test_states():
    terms = {"signed": "2026-10-01", "start": "2026-10-05", "stages": DESIGN_REVIEW}
    assert plan("2026-10-02", **terms).state == "scheduled"  # start Oct 5 > today
    assert plan("2026-10-05", **terms).state == "active"  # start == today
    assert plan("2026-10-05", status="on-hold", **terms).state == "on-hold"
    assert plan("2026-10-05", status="cancelled", **terms).state == "cancelled"
    assert plan("2026-10-05", stages=DESIGN_REVIEW).state == "proposal"
    # A status wins over everything, a proposal too.
    assert plan("2026-10-05", status="on-hold", stages=DESIGN_REVIEW).state == "on-hold"
    # Stage states on Wed Oct 14 with nothing done: Design late, Review upcoming.
    assert [s.state for s in plan("2026-10-14", **terms).stages] == ["late", "upcoming"]


def test_same_terms_same_schedule():
    # A plain function of (terms, calendar, today): two calls agree.
    terms = engagement(signed="2026-10-01", start="2026-10-05", stages=DESIGN_REVIEW)
    cal = calendar_of(terms)
    assert schedule(terms, cal, D("2026-10-14")) == schedule(terms, cal, D("2026-10-14"))


# -- board.json -------------------------------------------------------------------------------

POLICIES_YML = """\
calendar:
  country: US
  subdivision: CA
  workdays: [mon, tue, wed, thu, fri]
buffer: 20%
payment: {terms: 15, late_fee: 1.5%}
"""

ACTIVE_MD = """\
---
client: Acme Bakery
project: Website redesign
share: k7p2m9xq4r8t1vzb3hw6
fee: 12000
contacts:
  client: {name: Dana Ruiz}
signed: 2026-10-01
start: 2026-10-05
stages:
  - {name: Design, owner: us, days: 5}
  - {name: Review, owner: client, days: 3}
payments:
  - {name: Deposit, amount: 30%, due: signing, paid: 2026-10-02}
  - {name: Rest, amount: 70%, due: Review}
---
Body.
"""

PROPOSAL_MD = """\
---
client: Birch Cafe
project: Menu site
fee: 3000
contacts:
  client: {name: Ola Birch}
stages:
  - {name: Design, owner: us, days: 5}
payments:
  - {name: Deposit, amount: 50%, due: signing}
  - {name: Rest, amount: 50%, due: Design}
---
"""


def write_projects(folder: Path) -> Path:
    folder.mkdir()
    (folder / "_policies.yml").write_text(POLICIES_YML, encoding="utf-8")
    (folder / "acme.md").write_text(ACTIVE_MD, encoding="utf-8")
    (folder / "birch.md").write_text(PROPOSAL_MD, encoding="utf-8")
    return folder


def test_board_json_keys_dates_and_money(tmp_path):
    board = evaluate_folder(write_projects(tmp_path / "projects"), D("2026-10-14"))
    assert not board.problems, board.problems
    data = json.loads(json.dumps(board_json(board)))  # must be plain JSON
    by_id = {e["id"]: e for e in data["engagements"]}
    assert set(by_id) == {"acme", "birch"}
    engagement_keys = {"id", "client", "project", "state", "start", "ball", "waiting", "drift",
                       "credit", "stages", "payments"}
    stage_keys = {"name", "owner", "opens", "due", "target_due", "end", "late_by", "consequence"}
    payment_keys = {"name", "amount", "invoice_date", "due_date", "paid", "state", "late_fee"}
    for entry in by_id.values():
        assert engagement_keys <= set(entry)
        assert all(stage_keys <= set(stage) for stage in entry["stages"])
        assert all(payment_keys <= set(payment) for payment in entry["payments"])

    # Acme on Wed Oct 14 (same dates as test_running_late_ends_today_and_shifts_the_next_stage):
    acme = by_id["acme"]
    assert (acme["state"], acme["start"], acme["ball"], acme["waiting"], acme["drift"]) == (
        "active", "2026-10-05", "us", 7, 2)
    assert acme["credit"] == "600.00"
    design, review = acme["stages"]
    assert design == {**design, "opens": "2026-10-05", "due": "2026-10-12", "target_due": "2026-10-09",
                      "end": "2026-10-14", "late_by": 2, "consequence": True}
    assert review == {**review, "opens": "2026-10-15", "due": "2026-10-19", "target_due": "2026-10-19",
                      "end": "2026-10-19", "late_by": 0, "consequence": False}
    deposit, rest = acme["payments"]
    # 30% and 70% of 12000; the deposit invoiced at signing (Oct 1) is due Oct 16, paid Oct 2.
    assert deposit == {**deposit, "amount": "3600.00", "invoice_date": "2026-10-01", "due_date": "2026-10-16",
                       "paid": "2026-10-02", "state": "paid", "late_fee": "0.00"}
    assert rest == {**rest, "amount": "8400.00", "invoice_date": None, "due_date": None, "paid": None,
                    "state": "upcoming", "late_fee": "0.00"}
    # Expected from the promise chain: Review ends Mon Oct 19.
    assert rest["expected_invoice_date"] == "2026-10-19"

    # Birch is a proposal: durations, no dates.
    birch = by_id["birch"]
    assert (birch["state"], birch["start"], birch["waiting"], birch["drift"]) == ("proposal", None, None, None)
    (stage,) = birch["stages"]
    assert stage["promised_days"] == 6 and stage["target_days"] == 5
    for key in ("opens", "due", "target_due", "end", "late_by"):
        assert stage[key] is None, key
    assert stage["consequence"] is False
    assert [p["amount"] for p in birch["payments"]] == ["1500.00", "1500.00"]
    assert all(p[k] is None for p in birch["payments"] for k in ("invoice_date", "due_date", "paid"))
    assert {p["state"] for p in birch["payments"]} == {"upcoming"}
