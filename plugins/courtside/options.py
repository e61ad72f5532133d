"""Rules over the site's options that every way of building applies the same way.

The MkDocs plugin (`config.py` checks each option's type the MkDocs way) and `courtside
build` (which reads `mkdocs.yml` with plain YAML, `sources/site_config.py`) both decide here
where the client pages and the board go. Only the standard library is imported: the
command needs no site engine.
"""

from __future__ import annotations

SECRET_PATH_LENGTH = 20
"""A board path at least this long may stand unguarded: as hard to guess as a share."""

SERVE_BOARD = "board"
"""Where `mkdocs serve` shows the board when no `board_path` is set."""


class OptionError(ValueError):
    """An option that cannot be used as given; the text names it and says what to do."""


def client_folder(client_dir: str) -> str:
    """The folder of the client pages, without slashes; it must name a folder."""
    folder = client_dir.strip("/")
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
    given = board_path.strip("/") if board_path is not None else None
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
