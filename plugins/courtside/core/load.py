"""Read `projects/`: every engagement merged over `_policies.yml`, validated.

All problems of all files are collected; nothing stops at the first. A file with problems
is kept as a `Broken` record (id, the share if readable, its problems) so the site can
still show what is wrong during `mkdocs serve`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .model import ENGAGEMENT_KEYS, Engagement, Policies, parse_iso_date
from .problems import Invalid, Problem, field_name
from .workcal import OutOfRange, WorkCalendar, calendar_for
from .yamlfile import Located, read_front_matter, read_yaml

POLICIES_FILE = "_policies.yml"


@dataclass(frozen=True)
class Source:
    """Where an engagement's values came from, to point errors at the right line."""

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

    def problem(self, path: tuple[str | int, ...], message: str) -> Problem:
        file, line = self.where(path)
        return Problem(file, line, field_name(path), message)


@dataclass(frozen=True)
class Loaded:
    """A valid engagement: its id (the file name), terms, Markdown body and source."""

    id: str
    terms: Engagement
    body: str
    source: Source
    calendar: WorkCalendar


@dataclass(frozen=True)
class Broken:
    """An engagement that failed validation, with whatever could still be read of it."""

    id: str
    file: str
    problems: list[Problem]
    share: str | None = None
    client: str | None = None
    project: str | None = None


@dataclass
class Portfolio:
    """Everything in `projects/`: the valid engagements, the broken ones, and all problems."""

    policies: Policies
    engagements: list[Loaded] = field(default_factory=list)
    broken: list[Broken] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def raise_for_problems(self) -> None:
        if self.problems:
            raise Invalid(self.problems)


def _known_prefix(lines: dict[tuple[str | int, ...], int], path: tuple[str | int, ...]) -> int:
    for size in range(len(path), 0, -1):
        if path[:size] in lines:
            return size
    return 0


def merge(policies: dict[str, Any], own: dict[str, Any]) -> dict[str, Any]:
    """Policies under the engagement's own keys: mappings merge key by key, the rest replaces."""
    merged = dict(policies)
    for key, value in own.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
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
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _describe(error: dict[str, Any], model: type[BaseModel]) -> str:
    kind, ctx, got = error["type"], error.get("ctx") or {}, error.get("input")
    path = tuple(error["loc"])
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        owner = _model_at(model, path[:-1])
        known = sorted(owner.model_fields) if owner else []
        guess = difflib.get_close_matches(str(path[-1]), known, n=1, cutoff=0.6)
        hint = f"did you mean '{guess[0]}'?" if guess else f"expected one of: {', '.join(known)}"
        return f"unknown field; {hint}"
    if kind in {"int_type", "int_parsing", "int_from_float"}:
        return f"expected a whole number, got {got!r}"
    if kind in {"greater_than_equal", "greater_than"}:
        return f"expected a number of at least {ctx.get('ge', ctx.get('gt'))}, got {got!r}"
    if kind in {"less_than_equal", "less_than"}:
        return f"expected a number of at most {ctx.get('le', ctx.get('lt'))}, got {got!r}"
    if kind == "literal_error":
        return f"expected {ctx.get('expected')}, got {got!r}"
    if kind in {"string_type", "string_sub_type"}:
        return f"expected text, got {got!r}"
    if kind == "string_too_short":
        return "expected some text, got nothing"
    if kind == "string_pattern_mismatch":
        return f"expected an email address like name@example.com, got {got!r}"
    if kind == "list_type":
        return f"expected a list, got {got!r}"
    if kind == "too_short":
        return f"expected at least {ctx.get('min_length')} item(s)"
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return f"expected a mapping of fields, got {got!r}"
    if kind in {"bool_type", "bool_parsing"}:
        return f"expected true or false, got {got!r}"
    return error["msg"]


def validation_problems(
    exc: ValidationError, model: type[BaseModel], source: Source, prefix: tuple[str | int, ...] = ()
) -> list[Problem]:
    return [
        source.problem(prefix + tuple(error["loc"]), _describe(error, model))
        for error in exc.errors(include_url=False)
    ]


# -- Rules across fields ---------------------------------------------------------------------


