"""History on the pages: "What changed", the acceptance, announced policy changes.

The client page's part (`client_history`) is in the engagement's language, in words a client
accepts: each version that moved dates is one sentence that says why and what moved first
("Your part, “Content”, arrived 7 working days late, past the grace period of 5 working
days, so “Build” restarts on March 3, 2026 instead of February 21, 2026."), and the other
dates that moved with it are listed under it. Our own delays are said just as plainly. It
also says who accepted which version on which day, what changed since, and gives a proposal
its "Accept" link (a `mailto:` built by `mailto.mailto_href`).

The board's part (`board_history`) lists the last changes across clients, the engagements
published from their last good version, the acceptances that no longer match, and the
announced policy changes. `history_json` is what board.json says per engagement.
Every sentence is one gettext message (publish/views.py explains the rules).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from ..core.agreement import version
from ..core.history import Acceptance, Change, acceptance_of
from ..core.policy_changes import Announcement, announcements
from ..core.values import pick_texts
from .i18n import Speech, speech_for
from .mailto import mailto_href

if TYPE_CHECKING:
    from ..core.agreement import TermChange
    from ..core.board import Board
    from ..core.snapshot import Snapshot

RECENT = 20
"""Changes the board lists across clients, newest first."""


def _isolate(text: str):
    from .views import isolate

    return isolate(text)


# -- The client page --------------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeView:
    """One version that moved dates: when, the sentence that says why, the other dates it moved."""

    when: str
    day: str  # ISO, for <time datetime>
    reason: str  # a CSS class: client-late | us-late | gate | terms | recorded
    sentence: str
    also: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class AcceptView:
    """The proposal's "Accept" link."""

    href: str
    label: str
    note: str


@dataclass(frozen=True)
class AnnouncementView:
    """An announced policy change on a client page."""

    heading: str
    note: str | None
    note_lang: str | None
    rules: list[str]
    in_force: bool


@dataclass(frozen=True)
class ClientHistory:
    """Everything the client page says about history (`ClientView.history`)."""

    changes: list[ChangeView]  # newest first
    shows_changes: bool  # there is a history to tell (else the section is left out)
    accepted: list[str] = field(default_factory=list)  # who accepted which version on which day
    outdated: bool = False
    since: list[str] = field(default_factory=list)  # term changes since the accepted version
    since_changes: list[ChangeView] = field(default_factory=list)  # dates moved since
    accept: AcceptView | None = None
    announcements: list[AnnouncementView] = field(default_factory=list)


def _lead_sentence(change: Change, speech: Speech) -> str:
    """The sentence of a group of changes: why, and the first date that moved."""
    _ = speech.gettext
    stage, cause = _isolate(change.name), _isolate(change.cause or "")
    new = speech.date(change.new) if change.new else ""
    old = speech.date(change.old) if change.old else ""
    if change.kind == "payment":
        if change.old is None:
            return _("We added the payment “%(payment)s”, due on %(new)s.", payment=stage, new=new)
        if change.new is None:
            return _("We removed the payment “%(payment)s”, which was due on %(old)s.", payment=stage, old=old)
        return _("The payment “%(payment)s” is now due on %(new)s instead of %(old)s.", payment=stage, new=new, old=old)
    if change.old is None:
        return _("We added the stage “%(stage)s”, due on %(new)s.", stage=stage, new=new)
    if change.new is None:
        return _("We removed the stage “%(stage)s”, which was due on %(old)s.", stage=stage, old=old)
    late = speech.working_days(change.late_by or 0)
    values: dict[str, Any] = {"stage": stage, "cause": cause, "late": late, "new": new, "old": old}
    if change.reason == "client-late":
        if change.restart and change.opens_new and change.opens_old and change.opens_new != change.opens_old:
            values.update(
                new=speech.date(change.opens_new), old=speech.date(change.opens_old),
                grace=speech.working_days(change.grace or 0),
            )  # fmt: skip
            if change.done:
                return _(
                    "Your part, “%(cause)s”, arrived %(late)s late, past the grace period of %(grace)s, "
                    "so “%(stage)s” restarts on %(new)s instead of %(old)s.",
                    **values,
                )
            return _(
                "Your part, “%(cause)s”, is %(late)s late so far, past the grace period of %(grace)s, "
                "so “%(stage)s” restarts on %(new)s at the earliest instead of %(old)s.",
                **values,
            )
        if change.done:
            return _(
                "Your part, “%(cause)s”, arrived %(late)s late, so “%(stage)s” is now due on %(new)s "
                "instead of %(old)s.",
                **values,
            )
        return _(
            "Your part, “%(cause)s”, is %(late)s late so far, so “%(stage)s” is now due on %(new)s "
            "instead of %(old)s.",
            **values,
        )
    if change.reason == "us-late":
        if change.done:
            return _(
                "We delivered “%(cause)s” %(late)s late, so “%(stage)s” is now due on %(new)s instead of %(old)s.",
                **values,
            )
        return _(
            "We are %(late)s late with “%(cause)s”, so “%(stage)s” is now due on %(new)s instead of %(old)s.",
            **values,
        )
    if change.reason == "gate":
        if change.paid is not None:
            return _(
                "The payment “%(cause)s” arrived on %(paid)s, so “%(stage)s” is now due on %(new)s "
                "instead of %(old)s.",
                paid=speech.date(change.paid),
                **values,
            )
        return _(
            "“%(stage)s” waits for the payment “%(cause)s”, so it is now due on %(new)s instead of %(old)s.",
            **values,
        )
    if change.reason == "recorded":
        if change.cause:
            return _(
                "With the dates recorded for “%(cause)s”, “%(stage)s” is now due on %(new)s instead of %(old)s.",
                **values,
            )
        return _("With the dates recorded, “%(stage)s” is now due on %(new)s instead of %(old)s.", **values)
    return _("We changed the plan, so “%(stage)s” is now due on %(new)s instead of %(old)s.", **values)


