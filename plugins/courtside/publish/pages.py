"""Client pages and their calendars, written by Courtside itself rather than as MkDocs pages.

MkDocs builds each page with a new Markdown converter, a template context holding the whole
site, and every plugin's page events. A client page needs none of that, and must not meet
the other plugins at all: it is private, so search, the sitemap, social cards or a blog's
listings have no business seeing it. Here each page is rendered with the site's own Markdown
extensions and the theme's jinja environment (a `custom_dir` still overrides
`courtside/client.html`), in a fraction of a MkDocs page's time, and pages are independent of
one another, so `mkdocs build` shares them between processes (docs/performance.md). They
are rendered into the build's stage (`stage.py`), never straight into the site. Nothing
here imports MkDocs: `courtside build` renders the same pages with no site engine
(`standalone.py`, with a jinja environment like the theme's).
"""

from __future__ import annotations

import logging
import posixpath
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import markdown
from jinja2 import Environment

from ..core.pipeline import Broken
from ..core.snapshot import Snapshot
from . import views
from .ical import CALENDAR_FILE, calendar_links, client_calendar_bytes
from .sanitize import sanitize

TEMPLATE = "courtside/client.html"
log = logging.getLogger("mkdocs.plugins.courtside")

# -- What a client page's Markdown may do -------------------------------------------------------
#
# A client page shows its own engagement file and nothing else. The site's Markdown extensions
# are used for it only when they are known to transform the page's own text: an extension
# that reads files (`pymdownx.snippets` pastes `--8<-- "projects/other.md"` or `mkdocs.yml`
# into the page; `pymdownx.b64` inlines image files) or one this list does not know (it could)
# is left out of client pages, and the build says so. Settings that name a function (a
# superfences custom fence, an emoji generator) are kept only when the function comes from
# the extension packages themselves or the theme: a custom fence can run any code.

_MARKDOWN = (
    "abbr admonition attr_list codehilite def_list extra fenced_code footnotes legacy_attrs legacy_em "
    "md_in_html meta nl2br sane_lists smarty tables toc wikilinks"
)
_PYMDOWNX = (
    "arithmatex betterem blocks.admonition blocks.caption blocks.definition blocks.details blocks.html "
    "blocks.tab caret critic details emoji escapeall extra fancylists highlight inlinehilite keys "
    "magiclink mark pathconverter progressbar quotes saneheaders smartsymbols striphtml superfences "
    "tabbed tasklist tilde"
)
TEXT_ONLY_EXTENSIONS = frozenset(
    [*_MARKDOWN.split(), *(f"markdown.extensions.{name}" for name in _MARKDOWN.split())]
    + [f"pymdownx.{name}" for name in _PYMDOWNX.split()]
)
"""Markdown extensions that read nothing but the page's text (Python-Markdown's own and
PyMdown's, less `snippets` and `b64`)."""
TRUSTED_MODULES = ("markdown.", "pymdownx.", "material.", "materialx.", "pygments.")
"""Where a function named in an extension's settings may come from."""


def _name(extension: Any) -> str:
    """An extension's name as `mkdocs.yml` gives it, or its class's module for an instance."""
    return extension if isinstance(extension, str) else f"{type(extension).__module__}.{type(extension).__name__}"


def _trusted(value: Any) -> bool:
    """A setting that names no function, or one from the extension packages or the theme."""
    if callable(value):
        return (getattr(value, "__module__", None) or "").startswith(TRUSTED_MODULES)
    if isinstance(value, dict):
        return all(_trusted(item) for item in value.values())
    if isinstance(value, list | tuple):
        return all(_trusted(item) for item in value)
    return True


def _settings(config: Any) -> Any:
    """An extension's settings less those that name an unknown function (its default then
    applies; a list such as `custom_fences` loses only the entries that do)."""
    if not isinstance(config, dict):
        return config
    kept: dict[str, Any] = {}
    for key, value in config.items():
        if isinstance(value, list) and not _trusted(value):
            kept[key] = [item for item in value if _trusted(item)]
        elif _trusted(value):
            kept[key] = value
    return kept


def client_extensions(extensions: Sequence[Any], configs: dict[str, Any]) -> tuple[list[Any], dict[str, Any], list[str]]:
    """The site's Markdown extensions and settings as a client page uses them, and the names
    of the extensions left out (they may read other files)."""
    kept, left_out = [], []
    for extension in extensions:
        name = _name(extension)
        (kept if isinstance(extension, str) and name in TEXT_ONLY_EXTENSIONS else left_out).append(extension)
    names = {_name(extension) for extension in kept}
    return kept, {name: _settings(config) for name, config in configs.items() if name in names}, [
        _name(extension) for extension in left_out
    ]


