"""`mkdocs build` on broken engagements: exit 1, every problem of every file listed, no traceback.

The expected problems are the hand-checked table of test_validation.py (BROKEN), seen here
through the real command line, with and without `-q` and `--strict`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_validation import BROKEN, FIXTURES, POLICIES, VALID

MKDOCS = Path(sys.executable).parent / "mkdocs"

MKDOCS_YML = """\
site_name: Broken engagements
theme:
  name: material
  font: false
plugins:
  - courtside:
      projects: projects
      today: "2026-11-20"
      board_path: board
      board_protected: true
"""


def make_site(root: Path, projects: dict[str, str] | Path) -> Path:
    """A small MkDocs site in `root` whose projects folder holds `projects`."""
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    if isinstance(projects, Path):
        shutil.copytree(projects, root / "projects")
    else:
        (root / "projects").mkdir()
        for name, text in projects.items():
            (root / "projects" / name).write_text(text, encoding="utf-8")
    return root


def mkdocs_build(site: Path, *flags: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run `mkdocs build` in `site` as a user would, stdout and stderr captured."""
    assert MKDOCS.exists(), f"mkdocs is not installed next to {sys.executable}"
    environ = {k: v for k, v in os.environ.items() if k != "COURTSIDE_TODAY"}
    environ.update(NO_MKDOCS_2_WARNING="1", **env)
    return subprocess.run(
        [str(MKDOCS), "build", *flags],
        cwd=site,
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
    )


def expected_lines() -> list[tuple[str, str]]:
    """(start of the line, a part of its message) for every problem in BROKEN."""
    out = []
    for name, problems in BROKEN.items():
        for line, field, message in problems:
            where = f"projects/{name}:{line}:"
            out.append((f"{where} {field}: " if field else f"{where} ", message.replace("broken/", "projects/")))
    return out


@pytest.fixture(scope="module")
def broken_site(tmp_path_factory) -> Path:
    return make_site(tmp_path_factory.mktemp("site"), FIXTURES)


@pytest.mark.parametrize("flags", [(), ("-q",), ("--strict",), ("-q", "--strict")], ids=" ".join)
def test_a_broken_build_exits_1_listing_every_problem(broken_site, flags):
    result = mkdocs_build(broken_site, *flags)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output
    assert "Aborted with a BuildError!" in output
    # 53 = the rows of BROKEN, counted: three in the policies and fifty in eighteen files.
    assert f"courtside: {sum(map(len, BROKEN.values()))} problem(s) in the engagements:" in output
    assert sum(map(len, BROKEN.values())) == 53
    listed = [line.strip() for line in output.splitlines()]
    for start, message in expected_lines():
        assert any(line.startswith(start) and message in line for line in listed), (start, message, output)
    assert not (broken_site / "site" / "c").exists()  # nothing was published


def test_a_valid_project_builds(tmp_path):
    site = make_site(tmp_path, {"_policies.yml": POLICIES, "acme.md": VALID})
    result = mkdocs_build(site, "--strict")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert (site / "site" / "c" / "k7p2m9xq4r8t1vzb3hw6" / "index.html").is_file()
    assert (site / "site" / "board" / "board.json").is_file()


def test_a_bad_courtside_today_fails_the_build_clearly(tmp_path):
    site = make_site(tmp_path, {"_policies.yml": POLICIES, "acme.md": VALID})
    result = mkdocs_build(site, "-q", COURTSIDE_TODAY="2026-02-30")
    output = result.stdout + result.stderr
    assert result.returncode == 1
    assert "Traceback" not in output
    assert "COURTSIDE_TODAY:1: environment variable: 2026-02-30 is not a real date" in output
