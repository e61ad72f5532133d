"""`courtside build`: the private part of a site with no site engine, the same as the plugin's.

The example site is built by MkDocs once per session (conftest.py's `site`, with a protected
board); `courtside build` reads the same mkdocs.yml and must write the same client pages,
calendars, `board.json`, studio calendar, `_headers` and stylesheets, byte for byte, without
importing MkDocs. Crafted sites check what it reads from mkdocs.yml (`use_directory_urls`,
`!ENV`, `INHERIT`, a `custom_dir`) against MkDocs itself, and its refusals.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from conftest import ROOT, TODAY, comparable_bytes, run_build, with_protected_board

# The example site's private files: what both builds must write alike.
PRIVATE = ("c", "_headers", "assets/courtside", "board/board.json", "board/calendar.ics")


# `courtside build ARGS` in a new process, as a user runs it: (exit code, stdout, stderr, the
# top-level packages it imported).
def courtside_build(*args: str, cwd: Path, today: str | None = TODAY, env: dict[str, str] | None = None):
    code = (
        "import json, sys; from courtside.cli import main; code = main(sys.argv[1:]); "
        "print('MODULES=' + json.dumps(sorted({m.split('.')[0] for m in sys.modules}))); sys.exit(code)"
    )
    environ = {k: v for k, v in os.environ.items() if k != "COURTSIDE_TODAY"}
    if today is not None:
        environ["COURTSIDE_TODAY"] = today
    environ.update(env or {})
    result = subprocess.run(
        [sys.executable, "-c", code, "build", *args], cwd=cwd, env=environ, capture_output=True, text=True, timeout=300
    )
    out, marker, modules = result.stdout.rpartition("MODULES=")
    if not marker:  # it exited before the end (--help)
        return result.returncode, result.stdout, result.stderr, set()
    return result.returncode, out, result.stderr, set(json.loads(modules))


# Every file under `folder`, as paths from it.
def files_of(folder: Path) -> set[str]:
    return {path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()}


# Assert two folders hold the same files with the same bytes.
def assert_same_tree(left: Path, right: Path) -> None:
    assert files_of(left) == files_of(right)
    for name in files_of(left):
        assert comparable_bytes(left / name) == comparable_bytes(right / name), f"{name} differs"


@pytest.fixture(scope="module")
def standalone(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, set[str]]:
    """The example site's config (with the protected board) built by `courtside build`:
    the output folder, what it printed, the packages it imported."""
    folder = tmp_path_factory.mktemp("standalone")
    config = with_protected_board(folder / "mkdocs.yml")
    code, out, err, modules = courtside_build("-f", str(config), "-d", str(folder / "out"), cwd=ROOT)
    assert code == 0, f"{out}\n{err}"
    return folder / "out", out, modules


def test_standalone_build_imports_no_site_engine(standalone: tuple[Path, str, set[str]]) -> None:
    _, out, modules = standalone
    assert "courtside" in modules and "jinja2" in modules and "markdown" in modules  # it did render pages
    assert not modules & {"mkdocs", "material", "properdocs"}
    assert "12 client pages" in out and "and the board" in out


def test_standalone_build_equals_the_plugins_private_files(site: Path, standalone: tuple[Path, str, set[str]]) -> None:
    out, _, _ = standalone
    for name in PRIVATE:
        if (site / name).is_dir():
            assert_same_tree(site / name, out / name)
        else:
            assert comparable_bytes(site / name) == comparable_bytes(out / name), name
    # Twelve client pages with a calendar each, and nothing else of MkDocs' (no guide, no search).
    shares = [p for p in (out / "c").iterdir() if p.is_dir()]
    assert len(shares) == 12 and all((p / "calendar.ics").is_file() and (p / "index.html").is_file() for p in shares)
    assert sorted(p.name for p in out.iterdir()) == ["_headers", "assets", "board", "c"]


def test_standalone_board_page_shows_every_engagement_and_links_to_their_pages(
    standalone: tuple[Path, str, set[str]],
) -> None:
    out, _, _ = standalone
    html = (out / "board" / "index.html").read_text(encoding="utf-8")
    board = json.loads((out / "board" / "board.json").read_text(encoding="utf-8"))
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert '<meta name="referrer" content="no-referrer">' in html
    assert 'href="../assets/courtside/board.css"' in html and (out / "assets/courtside/board.css").is_file()
    assert not re.search(r"""(src|href)=["']https?://""", html), "the board loads nothing from another host"
    for engagement in board["engagements"]:
        assert f'id="e-{engagement["id"]}"' in html
        link = f'href="../{engagement["link"]}"'
        assert link in html, link
        assert (out / engagement["link"] / "index.html").is_file()


