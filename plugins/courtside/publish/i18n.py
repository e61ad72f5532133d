"""Languages: gettext catalogs for words and sentences, Babel for dates, money, numbers.

English is the source language: messages are written in English in the code and the
templates, and `locale/<lang>/LC_MESSAGES/courtside.po` translates them. The .po files are
compiled the first time a language is used (no build step, no .mo files), with the plural
rule of the catalog's own `Plural-Forms` header (Russian three forms, Arabic six), and kept
compiled in the cache folder between builds (`kept_messages`).

Templates receive `_`, `gettext`, `ngettext` and `speech` (see `Speech.jinja_globals`).
Messages use named placeholders: `_("Your feedback is due on %(date)s", date=...)`;
`ngettext(singular, plural, n, **vars)` sets `num` to the localized `n`.

A message a catalog lacks (or has only as fuzzy or empty) is shown in English and recorded:
`missing_translations()` lists them and `report_missing(log)` logs them at build time.
The catalogs are managed with `make i18n-extract` (see `catalogs.py` and docs/languages.md).
"""

from __future__ import annotations

import gettext as stdlib_gettext
import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache, wraps
from pathlib import Path
from typing import Any

import babel
from babel import Locale
from babel.dates import format_date, match_skeleton
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal, format_percent
from markupsafe import Markup, escape

from ..cache import cache_dir, write_json
from ..core.languages import RIGHT_TO_LEFT as RTL

SOURCE_LANGUAGE = "en"
DOMAIN = "courtside"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"

# Digits per language: "latn" (0-9) or "arab" (Arabic-Indic ٠-٩). CLDR's plain `ar` writes
# Latin digits, as readers in the UAE, the Maghreb and international business expect; Egypt
# and Saudi Arabia commonly write Arabic-Indic ones: pass `digits="arab"` to choose them.
DIGITS: dict[str, str] = {"ar": "latn"}
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")

_missing: dict[str, set[str]] = {}


def _(message: str) -> str:
    """Marks a message for extraction where it is translated later (channel names below)."""
    return message


# Channel names that are translated: spelling variants -> the message (its English name).
CHANNELS: dict[str, str] = {
    "email": _("email"),
    "e-mail": _("email"),
    "mail": _("email"),
    "phone": _("phone"),
    "telephone": _("phone"),
    "phone call": _("phone"),
    "video call": _("video call"),
    "video": _("video call"),
    "videocall": _("video call"),
    "video-call": _("video call"),
    "in person": _("in person"),
    "in-person": _("in person"),
    "meeting": _("in person"),
    "sms": _("SMS"),
    "text message": _("SMS"),
    "whatsapp": _("WhatsApp"),
    "telegram": _("Telegram"),
    "slack": _("Slack"),
    "signal": _("Signal"),
    "zoom": _("Zoom"),
    "google meet": _("Google Meet"),
    "microsoft teams": _("Microsoft Teams"),
    "teams": _("Microsoft Teams"),
}


# Invisible direction marks that Babel writes around a currency symbol (Arabic money ends in one).
DIRECTION_MARKS = "\u200e\u200f\u061c"


def _one_period(message: str, variables: dict[str, Any]) -> str:
    """The message without the period after a placeholder whose value already ends in one.

    A sentence that ends in an amount of dirhams or riyals ("... ‏9,000.00 د.إ.‏") or, in
    Russian, in a date ("... 18 декабря 2026 г.") would otherwise end in two periods.
    Decided here, where every sentence of every language is filled.
    """
    for name, value in variables.items():
        if isinstance(value, str) and value.rstrip(DIRECTION_MARKS).endswith("."):
            message = message.replace(f"%({name})s.", f"%({name})s")
    return message


@dataclass(frozen=True)
class Messages:
    """One compiled catalog: translated messages and the language's plural rule."""

    language: str
    singular: dict[str, str] = field(default_factory=dict)
    plural: dict[str, tuple[str, ...]] = field(default_factory=dict)
    plural_index: Callable[[int], int] = lambda n: int(n != 1)
    num_plurals: int = 2
    plural_expr: str = "(n != 1)"  # the C expression `plural_index` was made from


# Compile a .po file: translated, non-fuzzy entries only; plural rule from its header.
def load_messages(path: Path, language: str) -> Messages:
    if not path.is_file():
        rule = get_plural(language)
        return _messages(language, {}, {}, rule.plural_expr, rule.num_plurals)
    with path.open("rb") as po:
        catalog = read_po(po, locale=language, domain=DOMAIN, ignore_obsolete=True)
    singular: dict[str, str] = {}
    plural: dict[str, tuple[str, ...]] = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, tuple):
            forms = tuple(message.string) if isinstance(message.string, tuple | list) else (message.string,)
            if len(forms) == catalog.num_plurals and all(forms):
                plural[message.id[0]] = forms
        elif message.string:
            singular[message.id] = message.string
    return _messages(language, singular, plural, catalog.plural_expr, catalog.num_plurals)


