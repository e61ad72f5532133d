"""Single values as a user writes them: dates, percentages, money, times, codes, names.

Each parser takes what YAML gave (or what a command-line flag holds) and returns the value,
or raises `BadValue` whose text is the final message for the user ("expected ..., got ...").
The validation model (`model.py`) wraps each one as a field type; the `courtside` command
uses the same ones for its flags, without loading the model. Only the standard library is
imported here.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from difflib import get_close_matches
from functools import cache, lru_cache
from typing import Any

from .answers import keep, kept
from .languages import LANGUAGES
from .problems import printable
from .workcal import FIRST, LAST

SHARE_PATTERN = re.compile(r"[a-z0-9]{20,}")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*%")
TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


class BadValue(ValueError):
    """A value that is not what its field expects; the text says what was expected and got."""


def shown(value: Any, width: int = 40) -> str:
    """A value as the user wrote it in YAML, for a message: `'five'`, `2.5`, `[1, 2]`, `null`."""
    if value is None:
        text = "null"
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, Decimal):
        text = f"{value:f}" if abs(value.adjusted()) < 20 else str(value)
    elif isinstance(value, int | date):
        text = str(value)
    elif isinstance(value, str):
        text = repr(" ".join(value.split()) if len(value) > width else value)
    elif isinstance(value, dict):
        keys = (printable(str(k)) for k in value)  # controls escaped
        text = "{" + ", ".join(f"{k}: {shown(v, width)}" for k, v in zip(keys, value.values(), strict=True)) + "}"
    elif isinstance(value, list | tuple):
        text = "[" + ", ".join(shown(v, width) for v in value) + "]"
    else:
        text = repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."


def kind_of(value: Any) -> str:
    """What a wrong value is, in YAML terms: 'a list', 'a mapping', 'nothing'."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, dict):
        return f"a mapping {shown(value)}"
    if isinstance(value, list):
        return f"a list {shown(value)}"
    return shown(value)


# -- Dates --------------------------------------------------------------------------------------


def utc_text(moment: datetime) -> str:
    """A moment as Courtside writes it (board.json's `built_at`, the sent log, `sent_at`):
    ISO 8601 in UTC to the second, `2026-11-20T06:30:02Z`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso_date(value: Any) -> date:
    """An ISO date inside the calendar's range; `2026-02-30` is an error, not a crash."""
    if isinstance(value, date):
        return _date_in_range(value.isoformat())
    if isinstance(value, str):
        return _date_of_text(value)
    raise BadValue(f"expected a date as YYYY-MM-DD, got {kind_of(value)}")


# The same dates recur in every file (1,000 generated engagements: 11,000 dates, 2,500
# different ones): each text is read once per process, a third of the time it took.
@lru_cache(maxsize=8192)
def _date_of_text(value: str) -> date:
    """`parse_iso_date` of a text."""
    if not ISO_DATE.fullmatch(value.strip()):
        raise BadValue(f"expected a date as YYYY-MM-DD, got {kind_of(value)}")
    return _date_in_range(value.strip())


def _date_in_range(text: str) -> date:
    """The date `text` (YYYY-MM-DD) names, if it is a real one inside the calendar's range."""
    try:
        parsed = date.fromisoformat(text)
    except ValueError:
        raise BadValue(f"{text} is not a real date (expected YYYY-MM-DD)") from None
    if not FIRST <= parsed <= LAST:
        raise BadValue(f"{text} is outside the supported calendar ({FIRST.isoformat()} to {LAST.isoformat()})")
    return parsed


def parse_range(value: Any) -> tuple[date, date]:
    """A `closed` entry: one date, or an inclusive range `2026-12-24..2027-01-01`."""
    if isinstance(value, str) and ".." in value:
        first_text, _, last_text = value.partition("..")
        first, last = parse_iso_date(first_text), parse_iso_date(last_text)
        if last < first:
            raise BadValue(f"the range {value.strip()} ends before it starts")
        return (first, last)
    if not isinstance(value, str | date):
        raise BadValue(
            f"expected a date (YYYY-MM-DD) or a range like 2026-12-24..2027-01-01, got {kind_of(value)}"
        )
    day = parse_iso_date(value)
    return (day, day)


