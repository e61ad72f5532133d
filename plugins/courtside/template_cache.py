"""Courtside's own templates, compiled once and kept between builds (jinja's bytecode cache).

Compiling the client page's and the board's templates is about 0.18 s of every build, most
of what a build of a few dozen engagements costs beyond its floor (docs/performance.md).
jinja keeps compiled templates in files with `FileSystemBytecodeCache`: each file is named
by the template's name and path, holds the checksum of the source it was compiled from (a
template edited, or overridden in a `custom_dir`, is compiled again) and jinja's bytecode
version with Python's (another Python compiles again).

Only templates under `courtside/` are kept: the theme's and MkDocs' own are left to them.
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

OURS = "courtside/"  # the prefix of Courtside's template names


class TemplateCache(FileSystemBytecodeCache):
    """Compiled `courtside/` templates in files, shared by every build of this user."""

    def get_bucket(self, environment: Environment, name: str, filename: str | None, source: str) -> Bucket:
        if name.startswith(OURS):
            return super().get_bucket(environment, name, filename, source)
        return Bucket(environment, "", self.get_source_checksum(source))  # not ours: compiled as usual

    def load_bytecode(self, bucket: Bucket) -> None:
        if not bucket.key:
            return
        try:
            super().load_bytecode(bucket)
        except Exception:  # a damaged file (jinja checks the magic and checksum, not the rest)
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        if not bucket.key:
            return
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
    """`env` with Courtside's compiled templates kept in the cache folder (unless it already
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
