"""Results kept between runs of `courtside check`, by the exact inputs that made them.

A pre-commit hook checks the whole projects folder on every commit, though a commit changes
one file or two: like ruff's or mypy's cache, each file's result is kept under a digest of
everything it depends on (the file's bytes and name, the policies' bytes, `today`,
Courtside's own code and the versions of the `holidays` package and email-validator, whose
answers a result holds), so a file whose inputs did not
change is not parsed, validated or computed again, and a run where nothing changed imports
neither pydantic nor the holidays package. Any change to an input is a new digest: a result
is never reused for other inputs.

The cache lives in `$COURTSIDE_CACHE_DIR`, else `$XDG_CACHE_HOME/courtside`, else
`~/.cache/courtside` (never in the repository), one file per projects folder, written
whole and atomically. A cache that cannot be read or written is ignored: the run is as
without it. `courtside check --no-cache` ignores it too.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
from pathlib import Path
from typing import Any

from . import __version__

FORMAT = 1  # of the cache file; another format is ignored


def cache_dir(environ: dict[str, str] | os._Environ[str] = os.environ) -> Path:
    """Where the cache lives (see the module's docstring)."""
    if environ.get("COURTSIDE_CACHE_DIR"):
        return Path(environ["COURTSIDE_CACHE_DIR"])
    if environ.get("XDG_CACHE_HOME"):
        return Path(environ["XDG_CACHE_HOME"]) / "courtside"
    return Path.home() / ".cache" / "courtside"


LIBRARIES = ("holidays", "email_validator")
"""The libraries whose answers a result holds (which days are holidays, which addresses are
valid): a new version of either is a new fingerprint."""


def code_fingerprint() -> bytes:
    """Courtside's version and the state of its code, and the versions of `LIBRARIES`: what a
    result depends on besides its inputs (a change in development counts too)."""
    digest = hashlib.blake2b(__version__.encode(), digest_size=16)
    package = Path(__file__).parent
    for path in sorted([*package.glob("*.py"), *package.glob("*/*.py")]):
        info = path.stat()
        digest.update(f"{path.relative_to(package)}:{info.st_size}:{info.st_mtime_ns}\n".encode())
    for library in LIBRARIES:
        spec = importlib.util.find_spec(library)  # found, not imported
        if spec is not None and spec.origin:
            version = Path(spec.origin).with_name("version.py")
            with contextlib.suppress(OSError):
                digest.update(library.encode() + b"\0" + version.read_bytes())
    return digest.digest()


class ResultCache:
    """One folder's results: digest of the inputs -> a plain JSON value."""

    def __init__(self, folder: Path, kind: str, directory: Path | None = None) -> None:
        where = hashlib.blake2b(str(folder.resolve()).encode(), digest_size=8).hexdigest()
        self.path = (directory or cache_dir()) / f"{kind}-{where}.json"
        self.fingerprint = code_fingerprint()
        self._old: dict[str, Any] = {}
        self._new: dict[str, Any] = {}
        with contextlib.suppress(OSError, ValueError):
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("format") == FORMAT and data.get("code") == self.fingerprint.hex():
                self._old = data["results"]

    def key(self, *inputs: bytes) -> str:
        """The digest of a result's inputs (each part length-prefixed: no two lists collide)."""
        digest = hashlib.blake2b(self.fingerprint, digest_size=20)
        for part in inputs:
            digest.update(len(part).to_bytes(8, "little") + part)
        return digest.hexdigest()

    def get(self, key: str) -> Any | None:
        """The result kept for these inputs (kept again for the next run), or None."""
        value = self._old.get(key)
        if value is not None:
            self._new[key] = value
        return value

    def put(self, key: str, value: Any) -> None:
        self._new[key] = value

    def save(self) -> None:
        """Write this run's results (only this run's: files gone are forgotten), atomically."""
        if self._new != self._old:
            write_json(self.path, {"format": FORMAT, "code": self.fingerprint.hex(), "results": self._new})


def write_json(path: Path, value: Any) -> None:
    """`value` as JSON into `path`, whole or not at all (a reader never sees half a file); a
    folder that cannot be made or written leaves no file: a cache is then only missed."""
    import tempfile  # here: a run that writes nothing does not import it

    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(value, out)
            os.replace(temporary, path)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
