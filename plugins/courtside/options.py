"""Rules over the site's options that every way of building applies the same way.

The MkDocs plugin (`config.py` checks each option's type the MkDocs way) and `courtside
build` (which reads `mkdocs.yml` with plain YAML, `sources/site_config.py`) both decide here
where the client pages and the board go. Only the standard library is imported: the
command needs no site engine.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

SECRET_PATH_LENGTH = 20
"""A board path at least this long may stand unguarded: as hard to guess as a share."""

ON_INVALID = ("fail", "keep-last-good")
"""`on_invalid`: the choices, also of the COURTSIDE_ON_INVALID environment variable."""


def on_invalid_of(environ: Mapping[str, str], configured: str) -> str:
    """What a build does with an invalid engagement file: `COURTSIDE_ON_INVALID`, else the
    `on_invalid` option."""
    value = environ.get("COURTSIDE_ON_INVALID") or configured
    if value not in ON_INVALID:
        raise OptionError(f"COURTSIDE_ON_INVALID={value!r}; expected one of: {', '.join(ON_INVALID)}")
    return value

SERVE_BOARD = "board"
"""Where `mkdocs serve` shows the board when no `board_path` is set."""


class OptionError(ValueError):
    """An option that cannot be used as given; the text names it and says what to do."""


def site_folder(option: str, value: str) -> str:
    """A folder of the site named by an option, without slashes at its ends: inside the site
    (a client page or the board written elsewhere would leave the output folder, or overwrite
    whatever is there), and not hidden (many hosts do not serve dot folders, and the build's
    own stage is one). Empty stays empty: the caller says what it needs."""
    text = value.strip()
    folder = text.strip("/")
    parts = folder.split("/")
    if text.startswith(("/", "~")) or "\\" in text or re.match(r"[A-Za-z]:", text):
        reason = "is not a folder of the site (an absolute path)"
    elif any(part in ("..", ".") for part in parts):
        reason = "leaves the site (`..` or `.`)"
    elif any(part.startswith(".") for part in parts):
        reason = "is a hidden folder (many hosts do not serve it, and the build's own work folder is one)"
    elif folder and not all(parts):
        reason = "has an empty part (`//`)"
    else:
        return folder
    raise OptionError(
        f"`{option}: {value}` {reason}; expected a folder inside the site, written from the "
        "site's root, such as c or clients/pages"
    )


def client_folder(client_dir: str) -> str:
    """The folder of the client pages, without slashes; it must name a folder of the site."""
    folder = site_folder("client_dir", client_dir)
    if not folder:
        raise OptionError("`client_dir` must name a folder, such as c")
    return folder


def board_folder(
    client_dir: str, board: bool, board_path: str | None, board_protected: bool, serving: bool
) -> str | None:
    """Where the board goes in this build (None: nowhere).

    `client_dir` and the board's folder must be folders of their own; a build publishes the
    board only at a `board_path`, long and random unless the host guards it (`board_protected`);
    serving shows it at `board/` when no path is set.
    """
    client = client_folder(client_dir)
    if not board:
        return None
    given = site_folder("board_path", board_path) if board_path is not None else None
    if given is None and not serving:
        return None
    folder = given or SERVE_BOARD
    if not folder:
        raise OptionError("`board_path` must name a folder, such as board")
    inside = (folder + "/").startswith(client + "/") or (client + "/").startswith(folder + "/")
    if inside:
        raise OptionError(
            f"`board_path` ({folder}) and `client_dir` ({client}) must be "
            "separate folders, neither inside the other"
        )
    if given is not None and not serving and len(given) < SECRET_PATH_LENGTH and not board_protected:
        raise OptionError(
            f"`board_path: {given}` would publish every client, amount and link at a "
            f"guessable address; set `board_protected: true` if your host guards /{given}/ "
            f"(docs/guide/publishing.md), or use a secret path of {SECRET_PATH_LENGTH} characters "
            "or more, or leave `board_path` out to publish no board"
        )
    return folder
