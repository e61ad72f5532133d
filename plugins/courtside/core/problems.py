"""What went wrong in a user's file, said so that they can fix it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Path = tuple[str | int, ...]


def printable(text: str) -> str:
    """Text as a message may print it: controls and bidi overrides escaped as Python writes them (`\\x1b`)."""
    return text if text.isprintable() else repr(text)[1:-1]


def field_name(path: Sequence[str | int]) -> str:
    """Spell a field path the way the docs do: ``stages[2].days`` (indexes from 0)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            text = printable(part)  # a key's control characters, escaped
            out += f".{text}" if out else text
    return out


@dataclass(frozen=True, order=True)
class Problem:
    """One error in one file: where it is, which field, and what was expected."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:"
        return f"{where} {self.field}: {self.message}" if self.field else f"{where} {self.message}"


class Invalid(Exception):
    """Raised with every problem found, never just the first."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))