def _messages(
    language: str, singular: dict[str, str], plural: dict[str, tuple[str, ...]], plural_expr: str, num_plurals: int
) -> Messages:
    return Messages(language, singular, plural, stdlib_gettext.c2py(plural_expr), num_plurals, plural_expr)


def kept_messages(path: Path, language: str, root: Path | None = None) -> Messages:
    """`load_messages(path, language)`, kept compiled in the cache folder between builds.

    Reading the three .po files with Babel took about 60 ms of every build; the kept JSON
    files read in about 5 ms (docs/performance.md). It is named by a digest of the .po file's bytes, the language and
    Babel's version, so an edited catalog is compiled again; a kept file that cannot be
    read, or a cache folder that cannot be written, is only a catalog compiled as before.
    """
    try:
        source = path.read_bytes()
    except OSError:
        return load_messages(path, language)
    digest = hashlib.blake2b(source, digest_size=12, person=b"courtside-po")
    digest.update(f"{language}\0{babel.__version__}".encode())
    kept = (root or cache_dir()) / "catalogs" / f"{language}-{digest.hexdigest()}.json"
    try:
        data = json.loads(kept.read_bytes())
        return _messages(
            language,
            {str(k): str(v) for k, v in data["singular"].items()},
            {str(k): tuple(str(form) for form in v) for k, v in data["plural"].items()},
            str(data["plural_expr"]),
            int(data["num_plurals"]),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError, SyntaxError):
        pass  # not kept yet, or damaged: compiled again below
    messages = load_messages(path, language)
    write_json(kept, {
        "singular": messages.singular, "plural": messages.plural,
        "plural_expr": messages.plural_expr, "num_plurals": messages.num_plurals,
    })  # fmt: skip
    return messages


@cache
def _catalog(language: str, locale_dir: Path = LOCALE_DIR) -> Messages:
    """The compiled catalog of a language, read once per process."""
    return kept_messages(locale_dir / language / "LC_MESSAGES" / f"{DOMAIN}.po", language)


# Remember a message shown in English because `language` has no translation of it.
def _record_missing(language: str, message: str) -> None:
    _missing.setdefault(language, set()).add(message)


def _remembered(method: Callable[..., str]) -> Callable[..., str]:
    """Remember what a Speech formatted: the same dates, amounts and day counts recur on every
    page and calendar, and Babel's formatting was the largest part of building a client page's
    view (docs/performance.md). Keyed on the value's type and text, so Decimal("1.0") and
    Decimal("1.00") stay apart; forgotten past 50,000 entries. Added by the benchmarks task."""

    name = method.__name__

    @wraps(method)
    def remembered(self: Speech, value: Any, *args: Any, **kwargs: Any) -> str:
        # A date or an int is its own key (equal ones write the same); other values by their text.
        kind = type(value)
        key = (name, kind, value if kind is date or kind is int else str(value), args, tuple(sorted(kwargs.items())) if kwargs else ())
        found = self._formatted.get(key)
        if found is None:
            if len(self._formatted) >= 50_000:
                self._formatted.clear()
            found = self._formatted[key] = method(self, value, *args, **kwargs)
        return found

    return remembered


