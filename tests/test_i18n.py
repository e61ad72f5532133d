"""Languages: plural forms, locale dates and money, the English fallback, complete catalogs.

Expected strings were checked by hand against each language's grammar (Russian: 1, 21 ->
"день"; 2-4, 22 -> "дня"; 5-20, 11 -> "дней"; Arabic: one and two have their own words,
3-10 take the plural "أيام", 11 and up the singular "يوم") and against CLDR's patterns as
Babel prints them (es "12 de marzo de 2026", ru "12 марта 2026 г.").
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import shutil
import sys
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from courtside.core.languages import LANGUAGES
from courtside.publish import i18n
from courtside.publish.i18n import Speech, load_messages, missing_translations, speech_for
from markupsafe import Markup

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # `tools` is a folder of the repository, not installed

from tools import catalogs  # noqa: E402

NBSP = "\xa0"
NNBSP = "\u202f"  # CLDR puts a narrow no-break space before Russian "г."
RLM = "\u200f"


@pytest.fixture(autouse=True)
def fresh_record():
    i18n.clear_missing()
    yield
    i18n.clear_missing()


# -- plural forms ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "1 рабочий день"),
        (2, "2 рабочих дня"),
        (5, "5 рабочих дней"),
        (11, "11 рабочих дней"),
        (21, "21 рабочий день"),
        (22, "22 рабочих дня"),
        (111, "111 рабочих дней"),
    ],
)
def test_russian_has_three_forms_of_working_days(n: int, expected: str) -> None:
    assert speech_for("ru").working_days(n) == expected


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "يوم عمل واحد"),  # one: the noun and "one" after it, no digit
        (2, "يوما عمل"),  # two: the dual, no digit
        (5, "5 أيام عمل"),  # 3-10: plural
        (11, "11 يوم عمل"),  # 11-99: singular
        (21, "21 يوم عمل"),
        (22, "22 يوم عمل"),
    ],
)
def test_arabic_working_days(n: int, expected: str) -> None:
    assert speech_for("ar").working_days(n) == expected


def test_arabic_catalog_chooses_among_six_forms() -> None:
    # GNU order: zero, one, two, 3-10, 11-99, 100-102 (last two digits 00-02 beyond 100).
    messages = speech_for("ar").messages
    assert messages is not None and messages.num_plurals == 6
    counts = [0, 1, 2, 3, 10, 11, 99, 100, 102, 103, 111, 1000]
    assert [messages.plural_index(n) for n in counts] == [0, 1, 2, 3, 3, 4, 4, 5, 5, 3, 4, 5]


def test_russian_catalog_has_three_forms() -> None:
    messages = speech_for("ru").messages
    assert messages is not None and messages.num_plurals == 3
    assert [messages.plural_index(n) for n in (1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101)] == [
        0, 1, 1, 2, 2, 2, 2, 0, 1, 2, 0,
    ]


@pytest.mark.parametrize(
    ("language", "one", "two"),
    [
        ("en", "1 working day", "2 working days"),
        ("es", "1 día hábil", "2 días hábiles"),
    ],
)
def test_english_and_spanish_singular_and_plural(language: str, one: str, two: str) -> None:
    speech = speech_for(language)
    assert (speech.working_days(1), speech.working_days(2)) == (one, two)


def test_num_is_the_localized_number() -> None:
    # Russian groups thousands with a no-break space; 1000 ends in 0 -> "дней".
    assert speech_for("ru").working_days(1000) == f"1{NBSP}000 рабочих дней"
    assert speech_for("es").working_days(1000) == "1.000 días hábiles"


# -- dates, money, numbers ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "long", "short_this_year", "short_other_year"),
    [
        ("en", "March 12, 2026", "Mar 12", "Mar 12, 2026"),
        ("es", "12 de marzo de 2026", "12 mar", "12 mar 2026"),
        ("ru", f"12 марта 2026{NNBSP}г.", "12 мар.", f"12 мар. 2026{NNBSP}г."),
        ("ar", "12 مارس 2026", "12 مارس", "12 مارس 2026"),
    ],
)
def test_dates_in_each_language(language: str, long: str, short_this_year: str, short_other_year: str) -> None:
    speech = speech_for(language)
    day = date(2026, 3, 12)
    assert speech.date(day) == long
    assert speech.short_date(day, this_year=2026) == short_this_year
    assert speech.short_date(day, this_year=2025) == short_other_year


@pytest.mark.parametrize(
    ("language", "usd", "jpy", "rub"),
    [
        ("en", "$12,000.50", "¥12,000", "RUB12,000.50"),
        ("es", f"12.000,50{NBSP}US$", f"12.000{NBSP}JPY", f"12.000,50{NBSP}RUB"),
        ("ru", f"12{NBSP}000,50{NBSP}$", f"12{NBSP}000{NBSP}¥", f"12{NBSP}000,50{NBSP}₽"),
        ("ar", f"{RLM}12,000.50{NBSP}US$", f"{RLM}12,000{NBSP}JP¥", f"{RLM}12,000.50{NBSP}RUB"),
    ],
)
def test_money_in_each_language(language: str, usd: str, jpy: str, rub: str) -> None:
    speech = speech_for(language)
    assert speech.money(Decimal("12000.50"), "USD") == usd
    assert speech.money(Decimal("12000"), "JPY") == jpy  # the yen has no minor unit
    assert speech.money(Decimal("12000.50"), "RUB") == rub


@pytest.mark.parametrize(
    ("language", "number", "percent"),
    [
        ("en", "1,234.5", "1.5%"),
        ("es", "1.234,5", f"1,5{NBSP}%"),
        ("ru", f"1{NBSP}234,5", f"1,5{NBSP}%"),
        ("ar", "1,234.5", "1.5%"),
    ],
)
def test_numbers_and_percentages(language: str, number: str, percent: str) -> None:
    speech = speech_for(language)
    assert speech.number(Decimal("1234.5")) == number
    assert speech.percent(Decimal("0.015")) == percent


def test_arabic_indic_digits_on_request() -> None:
    speech = Speech("ar", digits="arab")
    assert speech.date(date(2026, 3, 12)) == "١٢ مارس ٢٠٢٦"
    assert speech.money(Decimal("12000.50"), "SAR") == f"{RLM}١٢٬٠٠٠٫٥٠{NBSP}ر.س.{RLM}"
    assert speech.working_days(22) == "٢٢ يوم عمل"
    assert speech_for("ar").number(22) == "22"  # the default stays Latin


def test_direction_and_locale() -> None:
    assert [(speech_for(code).language, speech_for(code).direction) for code in LANGUAGES] == [
        ("en", "ltr"), ("es", "ltr"), ("ru", "ltr"), ("ar", "rtl"),
    ]
    assert str(speech_for("es").locale) == "es"


# -- channel names -----------------------------------------------------------------------


def test_known_channels_are_translated_and_others_kept() -> None:
    ru, es, ar = speech_for("ru"), speech_for("es"), speech_for("ar")
    assert ru.channel("email") == "электронная почта"
    assert ru.channel("E-mail") == "Электронная почта"  # capitalized as given
    assert es.channel("video call") == "videollamada"
    assert es.channel("in-person") == "reunión presencial"
    assert ar.channel("WhatsApp") == "واتساب"
    assert ar.channel("phone") == "الهاتف"
    assert ru.channel("Telegram") == "Telegram"
    assert ru.channel("Carrier pigeon") == "Carrier pigeon"
    assert speech_for("en").channel("Phone") == "Phone"
    assert missing_translations() == {}


# -- templates ---------------------------------------------------------------------------


def test_jinja_globals_translate_in_a_template() -> None:
    from jinja2 import Environment

    template = Environment(autoescape=True).from_string(
        "{{ _('email') }}|{{ ngettext('%(num)s working day', '%(num)s working days', 5) }}|{{ speech.language }}"
    )
    assert template.render(**speech_for("ru").jinja_globals()) == "электронная почта|5 рабочих дней|ru"


def test_markup_variables_escape_the_rest() -> None:
    speech = speech_for("en")
    text = speech.gettext("%(who)s & %(when)s", who="<b>", when=Markup("<time>today</time>"))
    assert isinstance(text, Markup)
    assert str(text) == "&lt;b&gt; &amp; <time>today</time>"


# -- falling back to English -------------------------------------------------------------

THROWAWAY_PO = """\
msgid ""
msgstr ""
"Language: es\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"
"Content-Type: text/plain; charset=utf-8\\n"

