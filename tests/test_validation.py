"""Every kind of bad input: one Problem naming file, line, field path and what was expected.

Lines were counted by hand in the texts below and in tests/fixtures/broken/ (and agree with
`grep -n`); field paths count list items from 0, so `stages[2]` is the third stage.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import yaml
from courtside.core.board import Board
from courtside.core.problems import Invalid, Problem
from courtside.core.snapshot import Snapshot
from courtside.core.validate import Broken, merge
from courtside.core.values import today_from
from courtside.sources.folder import evaluate_folder
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

TODAY = date(2026, 11, 20)
FIXTURES = Path(__file__).parent / "fixtures" / "broken"

# format.md's example policies, line for line.
POLICIES = """\
studio:
  name: Northwind Studio
  contact: {name: Sam Lee, email: sam@northwind.example, phone: "+1 555 0199"}
language: en
currency: USD
calendar:
  country: US
  subdivision: CA
  workdays: [mon, tue, wed, thu, fri]
  closed: [2026-12-24..2027-01-01, 2026-08-14]
  open: [2026-11-08]
buffer: 20%
communication:
  channels: [email, phone]
  response: 2
  email_hours: ["10:00", "15:00"]
turnaround:
  changes: 2
  new_work: scheduled
payment:
  terms: 15
  late_fee: 1.5%
consequences:
  client: {grace: 5, restart: 10}
  us: {discount: 5%, cap: 20%}
responsibilities:
  us: [Answer within the response time, Deliver each stage by its date]
  client: [One person decides for the client, Return feedback by its date]
"""

# A valid engagement: 30% + 40% of 12000 + 3600 = 3600 + 4800 + 3600 = 12000.
VALID = """\
---
client: Acme Bakery
project: Website redesign
share: k7p2m9xq4r8t1vzb3hw6
fee: 12000
contacts:
  client: {name: Dana Ruiz, email: dana@acmebakery.example}
signed: 2026-09-01
buffer: 25%
stages:
  - name: Kick-off materials
    owner: client
    days: 5
  - name: Sitemap and wireframes
    owner: us
    days: 8
  - name: Design approval
    owner: client
    days: 5
payments:
  - {name: Deposit, amount: 30%, due: signing, paid: 2026-09-02}
  - {name: Design approved, amount: 40%, due: Design approval, gate: true}
  - {name: Launch, amount: 3600, due: Sitemap and wireframes}
---
We redesign the bakery's website.
"""
FILE = "projects/acme.md"
POLICIES_FILE = "projects/_policies.yml"
STAGE_2 = "  - name: Design approval\n    owner: client\n    days: 5\n"  # lines 17-19


def edit(text: str, old: str, new: str) -> str:
    """`text` with the one occurrence of `old` replaced (a typo in a test must fail loudly)."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def board_of(tmp_path: Path, files: dict[str, str | bytes], policies: str | None = POLICIES) -> Board:
    """Write `files` (and the policies) into tmp_path/projects and build the board on TODAY."""
    folder = tmp_path / "projects"
    folder.mkdir()
    if policies is not None:
        (folder / "_policies.yml").write_text(policies, encoding="utf-8")
    for name, content in files.items():
        target = folder / name
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return evaluate_folder(folder, TODAY)


def problems_of(tmp_path: Path, engagement: str | bytes, policies: str | None = POLICIES) -> list[Problem]:
    """Every problem of one engagement file (and the policies) on TODAY."""
    return board_of(tmp_path, {"acme.md": engagement}, policies).problems


Expected = tuple[str, int, str, str]  # file, line, field, a part of the message


def assert_problems(found: list[Problem], expected: list[Expected]) -> None:
    """Exactly these problems: same file, line and field, and the message says this."""
    got = sorted((p.file, p.line, p.field) for p in found)
    assert got == sorted((f, line, field) for f, line, field, _ in expected), "\n".join(map(str, found))
    for problem in found:
        want = next(e for e in expected if e[:3] == (problem.file, problem.line, problem.field))
        assert want[3] in problem.message, f"{want[3]!r} not in {problem}"
        assert not re.search(r"\{[a-z_]+(![rsa])?\}", problem.message), f"unfilled template: {problem}"


def test_the_valid_engagement_has_no_problem(tmp_path):
    board = board_of(tmp_path, {"acme.md": VALID})
    assert board.problems == []
    assert [s.id for s in board.snapshots] == ["acme"]


# -- One kind of mistake at a time ---------------------------------------------------------

