"""Reading front matter and _policies.yml: plain values, exact lines, problems not tracebacks."""

from __future__ import annotations

from decimal import Decimal

import pytest
import yaml
from courtside.core import yamlfile
from courtside.core.problems import Invalid, Problem
from courtside.core.yamlfile import Located, read_front_matter, read_yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ENGAGEMENT = """\
---
client: Acme Bakery
project: Website redesign
fee: 12000.50
hours: {budget: 80, spent: 41.5}
stages:
  - name: Kick-off materials
    owner: client
    days: 5
    deliverables: [Logo files, Photos]
  - name: Sitemap and wireframes
    owner: us
    days: 8
signed: 2026-03-02
---
Free Markdown: scope and notes.

More notes.
"""


@pytest.fixture(params=["c", "pure"], autouse=True)
def loader(request, monkeypatch):
    """Every test runs with libyaml's parser and with PyYAML's pure-Python fallback."""
    if request.param == "pure":
        monkeypatch.setattr(yamlfile, "Loader", yaml.SafeLoader)
    elif not hasattr(yaml, "CSafeLoader"):
        pytest.skip("libyaml not available")
    return request.param


def problems(text: str, read=read_front_matter, file: str = "projects/x.md") -> list[Problem]:
    with pytest.raises(Invalid) as caught:
        read(text, file)
    found = caught.value.problems
    assert found
    for problem in found:
        assert problem.file == file
        assert problem.line >= 1
    return found


def fm(yaml_text: str) -> dict:
    return read_front_matter("---\n" + yaml_text + "---\n", "x.md").data


# -- structure and lines -----------------------------------------------------------------


def test_data_and_lines():
    got = read_front_matter(ENGAGEMENT, "x.md")
    assert got.data == {
        "client": "Acme Bakery",
        "project": "Website redesign",
        "fee": Decimal("12000.50"),
        "hours": {"budget": 80, "spent": Decimal("41.5")},
        "stages": [
            {
                "name": "Kick-off materials",
                "owner": "client",
                "days": 5,
                "deliverables": ["Logo files", "Photos"],
            },
            {"name": "Sitemap and wireframes", "owner": "us", "days": 8},
        ],
        "signed": "2026-03-02",
    }
    lines = got.lines
    assert lines[()] == 2
    assert lines[("client",)] == 2
    assert lines[("hours",)] == 5
    assert lines[("hours", "spent")] == 5
    assert lines[("stages",)] == 6
    assert lines[("stages", 0)] == 7
    assert lines[("stages", 0, "days")] == 9
    assert lines[("stages", 0, "deliverables", 1)] == 10
    assert lines[("stages", 1)] == 11
    assert lines[("stages", 1, "name")] == 11
    assert lines[("stages", 1, "days")] == 13
    assert lines[("signed",)] == 14


def test_body_and_body_line():
    got = read_front_matter(ENGAGEMENT, "x.md")
    assert got.body == "Free Markdown: scope and notes.\n\nMore notes.\n"
    assert got.body_line == 16
    assert ENGAGEMENT.splitlines()[got.body_line - 1] == "Free Markdown: scope and notes."


def test_line_of_falls_back_to_the_longest_known_prefix():
    got = read_front_matter(ENGAGEMENT, "x.md")
    assert got.line_of(("stages", 1, "days")) == 13
    assert got.line_of(["stages", 1, "owner", "nope"]) == 12
    assert got.line_of(("stages", 7, "days")) == 6
    assert got.line_of(("nope",)) == 2
    assert got.line_of(()) == 2


def test_list_items_on_their_own_lines():
    got = read_front_matter("---\nxs:\n  - a\n  -\n    - b\n    - c\n  - {d: 1}\n---\n", "x.md")
    assert got.data == {"xs": ["a", ["b", "c"], {"d": 1}]}
    assert got.lines[("xs", 0)] == 3
    assert got.lines[("xs", 1, 0)] == 5
    assert got.lines[("xs", 1, 1)] == 6
    assert got.lines[("xs", 2)] == 7
    assert got.lines[("xs", 2, "d")] == 7


