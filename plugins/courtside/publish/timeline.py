"""Server-rendered timelines: inline SVG, no script, no request, fit for print.

Each timeline is a set of lanes (one per stage, or one per engagement on the board) whose
bars are coloured by whose court the ball is in: ours solid, the client's hatched, so that
the difference survives print in black and white. Late stretches are red and cross-hatched;
a dashed line marks today. Right-to-left pages get the chart mirrored (time runs from right
to left) and their labels anchored on the right.

Every text goes through the page's `Speech`; every bar has a `<title>` and the chart a
`<title>` and `<desc>`, while the page carries the same facts as a table for screen readers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from markupsafe import Markup, escape

from ..core.schedule import StagePlan
from ..core.snapshot import Snapshot
from .i18n import Speech

WIDTH = 960  # viewBox units; the SVG scales to its container
LABEL_WIDTH = 240  # the lane labels' column
GAP = 14
PAD = 12
TOP = 46  # room for the today label and the ticks
ROW = 30
BAR = 16
LABEL_CHARS = 30  # longer labels are shortened (the full text is in the bar's <title>)


@dataclass(frozen=True)
class Layout:
    """Where things go: the wide chart (labels beside the bars) or the narrow one for a phone
    (labels above the bars, the whole width for time), drawn at about 1:1 on a 390 px screen
    so that its text stays as large as the page's small print."""

    width: int
    label_width: int  # the labels' column beside the bars; 0 when labels sit above them
    top: int
    row: int
    bar: int
    label_chars: int
    tick_spacing: int  # the least distance between two labelled ticks

    @property
    def stacked(self) -> bool:
        return self.label_width == 0


WIDE = Layout(WIDTH, LABEL_WIDTH, TOP, ROW, BAR, LABEL_CHARS, 0)
NARROW = Layout(360, 0, 40, 40, 12, 44, 64)

COLOURS = {
    "us": "#1f4e8c",
    "client": "#b45309",
    "late": "#b42318",
    "today": "#b42318",
    "grid": "#d4d8de",
    "zebra": "#f4f6f8",
    "text": "#1f2933",
    "muted": "#4b5563",
}


@dataclass(frozen=True)
class Segment:
    """One bar: `start` to `end` (exclusive) in axis units, drawn by `kind`."""

    start: float
    end: float
    kind: str  # us | client | late
    done: bool
    title: str


@dataclass(frozen=True)
class Lane:
    """One row of the chart: its label and its bars."""

    label: str
    title: str
    segments: list[Segment]


@dataclass(frozen=True)
class Axis:
    """The horizontal scale: its length in units, labelled ticks, and today if shown."""

    length: float
    ticks: list[tuple[float, str]]
    today: float | None = None
    today_label: str = ""


