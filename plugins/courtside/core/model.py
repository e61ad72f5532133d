"""The validation model: what a valid engagement and `_policies.yml` look like.

Pydantic does the checking (types, ranges, unknown keys) so that the rules live in one
declarative place; `courtside schema` derives the JSON Schema from the same classes.
Every value that YAML could get subtly wrong (dates, percentages, money, times, codes)
has a small validator of its own so that one bad value gives one clear message.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
    create_model,
)

from .values import (
    LANGUAGES,
    SHARE_PATTERN,
    TIME,
    BadValue,
    kind_of,
    parse_amount,
    parse_country,
    parse_currency,
    parse_email,
    parse_iso_date,
    parse_language,
    parse_local_texts,
    parse_money,
    parse_new_work,
    parse_percent,
    parse_phone,
    parse_range,
    parse_share,
    parse_subdivision,
    parse_text,
    parse_time,
    parse_timezone,
    pick_texts,
    shown,
)
from .workcal import WEEKDAYS

__all__ = ["LANGUAGES", "SHARE_PATTERN", "BadValue", "kind_of", "parse_iso_date", "pick_texts", "shown"]


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
    BeforeValidator(parse_country),
    WithJsonSchema({"type": "string", "pattern": "^[A-Z]{2}$"}),
]
Subdivision = Annotated[
    str,
    BeforeValidator(parse_subdivision),
    WithJsonSchema({"type": "string"}),
]
TimeZone = Annotated[
    str,
    BeforeValidator(parse_timezone),
    WithJsonSchema({"type": "string"}),
]
Currency = Annotated[
    str, BeforeValidator(parse_currency), WithJsonSchema({"type": "string", "pattern": "^[A-Z]{3}$"})
]
Language = Annotated[str, BeforeValidator(parse_language), WithJsonSchema({"enum": list(LANGUAGES)})]
Share = Annotated[
    str, BeforeValidator(parse_share), WithJsonSchema({"type": "string", "pattern": "^[a-z0-9]{20,64}$"})
]
DateRange = Annotated[
    tuple[date, date],
    BeforeValidator(parse_range),
    PlainSerializer(_range_json, return_type=str),
    WithJsonSchema(
        {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}(\.\.\d{4}-\d{2}-\d{2})?$"}
    ),
]
VERSION_LENGTH = 12
"""Hex digits of an agreement's version (`courtside version`): short enough for a mail subject."""


def parse_version(value: Any) -> str:
    """An agreement's version, as `courtside version ID` prints it: 12 hex digits."""
    if isinstance(value, str) and len(value.strip()) == VERSION_LENGTH:
        text = value.strip().lower()
        if all(c in "0123456789abcdef" for c in text):
            return text
    raise BadValue(
        f"expected the {VERSION_LENGTH}-character version `courtside version ID` prints, like "
        f"'3f9a1c2b7d4e', got {shown(value) if isinstance(value, str) else kind_of(value)}"
    )


def parse_local_note(value: Any) -> dict[str, list[str]]:
    """A note given once (a text) or per language (`{en: ..., es: ...}`), stored like the
    policies' free texts (`parse_local_texts`), one item per language."""
    if isinstance(value, str):
        value = [value]
    elif isinstance(value, dict):
        value = {key: [text] if isinstance(text, str) else text for key, text in value.items()}
    texts = parse_local_texts(value)
    if any(len(items) != 1 for items in texts.values()):
        raise BadValue("expected one text, or one text per language like {en: ..., es: ...}")
    return texts


Version = Annotated[
    str,
    BeforeValidator(parse_version),
    WithJsonSchema({"type": "string", "pattern": f"^[0-9a-f]{{{VERSION_LENGTH}}}$"}),
]
LocalNote = Annotated[
    dict[str, list[str]],
    BeforeValidator(parse_local_note),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "minLength": 1},
                {"type": "object", "propertyNames": {"enum": list(LANGUAGES)},
                 "additionalProperties": {"type": "string", "minLength": 1}},
            ]
        }
    ),
]
WorkingDays = Annotated[int, Field(strict=True, ge=1, le=2000)]
"""Whole working days. The upper bound keeps every date inside the calendar."""
Count = Annotated[int, Field(strict=True, ge=0, le=2000)]
Text = Annotated[str, BeforeValidator(parse_text), WithJsonSchema({"type": "string", "minLength": 1})]
Email = Annotated[str, BeforeValidator(parse_email), WithJsonSchema({"type": "string", "format": "email"})]
Phone = Annotated[str, BeforeValidator(parse_phone), WithJsonSchema({"type": "string"})]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
assert set(Weekday.__args__) == set(WEEKDAYS)  # type: ignore[attr-defined]


