"""`mkdocs serve` reuses what did not change between rebuilds (docs/performance.md, target (d)).

The builds run in this process the way `mkdocs serve` runs them: one plugin instance
(`on_startup(command="serve")`), the config loaded again for every build, the same site
folder emptied by MkDocs each time. Renders are counted by wrapping `client_view`, which
`on_page_context` calls once per client page it renders.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import courtside.publish.views as views
import pytest
from conftest import ROOT, comparable_bytes
from courtside.build import PageOptions, ServeMemo, build_engagements
from courtside.publish.board_json import board_json
from courtside.sources.folder import evaluate_folder
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig

SERVE_URL = "http://127.0.0.1:8000/"
MKDOCS_YML = """\
site_name: Serve cache
site_url: https://studio.example/
theme:
  name: material
  font: false
plugins:
  - search
  - courtside:
      projects: projects
      today: "2026-11-20"
      board_path: board
      board_protected: true
"""
EDITED = "acme-bakery"  # projects/acme-bakery.md, share k7p2m9xq4r8t1vzb3hw6
EDITED_PAGE = Path("c") / "k7p2m9xq4r8t1vzb3hw6" / "index.html"
EXAMPLES = sorted(p.stem for p in (ROOT / "projects").glob("*.md") if not p.name.startswith("_"))


@pytest.fixture
def plugin_cache() -> Iterator[dict]:
    # MkDocs keeps a plugin with `on_startup` across load_config calls of this process: start
    # and end with none, so no other test shares this test's serving instance.
    cache = MkDocsConfig.plugins.plugin_cache
    saved = dict(cache)
    cache.clear()
    yield cache
    cache.clear()
    cache.update(saved)


@pytest.fixture
def site_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # A small site over a copy of the example engagements (every one has a share).
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    shutil.copytree(ROOT / "projects", tmp_path / "projects")
    monkeypatch.delenv("COURTSIDE_TODAY", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    # The engagement ids whose client page was rendered, in order, across builds.
    seen: list[str] = []
    original = views.client_view

    def counting(item, *args, **kwargs):
        seen.append(item.id)
        return original(item, *args, **kwargs)

    monkeypatch.setattr(views, "client_view", counting)
    return seen


# One build as `mkdocs serve` runs it: a fresh config for the same (cached) plugin instance.
def serve_build(root: Path, site_dir: Path, startup: bool = False) -> None:
    config = load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(site_dir))
    config.site_url = SERVE_URL
    if startup:
        config.plugins.on_startup(command="serve", dirty=False)
    build(config, serve_url=SERVE_URL)


# A first serve build by a new plugin instance (nothing cached), leaving the serving one in place.
def fresh_serve_build(root: Path, site_dir: Path, plugin_cache: dict) -> None:
    serving = dict(plugin_cache)
    plugin_cache.clear()
    try:
        serve_build(root, site_dir, startup=True)
    finally:
        plugin_cache.clear()
        plugin_cache.update(serving)


# A plain `mkdocs build` (not serve) by a new plugin instance, with the server's site_url.
def plain_build(root: Path, site_dir: Path, plugin_cache: dict) -> None:
    serving = dict(plugin_cache)
    plugin_cache.clear()
    try:
        config = load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(site_dir))
        config.site_url = SERVE_URL
        config.plugins.on_startup(command="build", dirty=False)
        build(config)
    finally:
        plugin_cache.clear()
        plugin_cache.update(serving)


# Relative path -> bytes of every file in a built site.
def tree(site_dir: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site_dir)): comparable_bytes(p) for p in sorted(site_dir.rglob("*")) if p.is_file()}


# Append a paragraph to an engagement's Markdown body (its terms stay as they are).
def add_paragraph(root: Path, ident: str, text: str) -> None:
    path = root / "projects" / f"{ident}.md"
    path.write_text(path.read_text(encoding="utf-8") + f"\n{text}\n", encoding="utf-8")


def test_an_edit_rerenders_only_that_page_and_the_site_matches_a_fresh_build(
    site_root: Path, plugin_cache: dict, rendered: list[str]
) -> None:
    site = site_root / "site"
    serve_build(site_root, site, startup=True)
    assert sorted(rendered) == EXAMPLES  # the first build renders all 12 client pages
    first = tree(site)

    rendered.clear()
    serve_build(site_root, site)  # nothing changed: no client page is rendered again
    assert rendered == []
    assert tree(site) == first  # ...yet MkDocs emptied the folder and everything is back

    rendered.clear()
    add_paragraph(site_root, EDITED, "Revised: bring the bread photos on Monday.")
    serve_build(site_root, site)
    assert rendered == [EDITED]
    assert "Revised: bring the bread photos on Monday." in (site / EDITED_PAGE).read_text(encoding="utf-8")

    # The whole site is what a new server would build from the same files, byte for byte:
    # the reused pages and calendars, the edited page, the board and board.json.
    fresh = site_root / "fresh"
    fresh_serve_build(site_root, fresh, plugin_cache)
    served, expected = tree(site), tree(fresh)
    assert sorted(served) == sorted(expected)
    different = [name for name in expected if served[name] != expected[name] and not name.endswith(".gz")]
    assert different == []
    changed = [name for name in expected if expected[name] != first.get(name)]
    assert str(EDITED_PAGE) in changed and str(EDITED_PAGE.parent / "calendar.ics") not in changed

    # board.json and the calendars are what `mkdocs build` writes (client pages differ: the
    # served ones drop their Content-Security-Policy for live reload).
    plain = site_root / "plain"
    plain_build(site_root, plain, plugin_cache)
    built = tree(plain)
    data_files = [name for name in built if name.endswith((".ics", ".json")) and not name.startswith("search")]
    assert len(data_files) == len(EXAMPLES) + 2  # 12 client calendars, the studio's, board.json
    assert [name for name in data_files if served[name] != built[name]] == []


def test_policies_or_today_invalidate_every_page(
    site_root: Path, plugin_cache: dict, rendered: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    site = site_root / "site"
    serve_build(site_root, site, startup=True)
    rendered.clear()
    policies = site_root / "projects" / "_policies.yml"
    policies.write_text(policies.read_text(encoding="utf-8") + "\n# revised\n", encoding="utf-8")
    serve_build(site_root, site)
    assert sorted(rendered) == EXAMPLES  # every engagement inherits from the policies

    rendered.clear()
    monkeypatch.setenv("COURTSIDE_TODAY", "2026-11-23")
    serve_build(site_root, site)
    assert sorted(rendered) == EXAMPLES  # a new day moves every schedule
    board_json = (site / "board" / "board.json").read_text(encoding="utf-8")
    assert '"today": "2026-11-23"' in board_json

    rendered.clear()
    (site_root / "mkdocs.yml").write_text(MKDOCS_YML.replace("Serve cache", "Serve cache 2"), encoding="utf-8")
    serve_build(site_root, site)
    assert sorted(rendered) == EXAMPLES  # mkdocs.yml holds what every page is rendered with


def test_a_file_that_turns_invalid_shows_its_problems_then_recovers(
    site_root: Path, plugin_cache: dict, rendered: list[str]
) -> None:
    site = site_root / "site"
    serve_build(site_root, site, startup=True)
    original = (site / EDITED_PAGE).read_bytes()
    path = site_root / "projects" / f"{EDITED}.md"
    text = path.read_text(encoding="utf-8")
    # Line 5 of acme-bakery.md is `fee: 12000`: a fee must be a positive amount.
    assert text.splitlines()[4] == "fee: 12000"
    path.write_text(text.replace("fee: 12000", "fee: twelve thousand", 1), encoding="utf-8")

    rendered.clear()
    serve_build(site_root, site)
    assert rendered == [EDITED]
    page = (site / EDITED_PAGE).read_text(encoding="utf-8")
    assert "This page has problems" in page
    assert "projects/acme-bakery.md:5: fee: " in page
    assert "projects/acme-bakery.md:5: fee: " in (site / "board" / "index.html").read_text(encoding="utf-8")
    assert not (site / EDITED_PAGE.parent / "calendar.ics").exists()  # no calendar for a broken file

    rendered.clear()
    path.write_text(text, encoding="utf-8")  # fixed again: the same page as at first
    serve_build(site_root, site)
    assert rendered == [EDITED]
    assert (site / EDITED_PAGE).read_bytes() == original


# The build's evaluation of `folder` on `today` with the serve memo (no pages rendered).
def remembered(folder: Path, today: date, memo: ServeMemo):
    return build_engagements(folder, "projects", today, None, None, PageOptions("c", None), memo=memo).board


def test_the_serve_memo_recomputes_only_what_changed(tmp_path: Path) -> None:
    # The build with a memo gives back the very same objects for unchanged files; a new
    # text, new policies or another day give new ones, equal to what a fresh build computes.
    folder = tmp_path / "projects"
    shutil.copytree(ROOT / "projects", folder)
    today = date(2026, 11, 20)
    memo = ServeMemo()
    first = {s.id: s for s in remembered(folder, today, memo).snapshots}
    again = {s.id: s for s in remembered(folder, today, memo).snapshots}
    assert all(again[i] is first[i] for i in first) and len(first) == len(EXAMPLES)

    add_paragraph(tmp_path, EDITED, "Revised.")
    edited = {s.id: s for s in remembered(folder, today, memo).snapshots}
    assert [i for i in first if edited[i] is not first[i]] == [EDITED]
    assert edited[EDITED].loaded.body.endswith("\nRevised.\n")

    for change in ("policies", "today"):
        if change == "policies":
            policies = folder / "_policies.yml"
            policies.write_text(policies.read_text(encoding="utf-8") + "\n# revised\n", encoding="utf-8")
        else:
            today = date(2026, 11, 23)
        board = remembered(folder, today, memo)
        assert all(s is not edited[s.id] for s in board.snapshots)
        assert board_json(board) == board_json(evaluate_folder(folder, today))  # same as without a memo
        edited = {s.id: s for s in board.snapshots}


def test_inherited_policies_are_shared_not_copied() -> None:
    # acme-bakery.md sets no `calendar` or `payment` of its own: it holds the policies' very
    # objects. kaze-ceramics.md sets `calendar: {country: JP}` (line 6): its own calendar,
    # merged over the policies' (read in projects/*.md).
    board = evaluate_folder(ROOT / "projects", date(2026, 11, 20))
    policies = board.policies
    terms = {s.id: s.terms for s in board.snapshots}
    assert terms[EDITED].calendar is policies.calendar and terms[EDITED].payment is policies.payment
    assert terms["kaze-ceramics"].calendar is not policies.calendar
    assert terms["kaze-ceramics"].calendar.country == "JP"
    assert terms["kaze-ceramics"].calendar.workdays == policies.calendar.workdays
    assert terms["kaze-ceramics"].payment is policies.payment


def test_two_files_with_one_share_show_the_first_file_s_page(site_root: Path, plugin_cache: dict) -> None:
    # A copied engagement keeps its share: the merge step gives the share to the first file in
    # file order (acme-bakery.md before zz-copy.md), whichever page was staged last.
    site = site_root / "site"
    source = (site_root / "projects" / f"{EDITED}.md").read_text(encoding="utf-8")
    (site_root / "projects" / "zz-copy.md").write_text(source + "\nThe copy's own words.\n", encoding="utf-8")
    serve_build(site_root, site, startup=True)
    page = (site / EDITED_PAGE).read_text(encoding="utf-8")
    assert "The copy&#39;s own words." not in page and "The copy's own words." not in page
    assert "Acme Bakery" in page
    board = (site / "board" / "index.html").read_text(encoding="utf-8")
    assert "projects/zz-copy.md:" in board and "this share is already used by projects/acme-bakery.md" in board

    # The first file edited: its page follows; the copy still has no page of its own.
    add_paragraph(site_root, EDITED, "Revised after the copy.")
    serve_build(site_root, site)
    page = (site / EDITED_PAGE).read_text(encoding="utf-8")
    assert "Revised after the copy." in page and "own words" not in page