# Shorten a label to fit the label column (the full text stays in the <title>).
def shorten(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# The chart as an inline <svg> element, mirrored for right-to-left languages.
def render(
    lanes: list[Lane], axis: Axis, *, rtl: bool, title: str, desc: str, ident: str, layout: Layout = WIDE
) -> Markup:
    width, top, row_height, bar = layout.width, layout.top, layout.row, layout.bar
    height = top + row_height * max(len(lanes), 1) + PAD
    plot_left = layout.label_width + GAP if not layout.stacked else PAD
    plot_right = width - PAD
    scale = (plot_right - plot_left) / axis.length if axis.length > 0 else 0.0

    # Axis units to the x of the (possibly mirrored) plot.
    def x(unit: float) -> float:
        position = plot_left + unit * scale
        return width - position if rtl else position

    # A position measured from the start edge (left, or right when mirrored).
    def edge(position: float) -> float:
        return width - position if rtl else position

    # The left x and width of a bar from `start` to `end`, at least 2 units wide.
    def span(start: float, end: float) -> tuple[float, float]:
        a, b = x(start), x(end)
        return min(a, b), max(abs(b - a), 2.0)

    # A label centred on `position`, kept whole inside the chart.
    def centred(position: float, room: float = 34) -> str:
        return _fmt(min(max(position, room), width - room))

    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="cs-timeline" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{ident}-title {ident}-desc" '
        f'direction="{"rtl" if rtl else "ltr"}" font-family="system-ui, -apple-system, \'Segoe UI\', '
        f'\'Noto Sans\', \'Noto Sans Arabic\', Arial, sans-serif" font-size="13" fill="{COLOURS["text"]}">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(desc)}</desc>',
        "<defs>",
        _hatch(f"{ident}-client", COLOURS["client"], 45),
        _hatch(f"{ident}-late", COLOURS["late"], -45),
        "</defs>",
    ]
    for row, _lane in enumerate(lanes):
        if row % 2 == 0:
            out.append(
                f'<rect x="0" y="{top + row * row_height}" width="{width}" height="{row_height}" fill="{COLOURS["zebra"]}"/>'
            )
    shown_at: float | None = None
    for unit, label in axis.ticks:
        position = x(unit)
        out.append(
            f'<line x1="{_fmt(position)}" y1="{top - 8}" x2="{_fmt(position)}" y2="{height - PAD}" '
            f'stroke="{COLOURS["grid"]}" stroke-width="1"/>'
        )
        if shown_at is not None and abs(position - shown_at) < layout.tick_spacing:
            continue  # too close to the last label to be read: the line alone marks it
        shown_at = position
        out.append(
            f'<text x="{centred(position, 24) if layout.stacked else _fmt(position)}" y="{top - 14}" '
            f'text-anchor="middle" font-size="12" fill="{COLOURS["muted"]}">{escape(label)}</text>'
        )
    for row, lane in enumerate(lanes):
        row_top = top + row * row_height
        middle = row_top + row_height / 2
        label_y = row_top + 14 if layout.stacked else middle + 4.5
        bar_y = row_top + 20 if layout.stacked else middle - bar / 2
        out.append(
            f'<text x="{_fmt(edge(PAD))}" y="{_fmt(label_y)}" text-anchor="start">'
            f"<title>{escape(lane.title)}</title>{escape(shorten(lane.label, layout.label_chars))}</text>"
        )
        for segment in lane.segments:
            left, bar_width = span(segment.start, segment.end)
            fill = {
                "us": COLOURS["us"],
                "client": f"url(#{ident}-client)",
                "late": f"url(#{ident}-late)",
            }[segment.kind]
            opacity = ' fill-opacity="0.45"' if segment.done and segment.kind != "late" else ""
            out.append(
                f'<rect x="{_fmt(left)}" y="{_fmt(bar_y)}" width="{_fmt(bar_width)}" height="{bar}" '
                f'rx="3" fill="{fill}"{opacity}><title>{escape(segment.title)}</title></rect>'
            )
    if axis.today is not None:
        position = x(axis.today)
        out.append(
            f'<line x1="{_fmt(position)}" y1="{top - 6}" x2="{_fmt(position)}" y2="{height - PAD + 4}" '
            f'stroke="{COLOURS["today"]}" stroke-width="2" stroke-dasharray="5 3"/>'
        )
        out.append(
            f'<text x="{centred(position, 24)}" y="13" text-anchor="middle" font-size="12" font-weight="700" '
            f'fill="{COLOURS["today"]}">{escape(axis.today_label)}</text>'
        )
    out.append("</svg>")
    return Markup("".join(out))


# A striped fill: the client's court and late stretches stay distinct in black and white.
def _hatch(ident: str, colour: str, angle: int) -> str:
    return (
        f'<pattern id="{ident}" width="7" height="7" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate({angle})"><rect width="7" height="7" fill="{colour}"/>'
        f'<rect width="2.5" height="7" fill="#ffffff" fill-opacity="0.55"/></pattern>'
    )


# A coordinate with at most one decimal, to keep the SVG small.
def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


