"""One build of the private part of a site: every engagement evaluated, its client page and
calendar rendered into the stage, the merge step done, before anything is published.

The MkDocs plugin runs it in `on_pre_build` (before MkDocs empties the site folder), and
`courtside build` runs it without MkDocs. Large folders are shared between this process and
worker processes (`parallel.map_chunks`): each evaluates its files and renders their pages,
and a worker sends its results back for the merge step, so each engagement is read and
computed once.

`mkdocs serve` keeps a `ServeMemo` between rebuilds: an engagement whose text, the policies,
`today` and the site did not change keeps its result and its staged page.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from .core.pipeline import Broken, PolicySet, Source, combine, evaluate
from .core.snapshot import Snapshot
from .kept_answers import kept_answers
from .parallel import jobs_for, map_chunks, pickle_by_fields
from .publish.i18n import missing_translations, record_missing
from .sources.folder import read_folder
from .stage import Stage

if TYPE_CHECKING:
    from .core.board import Board
    from .history import Histories
    from .publish.pages import ClientPage, PageWriter
    from .publish.site_files import BoardParts

PAGES_PER_PROCESS = 100
"""Engagements per process at the least. A fork costs about as much as a few pages, and a
worker loads again what the build's process loaded after the fork (the countries' holiday
modules and tables, the languages' locale data): at 25 a process, the build of 50 used
0.2 to 0.6 s more CPU for no wall time that this machine could tell from its noise (one
paired test 1.73 s against 1.85 s, two benchmark runs 1.34x and 1.46x against 1.30x)."""

Result = Snapshot | Broken

COLLECT_EVERY = 16
"""Engagements between two collections of young garbage while the collector is paused."""


def _results_pickle_quickly() -> None:
    """What a worker sends back (a Snapshot or a Broken, and what they hold) pickles by fields."""
    from .core.money import PaymentPlan
    from .core.problems import Problem
    from .core.schedule import Link, Schedule, StagePlan
    from .core.validate import Loaded, Origin
    from .core.yamlfile import Located

    pickle_by_fields(Snapshot, Broken, Loaded, Origin, Located, Schedule, StagePlan, Link, PaymentPlan, Problem)


_results_pickle_quickly()


@dataclass(frozen=True)
class PageOptions:
    """Where client pages go and what they may show."""

    client_dir: str  # "c"
    site_url: str | None
    directory_urls: bool = True
    serving: bool = False  # pages of invalid files show their problems; no CSP (live reload)


@dataclass
class Remembered:
    """What an earlier build made from an engagement: its result, and the files it staged."""

    inputs: bytes  # a digest of everything the result and the page depend on
    result: Result
    files: list[str]  # staged paths, from the site root


@dataclass
class ServeMemo:
    """What `mkdocs serve` keeps between rebuilds: each engagement's result and page, by its inputs."""

    results: dict[str, Remembered] = field(default_factory=dict)  # file name -> what it made

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
    board_parts: BoardParts | None = None  # each engagement's part of the board's files, made beside its page


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
    board_parts: bool = False,
) -> Built:
    """Every engagement of `folder` evaluated on `today`, merged; with a `writer` and a
    `stage`, the client page and calendar of each rendered into the stage.

    `jobs`: processes (0: one per CPU, with PAGES_PER_PROCESS engagements each at least).
    `memo` (serve): reuse what an earlier build made from the same inputs; `signature` is a
    digest of everything else a page shows (the site, templates, options).
    `history`: read the git history of `folder` (what changed, calendar revisions, the last
    good version of an invalid file); None: no history, as in a folder outside git.
    `board_parts`: make each engagement's part of `board.json` and of the studio calendar
    beside its page, in the stage (publish/site_files.py `BoardParts`), for a board.
    """
    # Serving (a memo): the process lives on, its collector runs as usual.
    with _collector_paused(memo is None), kept_answers() as answers:
        read = read_folder(folder, label)
        policies = read.policy_set()
        parts = None
        if board_parts and writer is not None and stage is not None:
            from .publish.site_files import BOARD_PARTS, BoardParts

            parts = BoardParts.made(stage.root / BOARD_PARTS, policies.policies.language)
        histories = None
        if history is not None:
            from .history import prepare

            ids = {Path(source.name).name: source.id for source in read.sources}
            histories = prepare(folder, label, today, history.cache, ids)
            signature += histories.signature
        common = _digest(read.policies.data if read.policies else b"", label.encode(), today.isoformat().encode(), signature)
        inputs = {source.name: _digest(common, source.data) for source in read.sources}
        by_name: dict[str, Result] = {}
        files: dict[str, list[str]] = {}  # what each engagement's page staged
        to_do: list[Source] = []
        old = memo.results if memo is not None else {}
        for source in read.sources:
            remembered = old.get(source.name)
            if remembered is not None and remembered.inputs == inputs[source.name]:
                by_name[source.name], files[source.name] = remembered.result, remembered.files
            else:
                to_do.append(source)
        if stage is not None:  # serve: the pages of engagements changed or gone
            for name, remembered in old.items():
                if name not in files:
                    stage.discard(remembered.files)

        def work(chunk: Sequence[Source]) -> tuple[list[tuple[Result, list[str]]], dict[str, list[str]], dict[str, dict], dict]:
            records: dict[str, dict] = {}
            done = []
            for count, source in enumerate(chunk, 1):
                done.append(_evaluate_and_render(source, policies, today, writer, stage, options, histories, records, parts))
                if count % COLLECT_EVERY == 0 and not gc.isenabled():
                    gc.collect(0)  # the last pages' garbage in cycles, the collector being paused
            return done, missing_translations(), records, answers.taken()

        # An explicit number of jobs is taken as it is (one file each at the least); by default,
        # one per CPU with PAGES_PER_PROCESS files each.
        # Each version of history still to evaluate is about a page's work: counted as one.
        work_items = len(to_do) + (histories.uncached if histories is not None else 0)
        processes = 1 if memo is not None else jobs_for(work_items, jobs, 1 if jobs else PAGES_PER_PROCESS)
        try:
            chunks = map_chunks(work, to_do, processes, shared=(policies,))
        except Exception as exc:
            if processes == 1:
                raise
            remote = exc.__cause__  # the worker's traceback, as text (concurrent.futures)
            raise BuildFailed(f"a worker process failed: {type(exc).__name__}: {exc}\n{remote or ''}".rstrip()) from None
        done_so_far = 0
        for results, missed, records, asked in chunks:
            record_missing(missed)
            answers.add(asked)
            if histories is not None:
                for ident, computed in records.items():
                    histories.cached.setdefault(ident, {}).update(computed)
            for source, (result, staged) in zip(to_do[done_so_far : done_so_far + len(results)], results, strict=True):
                by_name[source.name], files[source.name] = result, staged
            done_so_far += len(results)
        results = [entry if isinstance(entry, Broken) else by_name[entry.name] for entry in read.entries]
        if histories is not None and history is not None and history.keep_last_good:
            results = [
                _last_good(result, histories, today, writer, stage, options, files, parts)
                if isinstance(result, Broken)
                else result
                for result in results
            ]
        if histories is not None:
            histories.save({source.id: Path(source.name).name for source in read.sources})
        board = combine(results, policies, today)
        if writer is not None and stage is not None:
            _restage_shared_pages(read.sources, by_name, files, writer, stage, options)
        if memo is not None:
            memo.results = {name: Remembered(inputs[name], result, files[name]) for name, result in by_name.items()}
        return Built(board, processes, histories, parts)


