"""The example engagements in projects/: the demo a new user sees, and these tests' data.

The examples are written for today = 2026-11-20 (a Friday) and are built here with the
real loader and engine (`build_board`), so a change to a rule or to a file shows up as a
changed date or amount below. Every expected value was worked out by hand from
format.md's rules before it was compared with the engine; the comments show the working.
Weekdays were checked with `date.weekday()`; public holidays with
`holidays.country_holidays(country, subdiv=..., years=2026)` of the installed package
(0.109). Policies in play unless an engagement overrides them (projects/_policies.yml):
US/CA holidays, Mon-Fri, studio closed 2026-12-24..2027-01-01, open 2026-11-27 (the
Friday after Thanksgiving), buffer 20%, grace 5, restart 10, discount 5%, cap 20%,
payment terms 15 calendar days, late fee 1.5% per 30 days.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

try:  # until the package is installed (pip install -e .), import it from the tree
    import courtside  # noqa: F401
except ImportError:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plugins"))

from courtside.core.board import Board  # noqa: E402
from courtside.publish.board_json import board_json  # noqa: E402
from courtside.sources.folder import evaluate_folder  # noqa: E402

PROJECTS = Path(__file__).resolve().parents[1] / "projects"
TODAY = date(2026, 11, 20)
D = date.fromisoformat


@pytest.fixture(scope="module")
def board() -> Board:
    return evaluate_folder(PROJECTS, TODAY)


@pytest.fixture(scope="module")
def examples(board: Board) -> dict[str, dict[str, Any]]:
    """board.json's engagements by id: the published form of every computed value."""
    return {entry["id"]: entry for entry in board_json(board)["engagements"]}


# The stage of an engagement (board.json form) with this name.
def stage(entry: dict[str, Any], name: str) -> dict[str, Any]:
    [found] = [s for s in entry["stages"] if s["name"] == name]
    return found


# The payment of an engagement (board.json form) with this name.
def payment(entry: dict[str, Any], name: str) -> dict[str, Any]:
    [found] = [p for p in entry["payments"] if p["name"] == name]
    return found


# The working-day calendar an engagement's dates were computed with.
def calendar(board: Board, ident: str):
    [snap] = [s for s in board.snapshots if s.id == ident]
    return snap.loaded.calendar


# -- The portfolio as a whole ---------------------------------------------------------------


def test_every_example_is_valid(board: Board) -> None:
    assert board.problems == []
    assert board.broken == []
    assert len(board.snapshots) == 12


def test_states_are_the_designed_ones(examples: dict[str, dict[str, Any]]) -> None:
    states = {ident: entry["state"] for ident, entry in examples.items()}
    assert states == {
        "acme-bakery": "active",
        "smith-and-sons": "active",
        "obrien-cafe": "done",
        "kaze-ceramics": "active",
        "greenleaf-yoga": "cancelled",
        "panaderia-la-espiga": "proposal",
        "clinica-sonrisa": "active",
        "taqueria-los-hermanos": "on-hold",
        "kofeynya-zerno": "scheduled",
        "pechatny-dvor": "active",
        "al-waha-restaurant": "active",
        "al-nukhba-perfumes": "active",
    }
    assert {"proposal", "scheduled", "active", "done", "on-hold"} <= set(states.values())


def test_every_language_is_present(examples: dict[str, dict[str, Any]]) -> None:
    languages = Counter(entry["language"] for entry in examples.values())
    assert set(languages) == {"en", "es", "ru", "ar"}
    assert languages["es"] >= 2 and languages["ru"] >= 2 and languages["ar"] >= 2


def test_currencies_and_calendars_follow_the_client(board: Board) -> None:
    seen = {
        s.id: (s.terms.currency, s.terms.calendar.country, s.terms.calendar.subdivision)
        for s in board.snapshots
    }
    assert seen["clinica-sonrisa"] == ("EUR", "ES", "MD")
    assert seen["taqueria-los-hermanos"] == ("MXN", "MX", None)
    assert seen["pechatny-dvor"] == ("RUB", "RU", None)
    assert seen["al-waha-restaurant"] == ("AED", "AE", None)
    assert seen["al-nukhba-perfumes"] == ("SAR", "SA", None)
    assert seen["kaze-ceramics"] == ("JPY", "JP", None)
    assert seen["obrien-cafe"] == ("EUR", "IE", None)
    assert seen["acme-bakery"] == ("USD", "US", "CA")


