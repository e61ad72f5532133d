"""`courtside new`: a new engagement file, a proposal with a fresh share, never over a file."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..core.languages import LANGUAGES
from .common import (
    EXIT_OK,
    PROG,
    Command,
    Refused,
    UsageError,
    add_projects,
    email_address,
    fee_amount,
    projects_folder,
    some_text,
)
from .schema import SCHEMA_DIR, SCHEMA_FILES

POLICIES_FILE = "_policies.yml"

# The modeline's path to the schema: relative to the new file when possible.
def schema_ref(folder: Path) -> str:
    schema = SCHEMA_DIR / SCHEMA_FILES["engagement"]
    try:
        return Path(os.path.relpath(schema, folder.resolve())).as_posix()
    except ValueError:  # another drive on Windows
        return schema.as_uri()


# Write projects/<id>.md from the policies: a proposal with a fresh share, never over a file.
def run(args: argparse.Namespace) -> int:
    from ..core.scaffold import engagement_text, new_share, suggest_id, valid_id
    from ..sources.folder import read_folder

    if not valid_id(args.id):
        suggestion = suggest_id(args.id)
        hint = f"; for example {suggestion!r}" if suggestion and valid_id(suggestion) else ""
        raise UsageError(
            f"{PROG} new: the id {args.id!r} is the file name: use lowercase letters a-z, digits and "
            f"hyphens, starting and ending with a letter or digit{hint}"
        )
    folder = projects_folder(args)
    policy_set = read_folder(folder, str(folder), paths=[]).policy_set()
    policies, problems = policy_set.policies, policy_set.problems
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


def register(command: Command) -> None:
    parser = command(
        "new",
        run,
        "Write projects/<id>.md: a proposal with a fresh share, a scaffold of stages and "
        "payments, and a comment on every field. Never overwrites a file.",
        "  courtside new acme-bakery --client 'Acme Bakery' --project 'Website redesign' --fee 12000\n"
        "  courtside new panaderia-sol --client 'Panadería Sol' --project 'Tienda' --language es",
    )
    parser.add_argument("id", help="the engagement's id and file name: lowercase a-z, 0-9 and hyphens")
    parser.add_argument("--client", required=True, type=some_text, help="the client's name")
    parser.add_argument("--project", required=True, type=some_text, help="what we make for them")
    parser.add_argument(
        "--language", choices=LANGUAGES, help="the client page's language (default: the policies' language)"
    )
    parser.add_argument(
        "--fee", type=fee_amount, metavar="AMOUNT", help="the total fixed fee (default: a placeholder of 10000)"
    )
    parser.add_argument(
        "--contact", metavar="NAME", type=some_text, help="the client's contact person (default: the client's name)"
    )
    parser.add_argument("--email", type=email_address, help="the contact's email address")
    add_projects(parser)