def test_bom_trailing_spaces_and_dots_terminator():
    got = read_front_matter("\ufeff---  \na: 1\n... \nbody", "x.md")
    assert got.data == {"a": 1}
    assert got.lines[("a",)] == 2
    assert got.body == "body"
    assert got.body_line == 4


def test_crlf():
    got = read_front_matter("---\r\na: 1\r\nb:\r\n  - x\r\n---\r\nbody\r\n", "x.md")
    assert got.data == {"a": 1, "b": ["x"]}
    assert got.lines[("b", 0)] == 4
    assert got.body == "body\r\n"
    assert got.body_line == 6


def test_yaml_line_breaks_inside_strings_keep_file_lines():
    # YAML also breaks lines at U+2028 and a lone CR; the file's lines are counted by \n.
    got = read_front_matter("---\na: 'x\u2028y'\nb: 'p\rq'\nc:\n  d: 2\n---\n", "x.md")
    assert got.lines[("c", "d")] == 5
    [problem] = problems("---\na: 'x\u2028y'\nb: 'p\rq'\nc:\n  d: 2\n  d: 3\n---\n")
    assert problem.line == 6


def test_empty_front_matter():
    got = read_front_matter("---\n---\n", "x.md")
    assert got.data == {}
    assert got.lines == {(): 2}
    assert got.body == ""
    assert got.body_line == 3
    assert read_front_matter("---\n# just a comment\n---\nHi", "x.md").data == {}
    assert read_front_matter("---\n~\n---\n", "x.md").data == {}


def test_no_front_matter():
    for text in ["", "client: Acme\n", "Hello\n---\na: 1\n---\n", "----\na: 1\n----\n", " ---\n---\n"]:
        [problem] = problems(text)
        assert problem.line == 1
        assert problem.message.startswith("no front matter")
        assert "'---'" in problem.message


def test_unclosed_front_matter():
    for text in ["---", "---\n", "---\na: 1\nb: 2\n", "---\na: 1\n-- \n"]:
        [problem] = problems(text)
        assert problem.line == 1
        assert "not closed" in problem.message


def test_read_yaml():
    got = read_yaml("# policies\ncurrency: USD\ncalendar:\n  open: [2026-11-08]\n", "_policies.yml")
    assert got.data == {"currency": "USD", "calendar": {"open": ["2026-11-08"]}}
    assert got.lines[()] == 1
    assert got.lines[("calendar", "open", 0)] == 4
    assert got.body == ""
    assert got.body_line == 0
    assert read_yaml("---\na: 1\n", "p.yml").lines[("a",)] == 2


def test_read_yaml_empty_file():
    for text in ["", "\n", "# nothing yet\n", "\ufeff"]:
        got = read_yaml(text, "_policies.yml")
        assert got == Located({}, {(): 1}, "", 0)


def test_read_yaml_problems_use_file_lines():
    [problem] = problems("a: 1\nb:\n  c: 1\n  c: 2\n", read=read_yaml, file="_policies.yml")
    assert problem == Problem("_policies.yml", 4, "b.c", "duplicate key 'c' (first given at line 3)")
    [problem] = problems("a: 1\n---\nb: 2\n", read=read_yaml)
    assert problem.line == 2
    assert "one YAML document" in problem.message


# -- scalars ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "value"),
    [
        ("10:00", "10:00"),
        ("1:30:00", "1:30:00"),
        ("NO", "NO"),
        ("no", "no"),
        ("yes", "yes"),
        ("off", "off"),
        ("y", "y"),
        ("true", True),
        ("True", True),
        ("FALSE", False),
        ("12", 12),
        ("-3", -3),
        ("+4", 4),
        ("0", 0),
        ("0123", "0123"),
        ("0o17", "0o17"),
        ("0x1F", "0x1F"),
        ("1_000", "1_000"),
        ("12000.50", Decimal("12000.50")),
        ("41.5", Decimal("41.5")),
        ("-0.25", Decimal("-0.25")),
        (".5", Decimal(".5")),
        ("1e3", Decimal("1e3")),
        ("2026-02-30", "2026-02-30"),
        ("2026-03-02", "2026-03-02"),
        ("2026-03-02T10:00:00Z", "2026-03-02T10:00:00Z"),
        ("2026-03-02 10:00", "2026-03-02 10:00"),
        ("25%", "25%"),
        ("~", None),
        ("null", None),
        ("Null", None),
        ("NULL", None),
        ("", None),
        ("=", "="),
        ("'10:00'", "10:00"),
        ('"NO"', "NO"),
        ("'12'", "12"),
        ("'true'", "true"),
        ("'~'", "~"),
        ("'2026-02-30'", "2026-02-30"),
        ("!!str 12", "12"),
        ("! 12", "12"),
        ("!!int 12", 12),
        ("|\n  10:00", "10:00\n"),
    ],
)
def test_scalars(source, value):
    got = fm(f"v: {source}\n")["v"]
    assert got == value
    assert type(got) is type(value)
    if isinstance(value, Decimal):
        assert str(got) == str(value)  # built from the text: no float rounding


