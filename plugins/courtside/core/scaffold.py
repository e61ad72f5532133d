"""What the `courtside` command writes: a new engagement, a rotated share, the JSON Schema.

Plain functions over text and data, no files and no clock: `cli.py` reads and writes.

- `new_share()`: a fresh share token from `secrets` (26 characters of a-z0-9, 134 bits).
- `engagement_text(...)`: a new engagement file, every field commented, that passes
  `courtside check` as written (a proposal: no `signed`, so no dates yet).
- `replace_share(text, line, old, new)`: the same file with one token swapped on one line,
  every other byte kept (comments, quotes, line endings).
- `engagement_schema()` / `policies_schema()`: JSON Schema (draft-07, what VS Code's YAML
  extension implements) generated from the validation model in `model.py`, with a
  description on every field.
"""

from __future__ import annotations

import copy
import json
import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .model import LANGUAGES, POLICY_KEYS, Engagement, PoliciesFile
from .problems import Invalid
from .values import SHARE_ALPHABET, guessable_share
from .yamlfile import read_front_matter

SHARE_LENGTH = 26
"""36**26 is about 2**134: far past the 100 bits that make a link impossible to guess."""

ID_PATTERN = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?")
"""An engagement id is its file name: lowercase letters, digits and inner hyphens."""

SCHEMA_DRAFT = "http://json-schema.org/draft-07/schema#"
SCHEMA_ID = "https://courtside.invalid/schema/engagement.schema.json"


# -- Share tokens and ids ---------------------------------------------------------------------


# A fresh, unguessable share token (drawn again in the rare case it looks like a pattern,
# which validation refuses: about once in a million draws).
def new_share() -> str:
    while True:
        share = "".join(secrets.choice(SHARE_ALPHABET) for _ in range(SHARE_LENGTH))
        if guessable_share(share) is None:
            return share


# Whether `ident` can be an engagement id (and so a file name).
def valid_id(ident: str) -> bool:
    return ID_PATTERN.fullmatch(ident) is not None


# The id a user probably meant: `Acme Bakery!` -> `acme-bakery`.
def suggest_id(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:64].strip("-")


# -- A new engagement -------------------------------------------------------------------------


@dataclass(frozen=True)
class Words:
    """The scaffold's stage and payment names and its body, in one language."""

    stages: tuple[str, str, str, str, str]  # kick-off materials, design, feedback, build, launch
    deliverables: tuple[str, str, str]
    payments: tuple[str, str, str]  # deposit, design approved, launch
    body: str  # no heading: the client page shows the body under its own "Scope" heading


WORDS: dict[str, Words] = {
    "en": Words(
        ("Kick-off materials", "Design", "Feedback", "Build", "Launch"),
        ("Logo files", "Photos and texts", "Hosting logins"),
        ("Deposit", "Design approved", "Launch"),
        "What we make together, and what is not included.\n",
    ),
    "es": Words(
        ("Materiales de arranque", "Diseño", "Comentarios", "Desarrollo", "Lanzamiento"),
        ("Logotipo", "Fotos y textos", "Accesos al hosting"),
        ("Anticipo", "Diseño aprobado", "Lanzamiento"),
        "Lo que hacemos juntos y lo que no está incluido.\n",
    ),
    "ru": Words(
        ("Материалы для старта", "Дизайн", "Отзыв о дизайне", "Разработка", "Запуск"),
        ("Логотип", "Фото и тексты", "Доступы к хостингу"),
        ("Предоплата", "Дизайн утверждён", "Запуск"),
        "Что мы делаем вместе и что не входит в работу.\n",
    ),
    "ar": Words(
        ("مواد الانطلاق", "التصميم", "الملاحظات", "التنفيذ", "الإطلاق"),
        ("ملفات الشعار", "الصور والنصوص", "بيانات دخول الاستضافة"),
        ("الدفعة المقدمة", "اعتماد التصميم", "الإطلاق"),
        "ما ننجزه معًا، وما لا يشمله العمل.\n",
    ),
}
assert set(WORDS) == set(LANGUAGES)

