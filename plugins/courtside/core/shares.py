"""The merge step's rule: a share belongs to the first file that uses it.

Kept apart from the pipeline so that `courtside check` can merge cached results without
loading the validation model.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from .problems import Problem
from .results import Broken, Passed

Result = TypeVar("Result")


def unique_shares(results: Iterable[Result]) -> list[Result | Broken]:
    """The merge step's rule, file by file in order: the first file to use a share keeps it;
    a later file with the same share becomes Broken, with the problem at its `share:` line."""
    first_with: dict[str, str] = {}  # share -> the first file that uses it
    out: list[Result | Broken] = []
    for result in results:
        share, line, file = _share_of(result)
        first = first_with.setdefault(share, file) if share else file
        if first == file:
            out.append(result)
            continue
        problem = Problem(
            file,
            line,
            "share",
            f"this share is already used by {first}; expected a share of its own "
            "(run `courtside rotate` for a new one)",
        )
        if isinstance(result, Broken):
            out.append(Broken(result.id, file, [*result.problems, problem], None, result.client, result.project))
        elif isinstance(result, Passed):
            out.append(Broken(result.id, file, [problem]))
        else:
            terms = result.terms
            out.append(Broken(result.id, file, [problem], None, terms.client, terms.project))
    return out


def _share_of(result: Any) -> tuple[str | None, int, str]:
    """The share a result uses (None: none, or not a well-formed one), its line and its file."""
    if isinstance(result, Broken | Passed):
        return result.share, result.share_line, result.file
    loaded = getattr(result, "loaded", result)  # a Snapshot holds its Loaded engagement
    return loaded.terms.share, loaded.origin.located.line_of(("share",)), loaded.origin.file
