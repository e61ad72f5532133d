"""`courtside init DIR`: a studio's own repository, ready to edit and publish.

The answers (studio, contact, country, ...) come from flags, or from questions when run in a
terminal; each is checked by the core's own rules (core/values.py's parsers), then all
together by the policies' model, as the written `_policies.yml` will be read. The files are
the package's starter templates (`courtside/starter/`), plus one sample engagement written
by core/scaffold.py. Nothing is ever overwritten: a non-empty folder is refused unless
`--force`, and even then only missing files are written. Then `git init` and a first commit.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from .common import EXIT_OK, EXIT_PROBLEMS, PROG, Command, Refused, UsageError

if TYPE_CHECKING:
    from ..starter import Answers

COMMIT_MESSAGE = "Start the studio's site with Courtside"
ALLOWED_IN_EMPTY = {".git"}
"""What a folder may hold and still count as empty (a fresh `git clone` of an empty repository)."""


@dataclass(frozen=True)
class Question:
    """One answer: its flag, how it is asked, and the core's rule for it."""

    key: str
    flag: str
    prompt: str
    check: Callable[[str], str | None]  # the value, or None for "none"; raises BadValue


# -- The core's rules, one per answer ----------------------------------------------------------


def _text(value: str) -> str:
    from ..core.values import parse_text

    return parse_text(value.strip()).strip()


def _email(value: str) -> str:
    from ..core.values import parse_email

    return parse_email(value)


def _country(value: str) -> str:
    from ..core.values import parse_country

    return parse_country(value.strip())


def _subdivision(value: str) -> str | None:
    from ..core.values import parse_subdivision

    return parse_subdivision(value.strip()) if value.strip() else None


def _language(value: str) -> str:
    from ..core.values import parse_language

    return parse_language(value.strip())


def _currency(value: str) -> str:
    from ..core.values import parse_currency

    return parse_currency(value.strip())


def _timezone(value: str) -> str:
    """An IANA time zone name, as the standard library's `zoneinfo` knows it.

    The policies' model checks `communication.timezone` itself from Courtside 0.2 on (the
    whole file is validated below); this check says it at the question, with a suggestion.
    """
    from difflib import get_close_matches
    from zoneinfo import available_timezones

    from ..core.values import BadValue

    name = value.strip()
    zones = available_timezones()
    if name in zones:
        return name
    by_case = {zone.lower(): zone for zone in zones}
    close = [by_case[name.lower()]] if name.lower() in by_case else get_close_matches(name, sorted(zones), n=1)
    hint = f"; did you mean {close[0]}?" if close else ""
    raise BadValue(f"expected a time zone name such as Europe/Madrid or America/Los_Angeles, got {name!r}{hint}")


QUESTIONS = (
    Question("studio", "--studio", "Studio name", _text),
    Question("contact", "--contact", "Your name, the studio's contact on every client page", _text),
    Question("email", "--email", "Your email address", _email),
    Question("country", "--country", "Country, for its public holidays (two letters, such as US)", _country),
    Question("subdivision", "--subdivision", "State or region, for its holidays too (such as CA; empty: none)", _subdivision),
    Question("language", "--language", "Language of the client pages (en, es, ru or ar)", _language),
    Question("currency", "--currency", "Currency (ISO 4217, such as USD)", _currency),
    Question("timezone", "--timezone", "Time zone of your email hours (such as America/Los_Angeles)", _timezone),
)
OPTIONAL = {"subdivision"}
POLICY_FIELDS = {
    "studio.name": "studio",
    "studio.contact.name": "contact",
    "studio.contact.email": "email",
    "calendar.country": "country",
    "calendar.subdivision": "subdivision",
    "language": "language",
    "currency": "currency",
    "communication.timezone": "timezone",
}
"""A problem of the written `_policies.yml` -> the answer it came from."""


# -- Defaults that follow from the country -----------------------------------------------------


def default_for(key: str, answers: dict[str, str | None], machine_zone: str | None) -> str | None:
    """The suggestion for an answer not given: `en`; the country's currency when it has one;
    the country's time zone when it has one (asking: this machine's, when it is the country's)."""
    country = answers.get("country")
    if key == "language":
        return "en"
    if key == "currency" and country:
        from babel.numbers import get_territory_currencies

        currencies = get_territory_currencies(country, date.today())
        return currencies[0] if len(currencies) == 1 else None
    if key == "timezone" and country:
        from babel.core import get_global

        zones = get_global("territory_zones").get(country, [])
        if machine_zone in zones:
            return machine_zone
        return zones[0] if len(zones) == 1 else None
    return None


def machine_zone() -> str | None:
    """This machine's time zone name, when it has one (`TZ`, else /etc/localtime's link)."""
    name = os.environ.get("TZ", "").lstrip(":")
    if not name:
        try:
            target = os.readlink("/etc/localtime")
        except OSError:
            return None
        name = target.split("zoneinfo/", 1)[1] if "zoneinfo/" in target else ""
    return name or None


# -- Asking ------------------------------------------------------------------------------------


