"""Client pages are written by Courtside itself (publish/pages.py), not as MkDocs pages.

Each test builds a small site over a copy of the example engagements with a real
`mkdocs build` in a subprocess, the way a user builds: split between processes (`jobs`),
seen by no other plugin, overridable by a `custom_dir`, and right without directory URLs.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, comparable_bytes, run_build

ACME_SHARE = "k7p2m9xq4r8t1vzb3hw6"  # projects/acme-bakery.md
SHARES = sorted(
    yaml.safe_load(p.read_text(encoding="utf-8").split("---")[1])["share"]
    for p in (ROOT / "projects").glob("*.md")
    if not p.name.startswith("_")
)


# A site over a copy of projects/ with `options` for the plugin and `extra` for mkdocs.yml.
def make_site(root: Path, options: dict | None = None, **extra: object) -> Path:
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    shutil.copytree(ROOT / "projects", root / "projects")
    config = {
        "site_name": "Studio",
        "site_url": "https://studio.example/",
        "theme": {"name": "material", "font": False},
        "plugins": [
            "search",
            {"courtside": {"projects": "projects", "board_path": "board", "board_protected": True, **(options or {})}},
        ],
        **extra,
    }
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return root / "mkdocs.yml"


# Relative path -> bytes of every file in a built site.
def tree(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): comparable_bytes(p) for p in sorted(site.rglob("*")) if p.is_file()}


def test_pages_split_between_processes_are_the_same_bytes(tmp_path: Path) -> None:
    one = run_build(make_site(tmp_path / "one", {"jobs": 1}), tmp_path / "one" / "site")
    three = run_build(make_site(tmp_path / "three", {"jobs": 3}), tmp_path / "three" / "site")
    assert one.returncode == 0, one.stderr
    assert three.returncode == 0, three.stderr
    # 12 examples with a share, board.json and the studio calendar: 14 tasks.
    assert "courtside: 12 client page(s) written by 1 process(es)" in one.stderr
    assert "courtside: 12 client page(s) written by 3 process(es)" in three.stderr
    pages = tree(tmp_path / "one" / "site")
    assert pages == tree(tmp_path / "three" / "site")
    for share in SHARES:
        assert f"c/{share}/index.html" in pages
        assert pages[f"c/{share}/calendar.ics"].startswith(b"BEGIN:VCALENDAR\r\n")
    assert "board/board.json" in pages and "board/calendar.ics" in pages


def test_other_plugins_never_see_a_client_page(tmp_path: Path) -> None:
    # A hook that records every page MkDocs builds, and every file it knows of.
    (tmp_path / "site-hooks.py").write_text(
        "import json, pathlib\n"
        "seen = []\n"
        "def on_files(files, config):\n"
        "    seen.extend(f.src_uri for f in files)\n"
        "def on_page_markdown(markdown, page, config, files):\n"
        "    seen.append(page.file.src_uri + ' ' + markdown)\n"
        "def on_post_build(config):\n"
        "    pathlib.Path(config.config_file_path).with_name('seen.json').write_text(json.dumps(seen))\n",
        encoding="utf-8",
    )
    config = make_site(tmp_path, hooks=["site-hooks.py"])
    result = run_build(config, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    seen = "\n".join(json.loads((tmp_path / "seen.json").read_text(encoding="utf-8")))
    assert "index.md" in seen and "board/index.md" in seen  # the hook did run
    for share in SHARES:
        assert share not in seen
    assert "Kick-off materials" not in seen  # nor the text of an engagement
    assert (tmp_path / "site" / "c" / ACME_SHARE / "index.html").is_file()


def test_a_custom_dir_overrides_the_client_template(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["theme"]["custom_dir"] = "overrides"
    config.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    template = tmp_path / "overrides" / "courtside" / "client.html"
    template.parent.mkdir(parents=True)
    template.write_text(
        "{{ courtside.project }}|{{ page.url }}|{{ page.canonical_url }}|{{ base_url }}|{{ _('Payments') }}",
        encoding="utf-8",
    )
    result = run_build(config, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "site" / "c" / ACME_SHARE / "index.html").read_text(encoding="utf-8")
    assert page == (
        f"Website redesign|c/{ACME_SHARE}/|https://studio.example/c/{ACME_SHARE}/|../..|Payments"
    )


def test_pages_without_directory_urls(tmp_path: Path) -> None:
    result = run_build(make_site(tmp_path, use_directory_urls=False), tmp_path / "site")
    assert result.returncode == 0, result.stderr
    site = tmp_path / "site"
    page = site / "c" / f"{ACME_SHARE}.html"
    assert page.is_file() and not (site / "c" / ACME_SHARE / "index.html").exists()
    html = page.read_text(encoding="utf-8")
    # Links from c/<share>.html: the stylesheet one folder up, the calendar in c/<share>/.
    assert 'href="../assets/courtside/client.css"' in html
    assert (site / "assets" / "courtside" / "client.css").is_file()
    assert f'href="{ACME_SHARE}/calendar.ics"' in html
    calendar = (site / "c" / ACME_SHARE / "calendar.ics").read_bytes().decode("utf-8")
    unfolded = calendar.replace("\r\n ", "")
    # Every event points the client at the page as it really is (not at a folder URL).
    assert f"https://studio.example/c/{ACME_SHARE}.html" in unfolded
    assert f"https://studio.example/c/{ACME_SHARE}/\\n" not in unfolded
    board = json.loads((site / "board" / "board.json").read_text(encoding="utf-8"))
    links = {e["id"]: e["link"] for e in board["engagements"]}
    assert links["acme-bakery"] == f"c/{ACME_SHARE}.html"
    board_html = (site / "board" / "index.html").read_text(encoding="utf-8")
    assert f'href="../c/{ACME_SHARE}.html"' in board_html


def test_a_failing_worker_fails_the_build_with_its_traceback(tmp_path: Path) -> None:
    # A hook that breaks the client view in worker processes only (not in the build's own).
    (tmp_path / "breaker.py").write_text(
        "import os\n"
        "import courtside.publish.views as views\n"
        "PARENT = os.getpid()\n"
        "original = views.client_view\n"
        "def broken(item, *args, **kwargs):\n"
        "    if os.getpid() != PARENT:\n"
        "        raise RuntimeError('deliberately broken in a worker')\n"
        "    return original(item, *args, **kwargs)\n"
        "views.client_view = broken\n",
        encoding="utf-8",
    )
    config = make_site(tmp_path, {"jobs": 2}, hooks=["breaker.py"])
    result = run_build(config, tmp_path / "site")
    assert result.returncode == 1
    assert "courtside: writing the client pages failed: a worker process failed: RuntimeError" in result.stderr
    assert "RuntimeError: deliberately broken in a worker" in result.stderr


@pytest.mark.parametrize("jobs", [-1, -4, True, "2"])
def test_jobs_other_than_a_whole_number_of_0_or_more_are_refused(tmp_path: Path, jobs: object) -> None:
    result = run_build(make_site(tmp_path, {"jobs": jobs}), tmp_path / "site")
    assert result.returncode == 1
    assert (
        "Config value 'plugins': Plugin 'courtside' option 'jobs': "
        f"expected 0 (one per CPU) or a larger whole number, got {jobs!r}"
    ) in result.stderr
    assert "Traceback" not in result.stderr


def test_client_pages_are_not_in_the_search_index_or_sitemap(tmp_path: Path) -> None:
    result = run_build(make_site(tmp_path, {"jobs": 2}), tmp_path / "site")
    assert result.returncode == 0, result.stderr
    site = tmp_path / "site"
    index = (site / "search" / "search_index.json").read_text(encoding="utf-8")
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    for share in SHARES:
        assert share not in index and share not in sitemap
    assert re.search(r"<loc>https://studio.example/</loc>", sitemap)


def test_translations_missed_in_workers_are_reported(tmp_path: Path) -> None:
    # A hook that drops "Payments" from the Spanish catalog in worker processes only: the
    # warning can only come from a worker's record, passed back to the build's own process.
    (tmp_path / "lacking.py").write_text(
        "import dataclasses, os\n"
        "import courtside.publish.i18n as i18n\n"
        "PARENT = os.getpid()\n"
        "spanish = i18n._catalog('es')\n"
        "assert spanish.singular['Payments'] == 'Pagos'\n"
        "lacking = dataclasses.replace(\n"
        "    spanish, singular={k: v for k, v in spanish.singular.items() if k != 'Payments'})\n"
        "original = i18n._catalog\n"
        "def catalog(language, *args):\n"
        "    if language == 'es' and os.getpid() != PARENT:\n"
        "        return lacking\n"
        "    return original(language, *args)\n"
        "i18n._catalog = catalog\n"
        "i18n.speech_for.cache_clear()\n",
        encoding="utf-8",
    )
    result = run_build(make_site(tmp_path, {"jobs": 12}, hooks=["lacking.py"]), tmp_path / "site")
    assert result.returncode == 0, result.stderr
    # One process per engagement file: 11 workers start on them before this process loads them.
    assert "courtside: 12 client page(s) written by 12 process(es)" in result.stderr
    assert "have no 'es' translation" in result.stderr and "'Payments'" in result.stderr
    shown = []
    for name in ("clinica-sonrisa", "panaderia-la-espiga", "taqueria-los-hermanos"):
        front = yaml.safe_load((ROOT / "projects" / f"{name}.md").read_text(encoding="utf-8").split("---")[1])
        page = (tmp_path / "site" / "c" / front["share"] / "index.html").read_text(encoding="utf-8")
        shown.append(">Payments<" in page and "Pagos" not in page)
    assert any(shown)  # written by a worker, with English standing in


def test_without_fork_one_process_writes_every_page(tmp_path: Path) -> None:
    # Windows has no os.fork: a hook takes it away; `jobs: 3` then means one process.
    (tmp_path / "no_fork.py").write_text("import os\ndel os.fork\n", encoding="utf-8")
    result = run_build(make_site(tmp_path, {"jobs": 3}, hooks=["no_fork.py"]), tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert "courtside: 12 client page(s) written by 1 process(es)" in result.stderr
    for share in SHARES:
        assert (tmp_path / "site" / "c" / share / "index.html").is_file()
        assert (tmp_path / "site" / "c" / share / "calendar.ics").is_file()