DEFAULT_FEE = Decimal(10000)
COMMENT_COLUMN = 36


# A YAML scalar that reads back as exactly `text` (plain when it can be, else double-quoted).
def yaml_text(text: str) -> str:
    for candidate in (text, json.dumps(text, ensure_ascii=False), json.dumps(text)):
        try:
            data = read_front_matter(f"---\nx: {candidate}\n---\n", "check").data
        except Invalid:
            continue
        if data == {"x": text}:
            return candidate
    raise ValueError(f"cannot write {text!r} as YAML")  # json.dumps always reads back; unreachable


# One line `key: value` with its comment lined up at COMMENT_COLUMN; `off` comments it out.
def _field(indent: int, key: str, value: str, comment: str, off: bool = False) -> str:
    code = " " * indent + ("# " if off else "") + (f"{key}: {value}" if value else f"{key}:")
    return f"{code.ljust(COMMENT_COLUMN - 1)} # {comment}" if comment else code


def engagement_text(
    *,
    client: str,
    project: str,
    share: str,
    language: str,
    language_given: bool,
    currency: str,
    buffer: str,
    fee: Decimal | None,
    contact: str | None,
    email: str | None,
    schema_ref: str,
) -> str:
    """A new engagement file: a proposal with a scaffold of stages and payments.

    `language_given`: write `language:` as a field (it was chosen for this engagement);
    otherwise it stays a comment, so a change of the policy still applies.
    """
    words = WORDS[language]
    kickoff, design, feedback, build, launch = words.stages
    deposit, approved, launched = words.payments
    fee_comment = (
        f"total fixed fee in {currency}; payments below add up to it"
        if fee is not None
        else f"PLACEHOLDER: set the total fixed fee in {currency}"
    )
    lines = [
        "---",
        f"# yaml-language-server: $schema={schema_ref}",
        "# A new engagement: change what you need, then run `courtside check`.",
        _field(0, "client", yaml_text(client), "required: the client's name, as on the page"),
        _field(0, "project", yaml_text(project), "required: what we make for them"),
        _field(
            0, "share", share, "secret part of the client page URL c/<share>/; `courtside rotate` replaces it"
        ),
        _field(0, "language", language, "(policy) en, es, ru or ar: the client page's language")
        if language_given
        else _field(0, "language", language, "(policy) en, es, ru or ar; default: _policies.yml", off=True),
        _field(0, "currency", currency, "(policy) ISO 4217 code; default: _policies.yml", off=True),
        _field(0, "fee", f"{(fee if fee is not None else DEFAULT_FEE):f}", fee_comment),
        _field(
            0, "hours", "{budget: 80, spent: 0}", "optional: hours budgeted and spent (internal)", off=True
        ),
        _field(0, "contacts", "", "who speaks for each side"),
        _field(2, "client", "", "required: the one person who decides for the client"),
        _field(4, "name", yaml_text(contact), "required: their name")
        if contact
        else _field(4, "name", yaml_text(client), "PLACEHOLDER: the person's name"),
        _field(4, "email", yaml_text(email) if email else "name@client.example", "optional", off=not email),
        _field(4, "phone", '"+1 555 0100"', "optional; phone numbers in quotes", off=True),
        _field(
            2, "us", "{name: ..., email: ...}", "optional; default: studio.contact in _policies.yml", off=True
        ),
        _field(0, "signed", "YYYY-MM-DD", "contract signed; until then a proposal, without dates", off=True),
        _field(
            0, "start", "YYYY-MM-DD", "optional; default: the working day after signing and deposit", off=True
        ),
        _field(0, "status", "on-hold", "optional: on-hold or cancelled; otherwise derived", off=True),
        _field(
            0,
            "buffer",
            buffer,
            "(policy) under-promise margin on our stages; default: _policies.yml",
            off=True,
        ),
        _field(0, "stages", "", "in order; days are working days; owner: us or client"),
        *_stage(kickoff, "client", 5, words.deliverables),
        *_stage(design, "us", 10),
        *_stage(feedback, "client", 5),
        *_stage(build, "us", 15),
        *_stage(launch, "us", 2),
        _field(0, "payments", "", "percentages of the fee or amounts; they must add up to the fee"),
        *_payment(
            deposit, "30%", "signing", "the deposit: invoiced when signed; work starts once it is paid"
        ),
        *_payment(approved, "40%", feedback, f"invoiced when {feedback!r} is done", gate=True),
        *_payment(launched, "30%", launch, f"invoiced when {launch!r} is done"),
        "---",
        words.body,
    ]
    return "\n".join(lines)