def gather(args: argparse.Namespace, interactive: bool) -> dict[str, str | None]:
    """Every answer: from its flag (checked), else asked (in a terminal), else its default;
    a required answer still missing is a usage error naming every missing flag."""
    from ..core.values import BadValue

    answers: dict[str, str | None] = {}
    missing = []
    zone_here = machine_zone() if interactive else None
    for question in QUESTIONS:
        given = getattr(args, question.key)
        if given is not None:
            try:
                answers[question.key] = question.check(given)
            except BadValue as exc:
                raise UsageError(f"{PROG} init: {question.flag}: {exc}") from None
            continue
        default = default_for(question.key, answers, zone_here)
        if interactive:
            answers[question.key] = ask(question, default)
        elif default is not None or question.key in OPTIONAL:
            answers[question.key] = default
        else:
            missing.append(question.flag)
    if missing:
        raise UsageError(
            f"{PROG} init: missing {', '.join(missing)}; pass them, or run it in a terminal to be "
            f"asked (see '{PROG} init --help')"
        )
    return answers


def ask(question: Question, default: str | None) -> str | None:
    """Ask until the answer passes the core's rule; Enter takes the default."""
    from ..core.values import BadValue

    shown = f" [{default}]" if default else ""
    while True:
        try:
            reply = input(f"{question.prompt}{shown}: ")
        except EOFError:
            print(file=sys.stderr)
            raise Refused(f"{PROG} init: stopped before every question was answered; nothing written") from None
        if not reply.strip() and default is not None:
            reply = default
        try:
            return question.check(reply)
        except BadValue as exc:
            print(f"  {exc}", file=sys.stderr)


# -- Checking them together ----------------------------------------------------------------------


def policy_problems(answers: Answers) -> dict[str, str]:
    """Answer -> what the policies' model says of it, once written into `_policies.yml`
    (a subdivision of another country, a country without known holidays, ...)."""
    from ..core.pipeline import POLICIES_FILE
    from ..core.validate import load_policies
    from ..starter import studio_files

    text = studio_files(answers, "", "schema.json", {"courtside": "0"}, date.today().year)[f"projects/{POLICIES_FILE}"]
    found: dict[str, str] = {}
    for problem in load_policies(f"projects/{POLICIES_FILE}", text.encode("utf-8")).problems:
        key = POLICY_FIELDS.get(problem.field)
        if key is None:  # a starter value the model refuses: Courtside's mistake, not the user's
            raise RuntimeError(f"the starter policies are invalid: {problem}")
        found.setdefault(key, problem.message)
    return found


def settle(args: argparse.Namespace, interactive: bool) -> Answers:
    """The answers, each valid and valid together (asked again in a terminal)."""
    from ..starter import Answers

    answers = gather(args, interactive)
    while True:
        candidate = Answers(**answers)  # type: ignore[arg-type]
        problems = policy_problems(candidate)
        if not problems:
            return candidate
        if not interactive:
            flags = {question.key: question.flag for question in QUESTIONS}
            raise UsageError("\n".join(f"{PROG} init: {flags[key]}: {message}" for key, message in problems.items()))
        for question in QUESTIONS:
            if question.key in problems:
                print(f"  {problems[question.key]}", file=sys.stderr)
                answers[question.key] = ask(question, None)


# -- Writing -------------------------------------------------------------------------------------


def refuse_unless_empty(folder: Path, force: bool) -> None:
    """A folder that holds anything but `.git` is refused unless `--force`."""
    if folder.exists() and not folder.is_dir():
        raise Refused(f"{PROG} init: {folder} is a file; expected a folder (new or empty)")
    if not folder.exists() or force:
        return
    entries = sorted(entry.name for entry in folder.iterdir() if entry.name not in ALLOWED_IN_EMPTY)
    if entries:
        listing = ", ".join(entries[:3]) + (", ..." if len(entries) > 3 else "")
        raise Refused(
            f"{PROG} init: {folder} is not empty ({len(entries)} entr{'ies' if len(entries) != 1 else 'y'}: "
            f"{listing}); nothing written. Use a new or empty folder, or --force to add only the "
            "files that are missing (existing files are never overwritten)"
        )


def write_new(folder: Path, files: dict[str, str]) -> tuple[list[str], list[str]]:
    """Each file that does not exist yet, written; (written, skipped) paths. Never overwrites:
    a file is created only if nothing has that name (`open(..., "x")`)."""
    written, skipped = [], []
    for relative, text in files.items():
        path = folder / relative
        if path.exists() or path.is_symlink():
            skipped.append(relative)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with path.open("x", encoding="utf-8", newline="\n") as out:
                out.write(text)
        except FileExistsError:  # made meanwhile by someone else: theirs stays
            skipped.append(relative)
            continue
        written.append(relative)
    return written, skipped