@dataclass(frozen=True)
class Today:
    """The day everything is computed for, and where it came from (None: the real date)."""

    day: date
    source: str | None


def today_from(candidates: list[tuple[str, str, Any]], real_date: date) -> Today:
    """The first candidate that is set (a date, or ISO text), else the real date.

    Each candidate is (file, field, value), as a problem would name it. Each caller lists its
    sources in its own order of precedence: the build puts `COURTSIDE_TODAY` before the
    plugin's `today` option; the command puts `--today` before `COURTSIDE_TODAY`. A candidate
    that is set but not a date is an error naming it.
    """
    from .problems import Invalid, Problem

    for file, field, value in candidates:
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        try:
            return Today(parse_iso_date(value.strip() if isinstance(value, str) else value), field or file)
        except BadValue as exc:
            raise Invalid([Problem(file, 1, field, str(exc))]) from None
    return Today(real_date, None)


# -- Numbers -----------------------------------------------------------------------------------


def parse_percent(value: Any) -> Decimal:
    """`25%` as the fraction 0.25; bare numbers are refused because `25` is ambiguous."""
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        got = shown(value)
        raise BadValue(f"expected a percentage like '20%', got the bare number {got}; write it with a % sign: {got}%")
    match = PERCENT.fullmatch(value.strip()) if isinstance(value, str) else None
    if not match:
        raise BadValue(f"expected a percentage from 0% to 100% like '20%', got {kind_of(value)}")
    number = Decimal(match.group(1))
    if number > 100:
        raise BadValue(f"expected a percentage from 0% to 100%, got {value.strip()}")
    return number / 100


GROUPED = re.compile(r"\d{1,3}(?:[,' ]\d{3})+(?:\.\d+)?")
"""An amount written with thousands separators, `18,000` or `18 000`: YAML reads it as text."""

MONEY_LIMIT = Decimal(10) ** 15
"""Amounts stay below a quadrillion: larger ones are typos, and Decimal rounding needs room."""


def parse_money(value: Any) -> Decimal:
    """A decimal amount; YAML floats arrive as Decimal from the loader, never as float."""
    expected = "expected an amount like 12000 or 99.50, got {got}"
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
        raise BadValue(expected.format(got=kind_of(value)))
    try:
        amount = Decimal(str(value).replace("_", "").strip())
    except InvalidOperation:
        if isinstance(value, str) and GROUPED.fullmatch(value.strip()):
            plain = re.sub(r"[,\s']", "", value.strip())
            raise BadValue(f"expected an amount like 12000 or 99.50, got {shown(value)}; write it without "
                           f"thousands separators: {plain}") from None
        raise BadValue(expected.format(got=kind_of(value))) from None
    if not amount.is_finite() or amount < 0:
        raise BadValue(f"expected an amount of 0 or more, got {shown(value)}")
    if amount >= MONEY_LIMIT:
        raise BadValue(f"expected an amount below 1000000000000000, got {shown(value)}")
    if amount.as_tuple().exponent < -6:  # type: ignore[operator]
        raise BadValue(f"expected at most 6 decimal places, got {shown(value)}")
    return amount


def parse_amount(value: Any) -> Decimal | str:
    """A payment amount: a percentage of the fee (kept as its string) or money."""
    if isinstance(value, str) and value.strip().endswith("%"):
        parse_percent(value)
        return value.strip()
    amount = parse_money(value)
    if amount == 0:
        raise BadValue("expected an amount above 0, or a percentage like '30%', got 0")
    return amount


def parse_time(value: Any) -> str:
    """A time of day `HH:MM` (24-hour); the loader keeps unquoted `10:00` as text."""
    if isinstance(value, str) and TIME.fullmatch(value.strip()):
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        # Only a YAML 1.1 loader turns 10:00 into 600; say how to avoid it anyway.
        raise BadValue(f'expected a time like "10:00" in quotes, got {shown(value)}')
    raise BadValue(f'expected a time like "10:00" (24-hour HH:MM), got {kind_of(value)}')


