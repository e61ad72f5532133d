"""The site's templates, compiled once and kept between builds (jinja's bytecode cache).

Every `mkdocs build` compiles the theme's templates from source before it renders a page:
material's base.html, its partials and Courtside's client page and board, about 0.3 to 0.5 s
of CPU in every build, most of what a build of a few dozen engagements costs beyond its floor
(docs/performance.md). Serving keeps them in memory (`serve_cache.py`); a build keeps them
in files with jinja's `FileSystemBytecodeCache`: each file is named by the template's name
and path, holds the checksum of the source it was compiled from (a template edited, or
overridden in a `custom_dir`, is compiled again) and jinja's bytecode version with Python's
(another Python compiles again).

The theme's templates are kept as well as Courtside's own (until 0.2 only `courtside/`
ones): they render in the same environment, and compiled code depends only on the source
and the settings below, so a kept template renders the same bytes.
The folder is the `courtside check` cache's (`cache.cache_dir()`, never in the repository),
one subfolder per jinja version and environment settings, since compiled code depends on
both. A folder that cannot be made or written is no cache at all: the build compiles as
before. `mkdocs serve` keeps compiled templates in memory instead (`serve_cache.py`).
"""

from __future__ import annotations

import contextlib
import hashlib
import sys
from pathlib import Path

import jinja2
from jinja2 import Environment, FileSystemBytecodeCache
from jinja2.bccache import Bucket

from .cache import cache_dir


class TemplateCache(FileSystemBytecodeCache):
    """Compiled templates in files, shared by every build of this user."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # a damaged file (jinja checks the magic and checksum, not the rest)
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        # A full disk or a folder made read-only meanwhile: compiled again next time.
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def settings_of(env: Environment) -> str:
    """What compiled code depends on besides the source: jinja's and Python's versions and the
    environment's syntax and options."""
    autoescape = env.autoescape if isinstance(env.autoescape, bool) else getattr(env.autoescape, "__qualname__", "?")
    parts = (
        jinja2.__version__, sys.version, sorted(env.extensions), autoescape, env.optimized,
        env.block_start_string, env.block_end_string, env.variable_start_string, env.variable_end_string,
        env.comment_start_string, env.comment_end_string, env.line_statement_prefix, env.line_comment_prefix,
        env.trim_blocks, env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline,
    )  # fmt: skip
    return hashlib.blake2b(repr(parts).encode(), digest_size=8).hexdigest()


def keep_templates(env: Environment, root: Path | None = None) -> Environment:
    """`env` with its compiled templates kept in the cache folder (unless it already
    has a bytecode cache, or the folder cannot be made)."""
    if env.bytecode_cache is not None:
        return env
    folder = (root or cache_dir()) / f"templates-{settings_of(env)}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return env
    env.bytecode_cache = TemplateCache(str(folder))
    return env