msgid "Hello"
msgstr "Hola"

#, fuzzy
msgid "Half done"
msgstr "A medias"

msgid "Untranslated"
msgstr ""

#, python-format
msgid "Due on %(date)s"
msgstr "Vence el %(fecha)s"
"""


@pytest.fixture
def throwaway_spanish(tmp_path: Path) -> Speech:
    po = tmp_path / "es.po"
    po.write_text(THROWAWAY_PO, encoding="utf-8")
    return Speech("es", messages=load_messages(po, "es"))


def test_missing_translation_falls_back_to_english_and_is_recorded(throwaway_spanish: Speech) -> None:
    speech = throwaway_spanish
    assert speech.gettext("Hello") == "Hola"
    assert speech.gettext("Not in the catalog") == "Not in the catalog"
    assert speech.gettext("Half done") == "Half done"  # fuzzy entries are not used
    assert speech.gettext("Untranslated") == "Untranslated"
    # A translation whose placeholder is misspelt must not crash the page.
    assert speech.gettext("Due on %(date)s", date="hoy") == "Due on hoy"
    assert speech.ngettext("%(num)s cat", "%(num)s cats", 2) == "2 cats"
    assert missing_translations() == {
        "es": ["%(num)s cat", "Due on %(date)s", "Half done", "Not in the catalog", "Untranslated"]
    }


def test_missing_translations_are_reported_in_the_log(
    throwaway_spanish: Speech, caplog: pytest.LogCaptureFixture
) -> None:
    throwaway_spanish.gettext("Not in the catalog")
    log = logging.getLogger("test.courtside")
    with caplog.at_level(logging.WARNING, logger="test.courtside"):
        i18n.report_missing(log)
    assert len(caplog.records) == 1
    assert "1 message(s) have no 'es' translation" in caplog.text
    assert "'Not in the catalog'" in caplog.text


def test_a_language_without_a_catalog_speaks_english(tmp_path: Path) -> None:
    speech = Speech("fr", messages=load_messages(tmp_path / "absent.po", "fr"))
    assert speech.working_days(2) == "2 working days"
    assert speech.date(date(2026, 3, 12)) == "12 mars 2026"  # Babel still knows the locale
    assert missing_translations() == {"fr": ["%(num)s working day"]}


def _same_catalog(kept: i18n.Messages, parsed: i18n.Messages) -> None:
    assert (kept.singular, kept.plural, kept.plural_expr, kept.num_plurals) == (
        parsed.singular, parsed.plural, parsed.plural_expr, parsed.num_plurals,
    )  # fmt: skip
    assert [kept.plural_index(n) for n in range(120)] == [parsed.plural_index(n) for n in range(120)]


@pytest.mark.parametrize("language", ["es", "ru", "ar"])
def test_a_kept_catalog_is_the_catalog_it_was_compiled_from(tmp_path: Path, language: str) -> None:
    po = i18n.LOCALE_DIR / language / "LC_MESSAGES" / "courtside.po"
    first = i18n.kept_messages(po, language, tmp_path)
    [kept] = (tmp_path / "catalogs").iterdir()
    written = kept.stat().st_mtime_ns
    again = i18n.kept_messages(po, language, tmp_path)  # read from the kept file
    assert kept.stat().st_mtime_ns == written
    parsed = load_messages(po, language)
    _same_catalog(first, parsed)
    _same_catalog(again, parsed)
    assert len(parsed.singular) > 300 and parsed.num_plurals == {"es": 2, "ru": 3, "ar": 6}[language]


def test_an_edited_catalog_is_compiled_again(tmp_path: Path) -> None:
    po = tmp_path / "es.po"
    po.write_text(THROWAWAY_PO, encoding="utf-8")
    assert Speech("es", messages=i18n.kept_messages(po, "es", tmp_path / "cache")).gettext("Hello") == "Hola"
    po.write_text(THROWAWAY_PO.replace('msgstr "Hola"', 'msgstr "Buenas"'), encoding="utf-8")
    assert Speech("es", messages=i18n.kept_messages(po, "es", tmp_path / "cache")).gettext("Hello") == "Buenas"


def test_a_damaged_kept_catalog_or_a_cache_that_cannot_be_written_is_compiled_again(tmp_path: Path) -> None:
    po = tmp_path / "es.po"
    po.write_text(THROWAWAY_PO, encoding="utf-8")
    i18n.kept_messages(po, "es", tmp_path / "cache")
    [kept] = (tmp_path / "cache" / "catalogs").iterdir()
    for damage in ('{"singular": ', '{"singular": [1, 2], "plural": 3}', '{"plural_expr": "n !!! 1"}'):
        kept.write_text(damage, encoding="utf-8")
        assert Speech("es", messages=i18n.kept_messages(po, "es", tmp_path / "cache")).gettext("Hello") == "Hola"
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would go\n")
    assert Speech("es", messages=i18n.kept_messages(po, "es", blocked)).gettext("Hello") == "Hola"
    assert blocked.read_text() == "a file where the cache folder would go\n"


def test_english_records_nothing() -> None:
    assert speech_for("en").gettext("Anything at all") == "Anything at all"
    assert missing_translations() == {}


# -- the catalogs ------------------------------------------------------------------------


def test_catalogs_are_complete() -> None:
    # Every marked message of the code and templates is translated in every language.
    problems = catalogs.check()
    assert problems == [], "\n".join(problems)


def test_check_lists_what_is_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locale_dir = tmp_path / "locale"
    shutil.copytree(i18n.LOCALE_DIR, locale_dir)
    monkeypatch.setattr(catalogs, "LOCALE_DIR", locale_dir)
    monkeypatch.setattr(catalogs, "TEMPLATE", locale_dir / "courtside.pot")
    before = set(catalogs.check())
    po = locale_dir / "es" / "LC_MESSAGES" / "courtside.po"
    text = po.read_text(encoding="utf-8")
    text = text.replace('msgid "phone"\nmsgstr "teléfono"\n', "")
    text = text.replace('msgid "email"\nmsgstr "correo electrónico"', 'msgid "email"\nmsgstr ""')
    text = text.replace('msgid "video call"\n', '#, fuzzy\nmsgid "video call"\n')
    po.write_text(text, encoding="utf-8")
    shutil.rmtree(locale_dir / "ru")
    problems = set(catalogs.check()) - before
    assert {p for p in problems if not p.startswith("ru:")} == {
        "es: missing: 'phone' (run `make i18n-extract`)",
        "es: untranslated: 'email'",
        "es: fuzzy (review, then remove the fuzzy flag): 'video call'",
    }
    assert [p[: len("ru: no catalog at")] for p in problems if p.startswith("ru:")] == ["ru: no catalog at"]


def test_extraction_sees_method_calls_and_template_attribute_calls(tmp_path: Path) -> None:
    source = (
        "{{ _('plain %(x)s', x=1) }}{{ speech.gettext('by method') }}"
        "{{ speech.ngettext('%(num)s thing', '%(num)s things', n) }}{{ other('not me') }}"
    )
    found = list(catalogs.extract_jinja(io.BytesIO(source.encode()), catalogs.KEYWORDS, [], {}))
    assert [message for _line, _name, message, _comments in found] == [
        "plain %(x)s", "by method", ("%(num)s thing", "%(num)s things", None),
    ]
    template = catalogs.extract()
    ids = {m.id for m in template if m.id}
    assert ("%(num)s working day", "%(num)s working days") in ids  # self.ngettext(...) in i18n.py
    assert "video call" in ids  # the channel names, marked with i18n._
    # Every template that marks messages is read through babel.cfg's mapping.
    marked = {
        path.relative_to(catalogs.ROOT).as_posix()
        for path in (catalogs.ROOT / "plugins/courtside/templates").rglob("*.html")
        if "_(" in path.read_text(encoding="utf-8")
    }
    extracted_from = {filename for m in template for filename, _line in m.locations}
    assert marked and marked <= extracted_from


# -- one engagement, built in every language ------------------------------------------------
#
# The same engagement (and the same proposal) in en, es, ru and ar, built by `mkdocs build`
# on 2026-04-10. Its free texts (names, stages, body) are in the page's language, so any
# English left on a non-English page is a built-in message that was not translated.

PAGE_TODAY = "2026-04-10"
PAGE_POLICIES = """\
studio:
  name: Northwind Studio
  contact: {name: Sam Lee, email: sam@northwind.example}