# -- Dates on the axis ----------------------------------------------------------------------


# Labelled ticks between `first` and `last`: weeks, months or quarters, by the span.
def date_ticks(first: date, last: date, speech: Speech, this_year: int) -> list[tuple[date, str]]:
    days = (last - first).days
    ticks: list[date] = []
    if days <= 56:
        day = first + timedelta(days=(7 - first.weekday()) % 7)
        while day <= last:
            ticks.append(day)
            day += timedelta(days=7)
    else:
        step = 1 if days <= 420 else 3 if days <= 1100 else 12
        month = date(first.year, first.month, 1)
        while month <= last:
            if month >= first and (month.month - 1) % step == 0:
                ticks.append(month)
            month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return [(day, speech.short_date(day, this_year=this_year)) for day in ticks]


def _date_axis(first: date, last: date, today: date | None, speech: Speech) -> tuple[date, Axis]:
    """An axis of calendar days covering first..last (inclusive) and today, with margins."""
    lo = min(first, today) if today else first
    hi = max(last, today) if today else last
    origin, end = lo - timedelta(days=2), hi + timedelta(days=3)
    ticks = [
        ((day - origin).days, label)
        for day, label in date_ticks(origin, end, speech, (today or first).year)
    ]
    today_unit = (today - origin).days + 0.5 if today else None
    return origin, Axis((end - origin).days, ticks, today_unit, speech.gettext("Today"))


# Whose court, in words: the client page says "your court", the board "client's court".
def _court(owner: str, speech: Speech, board: bool = False) -> str:
    if board:  # the board speaks of the client in the third person
        return speech.gettext("our court") if owner == "us" else speech.gettext("client's court")
    return speech.gettext("our court") if owner == "us" else speech.gettext("your court")


def _plan_segments(plan: StagePlan, origin: date, speech: Speech, client: str | None) -> list[Segment]:
    """The bars of one stage on a date axis: its promised stretch, then any late stretch.

    `client` names the client on the board's titles; the client page says "your court".
    """
    _ = speech.gettext
    link = plan.promise
    if link is None:
        return []
    start = (link.opens - origin).days
    due_end = (link.due - origin).days + 1
    title = _(
        "%(stage)s (%(court)s): %(opens)s to %(due)s",
        stage=plan.name,
        court=_court(plan.owner, speech, board=client is not None),
        opens=speech.date(link.opens),
        due=speech.date(link.due),
    )
    if client is not None:
        title = _("%(client)s: %(stage)s", client=client, stage=title)
    done = plan.stage.done is not None
    # A stage done early ends where it really ended, so that the next one does not overlap it.
    bar_end = min(due_end, (link.end - origin).days + 1) if done else due_end
    segments = [Segment(start, max(bar_end, start + 1), plan.owner, done, title)]
    if plan.late_by:
        late_title = _("%(stage)s: %(late)s late", stage=plan.name, late=speech.working_days(plan.late_by))
        segments.append(Segment(due_end, (link.end - origin).days + 1, "late", done, late_title))
    return segments


# -- The three charts ------------------------------------------------------------------------
#
# Each chart is drawn twice on its page, wide and narrow (CSS shows one): its lanes, axis and
# words are made once (a `Chart`) and only the drawing is done per layout.


@dataclass(frozen=True)
class Chart:
    """What a timeline shows, before it is laid out: lanes, axis, direction and words."""

    lanes: list[Lane]
    axis: Axis
    rtl: bool
    title: str
    desc: str
    ident: str  # the wide drawing's id prefix; the narrow one's adds an "n"

    # The chart drawn in one layout.
    def draw(self, narrow: bool = False) -> Markup:
        return render(
            self.lanes,
            self.axis,
            rtl=self.rtl,
            title=self.title,
            desc=self.desc,
            ident=self.ident + "n" if narrow else self.ident,
            layout=NARROW if narrow else WIDE,
        )

    # Both drawings: (wide, narrow).
    def both(self) -> tuple[Markup, Markup]:
        return self.draw(), self.draw(narrow=True)