# The lines of one stage in the scaffold.
def _stage(name: str, owner: str, days: int, deliverables: tuple[str, ...] = ()) -> Iterator[str]:
    yield _field(2, "- name", yaml_text(name), "unique within this engagement")
    yield _field(4, "owner", owner, "us or client: whose court the ball is in")
    yield _field(4, "days", str(days), "working days (ours get the buffer on the client page)")
    if deliverables:
        items = ", ".join(yaml_text(item) for item in deliverables)
        yield _field(4, "deliverables", f"[{items}]", "optional: what this stage hands over")
    else:
        yield _field(4, "done", "YYYY-MM-DD", "record the day the stage is done (also: started)", off=True)


# The lines of one payment in the scaffold.
def _payment(name: str, amount: str, due: str, comment: str, gate: bool = False) -> Iterator[str]:
    yield _field(2, "- name", yaml_text(name), comment)
    yield _field(4, "amount", amount, "a percentage of the fee, or an amount like 3600")
    yield _field(4, "due", yaml_text(due), "signing, start, a stage name, or a date YYYY-MM-DD")
    if gate:
        yield _field(4, "gate", "true", "the next stage waits until this payment is paid")
    yield _field(4, "paid", "YYYY-MM-DD", "record the day the money arrived", off=True)


# -- Rotating a share -------------------------------------------------------------------------

_SHARE_LINE = re.compile(r"""(?P<head>share[ \t]*:[ \t]*)(?P<quote>["']?)(?P<value>[^"'#\s]*)(?P=quote)""")


def replace_share(text: str, line: int, old: str, new: str) -> str | None:
    """`text` with the share value `old` on file line `line` replaced by `new`.

    Every other byte stays as it was. None when the line does not hold `share: <old>`
    as one scalar (a value on the next line, or a flow mapping): edit it by hand.
    """
    lines = text.split("\n")
    if not 1 <= line <= len(lines):
        return None
    found = _SHARE_LINE.match(lines[line - 1])
    if found is None or found.group("value") != old:
        return None
    start, end = found.span("value")
    lines[line - 1] = lines[line - 1][:start] + new + lines[line - 1][end:]
    return "\n".join(lines)


# -- JSON Schema ------------------------------------------------------------------------------

POLICY = "(policy) "
"""Descriptions of policy keys start with this: `_policies.yml` sets them for every engagement."""

