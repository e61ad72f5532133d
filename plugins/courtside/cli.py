"""The `courtside` command: the same core as the MkDocs plugin, for the editor and terminal.

    courtside new <id> --client ... --project ...   write projects/<id>.md, a proposal
    courtside check [PATH...] [--jobs N]           every problem of every file; exit 1 if any
    courtside status [--late] [--ball ...]         the board as a table
    courtside schema [--write]                     JSON Schema of the front matter
    courtside rotate <id>                          replace a leaked share token

Exit status: 0 done; 1 problems found or nothing done (the message says why); 2 bad usage.
Errors are one line each, never a traceback. Only the standard library is imported at
start-up; each command imports the part of the core it needs (the core never imports
MkDocs, Jinja or the page renderers), so `courtside check` is quick enough for a
pre-commit hook.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from .core.board import Board, Snapshot
    from .core.load import Setting
    from .core.problems import Problem

PROG = "courtside"
EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
PROJECTS = "projects"
POLICIES_FILE = "_policies.yml"  # the same name as core.load.POLICIES_FILE (not imported: it is slow)
SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
SCHEMA_FILES = {"engagement": "engagement.schema.json", "policies": "policies.schema.json"}
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class UsageError(Exception):
    """Bad arguments: one line to stderr, exit 2."""


class Refused(Exception):
    """The command could not do its work (a file exists, is missing, ...): one line, exit 1."""


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors (argparse prints the usage and exits by itself)."""

    # Report a usage mistake as one line naming the command and where to get help.
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message} (see '{self.prog} --help')")


# -- Argument types -------------------------------------------------------------------------


# `--today` and COURTSIDE_TODAY: an ISO date, nothing else.
def iso_date(text: str) -> date:
    try:
        if not ISO_DATE.fullmatch(text.strip()):
            raise ValueError(text)
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None


# `--fee`: a decimal amount above zero.
def fee_amount(text: str) -> Decimal:
    try:
        amount = Decimal(text.replace("_", "").strip())
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite() or amount <= 0:
        raise argparse.ArgumentTypeError(f"expected an amount above 0 like 12000 or 9500.50, got {text!r}")
    return amount


