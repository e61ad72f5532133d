"""The answers of the libraries the core asks, kept in the cache folder between runs.

The `holidays` package costs a process 35 ms to import, and each country's first holidays
another 10 to 20 ms (the package imports the country's module and reads its translations);
`email-validator` 40 ms to import. A build or a check meets every country and address of
its engagements, in every process, every run: 0.1 to 0.3 s per process for a studio's files
(docs/performance.md). What they answered is plain data that depends only on their versions
(`core/answers.py` says what is kept: the package's country codes, each country's languages,
the subdivisions asked about and each year's holidays by language; a digest of each address
found valid as written, never an address). Kept here, a later run reads it in a few
milliseconds and, when every answer is there, imports neither library.

One file, `answers.json` in the cache folder (`cache.cache_dir()`, never in the repository),
for the exact code that made it (`cache.code_fingerprint`: Courtside's code and both
libraries' versions); another code starts it afresh. Written whole and
atomically, only when a run asked something new; a file that cannot be read or written is no
store at all, and the libraries are asked as before. A build's or check's worker processes
send back what they asked (`taken`), which the parent adds (`add`) and saves once.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .cache import cache_dir, code_fingerprint, write_json
from .core.answers import use_kept_answers

FILE = "answers.json"
FORMAT = 1

Answers = dict[str, dict[str, Any]]  # kind -> key -> the library's answer


class KeptAnswers:
    """The answers read from `path` (None: kept in memory only), and those added since."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.code = code_fingerprint().hex()
        self._kept: Answers = {}
        self._new: Answers = {}
        self._unsent: Answers = {}
        if path is not None:
            with contextlib.suppress(OSError, ValueError, AttributeError):
                data = json.loads(path.read_text(encoding="utf-8"))
                if data.get("format") == FORMAT and data.get("code") == self.code and isinstance(data["answers"], dict):
                    self._kept = data["answers"]

    def get(self, kind: str, key: str) -> Any:
        found = self._kept.get(kind, {}).get(key)
        return found if found is not None else self._new.get(kind, {}).get(key)

    def put(self, kind: str, key: str, value: Any) -> None:
        self._new.setdefault(kind, {})[key] = value
        self._unsent.setdefault(kind, {})[key] = value

    # What this process asked since the last call (a worker sends it back).
    def taken(self) -> Answers:
        unsent, self._unsent = self._unsent, {}
        return unsent

    # What a worker process asked.
    def add(self, answers: Answers) -> None:
        for kind, found in answers.items():
            self._new.setdefault(kind, {}).update(found)

    # Into the cache folder, when anything new was asked.
    def save(self) -> None:
        if self.path is None or not any(self._new.values()):
            return
        answers = {kind: dict(found) for kind, found in self._kept.items()}
        for kind, found in self._new.items():
            answers.setdefault(kind, {}).update(found)
        write_json(self.path, {"format": FORMAT, "code": self.code, "answers": answers})
        self._kept, self._new = answers, {}


@contextmanager
def kept_answers(root: Path | None = None) -> Iterator[KeptAnswers]:
    """The answers of the cache folder (`root`, else `cache_dir()`) in use by the core for the
    time of a build or check, and saved at its end (not after an error)."""
    answers = KeptAnswers((root or cache_dir()) / FILE)
    use_kept_answers(answers)
    try:
        yield answers
        answers.save()
    finally:
        use_kept_answers(None)
