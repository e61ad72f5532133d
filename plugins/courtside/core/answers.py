"""What the libraries the core asks (holidays, email-validator) answered, kept between runs.

The core asks two libraries about facts that do not depend on any engagement: the `holidays`
package (its country codes, a country's languages, whether it knows a subdivision, a year's
holidays) and `email-validator` (whether an address is valid). Both cost a new process its
imports and first answers, in every process of every build and check. An edge may hand the
core a store of earlier answers (`use_kept_answers`; `courtside/kept_answers.py` keeps them
in the cache folder): the core reads it first, asks the library only for what it lacks, and
adds what the library said. Without a store the library is asked, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol


class KeptAnswers(Protocol):
    """Earlier answers, as JSON values by kind and key."""

    def get(self, kind: str, key: str) -> Any: ...

    def put(self, kind: str, key: str, value: Any) -> None: ...


_kept: KeptAnswers | None = None


def use_kept_answers(answers: KeptAnswers | None) -> None:
    """Read `answers` before asking a library, and add its new answers there (None: ask only)."""
    global _kept
    _kept = answers


def kept(kind: str, key: str) -> Any:
    """The answer kept for `key`, or None."""
    return _kept.get(kind, key) if _kept is not None else None


def keep(kind: str, key: str, value: Any) -> None:
    """Keep an answer (a JSON value), when there is a store."""
    if _kept is not None:
        _kept.put(kind, key, value)


def answer(kind: str, key: str, ask: Callable[[], Any]) -> Any:
    """The kept answer for `key`, else `ask()`'s, kept (a library's answer, as a JSON value)."""
    found = kept(kind, key)
    if found is None:
        found = ask()
        keep(kind, key, found)
    return found