def test_shares_are_unique_and_long(board: Board) -> None:
    shares = [s.terms.share for s in board.snapshots]
    assert all(share and re.fullmatch(r"[a-z0-9]{20,}", share) for share in shares)
    assert len(set(shares)) == len(shares)
    # The demo's first engagement keeps its documented link.
    assert next(s for s in board.snapshots if s.id == "acme-bakery").terms.share == "k7p2m9xq4r8t1vzb3hw6"


def test_names_that_need_escaping_are_kept_verbatim(examples: dict[str, dict[str, Any]]) -> None:
    smith, obrien = examples["smith-and-sons"], examples["obrien-cafe"]
    assert smith["client"] == "Smith & Sons Hardware"
    assert smith["project"] == 'Spring catalogue & "Tools < $20" flyer'
    assert stage(smith, 'Flyer "Tools < $20"')["owner"] == "us"
    assert obrien["client"] == "O'Brien's \"Corner\" Café"
    assert obrien["project"] == "Menus & window signage"


# -- One engagement per designed situation --------------------------------------------------


def test_acme_ball_with_the_client_within_grace(examples, board) -> None:
    # start = next(max(signed 09-28, deposit paid Wed 09-30)) = Thu 10-01.
    # Visual design: promised ceil(14 * 1.25) = 18; opens Mon 10-19;
    #   due = add(10-19, 17): Oct 20-23 (4), 26-30 (9), Nov 2-6 (14), 9, 10 (16),
    #   [Wed 11-11 Veterans Day], 12 (17) -> 11-12. Done Mon 11-09: early.
    # Design approval: opens next(11-09) = Tue 11-10; due = add(11-10, 4): [11-11 Veterans
    #   Day] 12, 13, 16, 17 -> 11-17. Not done: late_by = between(11-17, 11-20) = 3 <= grace 5.
    #   waiting = between(11-10, 11-20) = 12, 13, 16-20 = 7 (11-11 is a holiday).
    # Build and launch: opens next(end = today) = Mon 11-23; promised ceil(15 * 1.25) = 19;
    #   due = add(11-23, 18): 24, 25 (2), [Thu 11-26 Thanksgiving Day], Fri 11-27 open (3),
    #   30 (4), Dec 1-4 (8), 7-11 (13), 14-18 (18) -> 12-18.
    acme = examples["acme-bakery"]
    cal = calendar(board, "acme-bakery")
    assert not cal.is_working(D("2026-11-11")) and not cal.is_working(D("2026-11-26"))
    assert cal.is_working(D("2026-11-27"))  # a California holiday, opened in _policies.yml
    assert acme["start"] == "2026-10-01"
    assert (acme["ball"], acme["current_stage"], acme["waiting"]) == ("client", "Design approval", 7)
    assert stage(acme, "Visual design")["due"] == "2026-11-12"
    approval = stage(acme, "Design approval")
    assert (approval["opens"], approval["due"], approval["late_by"]) == ("2026-11-10", "2026-11-17", 3)
    assert approval["consequence"] is False and approval["state"] == "late"
    build = stage(acme, "Build and launch")
    assert (build["opens"], build["due"], build["restarted"], build["gated"]) == (
        "2026-11-23", "2026-12-18", False, False
    )
    # The gate payment is not invoiced until the approval is done; expected on its end (today).
    approved = payment(acme, "Design approved")
    assert (approved["state"], approved["expected_invoice_date"], approved["amount"]) == (
        "upcoming", "2026-11-20", "4800.00"
    )
    assert acme["credit"] == "0.00"