def parse_new_work(value: Any) -> str | int:
    """`turnaround.new_work`: 'scheduled', or a number of working days."""
    if value == "scheduled" or (isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 2000):
        return value
    raise BadValue(f"expected 'scheduled' or a number of working days from 1 to 2000, got {kind_of(value)}")


# -- Codes ---------------------------------------------------------------------------------------


def code_parser(kind: str, pattern: str, example: str):
    """Uppercase codes (ISO 3166, ISO 4217); `NO` must stay Norway, never `false`."""

    def check(value: Any) -> str:
        if isinstance(value, bool):
            raise BadValue(f"expected {example}, got {shown(value)}: put codes like NO in quotes")
        if not isinstance(value, str) or not re.fullmatch(pattern, value.strip()):
            hint = ""
            if isinstance(value, str) and re.fullmatch(pattern, value.strip().upper()):
                hint = f" (write it in capitals: {value.strip().upper()})"
            raise BadValue(f"expected {example}, got {kind_of(value)}{hint}")
        return value.strip().upper() if kind == "currency" else value.strip()

    return check


parse_country = code_parser("country", r"[A-Z]{2}", "a two-letter country code such as US")


def parse_subdivision(value: Any) -> str:
    """A subdivision of the calendar's country: its code (`CA`, `VC`) or a name the `holidays`
    package knows (`California`). Which ones exist depends on the country, so the calendar
    check (validate.py) says what is expected, with that country's codes."""
    if isinstance(value, bool):
        raise BadValue(f"expected a subdivision code such as CA, got {shown(value)}: put codes like NO in quotes")
    if isinstance(value, int):
        return str(value)  # some countries number them (`subdivision: 1`); the calendar check decides
    if not isinstance(value, str) or not value.strip():
        raise BadValue(f"expected a subdivision code such as CA, got {kind_of(value)}")
    return one_line(value, "a subdivision", 60).strip()

# The ISO 4217 codes Babel knows (`babel.numbers.list_currencies()`, Babel 2.18; Babel gives
# their minor unit and symbol), written out: loading Babel's data to list them took 30 ms
# of every `courtside check`. tests/test_validation.py keeps this equal to Babel's list.
_ISO_4217 = (
    "ADP AED AFA AFN ALK ALL AMD ANG AOA AOK AON AOR ARA ARL ARM ARP ARS ATS AUD AWG AZM AZN BAD "
    "BAM BAN BBD BDT BEC BEF BEL BGL BGM BGN BGO BHD BIF BMD BND BOB BOL BOP BOV BRB BRC BRE BRL "
    "BRN BRR BRZ BSD BTN BUK BWP BYB BYN BYR BZD CAD CDF CHE CHF CHW CLE CLF CLP CNH CNX CNY COP "
    "COU CRC CSD CSK CUC CUP CVE CYP CZK DDM DEM DJF DKK DOP DZD ECS ECV EEK EGP ERN ESA ESB ESP "
    "ETB EUR FIM FJD FKP FRF GBP GEK GEL GHC GHS GIP GMD GNF GNS GQE GRD GTQ GWE GWP GYD HKD HNL "
    "HRD HRK HTG HUF IDR IEP ILP ILR ILS INR IQD IRR ISJ ISK ITL JMD JOD JPY KES KGS KHR KMF KPW "
    "KRH KRO KRW KWD KYD KZT LAK LBP LKR LRD LSL LTL LTT LUC LUF LUL LVL LVR LYD MAD MAF MCF MDC "
    "MDL MGA MGF MKD MKN MLF MMK MNT MOP MRO MRU MTL MTP MUR MVP MVR MWK MXN MXP MXV MYR MZE MZM "
    "MZN NAD NGN NIC NIO NLG NOK NPR NZD OMR PAB PEI PEN PES PGK PHP PKR PLN PLZ PTE PYG QAR RHD "
    "ROL RON RSD RUB RUR RWF SAR SBD SCR SDD SDG SDP SEK SGD SHP SIT SKK SLE SLL SOS SRD SRG SSP "
    "STD STN SUR SVC SYP SZL THB TJR TJS TMM TMT TND TOP TPE TRL TRY TTD TWD TZS UAH UAK UGS UGX "
    "USD USN USS UYI UYP UYU UYW UZS VEB VED VEF VES VND VNN VUV WST XAF XAG XAU XBA XBB XBC XBD "
    "XCD XCG XDR XEU XFO XFU XOF XPD XPF XPT XRE XSU XTS XUA XXX YDD YER YUD YUM YUN YUR ZAL ZAR "
    "ZMK ZMW ZRN ZRZ ZWD ZWG ZWL ZWR"
)
CURRENCIES = frozenset(_ISO_4217.split())


