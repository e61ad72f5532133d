"""The plugin's options in `mkdocs.yml` (each documented in docs/reference/options.md)."""

from __future__ import annotations

from datetime import date

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import ValidationError

from .options import ON_INVALID


class Processes(c.Type[int]):
    """A number of processes: 0 (one per CPU) or more; MkDocs names the option when it is not."""

    def __init__(self) -> None:
        super().__init__(int, default=0)

    def run_validation(self, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValidationError(f"expected 0 (one per CPU) or a larger whole number, got {value!r}")
        return value


class CourtsideConfig(base.Config):
    projects = c.Type(str, default="projects")
    """Folder of engagement files and `_policies.yml`, relative to `mkdocs.yml`."""

    today = c.Optional(c.Type((str, date)))
    """The date the site is built for (YYYY-MM-DD); `COURTSIDE_TODAY` overrides it. Leave it
    out for the real date: a pinned date freezes every page (the build says so in its log)."""

    client_dir = c.Type(str, default="c")
    """Folder of the client pages: each lives at `<client_dir>/<share>/`."""

    board = c.Type(bool, default=True)
    """`false`: no board at all, not even in `mkdocs serve`."""

    board_path = c.Optional(c.Type(str))
    """Where `mkdocs build` publishes the board and `board.json`; unset (the default), a build
    publishes no board at all. `mkdocs serve` always shows it (at `board/` when unset)."""

    board_protected = c.Type(bool, default=False)
    """`true`: the host guards `board_path` (basic auth, Cloudflare Access), so a short path is fine."""

    jobs = Processes()
    """Processes that write the client pages in `mkdocs build`: 0 (the default) is one per CPU."""

    history = c.Type(bool, default=True)
    """Read the git history of `projects` (what changed, calendar revisions, the last good
    version); `false`: build as if the folder were outside git."""

    on_invalid = c.Choice(ON_INVALID, default="fail")
    """What a build does with an invalid engagement file: `fail` (exit 1, every problem
    listed) or `keep-last-good` (publish its last valid commit, log the problems, exit 0);
    `COURTSIDE_ON_INVALID` overrides it."""
