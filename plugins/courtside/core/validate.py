"""Validation: an engagement's text merged over the policies, checked field by field and across fields.

Text in, a `Loaded` engagement (valid terms, body, working-day calendar) or a `Broken` one
(every problem found, and what could still be read: id, share, client, project) out. No
file is opened here: the text comes from `pipeline.Source` (a folder, a git commit, a test).
All problems of a file are collected; nothing stops at the first.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ValidationError

from .model import (
    ENGAGEMENT_KEYS,
    MAX_PAYMENTS,
    MAX_STAGES,
    POLICY_KEYS,
    CalendarPolicy,
    Engagement,
    Payment,
    Policies,
    PoliciesFile,
    PolicyChange,
    Stage,
)
from .policy_changes import Rules, rules_of
from .problems import Invalid, Problem, field_name
from .results import Broken
from .values import (
    SHARE_MAX,
    BadValue,
    kind_of,
    money_precision_problem,
    name_key,
    parse_currency,
    parse_iso_date,
    parse_money,
    parse_share,
    parse_text,
    refused_in_body,
    shown,
)
from .workcal import (
    WorkCalendar,
    calendar_for,
    country_supported,
    subdivision_supported,
    supported_subdivisions,
)
from .yamlfile import Located, read_front_matter, read_yaml

POLICIES_FILE = "_policies.yml"


@dataclass(frozen=True, slots=True)
class Origin:
    """Where an engagement's values came from (its file's lines, the policies' lines), to point
    a problem at the right line."""

    file: str
    located: Located
    policies_file: str | None = None
    policies: Located | None = None

    def where(self, path: tuple[str | int, ...]) -> tuple[str, int]:
        """The file and line of a field: the engagement's own, or the policy it inherits."""
        own = _known_prefix(self.located.lines, path)
        if self.policies is not None and self.policies_file is not None:
            inherited = _known_prefix(self.policies.lines, path)
            if inherited > own:
                return self.policies_file, self.policies.line_of(path)
        return self.file, self.located.line_of(path)

    def without_lines(self) -> Origin:
        """The same source with no line but the top one and the share's (the merge step names
        it for a share used twice): for when no problem can come from the fields any more."""
        lines = self.located.lines
        kept = {path: lines[path] for path in ((), ("share",)) if path in lines}
        return Origin(self.file, Located({}, kept), self.policies_file, None)

    def problem(self, path: tuple[str | int, ...], message: str) -> Problem:
        """A problem at `path`, always in this engagement's file.

        The policies are checked on their own first, so a problem found while checking an
        engagement is the engagement's doing even when the value comes from the policies
        (a `country` set here clashing with the policies' `subdivision`): it points at the
        engagement's nearest line and says where the inherited value is.
        """
        file, line = self.where(path)
        if file != self.file:
            message = f"{message} (the value comes from {file}:{line}; set it here to override it)"
            line = self.located.line_of(path)
        return Problem(self.file, line, field_name(path), message)


@dataclass(frozen=True, slots=True)
class Loaded:
    """A valid engagement: its id (the file name), terms, Markdown body, where its values came from, its calendar."""

    id: str
    terms: Engagement
    body: str
    origin: Origin
    calendar: WorkCalendar
    rules: Rules | None = None  # the terms before and after each announced policy change


def _known_prefix(lines: dict[tuple[str | int, ...], int], path: tuple[str | int, ...]) -> int:
    for size in range(len(path), 0, -1):
        if path[:size] in lines:
            return size
    return 0


def merge(policies: dict[str, Any], own: dict[str, Any]) -> dict[str, Any]:
    """Policies under the engagement's own keys: mappings merge key by key, the rest replaces."""
    if not isinstance(own, dict) or not isinstance(policies, dict):
        return own  # validation then says what was expected here
    merged = dict(policies)
    for key, value in own.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    # A subdivision belongs to its country: naming another country drops the inherited one
    # (California's holidays make no sense in Madrid), unless the engagement names its own.
    if (
        "country" in own
        and "subdivision" not in own
        and "subdivision" in policies
        and own.get("country") != policies.get("country")
    ):
        del merged["subdivision"]
    return merged


# -- Pydantic errors in the user's words ----------------------------------------------------