# `--client`, `--project`, `--contact`: some text, not nothing.
def some_text(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("expected some text, got nothing")
    return text.strip()


# `--email`: something that looks like an address (the model's own rule).
def email_address(text: str) -> str:
    if not re.fullmatch(r"[^@\s]+@[^@\s]+", text):
        raise argparse.ArgumentTypeError(f"expected an email address like name@example.com, got {text!r}")
    return text


# `--jobs`: a whole number of processes, 0 (one per CPU) or more.
def job_count(text: str) -> int:
    try:
        count = int(text.strip())
    except ValueError:
        count = -1
    if count < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number of processes, 0 or more, got {text!r}")
    return count


# The day the numbers are computed for: --today, else COURTSIDE_TODAY, else the real date.
def resolve_today(flag: date | None, environ: dict[str, str] | os._Environ[str]) -> date:
    if flag is not None:
        return flag
    value = environ.get("COURTSIDE_TODAY", "").strip()
    if not value:
        return date.today()
    try:
        return iso_date(value)
    except argparse.ArgumentTypeError as exc:
        raise UsageError(f"{PROG}: COURTSIDE_TODAY: {exc}") from None


# The projects folder of --projects, which must exist.
def projects_folder(args: argparse.Namespace) -> Path:
    folder = Path(args.projects)
    if not folder.is_dir():
        raise UsageError(
            f"{args.prog}: no folder {str(folder)!r} here; run in the folder that holds it, "
            "or pass --projects DIR"
        )
    return folder


# -- courtside check --------------------------------------------------------------------------


def check_targets(paths: Sequence[str]) -> dict[Path, set[str] | None]:
    """Folder -> names of the engagements to report (None: the whole folder).

    A folder or its `_policies.yml` means every file in it (policies apply to all).
    """
    targets: dict[Path, set[str] | None] = {}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            targets[path] = None
        elif path.is_file() and path.name == POLICIES_FILE:
            targets[path.parent] = None
        elif path.is_file() and path.suffix == ".md" and not path.name.startswith(("_", ".")):
            names = targets.setdefault(path.parent, set())
            if names is not None:
                names.add(path.name)
        elif path.exists():
            raise UsageError(
                f"{PROG} check: {raw} is not an engagement (a .md file whose name does not start "
                f"with _ or .) nor a {POLICIES_FILE}"
            )
        else:
            raise UsageError(f"{PROG} check: no such file or folder: {raw}")
    return targets


CHECK_AT_LEAST = 50
"""Files per process at the least: fewer are checked in one process (a fork costs more)."""


@dataclass(frozen=True)
class Checked:
    """What `courtside check` found in one folder."""

    problems: list[Problem]  # sorted: exactly the build's `portfolio.problems`
    files: list[str]  # every engagement file read, as problems name them


@dataclass(frozen=True)
class FileChecked:
    """One file checked on its own, before the shares of all files are compared: small and picklable."""

    file: str
    share: str | None  # None: no share, or not a well-formed one
    share_line: int
    valid: bool
    problems: list[Problem]  # a broken file's, or a valid one's date problems


def check_files(setting: Setting, paths: Sequence[Path], today: date) -> list[FileChecked]:
    """The per-file work of `check_folder` on some of its files (in a worker process, or here)."""
    from .core.load import Loaded, load_file, share_of
    from .core.schedule import date_problems, does_not_fit
    from .core.workcal import OutOfRange

    checked: list[FileChecked] = []
    for path in paths:
        result = load_file(setting, path)
        share, share_line = share_of(result)
        if isinstance(result, Loaded):
            try:
                found = date_problems(result.terms, result.calendar, today)
            except OutOfRange as exc:
                found = [does_not_fit(exc)]
            problems = [result.source.problem(field, message) for field, message in found]
            checked.append(FileChecked(result.source.file, share, share_line, True, problems))
        else:
            checked.append(FileChecked(result.file, share, share_line, False, list(result.problems)))
    return checked


def check_folder(
    folder: Path, today: date, label: str, jobs: int = 1, at_least: int = CHECK_AT_LEAST
) -> Checked:
    """Every problem `build_board(folder, today, label=label)` reports, for less work.

    The same loading and validation; then, instead of the whole schedule and the payments
    of each valid engagement, only its promise chain (`schedule.date_problems`), which is
    all the date problems depend on. tests/test_check_path.py holds the two together.
    The files are shared between `jobs` processes (0: one per CPU; never fewer than
    `at_least` files each), then merged in file order like `load_portfolio` merges them:
    the second file with a share gets the problem. tests/test_check_parallel.py holds
    the parallel check to the serial one.
    """
    # Everything the workers run is imported (and the policies' calendar built) before
    # they fork, so it happens once.
    from .core import schedule  # noqa: F401
    from .core.load import calendar_of, claim_share, engagement_files, read_setting
    from .workers import jobs_for, split

    setting = read_setting(folder, label)
    paths = engagement_files(folder)
    processes = jobs_for(len(paths), jobs, at_least)
    if processes > 1:
        with suppress(ValueError):  # a calendar the holidays package refuses: each engagement says so
            calendar_of(setting.policies)  # the package's country modules imported once
    shares = split(paths, lambda share: check_files(setting, share, today), processes)
    # split gave share k the files k, k + n, k + 2n, ...: back to file order.
    count = len(shares)
    in_order = [shares[index % count][index // count] for index in range(len(paths))]

    problems = list(setting.problems)
    claimed: dict[str, str] = {}  # share -> the first file that uses it
    valid: list[str] = []
    broken: list[str] = []
    for checked in in_order:
        twice = claim_share(claimed, checked.file, checked.share, checked.share_line)
        if twice is None:
            problems.extend(checked.problems)
            (valid if checked.valid else broken).append(checked.file)
        else:  # broken like load_portfolio makes it: a valid file's dates are not checked
            problems.extend([] if checked.valid else checked.problems)
            problems.append(twice)
            broken.append(checked.file)
    problems.sort()
    return Checked(problems, valid + broken)


# Validate like the build: every problem of every file, one line each; exit 1 when any.
def cmd_check(args: argparse.Namespace) -> int:
    from .workers import WorkerFailed

    if not args.paths:
        projects_folder(args)
    today = resolve_today(args.today, os.environ)
    targets = check_targets(args.paths or [args.projects])
    problems: set[Problem] = set()
    checked = 0
    for folder, names in targets.items():
        label = str(folder)
        try:
            found = check_folder(folder, today, label, args.jobs, CHECK_AT_LEAST)
        except WorkerFailed as exc:  # a bug, not the user's files: say how to get on meanwhile
            raise Refused(
                f"{PROG} check: checking {label} in {args.jobs or 'several'} processes failed "
                f"('{PROG} check --jobs 1' checks in one); {exc}"
            ) from None
        wanted = None if names is None else {f"{label}/{name}" for name in names}
        engagement_files = set(found.files)
        # An engagement's problems only when it is wanted; the policies' always (they apply to all).
        problems.update(
            p for p in found.problems if wanted is None or p.file in wanted or p.file not in engagement_files
        )
        checked += sum(1 for file in found.files if wanted is None or file in wanted)
    for problem in sorted(problems):
        print(problem)
    engagements = f"{checked} engagement{'s' if checked != 1 else ''}"
    if problems:
        files_with = len({p.file for p in problems})
        print(
            f"{PROG}: {len(problems)} problem{'s' if len(problems) != 1 else ''} in "
            f"{files_with} file{'s' if files_with != 1 else ''} ({engagements} checked)",
            file=sys.stderr,
        )
        return EXIT_PROBLEMS
    print(f"{PROG}: {engagements} checked, no problems", file=sys.stderr)
    return EXIT_OK


# -- courtside status -------------------------------------------------------------------------

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
    """One engagement's row of the status table."""
    terms, plan = snap.terms, snap.schedule
    currency = terms.currency
    ball = ""
    if plan.ball is not None and plan.state not in ("done", "cancelled"):
        ball = plan.ball if plan.waiting is None else f"{plan.ball} {plan.waiting}d"
    stage = stage_due = late = ""
    current = plan.current
    if current is not None:
        stage = current.name
        if current.promise is not None:
            stage_due = current.promise.due.isoformat()
        if current.late_by and plan.state != "cancelled":
            late = f"{current.late_by}d"
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


def status_rows(board: Board, late: bool, ball: str | None, client: str | None) -> list[Snapshot]:
    """The engagements to show, in the board's order, after the filters."""
    wanted = client.casefold() if client else None
    return [
        snap
        for snap in board.sorted()
        if (not late or snap.late)
        and (ball is None or snap.schedule.ball == ball)
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
def cmd_status(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.text import Text

    from .core.board import build_board

    folder = projects_folder(args)
    today = resolve_today(args.today, os.environ)
    board = build_board(folder, today, label=str(folder))
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
    output = captured.get()
    if not terminal:
        output = "".join(line.rstrip() + "\n" for line in output.splitlines())
    sys.stdout.write(output)
    sys.stdout.flush()
    if board.broken:
        files = ", ".join(sorted(b.file for b in board.broken))
        print(f"{PROG}: not shown, with problems: {files} (run '{PROG} check')", file=sys.stderr)
    return EXIT_OK


# -- courtside new ----------------------------------------------------------------------------


# The modeline's path to the schema: relative to the new file when possible.
def schema_ref(folder: Path) -> str:
    schema = SCHEMA_DIR / SCHEMA_FILES["engagement"]
    try:
        return Path(os.path.relpath(schema, folder.resolve())).as_posix()
    except ValueError:  # another drive on Windows
        return schema.as_uri()


# Write projects/<id>.md from the policies: a proposal with a fresh share, never over a file.
def cmd_new(args: argparse.Namespace) -> int:
    from .core.load import read_policies
    from .core.scaffold import engagement_text, new_share, suggest_id, valid_id

    if not valid_id(args.id):
        suggestion = suggest_id(args.id)
        hint = f"; for example {suggestion!r}" if suggestion and valid_id(suggestion) else ""
        raise UsageError(
            f"{PROG} new: the id {args.id!r} is the file name: use lowercase letters a-z, digits and "
            f"hyphens, starting and ending with a letter or digit{hint}"
        )
    folder = projects_folder(args)
    _, policies, problems = read_policies(folder, str(folder))
    if problems:
        print(
            f"{PROG} new: warning: {folder / POLICIES_FILE} has {len(problems)} problem(s) "
            "('courtside check' lists them); using the built-in language and currency",
            file=sys.stderr,
        )
    share = new_share()
    text = engagement_text(
        client=args.client,
        project=args.project,
        share=share,
        language=args.language or policies.language,
        language_given=args.language is not None,
        currency=policies.currency,
        buffer=f"{(policies.buffer * 100).normalize():f}%",
        fee=args.fee,
        contact=args.contact,
        email=args.email,
        schema_ref=schema_ref(folder),
    )
    path = folder / f"{args.id}.md"
    try:
        with path.open("x", encoding="utf-8", newline="\n") as out:
            out.write(text)
    except FileExistsError:
        raise Refused(
            f"{PROG} new: {path} already exists; nothing written (pick another id, or edit that file)"
        ) from None
    print(f"wrote {path}: a proposal for {args.client}, client page c/{share}/")
    print(
        "next: set the fee, stages and contact, run 'courtside check', and add 'signed:' "
        "when the contract is signed"
    )
    return EXIT_OK


# -- courtside schema -------------------------------------------------------------------------


def schema_texts() -> dict[str, str]:
    """Name -> the text of each schema file (what `--write` keeps in the package)."""
    from .core.scaffold import engagement_schema, policies_schema, schema_text

    return {"engagement": schema_text(engagement_schema()), "policies": schema_text(policies_schema())}


# Print the JSON Schema of the front matter (or of _policies.yml), or update the copies.
def cmd_schema(args: argparse.Namespace) -> int:
    texts = schema_texts()
    if not args.write:
        sys.stdout.write(texts["policies" if args.policies else "engagement"])
        return EXIT_OK
    for name, text in texts.items():
        path = SCHEMA_DIR / SCHEMA_FILES[name]
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            print(f"{path} is current")
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        print(f"updated {path}")
    return EXIT_OK


# -- courtside rotate -------------------------------------------------------------------------


# Replace an engagement's share token in place; say which link dies and which replaces it.
def cmd_rotate(args: argparse.Namespace) -> int:
    from .core.problems import Invalid
    from .core.scaffold import new_share, replace_share, valid_id
    from .core.yamlfile import read_front_matter

    if not valid_id(args.id):
        raise UsageError(f"{PROG} rotate: {args.id!r} is not an engagement id (the file name without .md)")
    folder = projects_folder(args)
    path = folder / f"{args.id}.md"
    if not path.is_file():
        raise Refused(f"{PROG} rotate: no engagement {args.id!r}: {path} does not exist")
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Refused(f"{PROG} rotate: {path} is not UTF-8 text ({exc.reason}); nothing changed") from None
    try:
        located = read_front_matter(text, str(path))
    except Invalid as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        raise Refused(f"{PROG} rotate: fix the front matter of {path} first; nothing changed") from None
    new = new_share()
    old = located.data.get("share")
    if old is None or isinstance(old, dict | list) or str(old) == "":
        raise Refused(
            f"{PROG} rotate: {path} has no share, so no client page to rotate; "
            f"to publish one, add the line: share: {new}"
        )
    old = str(old)
    line = located.lines[("share",)]
    updated = replace_share(text, line, old, new)
    if updated is None:
        raise Refused(
            f"{PROG} rotate: {path}:{line}: share: cannot replace the value here; write it by hand: share: {new}"
        )
    temporary = path.with_name(f".{path.name}.rotate")
    temporary.write_bytes(updated.encode("utf-8"))
    try:
        os.chmod(temporary, path.stat().st_mode & 0o7777)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    print(f"{path}:{line}: share replaced")
    print(f"  dies: c/{old}/ (and c/{old}/calendar.ics) once the site is rebuilt and deployed")
    print(f"  new:  c/{new}/")
    print(
        "Send the new link to the client. If your host keeps old files (an upload, or rsync "
        f"without --delete), delete c/{old}/ there yourself."
    )
    return EXIT_OK


# -- The parser -------------------------------------------------------------------------------


HELP_FORMAT = argparse.RawDescriptionHelpFormatter


def _add_projects(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--projects", metavar="DIR", default=PROJECTS, help="the engagements' folder (default: projects)"
    )


def _add_today(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--today",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="compute for this day (default: $COURTSIDE_TODAY, else the real date)",
    )


def build_parser() -> Parser:
    """The `courtside` parser: one sub-command per job, each with an example."""
    parser = Parser(
        prog=PROG,
        description="Courtside on the command line: write, check and follow engagements "
        "(projects/*.md and projects/_policies.yml) with the same rules as the site.",
        epilog="examples:\n"
        "  courtside new acme-bakery --client 'Acme Bakery' --project 'Website redesign'\n"
        "  courtside check\n"
        "  courtside status --late\n\n"
        "exit status: 0 done, 1 problems found or nothing done, 2 bad usage",
        formatter_class=HELP_FORMAT,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    def command(name: str, run: Callable[[argparse.Namespace], int], summary: str, example: str) -> Parser:
        sub = commands.add_parser(
            name,
            help=summary,
            description=summary,
            epilog=f"example:\n{example}",
            formatter_class=HELP_FORMAT,
        )
        sub.set_defaults(run=run, prog=f"{PROG} {name}")
        return sub

    new = command(
        "new",
        cmd_new,
        "Write projects/<id>.md: a proposal with a fresh share, a scaffold of stages and "
        "payments, and a comment on every field. Never overwrites a file.",
        "  courtside new acme-bakery --client 'Acme Bakery' --project 'Website redesign' --fee 12000\n"
        "  courtside new panaderia-sol --client 'Panadería Sol' --project 'Tienda' --language es",
    )
    new.add_argument("id", help="the engagement's id and file name: lowercase a-z, 0-9 and hyphens")
    new.add_argument("--client", required=True, type=some_text, help="the client's name")
    new.add_argument("--project", required=True, type=some_text, help="what we make for them")
    new.add_argument(
        "--language",
        choices=("en", "es", "ru", "ar"),
        help="the client page's language (default: the policies' language)",
    )
    new.add_argument(
        "--fee",
        type=fee_amount,
        metavar="AMOUNT",
        help="the total fixed fee (default: a placeholder of 10000)",
    )
    new.add_argument(
        "--contact",
        metavar="NAME",
        type=some_text,
        help="the client's contact person (default: the client's name)",
    )
    new.add_argument("--email", type=email_address, help="the contact's email address")
    _add_projects(new)

    check = command(
        "check",
        cmd_check,
        "Validate engagements like the build does and print every problem of every file as "
        "file:line: field: message. Exit 0 when clean, 1 when there are problems. A folder or "
        "its _policies.yml checks every file in it.",
        "  courtside check                    # the projects folder\n"
        "  courtside check projects/acme-bakery.md projects/panaderia-sol.md",
    )
    check.add_argument(
        "paths", nargs="*", metavar="PATH", help="engagement files or folders (default: --projects)"
    )
    check.add_argument(
        "--jobs",
        type=job_count,
        metavar="N",
        default=0,
        help=f"check in N processes at most, each with {CHECK_AT_LEAST} files or more "
        "(default 0: one per CPU; 1: in this process only)",
    )
    _add_projects(check)
    _add_today(check)

    status = command(
        "status",
        cmd_status,
        "The status board in the terminal: who has the ball, what is late, what is owed. Late rows are red.",
        "  courtside status --late --ball client\n  courtside status --client acme --today 2026-11-20",
    )
    status.add_argument(
        "--late", action="store_true", help="only engagements late right now (a stage or money)"
    )
    status.add_argument(
        "--ball", choices=("client", "us"), help="only engagements whose ball is in this court"
    )
    status.add_argument("--client", metavar="NAME", help="only clients whose name contains NAME (any case)")
    _add_today(status)
    _add_projects(status)

    schema = command(
        "schema",
        cmd_schema,
        "Print the JSON Schema of an engagement's front matter, for editors (VS Code's YAML "
        "extension, yaml-language-server). --write updates the copies shipped in the package.",
        "  courtside schema > engagement.schema.json\n  courtside schema --policies\n  courtside schema --write",
    )
    schema.add_argument("--policies", action="store_true", help="the schema of _policies.yml instead")
    schema.add_argument("--write", action="store_true", help="update plugins/courtside/schema/*.json")

    rotate = command(
        "rotate",
        cmd_rotate,
        "Replace a leaked share token in projects/<id>.md (nothing else in the file changes) "
        "and say which client link dies and which replaces it.",
        "  courtside rotate acme-bakery",
    )
    rotate.add_argument("id", help="the engagement's id (its file name without .md)")
    _add_projects(rotate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; bad usage and refusals are one line on stderr, never a traceback."""
    for stream in (sys.stdout, sys.stderr):  # names in any script, on any terminal: '?', not a crash
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help(sys.stderr)
            return EXIT_USAGE
        return args.run(args)
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    except Refused as exc:
        print(exc, file=sys.stderr)
        return EXIT_PROBLEMS
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `courtside status | head`: stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_PROBLEMS
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"{PROG}: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_PROBLEMS


if __name__ == "__main__":  # `python -m courtside.cli` (for `python -X importtime`)
    sys.exit(main())
