"""`projects/_sent.log`: every reminder `courtside remind --send` sent or skipped, one line each.

The file is the memory of the daily job: commit it with the engagements (the scheduled job
commits it back), and a reminder it holds is never sent again. A person can read it, and
delete a line to send that reminder again. It holds no message text and no password: the
day, the moment the server accepted the message, what was chased and the address it went to
(already in the engagement file).

One line per record, nine fields separated by tabs:

    day         the `today` of the run that wrote the line (YYYY-MM-DD)
    at          when the SMTP server accepted the message, UTC (YYYY-MM-DDTHH:MM:SSZ); - when skipped
    event       sent | sent-late | skipped
    what        stage | payment | announcement | digest
    engagement  the engagement's id (its file name); - for the digest
    about       the stage's or payment's name; an announcement's id; - for the digest
    due         the due date chased (an announcement: the change's `from`; the digest: its day)
    trigger     the cadence's day of this reminder (an announcement: its announce day; the
                digest: its day)
    to          the address (- when skipped)

A tab, a line break or a backslash inside a name is written `\\t`, `\\n`, `\\\\`; a name that
is exactly `-` is written `\\-`. Lines starting with `#` and blank lines are comments.

Reading never raises: every line that is not a record is a problem naming its line and what
was expected (`_sent.log:7: due: expected a date YYYY-MM-DD, got '2026-13-01'`).
Writing appends one line after each accepted message, flushed and fsynced before the next
message goes, under an exclusive lock (two runs on one folder cannot both send).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO

from ..core.problems import Problem
from ..core.reminders import DIGEST, EVENTS, SKIPPED, WHATS, Key, Recorded
from ..core.values import BadValue, parse_iso_date, utc_text

SENT_LOG = "_sent.log"
"""The log's name in the projects folder (a `_` file: not an engagement)."""

FIELDS = ("day", "at", "event", "what", "engagement", "about", "due", "trigger", "to")
NONE = "-"
HEADER = (
    "# Courtside's sent log: what `courtside remind --send` sent, one line per message. Commit it\n"
    "# with the engagements: a reminder listed here is never sent again (delete its line to send it\n"
    "# again). Fields, separated by tabs: " + ", ".join(FIELDS) + ".\n"
)
ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
UNESCAPES = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r", "-": "-"}


class Busy(Exception):
    """Another run holds the log: one line, exit 1."""


@dataclass
class SentLog:
    """The log as read: its records by key, every record in file order, and its problems."""

    path: Path
    recorded: dict[Key, Recorded] = field(default_factory=dict)
    lines: list[tuple[Key, Recorded]] = field(default_factory=list)  # in file order
    problems: list[Problem] = field(default_factory=list)

    def sent_since_digest(self) -> list[tuple[Key, Recorded]]:
        """Messages sent since the last digest (what the next digest reports)."""
        since: list[tuple[Key, Recorded]] = []
        for key, record in self.lines:
            if key[0] == DIGEST:
                since = []
            elif record.sent:
                since.append((key, record))
        return since


def _text(value: str | None) -> str:
    """A free-text field as written: escaped, `-` for nothing."""
    if value is None or value == "":
        return NONE
    if value == NONE:
        return "\\-"
    return "".join(ESCAPES.get(ch, ch) for ch in value)


def _untext(raw: str) -> str:
    """A free-text field as read; BadValue for a backslash that starts no escape."""
    if raw == NONE:
        return ""
    out, chars = [], iter(raw)
    for ch in chars:
        if ch != "\\":
            out.append(ch)
            continue
        nxt = next(chars, "")
        if nxt not in UNESCAPES:
            found = "\\" + nxt
            raise BadValue(f"expected a backslash to start \\\\, \\t, \\n, \\r or \\-, got {found}")
        out.append(UNESCAPES[nxt])
    return "".join(out)


def line_of(key: Key, record: Recorded) -> str:
    """One record as its line, newline included."""
    what, engagement, about, due, trigger = key
    fields = [
        record.day.isoformat(),
        utc_text(record.at) if record.at is not None else NONE,
        record.event,
        what,
        _text(engagement),
        _text(about),
        due.isoformat(),
        trigger.isoformat(),
        _text(record.to),
    ]
    return "\t".join(fields) + "\n"


