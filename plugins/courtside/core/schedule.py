"""The date rules of format.md: start, the promise and target chains, baseline, ball.

Everything here is a plain function of the validated terms, the working-day calendar and
`today`. The *promise* chain (buffered durations) is what the client is told; the
*target* chain (raw durations) is what we aim for internally; the *baseline* is the
promise chain as it was the day the dates were assigned (no recorded dates, no today).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal
from typing import TYPE_CHECKING

from .model import Engagement, Stage
from .problems import Problem
from .workcal import FIRST, LAST, OutOfRange, WorkCalendar

if TYPE_CHECKING:
    from .policy_changes import Rules
    from .validate import Origin


@dataclass(frozen=True, slots=True)
class Link:
    """One stage in one chain."""

    opens: date
    due: date
    end: date
    late_by: int  # working days past `due` (0 when on time); meaningful in the promise chain
    restarted: bool  # opens was pushed by the client consequence of the previous stage
    gated: bool  # opens was held by an unpaid or late gate payment


@dataclass(frozen=True, slots=True)
class StagePlan:
    """A stage with every computed value: what the board, page and calendar show."""

    index: int
    stage: Stage
    promised: int  # working days told to the client
    target: int  # working days we aim for
    promise: Link | None  # None for a proposal
    target_link: Link | None
    baseline_due: date | None
    late_by: int | None  # promise chain; None for a proposal
    early_by: int | None  # working days done before the promised due (our record)
    consequence: bool  # late past grace (client) or late at all (us)
    weeks_late: int  # for our stages: started weeks late, the basis of the credit
    state: str  # done | late | in-progress | upcoming | proposed | cancelled

    @property
    def name(self) -> str:
        return self.stage.name

    @property
    def owner(self) -> str:
        return self.stage.owner


@dataclass(frozen=True, slots=True)
class Schedule:
    """The whole engagement's timeline on `today`."""

    today: date
    start: date | None
    stages: list[StagePlan]
    state: str  # on-hold | cancelled | proposal | scheduled | done | active
    ball: str | None  # us | client | None when no stage is left (every one done, or cancelled)
    current: StagePlan | None  # the first stage not done; None when cancelled
    waiting: int | None  # working days the ball has been in that court
    drift: int | None  # working days the final due moved since the baseline (signed)
    credit_rate: Decimal  # the share of the fee we owe back for our late stages (capped)
    credit: Decimal | None  # owed to the client for our late stages; None without a fee
    final_due: date | None
    baseline_final_due: date | None
    gate: int | None = None  # index in `payments` of the unpaid gate payment holding `current`

    @property
    def gated(self) -> bool:
        """The next stage waits for a payment: the ball is the client's (format.md, the gate)."""
        return self.gate is not None

    @property
    def dated(self) -> bool:
        return self.start is not None

    def held_by_gate_on(self, stage_name: str) -> StagePlan | None:
        """The stage a gate payment due on `stage_name` holds back: the next one (format.md, the
        gate); None when `stage_name` is the last stage (a gate there holds nothing back)."""
        names = [plan.name for plan in self.stages]
        after = names.index(stage_name) + 1
        return self.stages[after] if after < len(names) else None


def durations(terms: Engagement, stage: Stage) -> tuple[int, int]:
    """(promised, target) working days: our stages carry the under-promise buffer."""
    if stage.owner == "us":
        promised = int((stage.days * (1 + terms.buffer)).to_integral_value(ROUND_CEILING))
        return promised, stage.days
    return stage.days, stage.days


def deposit_paid(terms: Engagement) -> tuple[bool, date | None]:
    """(whether the work may start, the deposit's paid date if there is a deposit)."""
    for payment in terms.payments:
        if payment.due == "signing":
            return payment.paid is not None, payment.paid
    return True, None


def start_date(terms: Engagement, cal: WorkCalendar) -> date | None:
    """`wd(start)` when given, else `next(max(signed, deposit paid))`; None for a proposal."""
    if terms.signed is None:
        return None
    ready, paid = deposit_paid(terms)
    if not ready:
        return None
    if terms.start is not None:
        return cal.wd(terms.start)
    return cal.next(max(terms.signed, paid) if paid else terms.signed)


def gates(terms: Engagement) -> dict[str, list[date | None]]:
    """Stage name -> paid dates (None while unpaid) of gate payments due on that stage."""
    held: dict[str, list[date | None]] = {}
    for payment in terms.payments:
        if payment.gate:
            held.setdefault(payment.due, []).append(payment.paid)
    return held