@contextmanager
def _collector_paused(active: bool = True) -> Iterator[None]:
    """The garbage collector's automatic runs paused for a build, its process's one job
    (not `active`: nothing changes).

    What exists before (MkDocs, the theme, the modules, the policies) and what the build makes
    (the results, the board) lives until the process ends, and every full collection walked
    all of it: 0.43 s in 4 full collections of a build of 1,000 engagements, 0.61 s of
    collections in all, 0.22 s with this. A page leaves about 26 objects in cycles behind,
    which the build collects every `COLLECT_EVERY` pages, looking only at the objects made
    since. Frozen objects are also what a forked worker shares untouched (the advice of the
    `gc.freeze` documentation).
    """
    if not active:
        yield
        return
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def _restage_shared_pages(
    sources: list[Source],
    by_name: dict[str, Result],
    files: dict[str, list[str]],
    writer: PageWriter,
    stage: Stage,
    options: PageOptions,
) -> None:
    """Two files with the same share each staged a page at the same path, in no set order; the
    merge step gave the share to the first (in file order): stage its page again, and the
    later files' pages are not theirs to publish. (Rare: a copied file, while serving.)"""
    writers: dict[str, list[str]] = {}  # path -> the files that staged it, in file order
    for source in sources:
        for path in files.get(source.name, ()):
            writers.setdefault(path, []).append(source.name)
    contested = {path for path, names in writers.items() if len(names) > 1}
    for source in sources:
        own = files.get(source.name, [])
        if not contested.intersection(own):
            continue
        if writers[own[0]][0] != source.name:
            files[source.name] = []
            continue
        page = page_of(by_name[source.name], options)
        if page is not None:
            stage.write(writer.render(page))


def _evaluate_and_render(
    source: Source,
    policies: PolicySet,
    today: date,
    writer: PageWriter | None,
    stage: Stage | None,
    options: PageOptions,
    histories: Histories | None = None,
    records: dict[str, dict] | None = None,
    parts: BoardParts | None = None,
) -> tuple[Result, list[str]]:
    """The per-file work of a build: the pipeline, the engagement's story, then the page into
    the stage (its paths; `records` collects the versions evaluated for the history cache)."""
    result = evaluate(source, policies, today)
    if histories is not None and histories.git is not None and isinstance(result, Snapshot):
        result, computed = histories.story(result, Path(source.name).name)
        if records is not None and computed:
            records[result.id] = computed
    written = _render(result, writer, stage, options, parts)  # type: ignore[arg-type]
    if isinstance(result, Snapshot):
        # Every problem of this engagement is found and its page written: the line of each
        # field (about 2.6 KB an engagement) is not needed any more, only the share's. Kept,
        # it is most of what puts the build of 10,000 engagements over its memory target
        # (docs/performance.md); a worker also sends less back.
        result = result.without_lines()
    return result, written  # type: ignore[return-value]


def _render(
    result: Result, writer: PageWriter | None, stage: Stage | None, options: PageOptions, parts: BoardParts | None = None
) -> list[str]:
    """A result's client page and calendar into the stage (and its `parts` of the board's
    files, for a valid engagement); the paths written."""
    if writer is None or stage is None:
        return []
    page = page_of(result, options)
    if page is None:
        return []
    files = writer.render(page)
    stage.write(files)
    if parts is not None and isinstance(result, Snapshot):
        parts.write(result, page)
    return [path for path, _ in files]


def _last_good(
    broken: Broken,
    histories: Histories,
    today: date,
    writer: PageWriter | None,
    stage: Stage | None,
    options: PageOptions,
    files: dict[str, list[str]],
    parts: BoardParts | None = None,
) -> Result:
    """Keep-last-good: an invalid file published from its last valid commit, when there is one."""
    kept = histories.last_good(broken, Path(broken.file).name, today)
    if kept is None:
        return broken
    files[broken.file] = _render(kept, writer, stage, options, parts)
    return kept
