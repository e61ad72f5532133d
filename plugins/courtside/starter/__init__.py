"""A new studio's repository, as text: what `courtside init` writes.

The files are templates in `starter/files/` (shipped in the package), where `@@{name}` marks
a value; dot files are stored without their dot (`gitignore` -> `.gitignore`), since package
data leaves dot files out. Every value is written for its place: YAML scalars that read back
as given (in Courtside's reader and in a plain YAML 1.1 one, `NO` stays Norway), Markdown
text with its special characters escaped. No file is read or written here besides the
templates: `cli/init.py` writes.
"""

from __future__ import annotations

import json
import re
import string
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

FILES = Path(__file__).resolve().parent / "files"

STARTER_FILES: dict[str, str] = {
    "mkdocs.yml": "mkdocs.yml",
    "docs/index.md": "docs/index.md",
    "projects/_policies.yml": "projects/_policies.yml",
    "gitignore": ".gitignore",
    "pre-commit-config.yaml": ".pre-commit-config.yaml",
    "github/workflows/publish.yml": ".github/workflows/publish.yml",
    "requirements.txt": "requirements.txt",
    "README.md": "README.md",
}
"""Template in `files/` -> the studio's file (the sample engagement is written by code)."""

SAMPLE_ID = "example-client"
PUBLISH_HOUR = 6
"""The daily build's local hour: after midnight, so the pages show the new day."""


@dataclass(frozen=True)
class Answers:
    """What `courtside init` asks, each already checked by the core's rules."""

    studio: str
    contact: str
    email: str
    country: str
    subdivision: str | None
    language: str
    currency: str
    timezone: str


class _Template(string.Template):
    delimiter = "@@"  # `$` and `{{ }}` belong to the shell and to GitHub's workflow syntax


def yaml_scalar(text: str) -> str:
    """`text` as a YAML scalar that reads back as exactly `text` in Courtside's reader and in
    a YAML 1.1 loader (plain when both agree, else double-quoted)."""
    import yaml

    from ..core.scaffold import yaml_text

    written = yaml_text(text)
    try:
        plain_ok = yaml.safe_load(f"x: {written}") == {"x": text}
    except yaml.YAMLError:
        plain_ok = False
    return written if plain_ok else json.dumps(text, ensure_ascii=False)


_MARKDOWN_ESCAPES = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")
"""Python-Markdown's backslash escapes (its ESCAPED_CHARS, and `|` of tables)."""


def markdown_text(text: str) -> str:
    """`text` on one line of Markdown, shown as written (no emphasis, links or HTML): HTML's
    own characters as entities, Markdown's marks escaped with a backslash."""
    one_line = " ".join(text.split())
    html_safe = one_line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_ESCAPES.sub(r"\\\1", html_safe)


def daily_cron(timezone: str, year: int) -> tuple[str, str]:
    """GitHub's cron line (UTC) for PUBLISH_HOUR:00 in `timezone` in January of `year`, and a
    sentence saying so. Daylight saving time moves the local hour by one in summer, which
    keeps the build after midnight."""
    local = datetime(year, 1, 15, PUBLISH_HOUR, 0, tzinfo=ZoneInfo(timezone))
    utc = (local - (local.utcoffset() or timedelta(0))).replace(tzinfo=None)
    cron = f"{utc.minute} {utc.hour} * * *"
    sentence = (
        f"{cron!r} is {PUBLISH_HOUR:02d}:00 in {timezone} in January; where the clocks\n"
        "# change for summer, the build runs an hour earlier or later then."
    )
    return cron, sentence


def studio_files(
    answers: Answers, sample: str, schema_ref: str, versions: dict[str, str], year: int
) -> dict[str, str]:
    """The studio's path -> its text: every starter file filled in from the answers, and the
    sample engagement `projects/<SAMPLE_ID>.md` (`sample`, written by core/scaffold.py).

    `versions`: the installed versions to pin in requirements.txt (courtside, and the site
    engine's packages when they are installed); `year`: for the daily job's hour.
    """
    from ..core.model import Communication

    cron, cron_comment = daily_cron(answers.timezone, year)
    zone_comment = "the zone of email_hours; the client page names it"
    # `communication.timezone` is a policy from Courtside 0.2 on: written once the model has it.
    if "timezone" in Communication.model_fields:
        timezone_line = f"\n  timezone: {yaml_scalar(answers.timezone)}   # {zone_comment}"
    else:
        timezone_line = f"\n  # timezone: {answers.timezone}   # {zone_comment} (a later Courtside reads it)"
    subdivision_line = (
        f"\n  subdivision: {yaml_scalar(answers.subdivision)}   # its holidays too" if answers.subdivision else ""
    )
    pins = "\n".join(f"{name}=={version}" for name, version in sorted(versions.items()) if name != "courtside")
    values = {
        "studio_yaml": yaml_scalar(answers.studio),
        "studio_md": markdown_text(answers.studio),
        "studio_comment": " ".join(answers.studio.split()),
        "contact_yaml": yaml_scalar(answers.contact),
        "contact_md": markdown_text(answers.contact),
        "email": answers.email,
        "email_yaml": yaml_scalar(answers.email),
        "language": answers.language,
        "currency_yaml": yaml_scalar(answers.currency),
        "country_yaml": yaml_scalar(answers.country),
        "subdivision_line": subdivision_line,
        "timezone_line": timezone_line,
        "timezone": yaml_scalar(answers.timezone),
        "schema_ref": schema_ref,
        "courtside_version": versions["courtside"],
        "engine_pins": pins,
        "cron": cron,
        "cron_comment": cron_comment,
        "sample_id": SAMPLE_ID,
    }
    out = {}
    for template, path in STARTER_FILES.items():
        text = (FILES / template).read_text(encoding="utf-8")
        out[path] = _Template(text).substitute(values)
    out[f"projects/{SAMPLE_ID}.md"] = sample
    return out
