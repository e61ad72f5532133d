"""The build's history: git versions (sources/git.py) through the pipeline into stories (core/history.py).

`prepare` runs once per build, in the main process: it reads the history of `projects/`,
loads the cache, reads in one `git cat-file` the blobs of the versions not cached yet, and
checks each version of `_policies.yml` once. Then, for each engagement (in the worker that
renders its page), `story` evaluates the versions not cached, each as of its own day, and
tells the story of the engagement's promise; `last_good` finds the version to publish when
the file is invalid now (`on_invalid: keep-last-good`).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from .core.history import Kept, Point, Record, story_of
from .core.pipeline import (
    NO_POLICIES,
    POLICIES_FILE,
    Broken,
    Loaded,
    PolicySet,
    Source,
    compute,
    evaluate,
    read_policies,
)
from .core.problems import Invalid
from .core.snapshot import Snapshot
from .core.validate import decode, load_engagement
from .core.values import refused_in_body
from .sources.git import GitFailed, GitHistory, HistoryCache, NoHistory, Version, read_history

log = logging.getLogger("mkdocs.plugins.courtside")

INVALID = {"invalid": True}
"""A cached version whose file was invalid (it is skipped, and never evaluated again)."""


@dataclass
class Histories:
    """What one build knows of the history of its projects folder."""

    label: str  # how problems name the folder: "projects"
    git: GitHistory | None
    reason: str | None = None  # why there is no history (None: there is one)
    cache: HistoryCache = field(default_factory=lambda: HistoryCache(None))
    cached: dict[str, dict[str, Any]] = field(default_factory=dict)  # engagement id -> key -> record
    blobs: dict[str, bytes] = field(default_factory=dict)
    fronts: dict[str, bytes | None] = field(default_factory=dict)  # blob -> `_reusable(its bytes)`
    policy_sets: dict[str | None, PolicySet] = field(default_factory=dict)
    uncached: int = 0  # versions of this build's engagements not in the cache: to evaluate
    _loaded: dict[str, tuple[tuple | None, Loaded | Broken]] = field(default_factory=dict)  # file -> the last version read

    @property
    def signature(self) -> bytes:
        """What changes when the history does (`mkdocs serve` keeps pages by their inputs)."""
        return (self.git.head if self.git else self.reason or "").encode()

    def versions(self, file_name: str) -> list[Version]:
        return self.git.versions.get(file_name, []) if self.git else []

    def points(self, ident: str, file_name: str) -> tuple[list[Point], dict[str, Any]]:
        """Every committed version of one engagement as a point, and the records computed now."""
        known = self.cached.get(ident, {})
        computed: dict[str, Any] = {}
        points: list[Point] = []
        previous: Version | None = None
        for version in self.versions(file_name):
            key = HistoryCache.key(version)
            data = known.get(key)
            record = None if data is None or data == INVALID else Record.from_json(data)
            if data is None or (record is None and data != INVALID):
                settled = points[-1].record if points and previous is not None else None
                if settled is not None and _settled(settled) and self._same_terms(previous, version):  # type: ignore[arg-type]
                    record = settled
                else:
                    record = self._evaluate(file_name, version)
                data = INVALID if record is None else record.to_json()
                computed[key] = data
            points.append(Point(version.commit[:12], version.day, record))
            previous = version
        return points, computed

    def _same_terms(self, before: Version, after: Version) -> bool:
        """Speed: whether a version can only differ from the one before it by its day, that is
        they have one reuse key (`_reuse_key`). A finished engagement's record does not depend
        on the day (every stage done: its dates are recorded ones), so such a version of it
        (the body edited, a comment added to the policies) is not evaluated again."""
        if before.blob == after.blob and before.policies == after.policies:
            return True  # the same bytes read again (the version before is valid: it has a record)
        blobs = (before.blob, after.blob, before.policies, after.policies)
        if any(blob is not None and blob not in self.blobs for blob in blobs):
            return False  # a version read from the cache: its blobs are not read to compare them
        if (before.policies is None) != (after.policies is None):
            return False  # no policies file, and one added or deleted
        key = self._reuse_key(after)
        if key is None or key != self._reuse_key(before):
            return False
        return before.policies == after.policies or not self._policies(after.policies).problems

    def _reuse_key(self, version: Version) -> tuple[bytes, int] | None:
        """What a version is validated from, but for its body: its front matter and its
        policies as read (one PolicySet per reading: data, problems and announced changes).
        None, never reused, when the file has no front matter or the pipeline would refuse it
        for its body (`_reusable`)."""
        if version.blob not in self.fronts:
            self.fronts[version.blob] = _reusable(self._blob(version.blob))
        front = self.fronts[version.blob]
        return None if front is None else (front, id(self._policies(version.policies)))

    def _evaluate(self, file_name: str, version: Version) -> Record | None:
        from .core.history import record_of

        data = self._blob(version.blob)
        source = Source(f"{self.label}/{file_name}", data)
        policies = self._policies(version.policies)
        # Speed: a version whose front matter and policies read as the one before it (its body
        # edited, a comment in the policies) is computed on its own day from the same
        # validated terms, without reading and validating them again.
        key = self._reuse_key(version)
        last = self._loaded.get(file_name)
        if last is not None and key is not None and last[0] == key:
            loaded: Loaded | Broken = last[1]
        else:
            loaded = load_engagement(source.id, source.name, source.data, policies)
            self._loaded[file_name] = (key, loaded)
        if isinstance(loaded, Broken):
            return None
        result = compute(loaded, version.day)
        return record_of(result) if isinstance(result, Snapshot) else None

    def _blob(self, blob: str) -> bytes:
        """A blob's bytes: read beforehand (`prepare`), else now."""
        if blob in self.blobs:
            return self.blobs[blob]
        assert self.git is not None
        found = self.git.read_blobs([blob])
        self.blobs.update(found)
        return found[blob]

    def _policies(self, blob: str | None) -> PolicySet:
        """The policies of a version, checked once per blob; two versions that read the same
        (a comment edited) share one PolicySet."""
        if blob not in self.policy_sets:
            found = NO_POLICIES if blob is None else read_policies(Source(f"{self.label}/{POLICIES_FILE}", self._blob(blob)))
            same = next(
                (known for known in self.policy_sets.values() if known.data == found.data and known.problems == found.problems
                 and known.changes == found.changes),
                None,
            )  # fmt: skip
            self.policy_sets[blob] = same if same is not None else found
        return self.policy_sets[blob]

    def story(self, snapshot: Snapshot, file_name: str) -> tuple[Snapshot, dict[str, Any]]:
        """The snapshot with its story attached, and the records computed for the cache."""
        points, computed = self.points(snapshot.id, file_name)
        return replace(snapshot, history=story_of(points, snapshot)), computed

    def last_good(self, broken: Broken, file_name: str, today: date) -> Snapshot | None:
        """Keep-last-good: the last committed version in which the file was valid, evaluated on
        `today` with the policies of its commit, its story told up to that commit (what a build
        of that commit would publish), marked with the problems of the file now."""
        if self.git is None:
            return None
        points, computed = self.points(broken.id, file_name)
        self.cached.setdefault(broken.id, {}).update(computed)
        versions = self.versions(file_name)
        for index in range(len(points) - 1, -1, -1):
            if points[index].record is None:
                continue
            version = versions[index]
            source = Source(f"{self.label}/{file_name}", self._blob(version.blob))
            result = evaluate(source, self._policies(version.policies), today)
            if isinstance(result, Snapshot):
                kept = Kept(version.commit[:12], version.day, tuple(broken.problems))
                return replace(result, history=story_of(points[: index + 1], result, kept))
        return None

    def save(self, used: dict[str, str]) -> None:
        """Write the cache: for each engagement id, the records of its versions still in use
        (`used`: id -> file name)."""
        if self.git is None:
            return
        for ident, file_name in used.items():
            keys = {HistoryCache.key(v) for v in self.versions(file_name)}
            records = {key: value for key, value in self.cached.get(ident, {}).items() if key in keys}
            if records:
                self.cache.save(ident, records)