def parse_currency(value: Any) -> str:
    """An ISO 4217 code that Babel knows (it gives the minor unit and the symbol)."""
    code = code_parser("currency", r"[A-Za-z]{3}", "an ISO 4217 currency code such as USD")(value)
    if code not in CURRENCIES:
        raise BadValue(f"{shown(code)} is not an ISO 4217 currency code; expected one such as USD, EUR")
    return code


# The currencies whose minor unit is not 2 decimal places, from CLDR as Babel 2.18 gives it
# (`babel.numbers.get_currency_precision`), written out so that `courtside check` never loads
# Babel's data; every other code of CURRENCIES has 2. tests/test_validation.py keeps this equal
# to Babel's answer for every code.
_DIGITS = {
    0: "ADP AFN ALL BIF BYR CLP DJF ESP GNF IQD IRR ISK ITL JPY KMF KPW KRW LAK LBP LUF MGA MGF MMK "
    "MRO PYG RSD RWF SLL SOS STD SYP TMM TRL UGX UYI VND VUV XAF XOF XPF YER ZMK ZWD",
    3: "BHD JOD KWD LYD OMR TND",
    4: "CLF UYW",
}
CURRENCY_DIGITS = {code: digits for digits, codes in _DIGITS.items() for code in codes.split()}


def currency_digits(currency: str) -> int:
    """Decimal places of `currency`'s minor unit: 2 for USD and EUR, 0 for JPY, 3 for KWD."""
    return CURRENCY_DIGITS.get(currency, 2)


def money_precision_problem(amount: Decimal, currency: str) -> str | None:
    """Why `amount` (as written) is finer than `currency`'s minor unit, or None when it is not.

    `18.000` in EUR is read as 18 by a decimal reader and 18,000 by a reader who groups
    thousands with a point: neither is guessed, the message says how to write each.
    """
    digits = currency_digits(currency)
    places = -amount.as_tuple().exponent  # type: ignore[operator]
    if places <= digits:
        return None
    text = f"{amount:f}"
    if THOUSANDS_WITH_POINTS.fullmatch(text):
        whole = text.replace(".", "")
        most = f"at most {digits} decimal places" if digits else "no decimal places"
        return (
            f"{text} has {places} decimal places, but {currency} amounts have {most}; write {whole} "
            f"if you meant {text.replace('.', ' ')} (a point is never read as a thousands separator)"
        )
    rounded = amount.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    most = f"at most {digits} decimal places" if digits else "no decimal places"
    written = f"{places} decimal place{'s' if places != 1 else ''}"
    return f"{text} has {written}, but {currency} amounts have {most}; expected an amount like {rounded:f}"


THOUSANDS_WITH_POINTS = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+")


def parse_language(value: Any) -> str:
    """One of the languages with built-in labels and sentences."""
    if value not in LANGUAGES:
        raise BadValue(f"expected one of {', '.join(LANGUAGES)}, got {kind_of(value)}")
    return value


# -- Text -----------------------------------------------------------------------------------------


