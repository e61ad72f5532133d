"""The built site, without a browser: what each page says, what it must not leak, the options.

Two kinds of site are built:

- the example site (conftest.py: the repository's mkdocs.yml and projects/, today
  2026-11-20), for the leak tests over every example engagement, whatever projects/ holds;
- small crafted sites in temporary folders, for hand-checked values, names that need
  escaping, the `board` and `board_path` options and serve mode.
"""

from __future__ import annotations

import gzip
import html
import json
import re
from datetime import date
from pathlib import Path

import pytest
from conftest import ROOT, run_build
from courtside.core.board import Board
from courtside.publish.views import board_view, client_view
from courtside.sources.folder import evaluate_folder

# -- A crafted site, hand-checked -----------------------------------------------------------------

PROTECTED_BOARD = "      board_path: board\n      board_protected: true\n"

CRAFTED_TODAY = "2026-03-06"

POLICIES = """\
studio:
  name: Studio <Nord> & "Co"
  contact: {name: Sam Lee, email: sam@studio.example}
language: en
currency: USD
calendar: {workdays: [mon, tue, wed, thu, fri]}
buffer: 25%
payment: {terms: 15, late_fee: 1.5%}
consequences:
  client: {grace: 2, restart: 3}
  us: {discount: 5%, cap: 20%}
responsibilities:
  us: [Deliver each stage by its date]
  client: [Return feedback by its date]
"""

TRICKY_CLIENT = 'Tom & Jerry <script>alert("x")</script>'
TRICKY_PROJECT = "<img src=x onerror=alert(1)> & 'Quotes' \"too\""
TRICKY_SHARE = "trickyvin92scom9ewkaht3ec"
TRICKY = """\
---
client: 'Tom & Jerry <script>alert("x")</script>'
project: "<img src=x onerror=alert(1)> & 'Quotes' \\"too\\""
share: trickyvin92scom9ewkaht3ec
fee: 10000
contacts:
  client: {name: "Ann <b>O'Neil</b>", email: ann@client.example}
signed: 2026-03-02
stages:
  - {name: Wireframes, owner: us, days: 4}
  - {name: Feedback, owner: client, days: 3}
  - {name: Build, owner: us, days: 8}
payments:
  - {name: Deposit, amount: 30%, due: signing, paid: 2026-03-04}
  - {name: Final, amount: 70%, due: Build}
---
The scope of the tricky project.
"""

OTHER_SHARE = "zedcorpdwhst69ljmbxmeu6f"
OTHER = """\
---
client: Zed Corporation
project: Secret rebrand
share: zedcorpdwhst69ljmbxmeu6f
contacts:
  client: {name: Zoe Zed, email: zoe@zed.example}
stages:
  - {name: Strategy, owner: us, days: 5}
---
Zed's confidential scope.
"""

BROKEN_SHARE = "broken4airfappete2jygrsg"
BROKEN = """\
---
client: Broken Bakery
project: Half-written
share: broken4airfappete2jygrsg
contacts:
  client: {name: Bo Broken}
stages:
  - {name: Design, owner: us, days: 0}
---
"""


# A small MkDocs site in `root` with these engagement files and courtside options (by default
# a board at board/, guarded by the host).
def make_site(root: Path, projects: dict[str, str], options: str = PROTECTED_BOARD) -> Path:
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Home\n\nThe studio's public page.\n", encoding="utf-8")
    (root / "projects").mkdir()
    (root / "projects" / "_policies.yml").write_text(POLICIES, encoding="utf-8")
    for name, text in projects.items():
        (root / "projects" / name).write_text(text, encoding="utf-8")
    config = root / "mkdocs.yml"
    config.write_text(
        "site_name: Crafted\nsite_url: https://studio.example/\n"
        "theme:\n  name: material\n  font: false\n"
        "plugins:\n  - search\n  - courtside:\n      projects: projects\n" + options,
        encoding="utf-8",
    )
    return config