def _model_at(model: type[BaseModel], path: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The model class that validates the mapping at `path`, to list its keys."""
    current: Any = model
    for part in path:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(part)
        if info is None:
            return None
        current = _inner_model(info.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _inner_model(annotation: Any) -> Any:
    """The pydantic model inside an annotation like `Person | None` or `list[Stage]`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


# What a required field expects, by its path without list indexes.
EXPECTED = {
    "client": "the client's name, like 'client: Acme Bakery'",
    "project": "the project's name, like 'project: Website redesign'",
    "contacts": "the client's contact, like 'contacts: {client: {name: Dana Ruiz, email: dana@example.com}}'",
    "contacts.client": "the client's contact, like 'client: {name: Dana Ruiz, email: dana@example.com}'",
    "stages": "a list of stages, each with a name, an owner (us or client) and days",
    "stages.name": "the stage's name",
    "stages.owner": "who works on the stage: us or client",
    "stages.days": "a whole number of working days, 1 or more",
    "payments.name": "the payment's name",
    "payments.amount": "a percentage of the fee like '30%' or an amount like 3600",
    "payments.due": "'signing', 'start', a stage name or a date",
    "hours.budget": "the hours budgeted, like 80",
    "name": "a name",
}


def _expected(path: tuple[str | int, ...]) -> str:
    """What the field at `path` expects, for a 'missing' message."""
    key = ".".join(str(part) for part in path if isinstance(part, str))
    return EXPECTED.get(key) or EXPECTED.get(str(path[-1]) if path else "", "a value")


def _guess(model: type[BaseModel], path: tuple[str | int, ...]) -> str | None:
    """The known field an unknown key at `path` was probably meant to be."""
    owner = _model_at(model, path[:-1])
    known = sorted(owner.model_fields) if owner else []
    found = difflib.get_close_matches(str(path[-1]), known, n=1, cutoff=0.6)
    return found[0] if found else None


def _describe(error: dict[str, Any], model: type[BaseModel]) -> str:
    """One pydantic error in the user's words: what was expected, and what was found."""
    kind, ctx, got = error["type"], error.get("ctx") or {}, error.get("input")
    path = tuple(error["loc"])
    if kind == "missing":
        return f"required field is missing; expected {_expected(path)}"
    if kind == "extra_forbidden":
        if model is Engagement and path == ("changes",):
            return "announced policy changes belong in _policies.yml (docs/guide/history.md)"
        guess = _guess(model, path)
        if guess:
            return f"unknown field; did you mean '{guess}'?"
        if model is PoliciesFile and not path[:-1] and path[-1] in ENGAGEMENT_KEYS:
            return f"unknown field in the policies: '{path[-1]}' belongs in an engagement file"
        owner = _model_at(model, path[:-1])
        known = sorted(owner.model_fields) if owner else []
        return f"unknown field; expected one of: {', '.join(known)}"
    if kind in {"int_type", "int_parsing", "int_from_float"}:
        return f"expected a whole number, got {kind_of(got)}"
    if kind in {"greater_than_equal", "greater_than"}:
        return f"expected a whole number of at least {ctx.get('ge', ctx.get('gt'))}, got {shown(got)}"
    if kind in {"less_than_equal", "less_than"}:
        return f"expected a whole number of at most {ctx.get('le', ctx.get('lt'))}, got {shown(got)}"
    if kind == "literal_error":
        return f"expected {ctx.get('expected')}, got {kind_of(got)}"
    if kind in {"string_type", "string_sub_type"}:
        return f"expected text, got {kind_of(got)}"
    if kind == "list_type":
        return f"expected a list, got {kind_of(got)}"
    if kind == "too_short":
        return f"expected at least {ctx.get('min_length')} item, got none"
    if kind == "too_long":
        return f"expected at most {ctx.get('max_length')} items, got {ctx.get('actual_length')}"
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return f"expected a mapping of fields, got {kind_of(got)}"
    if kind in {"bool_type", "bool_parsing"}:
        return f"expected true or false, got {kind_of(got)}"
    if kind == "value_error" and isinstance(ctx.get("error"), BadValue):
        return str(ctx["error"])  # the value parsers' own words (values.py)
    return f"{error['msg']}, got {kind_of(got)}"


def validation_problems(
    exc: ValidationError, model: type[BaseModel], source: Origin, prefix: tuple[str | int, ...] = ()
) -> list[Problem]:
    """Every pydantic error as a Problem; a typo'd key is not also reported as missing."""
    errors = exc.errors(include_url=False)
    meant = {
        (*tuple(e["loc"])[:-1], guess)
        for e in errors
        if e["type"] == "extra_forbidden" and (guess := _guess(model, tuple(e["loc"])))
    }
    return [
        source.problem(prefix + tuple(error["loc"]), _describe(error, model))
        for error in errors
        if not (error["type"] == "missing" and tuple(error["loc"]) in meant)
    ]


# -- Rules across fields ---------------------------------------------------------------------


@dataclass(frozen=True)
class Readable:
    """What the rules across fields read of an engagement: all of it once it validates, or, when
    some fields do not, every part that still validates on its own (so that a mistyped key does
    not hide a payment due on no stage: format.md, all problems at once).

    A part that cannot be read is None, and every rule that needs it is left for the next run.
    """

    stages: list[Stage | None] | None  # None: `stages` is missing or not a list
    stage_names: list[str] | None  # every stage's name; None when one of them cannot be read
    payments: list[Payment | None]
    fee: Decimal | None
    fee_state: str  # "absent", "valid" or "invalid"
    currency: str | None
    signed: date | None
    signed_known: bool  # `signed` is a valid date or absent
    calendar: CalendarPolicy | None

    @classmethod
    def of(cls, terms: Engagement) -> Readable:
        """Everything of a valid engagement."""
        return cls(
            list(terms.stages),
            [stage.name for stage in terms.stages],
            list(terms.payments),
            terms.fee,
            "absent" if terms.fee is None else "valid",
            terms.currency,
            terms.signed,
            True,
            terms.calendar,
        )

    @classmethod
    def parts(cls, merged: dict[str, Any]) -> Readable:
        """The parts of an engagement that failed validation that are valid on their own."""

        def part(model: type[BaseModel], value: Any) -> Any:
            try:
                return model.model_validate(value)
            except ValidationError:
                return None

        def value(parse: Any, key: str, default: Any = None) -> tuple[Any, bool]:
            if merged.get(key) is None:
                return default, True
            try:
                return parse(merged[key]), True
            except BadValue:
                return None, False

        raw_stages = merged.get("stages")
        if isinstance(raw_stages, list) and len(raw_stages) > MAX_STAGES:
            raw_stages = None  # past the limit, the list is a mistake: its items are not checked one by one
        stages = [part(Stage, item) for item in raw_stages] if isinstance(raw_stages, list) else None
        names: list[str] | None = None
        if isinstance(raw_stages, list) and raw_stages:  # no stage: the dues wait for them
            names = []
            for item in raw_stages:
                name, ok = _name_of(item)
                if not ok:
                    names = None
                    break
                names.append(name)
        raw_payments = merged.get("payments")
        readable = isinstance(raw_payments, list) and len(raw_payments) <= MAX_PAYMENTS
        payments = [part(Payment, item) for item in raw_payments] if readable else []  # type: ignore[union-attr]
        fee, fee_ok = value(parse_money, "fee")
        currency, _ = value(parse_currency, "currency", Engagement.model_fields["currency"].default)
        signed, signed_ok = value(parse_iso_date, "signed")
        calendar = part(CalendarPolicy, merged.get("calendar") or {})
        fee_state = "absent" if merged.get("fee") is None else "valid" if fee_ok else "invalid"
        return cls(stages, names, payments, fee, fee_state, currency, signed, signed_ok, calendar)


def _name_of(item: Any) -> tuple[str, bool]:
    """A stage's name as validation reads it, and whether it can be read."""
    if not isinstance(item, dict):
        return "", False
    try:
        return parse_text(item.get("name")), True
    except BadValue:
        return "", False


def resolve_due(due: str, stage_names: Iterable[str]) -> str | date:
    """A payment's `due`: 'signing', 'start', a stage name (as written there), or a date.

    Names are compared as `values.name_key` does: a zero-width space or another Unicode
    spelling of an accent does not make another name. Raises BadValue when it looks like a
    date but is not a usable one (with the reason), and a plain ValueError when it is none.
    """
    if due in ("signing", "start"):
        return due
    key = name_key(due)
    for name in stage_names:
        if name_key(name) == key:
            return name
    if due[:1].isdigit():
        return parse_iso_date(due)
    raise ValueError(due)


def _stage_problems(facts: Readable, source: Origin, today: date | None) -> list[Problem]:
    """Unique stage names; recorded dates in order, not in the future, and only once signed."""
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for index, name in enumerate(facts.stage_names or []):
        key = name_key(name)
        if key in seen:
            alike = "" if name == facts.stage_names[seen[key]] else " (written differently, but it reads the same)"  # type: ignore[index]
            problems.append(
                source.problem(
                    ("stages", index, "name"),
                    f"stage name {name!r} is used twice (also stages[{seen[key]}]){alike}; "
                    "expected a different name for each stage",
                )
            )
        seen.setdefault(key, index)
    for index, stage in enumerate(facts.stages or []):
        if stage is None:
            continue
        if stage.started and stage.done and stage.done < stage.started:
            problems.append(
                source.problem(
                    ("stages", index, "done"),
                    f"done {stage.done} is before started {stage.started}; expected a date on or after it",
                )
            )
        if facts.signed_known and facts.signed is None and (stage.started or stage.done):
            key = "started" if stage.started else "done"
            problems.append(
                source.problem(
                    ("stages", index, key),
                    "a proposal has no dates yet: set `signed` before recording stage dates",
                )
            )
        for key in ("started", "done"):
            problems.extend(_future(getattr(stage, key), ("stages", index, key), today, source))
    return problems


def _future(day: date | None, path: tuple[str | int, ...], today: date | None, source: Origin) -> list[Problem]:
    """A recorded date after `today` (format.md: it has not happened yet)."""
    if day is None or today is None or day <= today:
        return []
    return [
        source.problem(
            path,
            f"{day} is after today ({today}): a recorded date says what has happened; "
            "expected it on the day it happens, not before",
        )
    ]


def _payment_problems(facts: Readable, source: Origin, today: date | None) -> list[Problem]:
    """Dues that resolve, one deposit, gates on stages, percentages of a fee, amounts in the
    currency's minor unit, payments not recorded in the future, and the sum."""
    problems: list[Problem] = []
    names = facts.stage_names
    payments = facts.payments
    deposits = [i for i, p in enumerate(payments) if p is not None and p.due == "signing"]
    for extra in deposits[1:]:
        problems.append(
            source.problem(
                ("payments", extra, "due"),
                f"only one payment can be due at signing (payments[{deposits[0]}] already is)",
            )
        )
    if facts.fee is not None and facts.currency is not None:
        problems.extend(_precision(facts.fee, facts.currency, ("fee",), source))
    imprecise = bool(problems) and problems[-1].field == "fee"
    total, parts, summable = Decimal(0), [], facts.fee_state == "valid" and None not in payments
    for index, payment in enumerate(payments):
        if payment is None:
            continue
        problems.extend(_future(payment.paid, ("payments", index, "paid"), today, source))
        due: str | date | None = None
        try:
            due = resolve_due(payment.due, names or [])
        except BadValue as exc:  # looks like a date, is not a usable one
            problems.append(source.problem(("payments", index, "due"), str(exc)))
        except ValueError:
            if names is not None:  # else the name may be one of the stages that cannot be read
                guess = difflib.get_close_matches(payment.due, names, n=1, cutoff=0.5)
                expected = "expected 'signing', 'start', a stage name or a date"
                hint = f"did you mean {guess[0]!r}?" if guess else expected
                problems.append(
                    source.problem(("payments", index, "due"), f"no stage named {payment.due!r}; {hint}")
                )
        if payment.gate and due is not None and not (isinstance(due, str) and names and due in names):
            problems.append(
                source.problem(
                    ("payments", index, "gate"),
                    "a gate holds the stage after the one the payment is due on; "
                    f"this payment is due on {payment.due!r}, not on a stage",
                )
            )
        if isinstance(payment.amount, str):
            if facts.fee_state == "absent":
                problems.append(
                    source.problem(
                        ("payments", index, "amount"),
                        f"{payment.amount} of what? a percentage needs a `fee`; "
                        "set the fee or give the amount in money",
                    )
                )
            if facts.fee is None:
                summable = False
                continue
            money = facts.fee * Decimal(payment.amount.rstrip("% ")) / 100
        else:
            money = payment.amount
            if facts.currency is not None:
                finer = _precision(money, facts.currency, ("payments", index, "amount"), source)
                problems.extend(finer)
                imprecise = imprecise or bool(finer)
        total += money
        parts.append(f"{money.normalize():f}")
    # A sum of amounts that are themselves wrong (too fine for the currency) says nothing more.
    if facts.fee is not None and payments and summable and not imprecise and total != facts.fee:
        problems.append(
            source.problem(
                ("payments",),
                f"payments add up to {total.normalize():f} ({' + '.join(parts)}), "
                f"but the fee is {facts.fee.normalize():f}; expected them to add up to the fee",
            )
        )
    return problems


def _precision(amount: Decimal, currency: str, path: tuple[str | int, ...], source: Origin) -> list[Problem]:
    """An amount finer than the currency's minor unit (format.md: never more decimal places)."""
    message = money_precision_problem(amount, currency)
    return [] if message is None else [source.problem(path, message)]


def _calendar_problems(cal: CalendarPolicy, source: Origin) -> list[Problem]:
    """A country the `holidays` package knows, and a subdivision of it."""
    problems: list[Problem] = []
    if cal.subdivision and not cal.country:
        problems.append(
            source.problem(("calendar", "subdivision"), "a subdivision needs a `country`; expected calendar.country too")
        )
    if cal.country:
        if not country_supported(cal.country):
            problems.append(
                source.problem(
                    ("calendar", "country"),
                    f"no public holidays are known for {cal.country!r}; expected an ISO 3166 code "
                    "the `holidays` package supports, such as US, ES, RU, AE",
                )
            )
        elif cal.subdivision and not subdivision_supported(cal.country, cal.subdivision):
            known = supported_subdivisions(cal.country)
            listing = ", ".join(known[:30]) + (", ..." if len(known) > 30 else "") if known else "none"
            problems.append(
                source.problem(
                    ("calendar", "subdivision"),
                    f"{cal.subdivision!r} is not a subdivision of {cal.country}; "
                    f"{_subdivision_hint(cal.country, cal.subdivision)}expected one of: {listing}",
                )
            )
    return problems


def _subdivision_hint(country: str, written: str) -> str:
    """"did you mean VC (Valenciana)? " for `Valencia` in ES: the code whose name or code is
    closest to what was written, from the `holidays` package's names of the country's
    subdivisions; "" when none is close."""
    from .workcal import _package  # the package as workcal loads it (one country at a time)

    aliases: dict[str, str] = dict(getattr(getattr(_package(), country), "subdivisions_aliases", None) or {})
    codes = supported_subdivisions(country)
    by_folded = {name.casefold(): (name, code) for name, code in aliases.items()}
    by_folded.update({code.casefold(): (code, code) for code in codes})
    found = difflib.get_close_matches(written.casefold(), list(by_folded), n=1, cutoff=0.6)
    if not found:
        return ""
    name, code = by_folded[found[0]]
    return f"did you mean {code}{f' ({name})' if name != code else ''}? "


def check_engagement(facts: Readable, source: Origin, today: date | None = None) -> list[Problem]:
    """Rules that span fields: names, recorded dates, dues, amounts, sums, the deposit, the calendar."""
    return [
        *_future(facts.signed, ("signed",), today, source),
        *_stage_problems(facts, source, today),
        *_payment_problems(facts, source, today),
        *(_calendar_problems(facts.calendar, source) if facts.calendar is not None else []),
    ]


def _with_stage_names(terms: Engagement) -> Engagement:
    """`terms` with each payment due on a stage naming it as the stage does (`Design` for
    `Design\u200b`), so that the schedule and the money rules find it by equality."""
    names = [stage.name for stage in terms.stages]
    fixed = []
    for payment in terms.payments:
        try:
            due = resolve_due(payment.due, names)
        except ValueError:
            due = payment.due
        fixed.append(payment if not isinstance(due, str) or due == payment.due else payment.model_copy(update={"due": due}))
    if all(a is b for a, b in zip(fixed, terms.payments, strict=True)):
        return terms
    return terms.model_copy(update={"payments": fixed})


def _empty_changes(data: Any, source: Origin) -> list[Problem]:
    """Announced changes that set nothing (found on the text, so that they are reported with
    every other problem of the file)."""
    changes = data.get("changes") if isinstance(data, dict) else None
    if not isinstance(changes, list):
        return []
    return [
        source.problem(
            ("changes", index, "set"),
            "nothing to change; expected the policy keys that change, like {payment: {late_fee: 2%}}",
        )
        for index, change in enumerate(changes)
        if isinstance(change, dict) and change.get("set") in ({}, None) and "set" in change
    ]


def calendar_of(terms: Engagement | Policies) -> WorkCalendar:
    """The engagement's working-day calendar (shared between engagements with equal policies)."""
    cal = terms.calendar
    closed = tuple(
        sorted({first + timedelta(days=i) for first, last in cal.closed for i in range((last - first).days + 1)})
    )
    return calendar_for(
        tuple(cal.workdays), cal.country, cal.subdivision, closed, tuple(sorted(cal.open))
    )


# -- Text in, a validated engagement out ----------------------------------------------------------


def decode(data: bytes, file: str) -> str:
    """A file's bytes as UTF-8 text; Invalid, naming the line of the first bad byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        byte = data[exc.start : exc.start + 1].hex().upper()
        raise Invalid(
            [
                Problem(
                    file,
                    line,
                    "",
                    f"not UTF-8 text (byte 0x{byte} cannot be read); expected the file saved as UTF-8",
                )
            ]
        ) from None


@dataclass(frozen=True)
class PolicySet:
    """`_policies.yml` read and checked once, for every engagement merged over it."""

    policies: Policies  # validated: what an engagement inherits unchanged is shared from here
    problems: list[Problem]  # the policies' own problems (the fields with none still apply)
    data: dict[str, Any]  # the usable policies as written: merged under each engagement
    file: str | None = None  # how problems name the policies file
    located: Located | None = None  # its lines, to point at inherited values
    changes: tuple[tuple[PolicyChange, dict[str, Any]], ...] = ()  # announced: each with its `set` as written


NO_POLICIES = PolicySet(Policies(), [], {})


def load_policies(file: str, data: bytes) -> PolicySet:
    """`_policies.yml`'s text validated on its own; the fields that passed still apply."""
    try:
        located = read_yaml(decode(data, file), file)
    except Invalid as exc:
        return PolicySet(Policies(), list(exc.problems), {}, file, None)
    origin = Origin(file, located)
    try:
        policies = PoliciesFile.model_validate(located.data)
    except ValidationError as exc:
        problems = validation_problems(exc, PoliciesFile, origin)
    else:
        problems = _calendar_problems(policies.calendar, origin)  # the rule across fields of the policies
    problems += [p for p in _empty_changes(located.data, origin) if p not in problems]
    if not problems:
        return _policy_set(policies, [], located, file)
    usable = _without(located, problems)
    # Every top-level field with a problem is left out, so what remains validates; should a
    # rule ever fail across the fields that remain, none of them applies (its problem is listed).
    try:
        policies = PoliciesFile.model_validate(usable.data)
    except ValidationError:
        usable, policies = Located({}, {}), PoliciesFile()
    return _policy_set(policies, problems, usable, file)


def _policy_set(policies: PoliciesFile, problems: list[Problem], located: Located, file: str) -> PolicySet:
    """The policies as engagements inherit them (without `changes`), and the changes apart."""
    data = {key: value for key, value in located.data.items() if key != "changes"}
    written = located.data.get("changes") or []
    changes = tuple((change, written[index]["set"]) for index, change in enumerate(policies.changes))
    return PolicySet(policies, problems, data, file, located, changes)


def _without(located: Located, problems: list[Problem]) -> Located:
    """The policies minus every top-level field that has a problem (and minus its lines)."""
    bad = {problem.field.split(".")[0].split("[")[0] for problem in problems}
    data = {key: value for key, value in located.data.items() if key not in bad}
    lines = {path: line for path, line in located.lines.items() if not path or path[0] in data}
    return Located(data, lines)


def _valid_share(value: Any) -> str | None:
    """The share of a broken file, only when it is a valid one (it names a page path)."""
    try:
        return parse_share(value) if isinstance(value, str) else None
    except BadValue:
        return None


_SHARE_LINE = re.compile(
    rf"""^share[ \t]*:[ \t]*(["']?)([a-z0-9]{{20,{SHARE_MAX}}})\1[ \t]*(?:#.*)?$""", re.MULTILINE
)


def share_in_text(text: str) -> tuple[str | None, int]:
    """The share of a file whose YAML cannot be read, from its text (`share: ...` alone on a
    line, at the top level), and its line: so that `mkdocs serve` shows the problems at the
    page's address rather than a 404. (None, 1) when there is none, or not a valid one."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n")  # positions below are in this text
    found = _SHARE_LINE.search(lines)
    if found is None or _valid_share(found.group(2)) is None:
        return None, 1
    return found.group(2), lines.count("\n", 0, found.start()) + 1


def _body_problems(located: Located, file: str) -> list[Problem]:
    """Characters the page's text cannot hold (controls, bidi overrides): at their line."""
    found = refused_in_body(located.body)
    if found is None:
        return []
    position, what = found
    line = located.body_line + located.body.count("\n", 0, position)
    return [Problem(file, line, "body", f"the text below the front matter cannot hold {what}; delete it")]


def load_engagement(
    ident: str, file: str, data: bytes, policies: PolicySet, today: date | None = None
) -> Loaded | Broken:
    """One engagement file's bytes: parsed, merged over the policies, validated, cross-checked.

    `today` (the pipeline's): recorded dates after it are problems; None checks no such date.
    """
    try:
        text = decode(data, file)
        located = read_front_matter(text, file)
    except Invalid as exc:
        share, line = share_in_text(data.decode("utf-8", "replace"))
        return Broken(ident, file, list(exc.problems), share, share_line=line)
    origin = Origin(file, located, policies.file, policies.located)
    raw = located.data
    body_problems = _body_problems(located, file)

    def broken(problems: list[Problem]) -> Broken:
        text = lambda key: raw.get(key) if isinstance(raw.get(key), str) else None  # noqa: E731
        return Broken(
            ident,
            file,
            problems,
            _valid_share(raw.get("share")),
            text("client"),
            text("project"),
            located.line_of(("share",)),
        )

    merged = merge(policies.data, raw)
    if isinstance(merged, dict):
        # Memory (docs/performance.md, target (c)): pydantic keeps a model instance as it is,
        # so what an engagement inherits unchanged is one shared object. So is a policy that
        # neither file sets (the policies' default): pydantic would deep-copy the default
        # (`reminders`: 40 ms of the 200-340 ms that validating 1,000 engagements takes).
        for key in POLICY_KEYS - raw.keys():
            if isinstance(inherited := getattr(policies.policies, key), BaseModel):
                merged[key] = inherited
    try:
        terms = Engagement.model_validate(merged)
    except ValidationError as exc:
        problems = validation_problems(exc, Engagement, origin)
        if isinstance(merged, dict):  # and every rule across the fields that can still be read
            found = set(problems)
            problems += [p for p in check_engagement(Readable.parts(merged), origin, today) if p not in found]
        return broken(problems + body_problems)
    problems = check_engagement(Readable.of(terms), origin, today) + body_problems
    rules = None
    if policies.changes and isinstance(raw, dict):
        rules, more = _rules(terms, raw, policies, origin)
        problems += more
    if problems:
        return broken(problems)
    terms = _with_stage_names(terms)
    try:
        calendar = calendar_of(terms)
    except ValueError as exc:  # OutOfRange, or a calendar the holidays package refuses
        return broken([origin.problem(("calendar",), str(exc))])
    # Only the lines are still needed (for problems found later): not the parsed values.
    slim = Origin(file, Located({}, located.lines), policies.file, policies.located)
    return Loaded(ident, terms, located.body, slim, calendar, rules)


def _rules(
    terms: Engagement, raw: dict[str, Any], policies: PolicySet, origin: Origin
) -> tuple[Rules | None, list[Problem]]:
    """The engagement's terms after each announced change: the changes' `set` merged over the
    policies in order of `from`, the engagement's own keys over them (they win, as always)."""
    steps = []
    problems: list[Problem] = []
    data = policies.data
    ordered = sorted(enumerate(policies.changes), key=lambda item: (item[1][0].from_, item[0]))
    for index, (change, written) in ordered:
        data = merge(data, written)
        try:
            steps.append((index, change, Engagement.model_validate(merge(data, raw))))
        except ValidationError as exc:
            found = "; ".join(sorted({_describe(e, Engagement) for e in exc.errors(include_url=False)}))
            problems.append(
                origin.problem(
                    (),
                    f"the policy change from {change.from_} in {policies.file} does not fit this "
                    f"engagement: {found}",
                )
            )
    return (rules_of(terms, steps), problems)
