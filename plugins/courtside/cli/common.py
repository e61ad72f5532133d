"""What every `courtside` command shares: exit codes, one-line errors, argument types.

Only the standard library is imported here: a command imports the part of the core it
needs when it runs, so `courtside --help` and `courtside check` start quickly.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import NoReturn

PROG = "courtside"
EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
PROJECTS = "projects"
HELP_FORMAT = argparse.RawDescriptionHelpFormatter


class UsageError(Exception):
    """Bad arguments: one line to stderr, exit 2."""


class Refused(Exception):
    """The command could not do its work (a file exists, is missing, ...): one line, exit 1."""


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors (argparse prints the usage and exits by itself)."""

    # Report a usage mistake as one line naming the command and where to get help.
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message} (see '{self.prog} --help')")


Command = Callable[[str, Callable[[argparse.Namespace], int], str, str], Parser]
"""`command(name, run, summary, example)`: adds a sub-command to the `courtside` parser."""


# -- Argument types -------------------------------------------------------------------------


# `--today` and COURTSIDE_TODAY: an ISO date, nothing else (the core's rule).
def iso_date(text: str) -> date:
    from ..core.values import BadValue, parse_iso_date

    try:
        return parse_iso_date(text)
    except BadValue as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


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


# `--email`: an address the model accepts (the core's rule).
def email_address(text: str) -> str:
    from ..core.values import BadValue, parse_email

    try:
        return parse_email(text)
    except BadValue as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


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
    from ..core.problems import Invalid
    from ..core.values import today_from

    try:
        candidates = [("--today", "", flag), ("COURTSIDE_TODAY", "", environ.get("COURTSIDE_TODAY"))]
        return today_from(candidates, date.today()).day
    except Invalid as exc:
        raise UsageError(f"{PROG}: {exc}") from None


# The projects folder of --projects, which must exist.
def projects_folder(args: argparse.Namespace) -> Path:
    folder = Path(args.projects)
    if not folder.is_dir():
        raise UsageError(
            f"{args.prog}: no folder {str(folder)!r} here; run in the folder that holds it, "
            "or pass --projects DIR"
        )
    return folder


def add_projects(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--projects", metavar="DIR", default=PROJECTS, help="the engagements' folder (default: projects)"
    )


def add_today(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--today",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="compute for this day (default: $COURTSIDE_TODAY, else the real date)",
    )