def _also(change: Change, speech: Speech) -> str:
    """A date that moved with the first one of its group."""
    _ = speech.gettext
    if change.old is None or change.new is None:
        return _lead_sentence(change, speech)
    values = {"name": _isolate(change.name), "new": speech.date(change.new), "old": speech.date(change.old)}
    if change.kind == "payment":
        return _("The payment “%(name)s”: now due on %(new)s instead of %(old)s.", **values)
    return _("“%(name)s”: now due on %(new)s instead of %(old)s.", **values)


def change_views(changes: list[Change] | tuple[Change, ...], speech: Speech) -> list[ChangeView]:
    """The changes grouped by version and cause, newest version first."""
    groups: dict[tuple, list[Change]] = {}
    for change in changes:
        added = change.old is None or change.new is None
        key = (change.on, change.commit, change.reason, change.cause, change.kind if added else "", added and change.name)
        groups.setdefault(key, []).append(change)
    by_version: dict[tuple, list[ChangeView]] = {}
    for key, members in groups.items():
        lead, rest = members[0], members[1:]
        by_version.setdefault(key[:2], []).append(
            ChangeView(
                speech.date(key[0]), key[0].isoformat(), lead.reason, _lead_sentence(lead, speech),
                [_also(change, speech) for change in rest],
            )  # fmt: skip
        )
    return [view for version in reversed(by_version.values()) for view in version]


def _term_sentence(change: TermChange, speech: Speech, currency: str) -> str:
    """One difference between the accepted agreement and the agreement now."""
    from decimal import Decimal

    _ = speech.gettext
    name = _isolate(change.name or "")
    kind = change.kind
    if kind == "stage-added":
        return _("Stage “%(stage)s” added (%(days)s).", stage=name, days=speech.working_days(change.new))
    if kind == "stage-removed":
        return _("Stage “%(stage)s” removed.", stage=name)
    if kind == "stage-days":
        return _(
            "“%(stage)s” now takes %(new)s instead of %(old)s.",
            stage=name, new=speech.working_days(change.new), old=speech.working_days(change.old),
        )  # fmt: skip
    if kind == "stage-owner":
        if change.new == "client":
            return _("“%(stage)s” is now in your court.", stage=name)
        return _("“%(stage)s” is now in our court.", stage=name)
    if kind == "stage-deliverables":
        return _("The deliverables of “%(stage)s” changed.", stage=name)
    if kind == "payment-added":
        return _("Payment “%(payment)s” added.", payment=name)
    if kind == "payment-removed":
        return _("Payment “%(payment)s” removed.", payment=name)
    if kind == "payment-changed":
        return _("Payment “%(payment)s” changed.", payment=name)
    if kind == "fee":
        if change.old is None or change.new is None:
            return _("The fee changed.")
        return _(
            "The fee is now %(new)s instead of %(old)s.",
            new=speech.money(Decimal(change.new), currency), old=speech.money(Decimal(change.old), currency),
        )  # fmt: skip
    policies = {
        "calendar": _("Our working days and days off changed."),
        "communication": _("How we communicate changed."),
        "turnaround": _("How fast we handle changes and new work changed."),
        "payment": _("The payment terms changed."),
        "consequences": _("What happens when either side is late changed."),
        "responsibilities": _("Who is responsible for what changed."),
    }
    return policies.get(change.name or "", _("Our terms changed."))