def _parse_at(raw: str) -> datetime | None:
    if raw == NONE:
        return None
    try:
        moment = datetime.strptime(raw, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        raise BadValue(f"expected a moment in UTC like 2026-11-20T15:02:11Z, or -, got {raw!r}") from None
    return moment.replace(tzinfo=UTC)


def _choice(raw: str, allowed: tuple[str, ...]) -> str:
    if raw not in allowed:
        raise BadValue(f"expected one of {', '.join(allowed)}, got {raw!r}")
    return raw


def parse_line(text: str, file: str, number: int) -> tuple[Key, Recorded] | list[Problem]:
    """One line of the log: its record, or every problem with it."""
    parts = text.split("\t")
    if len(parts) != len(FIELDS):
        spaced = " (it has spaces where tabs belong?)" if len(parts) < len(FIELDS) and "  " in text else ""
        return [
            Problem(
                file,
                number,
                "",
                f"expected {len(FIELDS)} fields separated by tabs ({', '.join(FIELDS)}), got {len(parts)}{spaced}",
            )
        ]
    problems: list[Problem] = []
    values: dict[str, object] = {}
    readers = {
        "day": parse_iso_date,
        "at": _parse_at,
        "event": lambda raw: _choice(raw, EVENTS),
        "what": lambda raw: _choice(raw, (*WHATS, DIGEST)),
        "engagement": _untext,
        "about": _untext,
        "due": parse_iso_date,
        "trigger": parse_iso_date,
        "to": _untext,
    }
    for name, raw in zip(FIELDS, parts, strict=True):
        try:
            values[name] = readers[name](raw)
        except BadValue as exc:
            problems.append(Problem(file, number, name, str(exc)))
    if problems:
        return problems
    what, event = values["what"], values["event"]
    if what != DIGEST and not values["engagement"]:
        problems.append(Problem(file, number, "engagement", f"expected the engagement's id for a {what}, got -"))
    if event != SKIPPED and values["at"] is None:
        problems.append(Problem(file, number, "at", f"expected the moment a {event} message was accepted, got -"))
    if problems:
        return problems
    key: Key = (what, values["engagement"], values["about"], values["due"], values["trigger"])  # type: ignore[assignment]
    record = Recorded(values["day"], event, values["at"], values["to"] or None)  # type: ignore[arg-type]
    return key, record


def read_sent_log(path: Path, file: str | None = None) -> SentLog:
    """The log at `path` (none yet: empty); `file` is how problems name it."""
    name = file or str(path)
    log = SentLog(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return log
    except OSError as exc:
        log.problems.append(Problem(name, 1, "", f"cannot read the sent log: {exc.strerror or exc}"))
        return log
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        log.problems.append(Problem(name, line, "", "not UTF-8 text; expected the file saved as UTF-8"))
        return log
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.rstrip("\r")
        if not line.strip() or line.startswith("#"):
            continue
        parsed = parse_line(line, name, number)
        if isinstance(parsed, list):
            log.problems.extend(parsed)
            continue
        key, record = parsed
        log.lines.append((key, record))
        log.recorded.setdefault(key, record)  # a line written twice (by hand) counts once
    return log


class SentLogWriter:
    """Appends records to the log, each flushed and fsynced before `record` returns."""

    def __init__(self, handle: IO[str]):
        self._handle = handle

    def record(self, key: Key, record: Recorded) -> None:
        """One line, on disk before the next message is sent."""
        self._handle.write(line_of(key, record))
        self._handle.flush()
        os.fsync(self._handle.fileno())


def _lock(handle: IO[str], path: Path) -> None:
    """An exclusive lock on the log for this run (POSIX; elsewhere nothing is locked)."""
    try:
        import fcntl
    except ImportError:  # Windows: one run at a time is up to the user
        return
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise Busy(f"{path}: another `courtside remind --send` is running on this folder; try again when it is done") from None


@contextmanager
def open_sent_log(path: Path) -> Iterator[SentLogWriter]:
    """The log, locked and ready to append (created with its header when missing)."""
    with path.open("a+", encoding="utf-8", newline="\n") as handle:
        _lock(handle, path)
        handle.seek(0, os.SEEK_END)
        if handle.tell() == 0:
            handle.write(HEADER)
        else:
            # A hand edit may have left the last line without its newline: never glue two lines.
            with path.open("rb") as raw:
                raw.seek(-1, os.SEEK_END)
                if raw.read(1) != b"\n":
                    handle.write("\n")
        handle.flush()
        yield SentLogWriter(handle)


def now() -> datetime:
    """The moment a message was accepted (UTC, to the second)."""
    return datetime.now(UTC).replace(microsecond=0)


def recorded_day(day: date, event: str, to: str | None, at: datetime | None = None) -> Recorded:
    """A record of `day`'s run; `at` defaults to now for a message, none for a skip."""
    return Recorded(day, event, (at or now()) if event != SKIPPED else None, to if event != SKIPPED else None)
