"""Languages: gettext catalogs for words and sentences, Babel for dates, money, numbers.

STUB (English only) that fixes the API; the i18n work replaces the internals with compiled
catalogs for es, ru, ar while keeping every name and signature below.

Templates receive `_`, `gettext`, `ngettext` and `speech` (see `Speech.jinja_globals`).
Messages use named placeholders: `_("Your feedback is due on %(date)s", date=...)`;
`ngettext(singular, plural, n, **vars)` sets `num` to the localized `n`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent

LANGUAGES = ("en", "es", "ru", "ar")
RTL = frozenset({"ar"})


class Speech:
    """One language's words and formats, for one page."""

    def __init__(self, language: str):
        self.language = language
        self.direction = "rtl" if language in RTL else "ltr"
        self.locale = Locale.parse(language)

    # Translate a message and fill its named placeholders.
    def gettext(self, message: str, **variables: Any) -> str:
        return message % variables if variables else message

    # Choose the plural form for `n` (Russian has three, Arabic six) and fill placeholders.
    def ngettext(self, singular: str, plural: str, n: int, **variables: Any) -> str:
        text = singular if n == 1 else plural
        return text % {"num": self.number(n), **variables}

    # A date the way the locale writes it: "12 March 2026", "12 марта 2026 г.".
    def date(self, value: date, form: str = "long") -> str:
        return format_date(value, format=form, locale=self.locale)

    # A short date for tables: "Mar 12" style, with the year when it is not `this_year`.
    def short_date(self, value: date, this_year: int | None = None) -> str:
        if this_year is not None and value.year == this_year:
            return format_date(value, format="d MMM", locale=self.locale)
        return format_date(value, format="medium", locale=self.locale)

    # Money with the currency's symbol and minor unit: "$12,000.00", "12 000,00 ₽".
    def money(self, amount: Decimal, currency: str) -> str:
        return format_currency(amount, currency, locale=self.locale)

    def number(self, value: int | Decimal) -> str:
        return format_decimal(value, locale=self.locale)

    def percent(self, fraction: Decimal) -> str:
        return format_percent(fraction, locale=self.locale, format="#,##0.##%")

    # "1 working day", "5 рабочих дней".
    def working_days(self, n: int) -> str:
        return self.ngettext("%(num)s working day", "%(num)s working days", n)

    # A channel name: built-in ones (email, phone, video call, ...) are translated.
    def channel(self, name: str) -> str:
        return self.gettext(name)

    # What templates get: `_`, `gettext`, `ngettext` and `speech`.
    def jinja_globals(self) -> dict[str, Any]:
        return {"_": self.gettext, "gettext": self.gettext, "ngettext": self.ngettext, "speech": self}


@cache
def speech_for(language: str) -> Speech:
    """The (cached) speech of a language code from model.LANGUAGES."""
    return Speech(language)


def missing_translations() -> dict[str, list[str]]:
    """Language -> messages that fell back to English so far (reported at build time)."""
    return {}