CASES: dict[str, tuple[str, str, list[tuple[int, str, str]]]] = {
    # name: (old text, new text, [(line, field, message part)])
    "days 0": (STAGE_2, STAGE_2.replace("days: 5", "days: 0"), [(19, "stages[2].days", "at least 1, got 0")]),
    "days -1": (STAGE_2, STAGE_2.replace("days: 5", "days: -1"), [(19, "stages[2].days", "at least 1, got -1")]),
    "days 2.5": (STAGE_2, STAGE_2.replace("days: 5", "days: 2.5"), [(19, "stages[2].days", "whole number, got 2.5")]),
    "days five": (
        STAGE_2, STAGE_2.replace("days: 5", "days: five"), [(19, "stages[2].days", "whole number, got 'five'")]
    ),
    "days true": (STAGE_2, STAGE_2.replace("days: 5", "days: true"), [(19, "stages[2].days", "got true")]),
    "days 2001": (STAGE_2, STAGE_2.replace("days: 5", "days: 2001"), [(19, "stages[2].days", "at most 2000")]),
    "no client": ("client: Acme Bakery\n", "", [(2, "client", "required field is missing; expected the client's")]),
    "no project": ("project: Website redesign\n", "", [(2, "project", "required field is missing")]),
    "no contacts.client": (
        "  client: {name: Dana Ruiz, email: dana@acmebakery.example}\n",
        "  us: {name: Sam Lee}\n",
        [(6, "contacts.client", "required field is missing; expected the client's contact")],
    ),
    "no stages": (
        VALID[VALID.index("stages:") : VALID.index("payments:")],
        "",
        # the payments then name stages that do not exist: not checked until the stages are valid
        [(2, "stages", "required field is missing; expected a list of stages")],
    ),
    "no owner": ("    owner: us\n", "", [(14, "stages[1].owner", "expected who works on the stage: us or client")]),
    "no days": ("    days: 8\n", "", [(14, "stages[1].days", "expected a whole number of working days")]),
    "empty stages": (
        VALID[VALID.index("stages:") : VALID.index("payments:")],
        "stages: []\n",
        [(10, "stages", "expected at least 1 item")],
    ),
    "owner them": ("    owner: us\n", "    owner: them\n", [(15, "stages[1].owner", "expected 'us' or 'client', got 'them'")]),
    "name a number": (
        "name: Design approval\n", "name: 2026\n", [(17, "stages[2].name", "got 2026; put it in quotes")]
    ),
    "name blank": ("name: Design approval\n", "name: ' '\n", [(17, "stages[2].name", "expected some text")]),
    "contacts 5": (
        "contacts:\n  client: {name: Dana Ruiz, email: dana@acmebakery.example}\n",
        "contacts: 5\n",
        [(6, "contacts", "expected a mapping of fields, got 5")],
    ),
    "contacts.client a list": (
        "client: {name: Dana Ruiz, email: dana@acmebakery.example}",
        "client: [Dana Ruiz]",
        [(7, "contacts.client", "expected a mapping of fields, got a list [")],
    ),
    "calendar a list": ("buffer: 25%\n", "buffer: 25%\ncalendar: []\n", [(10, "calendar", "expected a mapping of fields, got a list []")]),
    "stages [5]": ("stages:\n", "stages:\n  - 5\n", [(11, "stages[0]", "expected a mapping of fields, got 5")]),
    "stages 5": (
        VALID[VALID.index("stages:") : VALID.index("payments:")],
        "stages: 5\n",
        [(10, "stages", "expected a list, got 5")],
    ),
    "payments a mapping": (
        VALID[VALID.index("payments:") : VALID.index("---\nWe")],
        "payments: {Deposit: 30%}\n",
        [(20, "payments", "expected a list, got a mapping {Deposit: '30%'}")],
    ),
    "fee text": ("fee: 12000", "fee: twelve", [(5, "fee", "expected an amount like 12000 or 99.50, got 'twelve'")]),
    "fee negative": ("fee: 12000", "fee: -1", [(5, "fee", "expected an amount of 0 or more, got -1")]),
    "fee huge": ("fee: 12000", "fee: 1e30", [(5, "fee", "expected an amount below 1000000000000000")]),
    "buffer bare number": (
        "buffer: 25%", "buffer: 20", [(9, "buffer", "got the bare number 20; write it with a % sign: 20%")]
    ),
    "buffer above 100%": ("buffer: 25%", "buffer: 120%", [(9, "buffer", "from 0% to 100%, got 120%")]),
    "buffer negative": ("buffer: 25%", "buffer: -5%", [(9, "buffer", "from 0% to 100% like '20%', got '-5%'")]),
    "amount above 100%": ("amount: 40%", "amount: 101%", [(22, "payments[1].amount", "from 0% to 100%, got 101%")]),
    "late_fee bare number": (
        "buffer: 25%",
        "buffer: 25%\npayment: {late_fee: 2}",
        [(10, "payment.late_fee", "got the bare number 2")],
    ),
    "duplicate stage names": (
        "name: Design approval\n",
        "name: Kick-off materials\n",
        [
            (17, "stages[2].name", "stage name 'Kick-off materials' is used twice (also stages[0])"),
            (22, "payments[1].due", "no stage named 'Design approval'"),
        ],
    ),
    "share short": ("share: k7p2m9xq4r8t1vzb3hw6", "share: k7p2m9xq4r8t1vzb3hw", [(4, "share", "got 19 characters")]),
    "share uppercase": (
        "share: k7p2m9xq4r8t1vzb3hw6", "share: K7P2M9XQ4R8T1VZB3HW6", [(4, "share", "got uppercase letters")]
    ),
    "share with a dash": (
        "share: k7p2m9xq4r8t1vzb3hw6", "share: k7p2m9xq4r8t1-vzb3hw6", [(4, "share", "got the characters '-'")]
    ),
    "share a number": (
        "share: k7p2m9xq4r8t1vzb3hw6",
        "share: 12345678901234567890123",
        [(4, "share", "got the number 12345678901234567890123; put it in quotes")],
    ),
    "due names no stage": (
        "due: Design approval,", "due: Design aproval,", [(22, "payments[1].due", "did you mean 'Design approval'?")]
    ),
    "due names nothing": (
        "due: Design approval,",
        "due: whenever,",
        [(22, "payments[1].due", "no stage named 'whenever'; expected 'signing', 'start', a stage name or a date")],
    ),
    "due an unreal date": (
        "due: Sitemap and wireframes", "due: 2026-02-30", [(23, "payments[2].due", "2026-02-30 is not a real date")]
    ),
    "payments do not add up": (
        "amount: 3600", "amount: 3000", [(20, "payments", "add up to 11400 (3600 + 4800 + 3000), but the fee is 12000")]
    ),
    "percentage with no fee": (
        "fee: 12000\n",
        "",
        [
            (20, "payments[0].amount", "30% of what? a percentage needs a `fee`"),
            (21, "payments[1].amount", "40% of what?"),
        ],
    ),
    "two due signing": (
        "due: Sitemap and wireframes", "due: signing", [(23, "payments[2].due", "only one payment can be due at signing")]
    ),
    "gate not on a stage": (
        "due: Sitemap and wireframes}",
        "due: start, gate: true}",
        [(23, "payments[2].gate", "this payment is due on 'start', not on a stage")],
    ),
    "gate not true or false": ("gate: true", "gate: yes", [(22, "payments[1].gate", "expected true or false, got 'yes'")]),
    "unreal date": ("signed: 2026-09-01", "signed: 2026-02-30", [(8, "signed", "2026-02-30 is not a real date")]),
    "date in 1999": ("signed: 2026-09-01", "signed: 1999-09-01", [(8, "signed", "outside the supported calendar")]),
    "date in 2150": ("signed: 2026-09-01", "signed: 2150-09-01", [(8, "signed", "2150-09-01 is outside")]),
    "date not ISO": ("signed: 2026-09-01", "signed: 1/9/2026", [(8, "signed", "expected a date as YYYY-MM-DD, got '1/9/2026'")]),
    "done before started": (
        "    days: 5\n  - name: Sitemap",
        "    days: 5\n    started: 2026-09-10\n    done: 2026-09-08\n  - name: Sitemap",
        [(15, "stages[0].done", "done 2026-09-08 is before started 2026-09-10")],
    ),
    "dates on a proposal": (
        "signed: 2026-09-01\nbuffer: 25%\nstages:\n  - name: Kick-off materials\n    owner: client\n    days: 5\n",
        "buffer: 25%\nstages:\n  - name: Kick-off materials\n    owner: client\n    days: 5\n    done: 2026-09-09\n",
        [(13, "stages[0].done", "a proposal has no dates yet: set `signed`")],
    ),
    "unknown stage key": ("    days: 8\n", "    dayz: 8\n", [(16, "stages[1].dayz", "unknown field; did you mean 'days'?")]),
    "unknown top key": ("client: Acme", "clent: Acme", [(2, "clent", "unknown field; did you mean 'client'?")]),
    "unknown nested key": (
        "buffer: 25%", "buffer: 25%\ncalendar:\n  contry: NO", [(11, "calendar.contry", "did you mean 'country'?")]
    ),
    "unknown key, no guess": (
        "buffer: 25%", "buffer: 25%\nzzz: 1", [(10, "zzz", "unknown field; expected one of: accepted, buffer, calendar, client")]
    ),
    "duplicate key": (
        "project: Website redesign\n",
        "project: Website redesign\nproject: Again\n",
        [(4, "project", "duplicate key 'project' (first given at line 3)")],
    ),
    "tab": ("    owner: us\n", "\towner: us\n", [(15, "", "tab used for indentation; YAML needs spaces")]),
    "invalid YAML": ("project: Website redesign", "project: [Website redesign", [(4, "", "could not parse YAML")]),
    "colon in a value": ("project: Website redesign", "project: Website: redesign", [(3, "", "must be quoted")]),
    "unknown currency": ("buffer: 25%", "currency: XYZ", [(9, "currency", "'XYZ' is not an ISO 4217 currency code")]),
    "lowercase country": (
        "buffer: 25%", "calendar: {country: us}", [(9, "calendar.country", "(write it in capitals: US)")]
    ),
    "unknown language": ("buffer: 25%", "language: fr", [(9, "language", "expected one of en, es, ru, ar, got 'fr'")]),
    "unknown country": (
        "buffer: 25%",
        "calendar: {country: XX, subdivision: null}",
        [(9, "calendar.country", "no public holidays are known for 'XX'")],
    ),
    "unknown subdivision": (
        "buffer: 25%", "calendar: {subdivision: ZZ}", [(9, "calendar.subdivision", "'ZZ' is not a subdivision of US")]
    ),
    "bad email": ("dana@acmebakery.example", "dana", [(7, "contacts.client.email", "like name@example.com, got 'dana'")]),
    "unquoted phone": (
        "email: dana@acmebakery.example}",
        "email: dana@acmebakery.example, phone: 5550100}",
        [(7, "contacts.client.phone", 'in quotes like "+1 555 0100", got 5550100')],
    ),
    "status unknown": ("buffer: 25%", "status: paused", [(9, "status", "expected 'on-hold' or 'cancelled', got 'paused'")]),
    "closed range backwards": (
        "buffer: 25%",
        "calendar: {closed: [2027-01-05..2027-01-01]}",
        [(9, "calendar.closed[0]", "the range 2027-01-05..2027-01-01 ends before it starts")],
    ),
    "bad time": (
        "buffer: 25%",
        "communication: {email_hours: [25:00]}",
        [(9, "communication.email_hours[0]", "expected a time like \"10:00\" (24-hour HH:MM), got '25:00'")],
    ),
    "texts in an unknown language": (
        "buffer: 25%",
        "responsibilities: {us: {fr: [Tout]}}",
        [(9, "responsibilities.us", "'fr' is not a language code")],
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_each_mistake_gives_one_clear_problem(tmp_path, name):
    old, new, expected = CASES[name]
    found = problems_of(tmp_path, edit(VALID, old, new))
    assert_problems(found, [(FILE, line, field, message) for line, field, message in expected])


def test_done_before_the_stage_could_open_is_found_by_the_board(tmp_path):
    # start = next(deposit paid 2026-09-02) = Thu 09-03; stage 0 (5 days, Labor Day Mon 09-07
    # skipped) is done 09-10, so stage 1 opens Fri 09-11; its `done` 09-09 is two days earlier.
    text = edit(VALID, "    days: 5\n  - name: Sitemap", "    days: 5\n    done: 2026-09-10\n  - name: Sitemap")
    text = edit(text, "    days: 8\n", "    days: 8\n    done: 2026-09-09\n")
    board = board_of(tmp_path, {"acme.md": text})
    assert_problems(
        board.problems,
        [(FILE, 18, "stages[1].done", "done 2026-09-09 is before the stage could open (2026-09-11)")],
    )
    assert board.snapshots == [] and [b.id for b in board.broken] == ["acme"]


def test_a_huge_fee_is_a_problem_not_a_decimal_crash(tmp_path):
    # Before the limit, 30% + 40% + 30% of 1e30 added up, and rounding the payments to cents
    # raised decimal.InvalidOperation (28 digits of precision) inside build_board.
    text = edit(edit(VALID, "fee: 12000", "fee: 1e30"), "amount: 3600", "amount: 30%")
    assert_problems(problems_of(tmp_path, text), [(FILE, 5, "fee", "expected an amount below 1000000000000000, got 1E+30")])


def test_a_file_with_no_front_matter(tmp_path):
    found = problems_of(tmp_path, "client: Acme Bakery\nproject: Website\n")
    assert_problems(found, [(FILE, 1, "", "no front matter: an engagement starts with a line '---'")])


def test_a_file_that_is_not_utf8_names_the_line_of_the_bad_byte(tmp_path):
    text = edit(VALID, "project: Website redesign", "project: Caf\u00e9 website").encode("latin-1")
    found = problems_of(tmp_path, text)
    assert_problems(found, [(FILE, 3, "", "not UTF-8 text (byte 0xE9 cannot be read)")])


def test_yaml_1_1_traps_load_as_meant(tmp_path):
    # Unquoted 10:00 is 600 and NO is false to a YAML 1.1 loader; here they stay text.
    text = edit(
        VALID, "buffer: 25%", "calendar: {country: NO, subdivision: null}\ncommunication: {email_hours: [10:00]}"
    )
    board = board_of(tmp_path, {"acme.md": text})
    assert board.problems == []
    terms = board.snapshots[0].terms
    assert terms.communication.email_hours == ["10:00"]
    assert terms.calendar.country == "NO"
    # Easter Monday 2026-04-06 is a public holiday in Norway, not in the US.
    assert not board.snapshots[0].loaded.calendar.is_working(date(2026, 4, 6))


def test_field_paths_count_from_zero_and_lines_are_real(tmp_path):
    text = edit(VALID, STAGE_2, STAGE_2.replace("days: 5", "days: 0"))
    (problem,) = problems_of(tmp_path, text)
    assert str(problem) == "projects/acme.md:19: stages[2].days: expected a whole number of at least 1, got 0"
    assert text.splitlines()[problem.line - 1] == "    days: 0"


def test_a_typo_is_one_problem_not_also_a_missing_field(tmp_path):
    found = problems_of(tmp_path, edit(VALID, "    days: 8\n", "    dayz: 8\n"))
    assert [p.field for p in found] == ["stages[1].dayz"]


def test_all_problems_of_all_files_in_one_run(tmp_path):
    files = {
        "a.md": edit(VALID, "days: 8", "days: 0"),
        "b.md": edit(edit(VALID, "client: Acme", "clent: Acme"), "k7p2m9xq4r8t1vzb3hw6", "jf9js4i3i4w1upb7ozcr"),
        "c.md": "no front matter\n",
    }
    board = board_of(tmp_path, files)
    assert_problems(
        board.problems,
        [
            ("projects/a.md", 16, "stages[1].days", "at least 1"),
            ("projects/b.md", 2, "clent", "did you mean 'client'?"),
            ("projects/c.md", 1, "", "no front matter"),
        ],
    )


# -- Shares across files ---------------------------------------------------------------------


def test_a_share_used_twice_is_an_error_on_the_second_file(tmp_path):
    board = board_of(tmp_path, {"a.md": VALID, "b.md": edit(VALID, "client: Acme", "client: Other")})
    assert_problems(board.problems, [("projects/b.md", 4, "share", "already used by projects/a.md")])
    assert [s.id for s in board.snapshots] == ["a"]
    (b,) = board.broken
    assert b.share is None  # the page belongs to a.md


def test_a_broken_file_keeps_its_share_and_a_later_file_cannot_take_it(tmp_path):
    board = board_of(tmp_path, {"a.md": edit(VALID, "days: 8", "days: 0"), "b.md": VALID})
    assert_problems(
        board.problems,
        [
            ("projects/a.md", 16, "stages[1].days", "at least 1"),
            ("projects/b.md", 4, "share", "already used by projects/a.md"),
        ],
    )
    assert [(b.id, b.share) for b in board.broken] == [("a", "k7p2m9xq4r8t1vzb3hw6"), ("b", None)]


def test_a_broken_file_never_offers_a_malformed_share_as_a_page_path(tmp_path):
    text = edit(edit(VALID, "k7p2m9xq4r8t1vzb3hw6", "../../board/x"), "days: 8", "days: 0")
    (broken,) = board_of(tmp_path, {"a.md": text}).broken
    assert broken.share is None and broken.client == "Acme Bakery"


# -- Policies ----------------------------------------------------------------------------------


def test_policies_errors_point_at_policies_lines(tmp_path):
    policies = edit(POLICIES, "  response: 2\n", "  respons: 2\n")
    policies = edit(policies, "buffer: 20%", "buffer: 20\nclient: Everyone")
    found = problems_of(tmp_path, VALID, policies)
    assert_problems(
        found,
        [
            (POLICIES_FILE, 12, "buffer", "got the bare number 20"),
            (POLICIES_FILE, 13, "client", "'client' belongs in an engagement file"),
            (POLICIES_FILE, 16, "communication.respons", "did you mean 'response'?"),
        ],
    )


def test_an_engagements_override_errors_point_at_the_engagement(tmp_path):
    text = edit(VALID, "buffer: 25%", "communication:\n  response: 0")
    found = problems_of(tmp_path, text)
    assert_problems(found, [(FILE, 10, "communication.response", "at least 1, got 0")])


def test_another_country_drops_the_inherited_subdivision(tmp_path):
    # The policies say US + CA (line 8); an engagement in Germany must not inherit California.
    board = board_of(tmp_path, {"acme.md": edit(VALID, "buffer: 25%", "calendar:\n  country: DE")})
    assert board.problems == []
    calendar = board.snapshots[0].terms.calendar
    assert (calendar.country, calendar.subdivision) == ("DE", None)


def test_a_subdivision_clashing_with_the_inherited_country_points_at_the_engagement(tmp_path):
    # The engagement names Bavaria but inherits the policies' country US (line 7).
    found = problems_of(tmp_path, edit(VALID, "buffer: 25%", "calendar:\n  subdivision: BY"))
    assert_problems(found, [(FILE, 10, "calendar.subdivision", "'BY' is not a subdivision of US")])


def test_a_policies_calendar_error_is_reported_once_not_per_engagement(tmp_path):
    policies = edit(POLICIES, "country: US\n  subdivision: CA", "country: XX")
    other = edit(VALID, "k7p2m9xq4r8t1vzb3hw6", "jf9js4i3i4w1upb7ozcr")
    board = board_of(tmp_path, {"a.md": VALID, "b.md": other}, policies)
    assert_problems(board.problems, [(POLICIES_FILE, 7, "calendar.country", "'XX'")])


def test_the_policies_that_are_valid_still_apply(tmp_path):
    policies = edit(edit(POLICIES, "buffer: 20%", "buffer: 20"), "currency: USD", "currency: EUR")
    board = board_of(tmp_path, {"acme.md": edit(VALID, "buffer: 25%\n", "")}, policies)
    assert [p.field for p in board.problems] == ["buffer"]
    terms = board.snapshots[0].terms
    assert terms.currency == "EUR" and str(terms.buffer) == "0.20"  # EUR kept; buffer back to the default


def test_policies_yaml_errors(tmp_path):
    policies = edit(POLICIES, "currency: USD", "currency: USD\ncurrency: EUR")
    assert_problems(
        problems_of(tmp_path, VALID, policies),
        [(POLICIES_FILE, 6, "currency", "duplicate key 'currency' (first given at line 5)")],
    )


def test_policies_that_are_a_list(tmp_path):
    assert_problems(
        problems_of(tmp_path, VALID, "- currency: USD\n"),
        [(POLICIES_FILE, 1, "", "expected fields like 'currency: USD' at the top level")],
    )


def test_a_folder_named_like_a_file_is_a_problem_not_a_crash(tmp_path):
    folder = tmp_path / "projects"
    (folder / "_policies.yml").mkdir(parents=True)
    (folder / "notes.md").mkdir()
    (folder / "acme.md").write_text(VALID, encoding="utf-8")
    board = evaluate_folder(folder, TODAY)
    not_a_file = "not a regular file (a folder, a pipe or a device); expected a text file"
    assert_problems(
        board.problems, [(POLICIES_FILE, 1, "", not_a_file), ("projects/notes.md", 1, "", not_a_file)]
    )
    assert [s.id for s in board.snapshots] == ["acme"]


# -- The fixture folder: every broken file at once ---------------------------------------------

BROKEN: dict[str, list[tuple[int, str, str]]] = {
    "_policies.yml": [
        (18, "turnaround.changes", "expected a whole number, got 'two'"),
        (19, "turnaround.new_wrok", "unknown field; did you mean 'new_work'?"),
        (22, "payment.late_fee", "got the bare number 1.5; write it with a % sign: 1.5%"),
    ],
    "calendar-clash.md": [
        (8, "calendar.subdivision", "'BY' is not a subdivision of US; expected one of: AK, AL"),
    ],
    "calendar-unknown.md": [(8, "calendar.country", "no public holidays are known for 'XX'")],
    "done-before-started.md": [(13, "stages[0].done", "done 2026-09-08 is before started 2026-09-10")],
    # Start Wed 09-02 (the day after signing, no deposit); Materials runs 5 working days
    # (Mon 09-07 is Labor Day) and is done Wed 09-09, so Design opens Thu 09-10.
    "done-too-early.md": [(16, "stages[1].done", "done 2026-09-04 is before the stage could open (2026-09-10)")],
    "latin1.md": [(2, "", "not UTF-8 text (byte 0xE9 cannot be read); expected the file saved as UTF-8")],
    "missing-fields.md": [
        (2, "client", "required field is missing; expected the client's name"),
        (2, "project", "required field is missing; expected the project's name"),
        (3, "contacts.client", "required field is missing; expected the client's contact"),
        (6, "stages[0].owner", "required field is missing; expected who works on the stage: us or client"),
        (8, "stages[1].days", "required field is missing; expected a whole number of working days"),
    ],
    "no-fee.md": [(12, "payments[0].amount", "50% of what? a percentage needs a `fee`")],
    "no-front-matter.md": [(1, "", "no front matter")],
    "override.md": [(8, "communication.response", "expected a whole number of at least 1, got 0")],
    "share-b.md": [(4, "share", "this share is already used by broken/share-a.md")],
    "stages-and-payments.md": [
        (16, "stages[2].name", "stage name 'Design' is used twice (also stages[0])"),
        (21, "payments[1].due", "only one payment can be due at signing (payments[0] already is)"),
        (22, "payments[2].gate", "this payment is due on 'start', not on a stage"),
        (23, "payments[3].due", "no stage named 'Biuld'; did you mean 'Build'?"),
        (24, "payments[4].due", "2026-02-30 is not a real date"),
    ],
    "sums.md": [(12, "payments", "payments add up to 9000 (3000 + 6000), but the fee is 10000")],
    "typos.md": [
        (2, "clent", "unknown field; did you mean 'client'?"),
        (4, "share", "got 8 characters"),
        (8, "calendar.contry", "unknown field; did you mean 'country'?"),
        (12, "stages[0].dayz", "unknown field; did you mean 'days'?"),
    ],
    "values.md": [
        (4, "share", "got uppercase letters"),
        (5, "signed", "2026-02-30 is not a real date"),
        (6, "start", "1999-12-31 is outside the supported calendar (2000-01-01 to 2100-12-31)"),
        (7, "buffer", "expected a percentage from 0% to 100%, got 120%"),
        (9, "contacts.client.email", "expected an email address like name@example.com, got 'bo-at-example'"),
        (9, "contacts.client.phone", 'expected a phone number in quotes like "+1 555 0100", got 5550100'),
        (11, "calendar.closed[0]", "2150-01-01 is outside the supported calendar"),
        (12, "calendar.open[0]", "2026-11-31 is not a real date"),
        (14, "consequences.us.discount", "expected a percentage from 0% to 100% like '20%', got '-5%'"),
        (19, "stages[0].done", "expected a date as YYYY-MM-DD, got '2026-9-1'"),
        (21, "payments[0].amount", "expected an amount above 0"),
    ],
    "wrong-types.md": [
        (4, "fee", "expected an amount like 12000 or 99.50, got a list [12000]"),
        (5, "contacts", "expected a mapping of fields, got 5"),
        (6, "buffer", "got the bare number 20"),
        (7, "language", "expected one of en, es, ru, ar, got 'fr'"),
        (8, "currency", "'XYZ' is not an ISO 4217 currency code"),
        (12, "stages[0].days", "expected a whole number of at least 1, got 0"),
        (15, "stages[1].days", "expected a whole number of at least 1, got -1"),
        (18, "stages[2].days", "expected a whole number, got 2.5"),
        (20, "stages[3].owner", "expected 'us' or 'client', got 'them'"),
        (21, "stages[3].days", "expected a whole number, got 'five'"),
        (22, "stages[4]", "expected a mapping of fields, got 5"),
    ],
    "yaml-duplicate-keys.md": [
        (5, "contacts.client.name", "duplicate key 'name' (first given at line 5)"),
        (6, "client", "duplicate key 'client' (first given at line 2)"),
    ],
    "yaml-syntax.md": [(4, "", "could not parse YAML: did not find expected ',' or ']'")],
    "yaml-tabs.md": [(6, "", "tab used for indentation; YAML needs spaces")],
}
VALID_FIXTURES = ["share-a", "yaml11-traps"]


def broken_board() -> Board:
    return evaluate_folder(FIXTURES, TODAY, label="broken")


def test_every_broken_fixture_gives_exactly_its_problems():
    board = broken_board()
    expected = [(f"broken/{name}", *problem) for name, problems in BROKEN.items() for problem in problems]
    assert_problems(board.problems, expected)
    assert sorted(s.id for s in board.snapshots) == VALID_FIXTURES
    every_file = {p.name for p in FIXTURES.iterdir()}
    assert every_file == set(BROKEN) | {f"{name}.md" for name in VALID_FIXTURES}


def test_the_fixture_lines_hold_the_field_they_name():
    # A problem about a field that is written in the file points at the line where it is written.
    for problem in broken_board().problems:
        keys = [part for part in re.split(r"[.\[\]]+", problem.field) if part and not part.isdigit()]
        if not keys or "missing" in problem.message or "comes from" in problem.message:
            continue
        line = (FIXTURES / problem.file.removeprefix("broken/")).read_text(encoding="utf-8").splitlines()[
            problem.line - 1
        ]
        if problem.field.endswith("]"):  # a list item: the line holds the item
            assert line.lstrip().startswith("- ") or "[" in line, problem
        else:
            assert f"{keys[-1]}:" in line, (problem, line)


def test_yaml_1_1_fixture_loads_norway_and_text_times():
    snapshot = next(s for s in broken_board().snapshots if s.id == "yaml11-traps")
    assert snapshot.terms.calendar.country == "NO"
    assert snapshot.terms.communication.email_hours == ["10:00", "16:30"]


# -- today ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-13-01", "2026-13-01 is not a real date"),
        ("tomorrow", "expected a date as YYYY-MM-DD, got 'tomorrow'"),
        ("20261120", "expected a date as YYYY-MM-DD, got '20261120'"),
        ("1999-12-31", "1999-12-31 is outside the supported calendar"),
    ],
)
def test_a_bad_today_is_a_clear_problem(value, message):
    with pytest.raises(Invalid) as env:
        today_from(plugin_today("2026-11-20", {"COURTSIDE_TODAY": value}), date(2030, 1, 1))
    (problem,) = env.value.problems
    assert problem.file == "COURTSIDE_TODAY" and message in problem.message
    with pytest.raises(Invalid) as option:
        today_from(plugin_today(value, {}), date(2030, 1, 1))
    (problem,) = option.value.problems
    assert (problem.file, problem.field) == ("mkdocs.yml", "plugins.courtside.today")
    assert message in problem.message


