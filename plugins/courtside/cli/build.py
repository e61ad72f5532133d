"""`courtside build`: the client pages, calendars, `_headers` and (with a board path) the board,
with no site engine: for a studio that needs no guide, and for the day MkDocs stops working.

The options come from the site's `mkdocs.yml` when there is one (read with plain YAML,
`sources/site_config.py`), and flags override them; the build itself is `standalone.py`.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path

from .common import EXIT_OK, EXIT_PROBLEMS, PROG, Command, Refused, UsageError, iso_date, job_count


# Build the site's private files; every problem of every file first, exit 1 when any.
def run(args: argparse.Namespace) -> int:
    from ..core.problems import Invalid
    from ..core.values import today_from
    from ..options import OptionError, board_folder, client_folder
    from ..sources.site_config import PLUGIN, AmbiguousConfig, default_config, find_config, read_site_config
    from ..standalone import SiteOptions, build_site, output_problems

    started = time.perf_counter()
    try:
        if args.config_file is not None:
            path = Path(args.config_file)
            if not path.is_file():
                raise UsageError(f"{args.prog}: no file {args.config_file!r} (-f names the site's mkdocs.yml)")
            config = read_site_config(path)
        else:
            found = find_config(Path("."))
            config = read_site_config(found) if found is not None else default_config(Path.cwd())
    except AmbiguousConfig as exc:
        raise UsageError(f"{args.prog}: {exc} are both here; name the site's config with -f FILE") from None
    except Invalid as exc:
        _print_problems(exc, "in the site's config")
        return EXIT_PROBLEMS
    plugin = config.plugin
    if config.file is not None and not config.plugin_listed:
        print(f"{PROG} build: note: {config.file} does not list the courtside plugin; using its defaults", file=sys.stderr)

    projects_text = args.projects if args.projects is not None else plugin["projects"]
    projects = Path(projects_text) if args.projects is not None else config.root / projects_text
    if not projects.is_dir():
        raise UsageError(
            f"{args.prog}: no projects folder {str(projects)!r}; run in the studio's folder, "
            "or pass --projects DIR or -f mkdocs.yml"
        )
    try:
        client_dir = client_folder(args.client_dir if args.client_dir is not None else plugin["client_dir"])
        board_path = board_folder(
            client_dir,
            plugin["board"] and not args.no_board,
            args.board_path if args.board_path is not None else plugin["board_path"],
            args.board_protected or plugin["board_protected"],
            serving=False,
        )
    except OptionError as exc:
        raise Refused(f"{args.prog}: {exc}") from None
    options = SiteOptions(
        projects=projects,
        label=projects_text.rstrip("/"),
        site_dir=Path(args.site_dir) if args.site_dir is not None else config.site_dir,
        client_dir=client_dir,
        board_path=board_path,
        board_protected=args.board_protected or plugin["board_protected"],
        site_url=_site_url(args.site_url) if args.site_url is not None else config.site_url,
        use_directory_urls=config.use_directory_urls,
        markdown_extensions=config.markdown_extensions,
        mdx_configs=config.mdx_configs,
        custom_dir=config.custom_dir,
        jobs=args.jobs if args.jobs is not None else plugin["jobs"],
        history=_history(plugin, config.root),
    )
    refusals = output_problems(options, config.root if config.file is not None else None, config.docs_dir)
    if refusals:
        raise Refused("\n".join(f"{args.prog}: {problem}" for problem in refusals))

    try:
        today = today_from(
            [
                ("--today", "", args.today),
                ("COURTSIDE_TODAY", "environment variable", os.environ.get("COURTSIDE_TODAY")),
                (str(config.file), f"plugins.{PLUGIN}.today", plugin["today"]),
            ],
            date.today(),
        )
    except Invalid as exc:
        _print_problems(exc, "in the date to build for")
        return EXIT_PROBLEMS
    if today.source is not None and today.day != date.today():
        print(
            f"{PROG}: every date is computed as of {today.day.isoformat()} (set by {today.source}), "
            f"not today's date {date.today().isoformat()}: the pages show that day",
            file=sys.stderr,
        )
    try:
        written = build_site(options, today.day)
    except Invalid as exc:
        _print_problems(exc, "in the engagements; nothing written")
        return EXIT_PROBLEMS
    seconds = time.perf_counter() - started
    board = "and the board (at board_path)" if board_path is not None else "and no board (no board_path set)"
    print(
        f"{PROG} build: {written.pages} client page{'s' if written.pages != 1 else ''} with their calendars "
        f"{board}, written to {options.site_dir} in {seconds:.1f} s"
    )
    return EXIT_OK


def _history(plugin: dict, root: Path):
    """How the build reads the git history, as the plugin would (`history`, `on_invalid` and
    COURTSIDE_ON_INVALID; the cache folder next to the config file)."""
    from ..build import HistoryOptions
    from ..options import OptionError, on_invalid_of
    from ..sources.git import CACHE_FOLDER

    if not plugin["history"]:
        return None
    try:
        on_invalid = on_invalid_of(os.environ, plugin["on_invalid"])
    except OptionError as exc:
        raise UsageError(f"{PROG} build: {exc}") from None
    return HistoryOptions(root.resolve() / CACHE_FOLDER, on_invalid == "keep-last-good")


def _print_problems(exc: Exception, where: str) -> None:
    """Every problem on its own line (file:line: field: message), then how many."""
    problems = getattr(exc, "problems", [])
    for problem in problems:
        print(problem)
    print(f"{PROG} build: {len(problems)} problem{'s' if len(problems) != 1 else ''} {where}", file=sys.stderr)


# `--site-url`: an http(s) address, with the trailing slash MkDocs adds.
def _site_url(text: str) -> str | None:
    from urllib.parse import urlsplit

    if not text:
        return None
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"{PROG} build: --site-url: expected an address like https://studio.example/, got {text!r}")
    return text if text.endswith("/") else text + "/"


def register(command: Command) -> None:
    parser = command(
        "build",
        run,
        "Write the client pages, their calendars, _headers and (when a board path is set) the "
        "board and board.json, with no site engine: no MkDocs, no guide. Options come from the "
        "site's mkdocs.yml when there is one; flags override them. The output folder is emptied "
        "and filled only once every engagement is valid.",
        "  courtside build                       # reads ./mkdocs.yml, writes its site_dir (site/)\n"
        "  courtside build -d public --site-url https://studio.example/",
    )
    parser.add_argument("-f", "--config-file", metavar="FILE", help="the site's mkdocs.yml (default: the one here, if any)")
    parser.add_argument("-d", "--site-dir", metavar="DIR", help="the output folder (default: site_dir of mkdocs.yml, else site)")
    parser.add_argument("--projects", metavar="DIR", help="the engagements' folder (default: the plugin's `projects`, else projects)")
    parser.add_argument("--client-dir", metavar="DIR", help="the client pages' folder (default: the plugin's `client_dir`, else c)")
    parser.add_argument("--site-url", metavar="URL", help="the site's address, for calendar links (default: site_url of mkdocs.yml)")
    parser.add_argument(
        "--board-path",
        metavar="PATH",
        help="publish the board at PATH/ (a secret of 20 characters or more, or with --board-protected)",
    )
    parser.add_argument("--board-protected", action="store_true", help="the host guards the board path (a short path is fine)")
    parser.add_argument("--no-board", action="store_true", help="publish no board even if mkdocs.yml sets board_path")
    parser.add_argument(
        "--today",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="compute for this day (default: $COURTSIDE_TODAY, else the plugin's `today`, else the real date)",
    )
    parser.add_argument(
        "--jobs", type=job_count, metavar="N", help="processes writing the client pages (default: the plugin's `jobs`: 0, one per CPU)"
    )