def commit(folder: Path, written: list[str]) -> str:
    """`git init` (a folder in no repository) and a first commit of the files written;
    returns what was done, in a sentence. Raises Refused when git fails."""
    git = shutil.which("git")
    if git is None:
        raise Refused(f"{PROG} init: the files are written, but git is not installed: install it, then run 'git init' in {folder}")

    def run(*command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([git, "-C", str(folder), *command], capture_output=True, text=True)

    top = run("rev-parse", "--show-toplevel")
    if top.returncode == 0 and Path(top.stdout.strip()).resolve() != folder.resolve():
        return f"not committed: {folder} is inside the git repository {top.stdout.strip()}; commit the files there"
    if top.returncode != 0:
        init = run("init", "-q", "--initial-branch=main")
        if init.returncode != 0:
            init = run("init", "-q")  # git before 2.28 has no --initial-branch
        if init.returncode != 0:
            raise Refused(f"{PROG} init: the files are written, but 'git init' failed: {init.stderr.strip()}")
    if not written:
        return "nothing to commit: every file was already there"
    for command in (("add", "--", *written), ("commit", "-q", "-m", COMMIT_MESSAGE, "--", *written)):
        result = run(*command)
        if result.returncode != 0:
            detail = (result.stderr or result.stdout).strip().splitlines()
            raise Refused(
                f"{PROG} init: the files are written, but 'git {command[0]}' failed: "
                f"{detail[-1] if detail else 'no message'}; fix that, then run "
                f"'git add -A && git commit -m \"{COMMIT_MESSAGE}\"' in {folder}"
            )
    return f'committed {len(written)} file{"s" if len(written) != 1 else ""}: "{COMMIT_MESSAGE}"'


def installed_versions() -> dict[str, str]:
    """The versions to pin in the studio's requirements.txt: Courtside's and the site engine's."""
    from importlib.metadata import PackageNotFoundError, version

    from .. import __version__

    versions = {"courtside": __version__}
    for name in ("mkdocs", "mkdocs-material"):
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            continue
    return versions


# -- The command ---------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    from ..core.scaffold import engagement_text, new_share
    from ..starter import SAMPLE_ID, studio_files
    from .schema import SCHEMA_DIR, SCHEMA_FILES

    folder = Path(args.dir)
    refuse_unless_empty(folder, args.force)
    answers = settle(args, interactive=sys.stdin.isatty())
    projects = folder / "projects"
    sample = engagement_text(
        client="Example Client",
        project="Website",
        share=new_share(),
        language=answers.language,
        language_given=False,
        currency=answers.currency,
        buffer="20%",
        fee=None,
        contact=None,
        email=None,
        schema_ref=_schema_ref(projects, SCHEMA_DIR / SCHEMA_FILES["engagement"]),
    )
    policies_ref = _schema_ref(projects, SCHEMA_DIR / SCHEMA_FILES["policies"])
    files = studio_files(answers, sample, policies_ref, installed_versions(), date.today().year)
    folder.mkdir(parents=True, exist_ok=True)
    written, skipped = write_new(folder, files)
    print(f"{PROG} init: wrote {len(written)} file{'s' if len(written) != 1 else ''} in {folder}: {', '.join(written) or 'none'}")
    if skipped:
        print(f"{PROG} init: kept as they were (already there): {', '.join(skipped)}")
    if not args.no_git:
        print(f"{PROG} init: git: {commit(folder, written)}")
    print(
        "next:\n"
        f"  cd {folder}\n"
        "  python3 -m venv .venv && .venv/bin/pip install -r requirements.txt\n"
        f"  edit projects/_policies.yml and projects/{SAMPLE_ID}.md (or delete it), then:\n"
        "  .venv/bin/courtside check && .venv/bin/mkdocs serve"
    )
    return EXIT_OK if written or not skipped else EXIT_PROBLEMS


def _schema_ref(projects: Path, schema: Path) -> str:
    """The modeline's path from the projects folder to a schema shipped in the package (as
    `courtside new` writes it); the folder need not exist yet."""
    resolved = projects.resolve()
    try:
        return Path(os.path.relpath(schema, resolved)).as_posix()
    except ValueError:  # another drive on Windows
        return schema.as_uri()


def register(command: Command) -> None:
    parser = command(
        "init",
        run,
        "Start a studio's own repository in DIR: mkdocs.yml (Material, the Courtside plugin, no "
        "board published, no date pinned), projects/_policies.yml from your answers, one "
        "sample engagement, the studio's home page, .gitignore, a pre-commit hook, a daily "
        "publish job and a README; then git init and a first commit. Asks what it needs in a "
        "terminal; elsewhere pass the flags. Never overwrites a file.",
        "  courtside init northwind   # asks the questions\n"
        "  courtside init northwind --studio 'Northwind Studio' --contact 'Sam Lee' \\\n"
        "      --email sam@northwind.example --country US --subdivision CA --language en \\\n"
        "      --currency USD --timezone America/Los_Angeles",
    )
    parser.add_argument("dir", metavar="DIR", help="the studio's folder: new, or empty (see --force)")
    for question in QUESTIONS:
        parser.add_argument(question.flag, metavar=question.flag.lstrip("-").upper(), help=question.prompt[0].lower() + question.prompt[1:])
    parser.add_argument(
        "--force",
        action="store_true",
        help="write into a folder that is not empty: only the files that are missing (never over a file)",
    )
    parser.add_argument("--no-git", action="store_true", help="write the files only: no git init, no commit")
