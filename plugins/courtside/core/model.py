"""The validation model: what a valid engagement and `_policies.yml` look like.

Pydantic does the checking (types, ranges, unknown keys) so that the rules live in one
declarative place; `courtside schema` derives the JSON Schema from the same classes.
Every value that YAML could get subtly wrong (dates, percentages, money, times, codes)
has a small validator of its own so that one bad value gives one clear message.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from .workcal import FIRST, LAST, WEEKDAYS

LANGUAGES = ("en", "es", "ru", "ar")
"""Languages with built-in labels and sentences (one gettext catalog each)."""

SHARE_PATTERN = re.compile(r"[a-z0-9]{20,}")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*%")
TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


def _fail(kind: str, message: str, **context: Any) -> PydanticCustomError:
    """A validation error whose message is final text: pydantic fills in `{name}` only."""
    return PydanticCustomError(kind, message, context)


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
        text = "{" + ", ".join(f"{k}: {shown(v, width)}" for k, v in value.items()) + "}"
    elif isinstance(value, list | tuple):
        text = "[" + ", ".join(shown(v, width) for v in value) + "]"
    else:
        text = repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."


def _kind_of(value: Any) -> str:
    """What a wrong value is, in YAML terms: 'a list', 'a mapping', 'nothing'."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, dict):
        return f"a mapping {shown(value)}"
    if isinstance(value, list):
        return f"a list {shown(value)}"
    return shown(value)


# -- Scalar types -------------------------------------------------------------------------


def parse_iso_date(value: Any) -> date:
    """An ISO date inside the calendar's range; `2026-02-30` is an error, not a crash."""
    if isinstance(value, date):
        text = value.isoformat()
    elif isinstance(value, str) and ISO_DATE.fullmatch(value.strip()):
        text = value.strip()
    else:
        raise _fail("iso_date", "expected a date as YYYY-MM-DD, got {got}", got=_kind_of(value))
    try:
        parsed = date.fromisoformat(text)
    except ValueError:
        raise _fail("real_date", "{got} is not a real date (expected YYYY-MM-DD)", got=text) from None
    if not FIRST <= parsed <= LAST:
        raise _fail(
            "date_range",
            "{got} is outside the supported calendar ({first} to {last})",
            got=text,
            first=FIRST.isoformat(),
            last=LAST.isoformat(),
        )
    return parsed


def parse_percent(value: Any) -> Decimal:
    """`25%` as the fraction 0.25; bare numbers are refused because `25` is ambiguous."""
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        raise _fail(
            "percent",
            "expected a percentage like '20%', got the bare number {got}; write it with a % sign: {got}%",
            got=shown(value),
        )
    match = PERCENT.fullmatch(value.strip()) if isinstance(value, str) else None
    if not match:
        raise _fail(
            "percent", "expected a percentage from 0% to 100% like '20%', got {got}", got=_kind_of(value)
        )
    number = Decimal(match.group(1))
    if number > 100:
        raise _fail("percent_range", "expected a percentage from 0% to 100%, got {got}", got=value.strip())
    return number / 100


MONEY_LIMIT = Decimal(10) ** 15
"""Amounts stay below a quadrillion: larger ones are typos, and Decimal rounding needs room."""


def parse_money(value: Any) -> Decimal:
    """A decimal amount; YAML floats arrive as Decimal from the loader, never as float."""
    expected = "expected an amount like 12000 or 99.50, got {got}"
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
        raise _fail("money", expected, got=_kind_of(value))
    try:
        amount = Decimal(str(value).replace("_", "").strip())
    except InvalidOperation:
        raise _fail("money", expected, got=_kind_of(value)) from None
    if not amount.is_finite() or amount < 0:
        raise _fail("money", "expected an amount of 0 or more, got {got}", got=shown(value))
    if amount >= MONEY_LIMIT:
        raise _fail("money", "expected an amount below 1000000000000000, got {got}", got=shown(value))
    if amount.as_tuple().exponent < -6:  # type: ignore[operator]
        raise _fail("money", "expected at most 6 decimal places, got {got}", got=shown(value))
    return amount


def parse_amount(value: Any) -> Decimal | str:
    """A payment amount: a percentage of the fee (kept as its string) or money."""
    if isinstance(value, str) and value.strip().endswith("%"):
        parse_percent(value)
        return value.strip()
    amount = parse_money(value)
    if amount == 0:
        raise _fail("money", "expected an amount above 0, or a percentage like '30%', got 0")
    return amount


