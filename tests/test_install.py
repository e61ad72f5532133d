"""Courtside as a studio gets it: the wheel built by the standard tools, installed into a new
virtual environment, used from a folder far from this repository.

One venv holds Courtside (from the wheel), MkDocs and Material (its dependencies) and
ProperDocs: the engines live side by side. A studio is started with `courtside init`, given
an engagement with `courtside new`, and built three ways (`mkdocs build`, `properdocs build`,
`courtside build`); the client pages and calendars must be the same bytes. Then MkDocs,
Material and ProperDocs are uninstalled and `courtside build` still writes them.

Slow (a venv and pip): about two minutes on two CPUs, most of it pip; pip's cache is used.
"""

from __future__ import annotations

import filecmp
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT
from test_init import ANSWERS  # the same studio, answered by flags

pytestmark = pytest.mark.install

TODAY = "2026-03-20"
PACKAGE_DATA = (
    "courtside/templates/courtside/client.html",
    "courtside/templates/courtside/board.html",
    "courtside/templates/courtside/board-page.html",
    "courtside/templates/courtside/partials/board.html",
    "courtside/assets/courtside/client.css",
    "courtside/assets/courtside/board.css",
    "courtside/locale/es/LC_MESSAGES/courtside.po",
    "courtside/locale/ar/LC_MESSAGES/courtside.po",
    "courtside/locale/ru/LC_MESSAGES/courtside.po",
    "courtside/schema/engagement.schema.json",
    "courtside/schema/policies.schema.json",
    "courtside/starter/files/mkdocs.yml",
    "courtside/starter/files/gitignore",
    "courtside/starter/files/github/workflows/publish.yml",
)
SWITCH_BANNER = "MkDocs may break support for all existing plugins"


def pinned(name: str) -> str:
    """`name==version` as constraints.txt pins it."""
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line.lower().startswith(name.lower() + "=="):
            return line
    raise AssertionError(f"{name} is not pinned in constraints.txt")