def resolve_due(due: str, stage_names: Iterable[str]) -> str | date:
    """A payment's `due`: 'signing', 'start', a stage name, or a date (ValueError if none)."""
    if due in ("signing", "start") or due in stage_names:
        return due
    if due[:1].isdigit():
        return parse_iso_date(due)  # raises a PydanticCustomError with the reason
    raise ValueError(due)


def check_engagement(terms: Engagement, source: Source) -> list[Problem]:
    """Rules that span fields: names, dues, sums, the deposit, the calendar."""
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for index, stage in enumerate(terms.stages):
        if stage.name in seen:
            problems.append(
                source.problem(
                    ("stages", index, "name"),
                    f"stage name {stage.name!r} is used twice (also stages[{seen[stage.name]}])",
                )
            )
        seen.setdefault(stage.name, index)
        if stage.started and stage.done and stage.done < stage.started:
            problems.append(
                source.problem(
                    ("stages", index, "done"),
                    f"done {stage.done} is before started {stage.started}",
                )
            )
        if terms.signed is None and (stage.started or stage.done):
            key = "started" if stage.started else "done"
            problems.append(
                source.problem(
                    ("stages", index, key),
                    "a proposal has no dates yet: set `signed` before recording stage dates",
                )
            )

    names = [stage.name for stage in terms.stages]
    deposits = [i for i, p in enumerate(terms.payments) if p.due == "signing"]
    for extra in deposits[1:]:
        problems.append(
            source.problem(
                ("payments", extra, "due"),
                f"only one payment can be due at signing (payments[{deposits[0]}] already is)",
            )
        )
    total = Decimal(0)
    for index, payment in enumerate(terms.payments):
        try:
            due = resolve_due(payment.due, names)
        except ValueError:
            guess = difflib.get_close_matches(payment.due, names, n=1, cutoff=0.5)
            hint = f"did you mean {guess[0]!r}?" if guess else "expected 'signing', 'start', a stage name or a date"
            problems.append(source.problem(("payments", index, "due"), f"no stage named {payment.due!r}; {hint}"))
            continue
        except Exception as exc:  # PydanticCustomError from parse_iso_date
            problems.append(source.problem(("payments", index, "due"), str(exc)))
            continue
        if payment.gate and not (isinstance(due, str) and due in names):
            problems.append(
                source.problem(
                    ("payments", index, "gate"),
                    "a gate holds the stage after the one the payment is due on; "
                    "this payment is not due on a stage",
                )
            )
        if isinstance(payment.amount, str):
            if terms.fee is None:
                problems.append(
                    source.problem(("payments", index, "amount"), "a percentage needs a `fee` to be a part of")
                )
                continue
            total += terms.fee * Decimal(payment.amount.rstrip("% ")) / 100
        else:
            total += payment.amount
    if terms.fee is not None and terms.payments and total != terms.fee and not problems:
        problems.append(
            source.problem(
                ("payments",),
                f"payments add up to {total.normalize():f}, but the fee is {terms.fee.normalize():f}",
            )
        )

    cal = terms.calendar
    if cal.subdivision and not cal.country:
        problems.append(source.problem(("calendar", "subdivision"), "a subdivision needs a `country`"))
    if cal.country:
        from .workcal import country_supported, subdivision_supported, supported_subdivisions

        if not country_supported(cal.country):
            problems.append(
                source.problem(
                    ("calendar", "country"),
                    f"no public holidays are known for {cal.country!r}; expected an ISO 3166 code "
                    "the `holidays` package supports, such as US, ES, RU, AE",
                )
            )
        elif cal.subdivision and not subdivision_supported(cal.country, cal.subdivision):
            known = ", ".join(supported_subdivisions(cal.country)[:30]) or "none"
            problems.append(
                source.problem(
                    ("calendar", "subdivision"),
                    f"{cal.subdivision!r} is not a subdivision of {cal.country}; expected one of: {known}",
                )
            )
    return problems


def calendar_of(terms: Engagement) -> WorkCalendar:
    """The engagement's working-day calendar (shared between engagements with equal policies)."""
    cal = terms.calendar
    closed = tuple(
        sorted({first + timedelta(days=i) for first, last in cal.closed for i in range((last - first).days + 1)})
    )
    return calendar_for(
        tuple(cal.workdays), cal.country, cal.subdivision, closed, tuple(sorted(cal.open))
    )


