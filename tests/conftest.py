"""Session fixtures: the example site built once, served on 127.0.0.1, and a headless browser.

The example site is the repository's own mkdocs.yml and projects/, built into a temporary
folder with COURTSIDE_TODAY=2026-11-20 (the day the examples are written for). The browser
is Debian's Chromium driven by Playwright; when it or axe-core is missing the browser tests
fail (never skip) and say to run `make test`, which installs both.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from datetime import date
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from courtside.core.board import Board
from courtside.sources.folder import evaluate_folder

ROOT = Path(__file__).resolve().parents[1]
TODAY = "2026-11-20"

# `courtside check` keeps results between runs (plugins/courtside/cache.py): the tests and
# every command they start use a cache of their own, never the user's ~/.cache.
os.environ["COURTSIDE_CACHE_DIR"] = tempfile.mkdtemp(prefix="courtside-test-cache-")
MKDOCS = Path(sys.executable).parent / "mkdocs"
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# Run `mkdocs build` for `config` into `site_dir` as a user would; the result, output captured.
def run_build(
    config: Path, site_dir: Path, *flags: str, today: str = TODAY, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    assert MKDOCS.exists(), f"mkdocs is not installed next to {sys.executable}: run `make test`"
    environ = {**os.environ, "COURTSIDE_TODAY": today, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [str(MKDOCS), "build", "-f", str(config), "-d", str(site_dir), *flags],
        cwd=cwd or config.parent,
        env=environ,
        capture_output=True,
        text=True,
        timeout=600,
    )


BUILT_AT = re.compile(rb'\n  "built_at": "[^"]*",')


# A built file's bytes as any build of the same site writes them: board.json's `built_at` (the
# real time of the build) is left out, the one thing two builds never share.
def comparable_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    return BUILT_AT.sub(b"", data, count=1) if path.name == "board.json" else data


@pytest.fixture(scope="session")
def example_board() -> Board:
    """The example engagements computed by the core on the examples' day (read at test time)."""
    board = evaluate_folder(ROOT / "projects", date.fromisoformat(TODAY))
    assert board.snapshots, "projects/ holds no valid engagement"
    return board


# The example site's mkdocs.yml with a board at board/, guarded by the host (as the Caddyfile
# in deploy/ guards it), written to `config`; the shipped one publishes no board. Build it
# from ROOT (`cwd=ROOT`): the guide's snippets are read from there.
def with_protected_board(config: Path) -> Path:
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    anchor = "      projects: projects\n"
    assert anchor in text and "docs_dir: docs\n" in text, "mkdocs.yml no longer names docs and projects"
    board = f"      projects: {ROOT / 'projects'}\n      board_path: board\n      board_protected: true\n"
    config.write_text(
        text.replace(anchor, board).replace("docs_dir: docs\n", f"docs_dir: {ROOT / 'docs'}\n"), encoding="utf-8"
    )
    return config


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example site with its user guide and a (protected) board, built once per session,
    strictly: a broken link in the guide or a missing translation fails the suite."""
    folder = tmp_path_factory.mktemp("example-site")
    out = folder / "site"
    config = with_protected_board(folder / "mkdocs.yml")
    result = run_build(config, out, "--strict", cwd=ROOT)
    assert result.returncode == 0, f"mkdocs build failed:\n{result.stdout}\n{result.stderr}"
    return out


class QuietHandler(SimpleHTTPRequestHandler):
    # Serve files without logging every request to stderr.
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serving(handler: Any) -> Iterator[str]:
    """`handler` on 127.0.0.1 (a free port) in a background thread; its base URL."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, name="test-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def server(site: Path) -> Iterator[str]:
    """The built site over HTTP on 127.0.0.1 (a free port), from a background thread."""
    with serving(functools.partial(QuietHandler, directory=str(site))) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium; fails (never skips) when it is not installed."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test`, which installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's script, to inject into pages; fails (never skips) when it is not installed."""
    if not AXE.exists():
        pytest.fail(f"{AXE.relative_to(ROOT)} is missing: run `make test`, which installs axe-core with npm")
    return AXE.read_text(encoding="utf-8")