# The plugin's sources of `today`, in its order: the environment, then the option.
def plugin_today(option, environ):
    return [
        ("COURTSIDE_TODAY", "environment variable", environ.get("COURTSIDE_TODAY")),
        ("mkdocs.yml", "plugins.courtside.today", option),
    ]


def test_today_comes_from_the_environment_then_the_option_then_the_build_date():
    got = today_from(plugin_today("2026-11-20", {"COURTSIDE_TODAY": " 2026-12-01 "}), date(2030, 1, 1))
    assert got.day == date(2026, 12, 1) and got.source == "environment variable"
    got = today_from(plugin_today("2026-11-20", {"COURTSIDE_TODAY": ""}), date(2030, 1, 1))
    assert got.day == date(2026, 11, 20) and got.source == "plugins.courtside.today"
    assert today_from(plugin_today(None, {}), date(2030, 1, 1)).day == date(2030, 1, 1)
    assert today_from(plugin_today(None, {}), date(2030, 1, 1)).source is None


# -- merge ----------------------------------------------------------------------------------------


def test_merge_merges_mappings_and_replaces_everything_else():
    policies = {"calendar": {"country": "US", "subdivision": "CA"}, "buffer": "20%"}
    assert merge(policies, {"calendar": {"workdays": ["mon"]}}) == {
        "calendar": {"country": "US", "subdivision": "CA", "workdays": ["mon"]},
        "buffer": "20%",
    }
    # A subdivision belongs to its country: another country drops the inherited one.
    assert merge(policies, {"calendar": {"country": "DE"}})["calendar"] == {"country": "DE"}
    assert merge(policies, {"calendar": {"country": "DE", "subdivision": "BY"}})["calendar"] == {
        "country": "DE",
        "subdivision": "BY",
    }
    assert merge(policies, {"calendar": []})["calendar"] == []
    assert merge(policies, {"calendar": 5})["calendar"] == 5
    assert merge(policies, 5) == 5  # type: ignore[arg-type]  # validation reports it, merge does not crash