SHARE_EXPECTED = "expected at least 20 characters of a-z and 0-9 (run `courtside rotate` for a new one)"
SHARE_MAX = 64
"""The longest share: a folder name of the site (file systems stop at 255 bytes), and 64
random characters are far past guessing already."""
SHARE_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
_SHARE_POSITION = {char: index for index, char in enumerate(SHARE_ALPHABET)}  # a dict: 46,000 lookups per 1,000 files
SHARE_MIN_DISTINCT = 10
"""A random share of 20 characters has about 15 different ones: 10 or fewer is a pattern."""
SHARE_MAX_RUN = 5
"""The longest run of equal or consecutive characters (`aaaaa`, `abcde`, `54321`) a share may
hold: a random share of 26 characters has a longer one about once in a million."""


def guessable_share(share: str) -> str | None:
    """Why a well-formed share is easy to guess (a pattern, not chance), or None.

    `courtside new` and `courtside rotate` draw shares that never match (scaffold.new_share).
    """
    distinct = len(set(share))
    if distinct < SHARE_MIN_DISTINCT:
        return f"only {distinct} different character{'s' if distinct != 1 else ''}"
    run, longest, step = 1, 1, None
    for before, after in zip(share, share[1:], strict=False):
        gap = _SHARE_POSITION[after] - _SHARE_POSITION[before]
        if gap in (-1, 0, 1) and (run == 1 or gap == step):
            run, step = run + 1, gap
        else:
            run, step = (2, gap) if gap in (-1, 0, 1) else (1, None)
        longest = max(longest, run)
    if longest > SHARE_MAX_RUN:
        return f"a run of {longest} equal or consecutive characters"
    return None


def parse_share(value: Any) -> str:
    """The secret part of the client page's URL: 20 to 64 of a-z and 0-9, with no pattern."""
    if isinstance(value, str) and SHARE_PATTERN.fullmatch(value):
        if len(value) > SHARE_MAX:
            raise BadValue(f"expected at most {SHARE_MAX} characters, got {len(value)} (run `courtside rotate` for a new one)")
        pattern = guessable_share(value)
        if pattern:
            raise BadValue(
                f"this share is easy to guess ({pattern}); expected a random one: "
                "run `courtside rotate` for a new one"
            )
        return value
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        raise BadValue(f"{SHARE_EXPECTED}, got the number {shown(value)}; put it in quotes")
    if not isinstance(value, str):
        raise BadValue(f"{SHARE_EXPECTED}, got {kind_of(value)}")
    if len(value) < 20:
        raise BadValue(f"{SHARE_EXPECTED}, got {len(value)} characters")
    bad = sorted({c for c in value if c not in "abcdefghijklmnopqrstuvwxyz0123456789"})
    what = "uppercase letters" if all(c.isupper() for c in bad) else "the characters " + " ".join(
        repr(c) for c in bad[:5]
    )
    raise BadValue(f"{SHARE_EXPECTED}, got {what}")


NAME_LIMIT = 200
"""Characters in a name (a client, a stage, a payment, a person): a line on a page, not a text."""
TEXT_LIMIT = 1000
"""Characters in a free text item (a responsibility, a channel)."""

# Characters never allowed in a name or a text item: C0 and C1 controls (NUL, ESC, ...),
# line breaks, and the bidi embeddings, overrides and isolates that reorder what follows
# them on screen (a "Trojan source" name reads differently from what it is).
_LINE_BREAKS = "\n\r\x0b\x0c\x85\u2028\u2029"
_BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_REFUSED = re.compile(f"[\x00-\x1f\x7f-\x9f{_LINE_BREAKS}{_BIDI_CONTROLS}]")
# Invisible characters that make two names look alike: zero-width spaces and joiners, word
# joiner, byte order mark, soft hyphen, direction marks. Kept in a name as written (a ZWNJ
# is part of Persian spelling) but ignored when two names are compared.
_INVISIBLE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u2060-\u2064\ufeff]")


def _refused_character(char: str) -> str:
    """A refused character as a message names it: `U+001B (a control character)`."""
    if char in _LINE_BREAKS:
        kind = "a line break"
    elif char in _BIDI_CONTROLS:
        kind = "a bidi control, which reorders the text after it on screen"
    else:
        kind = "a control character"
    return f"U+{ord(char):04X} ({kind})"


