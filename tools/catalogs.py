"""The gettext catalogs: extract the marked messages, update the .po files, check them.

    python -m tools.catalogs extract   # = `make i18n-extract`: .pot, then every .po
    python -m tools.catalogs check     # = `make i18n-check`: what is left to translate

A developer's tool, run from the repository's root: it reads the sources, so it is not part
of the installed package (the package only reads its catalogs, in `publish/i18n.py`).

The same as `pybabel extract -F babel.cfg` + `pybabel update`, through Babel's API so that a
run that changes no message rewrites no file (no date-only churn) and so that the check runs
as a test (tests/test_i18n.py). Marked messages are the calls `_()`, `gettext()`,
`ngettext()` in plugins/courtside/**.py (method calls such as `speech.gettext(...)` too) and
the same calls in plugins/courtside/templates/**.html (there, `speech.gettext(...)` too).
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po, write_po
from courtside.core.languages import LANGUAGES
from courtside.publish.i18n import DOMAIN, LOCALE_DIR, SOURCE_LANGUAGE
from jinja2 import Environment, nodes

ROOT = Path(__file__).resolve().parents[1]
MAPPING = ROOT / "babel.cfg"
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"
KEYWORDS: dict[str, Any] = {"_": None, "gettext": None, "ngettext": (1, 2)}
SKIP_DIRS = {"node_modules", "site", "benchmarks", "tests", "docs", "projects"}
# GNU gettext's order for Arabic (zero, one, two, 3-10, 11-99, 100-102...), the one translators
# and tools expect; Babel's own table puts 11-99 last.
PLURAL_FORMS = {
    "ar": "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);",
}
DATE_HEADERS = (b'"POT-Creation-Date:', b'"PO-Revision-Date:')


# Where a language's catalog lives.
def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


# Babel extractor for Jinja templates that also sees `speech.gettext(...)` (Jinja's own only
# sees plain names); `{% trans %}` blocks parse too.
def extract_jinja(fileobj: Any, keywords: Any, comment_tags: Any, options: dict) -> Iterator[tuple]:
    source = fileobj.read().decode(options.get("encoding", "utf-8"))
    environment = Environment(extensions=["jinja2.ext.i18n", "jinja2.ext.do", "jinja2.ext.loopcontrols"])
    tree = environment.parse(source)
    for call in tree.find_all(nodes.Call):
        callee = call.node
        name = callee.name if isinstance(callee, nodes.Name) else getattr(callee, "attr", None)
        if name not in keywords:
            continue
        strings = tuple(
            arg.value if isinstance(arg, nodes.Const) and isinstance(arg.value, str) else None for arg in call.args
        )
        if not strings or strings[0] is None:
            continue
        yield call.lineno, name, strings if len(strings) > 1 else strings[0], []


# Skip folders that hold no marked messages (and the virtualenv, node_modules, the site).
def _wanted_dir(dirname: str) -> bool:
    parts = Path(dirname).parts
    return not any(part.startswith((".", "_")) or part in SKIP_DIRS for part in parts)


# Every marked message of the code and templates, as a template catalog (nothing written).
def extract() -> Catalog:
    with MAPPING.open(encoding="utf-8") as mapping:
        method_map, options_map = parse_mapping_cfg(mapping, filename=str(MAPPING))
    template = Catalog(project="Courtside", domain=DOMAIN, charset="utf-8", fuzzy=False,
                       header_comment="# Courtside's messages, extracted by `make i18n-extract`.\n#")
    found = extract_from_dir(
        ROOT, method_map, options_map, keywords=KEYWORDS, comment_tags=("Translators:",),
        strip_comment_tags=True, directory_filter=_wanted_dir,
    )
    for filename, lineno, message, comments, context in found:
        location = (Path(filename).as_posix(), lineno)
        template.add(message, None, [location], auto_comments=comments, context=context)
    return template


# Serialize a catalog the one way this project writes them.
def _po_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=100, sort_by_file=True, include_lineno=False, ignore_obsolete=True)
    return out.getvalue()


def _without_dates(data: bytes) -> bytes:
    return b"\n".join(line for line in data.splitlines() if not line.startswith(DATE_HEADERS))


# Write `data` to `path` unless only its dates would change; returns whether it wrote.
def _write_if_changed(path: Path, data: bytes) -> bool:
    if path.is_file() and _without_dates(path.read_bytes()) == _without_dates(data):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def _read(path: Path, language: str | None = None) -> Catalog:
    with path.open("rb") as po:
        return read_po(po, locale=language, domain=DOMAIN)


# A new, empty catalog for a language, with its plural rule.
def _new_catalog(language: str) -> Catalog:
    catalog = Catalog(locale=language, domain=DOMAIN, project="Courtside", charset="utf-8", fuzzy=False,
                      header_comment=f"# Courtside's messages in '{language}'.\n#")
    if language in PLURAL_FORMS:
        catalog.mime_headers = [*catalog.mime_headers, ("Plural-Forms", PLURAL_FORMS[language])]
    return catalog


# Extract the messages into courtside.pot, then bring every language's .po up to date
# (new messages empty, changed ones fuzzy, removed ones dropped). Returns the files written.
def update(languages: tuple[str, ...] = LANGUAGES) -> list[Path]:
    written = []
    if _write_if_changed(TEMPLATE, _po_bytes(extract())):
        written.append(TEMPLATE)
    template = _read(TEMPLATE)
    for language in languages:
        if language == SOURCE_LANGUAGE:
            continue
        path = po_path(language)
        catalog = _read(path, language) if path.is_file() else _new_catalog(language)
        catalog.update(template, update_header_comment=False, keep_user_comments=True)
        if _write_if_changed(path, _po_bytes(catalog)):
            written.append(path)
    return written


def _relative(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _shown(message: Message) -> str:
    return repr(message.id[0] if isinstance(message.id, tuple) else message.id)


# What stands between the code and complete catalogs: one line per problem, [] when none.
def check(languages: tuple[str, ...] = LANGUAGES) -> list[str]:
    problems: list[str] = []
    template = extract()
    wanted = {m.id for m in template if m.id}
    if not TEMPLATE.is_file():
        problems.append(f"{TEMPLATE.name}: missing (run `make i18n-extract`)")
    else:
        committed = {m.id for m in _read(TEMPLATE) if m.id}
        problems += [f"{TEMPLATE.name}: not extracted yet: {_shown(template[i])} (run `make i18n-extract`)"
                     for i in sorted(wanted - committed, key=str)]
    for language in languages:
        if language == SOURCE_LANGUAGE:
            continue
        path = po_path(language)
        if not path.is_file():
            problems.append(f"{language}: no catalog at {_relative(path)} (run `make i18n-extract`)")
            continue
        catalog = _read(path, language)
        expected_plurals = get_plural(language).num_plurals
        if catalog.num_plurals != expected_plurals:
            problems.append(f"{language}: Plural-Forms has {catalog.num_plurals} forms, the language has "
                            f"{expected_plurals}")
        for message in template:
            if not message.id:
                continue
            entry = catalog.get(message.id)
            if entry is None:
                problems.append(f"{language}: missing: {_shown(message)} (run `make i18n-extract`)")
            elif entry.fuzzy:
                problems.append(f"{language}: fuzzy (review, then remove the fuzzy flag): {_shown(message)}")
            elif not all(entry.string) if isinstance(entry.string, tuple | list) else not entry.string:
                problems.append(f"{language}: untranslated: {_shown(message)}")
        problems += [f"{language}: no longer in the code: {_shown(m)} (run `make i18n-extract`)"
                     for m in catalog if m.id and m.id not in wanted]
        for message, errors in catalog.check():
            if message.id and not message.fuzzy and message.string:
                problems += [f"{language}: {_shown(message)}: {error}" for error in errors]
    return problems


# Command line: `extract` (update everything) or `check` (list what is left; exit 1 if any).
def main(argv: list[str] | None = None) -> int:
    command = (argv if argv is not None else sys.argv[1:]) or ["check"]
    if command[0] in ("extract", "update"):
        for path in update():
            print(f"wrote {_relative(path)}")
        command = ["check"]
    if command[0] == "check":
        problems = check()
        for line in problems:
            print(line)
        print(f"{len(problems)} problem(s) in the catalogs" if problems else "catalogs complete")
        return 1 if problems else 0
    print(f"usage: python -m tools.catalogs [extract|check], not {command[0]!r}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
