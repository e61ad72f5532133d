"""Read front matter and `_policies.yml` into plain data plus a line for every field.

The YAML is parsed once, as a stream of events from PyYAML's safe parser (libyaml's
``CSafeLoader`` when it is installed, else ``SafeLoader``); this module turns the events
into plain Python values itself, so it decides what a plain scalar means and records
the file line of every key and list item on the way. It never raises anything but
:class:`Invalid`, which carries every problem found in the file.

Scalars (close to the YAML 1.2 core schema, not YAML 1.1):

- quoted (``'...'``, ``"..."``), block (``|``, ``>``) and ``!``/``!!str`` tagged
  scalars are strings, always;
- ``~``, ``null``, ``Null``, ``NULL`` and nothing at all are ``None``;
- only ``true``/``True``/``TRUE`` and ``false``/``False``/``FALSE`` are booleans:
  ``yes``, ``no``, ``NO``, ``on``, ``off``, ``y`` and ``n`` stay strings;
- plain decimal integers, optionally signed, are ``int``: ``12``, ``-3``, ``+4``.
  A leading zero keeps the text a string (``0123`` -> ``"0123"``, so codes like
  zip codes survive), and so do ``0o17``, ``0x1F``, ``0b101`` and ``1_000``;
- plain decimals such as ``12000.50``, ``.5``, ``1e3`` are ``decimal.Decimal`` built
  from the source text (never ``float``); ``.inf`` and ``.nan`` are a problem;
- everything else is a string: ``10:00`` and other sexagesimal numbers, dates
  ``2026-03-02`` (even impossible ones such as ``2026-02-30``), timestamps, ``=``.

Keys are the text of the key as written (``1: x`` has the key ``"1"``, ``true: x``
the key ``"true"``); a null key, a list or mapping as key, a duplicate key, an alias
(``*name``: one problem for all the aliases of a file, at the first) and a merge key
(``<<``) are problems. Anchors (``&name``) are ignored. Lists and mappings nest at most
``MAX_DEPTH`` levels; a plain number has at most ``MAX_NUMBER_DIGITS`` digits.
Tags other than ``!``, ``!!str``, ``!!int``, ``!!float``, ``!!bool``, ``!!null``,
``!!map`` and ``!!seq`` are problems.

Problems, all collected before :class:`Invalid` is raised: a missing or unclosed front
matter; characters YAML cannot hold (control characters); a tab in the indentation of a
line (every such line is reported, in place of the parser's own complaint about it; a
tab that the parser accepts, inside a ``[...]`` list for instance, is no problem); other
syntax errors, at their line, with the parser's message; a second document; a top level
that is not a mapping; and the key, value and tag problems above. An empty file or empty
front matter is the empty mapping.

Line numbers are 1-based lines of the file, counted by ``\\n`` (in a file with CR-only line
ends and no ``\\n``, by ``\\r``: the lines its editor shows).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from .problems import Invalid, Problem, field_name, printable

Loader = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader

Lines = dict[tuple[str | int, ...], int]

NO_FRONT_MATTER = (
    "no front matter: an engagement starts with a line '---', then its fields, then a line '---'"
)
UNCLOSED_FRONT_MATTER = (
    "front matter is not closed: after the fields, add a line '---' "
    "(an engagement starts with a line '---', then its fields, then a line '---')"
)
TOP_LEVEL = "expected fields like 'client: ...' at the top level"
TOP_LEVEL_POLICIES = "expected fields like 'currency: USD' at the top level"
TAB = "tab used for indentation; YAML needs spaces"
MAX_DEPTH = 20
"""Lists and mappings nested this deep at most: an engagement needs 4 levels; 400 levels of
`[` once crashed every command (a recursion error) and far more exhausted the memory."""
MAX_NUMBER_DIGITS = 40
"""Digits of a plain number: amounts stay below 10^15 with at most 6 decimals, so a longer
one is a slip (a pasted id, a held key), said as such rather than as "not a number"."""


@dataclass
class Located:
    """A YAML mapping as plain values, with the file line of every field and item."""

    data: dict[str, Any]
    lines: Lines = field(default_factory=dict)
    body: str = ""
    body_line: int = 0

    def line_of(self, path: Sequence[str | int]) -> int:
        """Line of the longest prefix of ``path`` that is known, else of the YAML."""
        path = tuple(path)
        lines = self.lines
        for end in range(len(path), 0, -1):
            line = lines.get(path[:end])
            if line is not None:
                return line
        return lines.get((), 1)


# -- splitting -------------------------------------------------------------------------

_OPEN = re.compile(r"---[ \t]*\r?(?:\n|\Z)")
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)


def read_front_matter(text: str, file: str) -> Located:
    """Read a Markdown file that starts with YAML front matter between ``---`` lines."""
    text = _cr_only_to_lf(text[1:] if text.startswith("\ufeff") else text)
    opening = _OPEN.match(text)
    if opening is None:
        raise Invalid([Problem(file, 1, "", NO_FRONT_MATTER)])
    start = opening.end()
    closing = _CLOSE.search(text, start)
    if closing is None:
        raise Invalid([Problem(file, 1, "", UNCLOSED_FRONT_MATTER)])
    source = text[start : closing.start()]
    close_line = 2 + source.count("\n")
    nl = text.find("\n", closing.end())
    body = "" if nl < 0 else text[nl + 1 :]
    located = _load(source, file, 2, TOP_LEVEL)
    located.body = body
    located.body_line = close_line + 1
    return located


def read_yaml(text: str, file: str) -> Located:
    """Read a whole YAML file (``_policies.yml``) that holds one mapping."""
    text = _cr_only_to_lf(text[1:] if text.startswith("\ufeff") else text)
    return _load(text, file, 1, TOP_LEVEL_POLICIES)


def _cr_only_to_lf(text: str) -> str:
    """A file saved with CR-only line ends (classic Mac OS) with LF ends: its lines, as an
    editor shows them, are then the lines problems name. Files with any LF stay as they are."""
    return text.replace("\r", "\n") if "\r" in text and "\n" not in text else text


# -- scalars ---------------------------------------------------------------------------

_NOTHING = object()  # "no value": a key still to come, a skipped value, an empty stream
_BAD_NUMBER = object()
_LONG_NUMBER = object()
_NUMBER_DIGITS = re.compile(r"[-+]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?")

# Field paths repeat in every file (`('stages', 2, 'days')`): one shared tuple per path keeps
# the line maps of 10,000 engagements some 80 MB smaller (docs/performance.md).
_PATHS: dict[tuple[str | int, ...], tuple[str | int, ...]] = {}


def _shared(path: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """The one shared copy of `path` (bounded: unusual paths beyond 100,000 are not kept)."""
    found = _PATHS.get(path)
    if found is not None:
        return found
    if len(_PATHS) < 100_000:
        _PATHS[path] = path
    return path

_WORDS: dict[str, Any] = {
    "": None, "~": None, "null": None, "Null": None, "NULL": None,
    "true": True, "True": True, "TRUE": True,
    "false": False, "False": False, "FALSE": False,
}  # fmt: skip
_NUMBER_START = frozenset("0123456789+-.")
# Keys that key() must look at (empty, null, a merge key): any other untagged new key is plain.
_SPECIAL_KEYS = frozenset(text for text, value in _WORDS.items() if value is None) | {"<<"}
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
_DECIMAL = re.compile(r"[-+]?(?:\.[0-9]+|(?:0|[1-9][0-9]*)(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_INF_NAN = re.compile(r"[-+]?\.(?:inf|Inf|INF)\Z|\.(?:nan|NaN|NAN)\Z")


def _plain(text: str) -> Any:
    """The value of a plain (unquoted, untagged) scalar; _BAD_NUMBER for .inf/.nan, _LONG_NUMBER
    for a number of more than MAX_NUMBER_DIGITS digits."""
    if text in _WORDS:
        return _WORDS[text]
    if text[0] in _NUMBER_START:
        if len(text) > MAX_NUMBER_DIGITS and _NUMBER_DIGITS.fullmatch(text):
            return _LONG_NUMBER
        if _INT.match(text):
            try:
                return int(text)
            except ValueError:  # more digits than int() accepts from text
                return _BAD_NUMBER
        if _DECIMAL.match(text):
            try:
                return Decimal(text)
            except InvalidOperation:  # exponent out of range
                return _BAD_NUMBER
        if _INF_NAN.match(text):
            return _BAD_NUMBER
    return text


_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_TYPED = {
    "tag:yaml.org,2002:int": ("an integer", lambda v: type(v) is int),
    "tag:yaml.org,2002:float": ("a number", lambda v: type(v) in (int, Decimal)),
    "tag:yaml.org,2002:bool": ("true or false", lambda v: type(v) is bool),
    "tag:yaml.org,2002:null": ("null", lambda v: v is None),
}
_COLLECTION_TAGS = {None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


def _tag_name(tag: str) -> str:
    return _show("!!" + tag[18:] if tag.startswith("tag:yaml.org,2002:") else tag)


def _show(text: str, width: int = 40) -> str:
    """Text for a message: one line, at most about ``width`` characters, with every character
    that cannot be shown (a control, a bidi override) escaped as Python writes it."""
    text = " ".join(text.split())
    text = text if len(text) <= width else text[: width - 3] + "..."
    return printable(text)


# -- line numbers ----------------------------------------------------------------------

_ODD_BREAK_CHARS = "\r\x85\u2028\u2029"
_ODD_BREAK = re.compile("\r(?!\n)|[\x85\u2028\u2029]")
_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
# What YAML refuses to read (PyYAML's reader.NON_PRINTABLE); lone surrogates included.
_NON_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_TAB_INDENT = re.compile(r"^[ ]*\t", re.MULTILINE)


def _line_table(source: str, first: int) -> Sequence[int]:
    """File line (1-based) for each YAML mark line (0-based).

    YAML also breaks lines at a lone ``\\r``, U+0085, U+2028 and U+2029; the file's lines
    are counted by ``\\n`` only, so such text needs a real table.
    """
    count = source.count("\n") + source.count("\r") + 3
    # Four scans for the rare characters cost a tenth of the regular expression's one.
    if not any(char in source for char in _ODD_BREAK_CHARS) or _ODD_BREAK.search(source) is None:
        return range(first, first + count)
    table = [first]
    line = first
    for brk in _BREAK.finditer(source):
        if "\n" in brk.group():
            line += 1
        table.append(line)
    table.extend([line] * 2)
    return table


# -- loading ---------------------------------------------------------------------------


class _Frame:
    """A mapping or list being built."""

    __slots__ = ("is_map", "container", "path", "record", "key", "keep", "firsts", "line")

    def __init__(self, is_map: bool, path: tuple[str | int, ...], record: bool, line: int):
        self.is_map = is_map
        self.container: Any = {} if is_map else []
        self.path = path
        self.record = record  # record lines under it (not inside a duplicate's value)
        self.key: Any = _NOTHING  # maps: the key whose value comes next, or _NOTHING
        self.keep = True  # maps: store the value that comes next
        self.firsts: dict[str, int] = {}  # maps: line of each key
        self.line = line


def _value_path(top: _Frame) -> tuple[str | int, ...]:
    """Path of the value under the key of mapping `top` (under a refused key: the mapping's)."""
    return top.path if top.key is None else (*top.path, top.key)


def _load(source: str, file: str, first: int, top_level: str) -> Located:
    """Parse ``source`` (YAML whose first line is file line ``first``) into a Located."""
    problems: list[Problem] = []
    if _NON_PRINTABLE.search(source) is not None:
        for m in _NON_PRINTABLE.finditer(source):
            line = first + source.count("\n", 0, m.start())
            problems.append(
                Problem(file, line, "", f"character U+{ord(m.group()):04X} is not allowed in YAML")
            )
        raise Invalid(problems)

    table = _line_table(source, first)
    lines: Lines = {(): first}
    root: Any = _NOTHING
    root_line = first
    stack: list[_Frame] = []
    documents = 0
    aliases, first_alias = 0, None
    loader = Loader(source)
    get_event = loader.get_event

    def add(value: Any, line: int) -> None:
        """Put a finished value into the frame on top of the stack (or make it the root)."""
        nonlocal root, root_line
        if not stack:
            root, root_line = value, line
            return
        top = stack[-1]
        if not top.is_map:
            top.container.append(value)
        elif top.key is _NOTHING:  # a list, mapping or alias where a key belongs
            top.key, top.keep = None, False
        else:
            if top.keep:
                top.container[top.key] = value
            top.key, top.keep = _NOTHING, True

    def start(line: int) -> tuple[tuple[str | int, ...], bool]:
        """Path of a value that starts at ``line``, and whether to record lines under it."""
        if not stack:
            return (), True
        top = stack[-1]
        if not top.is_map:
            path = _shared((*top.path, len(top.container)))
            if top.record:
                lines[path] = line
            return path, top.record
        if top.key is _NOTHING:
            problems.append(
                Problem(
                    file, line, field_name(top.path), "a field name must be plain text, not a list or mapping"
                )
            )
            return top.path, False
        if top.key is None:
            return top.path, False
        return (*top.path, top.key), top.record and top.keep

    def key(top: _Frame, event: ScalarEvent, line: int) -> None:
        """Take a scalar where a mapping expects a key."""
        text, tag, plain = event.value, event.tag, event.implicit[0] and event.tag is None
        path = top.path
        top.key, top.keep = None, False
        if tag is not None and tag != "!" and tag != _STR and tag not in _TYPED:
            problems.append(Problem(file, line, field_name(path), f"unsupported tag '{_tag_name(tag)}'"))
        elif text == "":
            problems.append(Problem(file, line, field_name(path), "missing field name before ':'"))
        elif (plain or tag == _NULL) and text in _WORDS and _WORDS[text] is None:
            problems.append(
                Problem(
                    file,
                    line,
                    field_name(path),
                    f"'{text}' cannot be a field name (it means null); quote it if you mean the text",
                )
            )
        elif plain and text == "<<":
            problems.append(
                Problem(
                    file, line, field_name(path), "merge keys ('<<') are not supported; write the fields out"
                )
            )
        elif text in top.firsts:
            top.key = text
            problems.append(
                Problem(
                    file,
                    line,
                    field_name((*path, text)),
                    f"duplicate key '{_show(text)}' (first given at line {top.firsts[text]})",
                )
            )
        else:
            accept(top, text, line)

    def accept(top: _Frame, text: str, line: int) -> None:
        """A new key of mapping `top`: its line recorded, its value to come kept."""
        top.firsts[text] = line
        if top.record:
            lines[_shared((*top.path, text))] = line
        top.key, top.keep = text, True

    try:
        while True:
            event = get_event()
            kind = type(event)
            if kind is ScalarEvent:
                # Most events are scalars: the usual ones (a plain key, a value under a key) take
                # the shortest way; anything unusual goes through key()/start() (about 40% of
                # the time this loop took on 1,000 engagements).
                text, tag = event.value, event.tag
                top = stack[-1] if stack else None
                if top is not None and top.is_map:
                    if top.key is _NOTHING:  # a key
                        if tag is None and text not in top.firsts and text not in _SPECIAL_KEYS:
                            accept(top, text, table[event.start_mark.line])
                        else:
                            key(top, event, table[event.start_mark.line])
                        continue
                    path = None  # a value under a key: its path is only needed for a problem
                else:
                    path = start(table[event.start_mark.line])[0]
                if tag is None and event.implicit[0]:
                    value = _plain(text)
                    if value is _LONG_NUMBER or value is _BAD_NUMBER:
                        line = table[event.start_mark.line]
                        where = field_name(_value_path(top) if path is None else path)
                        if value is _LONG_NUMBER:
                            digits = sum(char.isdigit() for char in text)
                            message = (
                                f"a number of {digits:,} digits; expected at most {MAX_NUMBER_DIGITS} "
                                "(quote it if you mean the text)"
                            )
                            value = None
                        else:
                            message = f"expected a number, found '{_show(text)}'; quote it if you mean the text"
                            value = text
                        problems.append(Problem(file, line, where, message))
                elif tag is None or tag == "!" or tag == _STR:
                    value = text
                else:
                    line = table[event.start_mark.line]
                    where = field_name(_value_path(top) if path is None else path)
                    if tag in _TYPED:
                        expected, ok = _TYPED[tag]
                        value = _plain(text)
                        if not ok(value):
                            problems.append(Problem(file, line, where, f"expected {expected}, found '{_show(text)}'"))
                            value = text
                    else:
                        problems.append(Problem(file, line, where, f"unsupported tag '{_tag_name(tag)}'"))
                        value = text
                add(value, table[event.start_mark.line])
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                line = table[event.start_mark.line]
                if len(stack) >= MAX_DEPTH:
                    problems.append(
                        Problem(
                            file,
                            line,
                            field_name(stack[1].path if len(stack) > 1 else ()),  # the top-level field
                            f"lists and mappings nested more than {MAX_DEPTH} levels deep; "
                            "expected the fields of an engagement (4 levels at most)",
                        )
                    )
                    break
                path, record = start(line)
                if event.tag not in _COLLECTION_TAGS:
                    problems.append(
                        Problem(file, line, field_name(path), f"unsupported tag '{_tag_name(event.tag)}'")
                    )
                stack.append(_Frame(kind is MappingStartEvent, path, record, line))
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                frame = stack.pop()
                add(frame.container, frame.line)
            elif kind is AliasEvent:
                line = table[event.start_mark.line]
                top = stack[-1] if stack else None
                if top is not None and top.is_map and top.key is None:
                    pass  # the value of a key already reported (a merge key, a null key)
                else:
                    if top is not None and top.is_map and top.key is _NOTHING:
                        path = top.path
                    else:
                        path = start(line)[0]
                    # One problem for every alias of the file: an "alias bomb" (aliases of
                    # aliases, a billion values from a few lines) is one mistake, not 73.
                    if first_alias is None:
                        first_alias = (line, field_name(path), _show(event.anchor))
                    aliases += 1
                add(None, line)
            elif kind is DocumentStartEvent:
                documents += 1
                if documents > 1:
                    line = table[event.start_mark.line]
                    problems.append(
                        Problem(
                            file,
                            line,
                            "",
                            f"expected one YAML document, found another starting at line {line}",
                        )
                    )
                    break
            elif kind is StreamEndEvent:
                break
    except yaml.YAMLError as error:
        problems.extend(_syntax_problems(error, source, file, table, first))
    finally:
        dispose = getattr(loader, "dispose", None)
        if dispose is not None:
            dispose()

    if first_alias is not None:
        line, where, anchor = first_alias
        more = f" ({aliases} aliases in all, the first here)" if aliases > 1 else ""
        problems.append(
            Problem(file, line, where, f"aliases ('*{anchor}') are not supported; write the value out{more}")
        )
    if not problems:
        if root is _NOTHING or root is None:
            root = {}
        elif not isinstance(root, dict):
            problems.append(Problem(file, root_line, "", top_level))
    if problems:
        raise Invalid(problems)
    return Located(root, lines)


def _syntax_problems(
    error: yaml.YAMLError,
    source: str,
    file: str,
    table: Sequence[int],
    first: int,
) -> list[Problem]:
    """Problems for a YAML error: tabs in indentation, else the parser's complaint."""
    problems = []
    last_line = first + source.count("\n", 0, len(source.rstrip()))
    tab_lines = set()
    for m in _TAB_INDENT.finditer(source):
        line = first + source.count("\n", 0, m.start())
        tab_lines.add(line)
        problems.append(Problem(file, line, "", TAB))

    problem = getattr(error, "problem", None)
    mark = getattr(error, "problem_mark", None)
    context = getattr(error, "context", None)
    context_mark = getattr(error, "context_mark", None)
    if problem is None:
        problem, mark = context or str(error), context_mark
    line = table[mark.line] if mark is not None and mark.line < len(table) else first
    if line > last_line and context_mark is not None and context_mark.line < len(table):
        line = table[context_mark.line]  # an error at the end points back to its start
    line = max(first, min(line, last_line))
    if tab_lines and (line in tab_lines or "tab" in problem):
        return problems

    message = problem.replace("in this context", "here")
    if "cannot start any token" in message and mark is not None:
        char = _char_at(source, mark.line, mark.column)
        if char:
            message = f"found character {char!r} that cannot start any token; quote the value"
    elif "mapping values are not allowed" in message:
        message += "; a value that contains ': ' must be quoted"
    elif "did not find expected key" in message or "expected <block end>" in message:
        message += "; check the indentation"
    elif "could not find expected ':'" in message:
        message += "; each field needs 'name: value'"
    if context and context_mark is not None and context_mark.line < len(table):
        context_line = table[context_mark.line]
        if context_line != line:
            message += f" ({context} at line {context_line})"
        elif "next token" not in context:
            message += f" ({context})"
    problems.append(Problem(file, line, "", f"could not parse YAML: {message}"))
    return problems


def _char_at(source: str, line: int, column: int) -> str:
    parts = _BREAK.split(source)
    if line < len(parts) and column < len(parts[line]):
        return parts[line][column]
    return ""