DESCRIPTIONS: dict[str, dict[str, str]] = {
    "Engagement": {
        "client": "Required. The client's name, as shown on their page and the board.",
        "project": "Required. What we make for the client.",
        "share": "Secret part of the client page's URL, c/<share>/: at least 20 characters of a-z "
        "and 0-9. `courtside new` makes one and `courtside rotate` replaces a leaked one.",
        "fee": "Total fixed fee, a decimal amount in `currency`. Percentage payments are parts of it, "
        "and the payments must add up to it.",
        "hours": "Optional, internal: hours budgeted and spent.",
        "contacts": "Required. Who speaks for the client, and (optional) for us.",
        "signed": "The day the contract was signed (YYYY-MM-DD). Absent: still a proposal, with "
        "durations but no dates.",
        "start": "Optional first day of work (moved to a working day). Default: the working day "
        "after signing and the deposit's payment.",
        "status": "Optional: on-hold or cancelled. Otherwise the state is derived (proposal, "
        "scheduled, active, done).",
        "stages": "The stages, in order. The first stage not done says whose court the ball is in.",
        "payments": "Payments, in order. They add up to the fee; at most one is due at signing "
        "(the deposit).",
        "accepted": "The client's acceptance: {by: NAME, on: DATE, version: VERSION}, the version "
        "`courtside version ID` printed. The page says when it no longer matches the terms.",
    },
    "Policies": {
        "studio": "Who we are: the studio's name and default contact.",
        "language": "Language of the client page: en, es, ru or ar (ar is right-to-left).",
        "currency": "ISO 4217 currency code of the fee and payments, such as USD or EUR.",
        "calendar": "The working-day calendar every date is counted in.",
        "buffer": "Under-promise margin on our own stages, like '20%': a stage of 10 days is promised in 12.",
        "communication": "How and how fast we answer, as told to the client.",
        "turnaround": "How fast we handle change requests and new work.",
        "payment": "Payment terms and the late fee.",
        "consequences": "What happens when the client or we are late.",
        "responsibilities": "Who does what, listed on the client page (one list, or one per language).",
        "reminders": "When `courtside remind --send` e-mails the client: false stops every reminder "
        "(for one engagement, say), or set payments and stages.",
    },
    "ReminderPolicy": {
        "payments": "Reminders of unpaid invoices, in calendar days around the due date; false: none.",
        "stages": "Reminders of the client's own stages, in working days around the promised due "
        "date; false: none.",
    },
    "PaymentCadence": {
        "before": "Calendar days before the due date, like [7, 1].",
        "on_due": "true: a reminder on the due date itself.",
        "after": "Calendar days after the due date while unpaid, like [2, 7, 14].",
    },
    "StageCadence": {
        "before": "Working days before the promised due date, like [2].",
        "on_due": "true: a reminder on the due date itself.",
        "after": "Working days after the due date while not done, like [1, 3, 5].",
    },
    "Studio": {
        "name": "The studio's name, as shown to clients.",
        "contact": "Our default contact on every engagement (an engagement's contacts.us overrides it).",
    },
    "Person": {
        "name": "Required. The person's name.",
        "email": "Email address, like name@example.com.",
        "phone": 'Phone number, in quotes: "+1 555 0100".',
    },
    "CalendarPolicy": {
        "country": "Two-letter ISO 3166 country code whose public holidays are days off, such as "
        "US; quote NO (Norway).",
        "subdivision": "Optional state or region code for regional holidays, such as CA (needs a country).",
        "workdays": "Weekdays we work: mon, tue, wed, thu, fri, sat, sun.",
        "closed": "Our own days off: dates or inclusive ranges like 2026-12-24..2027-01-01.",
        "open": "Dates that are working days despite a holiday or weekend.",
    },
    "Communication": {
        "channels": "How the client reaches us, such as [email, phone] (one list, or one per language).",
        "response": "Working days we take to answer.",
        "email_hours": 'When we read mail, as quoted 24-hour times: ["10:00", "15:00"].',
        "timezone": "IANA time zone of email_hours, such as America/Los_Angeles; the client page names it.",
    },
    "Turnaround": {
        "changes": "Working days for a small change request.",
        "new_work": "'scheduled' (fitted into the production schedule) or a number of working days.",
    },
    "PaymentPolicy": {
        "terms": "Net days (calendar days) from invoice to due date.",
        "late_fee": "Late fee per 30 days overdue, like '1.5%': simple, pro rata by the day.",
    },
    "Consequences": {
        "client": "When a client stage is late past its grace: the pause before we restart.",
        "us": "When one of our stages is late: the credit off the fee.",
    },
    "ClientConsequence": {
        "grace": "Working days a client stage may run late before the consequence applies.",
        "restart": "Working days we need to restart after a client stage ran late past the grace.",
    },
    "OurConsequence": {
        "discount": "Credit off the fee per started week one of our stages is late, like '5%'.",
        "cap": "Most the credit can add up to, like '20%' of the fee.",
    },
    "Responsibilities": {
        "us": "What we promise to do (one list, or one per language like {en: [...], es: [...]}).",
        "client": "What the client promises to do (one list, or one per language).",
    },
    "PoliciesFile": {
        "changes": "Policy changes announced before they take effect: each with `from`, `announce`, `set` "
        "and `note` (docs/guide/history.md).",
    },
    "PolicyChange": {
        "from": "Required. The day the new values apply (YYYY-MM-DD): to payments invoiced from that "
        "day, to consequences of stages opening from that day, to everything else from that day on.",
        "announce": "Days before `from` that every affected client page announces the change (default 30).",
        "set": "Required. The policy keys that change and their new values, like {payment: {late_fee: 2%}}.",
        "note": "What the client pages say about the change: one text, or one per language like {en: ..., es: ...}.",
    },
    "PolicyOverrides": {
        "studio": "The studio's new name or contact.",
        "language": "The new language of the client pages.",
        "currency": "The new currency.",
        "calendar": "The new working-day calendar.",
        "buffer": "The new under-promise margin (for engagements signed from `from`).",
        "communication": "How and how fast we answer, from `from`.",
        "turnaround": "How fast we handle change requests and new work, from `from`.",
        "payment": "The new payment terms and late fee (for payments invoiced from `from`).",
        "consequences": "The new consequences (for stages opening from `from`).",
        "responsibilities": "The new responsibilities, from `from`.",
    },
    "Acceptance": {
        "by": "Required. Who accepted for the client.",
        "on": "Required. The day they accepted (YYYY-MM-DD).",
        "version": "Required. The version they accepted, as `courtside version ID` prints it (12 hex digits).",
    },
    "Hours": {
        "budget": "Hours budgeted.",
        "spent": "Hours spent so far.",
    },
    "Contacts": {
        "client": "Required. The one person who decides for the client.",
        "us": "Our contact for this engagement. Default: studio.contact from the policies.",
    },
    "Stage": {
        "name": "Required. The stage's name, unique within the engagement.",
        "owner": "Required. Whose work it is: us or client.",
        "days": "Required. Working days, a whole number of 1 or more. Our stages are promised "
        "with the buffer added.",
        "deliverables": "Optional: what this stage hands over.",
        "started": "The day work on the stage really started (YYYY-MM-DD); replaces the computed "
        "opening day.",
        "done": "The day the stage was done (YYYY-MM-DD).",
    },
    "Payment": {
        "name": "Required. The payment's name, as on the invoice.",
        "amount": "Required. A percentage of the fee like '30%', or an amount above 0 like 3600.",
        "due": "Required. When it is invoiced: signing, start, a stage's name (invoiced when that "
        "stage is done), or a date YYYY-MM-DD.",
        "gate": "true: the stage after the one this payment is due on waits until it is paid.",
        "paid": "The day the payment arrived (YYYY-MM-DD).",
    },
}


