"""The `courtside` command: the same pipeline as the MkDocs plugin, for the editor and terminal.

    courtside new <id> --client ... --project ...   write projects/<id>.md, a proposal
    courtside check [PATH...] [--jobs N]           every problem of every file; exit 1 if any
    courtside status [--late] [--ball ...]         the board as a table
    courtside schema [--write]                     JSON Schema of the front matter
    courtside rotate <id>                          replace a leaked share token
    courtside remind [--send] [--outbox DIR]       the reminders due today; e-mail them
    courtside version <id>                         the version of the agreement, to record its acceptance
    courtside build [-d DIR]                       the client pages and the board, no MkDocs
    courtside init DIR                             a studio's own repository, ready to publish

One module per command (`check.py`, `status.py`, ...), each with `register` (its arguments)
and `run` (its work). Exit status: 0 done; 1 problems found or nothing done (the message says
why); 2 bad usage. Errors are one line each, never a traceback. Only the standard library is
imported at start-up; each command imports the part of Courtside it needs.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from . import build, check, init, new, remind, rotate, schema, status, version
from .common import EXIT_PROBLEMS, EXIT_USAGE, HELP_FORMAT, PROG, Parser, Refused, UsageError

COMMANDS = (init, new, check, status, remind, version, schema, rotate, build)
EXIT_BUG = 70  # EX_SOFTWARE: Courtside itself failed


def build_parser() -> Parser:
    """The `courtside` parser: one sub-command per job, each with an example."""
    parser = Parser(
        prog=PROG,
        description="Courtside on the command line: write, check and follow engagements "
        "(projects/*.md and projects/_policies.yml) with the same rules as the site.",
        epilog="examples:\n"
        "  courtside new acme-bakery --client 'Acme Bakery' --project 'Website redesign'\n"
        "  courtside check\n"
        "  courtside status --late\n"
        "  courtside remind --send\n\n"
        "exit status: 0 done, 1 problems found or nothing done, 2 bad usage",
        formatter_class=HELP_FORMAT,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    def command(name: str, run: Callable[[argparse.Namespace], int], summary: str, example: str) -> Parser:
        sub = commands.add_parser(
            name, help=summary, description=summary, epilog=f"example:\n{example}", formatter_class=HELP_FORMAT
        )
        sub.set_defaults(run=run, prog=f"{PROG} {name}")
        return sub

    for module in COMMANDS:
        module.register(command)
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
    except Exception as exc:  # a bug in Courtside, not the user's input: one line, and how to see more
        if os.environ.get("COURTSIDE_DEBUG"):
            raise
        print(
            f"{PROG}: internal error ({type(exc).__name__}: {exc}); this is a bug in Courtside, not in "
            "your files: run again with COURTSIDE_DEBUG=1 for the details to report",
            file=sys.stderr,
        )
        return EXIT_BUG
