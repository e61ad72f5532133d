"""Screenshots of the example site for the user guide: `make screenshots`.

Builds the examples for 2026-11-20 into a temporary folder, with a board (the shipped
mkdocs.yml publishes none; the browser tests add one the same way, tests/conftest.py), opens
the pages in Debian's headless Chromium and writes PNGs to docs/assets/screenshots/. Not a
test: the guide's pictures, made the same way the browser tests open the site. A page that
does not load stops it: a picture of an error page is no picture.
"""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "assets" / "screenshots"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SHOTS = [  # (file, engagement id or None for the board, viewport width, height, section to scroll to)
    ("client-page.png", "acme-bakery", 1000, 1500, None),
    ("client-page-ar.png", "al-waha-restaurant", 1000, 1500, None),
    ("board.png", None, 1400, 1100, None),
    # A phone (390x844, most clients open the link on one): the top of the page, and the
    # timeline with the stages as cards.
    ("client-page-phone.png", "acme-bakery", 390, 844, None),
    ("client-page-phone-timeline.png", "acme-bakery", 390, 844, "#cs-time-h"),
]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # the pictures are the output, not the requests
        pass


def share_of(engagement: str) -> str:
    for line in (ROOT / "projects" / f"{engagement}.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("share:"):
            return line.split(":", 1)[1].strip()
    raise SystemExit(f"{engagement} has no share")


def with_board(config: Path) -> Path:
    """The example site's mkdocs.yml with a board at board/ (guarded by the host), at `config`."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    anchor = "      projects: projects\n"
    if anchor not in text or "docs_dir: docs\n" not in text:
        raise SystemExit("mkdocs.yml no longer names docs and projects: update tests/screenshots.py")
    board = f"      projects: {ROOT / 'projects'}\n      board_path: board\n      board_protected: true\n"
    config.write_text(text.replace(anchor, board).replace("docs_dir: docs\n", f"docs_dir: {ROOT / 'docs'}\n"))
    return config


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        env = {**os.environ, "COURTSIDE_TODAY": "2026-11-20", "NO_MKDOCS_2_WARNING": "1"}
        config = with_board(Path(tmp) / "mkdocs.yml")
        subprocess.run(
            [str(Path(sys.executable).parent / "mkdocs"), "build", "-q", "-f", str(config), "-d", str(site)],
            cwd=ROOT, env=env, check=True,
        )
        handler = functools.partial(QuietHandler, directory=str(site))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        OUT.mkdir(parents=True, exist_ok=True)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                for name, engagement, width, height, section in SHOTS:
                    page = browser.new_page(viewport={"width": width, "height": height})
                    path = f"c/{share_of(engagement)}/" if engagement else "board/"
                    response = page.goto(base + path)
                    if response is None or not response.ok:
                        raise SystemExit(f"{path} did not load ({response and response.status}): no picture of it")
                    if section:
                        page.evaluate("selector => document.querySelector(selector).scrollIntoView()", section)
                    page.screenshot(path=str(OUT / name))
                    page.close()
                    print(OUT / name)
                browser.close()
        finally:
            server.shutdown()


if __name__ == "__main__":
    main()