currency: EUR
calendar: {workdays: [mon, tue, wed, thu, fri]}
buffer: 20%
communication:
  channels: [email, phone, WhatsApp]
  response: 2
  email_hours: ["10:00", "15:00"]
turnaround: {changes: 1, new_work: 3}
payment: {terms: 15, late_fee: 1.5%}
consequences:
  client: {grace: 5, restart: 11}
  us: {discount: 5%, cap: 20%}
responsibilities:
  us:
    en: [Deliver each stage by its date]
    es: [Entregar cada etapa en su fecha]
    ru: [Сдавать каждый этап к его дате]
    ar: [تسليم كل مرحلة في موعدها]
  client:
    en: [Return feedback by its date]
    es: [Enviar los comentarios en su fecha]
    ru: [Присылать правки к их дате]
    ar: [إرسال الملاحظات في موعدها]
"""

# Per language: client, project, the four stages, the three payments, the body.
PAGE_WORDS = {
    "en": ("Acme Bakery", "Website", ["Materials", "Design", "Feedback", "Build"],
           ["Deposit", "Design approved", "Launch"], "The bakery's new website."),
    "es": ("Panadería Acme", "Sitio web", ["Materiales", "Diseño", "Comentarios", "Desarrollo"],
           ["Anticipo", "Diseño aprobado", "Lanzamiento"], "El nuevo sitio web de la panadería."),
    "ru": ("Пекарня «Акме»", "Сайт", ["Материалы", "Дизайн", "Правки", "Разработка"],
           ["Предоплата", "Дизайн согласован", "Запуск"], "Новый сайт пекарни."),
    "ar": ("مخبز أكمي", "الموقع الإلكتروني", ["المواد", "التصميم", "الملاحظات", "التطوير"],
           ["الدفعة المقدمة", "اعتماد التصميم", "الإطلاق"], "الموقع الجديد للمخبز."),
}


# One engagement file in `language`; `signed` False makes it a proposal.
def page_engagement(language: str, share: str, signed: bool) -> str:
    client, project, stages, pays, body = PAGE_WORDS[language]
    dates = {
        "materials": "started: 2026-03-09, done: 2026-03-11",
        "design": "done: 2026-03-24",  # promised 6 days from 03-12: due 03-19, 3 days late
    }
    signing = "signed: 2026-03-02\n" if signed else ""
    paid = ", paid: 2026-03-05" if signed else ""
    return f"""---