def one_line(value: str, what: str, limit: int = NAME_LIMIT) -> str:
    """`value` in Unicode NFC, if it is one line of visible text of at most `limit` characters;
    BadValue naming the first refused character otherwise."""
    refused = refused_in_name(value.strip())
    if refused:
        raise BadValue(f"{what} cannot hold {refused}; expected one line of plain text")
    if len(value) > limit:
        raise BadValue(f"expected {what} of at most {limit} characters, got {len(value):,}")
    return unicodedata.normalize("NFC", value.strip())


_REFUSED_IN_BODY = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI_CONTROLS}]")


def refused_in_body(text: str) -> tuple[int, str] | None:
    """The first character the page's Markdown text cannot hold (a control character, a bidi
    override; line breaks and tabs are fine), as (position, how a message names it)."""
    found = _REFUSED_IN_BODY.search(text)
    return None if found is None else (found.start(), _refused_character(found.group()))


def refused_in_name(text: str) -> str | None:
    """How a message names the first character a name cannot hold (see `one_line`), or None."""
    found = _REFUSED.search(text)
    return None if found is None else _refused_character(found.group())


@lru_cache(maxsize=8192)  # a payment's due is compared with every stage name: 23,000 calls per 1,000 files
def name_key(name: str) -> str:
    """What two names are compared by: NFC, without invisible characters, spaces collapsed.

    `Design`, `Design\u200b` and `Design` spelt with a decomposed accent are one name.
    """
    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", name))
    return " ".join(text.split())


def parse_text(value: Any) -> str:
    """A name: one line of text, not blank, and not a number or true/false that YAML read as one."""
    if isinstance(value, str):
        return _name(value)
    if isinstance(value, bool | int | Decimal | date):
        raise BadValue(f"expected text, got {shown(value)}; put it in quotes if it is meant as text")
    raise BadValue(f"expected text, got {kind_of(value)}")


# Names recur across files (stage and payment names, contacts: 1,000 generated engagements
# hold 19,000 names, a few thousand different ones): each is checked once per process.
@lru_cache(maxsize=8192)
def _name(value: str) -> str:
    """`parse_text` of a text."""
    if value.strip():
        return one_line(value, "a name")
    raise BadValue("expected some text, got an empty value")


EMAIL_EXPECTED = "expected an email address like name@example.com"


def parse_email(value: Any) -> str:
    """An email address as a mail program reads one (RFC 5321/5322, by `email-validator`).

    Nothing that could turn a `mailto:` link into something else: `x@y.example?bcc=...` is
    refused, and so are quoted local parts, IP literals and reserved domains (`.test`,
    `.invalid`, `localhost`). The domain is not looked up: no network.
    """
    if not isinstance(value, str) or not value.strip():
        raise BadValue(f"{EMAIL_EXPECTED}, got {kind_of(value)}")
    return _email(value.strip())


@lru_cache(maxsize=4096)
def _email(text: str) -> str:
    """`text` validated and normalized (remembered: the studio's address repeats in every file).

    email-validator rather than `email.headerregistry`: the standard library accepts
    `x@y.example?bcc=z` (`?` and `=` are atext in a domain's dot-atom), which is exactly the
    address that must be refused. Imported here, when an address is first read that the kept
    answers (`answers.py`) do not already hold as valid and written in its normal form: they
    hold a digest of each such address, never the address itself.
    """
    if _REFUSED.search(text):
        raise BadValue(f"{EMAIL_EXPECTED}, got {shown(text)}")
    key = hashlib.blake2b(text.encode("utf-8"), digest_size=16, person=b"courtside-mail").hexdigest()
    if kept("address", key) is True:
        return text
    from email_validator import EmailNotValidError, validate_email

    try:
        normalized = validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        reason = str(exc).rstrip(".")
        raise BadValue(f"{EMAIL_EXPECTED}, got {shown(text)}: {reason[:1].lower()}{reason[1:]}") from None
    if normalized == text:
        keep("address", key, True)
    return normalized