def test_smith_late_stages_of_ours_earn_a_credit(examples) -> None:
    # start = next(max(10-01, 10-02)) = Mon 10-05.
    # Catalogue layout: promised ceil(12 * 1.2) = 15; opens Mon 10-12 (after done Fri 10-09);
    #   due = add(10-12, 14): Oct 13-16 (4), 19-23 (9), 26-30 (14) -> 10-30. Done Thu 11-05:
    #   late_by = between(10-30, 11-05) = Nov 2, 3, 4, 5 = 4 -> ceil(4 / 5) = 1 week.
    # Proof approval: opens Fri 11-06, due add(11-06, 2) = 11-10; done 11-10, on time.
    # Flyer: opens next(11-10) = Thu 11-12 ([Wed 11-11 Veterans Day]); promised ceil(6) = 6;
    #   due = add(11-12, 5): 13, 16, 17, 18, 19 -> 11-19. Not done: late_by = 1 -> 1 week.
    # credit = 8400 * min(20%, 5% * (1 + 1)) = 840.00.
    smith = examples["smith-and-sons"]
    assert (smith["ball"], smith["current_stage"], smith["waiting"]) == ("us", 'Flyer "Tools < $20"', 6)
    layout = stage(smith, "Catalogue layout")
    assert (layout["opens"], layout["due"], layout["late_by"], layout["weeks_late"]) == (
        "2026-10-12", "2026-10-30", 4, 1
    )
    flyer = stage(smith, 'Flyer "Tools < $20"')
    assert (flyer["opens"], flyer["due"], flyer["late_by"], flyer["weeks_late"]) == (
        "2026-11-12", "2026-11-19", 1, 1
    )
    assert stage(smith, "Proof approval")["late_by"] == 0
    assert smith["consequences"] == ["Catalogue layout", 'Flyer "Tools < $20"']
    assert smith["credit"] == "840.00"


def test_pechatny_dvor_credit_is_capped_and_started_is_honoured(examples) -> None:
    # Overrides: discount 10%, cap 15%; RU holidays, Mon-Fri.
    # Вёрстка всех страниц: `started: 2026-10-19` replaces the chain's opens (which would be
    #   next(approval done Wed 10-21) = Thu 10-22). promised ceil(15 * 1.2) = 18;
    #   due = add(10-19, 17): Oct 20-23 (4), 26-30 (9), Nov 2, 3 (11), [Wed 11-04 Unity Day],
    #   5, 6 (13), 9-12 (17) -> 11-12. Not done: late_by = between(11-12, 11-20) = 6
    #   -> ceil(6 / 5) = 2 weeks -> 2 * 10% = 20%, capped at 15% -> 180000 * 15% = 27000.00.
    dvor = examples["pechatny-dvor"]
    layout = stage(dvor, "Вёрстка всех страниц")
    assert (layout["started"], layout["opens"], layout["target_opens"]) == ("2026-10-19",) * 3
    assert (layout["due"], layout["late_by"], layout["weeks_late"]) == ("2026-11-12", 6, 2)
    assert dvor["credit"] == "27000.00"  # uncapped it would be 36000.00
    assert (dvor["ball"], dvor["state"]) == ("us", "active")
    # The stage after the late one opens the next working day after today.
    assert stage(dvor, "Подготовка к печати")["opens"] == "2026-11-23"


def test_clinica_restart_after_late_client_materials(examples, board) -> None:
    # ES-MD holidays. start = next(deposit paid Wed 10-14) = Thu 10-15.
    # Contenidos y fotos: due = add(10-15, 4): 16, 19, 20, 21 -> 10-21. Done Tue 11-03:
    #   late_by = between(10-21, 11-03) = Oct 22, 23, 26-30, [Mon 11-02 Monday following
    #   All Saints' Day], 11-03 = 8 > grace 5: the client consequence.
    # Diseño web: opens add(11-03, 1 + 10): Nov 4, 5, 6, 9-13, 16, 17, 18 -> 11-18 (restarted;
    #   Nov 9, Almudena, is a city holiday of Madrid, not a regional one, so it counts).
    #   promised 12: due = add(11-18, 11) = Nov 19, 20, 23-27, 30, Dec 1, 2, 3 -> 12-03.
    # Revisión del diseño: opens Fri 12-04; due = add(12-04, 4): [Mon 12-07 Monday following
    #   Constitution Day, Tue 12-08 Immaculate Conception] 9, 10, 11, 14 -> 12-14.
    clinic = examples["clinica-sonrisa"]
    cal = calendar(board, "clinica-sonrisa")
    assert not cal.is_working(D("2026-11-02")) and not cal.is_working(D("2026-12-08"))
    materials = stage(clinic, "Contenidos y fotos")
    assert (materials["due"], materials["late_by"], materials["consequence"]) == ("2026-10-21", 8, True)
    design = stage(clinic, "Diseño web")
    assert (design["opens"], design["due"], design["restarted"]) == ("2026-11-18", "2026-12-03", True)
    review = stage(clinic, "Revisión del diseño")
    assert (review["opens"], review["due"], review["restarted"]) == ("2026-12-04", "2026-12-14", False)
    assert (clinic["state"], clinic["ball"], clinic["waiting"]) == ("active", "us", 2)