def test_use_directory_urls_env_inherit_and_custom_dir_read_as_mkdocs_reads_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A site whose options come through INHERIT, !ENV and a custom_dir override of the client
    # page: MkDocs and `courtside build` must read them alike.
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (tmp_path / "projects").mkdir()
    (tmp_path / "projects" / "_policies.yml").write_text((ROOT / "projects" / "_policies.yml").read_text(encoding="utf-8"), encoding="utf-8")
    for name in ("acme-bakery.md", "panaderia-la-espiga.md"):
        (tmp_path / "projects" / name).write_text((ROOT / "projects" / name).read_text(encoding="utf-8"), encoding="utf-8")
    overrides = tmp_path / "overrides" / "courtside"
    overrides.mkdir(parents=True)
    client = (ROOT / "plugins/courtside/templates/courtside/client.html").read_text(encoding="utf-8")
    overrides.joinpath("client.html").write_text(client.replace("<body>", "<body><p>OVERRIDDEN</p>"), encoding="utf-8")
    (tmp_path / "base.yml").write_text(
        "site_name: Base\nuse_directory_urls: false\nmarkdown_extensions:\n  - admonition\n  - toc:\n      permalink: '#'\n",
        encoding="utf-8",
    )
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        "INHERIT: base.yml\nsite_name: Crafted\nsite_url: !ENV [STUDIO_URL, 'https://fallback.example/']\n"
        "theme:\n  name: material\n  custom_dir: overrides\n"
        "plugins:\n  - courtside:\n      board_path: !ENV STUDIO_BOARD\n      board_protected: true\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("STUDIO_URL", "https://clients.example/studio")
    monkeypatch.setenv("STUDIO_BOARD", "internal")
    mk = run_build(config, tmp_path / "mk", cwd=tmp_path)
    assert mk.returncode == 0, mk.stderr
    code, out, err, _ = courtside_build("-d", "cs", cwd=tmp_path)
    assert code == 0, f"{out}\n{err}"
    cs = tmp_path / "cs"
    assert_same_tree(tmp_path / "mk" / "c", cs / "c")
    for name in ("_headers", "internal/board.json", "internal/calendar.ics"):
        assert comparable_bytes(tmp_path / "mk" / name) == comparable_bytes(cs / name), name
    pages = sorted(page.name for page in (cs / "c").glob("*.html") if page.name != "index.html")
    assert len(pages) == 2  # use_directory_urls: false gives c/<share>.html
    acme = re.search(r"^share: (\S+)", (tmp_path / "projects" / "acme-bakery.md").read_text(encoding="utf-8"), re.M)
    share = acme.group(1)  # type: ignore[union-attr]
    assert f"{share}.html" in pages
    assert "OVERRIDDEN" in (cs / "c" / f"{share}.html").read_text(encoding="utf-8")  # the custom_dir's client.html
    calendar = (cs / "c" / share / "calendar.ics").read_text(encoding="utf-8")
    assert f"URL:https://clients.example/studio/c/{share}.html" in calendar  # !ENV site_url, its slash added
    assert "/internal/*" in (cs / "_headers").read_text(encoding="utf-8")


