"""Rules for the static host, shipped inside the site: the `_headers` file.

Netlify and Cloudflare Pages read `_headers` at the site root: a path pattern, then indented
`Header: value` lines (format.md, "Publishing privately, every day"). Client pages and the
board are kept out of search engines and never send their address on in a `Referer`;
calendars are served as `text/calendar` so that calendar apps subscribe to them; nothing
private is cached past the next daily build.
"""

from __future__ import annotations

HEADERS_FILE = "_headers"

PRIVATE = ("X-Robots-Tag: noindex, nofollow", "Referrer-Policy: no-referrer")
CALENDAR = ("Content-Type: text/calendar; charset=utf-8",)
FRESH = "Cache-Control: no-cache"  # always asked again (cheap with ETags): a page is as new as the last build
INTERNAL = "Cache-Control: no-store"  # the board is never kept by a browser or a proxy


def headers_text(client_dir: str, board_path: str | None) -> str:
    """The `_headers` file for a site with client pages in `client_dir` and (maybe) a board."""
    rules: list[tuple[str, tuple[str, ...]]] = [
        (f"/{client_dir}/*", (*PRIVATE, FRESH)),
        (f"/{client_dir}/*/calendar.ics", (*CALENDAR, *PRIVATE, FRESH)),
    ]
    if board_path:
        rules += [
            (f"/{board_path}/*", (*PRIVATE, INTERNAL)),
            (f"/{board_path}/calendar.ics", (*CALENDAR, *PRIVATE, INTERNAL)),
        ]
    blocks = [path + "\n" + "".join(f"  {header}\n" for header in headers) for path, headers in rules]
    return "# Written by Courtside: headers for Netlify and Cloudflare Pages (docs/guide/publishing.md).\n" + "\n".join(
        blocks
    )