def engagement_schema() -> dict[str, Any]:
    """JSON Schema of an engagement's front matter, as written in its file.

    Policy keys are optional and their nested fields too, since they merge over
    `_policies.yml` key by key; `contacts.client.name` stays required.
    """
    return _schema(
        Engagement,
        title="Courtside engagement",
        description="The front matter of an engagement file, projects/<id>.md. Keys marked (policy) "
        "default to projects/_policies.yml; mappings merge key by key.",
        relax=POLICY_KEYS,
        file="engagement.schema.json",
    )


def policies_schema() -> dict[str, Any]:
    """JSON Schema of `projects/_policies.yml`: every key optional (the model has defaults)."""
    return _schema(
        PoliciesFile,
        title="Courtside policies",
        description="projects/_policies.yml: firm-wide defaults every engagement may override.",
        relax=frozenset(),
        file="policies.schema.json",
    )


def _schema(model: type, *, title: str, description: str, relax: frozenset[str], file: str) -> dict[str, Any]:
    """Pydantic's schema made fit for editors: draft-07, described, anchored, no defaults.

    Defaults are dropped: in an engagement the real default of a policy key is the value in
    `_policies.yml`, and an editor would offer the model's default instead.
    """
    raw = model.model_json_schema(ref_template="#/definitions/{model}")  # type: ignore[attr-defined]
    definitions: dict[str, Any] = raw.pop("$defs", {})
    root = {key: value for key, value in raw.items() if key not in ("title", "description")}
    root["title"] = model.__name__  # so the describing pass finds its descriptions
    _describe(root, definitions)
    for schema in definitions.values():
        _describe(schema, definitions)

    # Policy keys and everything under them: nothing required (merged over the policies).
    relaxed: dict[str, str] = {}

    def relax_ref(node: Any) -> None:
        for child in schema_nodes(node):
            ref = child.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/definitions/"):
                name = ref.rsplit("/", 1)[1]
                if name not in relaxed:
                    relaxed[name] = (
                        f"{name}Policy" if name in _required_elsewhere(root, definitions, relax) else name
                    )
                    definition = copy.deepcopy(definitions[name])
                    definition.pop("required", None)
                    definitions[relaxed[name]] = definition
                    relax_ref(definition)
                child["$ref"] = f"#/definitions/{relaxed[name]}"

    for key in sorted(relax):
        if key in root.get("properties", {}):
            relax_ref(root["properties"][key])
            root["properties"][key]["description"] = POLICY + root["properties"][key]["description"]

    out: dict[str, Any] = {
        "$schema": SCHEMA_DRAFT,
        "$id": SCHEMA_ID.replace("engagement.schema.json", file),
        "title": title,
        "description": description,
        **{k: v for k, v in root.items() if k != "title"},
        "definitions": {name: definitions[name] for name in sorted(definitions)},
    }
    _editor_ready(out)
    _drop_unused(out)
    return out


