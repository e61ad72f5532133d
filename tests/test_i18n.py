"""Languages: plural forms, locale dates and money, the English fallback, complete catalogs.

Expected strings were checked by hand against each language's grammar (Russian: 1, 21 ->
"день"; 2-4, 22 -> "дня"; 5-20, 11 -> "дней"; Arabic: one and two have their own words,
3-10 take the plural "أيام", 11 and up the singular "يوم") and against CLDR's patterns as
Babel prints them (es "12 de marzo de 2026", ru "12 марта 2026 г.").
"""

from __future__ import annotations

import io
import logging
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from courtside.publish import catalogs, i18n
from courtside.publish.i18n import Speech, load_messages, missing_translations, speech_for
from markupsafe import Markup

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
    assert [(speech_for(code).language, speech_for(code).direction) for code in i18n.LANGUAGES] == [
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