def chain(
    terms: Engagement,
    cal: WorkCalendar,
    start: date,
    lengths: list[int],
    today: date | None,
    promise_late: list[int] | None = None,
    rules: Rules | None = None,
) -> list[Link]:
    """One chain, stage by stage (format.md, "The date rules", steps 1 to 4).

    `today=None` computes the baseline: recorded dates and today are ignored.
    `promise_late` carries the promise chain's `late_by` into the target chain, because the
    client consequence is decided on promised dates only.
    `rules`: announced policy changes; a late client stage's grace and restart are those in
    force on the day it opened.
    """
    grace = terms.consequences.client.grace
    restart = terms.consequences.client.restart
    held = gates(terms) if today is not None else {}
    links: list[Link] = []
    for index, (stage, length) in enumerate(zip(terms.stages, lengths, strict=True)):
        restarted = gated = False
        if index == 0:
            opens = start
        else:
            previous, before = links[-1], terms.stages[index - 1]
            opens = cal.next(previous.end)
            late = promise_late[index - 1] if promise_late is not None else previous.late_by
            if rules is not None:
                client = rules.on(previous.opens).consequences.client
                grace, restart = client.grace, client.restart
            if before.owner == "client" and late > grace:
                opens, restarted = cal.add(previous.end, 1 + restart), True
            for paid in held.get(before.name, ()):
                floor = cal.next(paid if paid is not None else today)  # type: ignore[arg-type]
                if floor > opens:
                    opens, gated = floor, True
        recorded = today is not None
        if recorded and stage.started is not None:
            opens, restarted, gated = stage.started, False, False
        due = cal.add(opens, length - 1) if length > 1 else opens
        done = stage.done if recorded else None
        if done is not None:
            end, late_by = done, cal.between(due, done)
        elif today is not None and due < today:
            end, late_by = today, cal.between(due, today)
        else:
            end, late_by = due, 0
        links.append(Link(opens, due, end, late_by, restarted, gated))
    return links


def signed_between(cal: WorkCalendar, a: date, b: date) -> int:
    """Working days from a to b, negative when b is before a."""
    return cal.between(a, b) if b >= a else -cal.between(b, a)


def stage_state(stage: Stage, link: Link | None, today: date) -> str:
    """done | late | in-progress | upcoming, or proposed while there are no dates."""
    if link is None:
        return "proposed"
    if stage.done is not None:
        return "done"
    if link.due < today:
        return "late"
    if link.opens <= today:
        return "in-progress"
    return "upcoming"


def credit_rate(terms: Engagement, weeks_late: int) -> Decimal:
    """`min(cap, discount * weeks late)`: the share of the fee our late weeks give back."""
    return min(terms.consequences.us.cap, terms.consequences.us.discount * weeks_late)


def credit_owed(terms: Engagement, rate: Decimal) -> Decimal | None:
    """`fee * rate`, rounded to the currency's minor unit; None without a fee."""
    from .money import round_money  # here: `courtside check` computes no money, nor loads it

    if terms.fee is None:
        return None
    return round_money(terms.fee * rate, terms.currency)


def called_off(plan: StagePlan) -> StagePlan:
    """A stage of a cancelled engagement that was not done: it promises nothing any more.

    format.md ("Cancelled"): state `cancelled`, no dates, `late_by` 0, no consequence.
    """
    return StagePlan(
        index=plan.index,
        stage=plan.stage,
        promised=plan.promised,
        target=plan.target,
        promise=None,
        target_link=None,
        baseline_due=None,
        late_by=0,
        early_by=None,
        consequence=False,
        weeks_late=0,
        state="cancelled",
    )


def holding_gate(terms: Engagement, current: StagePlan | None) -> int | None:
    """The unpaid gate payment that alone holds `current` back, as its index in `payments`.

    format.md, "Ball in court": the stage before `current` is done (it always is: `current`
    is the first stage not done), a `gate: true` payment due on it is unpaid, and `current`
    has not been recorded as started anyway. The first such payment in the file.
    """
    if current is None or current.index == 0 or current.stage.started is not None:
        return None
    before = terms.stages[current.index - 1].name
    for index, payment in enumerate(terms.payments):
        if payment.gate and payment.due == before and payment.paid is None:
            return index
    return None


