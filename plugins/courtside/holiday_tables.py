"""The holidays package's answers, kept in the cache folder between runs.

The first holidays of a country cost a process about 10 to 20 ms: the package imports the
country's module and reads its translations, and the package itself takes 35 ms to import.
A build or a check meets every country its engagements use, in every process, every run:
0.1 to 0.25 s per process for a studio's files (docs/performance.md). What the package
answered (its country codes, each country's languages, the subdivisions asked about, each
year's holidays by name in each language) is plain data that depends only on the package's
version: kept here, a later run reads it in a few milliseconds and, when every answer is
there, never imports the package.

One file, `holidays.json` in the cache folder (`cache.cache_dir()`, never in the
repository), for the exact code that made it (`cache.code_fingerprint`: Courtside's code and
the holidays package's version); another code starts it afresh. Written whole and
atomically, only when a run asked something new; a file that cannot be read or written is
no table at all, and the package is asked as before. `core/workcal.py` reads the tables first
(`use_kept_tables`); a build's or check's worker processes send back what they asked
(`taken`), which the parent adds (`add`) and saves once.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .cache import cache_dir, code_fingerprint, write_json
from .core import workcal

FILE = "holidays.json"
FORMAT = 1

Answers = dict[str, dict[str, Any]]  # kind -> key -> the package's answer


class HolidayTables:
    """The tables read from `path` (None: kept in memory only), and what was added since."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.code = code_fingerprint().hex()
        self._kept: Answers = {}
        self._new: Answers = {}
        self._unsent: Answers = {}
        if path is not None:
            with contextlib.suppress(OSError, ValueError, AttributeError):
                data = json.loads(path.read_text(encoding="utf-8"))
                if data.get("format") == FORMAT and data.get("code") == self.code and isinstance(data["tables"], dict):
                    self._kept = data["tables"]

    def get(self, kind: str, key: str) -> Any:
        found = self._kept.get(kind, {}).get(key)
        return found if found is not None else self._new.get(kind, {}).get(key)

    def put(self, kind: str, key: str, value: Any) -> None:
        self._new.setdefault(kind, {})[key] = value
        self._unsent.setdefault(kind, {})[key] = value

    # What this process asked the package since the last call (a worker sends it back).
    def taken(self) -> Answers:
        unsent, self._unsent = self._unsent, {}
        return unsent

    # What a worker process asked the package.
    def add(self, answers: Answers) -> None:
        for kind, found in answers.items():
            self._new.setdefault(kind, {}).update(found)

    # Into the cache folder, when anything was asked of the package.
    def save(self) -> None:
        if self.path is None or not any(self._new.values()):
            return
        tables = {kind: dict(found) for kind, found in self._kept.items()}
        for kind, found in self._new.items():
            tables.setdefault(kind, {}).update(found)
        write_json(self.path, {"format": FORMAT, "code": self.code, "tables": tables})
        self._kept, self._new = tables, {}


@contextmanager
def kept_holiday_tables(root: Path | None = None) -> Iterator[HolidayTables]:
    """The tables of the cache folder (`root`, else `cache_dir()`) in use by `workcal` for the
    time of a build or check, and saved at its end (not after an error)."""
    tables = HolidayTables((root or cache_dir()) / FILE)
    workcal.use_kept_tables(tables)
    try:
        yield tables
        tables.save()
    finally:
        workcal.use_kept_tables(None)