# -- Random damage never crashes ----------------------------------------------------------------

_SCALARS = st.one_of(
    st.integers(-(10**30), 10**30),
    st.decimals(allow_nan=False, allow_infinity=False).map(str),
    st.text(max_size=12),
    st.booleans(),
    st.none(),
    st.dates().map(str),
    st.sampled_from(
        ["2026-02-30", "1999-01-01", "2150-01-01", "10:00", "NO", "-5%", "150%", "20%", "signing", "start",
         "Design approval", "us", "client", "1e999999999", ".inf", "2026-12-24..2027-01-01", "0.0000001"]
    ),
)  # fmt: skip
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)),
    max_leaves=6,
)


def _flow(value: object) -> str:
    """A value as one line of flow-style YAML."""
    text = yaml.safe_dump(value, default_flow_style=True, width=10**6).strip()
    return text.removesuffix("...").strip().replace("\n", " ")


_MUTATIONS = st.one_of(
    st.tuples(st.just("delete"), st.integers(0, 99)),
    st.tuples(st.just("duplicate"), st.integers(0, 99)),
    st.tuples(st.just("swap"), st.integers(0, 99), st.integers(0, 99)),
    st.tuples(st.just("value"), st.integers(0, 99), _VALUES.map(_flow)),
    st.tuples(st.just("raw"), st.integers(0, 99), st.text(max_size=10)),
    st.tuples(st.just("tab"), st.integers(0, 99)),
    st.tuples(st.just("colon"), st.integers(0, 99), st.integers(0, 80)),
    st.tuples(st.just("remove key"), st.integers(0, 99)),
)


