"""View models: what each template shows, computed here so templates only render."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..core.board import Board, Snapshot
from ..core.load import Broken


@dataclass(frozen=True)
class ClientView:
    language: str
    direction: str
    snapshot: Snapshot | None
    broken: Broken | None


@dataclass(frozen=True)
class BoardView:
    board: Board
    rows: list[Snapshot]
    links: dict[str, str]


def client_view(item: Snapshot | Broken, board: Board | None, page: Any) -> ClientView:
    if isinstance(item, Broken):
        return ClientView("en", "ltr", None, item)
    language = item.terms.language
    return ClientView(language, "rtl" if language == "ar" else "ltr", item, None)


def board_view(board: Board | None, links: dict[str, str], page: Any) -> BoardView:
    assert board is not None
    return BoardView(board, board.sorted(), links)