def _settled(record: Record) -> bool:
    """A record that no later day changes: every stage done (its dates are recorded ones) and
    no gate payment unpaid (an unpaid gate holds the next stage to the day after today)."""
    return record.state == "done" and all(p.paid is not None or not p.gate for p in record.payments)


def _front_matter(data: bytes) -> bytes | None:
    """The front matter of an engagement file's bytes (None when it has no closing line)."""
    lines = data.split(b"\n")
    for index, line in enumerate(lines[1:], start=1):
        if _CLOSING.fullmatch(line):
            return b"\n".join(lines[:index])
    return None


_CLOSING = re.compile(rb"(?:---|\.\.\.)[ \t]*\r?")
"""The line that closes the front matter, as `read_front_matter` finds it (core/yamlfile.py)."""


def _reusable(data: bytes) -> bytes | None:
    """The front matter of an engagement file's bytes, when what was validated of another
    version with this front matter holds for this one: None when it has no front matter, or
    when the pipeline would refuse the file for the rest of it (`load_engagement`: bytes that
    are not UTF-8, a character the page's text cannot hold below the front matter)."""
    front = _front_matter(data)
    if front is None:
        return None
    try:
        text = decode(data, "")
    except Invalid:
        return None
    # The body as `read_front_matter` finds it: the text after the closing line.
    closing = front.count(b"\n") + 1
    lines = text.split("\n", closing + 1)
    body = lines[closing + 1] if len(lines) > closing + 1 else ""
    return None if refused_in_body(body) is not None else front


def prepare(folder: Path, label: str, today: date, cache_folder: Path | None, ids: dict[str, str]) -> Histories:
    """The history of `folder` for a build on `today`: versions read, cache loaded, the blobs
    not cached read in one go, each version of the policies checked once (`ids`: file name ->
    engagement id, the engagements of this build)."""
    found = read_history(folder, today)
    if isinstance(found, NoHistory):
        return Histories(label, None, found.reason)
    cache = HistoryCache(cache_folder)
    histories = Histories(label, found, None, cache)
    needed: set[str] = set()
    for file_name, versions in found.versions.items():
        ident = ids.get(file_name)
        if ident is None:
            continue  # a file that is gone: its history is not shown anywhere
        known = histories.cached.setdefault(ident, cache.load(ident))
        for version in versions:
            if HistoryCache.key(version) not in known:
                histories.uncached += 1
                needed.add(version.blob)
                if version.policies is not None:
                    needed.add(version.policies)
    try:
        histories.blobs = found.read_blobs(needed)
    except GitFailed as exc:
        return Histories(label, None, str(exc))
    for version in (v for versions in found.versions.values() for v in versions):
        if version.policies in histories.blobs or version.policies is None:
            histories._policies(version.policies)
    return histories


def describe(histories: Histories, label: str) -> str:
    """The build's one line about its history."""
    if histories.git is None:
        return (
            f"courtside: no history of {label} ({histories.reason}): calendars count their "
            "revisions without it and client pages list no changes"
        )
    return f"courtside: history of {label}: {histories.git.commits} commit(s) read"