def parse_time(value: Any) -> str:
    """A time of day `HH:MM` (24-hour); the loader keeps unquoted `10:00` as text."""
    if isinstance(value, str) and TIME.fullmatch(value.strip()):
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        # Only a YAML 1.1 loader turns 10:00 into 600; say how to avoid it anyway.
        raise _fail("time", 'expected a time like "10:00" in quotes, got {got}', got=shown(value))
    raise _fail("time", 'expected a time like "10:00" (24-hour HH:MM), got {got}', got=_kind_of(value))


def parse_code(kind: str, pattern: str, example: str):
    """Uppercase codes (ISO 3166, ISO 4217); `NO` must stay Norway, never `false`."""

    def check(value: Any) -> str:
        if isinstance(value, bool):
            raise _fail(
                kind,
                f"expected {example}, got {{got}}: put codes like NO in quotes",
                got=shown(value),
            )
        if not isinstance(value, str) or not re.fullmatch(pattern, value.strip()):
            hint = ""
            if isinstance(value, str) and re.fullmatch(pattern, value.strip().upper()):
                hint = f" (write it in capitals: {value.strip().upper()})"
            raise _fail(kind, f"expected {example}, got {{got}}{{hint}}", got=_kind_of(value), hint=hint)
        return value.strip().upper() if kind == "currency" else value.strip()

    return check


# The ISO 4217 codes Babel knows (`babel.numbers.list_currencies()`, Babel 2.18; Babel gives
# their minor unit and symbol), written out: loading Babel's data to list them took 30 ms
# of every `courtside check`. tests/test_check_path.py keeps this equal to Babel's list.
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


def _check_currency(value: Any) -> str:
    """An ISO 4217 code that Babel knows (it gives the minor unit and the symbol)."""
    code = parse_code("currency", r"[A-Za-z]{3}", "an ISO 4217 currency code such as USD")(value)
    if code not in CURRENCIES:
        raise _fail(
            "currency", "{got} is not an ISO 4217 currency code; expected one such as USD, EUR", got=shown(code)
        )
    return code


def _check_language(value: Any) -> str:
    """One of the languages with built-in labels and sentences."""
    if value not in LANGUAGES:
        raise _fail(
            "language", "expected one of {known}, got {got}", known=", ".join(LANGUAGES), got=_kind_of(value)
        )
    return value


def _share(value: Any) -> str:
    """The secret part of the client page's URL: at least 20 of a-z and 0-9."""
    if isinstance(value, str) and SHARE_PATTERN.fullmatch(value):
        return value
    expected = "expected at least 20 characters of a-z and 0-9 (run `courtside rotate` for a new one)"
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        raise _fail("share", expected + ", got the number {got}; put it in quotes", got=shown(value))
    if not isinstance(value, str):
        raise _fail("share", expected + ", got {got}", got=_kind_of(value))
    if len(value) < 20:
        raise _fail("share", expected + ", got {count} characters", count=str(len(value)))
    bad = sorted({c for c in value if c not in "abcdefghijklmnopqrstuvwxyz0123456789"})
    what = "uppercase letters" if all(c.isupper() for c in bad) else "the characters " + " ".join(
        repr(c) for c in bad[:5]
    )
    raise _fail("share", expected + ", got {what}", what=what)


def _text(value: Any) -> str:
    """Some text: not blank, and not a number or true/false that YAML read as one."""
    if isinstance(value, str):
        if value.strip():
            return value
        raise _fail("text", "expected some text, got an empty value")
    if isinstance(value, bool | int | Decimal | date):
        raise _fail(
            "text", "expected text, got {got}; put it in quotes if it is meant as text", got=shown(value)
        )
    raise _fail("text", "expected text, got {got}", got=_kind_of(value))


def _email(value: Any) -> str:
    """An email address: something@somewhere, no spaces."""
    if isinstance(value, str) and re.fullmatch(r"[^@\s]+@[^@\s]+", value.strip()):
        return value.strip()
    raise _fail("email", "expected an email address like name@example.com, got {got}", got=_kind_of(value))


def _phone(value: Any) -> str:
    """A phone number as text; unquoted digits would lose a leading 0 or the +."""
    if isinstance(value, str) and value.strip():
        return value
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        raise _fail("phone", 'expected a phone number in quotes like "+1 555 0100", got {got}', got=shown(value))
    raise _fail("phone", 'expected a phone number like "+1 555 0100", got {got}', got=_kind_of(value))


