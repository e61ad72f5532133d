"""The same site on another engine: ProperDocs (the continuation of MkDocs 1.6) builds the
example site with the plugin, and its private files are MkDocs' byte for byte.

ProperDocs lives in the test venv next to MkDocs (the `test` extra): the two packages do not
collide, and `properdocs` makes `import mkdocs...` resolve to itself only in its own process.
The install test (test_install.py) does the same in a fresh venv from the built wheel.
"""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from conftest import ROOT, TODAY, comparable_bytes, with_protected_board
from test_standalone import PRIVATE, assert_same_tree

PROPERDOCS = Path(sys.executable).parent / "properdocs"
SWITCH_BANNER = "MkDocs may break support for all existing plugins"
"""ProperDocs' "switch to ProperDocs" banner (properdocs/replacement_warning.py), which a
plugin turns on by calling `replacement_warning.setup()`: Courtside never does."""


def engine_build(engine: Path, config: Path, site: Path) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in ("NO_MKDOCS_2_WARNING", "DISABLE_MKDOCS_2_WARNING")}
    environ["COURTSIDE_TODAY"] = TODAY
    return subprocess.run(
        [str(engine), "build", "--strict", "-f", str(config), "-d", str(site)],
        cwd=ROOT,  # the guide's snippets are read from the repository's root
        env=environ,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def properdocs_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    assert PROPERDOCS.exists(), f"properdocs is not installed next to {sys.executable}: run `make test`"
    folder = tmp_path_factory.mktemp("properdocs")
    config = with_protected_board(folder / "mkdocs.yml")
    result = engine_build(PROPERDOCS, config, folder / "site")
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    return folder / "site", result


def test_properdocs_builds_the_same_private_files(site: Path, properdocs_site: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    built, _ = properdocs_site
    for name in PRIVATE:
        if (site / name).is_dir():
            assert_same_tree(site / name, built / name)
        else:
            assert comparable_bytes(site / name) == comparable_bytes(built / name), name
    # The guide and the board page are there too, made by ProperDocs.
    assert 'content="mkdocs-ProperDocs' in (built / "index.html").read_text(encoding="utf-8")
    assert "Status board" in (built / "board" / "index.html").read_text(encoding="utf-8")


def test_properdocs_prints_no_switch_banner(properdocs_site: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    _, result = properdocs_site
    shown = result.stdout + result.stderr
    assert SWITCH_BANNER not in shown
    assert "courtside: 12 client page(s) written" in shown  # the plugin did run
    # `-f mkdocs.yml` given: ProperDocs' own note about renaming the file stays away.
    assert "should be renamed to 'properdocs.yml'" not in shown


def test_mkdocs_next_to_properdocs_prints_no_switch_banner(tmp_path: Path) -> None:
    config = with_protected_board(tmp_path / "mkdocs.yml")
    result = engine_build(Path(sys.executable).parent / "mkdocs", config, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert SWITCH_BANNER not in result.stdout + result.stderr


def test_the_plugin_is_registered_for_both_engines() -> None:
    for group in ("mkdocs.plugins", "properdocs.plugins"):
        found = {ep.name: ep.value for ep in entry_points(group=group)}
        assert found.get("courtside") == "courtside.plugin:CourtsidePlugin", group


def test_courtside_never_asks_for_the_banner() -> None:
    package = ROOT / "plugins" / "courtside"
    for path in package.rglob("*.py"):
        assert "replacement_warning" not in path.read_text(encoding="utf-8"), path