@dataclass(frozen=True)
class ClientPage:
    """Where one client page goes, and what it shows."""

    item: Snapshot | Broken
    client_dir: str  # the folder of every client page: "c"
    share: str
    url: str  # from the site root: "c/<share>/", or "c/<share>.html" without directory URLs
    dest_path: str  # the file, from the site root: "c/<share>/index.html" or "c/<share>.html"
    canonical_url: str | None  # absolute, with `site_url`

    # From the page to the site root, as MkDocs gives its pages `base_url`.
    @property
    def base_url(self) -> str:
        return root_from(self.url)

    # Its calendar, from the site root: always `c/<share>/calendar.ics`.
    @property
    def calendar_path(self) -> str:
        return f"{self.client_dir}/{self.share}/{CALENDAR_FILE}"

    # Its files and folders directly in the client folder (the page, the calendar's folder).
    @property
    def entries(self) -> tuple[str, ...]:
        page_entry = self.dest_path[len(self.client_dir) + 1 :].split("/")[0]
        return tuple(sorted({self.share, page_entry}))


@dataclass(frozen=True)
class PageInfo:
    """What a client template sees as `page` (MkDocs' name for it, for `custom_dir` overrides)."""

    title: str
    url: str
    canonical_url: str | None
    content: str  # the engagement's text as HTML


def root_from(url: str) -> str:
    """The relative URL from a page at `url` (from the site root) back to the root: what
    MkDocs' `get_relative_url(".", url)` gives (`c/x/` -> `../..`, `c/x.html` -> `..`), here
    without MkDocs, so that `courtside build` runs with no site engine installed."""
    folder, _, last = url.rpartition("/")
    if "." in last:  # a file: its folder is the page's place (MkDocs' rule)
        url = folder
    path = posixpath.normpath("/" + url)[1:]
    return "/".join([".."] * len(path.split("/"))) if path else "."


# The client page of every item with a share, in the order given.
def client_pages(
    items: Sequence[Snapshot | Broken], client_dir: str, site_url: str | None, directory_urls: bool = True
) -> list[ClientPage]:
    base = (site_url if site_url.endswith("/") else site_url + "/") if site_url else None
    pages = []
    for item in items:
        share = item.terms.share if isinstance(item, Snapshot) else item.share
        if not share:
            continue
        if directory_urls:
            url, dest_path = f"{client_dir}/{share}/", f"{client_dir}/{share}/index.html"
        else:
            url = dest_path = f"{client_dir}/{share}.html"
        pages.append(ClientPage(item, client_dir, share, url, dest_path, urljoin(base, url) if base else None))
    return pages


class PageWriter:
    """Renders client pages, with their calendars."""

    # `markdown_extensions` and `extension_configs` are the site's (`mkdocs.yml`).
    def __init__(
        self,
        env: Environment,
        markdown_extensions: list,
        extension_configs: dict,
        serving: bool = False,
    ) -> None:
        self.template = env.get_template(TEMPLATE)
        extensions, configs, left_out = client_extensions(markdown_extensions, extension_configs)
        if left_out:
            log.info(
                "courtside: client pages are written without the Markdown extension(s) %s: "
                "a client page shows its own file only (docs/guide/engagements.md)",
                ", ".join(left_out),
            )
        # One converter for every page (`reset` between them): MkDocs makes one per page, which
        # costs as much as converting a short page.
        self.markdown = markdown.Markdown(extensions=extensions, extension_configs=configs)
        self.serving = serving

    # A page's files, from the site root: the page itself, and the calendar of a valid engagement.
    def render(self, page: ClientPage) -> list[tuple[str, bytes]]:
        item = page.item
        body = item.loaded.body if isinstance(item, Snapshot) else ""
        content = views.scope_content(sanitize(self.markdown.reset().convert(body)))
        links = calendar_links(page.url, page.canonical_url) if isinstance(item, Snapshot) else None
        view = views.client_view(item, serving=self.serving, calendar=links)
        info = PageInfo(view.title, page.url, page.canonical_url, content)
        html = self.template.render({**view.jinja_globals(), "courtside": view, "page": info, "base_url": page.base_url})
        files = [(page.dest_path, html.encode("utf-8", errors="xmlcharrefreplace"))]
        if isinstance(item, Snapshot):
            files.append((page.calendar_path, client_calendar_bytes(item, page.canonical_url)))
        return files