def test_a_failed_build_leaves_the_output_folder_as_it_was(tmp_path: Path) -> None:
    projects = tmp_path / "projects"
    projects.mkdir()
    (projects / "broken.md").write_text("---\nclient: Bo\nproject: X\nstages: []\n---\n", encoding="utf-8")
    out = tmp_path / "site"
    (out / "c" / "old").mkdir(parents=True)
    (out / "c" / "old" / "index.html").write_text("the last good build", encoding="utf-8")
    code, stdout, err, _ = courtside_build(cwd=tmp_path)
    assert code == 1
    # Every problem, as file:line: field: message.
    assert "projects/broken.md:2: contacts: required field is missing" in stdout
    assert "projects/broken.md:4: stages: expected at least 1 item" in stdout
    assert "problems in the engagements; nothing written" in err and "Traceback" not in err
    assert files_of(out) == {"c/old/index.html"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["projects", "site"]  # no stage left behind


def test_a_new_build_replaces_the_last_and_keeps_dot_entries(tmp_path: Path) -> None:
    projects = tmp_path / "projects"
    projects.mkdir()
    text = (ROOT / "projects" / "acme-bakery.md").read_text(encoding="utf-8")
    (projects / "acme-bakery.md").write_text(text, encoding="utf-8")
    share = re.search(r"^share: (\S+)", text, re.MULTILINE).group(1)  # type: ignore[union-attr]
    out = tmp_path / "public"
    (out / "c" / "rotated0000000000000000000").mkdir(parents=True)  # a page whose share was rotated since
    (out / "c" / "rotated0000000000000000000" / "index.html").write_text("old", encoding="utf-8")
    (out / ".git").mkdir()
    (out / ".git" / "HEAD").write_text("ref: refs/heads/pages\n", encoding="utf-8")
    code, stdout, err, _ = courtside_build("-d", "public", "--site-url", "https://s.example", cwd=tmp_path)
    assert code == 0, err
    assert files_of(out) == {
        ".git/HEAD",
        "_headers",
        "assets/courtside/board.css",
        "assets/courtside/client.css",
        "c/index.html",
        f"c/{share}/index.html",
        f"c/{share}/calendar.ics",
    }
    page = (out / "c" / share / "index.html").read_text(encoding="utf-8")
    assert f'href="webcal://s.example/c/{share}/calendar.ics"' in page  # --site-url, its slash added


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["-d", "."], ["holds the site's config", "a build empties it"]),
        (["-d", "projects/site"], ["is inside the projects folder"]),
        (["--board-path", "board"], ["guessable address", "board_protected"]),
        (["--board-path", "c/board", "--board-protected"], ["separate folders"]),
        (["--site-url", "studio.example"], ["--site-url", "https://studio.example/"]),
        (["-f", "nope.yml"], ["no file 'nope.yml'"]),
        (["--projects", "elsewhere"], ["no projects folder 'elsewhere'"]),
        (["--client-dir", "../outside"], ["`client_dir: ../outside` leaves the site"]),
        (["--client-dir", ".hidden"], ["`client_dir: .hidden` is a hidden folder"]),
        (["--board-path", "a//b" + "x" * 20], ["has an empty part"]),
        (["--board-path", "~/board" + "x" * 20], ["is not a folder of the site"]),
    ],
)
def test_refusals_say_why_and_write_nothing(tmp_path: Path, args: list[str], words: list[str]) -> None:
    (tmp_path / "projects").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: S\nplugins:\n  - courtside\n", encoding="utf-8")
    before = set(tmp_path.rglob("*"))
    code, out, err, _ = courtside_build(*args, cwd=tmp_path)
    assert code == (2 if args[0] in ("--site-url", "-f", "--projects") else 1), err
    assert "Traceback" not in err and out == ""
    lines = err.strip().splitlines()
    assert all(line.startswith("courtside build: ") for line in lines), err
    for word in words:
        assert word in lines[0], lines[0]
    assert set(tmp_path.rglob("*")) == before


def test_two_config_files_are_not_guessed_between(tmp_path: Path) -> None:
    (tmp_path / "projects").mkdir()
    for name in ("mkdocs.yml", "properdocs.yml"):
        (tmp_path / name).write_text("site_name: S\n", encoding="utf-8")
    code, out, err, _ = courtside_build(cwd=tmp_path)
    assert code == 2 and out == ""
    assert err.strip() == "courtside build: mkdocs.yml and properdocs.yml are both here; name the site's config with -f FILE"
    code, out, err, _ = courtside_build("-f", "properdocs.yml", cwd=tmp_path)
    assert code == 0, err
    assert "properdocs.yml does not list the courtside plugin; using its defaults" in err