def _range(value: Any) -> tuple[date, date]:
    """A `closed` entry: one date, or an inclusive range `2026-12-24..2027-01-01`."""
    if isinstance(value, str) and ".." in value:
        first_text, _, last_text = value.partition("..")
        first, last = parse_iso_date(first_text), parse_iso_date(last_text)
        if last < first:
            raise _fail("range", "the range {got} ends before it starts", got=value.strip())
        return (first, last)
    if not isinstance(value, str | date):
        raise _fail(
            "range", "expected a date (YYYY-MM-DD) or a range like 2026-12-24..2027-01-01, got {got}",
            got=_kind_of(value),
        )
    day = parse_iso_date(value)
    return (day, day)


def _range_json(value: tuple[date, date]) -> str:
    """A `closed` entry written back the way the user writes it."""
    first, last = value
    return first.isoformat() if first == last else f"{first.isoformat()}..{last.isoformat()}"


IsoDate = Annotated[
    date,
    BeforeValidator(parse_iso_date),
    WithJsonSchema({"type": "string", "format": "date"}),
]
Percent = Annotated[
    Decimal,
    BeforeValidator(parse_percent),
    PlainSerializer(lambda d: f"{(d * 100).normalize():f}%", return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^\d+(\.\d+)?\s*%$"}),
]
Money = Annotated[
    Decimal,
    BeforeValidator(parse_money),
    PlainSerializer(lambda d: str(d), return_type=str),
    WithJsonSchema({"type": ["number", "string"], "minimum": 0}),
]
Amount = Annotated[
    Decimal | str,  # a Decimal, or a percentage string like "30%"
    BeforeValidator(parse_amount),
    PlainSerializer(lambda v: str(v), return_type=str),
    WithJsonSchema(
        {"anyOf": [{"type": "number", "exclusiveMinimum": 0}, {"type": "string", "pattern": r"^\d+(\.\d+)?\s*%$"}]}
    ),
]
Time = Annotated[str, BeforeValidator(parse_time), WithJsonSchema({"type": "string", "pattern": TIME.pattern})]
Country = Annotated[
    str,
    BeforeValidator(parse_code("country", r"[A-Z]{2}", "a two-letter country code such as US")),
    WithJsonSchema({"type": "string", "pattern": "^[A-Z]{2}$"}),
]
Subdivision = Annotated[
    str,
    BeforeValidator(parse_code("subdivision", r"[A-Za-z0-9]{1,4}", "a subdivision code such as CA")),
    WithJsonSchema({"type": "string"}),
]
Currency = Annotated[
    str, BeforeValidator(_check_currency), WithJsonSchema({"type": "string", "pattern": "^[A-Z]{3}$"})
]
Language = Annotated[str, BeforeValidator(_check_language), WithJsonSchema({"enum": list(LANGUAGES)})]
Share = Annotated[str, BeforeValidator(_share), WithJsonSchema({"type": "string", "pattern": "^[a-z0-9]{20,}$"})]
DateRange = Annotated[
    tuple[date, date],
    BeforeValidator(_range),
    PlainSerializer(_range_json, return_type=str),
    WithJsonSchema(
        {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}(\.\.\d{4}-\d{2}-\d{2})?$"}
    ),
]
WorkingDays = Annotated[int, Field(strict=True, ge=1, le=2000)]
"""Whole working days. The upper bound keeps every date inside the calendar."""
Count = Annotated[int, Field(strict=True, ge=0, le=2000)]
Text = Annotated[str, BeforeValidator(_text), WithJsonSchema({"type": "string", "minLength": 1})]
Email = Annotated[str, BeforeValidator(_email), WithJsonSchema({"type": "string", "format": "email"})]
Phone = Annotated[str, BeforeValidator(_phone), WithJsonSchema({"type": "string"})]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
assert set(Weekday.__args__) == set(WEEKDAYS)  # type: ignore[attr-defined]


def _local_texts(value: Any) -> dict[str, list[str]]:
    """Free text given once (a list) or per language (`{en: [...], es: [...]}`).

    Stored as a mapping from language to list; a plain list is stored under `*`,
    the text for every language (see docs/policies.md for the fallback order).
    """

    def texts(items: Any) -> list[str]:
        if isinstance(items, str):
            items = [items]
        if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
            raise _fail(
                "texts",
                "expected a list of texts, or one list per language like {example}, got {got}",
                example="{en: [...], es: [...]}",
                got=_kind_of(items),
            )
        return [i.strip() for i in items]

    if isinstance(value, dict):
        out = {}
        for language, items in value.items():
            if language not in LANGUAGES:
                raise _fail(
                    "texts", "{got} is not a language code; expected one of {known}",
                    got=shown(language), known=", ".join(LANGUAGES),
                )
            out[language] = texts(items)
        return out
    return {"*": texts(value)}


LocalTexts = Annotated[
    dict[str, list[str]],
    BeforeValidator(_local_texts),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "array", "items": {"type": "string"}},
                {"type": "object", "propertyNames": {"enum": list(LANGUAGES)},
                 "additionalProperties": {"type": "array", "items": {"type": "string"}}},
            ]
        }
    ),
]