def mutate(text: str, mutations: list[tuple]) -> str:
    """`text` damaged line by line: lines deleted, doubled, swapped, values replaced, tabs, colons."""
    lines = text.split("\n")
    for kind, at, *args in mutations:
        if not lines:
            break
        i = at % len(lines)
        line = lines[i]
        if kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, line)
        elif kind == "swap":
            j = args[0] % len(lines)
            lines[i], lines[j] = lines[j], line
        elif kind in ("value", "raw"):
            key, sep, _ = line.partition(": ")
            lines[i] = f"{key}: {args[0]}" if sep else f"{line.rstrip()} {args[0]}"
        elif kind == "tab":
            lines[i] = "\t" + line
        elif kind == "colon":
            cut = args[0] % (len(line) + 1)
            lines[i] = line[:cut] + ": " + line[cut:]
        else:  # remove a key and everything indented under it
            indent = len(line) - len(line.lstrip())
            end = i + 1
            while end < len(lines) and len(lines[end]) - len(lines[end].lstrip()) > indent:
                end += 1
            del lines[i:end]
    return "\n".join(lines)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(mutations=st.lists(_MUTATIONS, min_size=1, max_size=4), damage_policies=st.booleans())
def test_a_damaged_file_gives_a_board_never_an_exception(tmp_path_factory, mutations, damage_policies):
    folder = tmp_path_factory.mktemp("projects")
    policies = mutate(POLICIES, mutations) if damage_policies else POLICIES
    engagement = VALID if damage_policies else mutate(VALID, mutations)
    (folder / "_policies.yml").write_text(policies, encoding="utf-8")
    (folder / "acme.md").write_text(engagement, encoding="utf-8")
    board = evaluate_folder(folder, TODAY, label="projects")
    assert isinstance(board, Board)
    assert len(board.snapshots) + len(board.broken) == 1
    sizes = {FILE: engagement.count("\n") + 1, POLICIES_FILE: policies.count("\n") + 1}
    for problem in board.problems:
        assert problem.file in sizes and 1 <= problem.line <= sizes[problem.file], problem
        assert problem.message and not re.search(r"\{[a-z_]+(![rsa])?\}", problem.message), problem
    if board.broken:
        assert board.broken[0].problems or board.problems
    else:
        assert isinstance(board.snapshots[0], Snapshot)


def test_load_portfolio_keeps_broken_records(tmp_path):
    folder = tmp_path / "projects"
    folder.mkdir()
    (folder / "acme.md").write_text(edit(VALID, "days: 8", "days: 0"), encoding="utf-8")
    portfolio = evaluate_folder(folder, TODAY)
    (broken,) = portfolio.broken
    assert isinstance(broken, Broken) and broken.client == "Acme Bakery" and broken.share == "k7p2m9xq4r8t1vzb3hw6"
    assert portfolio.problems == broken.problems