# -- Files --------------------------------------------------------------------------------------


def engagement_files(folder: Path) -> list[Path]:
    """Engagements are `*.md` files whose names do not start with `_` or `.`."""
    return sorted(p for p in folder.glob("*.md") if not p.name.startswith(("_", ".")))


def read_policies(folder: Path, label: str) -> tuple[Located | None, Policies, list[Problem]]:
    path = folder / POLICIES_FILE
    if not path.exists():
        return None, Policies(), []
    file = f"{label}/{POLICIES_FILE}"
    try:
        located = read_yaml(path.read_text(encoding="utf-8"), file)
    except Invalid as exc:
        return None, Policies(), list(exc.problems)
    except UnicodeDecodeError as exc:
        return None, Policies(), [Problem(file, 1, "", f"not UTF-8 text: {exc.reason}")]
    try:
        return located, Policies.model_validate(located.data), []
    except ValidationError as exc:
        return located, Policies(), validation_problems(exc, Policies, Source(file, located))


def load_engagement(
    path: Path, file: str, policies_data: dict[str, Any], policies_source: tuple[str, Located] | None
) -> Loaded | Broken:
    """One engagement file: parsed, merged over the policies, validated, cross-checked."""
    ident = path.stem
    try:
        located = read_front_matter(path.read_text(encoding="utf-8"), file)
    except Invalid as exc:
        return Broken(ident, file, list(exc.problems))
    except UnicodeDecodeError as exc:
        return Broken(ident, file, [Problem(file, 1, "", f"not UTF-8 text: {exc.reason}")])
    policies_file, policies_located = policies_source or (None, None)
    source = Source(file, located, policies_file, policies_located)
    raw = located.data

    def broken(problems: list[Problem]) -> Broken:
        text = lambda key: raw.get(key) if isinstance(raw.get(key), str) else None  # noqa: E731
        return Broken(ident, file, problems, text("share"), text("client"), text("project"))

    try:
        terms = Engagement.model_validate(merge(policies_data, raw))
    except ValidationError as exc:
        return broken(validation_problems(exc, Engagement, source))
    problems = check_engagement(terms, source)
    if problems:
        return broken(problems)
    try:
        calendar = calendar_of(terms)
    except OutOfRange as exc:
        return broken([source.problem(("calendar",), str(exc))])
    return Loaded(ident, terms, located.body, source, calendar)


def load_portfolio(folder: Path, paths: Iterable[Path] | None = None, label: str | None = None) -> Portfolio:
    """Read and validate every engagement in `folder` (or just `paths`) with its policies."""
    label = label if label is not None else folder.name
    policies_located, policies, problems = read_policies(folder, label)
    portfolio = Portfolio(policies=policies, problems=list(problems))
    policies_data = policies_located.data if policies_located and not problems else {}
    policies_source = (f"{label}/{POLICIES_FILE}", policies_located) if policies_located else None
    shares: dict[str, str] = {}
    for path in engagement_files(folder) if paths is None else paths:
        file = f"{label}/{path.name}" if path.parent == folder else str(path)
        result = load_engagement(path, file, policies_data, policies_source)
        if isinstance(result, Loaded) and result.terms.share:
            first = shares.setdefault(result.terms.share, file)
            if first != file:
                result = Broken(
                    result.id,
                    file,
                    [result.source.problem(("share",), f"this share is already used by {first}")],
                    None,
                    result.terms.client,
                    result.terms.project,
                )
        if isinstance(result, Loaded):
            portfolio.engagements.append(result)
        else:
            portfolio.broken.append(result)
            portfolio.problems.extend(result.problems)
    portfolio.problems.sort()
    return portfolio


def today_from(option: date | str | None, environ: dict[str, str], build_date: date) -> date:
    """`COURTSIDE_TODAY` wins over the plugin's `today` option, which wins over the build date."""
    value = environ.get("COURTSIDE_TODAY") or option
    if value is None or value == "":
        return build_date
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        source = "COURTSIDE_TODAY" if environ.get("COURTSIDE_TODAY") else "the `today` option"
        raise Invalid([Problem(source, 1, "today", f"expected a date as YYYY-MM-DD, got {value!r}")]) from None