client: {client}
project: {project}
share: {share}
language: {language}
fee: 12000
contacts:
  client: {{name: Dana Ruiz, email: dana@acme.example}}
{signing}stages:
  - {{name: {stages[0]}, owner: client, days: 3{", " + dates["materials"] if signed else ""}}}
  - {{name: {stages[1]}, owner: us, days: 5{", " + dates["design"] if signed else ""}}}
  - {{name: {stages[2]}, owner: client, days: 3}}
  - {{name: {stages[3]}, owner: us, days: 5}}
payments:
  - {{name: {pays[0]}, amount: 30%, due: signing{paid}}}
  - {{name: {pays[1]}, amount: 40%, due: {stages[1]}}}
  - {{name: {pays[2]}, amount: 30%, due: {stages[3]}}}
---
{body}
"""


def page_share(language: str, signed: bool) -> str:
    # A readable start, then random-looking characters: a share with a pattern is refused.
    name = f"{'signed' if signed else 'proposal'}{language}"
    return (name + hashlib.sha256(name.encode()).hexdigest())[:24]


@pytest.fixture(scope="module")
def pages_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import run_build

    root = tmp_path_factory.mktemp("languages")
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    projects = root / "projects"
    projects.mkdir()
    (projects / "_policies.yml").write_text(PAGE_POLICIES, encoding="utf-8")
    for language in LANGUAGES:
        for signed in (True, False):
            name = f"{'signed' if signed else 'proposal'}-{language}.md"
            (projects / name).write_text(page_engagement(language, page_share(language, signed), signed), "utf-8")
    config = root / "mkdocs.yml"
    config.write_text(
        "site_name: Languages\nsite_url: https://studio.example/\ntheme:\n  name: material\n  font: false\n"
        "plugins:\n  - courtside:\n      projects: projects\n",
        encoding="utf-8",
    )
    result = run_build(config, root / "site", today=PAGE_TODAY)
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    return root / "site"


class ElementTexts(HTMLParser):
    """The text of every element without a block inside (a sentence, a label, a cell), whole,
    inline children included; and the <html> attributes."""

    VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"})
    BLOCK = frozenset({
        "html", "head", "body", "main", "header", "footer", "section", "article", "nav", "aside", "div", "p",
        "ul", "ol", "li", "dl", "dt", "dd", "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
        "h1", "h2", "h3", "h4", "h5", "h6", "figure", "figcaption", "svg", "g", "pre", "blockquote",
    })

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, list[str], list[bool]]] = []  # tag, text, has a block inside
        self.texts: list[str] = []
        self.html_attrs: dict[str, str | None] = {}
        self.hidden = 0

    def _attributes(self, attrs: list[tuple[str, str | None]]) -> None:
        self.texts += [value for name, value in attrs if name in ("title", "aria-label", "alt") and value]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html":
            self.html_attrs = dict(attrs)
        self._attributes(attrs)
        if tag in ("script", "style"):
            self.hidden += 1
        if tag in self.BLOCK:
            for _tag, _text, has_block in self.open:
                has_block[:] = [True]
        if tag not in self.VOID:
            self.open.append((tag, [], [False]))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._attributes(attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.hidden -= 1
        if tag in self.VOID or not self.open:
            return
        _tag, parts, has_block = self.open.pop()
        # Collapse ASCII white space only: no-break spaces belong to numbers and dates.
        text = re.sub(r"[ \t\r\n\f]+", " ", "".join(parts)).strip()
        if text and not has_block[0]:
            self.texts.append(text)

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            for _tag, parts, _has_block in self.open:
                parts.append(data)


def parse_page(path: Path) -> ElementTexts:
    parser = ElementTexts()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


# The English messages as patterns (placeholders match anything), skipping those that a
# language writes the same way (brand names, "%(client)s: %(project)s").
def english_patterns(language: str) -> list[tuple[str, re.Pattern[str]]]:
    catalog = catalogs._read(catalogs.po_path(language), language) if language != "en" else None
    patterns = []
    for message in catalogs._read(catalogs.TEMPLATE):
        if not message.id:
            continue
        english = message.id if isinstance(message.id, tuple) else (message.id,)
        if catalog is not None:
            entry = catalog.get(message.id)
            translated = entry.string if isinstance(entry.string, tuple) else (entry.string,)
            english = tuple(text for text in english if text not in translated)
        for text in english:
            literal = re.sub(r"%\(\w+\)s", "", text)
            if not re.search(r"[A-Za-z]{2}", literal):
                continue
            parts = [re.escape(part) for part in re.split(r"%\(\w+\)s", text)]
            patterns.append((text, re.compile(".+?".join(parts))))
    return patterns


# The element texts of a page that are an English message, whole.
def english_left(page: ElementTexts, language: str) -> set[str]:
    patterns = english_patterns(language)
    return {text for text in page.texts for _msgid, pattern in patterns if pattern.fullmatch(text)}


@pytest.mark.parametrize("signed", [True, False], ids=["signed", "proposal"])
def test_english_detector_finds_english_on_the_english_page(pages_site: Path, signed: bool) -> None:
    # The check below must be able to fail: on the English page it finds the UI strings.
    page = parse_page(pages_site / "c" / page_share("en", signed) / "index.html")
    found = english_left(page, "en")
    assert "Who is responsible for what" in found
    assert "Payment schedule" in found
    assert len(found) >= 30


@pytest.mark.parametrize("language", ["es", "ru", "ar"])
@pytest.mark.parametrize("signed", [True, False], ids=["signed", "proposal"])
def test_no_english_ui_string_on_a_translated_page(pages_site: Path, language: str, signed: bool) -> None:
    page = parse_page(pages_site / "c" / page_share(language, signed) / "index.html")
    assert english_left(page, language) == set()


@pytest.mark.parametrize(
    ("language", "direction"), [("en", "ltr"), ("es", "ltr"), ("ru", "ltr"), ("ar", "rtl")]
)
def test_each_page_has_its_own_lang_and_dir(pages_site: Path, language: str, direction: str) -> None:
    for signed in (True, False):
        page = parse_page(pages_site / "c" / page_share(language, signed) / "index.html")
        assert page.html_attrs == {"lang": language, "dir": direction}


# What each signed page must say, written out by hand: the day the client finished
# "Materials" (done: 2026-03-11) as a long date, the fee (12000 EUR) and our credit for
# "Design" (3 working days late = 1 started week, 5% of 12000 = 600 EUR); the plural forms of
# the response time (2), the turnaround for changes (1), the grace (5) and the restart (11).
PAGE_FACTS = {
    "en": ["March 11, 2026", "€12,000.00", "€600.00", "2 working days", "1 working day", "5 working days",
           "11 working days"],
    "es": ["11 de marzo de 2026", f"12.000,00{NBSP}€", f"600,00{NBSP}€", "2 días hábiles", "1 día hábil",
           "5 días hábiles", "11 días hábiles"],
    "ru": [f"11 марта 2026{NNBSP}г.", f"12{NBSP}000,00{NBSP}€", f"600,00{NBSP}€", "2 рабочих дня",
           "1 рабочий день", "5 рабочих дней", "11 рабочих дней"],
    "ar": ["11 مارس 2026", f"{RLM}12,000.00{NBSP}€", f"{RLM}600.00{NBSP}€", "يوما عمل", "يوم عمل واحد",
           "5 أيام عمل", "11 يوم عمل"],
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_locale_dates_money_and_plurals_on_the_page(pages_site: Path, language: str) -> None:
    page = parse_page(pages_site / "c" / page_share(language, True) / "index.html")
    text = "\n".join(page.texts)
    missing = [fact for fact in PAGE_FACTS[language] if fact not in text]
    assert missing == []


def test_rendering_every_language_needs_no_fallback(tmp_path: Path) -> None:
    # In-process: the views and the template of every page, then nothing fell back to English.
    from types import SimpleNamespace

    from courtside.publish.views import client_view
    from courtside.sources.folder import evaluate_folder
    from jinja2 import Environment, FileSystemLoader

    (tmp_path / "_policies.yml").write_text(PAGE_POLICIES, encoding="utf-8")
    for language in LANGUAGES:
        for signed in (True, False):
            name = f"{'signed' if signed else 'proposal'}-{language}.md"
            (tmp_path / name).write_text(page_engagement(language, page_share(language, signed), signed), "utf-8")
    board = evaluate_folder(tmp_path, date.fromisoformat(PAGE_TODAY))
    assert len(board.snapshots) == 8 and not board.broken
    environment = Environment(loader=FileSystemLoader(Path(i18n.__file__).parent.parent / "templates"))
    template = environment.get_template("courtside/client.html")
    for snapshot in board.snapshots:
        view = client_view(snapshot)
        html_text = template.render(
            courtside=view, page=SimpleNamespace(content="<p>x</p>"), base_url=".", **view.jinja_globals()
        )
        assert f'lang="{snapshot.terms.language}"' in html_text
    assert missing_translations() == {}


def test_a_build_falls_back_to_english_and_reports_the_missing_translation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, request: pytest.FixtureRequest
) -> None:
    # A real (in-process) mkdocs build of a Spanish engagement whose catalog lacks "Payments".
    import dataclasses

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    spanish = i18n._catalog("es")
    assert spanish.singular["Payments"] == "Pagos"
    lacking = dataclasses.replace(spanish, singular={k: v for k, v in spanish.singular.items() if k != "Payments"})
    monkeypatch.setattr(i18n, "_catalog", lambda language, *args: lacking if language == "es" else spanish)
    # Speeches are cached with their catalogs: start from fresh ones, and leave fresh ones behind.
    i18n.speech_for.cache_clear()
    request.addfinalizer(i18n.speech_for.cache_clear)
    projects = tmp_path / "projects"
    projects.mkdir()
    (projects / "_policies.yml").write_text(PAGE_POLICIES, encoding="utf-8")
    (projects / "es.md").write_text(page_engagement("es", page_share("es", True), True), encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Test\ntheme: {name: material, font: false}\n"
        f"plugins: [{{courtside: {{projects: projects, today: '{PAGE_TODAY}'}}}}]\n",
        encoding="utf-8",
    )
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.courtside"):
        build(load_config(str(tmp_path / "mkdocs.yml"), site_dir=str(tmp_path / "site")))
    page = (tmp_path / "site" / "c" / page_share("es", True) / "index.html").read_text(encoding="utf-8")
    assert ">Payments<" in page and "Pagos" not in page  # English stands in, nothing crashed
    assert "have no 'es' translation" in caplog.text and "'Payments'" in caplog.text
