"""The built example site in headless Chromium, served from 127.0.0.1 (see conftest.py).

Every example client page and the board: no console error, no request to any other host,
the timeline drawn, names shown as text; axe-core finds no serious or critical WCAG 2.1 AA
violation; a client page prints to PDF without any navigation.
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


@dataclass
class Visit:
    """One page load: what the page logged and requested."""

    page: Any
    errors: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


# Open `url` in a fresh context, recording console errors and requests (others are refused).
def visit(browser: Any, url: str, *, bypass_csp: bool = False, media: str | None = None) -> Visit:
    context = browser.new_context(bypass_csp=bypass_csp, viewport={"width": 1280, "height": 900})
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
        timeline = page.locator("svg.cs-timeline")
        assert timeline.count() == 1 and timeline.is_visible(), name
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
    assert page.locator("svg.cs-timeline").is_visible()
    # A late row says so in words, not by colour alone.
    for index, snapshot in enumerate(example_board.sorted()):
        if snapshot.overdue > 0:
            assert "Late" in rows.nth(index).inner_text()


@pytest.mark.parametrize("kind", ["client pages", "board"])
def test_no_serious_accessibility_violation(server: str, browser: Any, client_pages, axe_source: str, kind: str, closing) -> None:
    urls = [f"{server}/board/"] if kind == "board" else [f"{server}/c/{s.terms.share}/" for s in client_pages]
    found: dict[str, list[str]] = {}
    for url in urls:
        seen = visit(browser, url, bypass_csp=True)  # the client page's CSP would refuse axe's script
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
    assert page.locator("h1").is_visible() and page.locator("svg.cs-timeline").is_visible()
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
  const bars = Array.from(document.querySelectorAll('svg.cs-timeline rect'))
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