def clean_environment(**extra: str) -> dict[str, str]:
    """The environment of a user's shell: nothing that points at this repository or its venv."""
    drop = ("PYTHON", "VIRTUAL_ENV", "COURTSIDE_", "GIT_", "NO_MKDOCS_2_WARNING", "DISABLE_MKDOCS_2_WARNING", "PIP_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if not p.startswith(str(ROOT)))
    env.update(
        GIT_AUTHOR_NAME="Sam Lee", GIT_AUTHOR_EMAIL="sam@northwind.example",
        GIT_COMMITTER_NAME="Sam Lee", GIT_COMMITTER_EMAIL="sam@northwind.example",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )  # fmt: skip
    env.update(extra)
    return env


def run(command: list[str], cwd: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, cwd=cwd, env=clean_environment(**extra), capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    return result


def tree(folder: Path) -> dict[str, Path]:
    return {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_same_files(left: Path, right: Path) -> None:
    ours, theirs = tree(left), tree(right)
    assert ours.keys() == theirs.keys(), (left, right)
    for name in ours:
        assert filecmp.cmp(ours[name], theirs[name], shallow=False), f"{name}: {left} and {right} differ"


def test_a_studio_installs_courtside_and_builds_its_site_three_ways(tmp_path: Path) -> None:
    started = time.perf_counter()
    timings: dict[str, float] = {}

    def lap(name: str) -> None:
        timings[name] = round(time.perf_counter() - started - sum(timings.values()), 1)

    # The source as it is now (committed or not), outside the repository, built by `build`:
    # the sdist first, then the wheel from the unpacked sdist (so the sdist is complete too).
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode().split("\0")
    source = tmp_path / "source"
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    run([sys.executable, "-m", "build", "--outdir", str(tmp_path / "dist"), str(source)], cwd=tmp_path)
    wheels, sdists = list((tmp_path / "dist").glob("*.whl")), list((tmp_path / "dist").glob("*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1
    inside = set(zipfile.ZipFile(wheels[0]).namelist())
    assert not [name for name in PACKAGE_DATA if name not in inside]
    assert not [name for name in inside if name.startswith(("tests/", "tools/", "projects/", "docs/"))]
    lap("build the sdist and the wheel")

    # A new venv with the wheel and ProperDocs, pinned like the test venv.
    venv = tmp_path / "venv"
    bin_dir = venv / "bin"
    run([sys.executable, "-m", "venv", str(venv)], cwd=tmp_path)
    shutil.copy(ROOT / "constraints.txt", tmp_path / "constraints.txt")
    run(
        # --no-compile: byte-compiling every installed module took half the time; imports compile what they use.
        [str(bin_dir / "python"), "-m", "pip", "install", "-q", "--no-compile", "-c", "constraints.txt", str(wheels[0]), pinned("properdocs")],
        cwd=tmp_path,
    )
    lap("a new venv with the wheel and ProperDocs")
    where = run([str(bin_dir / "python"), "-c", "import courtside; print(courtside.__file__)"], cwd=tmp_path).stdout.strip()
    assert Path(where).is_relative_to(venv), where
    assert not Path(where).is_relative_to(ROOT)

    # The studio: init with flags, a new engagement (signed, deposit paid), checked.
    run([str(bin_dir / "courtside"), "init", "northwind", *ANSWERS], cwd=tmp_path)
    studio = tmp_path / "northwind"
    run([str(bin_dir / "courtside"), "new", "acme-bakery", "--client", "Acme Bakery", "--project", "Website redesign"], cwd=studio)
    engagement = studio / "projects" / "acme-bakery.md"
    text = engagement.read_text(encoding="utf-8")
    text = re.sub(r"^# signed: YYYY-MM-DD", "signed: 2026-03-02", text, count=1, flags=re.M)
    text = re.sub(r"^(    due: signing.*)$", r"\1\n    paid: 2026-03-04", text, count=1, flags=re.M)
    engagement.write_text(text, encoding="utf-8")
    run([str(bin_dir / "courtside"), "check"], cwd=studio, COURTSIDE_TODAY=TODAY)
    lap("courtside init, new, check")

    # Three ways to build it.
    sites = {engine: tmp_path / f"site-{engine}" for engine in ("mkdocs", "properdocs", "courtside")}
    shown = {}
    for engine, site in sites.items():
        shown[engine] = run([str(bin_dir / engine), "build", "-d", str(site)], cwd=studio, COURTSIDE_TODAY=TODAY)
        lap(f"{engine} build")
    pages = [p for p in (sites["courtside"] / "c").iterdir() if p.is_dir()]
    assert len(pages) == 2  # the sample and Acme
    assert any("BEGIN:VEVENT" in (p / "calendar.ics").read_text(encoding="utf-8") for p in pages)  # Acme's dates
    for engine in ("properdocs", "courtside"):
        assert_same_files(sites["mkdocs"] / "c", sites[engine] / "c")
        assert (sites["mkdocs"] / "_headers").read_bytes() == (sites[engine] / "_headers").read_bytes()
    for engine, result in shown.items():
        assert SWITCH_BANNER not in result.stdout + result.stderr, engine
    # The studio's home page, and no board anywhere.
    home = (sites["mkdocs"] / "index.html").read_text(encoding="utf-8")
    assert "<title>Northwind Studio</title>" in home and "private site of Northwind Studio" in home
    assert "How We Work Together" not in home and "guide/" not in home  # the studio's page, not Courtside's guide
    for engine, site in sites.items():
        names = tree(site)
        assert not [n for n in names if n.endswith("board.json") or n.startswith("board/")], engine
        assert not [n for n in names if n.endswith(".ics") and not n.startswith("c/")], engine

    # Without any site engine at all.
    run([str(bin_dir / "python"), "-m", "pip", "uninstall", "-q", "-y", "mkdocs", "mkdocs-material", "properdocs"], cwd=tmp_path)
    gone = run([str(bin_dir / "python"), "-c", "import importlib.util as u; print(u.find_spec('mkdocs'), u.find_spec('properdocs'))"], cwd=tmp_path)
    assert gone.stdout.split() == ["None", "None"]
    alone = tmp_path / "site-alone"
    run([str(bin_dir / "courtside"), "build", "-d", str(alone)], cwd=studio, COURTSIDE_TODAY=TODAY)
    assert_same_files(sites["mkdocs"] / "c", alone / "c")
    lap("courtside build with no engine installed")

    total = round(time.perf_counter() - started, 1)
    print(f"\ninstall test: {total} s in all; " + "; ".join(f"{name} {seconds} s" for name, seconds in timings.items()))