def test_decimal_keeps_its_digits():
    assert str(fm("fee: 12000.50\n")["fee"]) == "12000.50"
    assert fm("x: 0.1\n")["x"] + fm("x: 0.2\n")["x"] == Decimal("0.3")


@pytest.mark.parametrize("source", [".nan", ".NaN", ".inf", "-.inf", "+.Inf"])
def test_infinity_and_nan_are_problems(source):
    [problem] = problems(f"---\nclient: A\nfee: {source}\n---\n")
    assert problem.line == 3
    assert problem.field == "fee"
    assert "expected a number" in problem.message


def test_keys_are_text():
    assert fm("1: x\ntrue: y\n1.50: z\n'q': w\n") == {"1": "x", "true": "y", "1.50": "z", "q": "w"}


@pytest.mark.parametrize("key", ["~", "null", "''", ""])
def test_null_or_empty_key_is_a_problem(key):
    [problem] = problems(f"---\na: 1\n{key}: 2\n---\n")
    assert problem.line == 3


def test_list_or_mapping_as_key_is_a_problem():
    [problem] = problems("---\na: 1\n? [1, 2]\n: 2\n---\n")
    assert problem.line == 3
    assert "plain text" in problem.message


def test_aliases_merge_keys_and_tags_are_problems():
    found = problems(
        "---\n"
        "base: &b {x: 1}\n"
        "copy: *b\n"
        "other:\n"
        "  <<: *b\n"
        "bin: !!binary aGVsbG8=\n"
        "obj: !!python/object/apply:os.system [ls]\n"
        "n: !!int ten\n"
        "---\n"
    )
    assert [(p.line, p.field) for p in found] == [
        (3, "copy"),
        (5, "other"),
        (6, "bin"),
        (7, "obj"),
        (8, "n"),
    ]
    assert "alias" in found[0].message
    assert "merge" in found[1].message
    assert "'!!binary'" in found[2].message


# -- problems ---------------------------------------------------------------------------


def test_duplicate_key_at_top_level():
    [problem] = problems("---\nclient: A\ndays: 3\nproject: P\ndays: 4\n---\n")
    assert problem == Problem("projects/x.md", 5, "days", "duplicate key 'days' (first given at line 3)")


def test_duplicate_key_nested():
    text = "---\nclient: A\nstages:\n  - name: a\n    days: 5\n  - name: b\n    days: 8\n    days: 9\n---\n"
    [problem] = problems(text)
    assert problem == Problem(
        "projects/x.md", 8, "stages[1].days", "duplicate key 'days' (first given at line 7)"
    )


def test_every_duplicate_is_reported_and_the_first_value_kept_out_of_trouble():
    found = problems("---\na: {b: 1, b: 2}\nc: [1, [2, {d: 1, d: 2}]]\ne: 1\ne: 2\ne: 3\n---\n")
    assert [(p.line, p.field) for p in found] == [(2, "a.b"), (3, "c[1][1].d"), (5, "e"), (6, "e")]
    assert all("(first given at line " in p.message for p in found)
    assert "line 4)" in found[-1].message


def test_tabs_in_indentation_every_line():
    found = problems("---\nclient: A\nhours:\n\tbudget: 80\n\tspent: 4\nstages:\n  \t- name: a\n---\n")
    assert found == [
        Problem("projects/x.md", 4, "", yamlfile.TAB),
        Problem("projects/x.md", 5, "", yamlfile.TAB),
        Problem("projects/x.md", 7, "", yamlfile.TAB),
    ]
    assert yamlfile.TAB == "tab used for indentation; YAML needs spaces"