def schedule(terms: Engagement, cal: WorkCalendar, today: date, rules: Rules | None = None) -> Schedule:
    """Every date of the engagement on `today` (`rules`: announced policy changes, applied
    stage by stage, see core/policy_changes.py)."""
    buffered = rules.durations_terms(terms.signed, today) if rules is not None else terms
    lengths = [durations(buffered, stage) for stage in terms.stages]
    start = start_date(terms, cal)
    promise = target = baseline = None
    if start is not None:
        promise = chain(terms, cal, start, [p for p, _ in lengths], today, rules=rules)
        target = chain(
            terms, cal, start, [t for _, t in lengths], today, [link.late_by for link in promise], rules
        )
        baseline = chain(terms, cal, start, [p for p, _ in lengths], None, rules=rules)

    grace = terms.consequences.client.grace
    per_week = cal.workdays_per_week
    plans: list[StagePlan] = []
    for index, stage in enumerate(terms.stages):
        link = promise[index] if promise else None
        late_by = link.late_by if link else None
        if rules is not None and link is not None:
            grace = rules.on(link.opens).consequences.client.grace
        if stage.owner == "client":
            consequence, weeks = late_by is not None and late_by > grace, 0
        else:
            consequence = bool(late_by)
            weeks = math.ceil(late_by / per_week) if late_by else 0
        early_by = cal.between(stage.done, link.due) if link and stage.done else None
        plans.append(
            StagePlan(
                index=index,
                stage=stage,
                promised=lengths[index][0],
                target=lengths[index][1],
                promise=link,
                target_link=target[index] if target else None,
                baseline_due=baseline[index].due if baseline else None,
                late_by=late_by,
                early_by=early_by,
                consequence=consequence,
                weeks_late=weeks,
                state=stage_state(stage, link, today),
            )
        )

    cancelled = terms.status == "cancelled"
    if cancelled:
        plans = [plan if plan.stage.done is not None else called_off(plan) for plan in plans]
    current = None if cancelled else next((plan for plan in plans if plan.stage.done is None), None)
    if terms.status:
        state = terms.status
    elif start is None:
        state = "proposal"
    elif start > today:
        state = "scheduled"
    elif current is None:
        state = "done"
    else:
        state = "active"
    gate = holding_gate(terms, current)
    ball = waiting = None
    if gate is not None and current is not None:
        # The client's move: paying. Waiting counts from the invoice, the day the stage
        # before was done (the day a stage-due payment is invoiced).
        invoiced = plans[current.index - 1].stage.done
        assert invoiced is not None  # `current` is the first stage not done
        ball, waiting = "client", cal.between(invoiced, today)
    elif current is not None:
        ball = current.owner
        if current.promise is not None:
            waiting = cal.between(current.promise.opens, today)
    last = plans[-1]
    final_due = last.promise.due if last.promise else None
    baseline_final = last.baseline_due
    drift = None
    if final_due is not None and baseline_final is not None and not cancelled:
        drift = signed_between(cal, baseline_final, final_due)
    if rules is None:
        rate = credit_rate(terms, sum(plan.weeks_late for plan in plans))
    else:
        rate = _credit_rate_by_rules(plans, rules)
    return Schedule(
        today=today,
        start=start,
        stages=plans,
        state=state,
        ball=ball,
        current=current,
        waiting=waiting,
        drift=drift,
        credit_rate=rate,
        credit=credit_owed(terms, rate),
        final_due=final_due,
        baseline_final_due=baseline_final,
        gate=gate,
    )


def _credit_rate_by_rules(plans: list[StagePlan], rules: Rules) -> Decimal:
    """Our credit rate when announced changes may have changed our consequence: each late
    stage of ours earns the discount in force on the day it opened, capped by the cap in
    force on the day the last of them opened."""
    late = [plan for plan in plans if plan.weeks_late and plan.promise is not None]
    if not late:
        return Decimal(0)
    earned = sum((rules.on(p.promise.opens).consequences.us.discount * p.weeks_late for p in late), Decimal(0))  # type: ignore[union-attr]
    cap = rules.on(late[-1].promise.opens).consequences.us.cap  # type: ignore[union-attr]
    return min(cap, earned)


def _could_open(stages: list[Stage], promise: list[Link | None] | None, origin: Origin) -> list[Problem]:
    """A `done` before its stage could open (in the promise chain) is a typo, not a schedule."""
    found: list[Problem] = []
    for index, (stage, link) in enumerate(zip(stages, promise or (), strict=False)):
        if stage.done is not None and link is not None and stage.done < link.opens:
            found.append(
                origin.problem(
                    ("stages", index, "done"),
                    f"done {stage.done} is before the stage could open ({link.opens}); "
                    "record `started` if the work really began earlier",
                )
            )
    return found


def could_open_problems(terms: Engagement, plan: Schedule, origin: Origin) -> list[Problem]:
    """A `done` before its stage could open is a typo, not a schedule."""
    return _could_open(terms.stages, [stage_plan.promise for stage_plan in plan.stages], origin)


def date_problems(terms: Engagement, cal: WorkCalendar, today: date, origin: Origin) -> list[Problem]:
    """`could_open_problems(terms, schedule(terms, cal, today), origin)`, from the promise chain alone.

    For `courtside check`, which needs the problems, not the dates: a third of the work
    of `schedule`. It raises OutOfRange exactly when `schedule` does: the target chain
    never ends later than the promise chain (the same rules over durations without the
    buffer, which is 0% or more), and the baseline (no recorded dates, no gates, no
    restarts) is due `sum(promised) - 1` working days after the start, so one `add` says
    whether it fits. With `today` outside FIRST..LAST, or when a date does not fit,
    `schedule` itself runs, so the exception and its message are the ones it gives.
    """
    if not FIRST <= today <= LAST:
        return could_open_problems(terms, schedule(terms, cal, today), origin)
    try:
        start = start_date(terms, cal)
        if start is None:
            return []
        promised = [durations(terms, stage)[0] for stage in terms.stages]
        promise = chain(terms, cal, start, promised, today)
        if sum(promised) > 1:
            cal.add(start, sum(promised) - 1)  # the baseline's final due
    except OutOfRange:
        return could_open_problems(terms, schedule(terms, cal, today), origin)
    return _could_open(terms.stages, promise, origin)
