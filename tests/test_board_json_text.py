"""board.json's indented text is written with the C encoder (publish/board_json.indented_json);
it must be byte for byte what `json.dumps(indent=2, ensure_ascii=False)` writes."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from courtside.publish.board_json import _HOLE, engagement_json, engagement_json_text, indented_json
from courtside.sources.folder import evaluate_folder
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent

TRICKY = [
    "",
    'say "hi"',
    "back\\slash \\n \\u0041",
    "tab\tnew\nline\rcarriage\x00nul\x1f\x7f",
    "line\u2028separator\u2029paragraph",
    "שלום עולם مرحبا بالعالم",  # right-to-left
    "emoji 🎾👩🏽‍💻 and é, ß, ж, 日本",
    "\ud800 lone surrogate",
    "{[ brackets ]}, colons: and commas,",
    '",\n    "key": "injected',
    _HOLE,
    json.dumps(_HOLE),
]


def reference(value: Any, depth: int) -> str:
    """What board.json held before: the pure-Python encoder's text, indented for `depth`."""
    return json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n" + "  " * depth)


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(-(10**40), 10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(),
    st.sampled_from(TRICKY),
)
keys = st.one_of(st.text(max_size=8), st.sampled_from(TRICKY))
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.lists(children, max_size=3).map(tuple),
        st.dictionaries(keys, children, max_size=6),
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(value=values, depth=st.integers(0, 3))
def test_indented_json_is_what_json_dumps_writes(value: Any, depth: int) -> None:
    assert indented_json(value, depth) == reference(value, depth)


@pytest.mark.parametrize(
    "value",
    [
        {},
        [],
        {"a": [], "b": {}, "c": [{}], "d": [[]]},
        {"nested": {"deeper": {"deepest": [1, [2, [3, {"x": None}]]]}}},
        # the placeholder for a nested container, as a key and as a value beside containers
        {"a": [1], "b": _HOLE},
        {_HOLE: [1], "b": 2},
        {"a": {"b": 1}, "c": json.dumps(_HOLE)},
        # keys that are not strings, beside containers and alone (json writes them as strings)
        {7: [1], 2.5: {}, True: None, None: "x", False: [2]},
        {7: 1, 2.5: 2, True: 3, None: 4},
        [float("nan"), float("inf"), -float("inf"), -0.0, 1e300, 10**30],
        {text: [text, {text: text}] for text in TRICKY},
    ],
)
def test_indented_json_of_edge_cases(value: Any) -> None:
    for depth in range(3):
        assert indented_json(value, depth) == reference(value, depth)


def test_indented_json_refuses_what_json_refuses() -> None:
    for bad in ({"a": {1, 2}}, {"a": [object()]}, {(1, 2): [3]}, {(1, 2): 3}):
        with pytest.raises(TypeError):
            reference(bad, 0)
        with pytest.raises(TypeError):
            indented_json(bad, 0)


def test_every_engagement_text_is_what_json_dumps_writes(tmp_path: Path) -> None:
    # Real engagements: the examples and 120 generated ones (four scripts, every state, money
    # in three currencies, history-free), with and without a link.
    sys.path.insert(0, str(ROOT))  # `benchmarks` is a top-level folder of the repository
    from benchmarks.generate import TODAY, write_projects

    write_projects(tmp_path / "projects", 120, seed=7)
    boards = [
        evaluate_folder(ROOT / "projects", date(2026, 11, 20)),
        evaluate_folder(tmp_path / "projects", TODAY),
    ]
    checked = 0
    for board in boards:
        for snap in board.snapshots:
            for link in (f"c/{snap.terms.share}/", None):
                assert engagement_json_text(snap, link) == reference(engagement_json(snap, link), 2), snap.id
                checked += 1
    assert checked == 2 * (len(boards[0].snapshots) + 120)
