"""The agreement a client accepts, as data: what `courtside version` digests.

Everything the client agreed to, and nothing computed from it: the stages (name, owner, the
working days promised, deliverables), the payments (name, amount, when due, gate), the fee
and its currency, and the policies in force (calendar, communication, turnaround, payment,
consequences, responsibilities). Not the dates (they follow from these), not the recorded
dates (`signed`, `started`, `done`, `paid`), not the names of the people, not the page's text.

The version is the first 12 hex digits of the SHA-256 of that data written as canonical
JSON (keys sorted, numbers as normalized decimals), so it does not change when the file is
reformatted (key order, quoting, comments, `3600` or `3600.00`) and changes with any term.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .model import VERSION_LENGTH
from .schedule import durations

if TYPE_CHECKING:
    from .model import Engagement

POLICY_PARTS = ("calendar", "communication", "turnaround", "payment", "consequences", "responsibilities")
"""The policies a client agrees to (the studio's name, the buffer and the page's language are not terms)."""


def _plain(value: Any) -> Any:
    """A value as canonical JSON data: decimals normalized, dates ISO, tuples as lists."""
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def _amount(value: Decimal | str) -> str:
    """A payment's amount as written, normalized: `30 %` and `30%` alike, `3600.00` as `3600`."""
    if isinstance(value, str):
        return f"{Decimal(value.rstrip('% ')).normalize():f}%"
    return f"{value.normalize():f}"


_PARTS: dict[int, tuple[Any, Any]] = {}
"""Speed: a policy part written as plain data, by the identity of its (frozen) model. An
engagement shares the models it inherits unchanged with every other (validate.py), so a
history of hundreds of versions writes each policy part a handful of times, not once per
version. The model is kept with its data, so that its id is not reused while remembered."""


def _part(model: Any) -> Any:
    """A frozen policy model as plain data, remembered by identity."""
    found = _PARTS.get(id(model))
    if found is None or found[0] is not model:
        if len(_PARTS) > 4096:
            _PARTS.clear()
        found = _PARTS[id(model)] = (model, _plain(model.model_dump()))
    return found[1]


def agreement_of(terms: Engagement) -> dict[str, Any]:
    """The terms a client agrees to, as plain data (see the module's docstring)."""
    return {
        "stages": [
            {
                "name": stage.name,
                "owner": stage.owner,
                "days": durations(terms, stage)[0],
                "deliverables": list(stage.deliverables),
            }
            for stage in terms.stages
        ],
        "payments": [
            {"name": p.name, "amount": _amount(p.amount), "due": p.due, "gate": p.gate} for p in terms.payments
        ],
        "fee": None if terms.fee is None else f"{terms.fee.normalize():f}",
        "currency": terms.currency,
        "policies": {part: _part(getattr(terms, part)) for part in POLICY_PARTS},
    }


def version_of(agreement: dict[str, Any]) -> str:
    """The version of an agreement: 12 hex digits of the SHA-256 of its canonical JSON."""
    text = json.dumps(agreement, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:VERSION_LENGTH]


def version(terms: Engagement) -> str:
    """`courtside version ID`: the version of the engagement's agreement as it stands."""
    return version_of(agreement_of(terms))


@dataclass(frozen=True, slots=True)
class TermChange:
    """One difference between two versions of an agreement, for "Changed since you accepted"."""

    kind: str  # stage-added | stage-removed | stage-days | stage-owner | stage-deliverables |
    #            payment-added | payment-removed | payment-changed | fee | policy
    name: str | None  # the stage's or payment's name; the policy part for `policy`
    old: Any = None
    new: Any = None


def term_changes(before: dict[str, Any], after: dict[str, Any]) -> list[TermChange]:
    """What changed from one agreement to another, stage by stage, payment by payment."""
    out: list[TermChange] = []
    old_stages = {s["name"]: s for s in before["stages"]}
    new_stages = {s["name"]: s for s in after["stages"]}
    for stage in after["stages"]:
        name, was = stage["name"], old_stages.get(stage["name"])
        if was is None:
            out.append(TermChange("stage-added", name, None, stage["days"]))
            continue
        if was["days"] != stage["days"]:
            out.append(TermChange("stage-days", name, was["days"], stage["days"]))
        if was["owner"] != stage["owner"]:
            out.append(TermChange("stage-owner", name, was["owner"], stage["owner"]))
        if was["deliverables"] != stage["deliverables"]:
            out.append(TermChange("stage-deliverables", name, was["deliverables"], stage["deliverables"]))
    out += [TermChange("stage-removed", s["name"]) for s in before["stages"] if s["name"] not in new_stages]
    old_payments = {p["name"]: p for p in before["payments"]}
    new_payments = {p["name"] for p in after["payments"]}
    for payment in after["payments"]:
        was = old_payments.get(payment["name"])
        if was is None:
            out.append(TermChange("payment-added", payment["name"]))
        elif was != payment:
            out.append(TermChange("payment-changed", payment["name"]))
    out += [TermChange("payment-removed", p["name"]) for p in before["payments"] if p["name"] not in new_payments]
    if (before["fee"], before["currency"]) != (after["fee"], after["currency"]):
        out.append(TermChange("fee", None, before["fee"], after["fee"]))
    for part in POLICY_PARTS:
        if before["policies"].get(part) != after["policies"].get(part):
            out.append(TermChange("policy", part))
    return out
