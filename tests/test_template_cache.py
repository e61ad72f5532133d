"""The site's templates compiled once and kept between builds (plugins/courtside/template_cache.py).

Real `mkdocs build` runs of a small site with a board, each with its own cache folder: the
second build compiles none of the templates (jinja writes a file only after it
compiles one, so unchanged files mean nothing was compiled), writes the same bytes, and an
edited template, a damaged cache file or a cache folder that cannot be made change nothing
that a reader sees.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import comparable_bytes, run_build
from courtside.template_cache import TemplateCache, keep_templates
from jinja2 import DictLoader, Environment
from test_site import CRAFTED_TODAY, OTHER, OTHER_SHARE, make_site


def build(config: Path, site: Path) -> None:
    result = run_build(config, site, today=CRAFTED_TODAY)
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"


def outputs(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): comparable_bytes(p) for p in sorted(site.rglob("*")) if p.is_file()}


def kept(cache: Path) -> dict[str, tuple[int, int]]:
    # Every compiled template file: its inode and modification time, to tell a rewrite.
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in cache.glob("templates-*/*.cache")}


@pytest.fixture
def crafted_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    cache = tmp_path / "cache"
    monkeypatch.setenv("COURTSIDE_CACHE_DIR", str(cache))
    return make_site(tmp_path / "studio", {"zed.md": OTHER}), cache


def test_a_second_build_compiles_no_template_and_writes_the_same_bytes(crafted_site) -> None:
    config, cache = crafted_site
    build(config, config.parent / "first")
    compiled = kept(cache)
    # The client page, its "What changed" partial, the board page and its two partials, and
    # the theme's own templates (main.html, base.html, 404.html, the partials of material).
    assert len(compiled) > 5 + 3
    build(config, config.parent / "second")
    assert kept(cache) == compiled
    assert outputs(config.parent / "second") == outputs(config.parent / "first")


def test_an_overridden_template_is_compiled_again_not_taken_from_the_cache(crafted_site) -> None:
    config, _ = crafted_site
    build(config, config.parent / "first")
    page = f"c/{OTHER_SHARE}/index.html"
    assert "Made by the override" not in (config.parent / "first" / page).read_text(encoding="utf-8")
    overrides = config.parent / "overrides" / "courtside"
    overrides.mkdir(parents=True)
    original = Path(__file__).parents[1] / "plugins" / "courtside" / "templates" / "courtside" / "client.html"
    (overrides / "client.html").write_text(original.read_text(encoding="utf-8") + "<!-- Made by the override -->\n")
    config.write_text(config.read_text().replace("  font: false\n", "  font: false\n  custom_dir: overrides\n"))
    build(config, config.parent / "second")
    assert "Made by the override" in (config.parent / "second" / page).read_text(encoding="utf-8")


def test_a_damaged_cache_file_is_compiled_again(crafted_site) -> None:
    config, cache = crafted_site
    build(config, config.parent / "first")
    for path in cache.glob("templates-*/*.cache"):
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2] + b"\x00garbage")
    build(config, config.parent / "second")
    assert outputs(config.parent / "second") == outputs(config.parent / "first")


def test_a_cache_folder_that_cannot_be_made_is_no_cache(crafted_site, monkeypatch: pytest.MonkeyPatch) -> None:
    config, cache = crafted_site
    build(config, config.parent / "first")
    blocked = config.parent / "not-a-folder"
    blocked.write_text("a file where the cache folder would go\n")
    monkeypatch.setenv("COURTSIDE_CACHE_DIR", str(blocked))
    build(config, config.parent / "second")
    assert outputs(config.parent / "second") == outputs(config.parent / "first")
    assert blocked.read_text() == "a file where the cache folder would go\n"


def test_a_cache_folder_gone_while_building_is_no_error(tmp_path: Path) -> None:
    # The folder is made, then disappears (cleaned by hand meanwhile): writing a compiled
    # template fails, the template still renders, nothing is written. (A read-only folder
    # would not do here: the tests may run as root, who writes into one anyway.)
    env = Environment(loader=DictLoader({"courtside/page.html": "{{ 6 * 7 }}", "theme.html": "{{ 1 + 1 }}"}))
    keep_templates(env, tmp_path / "cache")
    [folder] = (tmp_path / "cache").iterdir()
    assert isinstance(env.bytecode_cache, TemplateCache)
    folder.rmdir()
    assert env.get_template("courtside/page.html").render() == "42"
    assert env.get_template("theme.html").render() == "2"
    assert not folder.exists()


def test_courtsides_and_the_themes_templates_are_kept(tmp_path: Path) -> None:
    env = Environment(loader=DictLoader({"courtside/page.html": "{{ 6 * 7 }}", "theme.html": "{{ 1 + 1 }}"}))
    keep_templates(env, tmp_path)
    env.get_template("courtside/page.html")
    env.get_template("theme.html")
    assert len(list(tmp_path.glob("templates-*/*.cache"))) == 2
    again = Environment(loader=DictLoader({"courtside/page.html": "{{ 6 * 7 }}", "theme.html": "{{ 1 + 2 }}"}))
    keep_templates(again, tmp_path)
    assert again.get_template("courtside/page.html").render() == "42"  # from the kept file
    assert again.get_template("theme.html").render() == "3"  # its source changed: compiled again
