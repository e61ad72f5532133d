"""One build of the private part of a site: every engagement evaluated, its client page and
calendar rendered into the stage, the merge step done, before anything is published.

The MkDocs plugin runs it in `on_pre_build` (before MkDocs empties the site folder), and
`courtside build` runs it without MkDocs. Large folders are shared between worker processes
(`parallel.map_chunks`): a worker evaluates its files and renders their pages, and sends the
results back for the merge step, so each engagement is read and computed once.

`mkdocs serve` keeps a `ServeMemo` between rebuilds: an engagement whose text, the policies,
`today` and the site did not change keeps its result and its staged page.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from .core.pipeline import Broken, PolicySet, Source, combine, evaluate
from .core.snapshot import Snapshot
from .parallel import jobs_for, map_chunks
from .publish.i18n import missing_translations, record_missing
from .sources.folder import read_folder
from .stage import Stage

if TYPE_CHECKING:
    from .core.board import Board
    from .history import Histories
    from .publish.pages import ClientPage, PageWriter

PAGES_PER_PROCESS = 100
"""Engagements per worker process at the least: a fork costs about as much as a few pages."""

Result = Snapshot | Broken


@dataclass(frozen=True)
class PageOptions:
    """Where client pages go and what they may show."""

    client_dir: str  # "c"
    site_url: str | None
    directory_urls: bool = True
    serving: bool = False  # pages of invalid files show their problems; no CSP (live reload)


@dataclass
class ServeMemo:
    """What `mkdocs serve` keeps between rebuilds: each engagement's result, by its inputs."""

    results: dict[str, tuple[bytes, Result]] = field(default_factory=dict)  # file name -> (inputs, result)

    # Forget everything (after a failed build, the stage cannot be trusted).
    def clear(self) -> None:
        self.results.clear()


def _digest(*parts: bytes) -> bytes:
    hasher = hashlib.blake2b(digest_size=16)
    for part in parts:
        hasher.update(len(part).to_bytes(8, "little") + part)
    return hasher.digest()


def page_of(result: Result, options: PageOptions) -> ClientPage | None:
    """The client page of a result: a valid engagement's, or (serving) a broken one's problems."""
    from .publish.pages import client_pages

    if isinstance(result, Broken) and not options.serving:
        return None
    pages = client_pages([result], options.client_dir, options.site_url, options.directory_urls)
    return pages[0] if pages else None


class BuildFailed(Exception):
    """A worker process failed (a bug, not the user's files): the message holds its traceback."""


@dataclass(frozen=True)
class Built:
    """What a build of the engagements made: the board, and how many processes rendered pages."""

    board: Board
    processes: int
    histories: Histories | None = None  # what was read of the history (None: not asked for)


@dataclass(frozen=True)
class HistoryOptions:
    """Whether and how a build reads the history of its projects folder."""

    cache: Path | None  # the cache folder (None: no cache)
    keep_last_good: bool = False  # `on_invalid: keep-last-good`