def test_al_waha_unpaid_gate_holds_development(examples, board) -> None:
    # AE holidays, Mon-Fri. اعتماد التصميم done Thu 11-12 -> التطوير would open Fri 11-13,
    # but its gate payment (35%, due on that stage) is unpaid: opens >= next(today) = Mon 11-23.
    # promised ceil(15 * 1.2) = 18: due = add(11-23, 17): Nov 24-27 (4), 30, Dec 1 (6),
    #   [Wed 12-02, Thu 12-03 National Day], 4 (7), 7-11 (12), 14-18 (17) -> 12-18.
    # الإطلاق: opens Mon 12-21; promised 4: 22, 23, [studio closed 12-24..01-01, which
    #   includes New Year's Day], Mon 2027-01-04 -> due 2027-01-04.
    # Payment invoiced on 11-12, due 11-12 + 15 = 11-27: invoiced, not overdue yet.
    waha = examples["al-waha-restaurant"]
    cal = calendar(board, "al-waha-restaurant")
    assert not cal.is_working(D("2026-12-02")) and not cal.is_working(D("2026-12-03"))
    development = stage(waha, "التطوير")
    assert (development["opens"], development["due"], development["gated"]) == ("2026-11-23", "2026-12-18", True)
    assert stage(waha, "الإطلاق")["due"] == "2027-01-04"
    gate = payment(waha, "دفعة اعتماد التصميم")
    assert gate["gate"] is True
    assert (gate["invoice_date"], gate["due_date"], gate["state"], gate["paid"]) == (
        "2026-11-12", "2026-11-27", "invoiced", None
    )
    # The gate (format.md, "Ball in court"): the stage before is done and the gate payment is
    # unpaid, so the move is the client's; waiting counts from the invoice, Thu 11-12:
    # between(11-12, 11-20) = Fri 13, Mon-Fri 16-20 = 6 working days.
    assert (waha["ball"], waha["waiting"], waha["gated_by"]) == ("client", 6, "دفعة اعتماد التصميم")


def test_kaze_overdue_invoice_late_fee_in_yen(examples, board) -> None:
    # JP holidays. Design approval done Wed 10-21 -> invoice 10-21, due 10-21 + 15 = 11-05;
    # days overdue 11-05 -> 11-20 = 15; fee = 555000 * 1.5% * 15 / 30 = 4162.5 -> 4163 yen
    # (half-up, yen has no minor unit).
    # Build and translation: opens Thu 10-22; promised 24: due = add(10-22, 23): 23 (1),
    #   26-30 (6), Nov 2 (7), [Tue 11-03 Culture Day], 4, 5, 6 (10), 9-13 (15), 16-20 (20),
    #   [Mon 11-23 Labor Thanksgiving Day], 24, 25, 26 (23) -> 11-26.
    kaze = examples["kaze-ceramics"]
    cal = calendar(board, "kaze-ceramics")
    assert not cal.is_working(D("2026-11-03")) and not cal.is_working(D("2026-11-23"))
    invoice = payment(kaze, "Design approved")
    assert (invoice["invoice_date"], invoice["due_date"], invoice["state"]) == ("2026-10-21", "2026-11-05", "overdue")
    assert (invoice["amount"], invoice["days_overdue"], invoice["late_fee"]) == ("555000", 15, "4163")
    assert (kaze["overdue"], kaze["late_fees"], kaze["owed"]) == ("555000", "4163", "559163")
    build = stage(kaze, "Build and translation")
    assert (build["opens"], build["due"], build["state"]) == ("2026-10-22", "2026-11-26", "in-progress")
    assert (kaze["ball"], kaze["waiting"]) == ("us", 20)