def _acceptance_lines(found: Acceptance, speech: Speech, currency: str) -> tuple[list[str], list[str]]:
    """(what the page says about the acceptance, the term changes since)."""
    _ = speech.gettext
    lines = [
        _(
            "Accepted by %(name)s on %(date)s (version %(version)s).",
            name=found.by, date=speech.date(found.on), version=found.version,
        )  # fmt: skip
    ]
    if not found.outdated:
        lines.append(_("This is the agreement as it stands."))
        return lines, []
    lines.append(
        _(
            "The agreement has changed since it was accepted: it now stands at version %(version)s, "
            "which has not been accepted yet.",
            version=found.current,
        )
    )
    if not found.found:
        lines.append(
            _("The accepted version is not in our records, so what changed in the terms cannot be listed here.")
        )
    return lines, [_term_sentence(change, speech, currency) for change in found.term_changes]


def _accept_link(snap: Snapshot, speech: Speech, current: str | None) -> AcceptView | None:
    """A proposal's "Accept" link: a mail to the studio's contact naming the version (`current`,
    computed here when not known yet)."""
    terms = snap.terms
    if snap.schedule.dated or terms.status == "cancelled":
        return None
    us = terms.contacts.us or terms.studio.contact
    if us is None or not us.email:
        return None
    current = current or version(terms)
    _ = speech.gettext
    subject = _("%(project)s: we accept version %(version)s", project=terms.project, version=current)
    body = _(
        "We accept the agreement for %(project)s with %(studio)s as it stands on our page, version %(version)s.",
        project=terms.project, studio=terms.studio.name, version=current,
    )  # fmt: skip
    return AcceptView(
        mailto_href(us.email, subject, body),
        _("Accept this agreement"),
        _(
            "The link prepares an email to %(name)s naming version %(version)s, the agreement on this page.",
            name=us.name, version=current,
        ),  # fmt: skip
    )


def _announcement_view(snap: Snapshot, found: Announcement, speech: Speech) -> AnnouncementView:
    """An announced change: the day, the note, and the rules on the page that it changes."""
    from .views import lateness_rules, payment_terms, turnaround

    _ = speech.gettext
    if found.in_force:
        heading = _("Since %(date)s:", date=speech.date(found.starts))
    else:
        heading = _("From %(date)s:", date=speech.date(found.starts))
    note = lang = None
    if found.note:
        texts, fallback = pick_texts(found.note, snap.terms.language)
        note = texts[0] if texts else None
        lang = next((key for key in ("en", *found.note) if key in found.note and key != "*"), None) if fallback else None

    def said(terms: Any) -> list[str]:
        shown = replace(snap, loaded=replace(snap.loaded, terms=terms))
        return [*payment_terms(shown, speech), *lateness_rules(shown, speech), *turnaround(shown, speech)]

    before = said(found.before)
    rules = [sentence for sentence in said(found.after) if sentence not in before]
    return AnnouncementView(heading, note, lang, rules, found.in_force)


def client_history(snap: Snapshot) -> ClientHistory:
    """The client page's history: what changed, the acceptance, the announcements."""
    speech = speech_for(snap.terms.language)
    story = snap.history
    found = acceptance_of(snap)
    accepted: list[str] = []
    since: list[str] = []
    since_changes: list[ChangeView] = []
    if found is not None:
        accepted, since = _acceptance_lines(found, speech, snap.terms.currency)
        if found.outdated or found.changes:
            since_changes = change_views(found.changes, speech)
    accept = None
    if found is None or found.outdated:
        accept = _accept_link(snap, speech, found.current if found is not None else None)
    return ClientHistory(
        changes=change_views(story.changes, speech) if story is not None else [],
        shows_changes=story is not None and snap.schedule.dated,
        accepted=accepted,
        outdated=found is not None and found.outdated,
        since=since,
        since_changes=since_changes,
        accept=accept,
        announcements=[_announcement_view(snap, a, speech) for a in announcements(snap, snap.schedule.today)],
    )