LocalTexts = Annotated[
    dict[str, list[str]],
    BeforeValidator(parse_local_texts),
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


class Strict(BaseModel):
    """Every model refuses unknown keys: a typo must not silently drop a rule."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


# -- Policies -------------------------------------------------------------------------------

MAX_STAGES = 100
"""Stages in one engagement: a long project has a few dozen; past this it is a mistake (a
pasted list, a generated file), and the page, timeline and calendar stay readable below it."""
MAX_PAYMENTS = 100
MAX_ITEMS = 100
"""Deliverables of a stage, email hours: far past any real list."""
MAX_DAYS_LISTED = 1000
"""Entries of `calendar.closed` or `calendar.open`: years of days off, kept in one file."""


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
    closed: Annotated[list[DateRange], Field(max_length=MAX_DAYS_LISTED)] = []
    open: Annotated[list[IsoDate], Field(max_length=MAX_DAYS_LISTED)] = []


class Communication(Strict):
    channels: LocalTexts = {"*": ["email"]}
    response: WorkingDays = 2
    email_hours: Annotated[list[Time], Field(max_length=MAX_ITEMS)] = []
    timezone: TimeZone | None = None  # of `email_hours`; the client page names it


class Turnaround(Strict):
    changes: WorkingDays = 2
    new_work: Annotated[
        str | int,
        BeforeValidator(parse_new_work),
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


ReminderDays = Annotated[int, Field(strict=True, ge=1, le=365)]
"""Days before or after a due date: calendar days for payments, working days for stages."""


class PaymentCadence(Strict):
    """When an unpaid invoice is chased: calendar days around its due date."""

    before: list[ReminderDays] = [7, 1]
    on_due: Annotated[bool, Field(strict=True)] = True
    after: list[ReminderDays] = [2, 7, 14]


class StageCadence(Strict):
    """When a client stage is chased: working days around its promised due date."""

    before: list[ReminderDays] = [2]
    on_due: Annotated[bool, Field(strict=True)] = True
    after: list[ReminderDays] = [1, 3, 5]


def switch(example: str) -> Any:
    """A parser for a cadence: `false` turns it off (None), `true` means the defaults, a mapping
    sets them; anything else is refused with `example` (a mapping the user could write)."""

    def parse(value: Any) -> Any:
        if isinstance(value, BaseModel):  # inherited from the policies, already validated
            return value
        if value is False:
            return None
        if value is True:
            return {}
        if isinstance(value, dict):
            return value
        hint = ""
        if isinstance(value, str) and value.strip().lower() in ("no", "off", "yes", "on"):
            hint = f"; write {'false' if value.strip().lower() in ('no', 'off') else 'true'} instead of {value.strip()}"
        raise BadValue(f"expected false (off), true (the defaults) or a mapping like {example}, got {kind_of(value)}{hint}")

    return parse


def _on_or_off(schema: dict[str, Any]) -> None:
    """In the JSON Schema, `false`/`true` stand where pydantic writes null (None is "off")."""
    schema["anyOf"] = [part if part != {"type": "null"} else {"type": "boolean"} for part in schema["anyOf"]]


def on_or_off(model: type[BaseModel], example: str) -> Any:
    """A cadence that may be `false` (None: off), `true` (the defaults) or a mapping."""
    return Annotated[model | None, BeforeValidator(switch(example)), Field(json_schema_extra=_on_or_off)]


class ReminderPolicy(Strict):
    """`reminders`: which reminders `courtside remind --send` sends, and on which days."""

    payments: on_or_off(PaymentCadence, "{before: [7, 1], on_due: true, after: [2, 7, 14]}") = PaymentCadence()  # type: ignore[valid-type]
    stages: on_or_off(StageCadence, "{before: [2], on_due: true, after: [1, 3, 5]}") = StageCadence()  # type: ignore[valid-type]


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
    reminders: on_or_off(ReminderPolicy, "{payments: {after: [3, 10]}, stages: false}") = ReminderPolicy()  # type: ignore[valid-type]


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
    deliverables: Annotated[list[Text], Field(max_length=MAX_ITEMS)] = []
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
    stages: Annotated[list[Stage], Field(min_length=1, max_length=MAX_STAGES)]
    payments: Annotated[list[Payment], Field(max_length=MAX_PAYMENTS)] = []
    accepted: Acceptance | None = None


POLICY_KEYS = frozenset(Policies.model_fields)
ENGAGEMENT_KEYS = frozenset(Engagement.model_fields)


# -- History: acceptance and announced policy changes (docs/guide/history.md) ----------------------


class Acceptance(Strict):
    """`accepted: {by, on, version}`: the client accepted this version of the agreement on this day."""

    by: Text
    on: IsoDate
    version: Version


def _overrides_model() -> type[BaseModel]:
    """`set` of a policy change: any policy key, each validated like the policies, none required.

    Made from `Policies` itself so that a key added there can be announced too."""
    fields: dict[str, Any] = {
        name: (info.rebuild_annotation() | None, None) for name, info in Policies.model_fields.items()
    }
    return create_model("PolicyOverrides", __base__=Strict, **fields)


PolicyOverrides = _overrides_model()


class PolicyChange(Strict):
    """One announced change of `_policies.yml`: `set` applies from `from`, told `announce` days before."""

    from_: IsoDate = Field(alias="from")
    announce: Count = 30
    set: PolicyOverrides  # type: ignore[valid-type]
    note: LocalNote | None = None


class PoliciesFile(Policies):
    """`projects/_policies.yml` as written: the policies, and the changes announced for them."""

    changes: list[PolicyChange] = []