# Add the description of every property from DESCRIPTIONS (a model's own description wins).
def _describe(schema: dict[str, Any], definitions: dict[str, Any]) -> None:
    names = [schema.get("title", "")]
    if names[0] == "Engagement":
        names.append("Policies")  # Engagement inherits the policy fields
    table: dict[str, str] = {}
    for name in names:
        table.update(DESCRIPTIONS.get(name, {}))
    for key, prop in schema.get("properties", {}).items():
        prop.setdefault("description", table.get(key, ""))


# Definitions that are required somewhere outside the relaxed keys (so need a relaxed copy).
def _required_elsewhere(root: dict[str, Any], definitions: dict[str, Any], relax: frozenset[str]) -> set[str]:
    strict = {k: v for k, v in root.get("properties", {}).items() if k not in relax}
    reached: set[str] = set()
    todo: list[Any] = list(strict.values())
    while todo:
        node = todo.pop()
        for child in schema_nodes(node):
            ref = child.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/definitions/"):
                name = ref.rsplit("/", 1)[1]
                if name not in reached and name in definitions:
                    reached.add(name)
                    todo.append(definitions[name])
    return reached


# Every mapping inside a schema fragment, the fragment first.
def schema_nodes(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from schema_nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from schema_nodes(value)


def _editor_ready(schema: dict[str, Any]) -> None:
    """Draft-07 details: `$ref` alone in its object, patterns anchored, no defaults or titles."""
    for node in list(schema_nodes(schema)):
        node.pop("default", None)
        if node is not schema:
            title = node.get("title")
            if isinstance(title, str) and "properties" not in node:
                node.pop("title")
        pattern = node.get("pattern")
        if isinstance(pattern, str) and not (pattern.startswith("^") and pattern.endswith("$")):
            node["pattern"] = f"^(?:{pattern})$"  # JSON Schema patterns match anywhere
        if "$ref" in node and len(node) > 1:  # draft-07 ignores the siblings of $ref
            ref = node.pop("$ref")
            node["allOf"] = [{"$ref": ref}]


# Drop definitions no longer referenced (the strict originals of relaxed copies).
def _drop_unused(schema: dict[str, Any]) -> None:
    definitions = schema["definitions"]
    while True:
        used = {
            node["$ref"].rsplit("/", 1)[1]
            for node in schema_nodes({k: v for k, v in schema.items() if k != "definitions"} | {"d": definitions})
            if isinstance(node.get("$ref"), str)
        }
        unused = [name for name in definitions if name not in used]
        if not unused:
            return
        for name in unused:
            del definitions[name]


# The schema as the text of the file in the repository (stable, ends with a newline).
def schema_text(schema: dict[str, Any], dumps: Callable[..., str] = json.dumps) -> str:
    return dumps(schema, indent=2, ensure_ascii=False) + "\n"
