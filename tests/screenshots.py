"""Screenshots of the example site for the user guide: `make screenshots`.

Builds the examples for 2026-11-20 into a temporary folder, opens the pages in Debian's
headless Chromium and writes PNGs to docs/assets/screenshots/. Not a test: the guide's
pictures, made the same way the browser tests open the site.
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
SHOTS = [  # (file, engagement id or None for the board, viewport width, height)
    ("client-page.png", "acme-bakery", 1000, 1500),
    ("client-page-ar.png", "al-waha-restaurant", 1000, 1500),
    ("board.png", None, 1400, 1100),
]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # the pictures are the output, not the requests
        pass


def share_of(engagement: str) -> str:
    for line in (ROOT / "projects" / f"{engagement}.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("share:"):
            return line.split(":", 1)[1].strip()
    raise SystemExit(f"{engagement} has no share")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        env = {**os.environ, "COURTSIDE_TODAY": "2026-11-20", "NO_MKDOCS_2_WARNING": "1"}
        subprocess.run(
            [str(Path(sys.executable).parent / "mkdocs"), "build", "-q", "-d", str(site)],
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
                for name, engagement, width, height in SHOTS:
                    page = browser.new_page(viewport={"width": width, "height": height})
                    path = f"c/{share_of(engagement)}/" if engagement else "board/"
                    page.goto(base + path)
                    page.screenshot(path=str(OUT / name))
                    page.close()
                    print(OUT / name)
                browser.close()
        finally:
            server.shutdown()


if __name__ == "__main__":
    main()