def test_al_nukhba_weekend_start_and_late_fee(examples, board) -> None:
    # SA holidays, Sun-Thu week. start: Fri 2026-09-18 is a weekend day there -> wd = Sun 09-20.
    # First stage: due add(09-20, 2) = 09-22; the identity opens next(09-22) = Thu 09-24
    #   because Wed 09-23 is the National Day Holiday.
    # دفعة اعتماد الهوية: invoice 10-13 (stage done), due 10-28, unpaid: 23 days overdue;
    #   fee = 11400 * 1.5% * 23 / 30 = 131.10.
    nukhba = examples["al-nukhba-perfumes"]
    cal = calendar(board, "al-nukhba-perfumes")
    assert not cal.is_working(D("2026-09-18")) and cal.is_working(D("2026-09-20"))
    assert nukhba["start"] == "2026-09-20"
    assert stage(nukhba, "الهوية البصرية")["opens"] == "2026-09-24"
    late = payment(nukhba, "دفعة اعتماد الهوية")
    assert (late["due_date"], late["state"], late["days_overdue"], late["late_fee"]) == (
        "2026-10-28", "overdue", 23, "131.10"
    )
    assert (nukhba["ball"], nukhba["current_stage"]) == ("us", "تصميم المتجر وتطويره")


def test_kofeynya_zerno_is_scheduled_from_a_saturday(examples) -> None:
    # RU holidays. start: Sat 12-05 -> wd = Mon 12-07 > today: scheduled (deposit paid 11-18).
    # Фирменный стиль: promised 12: due = add(12-07, 11): 8-11 (4), 14-18 (9), 21, 22 -> 12-22.
    # Согласование стиля: opens Wed 12-23; due = add(12-23, 4): [studio closed 12-24..01-01;
    #   Thu 12-31 day off; New Year Holidays 01-01..01-08 with Christmas Day 01-07]
    #   Jan 11, 12, 13, 14 -> 2027-01-14.
    zerno = examples["kofeynya-zerno"]
    assert (zerno["state"], zerno["signed"], zerno["start"]) == ("scheduled", "2026-11-16", "2026-12-07")
    assert payment(zerno, "Предоплата")["state"] == "paid"
    assert stage(zerno, "Фирменный стиль")["due"] == "2026-12-22"
    approval = stage(zerno, "Согласование стиля")
    assert (approval["opens"], approval["due"], approval["state"]) == ("2026-12-23", "2027-01-14", "upcoming")
    assert zerno["drift"] == 0


def test_obrien_is_done_and_settled(examples) -> None:
    # IE holidays. Window signage: opens Mon 10-19; promised ceil(6 * 1.2) = 8:
    # due = add(10-19, 7): 20-23 (4), [Mon 10-26 October Bank Holiday], 27, 28, 29 -> 10-29;
    # done Tue 10-27: two working days early.
    obrien = examples["obrien-cafe"]
    assert (obrien["state"], obrien["ball"], obrien["current_stage"]) == ("done", None, None)
    signage = stage(obrien, "Window signage")
    assert (signage["due"], signage["done"], signage["early_by"], signage["late_by"]) == (
        "2026-10-29", "2026-10-27", 2, 0
    )
    assert all(p["state"] == "paid" for p in obrien["payments"])
    # (Compared as numbers: board.json writes an empty sum as "0" but a credit as "0.00".)
    assert (Decimal(obrien["owed"]), Decimal(obrien["credit"])) == (0, 0)


def test_panaderia_is_a_proposal_with_durations_only(examples) -> None:
    # No `signed`: durations only. Ours carry the 20% buffer: 10 -> 12, 15 -> 18, 2 -> ceil(2.4) = 3.
    proposal = examples["panaderia-la-espiga"]
    assert (proposal["state"], proposal["signed"], proposal["start"]) == ("proposal", None, None)
    assert [s["promised_days"] for s in proposal["stages"]] == [5, 12, 5, 18, 3]
    assert all(s["opens"] is None and s["due"] is None for s in proposal["stages"])
    assert all(p["invoice_date"] is None and p["state"] == "upcoming" for p in proposal["payments"])


def test_on_hold_and_cancelled_keep_their_status(examples) -> None:
    assert examples["taqueria-los-hermanos"]["state"] == "on-hold"
    assert examples["greenleaf-yoga"]["state"] == "cancelled"
    # Nothing of theirs is owed now: only the deposits were invoiced, and they are paid.
    assert Decimal(examples["taqueria-los-hermanos"]["owed"]) == 0
    assert Decimal(examples["greenleaf-yoga"]["owed"]) == 0
