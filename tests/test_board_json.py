"""board.json is streamed one engagement at a time; the bytes must be json.dump's."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from courtside.publish.board_json import board_json, engagement_json_text, write_board_json
from courtside.sources.folder import evaluate_folder

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("with_text", [False, True])
def test_streamed_board_json_is_what_json_dump_writes(with_text: bool) -> None:
    board = evaluate_folder(ROOT / "projects", date(2026, 11, 20))
    links = {s.id: f"c/{s.terms.share}/" for s in board.snapshots}
    reminders = [{"id": "r1", "subject": "Recordatorio «pago»"}]
    expected = io.StringIO()
    json.dump(board_json(board, links, reminders), expected, indent=2, ensure_ascii=False)
    streamed = io.StringIO()
    write_board_json(streamed, board, links, reminders, engagement_json_text if with_text else None)
    assert streamed.getvalue() == expected.getvalue()
    assert len(json.loads(streamed.getvalue())["engagements"]) == len(board.snapshots) > 10


def test_streamed_board_json_of_no_engagement(tmp_path: Path) -> None:
    board = evaluate_folder(tmp_path, date(2026, 11, 20))
    expected = json.dumps(board_json(board), indent=2, ensure_ascii=False)
    streamed = io.StringIO()
    write_board_json(streamed, board)
    assert streamed.getvalue() == expected and json.loads(expected)["engagements"] == []