def build_engagements(
    folder: Path,
    label: str,
    today: date,
    writer: PageWriter | None,
    stage: Stage | None,
    options: PageOptions,
    jobs: int = 0,
    memo: ServeMemo | None = None,
    signature: bytes = b"",
    history: HistoryOptions | None = None,
) -> Built:
    """Every engagement of `folder` evaluated on `today`, merged; with a `writer` and a
    `stage`, the client page and calendar of each rendered into the stage.

    `jobs`: processes (0: one per CPU, with PAGES_PER_PROCESS engagements each at least).
    `memo` (serve): reuse what an earlier build made from the same inputs; `signature` is a
    digest of everything else a page shows (the site, templates, options).
    `history`: read the git history of `folder` (what changed, calendar revisions, the last
    good version of an invalid file); None: no history, as in a folder outside git.
    """
    read = read_folder(folder, label)
    policies = read.policy_set()
    histories = None
    if history is not None:
        from .history import prepare

        ids = {Path(source.name).name: source.id for source in read.sources}
        histories = prepare(folder, label, today, history.cache, ids)
        signature += histories.signature
    common = _digest(read.policies.data if read.policies else b"", label.encode(), today.isoformat().encode(), signature)
    inputs = {source.name: _digest(common, source.data) for source in read.sources}
    by_name: dict[str, Result] = {}
    to_do: list[Source] = []
    for source in read.sources:
        remembered = memo.results.get(source.name) if memo is not None else None
        if remembered is not None and remembered[0] == inputs[source.name]:
            by_name[source.name] = remembered[1]
        else:
            to_do.append(source)

    def work(chunk: Sequence[Source]) -> tuple[list[Result], dict[str, list[str]], dict[str, dict]]:
        records: dict[str, dict] = {}
        results = [
            _evaluate_and_render(source, policies, today, writer, stage, options, histories, records)
            for source in chunk
        ]
        return results, missing_translations(), records

    # An explicit number of jobs is taken as it is (one file each at the least); by default,
    # one per CPU with PAGES_PER_PROCESS files each.
    # Each version of history still to evaluate is about a page's work: counted as one.
    work_items = len(to_do) + (histories.uncached if histories is not None else 0)
    processes = 1 if memo is not None else jobs_for(work_items, jobs, 1 if jobs else PAGES_PER_PROCESS)
    try:
        chunks = map_chunks(work, to_do, processes)
    except Exception as exc:
        if processes == 1:
            raise
        remote = exc.__cause__  # the worker's traceback, as text (concurrent.futures)
        raise BuildFailed(f"a worker process failed: {type(exc).__name__}: {exc}\n{remote or ''}".rstrip()) from None
    done = 0
    for results, missed, records in chunks:
        record_missing(missed)
        if histories is not None:
            for ident, computed in records.items():
                histories.cached.setdefault(ident, {}).update(computed)
        for source, result in zip(to_do[done : done + len(results)], results, strict=True):
            by_name[source.name] = result
        done += len(results)
    if memo is not None:
        memo.results = {name: (inputs[name], result) for name, result in by_name.items()}
    results = [entry if isinstance(entry, Broken) else by_name[entry.name] for entry in read.entries]
    if histories is not None and history is not None and history.keep_last_good:
        results = [
            _last_good(result, histories, today, writer, stage, options) if isinstance(result, Broken) else result
            for result in results
        ]
    if histories is not None:
        histories.save({source.id: Path(source.name).name for source in read.sources})
    if stage is not None:  # pages of engagements that are gone (serve: deleted or renamed files)
        for key in stage.keys() - {result.id for result in results} - {BOARD_KEY}:
            stage.drop(key)
    return Built(combine(results, policies, today), processes, histories)


BOARD_KEY = "_board"
"""The stage's folder for the board's files (engagement ids never start with `_`)."""


def _evaluate_and_render(
    source: Source,
    policies: PolicySet,
    today: date,
    writer: PageWriter | None,
    stage: Stage | None,
    options: PageOptions,
    histories: Histories | None = None,
    records: dict[str, dict] | None = None,
) -> Result:
    """The per-file work of a build: the pipeline, the engagement's story, then the page into
    the stage (`records` collects the versions evaluated for the history cache)."""
    result = evaluate(source, policies, today)
    if histories is not None and histories.git is not None and isinstance(result, Snapshot):
        result, computed = histories.story(result, Path(source.name).name)
        if records is not None and computed:
            records[result.id] = computed
    _render(result, writer, stage, options)  # type: ignore[arg-type]
    return result  # type: ignore[return-value]


def _render(result: Result, writer: PageWriter | None, stage: Stage | None, options: PageOptions) -> None:
    """A result's client page and calendar into the stage (or its files out of it)."""
    if writer is not None and stage is not None:
        page = page_of(result, options)
        if page is None:
            stage.drop(result.id)
        else:
            stage.put(result.id, writer.render(page))


def _last_good(
    broken: Broken, histories: Histories, today: date, writer: PageWriter | None, stage: Stage | None, options: PageOptions
) -> Result:
    """Keep-last-good: an invalid file published from its last valid commit, when there is one."""
    kept = histories.last_good(broken, Path(broken.file).name, today)
    if kept is None:
        return broken
    _render(kept, writer, stage, options)
    return kept
