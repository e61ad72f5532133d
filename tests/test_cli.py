"""The `courtside` command, run as users run it: the installed console script, in a subprocess.

Fixtures:
- tests/fixtures/cli-broken/: one _policies.yml (valid) and engagement files with known
  problems, plus a good file and a `_draft.md` that must be skipped.
- tests/fixtures/cli-status/: five small engagements on a calendar without a country, so
  every Monday to Friday is a working day and each expected value below was counted by
  hand on a calendar of November 2026 (Nov 2, 9, 16, 23 and 30 are Mondays).
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from courtside.core.model import Engagement
from courtside.core.scaffold import SHARE_ALPHABET, SHARE_LENGTH, WORDS, schema_nodes
from courtside.core.yamlfile import read_front_matter, read_yaml

REPO = Path(__file__).resolve().parent.parent
PROJECTS = REPO / "projects"
BROKEN = "tests/fixtures/cli-broken"
STATUS = "tests/fixtures/cli-status"
SCHEMA_DIR = REPO / "plugins" / "courtside" / "schema"
TODAY = "2026-11-20"


# The installed entry point: the venv's bin first, as `pip install -e .` put it there.
def courtside_exe() -> str:
    bins = [Path(sys.executable).parent, REPO / ".venv" / "bin"]
    found = shutil.which("courtside", path=os.pathsep.join(str(b) for b in bins))
    assert found, "the console script `courtside` is not installed: run `pip install -e .` in the venv"
    return found


# Run `courtside ARGS` the way a user would, with an environment that cannot change the output.
def run(*args: str, cwd: Path = REPO, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"COURTSIDE_TODAY", "FORCE_COLOR", "COLUMNS", "TTY_COMPATIBLE", "TTY_INTERACTIVE"}
    }
    clean["PYTHONUTF8"] = "1"
    clean.update(env or {})
    return subprocess.run(
        [courtside_exe(), *args],
        cwd=cwd,
        env=clean,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


# A usage mistake or refusal: exactly one line on stderr, no traceback.
def assert_one_line_error(result: subprocess.CompletedProcess[str], code: int, *words: str) -> None:
    assert result.returncode == code, result
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], lines[0]


def example_files() -> list[Path]:
    return sorted(p for p in PROJECTS.glob("*.md") if not p.name.startswith(("_", ".")))


# Decimals as JSON numbers: the schema sees what an editor sees (YAML numbers are JSON numbers).
def as_json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    return value


def new_projects(tmp_path: Path) -> Path:
    folder = tmp_path / "projects"
    folder.mkdir()
    shutil.copy(PROJECTS / "_policies.yml", folder / "_policies.yml")
    return folder


# -- help -------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["new", "check", "status", "remind", "schema", "rotate"])
def test_every_command_has_help_with_an_example(command):
    result = run(command, "--help")
    assert result.returncode == 0
    assert "example:" in result.stdout
    assert re.search(rf"^  courtside {command}\b", result.stdout, re.MULTILINE), result.stdout


def test_the_command_alone_lists_the_commands_and_exits_2():
    result = run()
    assert result.returncode == 2
    for command in ("new", "check", "status", "remind", "schema", "rotate"):
        assert f"    {command} " in result.stderr


# -- check ------------------------------------------------------------------------------------

BROKEN_LINES = [
    # Line numbers counted in the fixture files; the messages are the core's (tests of the
    # loader pin their wording). What this pins: every problem of every file in one run,
    # sorted by file and line, `_draft.md` skipped, the duplicate share charged to the
    # second file, the good file silent.
    f"{BROKEN}/a-typos.md:2: clent: unknown field; did you mean 'client'?",
    f"{BROKEN}/a-typos.md:9: stages[0].dayz: unknown field; did you mean 'days'?",
    f"{BROKEN}/b-tabs.md:5: tab used for indentation; YAML needs spaces",
    f"{BROKEN}/c-sums.md:9: payments: payments add up to 9000 (3000 + 6000), but the fee is 10000; "
    "expected them to add up to the fee",
    f"{BROKEN}/e-share.md:4: share: this share is already used by {BROKEN}/d-share.md; "
    "expected a share of its own (run `courtside rotate` for a new one)",
    f"{BROKEN}/f-dates.md:6: signed: 2026-02-30 is not a real date (expected YYYY-MM-DD)",
    f"{BROKEN}/f-dates.md:8: stages[0].days: expected a whole number of at least 1, got 0",
    f"{BROKEN}/g-no-front-matter.md:1: no front matter: an engagement starts with a line '---', "
    "then its fields, then a line '---'",
]


def test_check_passes_on_the_examples():
    result = run("check", "--today", TODAY)
    count = len(example_files())
    assert count >= 1
    assert (result.returncode, result.stdout) == (0, "")
    assert result.stderr == f"courtside: {count} engagement{'s' if count != 1 else ''} checked, no problems\n"


def test_check_prints_every_problem_of_every_file_in_one_run():
    result = run("check", BROKEN, "--today", TODAY)
    assert result.returncode == 1
    assert result.stdout.splitlines() == BROKEN_LINES
    # 8 problems in 6 files; 8 engagements: a..h, not _draft.md.
    assert result.stderr == "courtside: 8 problems in 6 files (8 engagements checked)\n"


def test_check_of_the_policies_file_checks_the_whole_folder():
    result = run("check", f"{BROKEN}/_policies.yml", "--today", TODAY)
    assert result.returncode == 1
    assert result.stdout.splitlines() == BROKEN_LINES


def test_check_of_some_files_reports_only_those():
    result = run("check", f"{BROKEN}/a-typos.md", f"{BROKEN}/h-good.md", "--today", TODAY)
    assert result.returncode == 1
    assert result.stdout.splitlines() == BROKEN_LINES[:2]
    assert result.stderr == "courtside: 2 problems in 1 file (2 engagements checked)\n"


def test_check_of_one_file_still_sees_the_shares_of_the_others():
    second = run("check", f"{BROKEN}/e-share.md", "--today", TODAY)
    assert second.returncode == 1
    assert second.stdout.splitlines() == [BROKEN_LINES[4]]
    first = run("check", f"{BROKEN}/d-share.md", f"{BROKEN}/h-good.md", "--today", TODAY)
    assert (first.returncode, first.stdout) == (0, "")
    assert first.stderr == "courtside: 2 engagements checked, no problems\n"


def test_check_reports_a_broken_policies_file(tmp_path):
    folder = tmp_path / "work"
    shutil.copytree(REPO / STATUS, folder)
    policies = folder / "_policies.yml"
    text = policies.read_text(encoding="utf-8")
    assert "buffer: 20%\n" in text
    policies.write_text(text.replace("buffer: 20%\n", "buffer: 20\n"), encoding="utf-8")
    line = text.splitlines().index("buffer: 20%") + 1
    result = run("check", "work", "--today", TODAY, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0].startswith(
        f"work/_policies.yml:{line}: buffer: expected a percentage"
    )


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["check", "nowhere/x.md"], ["no such file or folder: nowhere/x.md"]),
        (["check", f"{BROKEN}/_draft.md"], ["is not an engagement"]),
        (["check", "--today", "2026-02-30"], ["--today", "2026-02-30 is not a real date (expected YYYY-MM-DD)"]),
        (["check", "--today", "20261120"], ["expected a date as YYYY-MM-DD"]),
        (["status", "--ball", "them"], ["--ball", "invalid choice: 'them'"]),
        (["frobnicate"], ["invalid choice: 'frobnicate'"]),
    ],
)
def test_bad_usage_is_one_line_and_exit_2(args, words):
    assert_one_line_error(run(*args), 2, *words)


def test_a_bad_courtside_today_is_one_line_and_exit_2():
    result = run("check", env={"COURTSIDE_TODAY": "tomorrow"})
    assert_one_line_error(result, 2, "COURTSIDE_TODAY", "expected a date as YYYY-MM-DD, got 'tomorrow'")


def test_check_without_a_projects_folder_says_how_to_point_at_one(tmp_path):
    assert_one_line_error(run("check", cwd=tmp_path), 2, "no folder 'projects'", "--projects DIR")


def test_the_command_does_not_load_mkdocs_or_the_renderers():
    # `check` must stay light for a pre-commit hook: no MkDocs, theme, Jinja or page code.
    code = (
        "import json, sys; from courtside.cli import main; "
        f"main(['check', 'projects', '--today', '{TODAY}', '--no-cache']); "
        "print(json.dumps(sorted(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert "courtside.core.validate" in loaded and "pydantic" in loaded  # it did run the check
    # It computes only the promise chain (schedule.date_problems): no board, no payments.
    assert "courtside.core.schedule" in loaded
    assert "courtside.core.board" not in loaded and "courtside.core.money" not in loaded
    tops = {name.split(".")[0] for name in loaded}
    assert not tops & {"mkdocs", "material", "jinja2", "markdown", "icalendar", "markupsafe", "rich", "babel"}
    assert not [name for name in loaded if name.startswith(("courtside.publish", "courtside.plugin"))]


# -- new --------------------------------------------------------------------------------------


def test_new_writes_a_commented_proposal_that_passes_check(tmp_path):
    folder = new_projects(tmp_path)
    result = run(
        "new",
        "acme-bakery",
        "--client",
        "Acme Bakery",
        "--project",
        "Website: redesign #2",
        "--projects",
        str(folder),
    )
    assert result.returncode == 0, result.stderr
    path = folder / "acme-bakery.md"
    text = path.read_text(encoding="utf-8")
    assert f"wrote {path}" in result.stdout

    # The modeline points at the schema shipped in the package, relative to the file.
    first, modeline = text.splitlines()[:2]
    assert first == "---"
    ref = modeline.removeprefix("# yaml-language-server: $schema=")
    assert ref != modeline and (folder / ref).resolve() == SCHEMA_DIR / "engagement.schema.json"

    # Every line of the front matter is a comment or carries one.
    front = text.split("---\n")[1]
    for line in front.splitlines():
        assert line.lstrip().startswith("#") or " # " in line, line

    located = read_front_matter(text, str(path))
    data = located.data
    assert (data["client"], data["project"]) == ("Acme Bakery", "Website: redesign #2")
    # 26 characters of a-z0-9 carry 26 * log2(36) = 134.4 bits.
    assert re.fullmatch(rf"[{SHARE_ALPHABET}]{{{SHARE_LENGTH}}}", data["share"])
    assert SHARE_LENGTH * math.log2(len(SHARE_ALPHABET)) >= 100
    assert "signed" not in data and "language" not in data  # a proposal; language from the policies
    assert [(s["name"], s["owner"]) for s in data["stages"]] == [
        ("Kick-off materials", "client"),
        ("Design", "us"),
        ("Feedback", "client"),
        ("Build", "us"),
        ("Launch", "us"),
    ]
    assert [(p["amount"], p["due"]) for p in data["payments"]] == [
        ("30%", "signing"),
        ("40%", "Feedback"),
        ("30%", "Launch"),
    ]  # 30 + 40 + 30 = 100% of the fee
    assert data["fee"] == 10000

    check = run("check", str(folder), "--today", TODAY)
    assert (check.returncode, check.stdout) == (0, ""), check.stdout


def test_new_refuses_to_overwrite(tmp_path):
    folder = new_projects(tmp_path)
    args = ("new", "acme", "--client", "Acme", "--project", "Site", "--projects", str(folder))
    assert run(*args).returncode == 0
    before = (folder / "acme.md").read_bytes()
    again = run(*args)
    assert_one_line_error(again, 1, "already exists", "nothing written")
    assert again.stdout == ""
    assert (folder / "acme.md").read_bytes() == before


@pytest.mark.parametrize("language", ["es", "ru", "ar"])
def test_new_in_another_language_names_stages_in_it(tmp_path, language):
    folder = new_projects(tmp_path)
    result = run(
        "new", "cliente", "--client", "Cliente", "--project", "Web", "--language", language,
        "--fee", "9500.50", "--contact", "Ana Gil", "--email", "ana@cliente.example", "--projects", str(folder),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = read_front_matter((folder / "cliente.md").read_text(encoding="utf-8"), "x").data
    assert data["language"] == language
    assert data["fee"] == Decimal("9500.50")
    assert data["contacts"]["client"] == {"name": "Ana Gil", "email": "ana@cliente.example"}
    assert [s["name"] for s in data["stages"]] == list(WORDS[language].stages)
    check = run("check", str(folder), "--today", TODAY)
    assert (check.returncode, check.stdout) == (0, "")


def test_new_gives_each_engagement_its_own_share(tmp_path):
    folder = new_projects(tmp_path)
    for ident in ("one", "two"):
        assert (
            run("new", ident, "--client", ident, "--project", "p", "--projects", str(folder)).returncode == 0
        )
    shares = {
        read_front_matter((folder / f"{i}.md").read_text(encoding="utf-8"), "x").data["share"]
        for i in ("one", "two")
    }
    assert len(shares) == 2


@pytest.mark.parametrize(
    ("ident", "hint"),
    [
        ("Acme Bakery", "'acme-bakery'"),
        ("acme_bakery", "'acme-bakery'"),
        ("acme-", "'acme'"),
        ("../etc", "'etc'"),
    ],
)
def test_new_rejects_an_id_that_is_not_a_file_name(tmp_path, ident, hint):
    folder = new_projects(tmp_path)
    result = run("new", ident, "--client", "A", "--project", "B", "--projects", str(folder))
    assert_one_line_error(result, 2, "lowercase letters a-z, digits and hyphens", hint)
    assert sorted(p.name for p in folder.iterdir()) == ["_policies.yml"]


def test_new_rejects_bad_options_before_writing(tmp_path):
    folder = new_projects(tmp_path)
    assert_one_line_error(
        run("new", "x", "--client", "A", "--project", "B", "--fee", "-5", "--projects", str(folder)),
        2,
        "--fee",
    )
    assert_one_line_error(
        run("new", "x", "--client", "A", "--project", "B", "--email", "a-at-b", "--projects", str(folder)),
        2,
        "--email",
    )
    assert_one_line_error(
        run("new", "x", "--client", "A", "--project", "B", "--projects", str(tmp_path / "no")),
        2,
        "--projects",
    )
    assert_one_line_error(
        run("new", "x", "--client", " ", "--project", "B", "--projects", str(folder)),
        2,
        "--client",
        "got nothing",
    )
    assert sorted(p.name for p in folder.iterdir()) == ["_policies.yml"]


# -- rotate -----------------------------------------------------------------------------------

OLD_SHARE = "k7p2m9xq4r8t1vzb3hw6"
# A byte-exact file with what rotate must keep: a BOM, CRLF line endings, a quoted share with
# a comment after it, the same token in the body (which is prose and stays), trailing spaces.
ROTATE_FILE = (
    "\ufeff---\r\n"
    "client: Acme Bakery   \r\n"
    "project: Website\r\n"
    f'share: "{OLD_SHARE}"   # leaked on 2026-11-19\r\n'
    "contacts:\r\n"
    "  client: {name: Dana Ruiz}\r\n"
    "stages:\r\n"
    "  - {name: Build, owner: us, days: 5}\r\n"
    "---\r\n"
    f"The old link c/{OLD_SHARE}/ was in an email.\r\n"
)


def test_rotate_changes_only_the_share(tmp_path):
    folder = new_projects(tmp_path)
    path = folder / "acme.md"
    path.write_bytes(ROTATE_FILE.encode("utf-8"))
    result = run("rotate", "acme", "--projects", str(folder))
    assert result.returncode == 0, result.stderr
    new_share = re.search(r"new:  c/([a-z0-9]+)/", result.stdout).group(1)
    assert f"dies: c/{OLD_SHARE}/" in result.stdout
    assert re.fullmatch(rf"[{SHARE_ALPHABET}]{{{SHARE_LENGTH}}}", new_share)
    after = path.read_bytes().decode("utf-8")
    assert after == ROTATE_FILE.replace(f'share: "{OLD_SHARE}"', f'share: "{new_share}"')
    assert read_front_matter(after, "x").data["share"] == new_share
    check = run("check", str(folder), "--today", TODAY)
    assert (check.returncode, check.stdout) == (0, "")


def test_rotate_of_a_scaffold_keeps_every_comment(tmp_path):
    folder = new_projects(tmp_path)
    assert (
        run("new", "acme", "--client", "Acme", "--project", "Site", "--projects", str(folder)).returncode == 0
    )
    before = (folder / "acme.md").read_text(encoding="utf-8").splitlines()
    assert run("rotate", "acme", "--projects", str(folder)).returncode == 0
    after = (folder / "acme.md").read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert len(changed) == 1
    old_line, new_line = changed[0]
    assert old_line.startswith("share: ") and new_line.startswith("share: ")
    assert old_line.split("#", 1)[1] == new_line.split("#", 1)[1]


def test_rotate_without_a_share_changes_nothing(tmp_path):
    folder = new_projects(tmp_path)
    text = ROTATE_FILE.replace(f'share: "{OLD_SHARE}"   # leaked on 2026-11-19\r\n', "")
    (folder / "acme.md").write_text(text, encoding="utf-8", newline="")
    result = run("rotate", "acme", "--projects", str(folder))
    assert_one_line_error(result, 1, "has no share", "share: ")
    assert (folder / "acme.md").read_bytes() == text.encode("utf-8")


def test_rotate_of_an_unknown_engagement(tmp_path):
    folder = new_projects(tmp_path)
    assert_one_line_error(run("rotate", "nobody", "--projects", str(folder)), 1, "no engagement 'nobody'")
    assert_one_line_error(run("rotate", "No Body", "--projects", str(folder)), 2, "not an engagement id")


# -- status -----------------------------------------------------------------------------------

STATUS_HEADER = [
    "Client       | Project        | State    | Ball       | Current stage                | Late | Consequences                      | Next payment                                          | Overdue",
    "-------------|----------------|----------|------------|------------------------------|------|-----------------------------------|-------------------------------------------------------|------------------------------",
]
# Counted by hand (Mon-Fri calendar; terms 15 days; late fee 1.5% per 30 days; buffer 20%):
# Acme: signed Thu 10-01, deposit paid 10-01 -> start Fri 10-02. Kick-off (5) 10-02..10-08 done
#   10-08; Design (us, 5 -> 6) opens 10-09, due 10-16, done 10-16; Feedback (client, 5) opens
#   Mon 10-19, due Fri 10-23, open: late = working days 10-26..11-20 = 20 > grace 5, so its
#   consequence is triggered; waiting = 10-20..11-20 = 24. Payment "Design" invoiced 10-16,
#   due 10-31, overdue 20 days: 3000 * 1.5% * 20/30 = 30.00.
# Elm: signed Mon 10-19 -> start Tue 10-20; Flyer design (us, 5 -> 6) due 10-27; late =
#   10-28..11-20 = 18 days = 4 started weeks -> 5% * 4 = 20% (the cap) of 5000 = 1,000.00;
#   waiting = 10-21..11-20 = 23.
# Birch: signed Mon 11-02 -> start 11-03; Requirements (3) due 11-05, done; Prototype (us,
#   10 -> 12) opens Fri 11-06, due Mon 11-23; waiting = 11-09..11-20 = 10; its payment is
#   50% of 6000 EUR, expected to be invoiced when Prototype ends, 11-23.
# Cedar: no `signed`, a proposal: no dates, and no ball in play (the board's rule, in the core:
#   Snapshot.court); the deposit is 50% of 4000.
# Dune: every stage done and paid.
# Order: late and active first, longer wait first (Acme 24, Elm 23), then active, proposal, done.
ACME = "Acme Bakery  | Website        | active   | client 24d | Feedback, due 2026-10-23     | 20d  | Feedback                          | Design 3,000.00 USD, overdue, due 2026-10-31          | 3,000.00 USD + 30.00 USD fees"
ELM = "Elm Hardware | Flyer          | active   | us 23d     | Flyer design, due 2026-10-27 | 18d  | Flyer design; credit 1,000.00 USD |                                                       |"
BIRCH = "Birch Dental | Booking app    | active   | us 10d     | Prototype, due 2026-11-23    |      |                                   | Prototype 3,000.00 EUR, upcoming, invoice ~2026-11-23 |"
CEDAR = "Cedar Yoga   | Class schedule | proposal |            | Kick-off                     |      |                                   | Deposit 2,000.00 USD, upcoming                        |"
DUNE = "Dune Books   | Catalogue      | done     |            |                              |      |                                   |                                                       |"
FOOTER = "Days are working days. Late: past the promised due date, or money overdue."


def test_status_on_a_fixed_day():
    result = run("status", "--projects", STATUS, "--today", TODAY)
    assert (result.returncode, result.stderr) == (0, "")
    assert (
        result.stdout
        == "\n".join([f"Status on {TODAY}", *STATUS_HEADER, ACME, ELM, BIRCH, CEDAR, DUNE, FOOTER]) + "\n"
    )


def rows(stdout: str) -> list[str]:
    """The client names of a plain status table, in order."""
    return [line.split(" | ")[0].strip() for line in stdout.splitlines()[3:-1]]


@pytest.mark.parametrize(
    ("filters", "heading", "clients"),
    [
        (["--late"], "late", ["Acme Bakery", "Elm Hardware"]),
        (["--ball", "client"], "ball: client", ["Acme Bakery"]),
        (["--ball", "us"], "ball: us", ["Elm Hardware", "Birch Dental"]),
        (["--client", "bIRCH"], "client: bIRCH", ["Birch Dental"]),
        (["--late", "--ball", "us"], "late, ball: us", ["Elm Hardware"]),
    ],
)
def test_status_filters(filters, heading, clients):
    result = run("status", "--projects", STATUS, "--today", TODAY, *filters)
    assert result.returncode == 0
    assert result.stdout.splitlines()[0] == f"Status on {TODAY} ({heading})"
    assert rows(result.stdout) == clients


def test_status_says_when_nothing_matches():
    result = run("status", "--projects", STATUS, "--today", TODAY, "--client", "nobody")
    assert result.stdout == f"Status on {TODAY} (client: nobody)\nNo engagements match.\n"


def test_status_takes_today_from_the_environment_and_the_flag_wins():
    fixed = run("status", "--projects", STATUS, "--today", TODAY).stdout
    assert run("status", "--projects", STATUS, env={"COURTSIDE_TODAY": TODAY}).stdout == fixed
    assert (
        run("status", "--projects", STATUS, "--today", TODAY, env={"COURTSIDE_TODAY": "2026-11-23"}).stdout
        == fixed
    )
    # One working day later (Mon 11-23) Acme's feedback is 21 days late and has waited 25.
    monday = run("status", "--projects", STATUS, env={"COURTSIDE_TODAY": "2026-11-23"}).stdout
    assert "| client 25d | Feedback, due 2026-10-23     | 21d  |" in monday


def test_status_names_the_files_it_cannot_show():
    result = run("status", "--projects", BROKEN, "--today", TODAY)
    assert result.returncode == 0
    assert rows(result.stdout) == ["First Share", "Good Client"]  # same attention: by id
    assert result.stderr.startswith(f"courtside: not shown, with problems: {BROKEN}/a-typos.md, ")
    assert f"{BROKEN}/g-no-front-matter.md (run 'courtside check')" in result.stderr


def test_status_survives_a_terminal_that_cannot_show_the_names():
    result = run("status", "--today", TODAY, env={"PYTHONUTF8": "0", "PYTHONIOENCODING": "ascii"})
    assert result.returncode == 0
    assert "Traceback" not in result.stderr


# -- schema -----------------------------------------------------------------------------------


def load_schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))


def validator(name: str) -> jsonschema.Draft7Validator:
    schema = load_schema(name)
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def test_the_schema_copies_in_the_repository_are_current():
    # `courtside schema` generates from the model now; the files are what editors read.
    assert run("schema").stdout == (SCHEMA_DIR / "engagement.schema.json").read_text(encoding="utf-8")
    assert run("schema", "--policies").stdout == (SCHEMA_DIR / "policies.schema.json").read_text(
        encoding="utf-8"
    )


def test_the_schema_is_ready_for_editors():
    schema = load_schema("engagement")
    assert (
        schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    )  # what VS Code's YAML extension implements
    assert schema["title"] == "Courtside engagement" and schema["description"]
    assert sorted(schema["required"]) == ["client", "contacts", "project", "stages"]
    assert set(schema["properties"]) == set(Engagement.model_fields)
    for where, part in [("", schema), *schema["definitions"].items()]:
        for key, prop in part.get("properties", {}).items():
            assert prop.get("description"), f"{where}.{key} has no description"
        for node in schema_nodes(part):
            if "$ref" in node:
                assert len(node) == 1, f"draft-07 ignores what stands beside $ref: {node}"
            assert "default" not in node  # the real default of a policy key is in _policies.yml




def test_the_schema_accepts_every_example_engagement(tmp_path):
    check = validator("engagement")
    for path in example_files():
        data = as_json(read_front_matter(path.read_text(encoding="utf-8"), str(path)).data)
        assert [e.message for e in check.iter_errors(data)] == [], path
    folder = new_projects(tmp_path)  # and what `courtside new` writes
    assert run("new", "x", "--client", "X", "--project", "Y", "--projects", str(folder)).returncode == 0
    data = as_json(read_front_matter((folder / "x.md").read_text(encoding="utf-8"), "x").data)
    assert list(check.iter_errors(data)) == []


def test_the_policies_schema_accepts_the_policies():
    check = validator("policies")
    for path in [PROJECTS / "_policies.yml", REPO / STATUS / "_policies.yml"]:
        data = as_json(read_yaml(path.read_text(encoding="utf-8"), str(path)).data)
        assert [e.message for e in check.iter_errors(data)] == [], path


VALID = {
    "client": "Acme",
    "project": "Site",
    "contacts": {"client": {"name": "Dana"}},
    "stages": [{"name": "Build", "owner": "us", "days": 5}],
}

# (what to change, the path jsonschema must reject): each one also fails `courtside check`.
REJECTED = [
    ({"clent": "Acme"}, "$"),
    ({"stages": []}, "$.stages"),
    ({"stages": [{"name": "Build", "owner": "them", "days": 5}]}, "$.stages[0].owner"),
    ({"stages": [{"name": "Build", "owner": "us", "days": 0}]}, "$.stages[0].days"),
    ({"stages": [{"name": "Build", "owner": "us", "days": 2.5}]}, "$.stages[0].days"),
    ({"share": "short"}, "$.share"),
    ({"share": "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}, "$.share"),
    ({"signed": "2026-02-30"}, "$.signed"),
    ({"signed": "2026-9-1"}, "$.signed"),
    ({"language": "fr"}, "$.language"),
    ({"buffer": 20}, "$.buffer"),
    ({"calendar": {"country": "usa"}}, "$.calendar.country"),
    ({"calendar": {"workdays": ["monday"]}}, "$.calendar.workdays[0]"),
    ({"communication": {"email_hours": ["x10:00y"]}}, "$.communication.email_hours[0]"),
    ({"contacts": {"client": {"email": "dana@acme.example"}}}, "$.contacts.client"),
    ({"fee": 100, "payments": [{"name": "All", "amount": 0, "due": "signing"}]}, "$.payments[0].amount"),
    ({"status": "paused"}, "$.status"),
]


@pytest.mark.parametrize(("change", "path"), REJECTED, ids=[p for _, p in REJECTED])
def test_the_schema_rejects_broken_engagements(change, path):
    check = validator("engagement")
    assert list(check.iter_errors(VALID)) == []
    errors = list(check.iter_errors({**VALID, **change}))
    assert errors and path in {e.json_path for e in errors}, [(e.json_path, e.message) for e in errors]


def test_what_the_schema_rejects_the_check_rejects_too(tmp_path):
    folder = new_projects(tmp_path)
    for index, (change, _) in enumerate(REJECTED):
        fields = {**VALID, **change}
        (folder / f"case-{index:02d}.md").write_text(
            "---\n" + json.dumps(fields, ensure_ascii=False) + "\n---\n", encoding="utf-8"
        )
    result = run("check", str(folder), "--today", TODAY)
    flagged = {Path(line.split(":", 1)[0]).name for line in result.stdout.splitlines()}
    assert flagged == {f"case-{index:02d}.md" for index in range(len(REJECTED))}


def test_policy_keys_in_an_engagement_may_be_partial():
    # Mappings merge over _policies.yml key by key: a contact's email alone is a fine override.
    check = validator("engagement")
    partial = {
        **VALID,
        "studio": {"contact": {"email": "new@studio.example"}},
        "consequences": {"client": {"grace": 3}},
    }
    assert list(check.iter_errors(partial)) == []