def parse_phone(value: Any) -> str:
    """A phone number as text; unquoted digits would lose a leading 0 or the +."""
    if isinstance(value, str) and value.strip():
        return one_line(value, "a phone number", 40)
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        raise BadValue(f'expected a phone number in quotes like "+1 555 0100", got {shown(value)}')
    raise BadValue(f'expected a phone number like "+1 555 0100", got {kind_of(value)}')


def parse_local_texts(value: Any) -> dict[str, list[str]]:
    """Free text given once (a list) or per language (`{en: [...], es: [...]}`).

    Stored as a mapping from language to list; a plain list is stored under `*`,
    the text for every language (see docs/guide/policies.md for the fallback order).
    """

    def texts(items: Any) -> list[str]:
        if isinstance(items, str):
            items = [items]
        if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
            raise BadValue(
                "expected a list of texts, or one list per language like {en: [...], es: [...]}, "
                f"got {kind_of(items)}"
            )
        return [one_line(i.strip(), "a text", TEXT_LIMIT) for i in items]

    if isinstance(value, dict):
        out = {}
        for language, items in value.items():
            if language not in LANGUAGES:
                raise BadValue(f"{shown(language)} is not a language code; expected one of {', '.join(LANGUAGES)}")
            out[language] = texts(items)
        return out
    return {"*": texts(value)}


def pick_texts(texts: dict[str, list[str]], language: str) -> tuple[list[str], bool]:
    """The texts for `language`: its own, else the plain list, else English, else any.

    Returns the texts and whether they are a fallback in another language.
    """
    for key in (language, "*", "en", *texts):
        if key in texts:
            return texts[key], key not in (language, "*")
    return [], False


# -- Time zones -----------------------------------------------------------------------------------


@cache
def _zones() -> dict[str, str]:
    """Every IANA zone name the standard library knows, by its case-folded spelling."""
    import zoneinfo

    return {name.casefold(): name for name in zoneinfo.available_timezones()}


@cache
def _packaged_zones() -> frozenset[str]:
    """The zones the `tzdata` package lists, each one that `zoneinfo.available_timezones()` also
    gives: that function reads this list, then walks and opens the system's zone files too (75 ms
    of `courtside check`'s start-up, for one `timezone` in the policies). Read from the package's
    folder, not by `importlib.resources` (30 ms to import); empty if it cannot be read."""
    try:
        import tzdata

        with open(os.path.join(os.path.dirname(tzdata.__file__), "zones"), encoding="utf-8") as listed:
            return frozenset(line.strip() for line in listed) - {""}
    except (ImportError, OSError, TypeError):  # no tzdata, or not as a folder: the slow way
        return frozenset()


def parse_timezone(value: Any) -> str:
    """An IANA time zone such as `America/Los_Angeles`, as the standard library's `zoneinfo`
    knows it; a near miss gets a suggestion ("did you mean Europe/Madrid?")."""
    example = "an IANA time zone such as Europe/Madrid or America/Los_Angeles"
    if not isinstance(value, str) or not value.strip():
        raise BadValue(f"expected {example}, got {kind_of(value)}")
    text = value.strip()
    if text in _packaged_zones():  # the usual case, without listing the system's zones
        return text
    zones = _zones()
    if text in zones.values():
        return text
    spelled = zones.get(text.replace(" ", "_").casefold())
    if spelled is not None:
        raise BadValue(f"{shown(text)} is not an IANA time zone as written; write it {spelled}")
    city = text.rsplit("/", 1)[-1].replace(" ", "_").casefold()
    by_city = sorted(name for key, name in zones.items() if key.rsplit("/", 1)[-1] == city)
    close = by_city or get_close_matches(text, sorted(zones.values()), n=1, cutoff=0.85)
    hint = f"; did you mean {close[0]}?" if close else f"; expected {example}"
    raise BadValue(f"{shown(text)} is not an IANA time zone{hint}")
