"""The built example site in headless Chromium, served from 127.0.0.1 (see conftest.py).

Every example client page and the board: no console error, no request to any other host,
the timeline drawn, names shown as text; axe-core finds no serious or critical WCAG 2.1 AA
violation; a client page prints to PDF without any navigation. On a phone (390x844) and a
desktop (1280x800): nothing scrolls sideways, every stage's due date and state is in view,
no badge is clipped, the timeline is whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from courtside.core.board import Board
from courtside.core.snapshot import Snapshot

pytestmark = pytest.mark.browser

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
SCREENS = {"phone 390x844": PHONE, "desktop 1280x800": DESKTOP}


@dataclass
class Visit:
    """One page load: what the page logged and requested."""

    page: Any
    errors: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


# Open `url` in a fresh context, recording console errors and requests (others are refused).
def visit(
    browser: Any, url: str, *, bypass_csp: bool = False, media: str | None = None, viewport: dict | None = None
) -> Visit:
    context = browser.new_context(bypass_csp=bypass_csp, viewport=viewport or {"width": 1280, "height": 900})
    page = context.new_page()
    seen = Visit(page)
    page.on("console", lambda message: message.type == "error" and seen.errors.append(message.text))
    page.on("pageerror", lambda error: seen.errors.append(str(error)))
    page.on("requestfailed", lambda request: seen.errors.append(f"failed: {request.url}"))

    # Let requests to 127.0.0.1 through; refuse and record any other.
    def route(route: Any) -> None:
        url = route.request.url
        seen.requests.append(url)
        if urlsplit(url).hostname == "127.0.0.1" or url.startswith("data:"):
            route.continue_()
        else:
            seen.foreign.append(url)
            route.abort()

    page.route("**/*", route)
    if media:
        page.emulate_media(media=media)
    page.goto(url, wait_until="networkidle")
    return seen


@pytest.fixture(scope="module")
def client_pages(example_board: Board) -> list[Snapshot]:
    pages = [s for s in example_board.snapshots if s.terms.share]
    assert pages, "no example engagement has a share"
    return pages


@pytest.fixture
def closing() -> Iterator[list[Visit]]:
    """Visits to close after the test, whatever its outcome."""
    visits: list[Visit] = []
    yield visits
    for seen in visits:
        seen.page.context.close()


def test_every_client_page_renders_offline(server: str, browser: Any, client_pages, closing) -> None:
    for snapshot in client_pages:
        seen = visit(browser, f"{server}/c/{snapshot.terms.share}/")
        closing.append(seen)
        page, name = seen.page, snapshot.id
        assert seen.errors == [], f"{name}: {seen.errors}"
        assert seen.foreign == [], f"{name} asked other hosts: {seen.foreign}"
        assert any(url.endswith("/assets/courtside/client.css") for url in seen.requests), name
        timeline = page.locator("svg.cs-timeline:visible")
        if snapshot.schedule.state == "cancelled":  # nothing more to draw: the table says what was done
            assert timeline.count() == 0, name
        else:
            assert timeline.count() == 1, name
            box = timeline.bounding_box()
            assert box is not None and box["width"] > 500 and box["height"] > 60, f"{name}: {box}"
        # Names with <, & and quotes are text, never markup.
        assert page.locator("h1").inner_text() == snapshot.terms.project, name
        assert snapshot.terms.client in page.locator(".cs-subtitle").inner_text(), name
        assert page.evaluate("document.scripts.length") == 0, name
        language = page.evaluate("[document.documentElement.lang, document.documentElement.dir]")
        assert language == [snapshot.terms.language, "rtl" if snapshot.terms.language == "ar" else "ltr"]
        # The stylesheet applied (the page is not raw HTML).
        assert page.evaluate("getComputedStyle(document.querySelector('.cs-page')).maxWidth") != "none", name


def test_board_lists_every_engagement(server: str, browser: Any, example_board: Board, closing) -> None:
    seen = visit(browser, f"{server}/board/")
    closing.append(seen)
    page = seen.page
    assert seen.errors == [] and seen.foreign == [], (seen.errors, seen.foreign)
    rows = page.locator("tbody tr.cs-row")
    assert rows.count() == len(example_board.snapshots)
    names = [rows.nth(i).locator("th").first.inner_text() for i in range(rows.count())]
    for snapshot, shown in zip(example_board.sorted(), names, strict=True):
        assert shown.startswith(snapshot.terms.client) and snapshot.terms.project in shown
    assert page.locator(".cs-chart--wide svg.cs-timeline").is_visible()
    # A late row says so in words, not by colour alone.
    for index, snapshot in enumerate(example_board.sorted()):
        if snapshot.overdue > 0:
            assert "Late" in rows.nth(index).inner_text()


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("kind", ["client pages", "board"])
def test_no_serious_accessibility_violation(
    server: str, browser: Any, client_pages, axe_source: str, kind: str, screen: str, closing
) -> None:
    urls = [f"{server}/board/"] if kind == "board" else [f"{server}/c/{s.terms.share}/" for s in client_pages]
    found: dict[str, list[str]] = {}
    for url in urls:
        # The client page's CSP would refuse axe's script.
        seen = visit(browser, url, bypass_csp=True, viewport=SCREENS[screen])
        closing.append(seen)
        seen.page.add_script_tag(content=axe_source)
        result = seen.page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
            WCAG_AA,
        )
        serious = [
            f"{v['id']} ({v['impact']}): {[node['target'] for node in v['nodes']][:5]}"
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        if serious:
            found[url] = serious
    assert found == {}


def test_client_page_prints_without_navigation(server: str, browser: Any, client_pages, closing, tmp_path: Path) -> None:
    dated = [s for s in client_pages if s.schedule.dated and s.terms.language == "en"] or client_pages
    snapshot = dated[0]
    seen = visit(browser, f"{server}/c/{snapshot.terms.share}/", media="print")
    closing.append(seen)
    page = seen.page
    chrome = "nav, [role=navigation], header.md-header, .md-sidebar, .md-search, form, input, button"
    assert page.locator(chrome).count() == 0
    assert page.locator("h1").is_visible() and page.locator(".cs-chart--wide svg.cs-timeline").is_visible()
    # Every link in print is to a person (mail, phone), the page's own calendar or inside the
    # page: none to other pages.
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
    scope = page.eval_on_selector_all(".cs-prose a[href]", "links => links.map(a => a.getAttribute('href'))")
    site_links = [h for h in hrefs if h not in scope and not h.startswith(("mailto:", "tel:", "#", "webcal:")) and h != "calendar.ics"]
    assert site_links == []
    pdf = page.pdf(format="A4", print_background=True)
    (tmp_path / "client.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert 1 <= pages <= 6, pages
    page.screenshot(path=str(tmp_path / "client-print.png"), full_page=True)
    print(f"print preview: {tmp_path / 'client-print.png'}, PDF: {tmp_path / 'client.pdf'} ({pages} pages)")


# Where things sit on screen: the h1 against its page, and the timeline's first and last bars.
GEOMETRY = """() => {
  const page = document.querySelector('.cs-page').getBoundingClientRect();
  const text = document.createRange();  // the heading's text, not its full-width block
  text.selectNodeContents(document.querySelector('h1'));
  const h1 = text.getBoundingClientRect();
  const bars = Array.from(document.querySelectorAll('.cs-chart--wide svg.cs-timeline rect'))
    .filter(rect => rect.querySelector('title'))
    .map(rect => rect.getBoundingClientRect());
  const stages = document.querySelector('table.cs-stages thead tr');
  const cells = stages ? Array.from(stages.children).map(c => c.getBoundingClientRect().x) : [];
  return {page: [page.left, page.right], h1: [h1.left, h1.right],
          first_bar: bars.length ? bars[0].x : null, last_bar: bars.length ? bars[bars.length - 1].x : null,
          columns: cells};
}"""


def test_arabic_page_is_laid_out_right_to_left(server: str, browser: Any, client_pages, closing, tmp_path: Path) -> None:
    by_language = {s.terms.language: s for s in client_pages if s.schedule.dated}
    assert {"ar", "en"} <= set(by_language), "the examples need a dated page in Arabic and in English"
    shapes = {}
    for language in ("ar", "en"):
        seen = visit(browser, f"{server}/c/{by_language[language].terms.share}/")
        closing.append(seen)
        shot = tmp_path / f"client-{language}.png"
        seen.page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 20_000, "the screenshot is blank"
        shapes[language] = seen.page.evaluate(GEOMETRY)
    ar, en = shapes["ar"], shapes["en"]
    # The heading hugs the right edge of the page in Arabic, the left edge in English.
    assert abs(ar["h1"][1] - ar["page"][1]) < abs(ar["h1"][0] - ar["page"][0]), ar
    assert abs(en["h1"][0] - en["page"][0]) < abs(en["h1"][1] - en["page"][1]), en
    # The stage table's first column is on the right in Arabic.
    assert ar["columns"] == sorted(ar["columns"], reverse=True) and len(ar["columns"]) > 2, ar
    assert en["columns"] == sorted(en["columns"]), en
    # The timeline is mirrored: time runs right to left, so the first stage is right of the last.
    assert ar["first_bar"] > ar["last_bar"], ar
    assert en["first_bar"] < en["last_bar"], en


# What a screen shows of a page: sideways overflow, where each stage's due date and state
# sit, badges that do not fit their box or their cell, and the timeline's box. Widths are
# CSS pixels; a box is "in view" when it lies within 0..innerWidth and has a size.
FIT = """(selectors) => {
  const inner = window.innerWidth;
  const box = el => { const r = el.getBoundingClientRect(); return [r.left, r.right, r.width, r.height]; };
  const shown = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const rows = Array.from(document.querySelectorAll(selectors.rows)).map(row => ({
    name: (row.querySelector('th') || row).innerText.split('\\n')[0],
    cells: selectors.cells.map(sel => { const cell = row.querySelector(sel); return cell ? box(cell) : null; }),
  }));
  const clipped = [];
  for (const badge of document.querySelectorAll('.cs-state, .cs-badge, .cs-pill, .cs-flag')) {
    if (!shown(badge)) continue;
    const cell = badge.closest('td, th, dd, p, li, div');
    const [left, right] = box(badge), [cellLeft, cellRight] = box(cell);
    if (badge.scrollWidth > badge.clientWidth || left < cellLeft - 0.5 || right > cellRight + 0.5
        || left < 0 || right > inner) clipped.push(badge.innerText);
  }
  const charts = Array.from(document.querySelectorAll('.cs-chart')).filter(shown).map(chart => ({
    box: box(chart.querySelector('svg')), scroll: chart.scrollWidth, client: chart.clientWidth,
  }));
  return {scroll: document.documentElement.scrollWidth, inner, rows, clipped, charts};
}"""

STAGE_CELLS = {  # for each stage: its due date and its state, or its working days in a proposal
    # cells after the stage's name: whose court, opens, due, state (dated) or working days
    "dated": {"rows": "table.cs-stages tbody tr", "cells": ["td:nth-of-type(3)", "td:nth-of-type(4) .cs-state"]},
    "proposal": {"rows": "table.cs-stages tbody tr", "cells": ["td:nth-of-type(2)"]},
    # cells after the engagement: state, ball, current stage (with its due date)
    "board": {"rows": "table.cs-board-table tbody tr.cs-row", "cells": ["td:nth-of-type(1) .cs-pill", "td:nth-of-type(3)"]},
}


@pytest.mark.parametrize("screen", SCREENS)
def test_every_page_fits_phones_and_desktops(
    server: str, browser: Any, client_pages, example_board: Board, screen: str, closing
) -> None:
    viewport = SCREENS[screen]
    pages = [(f"c/{s.terms.share}/", s.id, "dated" if s.schedule.dated else "proposal", len(s.schedule.stages))
             for s in client_pages]
    pages.append(("board/", "board", "board", len(example_board.snapshots)))
    drawn = {s.id for s in client_pages if s.schedule.state != "cancelled"} | {"board"}
    problems: dict[str, list[str]] = {}
    for path, name, kind, count in pages:
        seen = visit(browser, f"{server}/{path}", viewport=viewport)
        closing.append(seen)
        fit = seen.page.evaluate(FIT, STAGE_CELLS[kind])
        found = []
        if fit["scroll"] > fit["inner"]:
            found.append(f"scrolls sideways: {fit['scroll']} > {fit['inner']}")
        if len(fit["rows"]) != count:
            found.append(f"{len(fit['rows'])} rows for {count} stages")
        for row in fit["rows"]:
            for cell in row["cells"]:
                if cell is None or cell[2] <= 0 or cell[3] <= 0 or cell[0] < 0 or cell[1] > fit["inner"]:
                    found.append(f"{row['name']!r}: a due date or state out of view: {cell}")
        found += [f"clipped badge {text!r}" for text in fit["clipped"]]
        for chart in fit["charts"]:
            left, right, width, _height = chart["box"]
            if chart["scroll"] > chart["client"] or left < 0 or right > fit["inner"] or width < 0.8 * (
                min(fit["inner"], 1000) - 64
            ):
                found.append(f"timeline cut or squeezed: {chart}")
        if len(fit["charts"]) != (name in drawn):
            found.append(f"{len(fit['charts'])} timelines shown")
        if found:
            problems[name] = found
    assert problems == {}, problems