# Build a crafted site for CRAFTED_TODAY; the site folder.
def build_crafted(root: Path, projects: dict[str, str], options: str = PROTECTED_BOARD) -> Path:
    config = make_site(root, projects, options)
    result = run_build(config, root / "site", today=CRAFTED_TODAY)
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    return root / "site"


# The visible text of an HTML fragment: tags made spaces (<bdi> dropped), entities decoded, spaces collapsed.
def text_of(markup: str) -> str:
    markup = re.sub(r"<(script|style)\b.*?</\1>", " ", markup, flags=re.S)
    markup = re.sub(r"</?bdi>", "", markup)  # isolates names inside a sentence
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


@pytest.fixture(scope="module")
def crafted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_crafted(
        tmp_path_factory.mktemp("crafted"), {"tricky.md": TRICKY, "zed-corp.md": OTHER}
    )


@pytest.fixture(scope="module")
def tricky_page(crafted: Path) -> str:
    return (crafted / "c" / TRICKY_SHARE / "index.html").read_text(encoding="utf-8")


def test_handoffs_are_promise_chain_sentences(tricky_page: str) -> None:
    # Hand-checked, Monday to Friday, no holidays: start = next(max(signed Mar 2, paid Mar 4))
    # = Thu Mar 5. Wireframes (us) 4 days * 1.25 = 5 promised: Mar 5..Mar 11. Feedback
    # (client) 3: Mar 12, 13, 16. Build (us) ceil(8 * 1.25) = 10: Mar 17..Mar 30.
    text = text_of(tricky_page)
    # One sentence per stage, each date said once (issue 13).
    assert "On March 11, 2026 we hand you “Wireframes”." in text
    assert "Your part, “Feedback”, is due on March 16, 2026." in text
    assert "On March 30, 2026 we deliver “Build”, the last stage." in text


def test_client_page_never_shows_target_dates(tricky_page: str) -> None:
    # The target chain (raw days) ends Wireframes on Mar 10 (Mar 5 + 3 working days),
    # Feedback on Mar 13 and Build on Mar 25 (Mar 16 + 7): none of them may be shown.
    # The promise chain's Mar 11, 16 and 30 are.
    text = text_of(tricky_page)
    for target in ("Mar 10", "March 10", "Mar 13", "March 13", "Mar 25", "March 25"):
        assert target not in text
    for promised in ("Mar 11", "Mar 16", "Mar 30"):
        assert promised in text


def test_glance_lateness_and_payments_say_the_numbers(tricky_page: str) -> None:
    text = text_of(tricky_page)
    assert "Whose court Our court “Wireframes”, due March 11, 2026" in text  # in progress on Mar 6
    assert "Start March 5, 2026" in text and "Finish March 30, 2026" in text
    # grace 2, restart 3, discount 5%, cap 20% of 10,000 = 2,000.00
    assert "there is a grace period of 2 working days" in text
    assert "we pick it up again 3 working days after your part arrives" in text
    assert "we take 5% off the fee for every week we are late" in text
    assert "up to 20% of the fee, $2,000.00" in text
    assert "Nothing has triggered so far: both sides are on time." in text
    # Deposit 30% = 3,000.00, invoiced at signing Mar 2, due 15 days later on Mar 17, paid Mar 4;
    # Final 70% = 7,000.00, invoiced when Build is done, expected on its promised Mar 30.
    assert "Deposit $3,000.00 30% Mar 2 Mar 17 Paid on Mar 4" in text
    assert "Final $7,000.00 70% expected Mar 30 15 days after the invoice Upcoming" in text
    assert "Total fee $10,000.00" in text
    assert "Nothing is owed right now." in text
    assert "A late payment carries a fee of 1.5% of its amount per 30 days" in text