def pick_texts(texts: dict[str, list[str]], language: str) -> tuple[list[str], bool]:
    """The texts for `language`: its own, else the plain list, else English, else any.

    Returns the texts and whether they are a fallback in another language.
    """
    for key in (language, "*", "en", *texts):
        if key in texts:
            return texts[key], key not in (language, "*")
    return [], False


def _new_work(value: Any) -> str | int:
    """`turnaround.new_work`: 'scheduled', or a number of working days."""
    if value == "scheduled" or (isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 2000):
        return value
    raise _fail(
        "new_work",
        "expected 'scheduled' or a number of working days from 1 to 2000, got {got}",
        got=_kind_of(value),
    )


class Strict(BaseModel):
    """Every model refuses unknown keys: a typo must not silently drop a rule."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


# -- Policies -------------------------------------------------------------------------------


class Person(Strict):
    name: Text
    email: Email | None = None
    phone: Phone | None = None


class Studio(Strict):
    name: Text = "Our studio"
    contact: Person | None = None


class CalendarPolicy(Strict):
    country: Country | None = None
    subdivision: Subdivision | None = None
    workdays: Annotated[list[Weekday], Field(min_length=1)] = ["mon", "tue", "wed", "thu", "fri"]
    closed: list[DateRange] = []
    open: list[IsoDate] = []


class Communication(Strict):
    channels: LocalTexts = {"*": ["email"]}
    response: WorkingDays = 2
    email_hours: list[Time] = []


class Turnaround(Strict):
    changes: WorkingDays = 2
    new_work: Annotated[
        str | int,
        BeforeValidator(_new_work),
        WithJsonSchema({"anyOf": [{"const": "scheduled"}, {"type": "integer", "minimum": 1}]}),
    ] = "scheduled"


class PaymentPolicy(Strict):
    terms: Count = 15
    late_fee: Percent = Decimal("0")


class ClientConsequence(Strict):
    grace: Count = 5
    restart: Count = 10


class OurConsequence(Strict):
    discount: Percent = Decimal("0.05")
    cap: Percent = Decimal("0.20")


class Consequences(Strict):
    client: ClientConsequence = ClientConsequence()
    us: OurConsequence = OurConsequence()


class Responsibilities(Strict):
    us: LocalTexts = {}
    client: LocalTexts = {}


class Policies(Strict):
    """`projects/_policies.yml`: firm-wide defaults every engagement may override."""

    studio: Studio = Studio()
    language: Language = "en"
    currency: Currency = "USD"
    calendar: CalendarPolicy = CalendarPolicy()
    buffer: Percent = Decimal("0.20")
    communication: Communication = Communication()
    turnaround: Turnaround = Turnaround()
    payment: PaymentPolicy = PaymentPolicy()
    consequences: Consequences = Consequences()
    responsibilities: Responsibilities = Responsibilities()


# -- Engagements ----------------------------------------------------------------------------


class Hours(Strict):
    budget: Money
    spent: Money = Decimal("0")


class Contacts(Strict):
    client: Person
    us: Person | None = None


class Stage(Strict):
    name: Text
    owner: Literal["us", "client"]
    days: WorkingDays
    deliverables: list[Text] = []
    started: IsoDate | None = None
    done: IsoDate | None = None


class Payment(Strict):
    name: Text
    amount: Amount
    due: Text
    """`signing`, `start`, a stage name or a date; resolved in `load.check_engagement`."""
    gate: Annotated[bool, Field(strict=True)] = False
    paid: IsoDate | None = None


class Engagement(Policies):
    """One engagement file's front matter, merged over the policies."""

    client: Text
    project: Text
    share: Share | None = None
    fee: Money | None = None
    hours: Hours | None = None
    contacts: Contacts
    signed: IsoDate | None = None
    start: IsoDate | None = None
    status: Literal["on-hold", "cancelled"] | None = None
    stages: Annotated[list[Stage], Field(min_length=1)]
    payments: list[Payment] = []


POLICY_KEYS = frozenset(Policies.model_fields)
ENGAGEMENT_KEYS = frozenset(Engagement.model_fields)