def test_tab_inside_a_flow_list_is_fine_for_libyaml(loader):
    if loader == "c":
        assert fm("a: [1,\n\t2]\n") == {"a": [1, 2]}
    else:  # PyYAML's own scanner refuses it, and then it is a tab problem
        assert problems("---\na: [1,\n\t2]\n---\n") == [Problem("projects/x.md", 3, "", yamlfile.TAB)]


def test_syntax_error_line():
    [problem] = problems("---\nclient: A\nproject: Website: redesign\nfee: 1\n---\n")
    assert problem.line == 3
    assert problem.message.startswith("could not parse YAML: mapping values are not allowed here")


def test_syntax_error_bad_indentation():
    [problem] = problems("---\nclient: A\nstages:\n  - name: a\n days: 3\n---\n")
    assert problem.line == 5
    assert problem.message.startswith("could not parse YAML")


def test_syntax_error_names_the_character():
    [problem] = problems("---\nclient: A\nproject: @home\n---\n")
    assert problem.line == 3
    assert "'@'" in problem.message


def test_unclosed_quote_points_at_its_line_not_past_the_end():
    [problem] = problems("---\nclient: A\nproject: 'Website\n\n---\n")
    assert problem.line == 3


def test_problems_before_a_syntax_error_are_kept():
    found = problems("---\na: 1\na: 2\nb: c: d\n---\n")
    assert [p.line for p in found] == [3, 4]


def test_control_character():
    [problem] = problems("---\na: 1\nb: x\x00y\n---\n")
    assert problem.line == 3
    assert "U+0000" in problem.message


@pytest.mark.parametrize("top", ["- a\n- b\n", "just text\n", "12\n", "'quoted'\n"])
def test_top_level_must_be_a_mapping(top):
    [problem] = problems("---\n" + top + "---\n")
    assert problem.line == 2
    assert problem.message == "expected fields like 'client: ...' at the top level"
    [problem] = problems("# c\n" + top, read=read_yaml)
    assert problem.line == 2
    assert "at the top level" in problem.message


# -- never a traceback -------------------------------------------------------------------


def _outcome(text: str, read=read_front_matter) -> None:
    try:
        got = read(text, "x.md")
    except Invalid as invalid:
        assert invalid.problems
        for problem in invalid.problems:
            assert isinstance(problem, Problem)
            assert problem.file == "x.md"
            assert problem.line >= 1
            assert problem.message
        return
    assert isinstance(got, Located)
    assert isinstance(got.data, dict)
    assert got.lines[()] >= 1
    # Lines as an editor shows them: a lone CR ends a line too (CR-only files are read).
    total = text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1
    for line in got.lines.values():
        assert 1 <= line <= total


@st.composite
def mutated(draw) -> str:
    lines = ENGAGEMENT.split("\n")
    for _ in range(draw(st.integers(1, 4))):
        text = "\n".join(lines)
        action = draw(st.sampled_from(["delete", "insert", "duplicate"]))
        if action == "duplicate":
            i = draw(st.integers(0, len(lines) - 1))
            lines.insert(i, lines[i])
            continue
        pos = draw(st.integers(0, len(text)))
        if action == "delete":
            text = text[:pos] + text[pos + 1 :]
        else:
            char = draw(st.sampled_from([":", "\t", "-", '"', "'", " ", "\n", "[", "{", "&", "*", "#"]))
            text = text[:pos] + char + text[pos:]
        lines = text.split("\n")
    return "\n".join(lines)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mutated())
def test_mutations_never_crash(text):
    _outcome(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_random_text_never_crashes(text):
    _outcome("---\n" + text + "\n---\n")
    _outcome(text)
    _outcome(text, read=read_yaml)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=":-'\"[]{}?!&*|>#%@`,. \t\n\r~0123456789aeNOTyz\u2028\x85\ufeff", max_size=80))
def test_yaml_punctuation_never_crashes(text):
    _outcome("---\n" + text + "\n---\n")
    _outcome(text, read=read_yaml)