def test_names_render_as_text_everywhere(crafted: Path, tricky_page: str) -> None:
    board = (crafted / "board" / "index.html").read_text(encoding="utf-8")
    for page in (tricky_page, board):
        assert "<script>alert" not in page and "<img src=x" not in page and "<b>O'Neil" not in page
        assert "Tom &amp; Jerry &lt;script&gt;" in page
        assert "&lt;img src=x onerror=alert(1)&gt; &amp;" in page
    assert "Studio &lt;Nord&gt; &amp;" in tricky_page
    assert TRICKY_CLIENT in text_of(tricky_page) and TRICKY_PROJECT in text_of(tricky_page)
    assert "Ann <b>O'Neil</b>" in text_of(tricky_page)
    data = json.loads((crafted / "board" / "board.json").read_text(encoding="utf-8"))
    assert TRICKY_CLIENT in [e["client"] for e in data["engagements"]]


def test_client_page_is_standalone_and_private(crafted: Path, tricky_page: str) -> None:
    assert '<meta name="robots" content="noindex, nofollow">' in tricky_page
    assert '<meta name="referrer" content="no-referrer">' in tricky_page
    assert 'http-equiv="Content-Security-Policy"' in tricky_page
    assert '<html lang="en" dir="ltr">' in tricky_page
    for chrome in ("md-nav", "md-header", "md-search", "md-footer", "search_index", "<script"):
        assert chrome not in tricky_page
    # Its only relative links are its own stylesheet and calendar; nothing of the other engagement.
    links = re.findall(r'(?:href|src)="([^"]*)"', tricky_page)
    relative = [h for h in links if not re.match(r"(mailto:|tel:|data:|#|webcal:)", h)]
    assert relative == ["../../assets/courtside/client.css", "calendar.ics"]
    assert f"webcal://studio.example/c/{TRICKY_SHARE}/calendar.ics" in links
    assert (crafted / "assets" / "courtside" / "client.css").is_file()
    for foreign in (OTHER_SHARE, "Zed Corporation", "Secret rebrand", "zoe@zed.example", "confidential"):
        assert foreign not in tricky_page


def test_proposal_page_counts_working_days(crafted: Path) -> None:
    # Zed has no `signed`: a proposal. Strategy (us) 5 days * 1.25 = 6.25 -> 7 promised.
    page = text_of((crafted / "c" / OTHER_SHARE / "index.html").read_text(encoding="utf-8"))
    assert "Rough timeline" in page
    assert "Strategy Our court 7 working days" in page
    assert "By working day 7 we deliver “Strategy”." in page
    assert "Dates are set once the contract is signed." in page
    assert not re.search(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d", page)


def test_board_option_false_writes_client_pages_only(tmp_path: Path) -> None:
    site = build_crafted(tmp_path, {"tricky.md": TRICKY, "zed-corp.md": OTHER}, "      board: false\n")
    assert (site / "c" / TRICKY_SHARE / "index.html").is_file()
    assert not (site / "board").exists()
    assert not list(site.rglob("board.json"))
    everything = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in site.rglob("*") if p.is_file())
    assert "Status board" not in everything
    # Each share only in its own folder.
    for share in (TRICKY_SHARE, OTHER_SHARE):
        holders = {p.relative_to(site).parts[:2] for p in site.rglob("*") if p.is_file() and share in p.read_text(errors="replace")}
        assert holders <= {("c", share)}


def test_board_path_option_hides_the_board(tmp_path: Path) -> None:
    secret = "ops-5c1b7e0f9a2d4c6e"
    site = build_crafted(tmp_path, {"tricky.md": TRICKY}, f"      board_path: {secret}\n")
    assert (site / secret / "index.html").is_file()
    assert (site / secret / "board.json").is_file()
    assert not (site / "board").exists()
    for path in site.rglob("*"):
        if path.is_file() and path.parts[len(site.parts)] != secret:
            assert secret not in path.read_text(encoding="utf-8", errors="replace"), path
    # The board links to the client page relative to its own folder.
    assert f'href="../c/{TRICKY_SHARE}/"' in (site / secret / "index.html").read_text(encoding="utf-8")