class Speech:
    """One language's words and formats, for one page."""

    def __init__(self, language: str, messages: Messages | None = None, digits: str | None = None):
        self.language = language
        self.direction = "rtl" if language in RTL else "ltr"
        self.locale = Locale.parse(language)
        if messages is None and language != SOURCE_LANGUAGE:
            messages = _catalog(language)
        self.messages = messages
        self.digits = digits or DIGITS.get(language, "latn")
        self._formatted: dict[tuple, str] = {}  # see _remembered
        self._patterns: dict[str, str] = {}  # see _pattern

    # Translate a message and fill its named placeholders.
    def gettext(self, message: str, **variables: Any) -> str:
        text = message
        if self.messages is not None:
            translated = self.messages.singular.get(message)
            if translated is None:
                _record_missing(self.language, message)
            else:
                text = translated
        return self._fill(text, message, variables)

    # Choose the plural form for `n` (Russian has three, Arabic six) and fill placeholders.
    def ngettext(self, singular: str, plural: str, n: int, **variables: Any) -> str:
        english = singular if n == 1 else plural
        text = english
        if self.messages is not None:
            forms = self.messages.plural.get(singular)
            if forms is None:
                _record_missing(self.language, singular)
            else:
                whole = int(n) == n
                index = self.messages.plural_index(abs(int(n))) if whole else len(forms) - 1
                text = forms[min(index, len(forms) - 1)]
        return self._fill(text, english, {"num": self.number(n), **variables})

    # Fill `%(name)s` placeholders; a translation with broken placeholders falls back to English.
    def _fill(self, text: str, english: str, variables: dict[str, Any]) -> str:
        if not variables:
            return text
        markup = False
        for value in variables.values():
            if isinstance(value, Markup):
                markup = True
                break
        # Only a placeholder followed by a period can lose it (the test is cheaper than the rule).
        if ")s." in text:
            text = _one_period(text, variables)
        if ")s." in english:
            english = _one_period(english, variables)
        for candidate in (text, english):
            try:
                return escape(candidate) % variables if markup else candidate % variables
            except (KeyError, ValueError, TypeError):
                if candidate is english:
                    raise
                _record_missing(self.language, english)
        raise AssertionError("unreachable")

    # Write digits the way this page's readers expect (see DIGITS).
    def _digits(self, text: str) -> str:
        return text.translate(ARABIC_INDIC) if self.digits == "arab" else text

    # A date the way the locale writes it: "March 12, 2026", "12 марта 2026 г.".
    @_remembered
    def date(self, value: date, form: str = "long") -> str:
        return self._digits(format_date(value, format=form, locale=self.locale))

    # A short date for tables: "Mar 12" / "12 мар.", with the year when it is not `this_year`.
    @_remembered
    def short_date(self, value: date, this_year: int | None = None) -> str:
        skeleton = "MMMd" if this_year is not None and value.year == this_year else "yMMMd"
        return self._digits(format_date(value, format=self._pattern(skeleton), locale=self.locale))

    # The locale's pattern for a skeleton, found once: Babel's `format_skeleton` searches the
    # locale's skeletons on every call (it was most of a page's formatting time).
    def _pattern(self, skeleton: str) -> str:
        pattern = self._patterns.get(skeleton)
        if pattern is None:
            matched = match_skeleton(skeleton, self.locale.datetime_skeletons) or skeleton
            pattern = self._patterns[skeleton] = str(self.locale.datetime_skeletons[matched])
        return pattern

    # Money with the currency's symbol and minor unit: "$12,000.00", "12 000,00 ₽", "¥12,000".
    @_remembered
    def money(self, amount: Decimal, currency: str) -> str:
        text = format_currency(amount, currency, locale=self.locale, numbering_system=self.digits)
        return self._digits(text)

    # A number with the locale's separators: "1,234.5", "1 234,5".
    @_remembered
    def number(self, value: int | Decimal) -> str:
        return self._digits(format_decimal(value, locale=self.locale, numbering_system=self.digits))

    # A percentage with up to two decimals, in the locale's pattern: "1.5%", "1,5 %".
    @_remembered
    def percent(self, fraction: Decimal) -> str:
        pattern = self.locale.percent_formats[None].pattern
        pattern = pattern.replace("#,##0", "#,##0.##", 1) if "#,##0" in pattern else "#,##0.##%"
        return self._digits(format_percent(fraction, format=pattern, locale=self.locale, numbering_system=self.digits))

    # "1 working day", "5 рабочих дней".
    def working_days(self, n: int) -> str:
        return self.ngettext("%(num)s working day", "%(num)s working days", n)

    # A channel name: built-in ones (email, phone, video call, ...) are translated, others kept.
    def channel(self, name: str) -> str:
        key = " ".join(name.replace("_", " ").split()).casefold()
        message = CHANNELS.get(key)
        if message is None:
            return name
        text = self.gettext(message)
        if name[:1].isupper() and message[:1].islower():
            text = text[:1].upper() + text[1:]
        return text

    # What templates get: `_`, `gettext`, `ngettext` and `speech`.
    def jinja_globals(self) -> dict[str, Any]:
        return {"_": self.gettext, "gettext": self.gettext, "ngettext": self.ngettext, "speech": self}


@cache
def speech_for(language: str, digits: str | None = None) -> Speech:
    """The (cached) speech of a language code from core.languages.LANGUAGES."""
    return Speech(language, digits=digits)


def missing_translations() -> dict[str, list[str]]:
    """Language -> messages that fell back to English so far (reported at build time)."""
    return {language: sorted(messages) for language, messages in sorted(_missing.items()) if messages}


# Add what another process recorded (a build's worker, which wrote some of the pages).
def record_missing(found: dict[str, list[str]]) -> None:
    for language, messages in found.items():
        _missing.setdefault(language, set()).update(messages)


# Log one warning per language whose pages showed English for a missing translation.
def report_missing(log: logging.Logger) -> None:
    for language, messages in missing_translations().items():
        listing = "; ".join(repr(m) for m in messages)
        log.warning(
            "courtside: %d message(s) have no '%s' translation and were shown in English "
            "(run `make i18n-extract` and translate %s): %s",
            len(messages), language, f"locale/{language}/LC_MESSAGES/{DOMAIN}.po", listing,
        )


# Forget what was recorded (a new build, or a test).
def clear_missing() -> None:
    _missing.clear()
