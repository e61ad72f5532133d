"""What the pipeline's per-file step gives besides a computed engagement: small, plain records.

`Broken`: an engagement with problems, and what could still be read of it (to name it on
the board and, while serving, to show its problems at its address). `Passed`: an engagement
that passed `courtside check`, with the share it claims. Neither needs the validation model,
so a check whose results are all cached (cache.py) never loads it.
"""

from __future__ import annotations

from dataclasses import dataclass

from .problems import Problem


@dataclass(frozen=True)
class Broken:
    """An engagement that failed validation, with whatever could still be read of it."""

    id: str
    file: str
    problems: list[Problem]
    share: str | None = None
    client: str | None = None
    project: str | None = None
    share_line: int = 1  # where `share:` is, for a share used twice


@dataclass(frozen=True, slots=True)
class Passed:
    """An engagement that passed `check`: no problem, and the share it claims (small, picklable)."""

    id: str
    file: str
    share: str | None
    share_line: int