# -- The board ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecentChange:
    """One moved date on the board."""

    when: str
    day: date
    client: str
    link: str | None
    what: str
    old: str
    new: str
    reason: str  # the key
    reason_label: str


@dataclass(frozen=True)
class BoardNote:
    """One engagement the board marks: published from its last good version, or accepted at
    a version that no longer matches."""

    client: str
    link: str | None
    text: str
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class BoardHistory:
    """The board's history section (`BoardView.history`)."""

    recent: list[RecentChange]
    kept: list[BoardNote]
    outdated: list[BoardNote]
    announcements: list[str]

    @property
    def empty(self) -> bool:
        return not (self.recent or self.kept or self.outdated or self.announcements)


def reason_label(reason: str, speech: Speech) -> str:
    """A change's reason in the board's words."""
    _ = speech.gettext
    return {
        "client-late": _("client late"),
        "us-late": _("we were late"),
        "gate": _("waited for a payment"),
        "terms": _("terms changed"),
        "recorded": _("date recorded"),
    }.get(reason, reason)


def board_history(board: Board, links: dict[str, str]) -> BoardHistory:
    """The last changes across clients, the engagements marked, the announced changes."""
    speech = speech_for("en")
    _ = speech.gettext
    recent: list[RecentChange] = []
    kept: list[BoardNote] = []
    outdated: list[BoardNote] = []
    affected: dict[str, list[str]] = {}
    for snap in board.snapshots:
        client, link = snap.terms.client, links.get(snap.id)
        story = snap.history
        if story is not None:
            for change in story.changes:
                what = _("stage “%(name)s”", name=_isolate(change.name)) if change.kind == "stage" else _(
                    "payment “%(name)s”", name=_isolate(change.name)
                )
                recent.append(
                    RecentChange(
                        speech.short_date(change.on, board.today.year), change.on, client, link, what,
                        speech.short_date(change.old, board.today.year) if change.old else "—",
                        speech.short_date(change.new, board.today.year) if change.new else "—",
                        change.reason, reason_label(change.reason, speech),
                    )  # fmt: skip
                )
            if story.kept is not None:
                kept.append(
                    BoardNote(
                        client, link,
                        _(
                            "Published from its last valid version, commit %(commit)s of %(date)s: the file has problems.",
                            commit=story.kept.commit[:7], date=speech.date(story.kept.day),
                        ),
                        [str(problem) for problem in story.kept.problems],
                    )  # fmt: skip
                )
        found = acceptance_of(snap)
        if found is not None and found.outdated:
            outdated.append(
                BoardNote(
                    client, link,
                    _(
                        "Accepted version %(accepted)s on %(date)s; the agreement now stands at %(current)s.",
                        accepted=found.version, date=speech.date(found.on), current=found.current,
                    ),
                )  # fmt: skip
            )
        for item in announcements(snap, board.today):
            affected.setdefault(item.starts.isoformat(), []).append(client)
    recent.sort(key=lambda change: change.day, reverse=True)
    notes = [
        _("From %(date)s: %(clients)s.", date=speech.date(date.fromisoformat(day)), clients=", ".join(sorted(clients)))
        for day, clients in sorted(affected.items())
    ]
    return BoardHistory(recent[:RECENT], kept, outdated, notes)


# -- board.json -----------------------------------------------------------------------------------


def history_json(snap: Snapshot) -> dict[str, Any]:
    """board.json's history keys of one engagement: `changes`, `version`, `accepted`,
    `last_good` and `announcements`."""
    story = snap.history
    found = acceptance_of(snap)
    kept = story.kept if story is not None else None
    return {
        "changes": [change.to_json() for change in story.changes] if story is not None else [],
        "version": found.current if found is not None else version(snap.terms),
        "accepted": None
        if found is None
        else {"by": found.by, "on": found.on.isoformat(), "version": found.version, "current": not found.outdated},
        "last_good": None
        if kept is None
        else {"commit": kept.commit, "date": kept.day.isoformat(), "problems": [str(p) for p in kept.problems]},
        "announcements": [
            {"id": a.id, "from": a.starts.isoformat(), "announced_on": a.announced_on.isoformat(), "in_force": a.in_force}
            for a in announcements(snap, snap.schedule.today)
        ],
    }