# A dated engagement: one lane per stage, on the promise chain's dates.
def stage_chart(snapshot: Snapshot, speech: Speech) -> Chart:
    plans = [plan for plan in snapshot.schedule.stages if plan.promise is not None]
    first = min(plan.promise.opens for plan in plans)  # type: ignore[union-attr]
    last = max(plan.promise.end for plan in plans)  # type: ignore[union-attr]
    last = max(last, max(plan.promise.due for plan in plans))  # type: ignore[union-attr]
    today = snapshot.schedule.today
    origin, axis = _date_axis(first, last, today, speech)
    lanes = [Lane(plan.name, plan.name, _plan_segments(plan, origin, speech, None)) for plan in plans]
    _ = speech.gettext
    return Chart(
        lanes,
        axis,
        rtl=speech.direction == "rtl",
        title=_("Timeline of %(project)s", project=snapshot.terms.project),
        desc=_(
            "Each stage from the day it opens to the day it is due; our stages are solid, "
            "yours are striped; late stretches are red; the dashed line is today, %(today)s.",
            today=speech.date(today),
        ),
        ident="cs-tl",
    )


# A proposal: one lane per stage, in working days counted from the start.
def proposal_chart(snapshot: Snapshot, speech: Speech) -> Chart:
    _ = speech.gettext
    total = sum(plan.promised for plan in snapshot.schedule.stages)
    # At most about 12 ticks; past 6,000 working days (a long proposal), a power of ten.
    step = next((s for s in (5, 10, 20, 50, 100, 200, 500) if total / s <= 12), 10 ** len(str(total // 12)))
    ticks = [(float(n), speech.number(n)) for n in range(0, total + 1, step)]
    lanes: list[Lane] = []
    at = 0
    for plan in snapshot.schedule.stages:
        court = _court(plan.owner, speech)
        title = _(
            "%(stage)s (%(court)s): working days %(first)s to %(last)s",
            stage=plan.name,
            court=court,
            first=speech.number(at + 1),
            last=speech.number(at + plan.promised),
        )
        lanes.append(Lane(plan.name, plan.name, [Segment(at, at + plan.promised, plan.owner, False, title)]))
        at += plan.promised
    return Chart(
        lanes,
        Axis(max(total, 1), ticks),
        rtl=speech.direction == "rtl",
        title=_("Rough timeline of %(project)s", project=snapshot.terms.project),
        desc=_(
            "Each stage in working days counted from the start; our stages are solid, yours are "
            "striped. Dates are set once the contract is signed."
        ),
        ident="cs-tl",
    )


# The board: one lane per engagement that has dates, stages coloured by court.
def board_chart(snapshots: list[Snapshot], speech: Speech) -> Chart | None:
    dated = [s for s in snapshots if s.schedule.dated]
    if not dated:
        return None
    today = dated[0].schedule.today
    links = [link for s in dated for plan in s.schedule.stages if (link := plan.promise) is not None]
    first = min(link.opens for link in links)
    last = max(max(link.end, link.due) for link in links)
    origin, axis = _date_axis(first, last, today, speech)
    lanes = [
        Lane(
            s.terms.client,
            speech.gettext("%(client)s: %(project)s", client=s.terms.client, project=s.terms.project),
            [seg for plan in s.schedule.stages for seg in _plan_segments(plan, origin, speech, s.terms.client)],
        )
        for s in dated
    ]
    _ = speech.gettext
    return Chart(
        lanes,
        axis,
        rtl=speech.direction == "rtl",
        title=_("Timeline of active engagements"),
        desc=_(
            "One row per engagement; our stages are solid, the client's striped, late stretches red; "
            "the dashed line is today, %(today)s.",
            today=speech.date(today),
        ),
        ident="cs-board-tl",
    )