def test_serve_shows_problems_instead_of_stopping(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `mkdocs serve` runs the same build after on_startup(command="serve"): an invalid file
    # must not stop it; its errors go on the board and on that engagement's own page.
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config_file = make_site(tmp_path, {"tricky.md": TRICKY, "broken.md": BROKEN})
    monkeypatch.setenv("COURTSIDE_TODAY", CRAFTED_TODAY)
    monkeypatch.chdir(tmp_path)
    config = load_config(config_file=str(config_file), site_dir=str(tmp_path / "site"))
    config.plugins.on_startup(command="serve", dirty=False)
    build(config)
    site = tmp_path / "site"
    broken_page = (site / "c" / BROKEN_SHARE / "index.html").read_text(encoding="utf-8")
    board = (site / "board" / "index.html").read_text(encoding="utf-8")
    problems = [str(p) for p in evaluate_folder(tmp_path / "projects", date.fromisoformat(CRAFTED_TODAY)).problems]
    assert problems and all(p.startswith("projects/broken.md:8: stages[0].days: ") for p in problems)
    assert "This page has problems" in text_of(broken_page)
    assert "Problems to fix" in text_of(board)
    for problem in problems:
        assert problem in text_of(broken_page) and problem in text_of(board)
    assert TRICKY_SHARE not in broken_page  # the broken page leaks nothing either
    assert (site / "c" / TRICKY_SHARE / "index.html").is_file()  # the valid page is still built
    # While serving, the client page drops its CSP so that live reload's script may run.
    assert "Content-Security-Policy" not in (site / "c" / TRICKY_SHARE / "index.html").read_text(encoding="utf-8")


def test_build_fails_on_the_same_invalid_file(tmp_path: Path) -> None:
    config = make_site(tmp_path, {"tricky.md": TRICKY, "broken.md": BROKEN})
    result = run_build(config, tmp_path / "site", "-q", today=CRAFTED_TODAY)
    assert result.returncode == 1
    assert "projects/broken.md:8: stages[0].days" in result.stderr


def test_views_speak_the_engagement_language(tmp_path: Path) -> None:
    # The Arabic page is right to left and its timeline mirrored: the first stage's bar
    # starts at the right, so its x is the largest; the English one runs the other way.
    today = date.fromisoformat(CRAFTED_TODAY)
    xs: dict[str, list[float]] = {}
    for language in ("ar", "en"):
        config = make_site(tmp_path / language, {"tricky.md": TRICKY.replace("fee: 10000", f"fee: 10000\nlanguage: {language}")})
        board = evaluate_folder(config.parent / "projects", today)
        view = client_view(board.snapshots[0])
        expected = "rtl" if language == "ar" else "ltr"
        assert (view.language, view.direction) == (language, expected)
        svg = str(view.timeline)
        assert f'direction="{expected}"' in svg
        xs[language] = [float(x) for x in re.findall(r'<rect x="([\d.]+)" y="[\d.]+" width="[\d.]+" height="16"', svg)]
        assert board_view(board, {}).rows[0].client == TRICKY_CLIENT
    assert len(xs["ar"]) == len(xs["en"]) == 3
    assert xs["ar"][0] > xs["ar"][1] > xs["ar"][2]
    assert xs["en"][0] < xs["en"][1] < xs["en"][2]


def test_board_path_inside_client_dir_is_refused(tmp_path: Path) -> None:
    config = make_site(tmp_path, {"tricky.md": TRICKY}, "      board_path: c/board\n")
    result = run_build(config, tmp_path / "site", today=CRAFTED_TODAY)
    assert result.returncode == 1
    assert "`board_path` (c/board) and `client_dir` (c) must be separate folders" in result.stderr


# -- The example site: nothing leaks ------------------------------------------------------------


# Every text file of a built site by its path (gzip files aside).
def _texts(site: Path) -> dict[Path, str]:
    return {
        path.relative_to(site): path.read_text(encoding="utf-8", errors="replace")
        for path in site.rglob("*")
        if path.is_file() and path.suffix != ".gz"
    }


def test_every_client_page_holds_nothing_of_another_engagement(site: Path, example_board: Board) -> None:
    snapshots = [s for s in example_board.snapshots if s.terms.share]
    assert snapshots
    for own in snapshots:
        page = (site / "c" / own.terms.share / "index.html").read_text(encoding="utf-8")
        own_source = (ROOT / "projects" / f"{own.id}.md").read_text(encoding="utf-8")
        for other in snapshots:
            if other is own:
                continue
            email = other.terms.contacts.client.email
            for secret in (other.terms.client, other.terms.project, other.terms.share, other.id, email):
                if not secret or secret in own_source:
                    continue  # e.g. two engagements both called "Website redesign"
                forms = {secret, html.escape(secret), html.escape(secret, quote=False)}
                assert not any(form in page for form in forms), f"{other.id}'s {secret!r} is on {own.id}'s page"
        assert 'content="noindex, nofollow"' in page and 'name="referrer" content="no-referrer"' in page
        assert "md-nav" not in page and "<nav" not in page
        assert f'lang="{own.terms.language}"' in page


def test_shares_appear_only_on_their_page_and_the_board(site: Path, example_board: Board) -> None:
    texts = _texts(site)
    texts[Path("sitemap.xml.gz")] = gzip.decompress((site / "sitemap.xml.gz").read_bytes()).decode("utf-8")
    for name in ("sitemap.xml", "sitemap.xml.gz", "search/search_index.json", "404.html", "c/index.html"):
        assert Path(name) in texts, f"{name} was not built"
    shares = [s.terms.share for s in example_board.snapshots if s.terms.share]
    for share in shares:
        holders = {path for path, text in texts.items() if share in text}
        allowed = {path for path in holders if path.parts[0] == "board" or path.parts[:2] == ("c", share)}
        assert holders == allowed, f"share {share} leaks into {sorted(map(str, holders - allowed))}"
    assert Path("board/index.html") in texts and Path("board/board.json") in texts


def test_private_pages_are_not_in_the_sitemap_or_search(site: Path) -> None:
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "/c/" not in sitemap and "/board/" not in sitemap
    assert "studio.example" in sitemap  # the public pages still are
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = [doc["location"] for doc in index["docs"]]
    assert locations and not any(loc.startswith(("c/", "board/")) for loc in locations)


def test_the_board_is_linked_from_no_other_page(site: Path) -> None:
    for path in site.rglob("*.html"):
        if path.relative_to(site).parts[0] == "board":
            continue
        hrefs = re.findall(r'href="([^"]*)"', path.read_text(encoding="utf-8"))
        assert not [h for h in hrefs if re.search(r"(^|/)board/", h)], path


def test_board_lists_every_engagement_in_attention_order(site: Path, example_board: Board) -> None:
    page = (site / "board" / "index.html").read_text(encoding="utf-8")
    order = re.findall(r'<tr class="cs-row[^"]*" id="e-([^"]+)"', page)
    assert order == [s.id for s in example_board.sorted()]
    for snapshot in example_board.snapshots:
        if snapshot.terms.share:
            assert f'href="../c/{snapshot.terms.share}/"' in page
    data = json.loads((site / "board" / "board.json").read_text(encoding="utf-8"))
    assert [e["id"] for e in data["engagements"]] == order
    assert "noindex" in page


def test_client_directory_lists_nothing(site: Path, example_board: Board) -> None:
    listing = (site / "c" / "index.html").read_text(encoding="utf-8")
    assert "noindex" in listing
    assert not any(s.terms.share in listing for s in example_board.snapshots if s.terms.share)


def test_board_offers_a_send_reminder_link_for_every_reminder_in_board_json(site: Path) -> None:
    data = json.loads((site / "board" / "board.json").read_text(encoding="utf-8"))
    board_html = (site / "board" / "index.html").read_text(encoding="utf-8")
    hrefs = [html.unescape(h) for h in re.findall(r'class="cs-reminder-send" href="([^"]+)"', board_html)]
    # The examples on 2026-11-20 owe reminders (e.g. Kaze's invoice is overdue since Nov 5).
    assert data["reminders"], "the examples should owe at least one reminder"
    assert sorted(hrefs) == sorted(r["mailto"] for r in data["reminders"])
    assert all(h.startswith("mailto:") for h in hrefs)