def test_a_yaml_mistake_or_a_missing_inherited_file_is_one_problem(tmp_path: Path) -> None:
    (tmp_path / "projects").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: S\nplugins:\n  - courtside:\n    board_path: [\n", encoding="utf-8")
    code, out, err, _ = courtside_build(cwd=tmp_path)
    assert code == 1 and out.startswith("mkdocs.yml:5: cannot be read as YAML: ") and "Traceback" not in err
    (tmp_path / "mkdocs.yml").write_text("site_name: S\nINHERIT: ../base.yml\n", encoding="utf-8")
    code, out, err, _ = courtside_build(cwd=tmp_path)
    assert code == 1
    assert out.strip() == f"mkdocs.yml:2: INHERIT: the file {tmp_path.parent / 'base.yml'} does not exist"


def test_config_problems_name_the_file_line_and_option(tmp_path: Path) -> None:
    (tmp_path / "projects").mkdir()
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: S\nsite_url: studio\nuse_directory_urls: maybe\nplugins:\n  - search\n  - courtside:\n"
        "      board_pth: secret\n      jobs: -1\n",
        encoding="utf-8",
    )
    code, out, err, _ = courtside_build(cwd=tmp_path)
    assert code == 1
    assert out.splitlines() == [
        "mkdocs.yml:2: site_url: expected an address like https://studio.example/, got 'studio'",
        "mkdocs.yml:3: use_directory_urls: expected true or false, got 'maybe'",
        "mkdocs.yml:7: plugins.courtside.board_pth: unknown option; did you mean 'board_path'?",
        "mkdocs.yml:8: plugins.courtside.jobs: expected 0 (one per CPU) or a larger whole number, got -1",
    ]
    assert "4 problems in the site's config" in err
    assert not (tmp_path / "site").exists()


def test_today_comes_from_the_flag_then_the_environment_then_mkdocs_yml(tmp_path: Path) -> None:
    (tmp_path / "projects").mkdir()
    (tmp_path / "projects" / "acme-bakery.md").write_text(
        (ROOT / "projects" / "acme-bakery.md").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: S\nplugins:\n  - courtside:\n      today: 2026-11-23\n      board_path: b\n      board_protected: true\n",
        encoding="utf-8",
    )

    def built_for(*args: str, today: str | None) -> tuple[str, str]:
        code, _, err, _ = courtside_build(*args, cwd=tmp_path, today=today)
        assert code == 0, err
        day = json.loads((tmp_path / "site" / "b" / "board.json").read_text(encoding="utf-8"))["today"]
        said = re.search(r"every date is computed as of (\S+) \(set by (.+)\), not today's date", err)
        assert (said.groups() if said else None) == (None if day == date.today().isoformat() else (day, said.group(2)))
        return day, said.group(2) if said else ""

    assert built_for(today=None) == ("2026-11-23", "plugins.courtside.today")
    assert built_for(today="2026-11-24") == ("2026-11-24", "environment variable")
    assert built_for("--today", "2026-11-20", today="2026-11-24") == ("2026-11-20", "--today")


def test_base_url_is_what_mkdocs_gives_a_page() -> None:
    from courtside.publish.pages import root_from
    from mkdocs.utils import get_relative_url

    for url in ("c/abc/", "c/abc.html", "clients/private/abc/", "x/y/z.html", "board/", "", "a/../b/", "index.html"):
        assert root_from(url) == get_relative_url(".", url), url


def test_build_has_help_with_an_example(tmp_path: Path) -> None:
    code, out, _, _ = courtside_build("--help", cwd=tmp_path)
    assert code == 0 and "example:" in out and re.search(r"^  courtside build\b", out, re.MULTILINE)


def test_the_standalone_reader_knows_every_plugin_option_and_its_default() -> None:
    # A plugin option added to config.py must be added to sources/site_config.py too, or
    # `courtside build` refuses it as unknown: this test says so the day it happens.
    from courtside.config import CourtsideConfig
    from courtside.sources.site_config import PLUGIN_DEFAULTS, _option_problem

    declared = {name: option.default for name, option in CourtsideConfig._schema}
    assert declared == PLUGIN_DEFAULTS
    for name, default in declared.items():
        assert _option_problem(name, default) is None, name  # each default passes its own check
        assert _option_problem(name, ["a list"]) is not None, name  # and each option has a check
